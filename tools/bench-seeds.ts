// npm run bench:seeds — the seeds' own table next to ours (issue 22): each seed's claimed before/after
// sizes and, measured in one run on this machine, the seeds' Dockerfiles (bench/python-*) and ours:
// uncompressed bytes (what `docker images` showed on the seeds' engines: the sum of the layer tars),
// compressed bytes as pushed (gzip, BuildKit's image exporter to the local registry), the reduction
// against the seed's "before", and what `npm start -- --context … --platform linux/amd64` reports:
// findings (with the compressed bytes of the layer each finding's line made) and the monthly ECR cost
// per environment. Every image is run once (a smoke test) so the numbers never measure a broken image.
// Needs `bash scripts/test-infra.sh up` (engine, registry, ecr-pipeline-test/python:3.11-* bases).
//
// Then each new analyzer rule's cost, measured on a pair of Dockerfiles (with the problem, and fixed).
//
//   npx tsx tools/bench-seeds.ts [--only 004-fat,000-best] [--no-rules] [--write]   (--write updates docs/BENCHMARKS.md)
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { buildx, fetchPlatformManifest, registryOutput } from "./lib/buildx";
import { pseudoRandomBytes, REPO_ROOT } from "./lib/bench-variants";
import { benchLogger, requireTestInfrastructure, runBench } from "./lib/bench-run";
import { onlyIds, writeBenchTable } from "./lib/bench-docs";
import { buildImage, docker } from "./lib/docker";
import { runCommand } from "./lib/process";
import { compressedBytes, LOCAL_REGISTRY } from "./lib/registry";

/** The Debian-built stand-ins for the official Python images (scripts/infra/bases-python.sh). */
export const PYTHON_BASES = {
  full: "ecr-pipeline-test/python:3.11-full",
  slim: "ecr-pipeline-test/python:3.11-slim",
  distroless: "ecr-pipeline-test/python:3.11-distroless",
} as const;

export type Role = "before" | "seed-after" | "ours";

export interface SeedVariant {
  /** `<seed>-<name>`, e.g. 004-fat. */
  id: string;
  seed: string;
  role: Role;
  /** bench/<fixture>/<file> */
  fixture: string;
  file: string;
  what: string;
  buildArgs: Record<string, string>;
  /** A developer checkout's extras in the context (.git, .env, bytecode): the seed's "no .dockerignore". */
  clutter: boolean;
  /** Arguments after the image in `docker run` (replace CMD) and what the output must contain. */
  smoke: { args: string[]; expect: string };
  /** Why a finding that stays on our variant is acceptable. */
  justified?: Record<string, string>;
}

/** What a seed's report claims, in bytes as its `docker images` printed them (SI units). */
export interface SeedClaim {
  seed: string;
  title: string;
  before?: { label: string; bytes: number };
  after?: { label: string; bytes: number };
  /** A claimed reduction without sizes (seed 002): the fraction removed, low and high. */
  reductionRange?: [number, number];
}

const GB = 1e9;
const MB = 1e6;

export const SEED_CLAIMS: readonly SeedClaim[] = [
  {
    seed: "000",
    title: "Flask + boto3 service",
    before: { label: "python:3.12, one stage", bytes: 2 * GB },
    after: { label: "multi-stage slim", bytes: 180 * MB },
  },
  {
    seed: "001",
    title: "ML inference app, PyInstaller to scratch",
    before: { label: "python:3.9 + build tools", bytes: 1.2 * GB },
    after: { label: "scratch + PyInstaller binary", bytes: 8 * MB },
  },
  { seed: "002", title: "FastAPI + ffmpeg (vidaud)", reductionRange: [0.15, 0.25] },
  {
    seed: "004",
    title: "fat / slim / multi comparison",
    before: { label: "myapp:fat", bytes: 1.13 * GB },
    after: { label: "myapp:multi", bytes: 124 * MB },
  },
];

