// npm run bench:cache — what the registry cache buys a fresh CI runner, measured side by side in one run.
// For app/ (its Dockerfile as shipped: the slim base as builder), app/ with the full base as builder (the
// node:22 builder it had before) and bench/deps-service (a service with 296 npm packages installed in the
// build), ROUNDS (default 3) alternating rounds of:
//   cold:  a private engine started EMPTY (no images, no build cache, no npm cache mount), bases pulled from
//          the local registry, no --cache-from; pushes the image (gzip) and writes the registry cache in
//          ECR's form (mode=max, image-manifest=true, oci-mediatypes=true), as the component's build does;
//   fresh runner with the cache: after a code-only change, the private engine started EMPTY again, the same
//          build with --cache-from that cache (and --cache-to, as every pipeline run does).
// Every build runs with BuildKit's `--progress=rawjson`: its steps (run or CACHED) and where its seconds
// went (tools/lib/buildx.ts buildPhases: cache manifest, layer downloads and extraction, exec, copy,
// image export, push, cache export) are printed next to the totals. The floor of a code-only change is the
// bytes it must move (the image's and the cache's new blobs, read back from the registry) over the
// registry's measured upload throughput, plus what any build costs on an empty engine: the same fresh
// build of a Dockerfile that is only `FROM scratch` + one COPY (same push and cache settings), measured
// in every round right after the fixture's fresh build. Before each build the 1-minute load average is awaited below
// --max-load (2; --load-wait seconds, 600) and recorded with the figure. The rebuilt image must answer
// /healthz with the new version. The private engine lives in $BENCH_ENGINE_DIR
// ($ECR_PIPELINE_CACHE/bench-engine) and is removed at the end; the shared engine and other builds are
// not touched. Needs `bash scripts/test-infra.sh up` (engine binaries, registry on $REGISTRY_ADDR, the
// ecr-pipeline-test/node:22-* bases).
//
//   npm run bench:cache -- [--only app,app-full-builder,deps-service] [--rounds 3] [--write]   (--write updates docs/BENCHMARKS.md)
import { createHash, randomBytes } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  REPO_ROOT,
  TEST_BASE_IMAGES,
  WORK_DIR,
  benchVariant,
  prepareContext,
  setAppVersion,
} from "./lib/bench-variants";
import {
  BUILD_PHASES,
  BUILDX_DOCKER_CLI,
  buildx,
  describeStep,
  registryCacheFrom,
  registryCacheTo,
  registryHasTag,
  registryOutput,
  type BuildPhase,
  type BuildPhases,
  type BuildStep,
  type BuildxResult,
} from "./lib/buildx";
import { waitForJson } from "./lib/docker";
import { removePrivateEngine, startPrivateEngine, type PrivateEngine } from "./lib/private-engine";
import { onlyIds, writeBenchTable } from "./lib/bench-docs";
import {
  benchLogger,
  median,
  numberOption as option,
  quietMachine as waitForQuiet,
  runBench,
} from "./lib/bench-run";
import { useTestEngine } from "./lib/engine";
import { runCommand } from "./lib/process";
import { fetchManifest, LOCAL_REGISTRY, registryAnswers, type ImageManifest } from "./lib/registry";

interface CacheFixture {
  id: string;
  label: string;
  dockerfile: string;
  /** Writes a fresh build context and returns its path. */
  prepare: () => string;
  /** The code-only change: sets the version the image's /healthz reports. */
  setVersion: (context: string, version: string) => void;
  /** Steps that a code-only change must rerun (the changed COPY and what follows it); all others CACHED. */
  rerunAfterCodeChange: readonly RegExp[];
  /** Target: fresh runner with the cache ≤ this fraction of the cold build. */
  maxFreshToColdRatio: number;
  /** The base of the deps/build stages: the full base (like node:22) or the slim one. */
  builder: "full" | "slim";
}

const DEPS_SERVICE_DIR = join(REPO_ROOT, "bench", "deps-service");