const FULL = { PYTHON_IMAGE: PYTHON_BASES.full };
const SLIM = { PYTHON_IMAGE: PYTHON_BASES.slim };
const OURS = { PYTHON_BUILD_IMAGE: PYTHON_BASES.slim, PYTHON_RUNTIME_IMAGE: PYTHON_BASES.distroless };
const HELLO = { args: [], expect: "Hello from Docker optimization demo!" };
const serviceCheck = (entrypointPython: boolean) => ({
  args: entrypointPython ? ["app.py", "--check"] : ["python", "app.py", "--check"],
  expect: '"boto3"',
});
const ffmpegCheck = (entrypointPython: boolean) => ({
  args: entrypointPython ? ["main.py", "--check"] : ["python", "main.py", "--check"],
  expect: "ffmpeg version",
});
const NO_SHELL_HEALTHCHECK =
  "no HEALTHCHECK: the distroless image has no shell or HTTP client to run one; the orchestrator checks the service";

export const SEED_VARIANTS: readonly SeedVariant[] = [
  { id: "004-fat", seed: "004", role: "before", fixture: "python-compare", file: "fat.Dockerfile", what: "seed's Dockerfile.fat", buildArgs: FULL, clutter: false, smoke: HELLO },
  { id: "004-slim", seed: "004", role: "seed-after", fixture: "python-compare", file: "slim.Dockerfile", what: "seed's Dockerfile.slim", buildArgs: SLIM, clutter: false, smoke: HELLO },
  { id: "004-multi", seed: "004", role: "seed-after", fixture: "python-compare", file: "multi.Dockerfile", what: "seed's Dockerfile.multi", buildArgs: SLIM, clutter: false, smoke: HELLO },
  { id: "004-best", seed: "004", role: "ours", fixture: "python-compare", file: "best.Dockerfile", what: "ours: slim builder, distroless-style runtime", buildArgs: OURS, clutter: false, smoke: { args: ["app.py"], expect: HELLO.expect } },
  { id: "000-naive", seed: "000", role: "before", fixture: "python-service", file: "naive.Dockerfile", what: "seed's before: full base, tools, data science + test packages, no .dockerignore, root", buildArgs: FULL, clutter: true, smoke: serviceCheck(false) },
  { id: "000-optimized", seed: "000", role: "seed-after", fixture: "python-service", file: "optimized.Dockerfile", what: "seed's after: builder + slim, appuser, .dockerignore", buildArgs: SLIM, clutter: true, smoke: serviceCheck(false) },
  { id: "000-best", seed: "000", role: "ours", fixture: "python-service", file: "best.Dockerfile", what: "ours: slim builder, distroless-style runtime", buildArgs: OURS, clutter: true, smoke: serviceCheck(true) },
  { id: "001-scratch", seed: "001", role: "ours", fixture: "python-service", file: "scratch.Dockerfile", what: "seed 001's scratch technique on 000's service (traced stdlib zip, no PyInstaller)", buildArgs: { PYTHON_BUILD_IMAGE: PYTHON_BASES.slim }, clutter: true, smoke: serviceCheck(true) },
  { id: "002-before", seed: "002", role: "before", fixture: "python-ffmpeg", file: "before.Dockerfile", what: "seed's before: slim multi-stage, dev deps, no .dockerignore", buildArgs: SLIM, clutter: true, smoke: ffmpegCheck(false) },
  { id: "002-after", seed: "002", role: "seed-after", fixture: "python-ffmpeg", file: "after.Dockerfile", what: "seed's after: prod deps, .dockerignore, apt cleanup", buildArgs: SLIM, clutter: true, smoke: ffmpegCheck(false) },
  { id: "002-best", seed: "002", role: "ours", fixture: "python-ffmpeg", file: "best.Dockerfile", what: "ours: distroless-style runtime + ffmpeg's library closure", buildArgs: OURS, clutter: true, smoke: ffmpegCheck(true) },
]; // prettier-ignore

// Findings that stay on our variants, and why that is right.
const JUSTIFIED: Record<string, string> = {
  "no-healthcheck": NO_SHELL_HEALTHCHECK,
};

/** Seed 001's "before" is measured as 000's naive image (the ML app's Dockerfile cannot be built here). */
const BEFORE_OF: Record<string, string> = {
  "000": "000-naive",
  "001": "000-naive",
  "002": "002-before",
  "004": "004-fat",
};

const WORK = join(REPO_ROOT, ".work", "bench-seeds");

const log = benchLogger("bench:seeds");

/** A copy of the fixture as the build context; with a checkout's extras when the seed had no .dockerignore. */
function prepareContext(variant: SeedVariant): string {
  const context = join(WORK, `context-${variant.id}`);
  rmSync(context, { recursive: true, force: true });
  mkdirSync(context, { recursive: true });
  cpSync(join(REPO_ROOT, "bench", variant.fixture), context, { recursive: true });
  if (variant.clutter) {
    mkdirSync(join(context, ".git", "objects", "pack"), { recursive: true });
    writeFileSync(join(context, ".git", "HEAD"), "ref: refs/heads/main\n");
    // History packs are zlib-compressed already: incompressible bytes stand in for them (4 MiB).
    writeFileSync(
      join(context, ".git", "objects", "pack", "pack-seed.pack"),
      pseudoRandomBytes(4 << 20, "git"),
    );
    writeFileSync(join(context, ".env"), "# local settings (fake)\nAWS_PROFILE=dev\nDEBUG=1\n");
    mkdirSync(join(context, "__pycache__"), { recursive: true });
    writeFileSync(join(context, "__pycache__", "app.cpython-311.pyc"), pseudoRandomBytes(6000, "pyc"));
  }
  return context;
}

export interface ReportFacts {
  compressedBytes: number;
  uncompressedBytes: number;
  /** "$0.06" per environment name */
  monthly: Record<string, number>;
  /** `id` or `id (layer 19.6 MiB)` per finding; the cost line of install-after-code-copy appended. */
  findings: Array<{ id: string; line: number; layerBytes?: number; cost?: string }>;
}

/** The numbers `npm start` printed (tools/report.ts): sizes, the monthly summary, the findings. */
export function parseReport(stdout: string): ReportFacts {
  const number = (pattern: RegExp): number => {
    const match = pattern.exec(stdout);
    if (match === null) throw new Error(`npm start printed no ${String(pattern)}:\n${stdout.slice(0, 2000)}`);
    return Number((match[1] as string).replace(/,/g, ""));
  };
  const monthly: Record<string, number> = {};
  const summary = stdout.slice(stdout.indexOf("Summary:"));
  for (const match of summary.matchAll(/^ {2}(\w+)\s+\$([0-9.]+) \/ month$/gm))
    monthly[match[1] as string] = Number(match[2]);
  const findings: ReportFacts["findings"] = [];
  for (const line of stdout.split("\n")) {
    const finding = /^ {2}line (\d+) \[([a-z-]+)\]/.exec(line);
    if (finding !== null) {
      findings.push({ id: finding[2] as string, line: Number(finding[1]) });
      continue;
    }
    const last = findings[findings.length - 1];
    const bytes = /^ {6}bytes: line \d+'s layer is .* compressed \(([0-9,]+) bytes/.exec(line);
    if (bytes !== null && last !== undefined)
      last.layerBytes = Number((bytes[1] as string).replace(/,/g, ""));
    const cost = /^ {6}cost: (.*)$/.exec(line);
    if (cost !== null && last !== undefined) last.cost = cost[1] as string;
  }
  return {
    compressedBytes: number(/compressed \(as pushed, gzip\):\s+\S+ \S+\s+\(([0-9,]+) bytes\)/),
    uncompressedBytes: number(/uncompressed layers:\s+\S+ \S+\s+\(([0-9,]+) bytes\)/),
    monthly,
    findings,
  };
}

export interface VariantResult {
  variant: SeedVariant;
  report: ReportFacts;
  /** gzip blobs of the registry manifest after a push with BuildKit's image exporter. */
  pushedBytes: number;
  layers: number;
  smokeOutput: string;
}