const appFixture = (id: string, label: string, builder: "full" | "slim"): CacheFixture => ({
  id,
  label,
  dockerfile: join(REPO_ROOT, "app", "Dockerfile"),
  prepare: () => prepareContext(benchVariant("optimized"), join(WORK_DIR, "cache")),
  setVersion: setAppVersion,
  // app/Dockerfile: `COPY src` in the build stage, then esbuild, then the runtime's COPY of dist/.
  rerunAfterCodeChange: [/^COPY src /, /^RUN .*esbuild/, /^COPY (--link )?--from=build /],
  maxFreshToColdRatio: 0.6,
  builder,
});

export const FIXTURES: readonly CacheFixture[] = [
  // app/Dockerfile's deps/build stages on the slim base: no native modules to compile (esbuild ships
  // its binary as an npm package), so nothing of the full base's compilers and -dev libraries is used.
  appFixture("app", "app/ (`app/Dockerfile`: slim builder, esbuild bundle, distroless runtime)", "slim"),
  // The same with the full base as builder, as app/Dockerfile had it (node:22-bookworm): for comparison.
  appFixture(
    "app-full-builder",
    "app/ with the full base as builder (`NODE_BUILD_IMAGE`, the old default)",
    "full",
  ),
  {
    id: "deps-service",
    label:
      "bench/deps-service (296 npm packages, `npm ci --omit=dev` on the full base, runtime COPYs `--link`)",
    dockerfile: join(DEPS_SERVICE_DIR, "Dockerfile"),
    prepare: () => {
      const context = join(WORK_DIR, "cache", "context-deps-service");
      rmSync(context, { recursive: true, force: true });
      mkdirSync(context, { recursive: true });
      cpSync(DEPS_SERVICE_DIR, context, {
        recursive: true,
        filter: (source) => !/[/\\]node_modules([/\\]|$)/.test(source.slice(DEPS_SERVICE_DIR.length)),
      });
      return context;
    },
    setVersion: (context, version) => {
      const file = join(context, "src", "version.js");
      const before = readFileSync(file, "utf8");
      const after = before.replace(/APP_VERSION = "[^"]*"/, `APP_VERSION = "${version}"`);
      if (after === before && !before.includes(`"${version}"`)) throw new Error(`${file} has no APP_VERSION`);
      writeFileSync(file, after);
    },
    // bench/deps-service/Dockerfile: `COPY src` is the runtime stage's last filesystem step.
    rerunAfterCodeChange: [/^COPY (--link )?src /],
    maxFreshToColdRatio: 0.25,
    builder: "full",
  },
];

type BaseImages = Record<keyof typeof TEST_BASE_IMAGES, string>;

const PLATFORM = "linux/amd64";
const SMOKE_PORT = 18480;

const log = benchLogger("bench:cache");

export interface BuildRun {
  seconds: number;
  /** The 1-minute load average when the build started. */
  load: number;
  engineStartSeconds: number;
  steps: Array<{ step: string; cached: boolean }>;
  phases?: BuildPhases;
}

export interface Round {
  cold: BuildRun;
  fresh: BuildRun;
  /** The fresh-runner build of `FROM scratch` + one COPY with the same settings: what any build costs. */
  minimal: BuildRun;
  /** Bytes the code-only change had to upload: image blobs and cache blobs the cold build's did not have. */
  newBytes: { image: number; cache: number };
  unexpectedlyCached: string[];
  unexpectedlyRun: string[];
}

export interface FixtureResult {
  id: string;
  label: string;
  rounds: Round[];
  maxFreshToColdRatio: number;
  engineVersion: string;
}

/**
 * The bases as the private engine must pull them: from the local registry. scripts/test-infra.sh pushes
 * them as $REGISTRY_ADDR/ecr-pipeline-test/node:22-*; when it has not, this bench pushes the shared
 * engine's local images as $REGISTRY_ADDR/bench-bases/node:22-* (the registry's naming rule).
 */