async function measure(variant: SeedVariant): Promise<VariantResult> {
  const context = prepareContext(variant);
  const dockerfile = join(context, variant.file);
  const tag = `seeds-${variant.id}:1`;
  log(`${variant.id}: build`);
  const build = await buildImage({ context, dockerfile, tag, buildArgs: variant.buildArgs });
  log(
    `${variant.id}: built in ${build.seconds.toFixed(1)} s (${build.cachedSteps}/${build.steps} steps cached); smoke test`,
  );
  const { stdout: smokeOutput } = await docker(["run", "--rm", "--network=none", tag, ...variant.smoke.args]);
  if (!smokeOutput.includes(variant.smoke.expect))
    throw new Error(
      `${variant.id}: the image printed ${JSON.stringify(smokeOutput)}, not ${variant.smoke.expect}`,
    );
  log(`${variant.id}: push (gzip) to ${LOCAL_REGISTRY}/seeds-${variant.id}:1`);
  await buildx({
    env: process.env,
    context,
    dockerfile,
    buildArgs: variant.buildArgs,
    platform: "linux/amd64",
    outputs: [registryOutput(`${LOCAL_REGISTRY}/seeds-${variant.id}:1`, "gzip")],
  });
  const manifest = await fetchPlatformManifest(`seeds-${variant.id}`, "1", "linux/amd64");
  log(`${variant.id}: npm start -- --context … --platform linux/amd64`);
  const args = [
    "tsx",
    join(REPO_ROOT, "tools", "report.ts"),
    "--context",
    context,
    "--dockerfile",
    dockerfile,
  ];
  for (const [name, value] of Object.entries(variant.buildArgs)) args.push("--build-arg", `${name}=${value}`);
  args.push("--platform", "linux/amd64");
  const { stdout } = await runCommand("npx", args, { cwd: REPO_ROOT });
  writeFileSync(join(WORK, `report-${variant.id}.txt`), stdout);
  return {
    variant,
    report: parseReport(stdout),
    pushedBytes: compressedBytes(manifest),
    layers: manifest.layers.length,
    smokeOutput: smokeOutput.trim(),
  };
}

const mb = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;
const percent = (fraction: number, digits = 1): string => `${(fraction * 100).toFixed(digits)}%`;

/**
 * Two fractions as percentages with one decimal, or more (up to three) while they print the same: seed
 * 001's 99.33% claim and a 99.29% measurement would both read "99.3%" next to a "not met".
 */
export function distinctPercents(a: number, b: number): [string, string] {
  let digits = 1;
  while (digits < 3 && a !== b && percent(a, digits) === percent(b, digits)) digits++;
  return [percent(a, digits), percent(b, digits)];
}
const usd = (value: number | undefined): string => (value === undefined ? "?" : `$${value.toFixed(2)}`);

function findingsCell(findings: ReportFacts["findings"]): string {
  if (findings.length === 0) return "none";
  return findings
    .map((finding) => {
      const bytes = finding.layerBytes === undefined ? "" : ` (${mb(finding.layerBytes)})`;
      const cost = finding.cost === undefined ? "" : `: ${finding.cost.replace(/^.*per build: /, "")}`;
      return `${finding.line} \`${finding.id}\`${bytes}${cost}`;
    })
    .join("; ");
}

export interface TargetCheck {
  seed: string;
  target: string;
  measured: string;
  met: boolean;
}

/** Our variant's reduction against each seed's claim and against the seed's own "after" measured here. */
export function targetChecks(results: readonly VariantResult[]): TargetCheck[] {
  const byId = new Map(results.map((result) => [result.variant.id, result]));
  const checks: TargetCheck[] = [];
  for (const claim of SEED_CLAIMS) {
    const ours = results.find(
      (result) => result.variant.seed === claim.seed && result.variant.role === "ours",
    );
    const before = byId.get(BEFORE_OF[claim.seed] ?? "");
    if (ours === undefined || before === undefined) continue;
    const reduction = 1 - ours.report.uncompressedBytes / before.report.uncompressedBytes;
    const claimed =
      claim.before !== undefined && claim.after !== undefined
        ? 1 - claim.after.bytes / claim.before.bytes
        : claim.reductionRange?.[1];
    if (claimed !== undefined) {
      const [claimedText, measured] = distinctPercents(claimed, reduction);
      checks.push({
        seed: claim.seed,
        target: `${ours.variant.id} removes more than the seed's claimed ${claimedText}`,
        measured,
        met: reduction > claimed,
      });
    }
    for (const after of results.filter(
      (r) => r.variant.seed === claim.seed && r.variant.role === "seed-after",
    )) {
      const theirs = 1 - after.report.uncompressedBytes / before.report.uncompressedBytes;
      const [theirsText, measured] = distinctPercents(theirs, reduction);
      checks.push({
        seed: claim.seed,
        target: `${ours.variant.id} removes more than ${after.variant.id} measured here (${theirsText})`,
        measured,
        met: reduction > theirs,
      });
    }
    const unjustified = ours.report.findings.filter((finding) => JUSTIFIED[finding.id] === undefined);
    checks.push({
      seed: claim.seed,
      target: `${ours.variant.id}: findings empty or justified`,
      measured:
        ours.report.findings.length === 0
          ? "none"
          : ours.report.findings
              .map((finding) => `${finding.id}${JUSTIFIED[finding.id] ? " (justified)" : ""}`)
              .join(", "),
      met: unjustified.length === 0,
    });
  }
  return checks;
}

export function renderMarkdown(results: readonly VariantResult[], date: string, engine: string): string {
  const byId = new Map(results.map((result) => [result.variant.id, result]));
  const lines = [
    `Measured ${date} on this machine (2 cores, shared; Docker engine ${engine}, containerd image store, local registry ${LOCAL_REGISTRY}), linux/amd64,`,
    `\`npm run bench:seeds\`. Bases: \`${PYTHON_BASES.full}\`, \`-slim\`, \`-distroless\` (scripts/infra/bases-python.sh), Debian-built stand-ins for`,
    "python:3.12, python:3.12-slim and gcr.io/distroless/python3-debian12, with Debian's CPython 3.11.2; Python packages are Debian's",
    "(python3-flask 2.2.2, python3-boto3 1.26, python3-pandas 1.5, python3-sklearn 1.2, python3-fastapi 0.92, …) instead of PyPI's, which is not",
    "reachable here. Claimed: the seed's own numbers (`docker images`, SI units). Uncompressed: the layers' tars, what `docker images` shows on",
    "the classic image store (npm start's estimate, exported uncompressed). Pushed: the gzip layer blobs of the registry manifest after a push with",
    "BuildKit's image exporter (what ECR stores and bills). Reduction: against the seed's \"before\" measured here (seed 001 against 000's naive",
    "image). Findings: `line id (compressed bytes of that line's layer)`, and for `install-after-code-copy` what storing that layer again per build",
    "costs a month per environment. Monthly cost: `npm start`'s summary per environment (stacks/Pulumi.<env>.yaml; staging and prod build two",
    "platforms and are priced here with the linux/amd64 measurement for both, `--platform linux/amd64`: the Python bases are amd64 only).",
    "",
    "| seed | variant | claimed | uncompressed | pushed (gzip) | layers | reduction | dev / staging / prod per month | findings |",
    "|---|---|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const claim of SEED_CLAIMS) {
    const rows = results.filter((result) => result.variant.seed === claim.seed);
    const before = byId.get(BEFORE_OF[claim.seed] ?? "");
    const claimedText = (role: Role, id: string): string => {
      if (claim.reductionRange !== undefined && role === "seed-after")
        return `−${percent(claim.reductionRange[0])} to −${percent(claim.reductionRange[1])} (est.)`;
      if (role === "before" && claim.before) return mb(claim.before.bytes);
      if (role === "seed-after" && claim.after && (claim.seed !== "004" || id === "004-multi"))
        return mb(claim.after.bytes);
      if (claim.seed === "004" && id === "004-slim") return mb(133 * MB);
      return "";
    };
    if (claim.seed === "001" && before !== undefined) {
      lines.push(
        `| 001 ${claim.title} | (000-naive stands for the 1.2 GB image) | ${mb(claim.before?.bytes ?? 0)} | ${mb(before.report.uncompressedBytes)} | ${mb(before.pushedBytes)} | ${before.layers} | | | see 000-naive |`,
      );
      lines.push(
        `| | seed's after: ${claim.after?.label} | ${mb(claim.after?.bytes ?? 0)} | not buildable here (no PyInstaller) | | | ${percent(1 - (claim.after?.bytes ?? 0) / (claim.before?.bytes ?? 1))} claimed | | |`,
      );
    }
    for (const result of rows) {
      const reduction =
        before === undefined || result === before
          ? ""
          : percent(1 - result.report.uncompressedBytes / before.report.uncompressedBytes);
      const monthly = ["dev", "staging", "prod"].map((name) => usd(result.report.monthly[name])).join(" / ");
      lines.push(
        `| ${result === rows[0] && claim.seed !== "001" ? `${claim.seed} ${claim.title}` : ""} | \`${result.variant.id}\`: ${result.variant.what} | ${claimedText(result.variant.role, result.variant.id)} | ` +
          `${mb(result.report.uncompressedBytes)} | ${mb(result.pushedBytes)} | ${result.layers} | ${reduction} | ${monthly} | ${findingsCell(result.report.findings)} |`,
      );
    }
  }
  lines.push("", "| seed | target | measured | met? |", "|---|---|---:|---|");
  for (const check of targetChecks(results))
    lines.push(`| ${check.seed} | ${check.target} | ${check.measured} | ${check.met ? "yes" : "**no**"} |`);
  const justified = Object.entries(JUSTIFIED).map(([id, why]) => `\`${id}\`: ${why}`);
  lines.push("", `Justified findings on our variants: ${justified.join("; ")}.`);
  return lines.join("\n");
}