async function registryBases(): Promise<BaseImages> {
  const [repository] = TEST_BASE_IMAGES.full.split(":");
  const tags = Object.values(TEST_BASE_IMAGES).map((image) => image.split(":")[1] ?? "");
  const present = await Promise.all(tags.map((tag) => registryHasTag(repository ?? "", tag)));
  if (present.every(Boolean)) {
    return {
      full: `${LOCAL_REGISTRY}/${TEST_BASE_IMAGES.full}`,
      slim: `${LOCAL_REGISTRY}/${TEST_BASE_IMAGES.slim}`,
      distroless: `${LOCAL_REGISTRY}/${TEST_BASE_IMAGES.distroless}`,
    };
  }
  const pushed: Record<string, string> = {};
  for (const [kind, image] of Object.entries(TEST_BASE_IMAGES)) {
    const target = `${LOCAL_REGISTRY}/bench-bases/node:${image.split(":")[1]}`;
    log(`pushing ${image} as ${target} (the registry has no ${LOCAL_REGISTRY}/${image})`);
    await runCommand(BUILDX_DOCKER_CLI, ["tag", image, target]);
    await runCommand(BUILDX_DOCKER_CLI, ["push", target]);
    await runCommand(BUILDX_DOCKER_CLI, ["image", "rm", target]);
    pushed[kind] = target;
  }
  return pushed as BaseImages;
}

async function smokeTest(engine: PrivateEngine, image: string, version: string): Promise<void> {
  const { stdout } = await runCommand(
    BUILDX_DOCKER_CLI,
    ["run", "-d", "--network=host", "-e", "HOST=127.0.0.1", "-e", `PORT=${SMOKE_PORT}`, image],
    { env: engine.env },
  );
  const container = stdout.trim();
  try {
    const health = (await waitForJson(`http://127.0.0.1:${SMOKE_PORT}/healthz`, 30_000)) as {
      version?: string;
    };
    if (health.version !== version)
      throw new Error(`${image} serves version ${health.version}, expected ${version}`);
  } finally {
    await runCommand(BUILDX_DOCKER_CLI, ["rm", "-f", container], { env: engine.env }).catch(() => undefined);
  }
}

const quietMachine = (maxLoad: number, waitSeconds: number) => waitForQuiet(maxLoad, waitSeconds, log);

function summarize(build: BuildxResult, engine: PrivateEngine, load: number): BuildRun {
  const run: BuildRun = {
    seconds: build.seconds,
    load,
    engineStartSeconds: engine.startSeconds,
    steps: build.steps.map((step: BuildStep) => ({ step: describeStep(step), cached: step.cached })),
  };
  if (build.phases !== undefined) run.phases = build.phases;
  return run;
}

/** Blobs of `next` (layers and config) that `previous` did not have, in bytes. */
function newBlobBytes(next: ImageManifest, previous: ImageManifest | undefined): number {
  const known = new Set([...(previous?.layers ?? []).map((layer) => layer.digest), previous?.config.digest]);
  const blobs = [...next.layers, next.config].filter((blob) => !known.has(blob.digest));
  return blobs.reduce((sum, blob) => sum + blob.size, 0);
}