/**
 * What each new rule costs, measured on a pair of Dockerfiles built from the slim Python base: the one
 * with the problem and the same one fixed. Pushed bytes (gzip blobs) of the two images, and the difference.
 */
export interface RuleCostPair {
  rule: string;
  what: string;
  /** Dockerfile text with and without the problem; `${SLIM}` is the slim base. */
  withProblem: string;
  fixed: string;
  /** bench/<fixture> used as the build context. */
  fixture: string;
}

const APT = "apt-get update && apt-get install -y --no-install-recommends";
export const RULE_COST_PAIRS: readonly RuleCostPair[] = [
  {
    rule: "python-dev-packages",
    what: "python3-pytest, black, pylint and flake8 next to python3-flask (the seeds' test and lint tools, Debian's)",
    withProblem: `FROM \${SLIM}\nRUN ${APT} python3-flask python3-pytest black pylint flake8 && rm -rf /var/lib/apt/lists/*\n`,
    fixed: `FROM \${SLIM}\nRUN ${APT} python3-flask && rm -rf /var/lib/apt/lists/*\n`,
    fixture: "python-compare",
  },
  {
    rule: "python-bytecode",
    what: "`RUN python3 -c \"import vidaud.api\"` (bench/python-ffmpeg's own modules, dependencies installed) without and with -B",
    withProblem: `FROM \${SLIM}\nRUN ${APT} python3-fastapi python3-pydub python3-mutagen python3-watchdog python3-xxhash && rm -rf /var/lib/apt/lists/*\nCOPY src /app/src\nRUN cd /app/src && python3 -c "import vidaud.api"\n`,
    fixed: `FROM \${SLIM}\nRUN ${APT} python3-fastapi python3-pydub python3-mutagen python3-watchdog python3-xxhash && rm -rf /var/lib/apt/lists/*\nCOPY src /app/src\nRUN cd /app/src && python3 -B -c "import vidaud.api"\n`,
    fixture: "python-ffmpeg",
  },
  {
    rule: "apt-lists-not-removed (aptitude)",
    what: "`aptitude update && aptitude install -y -R curl` without and with `rm -rf /var/lib/apt/lists/*`",
    withProblem: `FROM \${SLIM}\nRUN ${APT} aptitude && rm -rf /var/lib/apt/lists/*\nRUN aptitude update && aptitude install -y -R curl\n`,
    fixed: `FROM \${SLIM}\nRUN ${APT} aptitude && rm -rf /var/lib/apt/lists/*\nRUN aptitude update && aptitude install -y -R curl && rm -rf /var/lib/apt/lists/*\n`,
    fixture: "python-compare",
  },
  {
    rule: "install-after-code-copy",
    what: "seed 004's Dockerfile.slim (`COPY app.py .` before the apt install): the install layer a code change pushes again, against the same Dockerfile with the COPY last",
    withProblem: `FROM \${SLIM}\nWORKDIR /app\nCOPY app.py .\nRUN ${APT} curl && rm -rf /var/lib/apt/lists/*\n`,
    fixed: `FROM \${SLIM}\nWORKDIR /app\nRUN ${APT} curl && rm -rf /var/lib/apt/lists/*\nCOPY app.py .\n`,
    fixture: "python-compare",
  },
]; // prettier-ignore

export interface RuleCostResult {
  pair: RuleCostPair;
  withBytes: number;
  fixedBytes: number;
  /** install-after-code-copy: bytes a code-only change pushes again, with the problem and fixed. */
  renewedWith?: number;
  renewedFixed?: number;
}

async function pushText(name: string, context: string, text: string, tag: string): Promise<number[]> {
  const dockerfile = join(WORK, `${name}.Dockerfile`);
  writeFileSync(dockerfile, text.replace(/\$\{SLIM\}/g, PYTHON_BASES.slim));
  await buildx({
    env: process.env,
    context,
    dockerfile,
    platform: "linux/amd64",
    outputs: [registryOutput(`${LOCAL_REGISTRY}/seeds-rules:${tag}`, "gzip")],
  });
  const manifest = await fetchPlatformManifest("seeds-rules", tag, "linux/amd64");
  return manifest.layers.map((layer) => layer.size);
}