export async function benchFixture(
  fixture: CacheFixture,
  bases: BaseImages,
  rounds: number,
  load: { max: number; waitSeconds: number },
): Promise<FixtureResult> {
  const repository = `bench-cache-${fixture.id}`;
  const cacheRef = `${LOCAL_REGISTRY}/${repository}:buildcache`;
  const context = fixture.prepare();
  const build = (engine: PrivateEngine, tag: string, withCache: boolean) =>
    buildx({
      env: engine.env,
      context,
      dockerfile: fixture.dockerfile,
      platform: PLATFORM,
      progress: "rawjson",
      buildArgs: { NODE_BUILD_IMAGE: bases[fixture.builder], NODE_RUNTIME_IMAGE: bases.distroless },
      outputs: [registryOutput(`${LOCAL_REGISTRY}/${repository}:${tag}`, "gzip")],
      cacheFrom: withCache ? [registryCacheFrom(cacheRef)] : [],
      cacheTo: [registryCacheTo(cacheRef, "gzip")],
    });
  const mustRerun = (step: BuildStep) =>
    fixture.rerunAfterCodeChange.some((pattern) => pattern.test(step.instruction));

  const results: Round[] = [];
  let engineVersion = "";
  for (let round = 1; round <= rounds; round++) {
    // Unique per run and round, so that no earlier run's cache entry can stand in for a changed step.
    const stamp = `${round}-${Date.now().toString(36)}`;
    fixture.setVersion(context, `1-${stamp}`);
    const coldLoad = await quietMachine(load.max, load.waitSeconds);
    let engine = await startPrivateEngine();
    log(`${fixture.id} round ${round}: cold build on an empty private engine (load ${coldLoad.toFixed(2)})`);
    const cold = await build(engine, `cold-${round}`, false);
    writeFileSync(join(WORK_DIR, "cache", `${fixture.id}-cold-${round}.json.log`), cold.log);
    log(`${fixture.id} round ${round}: cold ${cold.seconds.toFixed(1)} s`);
    const coldImage = await fetchManifest(repository, `cold-${round}`);
    const coldCache = await fetchManifest(repository, "buildcache");

    const version = `2-${stamp}`;
    fixture.setVersion(context, version);
    const freshLoad = await quietMachine(load.max, load.waitSeconds);
    engine = await startPrivateEngine();
    log(`${fixture.id} round ${round}: fresh runner with the registry cache (load ${freshLoad.toFixed(2)})`);
    const fresh = await build(engine, `fresh-${round}`, true);
    writeFileSync(join(WORK_DIR, "cache", `${fixture.id}-fresh-${round}.json.log`), fresh.log);
    log(`${fixture.id} round ${round}: fresh runner ${fresh.seconds.toFixed(1)} s`);
    const freshImage = await fetchManifest(repository, `fresh-${round}`);
    const minimal = await minimalBuild(fixture.id, round, load);
    const freshCache = await fetchManifest(repository, "buildcache");
    // Runs the rebuilt image on the private engine (after timing): the numbers must come from a working image.
    await smokeTest(engine, `${LOCAL_REGISTRY}/${repository}:fresh-${round}`, version);
    engineVersion = engine.serverVersion;
    results.push({
      cold: summarize(cold, engine, coldLoad),
      fresh: summarize(fresh, engine, freshLoad),
      minimal,
      newBytes: { image: newBlobBytes(freshImage, coldImage), cache: newBlobBytes(freshCache, coldCache) },
      unexpectedlyCached: fresh.steps.filter((step) => mustRerun(step) && step.cached).map(describeStep),
      unexpectedlyRun: fresh.steps.filter((step) => !mustRerun(step) && !step.cached).map(describeStep),
    });
  }
  return {
    id: fixture.id,
    label: fixture.label,
    rounds: results,
    maxFreshToColdRatio: fixture.maxFreshToColdRatio,
    engineVersion,
  };
}

/**
 * The cheapest build a fresh runner can do with these settings: `FROM scratch` + `COPY version.txt`, its
 * cache written by a first build on an empty engine, then a changed version.txt built on another empty
 * engine with the cache: push, cache import and export, session, no layer to download or run.
 */
async function minimalBuild(
  id: string,
  round: number,
  load: { max: number; waitSeconds: number },
): Promise<BuildRun> {
  const context = join(WORK_DIR, "cache", "context-minimal");
  rmSync(context, { recursive: true, force: true });
  mkdirSync(context, { recursive: true });
  writeFileSync(join(context, "Dockerfile"), "FROM scratch\nCOPY version.txt /version.txt\n");
  const repository = "bench-cache-minimal";
  const cacheRef = `${LOCAL_REGISTRY}/${repository}:buildcache`;
  const build = (engine: PrivateEngine, tag: string, withCache: boolean) =>
    buildx({
      env: engine.env,
      context,
      dockerfile: join(context, "Dockerfile"),
      platform: PLATFORM,
      progress: "rawjson",
      outputs: [registryOutput(`${LOCAL_REGISTRY}/${repository}:${tag}`, "gzip")],
      cacheFrom: withCache ? [registryCacheFrom(cacheRef)] : [],
      cacheTo: [registryCacheTo(cacheRef, "gzip")],
    });
  writeFileSync(join(context, "version.txt"), `${id}-${round}-1-${Date.now()}\n`);
  await build(await startPrivateEngine(), "cold", false);
  writeFileSync(join(context, "version.txt"), `${id}-${round}-2-${Date.now()}\n`);
  const minimalLoad = await quietMachine(load.max, load.waitSeconds);
  const engine = await startPrivateEngine();
  const fresh = await build(engine, "fresh", true);
  log(`${id} round ${round}: minimal fresh build ${fresh.seconds.toFixed(1)} s`);
  return summarize(fresh, engine, minimalLoad);
}

export interface Throughput {
  /** Bytes per second of a blob upload (monolithic POST + PUT), median of the runs. */
  uploadBytesPerSecond: number;
  downloadBytesPerSecond: number;
  blobBytes: number;
  runs: number;
}

/**
 * The registry's own throughput on this machine: a random blob uploaded (OCI distribution spec: POST
 * /v2/<name>/blobs/uploads/, then PUT <location>?digest=) and downloaded (GET /v2/<name>/blobs/<digest>)
 * `runs` times; medians. What the floor divides by.
 */
export async function measureRegistryThroughput(blobBytes = 32 * 1024 * 1024, runs = 3): Promise<Throughput> {
  const up: number[] = [];
  const down: number[] = [];
  const repository = "bench-cache-throughput";
  for (let run = 0; run < runs; run++) {
    const blob = randomBytes(blobBytes);
    const digest = `sha256:${createHash("sha256").update(blob).digest("hex")}`;
    let started = process.hrtime.bigint();
    const post = await fetch(`http://${LOCAL_REGISTRY}/v2/${repository}/blobs/uploads/`, { method: "POST" });
    const location = post.headers.get("location");
    if (post.status !== 202 || location === null) throw new Error(`blob upload start: HTTP ${post.status}`);
    const url = new URL(location, `http://${LOCAL_REGISTRY}`);
    url.searchParams.set("digest", digest);
    const put = await fetch(url, {
      method: "PUT",
      body: blob,
      headers: { "content-type": "application/octet-stream" },
    });
    if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status}`);
    up.push(blobBytes / (Number(process.hrtime.bigint() - started) / 1e9));
    started = process.hrtime.bigint();
    const get = await fetch(`http://${LOCAL_REGISTRY}/v2/${repository}/blobs/${digest}`);
    const body = Buffer.from(await get.arrayBuffer());
    if (body.length !== blobBytes) throw new Error(`blob download: ${body.length} B`);
    down.push(blobBytes / (Number(process.hrtime.bigint() - started) / 1e9));
    await fetch(`http://${LOCAL_REGISTRY}/v2/${repository}/blobs/${digest}`, { method: "DELETE" }).catch(
      () => undefined,
    );
  }
  return { uploadBytesPerSecond: median(up), downloadBytesPerSecond: median(down), blobBytes, runs };
}

const secs = (seconds: number) => `${seconds.toFixed(1)} s`;
const spread = (values: readonly number[]) =>
  `${secs(median(values))} (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)})`;
const loads = (runs: readonly BuildRun[]) => runs.map((run) => run.load.toFixed(1)).join(", ");
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const stepList = (run: BuildRun, cached: boolean) =>
  run.steps
    .filter((step) => step.cached === cached)
    .map((step) => `\`${step.step.replace(/\|/g, "\\|").replace(/`/g, "'")}\``)
    .join("<br>") || "—";

/** Median over runs of each phase's seconds (and, for downloads, bytes). */
function medianPhases(runs: readonly BuildRun[]): Record<BuildPhase, { seconds: number; bytes: number }> {
  return Object.fromEntries(
    BUILD_PHASES.map((phase) => [
      phase,
      {
        seconds: median(runs.map((run) => run.phases?.phases[phase].seconds ?? 0)),
        bytes: median(runs.map((run) => run.phases?.phases[phase].bytes ?? 0)),
      },
    ]),
  ) as Record<BuildPhase, { seconds: number; bytes: number }>;
}