async function measureRuleCosts(): Promise<RuleCostResult[]> {
  const results: RuleCostResult[] = [];
  for (const [index, pair] of RULE_COST_PAIRS.entries()) {
    const context = join(WORK, `rules-${index}`);
    rmSync(context, { recursive: true, force: true });
    cpSync(join(REPO_ROOT, "bench", pair.fixture), context, { recursive: true });
    log(`rule cost ${pair.rule}`);
    const sum = (sizes: number[]) => sizes.reduce((total, size) => total + size, 0);
    const withLayers = await pushText(`rule-${index}-with`, context, pair.withProblem, `${index}-with`);
    const fixedLayers = await pushText(`rule-${index}-fixed`, context, pair.fixed, `${index}-fixed`);
    const result: RuleCostResult = { pair, withBytes: sum(withLayers), fixedBytes: sum(fixedLayers) };
    if (pair.rule === "install-after-code-copy") {
      // A code-only change: what the next push uploads that the registry does not have yet.
      writeFileSync(join(context, "app.py"), 'print("Hello from Docker optimization demo! (v2)")\n');
      const changedWith = await pushText(`rule-${index}-with2`, context, pair.withProblem, `${index}-with2`);
      const changedFixed = await pushText(`rule-${index}-fixed2`, context, pair.fixed, `${index}-fixed2`);
      const renewed = (before: number[], after: number[]) =>
        sum(after.filter((size, at) => before[at] !== size));
      result.renewedWith = renewed(withLayers, changedWith);
      result.renewedFixed = renewed(fixedLayers, changedFixed);
    }
    results.push(result);
  }
  return results;
}

/** A byte difference in MB, or in kB below 0.1 MB (bytecode's few kB would round to 0.0 MB). */
const difference = (bytes: number): string =>
  Math.abs(bytes) >= 100_000 ? `${(bytes / MB).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;

export function renderRuleCosts(results: readonly RuleCostResult[]): string {
  const lines = [
    "",
    `Rule costs, same run: each pair built from \`${PYTHON_BASES.slim}\` and pushed (gzip); the difference is what the finding costs in every stored copy of the image.`,
    "",
    "| rule | measured on | with the problem | fixed | difference |",
    "|---|---|---:|---:|---:|",
  ];
  for (const result of results) {
    const extra =
      result.renewedWith === undefined
        ? ""
        : `; a code-only change pushes ${mb(result.renewedWith)} with the problem, ${mb(result.renewedFixed ?? 0)} fixed`;
    lines.push(
      `| \`${result.pair.rule}\` | ${result.pair.what} | ${mb(result.withBytes)} | ${mb(result.fixedBytes)} | ${difference(result.withBytes - result.fixedBytes)}${extra} |`,
    );
  }
  lines.push(
    "| `apk-cache`, `rpm-cache` | not measured: no Alpine or RPM-family repository is reachable from this machine (only Debian's mirror) | | | |",
  );
  return lines.join("\n");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const only = onlyIds(args);
  const engineVersion = await requireTestInfrastructure();
  mkdirSync(WORK, { recursive: true });
  const startedAt = Date.now();
  const results: VariantResult[] = [];
  for (const variant of SEED_VARIANTS) {
    if (only && !only.has(variant.id)) continue;
    results.push(await measure(variant));
  }
  const ruleCosts = args.includes("--no-rules") ? [] : await measureRuleCosts();
  writeFileSync(join(WORK, "results.json"), JSON.stringify({ results, ruleCosts }, null, 2));
  const markdown =
    renderMarkdown(results, new Date().toISOString().slice(0, 10), engineVersion) +
    (ruleCosts.length > 0 ? `\n${renderRuleCosts(ruleCosts)}` : "");
  process.stdout.write(`${markdown}\n`);
  log(
    `done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s; raw numbers in ${relative(process.cwd(), join(WORK, "results.json"))}`,
  );
  if (args.includes("--write")) log(`wrote the table into ${writeBenchTable("seeds", markdown)}`);
}

if (require.main === module) runBench("bench:seeds", main);