/** What a code-only change cannot avoid: the new blobs uploaded, plus what the cheapest build costs. */
export function floorSeconds(round: Round, throughput: Throughput): number {
  return (
    (round.newBytes.image + round.newBytes.cache) / throughput.uploadBytesPerSecond + round.minimal.seconds
  );
}

export function renderCacheMarkdown(
  results: readonly FixtureResult[],
  throughput: Throughput,
  date: string,
  engine: string,
): string {
  const lines = [
    `Measured ${date} with \`npm run bench:cache\` on this machine (2 cores, shared with other builds; a private Docker engine ${engine} with the containerd image store, ` +
      `started empty for each build; bases pulled from ${LOCAL_REGISTRY}; linux/amd64; gzip push and cache export in both builds). ` +
      `${results[0]?.rounds.length ?? 0} alternating rounds (cold, then fresh) per fixture; median (min–max); the 1-minute load average at the start of each build. ` +
      `Registry throughput (a ${mb(throughput.blobBytes)} blob, median of ${throughput.runs}): upload ${mb(throughput.uploadBytesPerSecond)}/s, download ${mb(throughput.downloadBytesPerSecond)}/s.`,
    "",
    "| fixture | cold: empty engine, no cache | fresh runner + registry cache, code-only change | fresh/cold (median of each) | loads cold / fresh | bytes the change must upload (image + cache) | those bytes / upload throughput | cheapest fresh build (`FROM scratch` + COPY) | floor (sum) | fresh / floor |",
    "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|",
  ];
  for (const result of results) {
    const cold = result.rounds.map((round) => round.cold.seconds);
    const fresh = result.rounds.map((round) => round.fresh.seconds);
    const ratio = median(fresh) / median(cold);
    const bytes = median(result.rounds.map((round) => round.newBytes.image + round.newBytes.cache));
    const floor = median(result.rounds.map((round) => floorSeconds(round, throughput)));
    const minimal = result.rounds.map((round) => round.minimal.seconds);
    lines.push(
      `| ${result.label} | ${spread(cold)} | ${spread(fresh)} | ${ratio.toFixed(3)}× | ${loads(result.rounds.map((r) => r.cold))} / ${loads(result.rounds.map((r) => r.fresh))} | ` +
        `${bytes.toLocaleString("en-US")} B | ${((bytes / throughput.uploadBytesPerSecond) * 1000).toFixed(1)} ms | ${spread(minimal)} | ${secs(floor)} | ${(median(fresh) / floor).toFixed(2)}× |`,
    );
  }
  lines.push(
    "",
    "Where the seconds go (BuildKit's `--progress=rawjson`, tools/lib/buildx.ts `buildPhases`; median seconds per phase over the rounds, wall time covered by the phase, " +
      "overlapping parts of one phase counted once; downloads with their bytes). Phases overlap each other (downloads run in parallel with other steps), so they need not add up to the total.",
    "",
    `| fixture | build | total | ${BUILD_PHASES.join(" | ")} |`,
    `|---|---|---:|${BUILD_PHASES.map(() => "---:").join("|")}|`,
  );
  for (const result of results) {
    for (const which of ["cold", "fresh"] as const) {
      const runs = result.rounds.map((round) => round[which]);
      const phases = medianPhases(runs);
      const cells = BUILD_PHASES.map((phase) => {
        const { seconds, bytes } = phases[phase];
        return bytes > 0 ? `${seconds.toFixed(1)} (${mb(bytes)})` : seconds.toFixed(1);
      });
      lines.push(
        `| ${which === "cold" ? result.id : ""} | ${which} | ${median(runs.map((run) => run.seconds)).toFixed(1)} | ${cells.join(" | ")} |`,
      );
    }
  }
  lines.push(
    "",
    "| fixture | build | steps run | steps CACHED (†: loaded from the cache, no CACHED printed) |",
    "|---|---|---|---|",
  );
  for (const result of results) {
    const last = result.rounds[result.rounds.length - 1];
    if (last === undefined) continue;
    lines.push(
      `| ${result.id} | cold | ${stepList(last.cold, false)} | ${stepList(last.cold, true)} |`,
      `| | fresh | ${stepList(last.fresh, false)} | ${stepList(last.fresh, true)} |`,
    );
  }
  lines.push("", "| target | measured | met? |", "|---|---:|---|");
  for (const result of results) {
    const ratio =
      median(result.rounds.map((round) => round.fresh.seconds)) /
      median(result.rounds.map((round) => round.cold.seconds));
    const wrong = result.rounds.flatMap((round) => [...round.unexpectedlyRun, ...round.unexpectedlyCached]);
    const floorRatio =
      median(result.rounds.map((round) => round.fresh.seconds)) /
      median(result.rounds.map((round) => floorSeconds(round, throughput)));
    lines.push(
      `| ${result.id}: fresh runner with the cache re-executes only the steps after the changed COPY (every round) | ` +
        `${wrong.length === 0 ? "only those" : `also: ${[...new Set(wrong)].join(", ")}`} | ${wrong.length === 0 ? "yes" : "**no**"} |`,
      `| ${result.id}: fresh runner with the cache ≤ ${Math.round(result.maxFreshToColdRatio * 100)}% of the cold build | ` +
        `${(100 * ratio).toFixed(0)}% | ${ratio <= result.maxFreshToColdRatio ? "yes" : "**no**"} |`,
      `| ${result.id}: the cache is not slower than no cache | ${ratio.toFixed(2)}× | ${ratio <= 1 ? "yes" : "**no**"} |`,
      `| ${result.id}: fresh runner within 2× of the floor | ${floorRatio.toFixed(2)}× | ${floorRatio <= 2 ? "yes" : "**no**"} |`,
    );
  }
  return lines.join("\n");
}

function writeIntoDocs(markdown: string): void {
  log(`wrote the table into ${writeBenchTable("cache", markdown)}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const only = onlyIds(args);
  const rounds = option("--rounds", 3);
  const load = { max: option("--max-load", 2), waitSeconds: option("--load-wait", 600) };
  useTestEngine();
  if (!(await registryAnswers()))
    throw new Error(`no registry on ${LOCAL_REGISTRY}: bash scripts/test-infra.sh up`);
  const startedAt = Date.now();
  const bases = await registryBases();
  mkdirSync(join(WORK_DIR, "cache"), { recursive: true });
  const throughput = await measureRegistryThroughput();
  log(
    `registry upload ${(throughput.uploadBytesPerSecond / 1e6).toFixed(1)} MB/s, download ${(throughput.downloadBytesPerSecond / 1e6).toFixed(1)} MB/s`,
  );
  const results: FixtureResult[] = [];
  let engineVersion = "";
  try {
    for (const fixture of FIXTURES) {
      if (only && !only.has(fixture.id)) continue;
      const result = await benchFixture(fixture, bases, rounds, load);
      results.push(result);
      engineVersion = result.engineVersion;
      writeFileSync(
        join(WORK_DIR, "cache-results.json"),
        JSON.stringify({ bases, throughput, results }, null, 2),
      );
    }
  } finally {
    await removePrivateEngine();
    log("private engine stopped and its state removed");
  }
  writeFileSync(
    join(WORK_DIR, "cache-results.json"),
    JSON.stringify({ bases, throughput, results }, null, 2),
  );
  const markdown = renderCacheMarkdown(
    results,
    throughput,
    new Date().toISOString().slice(0, 10),
    engineVersion,
  );
  process.stdout.write(`${markdown}\n`);
  log(
    `done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s; raw numbers in ${join(WORK_DIR, "cache-results.json")}`,
  );
  if (args.includes("--write")) writeIntoDocs(markdown);
}

if (require.main === module) {
  runBench("bench:cache", main, { cleanUp: () => removePrivateEngine() });
}
