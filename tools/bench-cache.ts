// npm run bench:cache — what the registry cache buys a fresh CI runner, measured side by side in one run.
// For app/ and for bench/deps-service (a service with 296 npm packages installed in the build):
//   cold:  a private engine started EMPTY (no images, no build cache, no npm cache mount), bases pulled from
//          the local registry, no --cache-from; pushes the image (gzip) and writes the registry cache in
//          ECR's form (mode=max, image-manifest=true, oci-mediatypes=true), as the component's build does;
//   fresh runner with the cache: after a code-only change, the private engine started EMPTY again, the same
//          build with --cache-from that cache (and --cache-to, as every pipeline run does).
// Each build's steps are listed as run or CACHED (BuildKit's --progress=plain), and the rebuilt image must
// answer /healthz with the new version. The private engine lives in $BENCH_ENGINE_DIR
// ($ECR_PIPELINE_CACHE/bench-engine) and is stopped by its pid files at the end; the shared engine
// and other builds are not touched. Needs `bash scripts/test-infra.sh up` (engine binaries,
// registry on $REGISTRY_ADDR, the ecr-pipeline-test/node:22-* bases).
//
//   npx tsx tools/bench-cache.ts [--only app,app-slim-builder,deps-service] [--write]   (--write updates docs/BENCHMARKS.md)
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
  BUILDX_DOCKER_CLI,
  buildx,
  describeStep,
  registryCacheFrom,
  registryCacheTo,
  registryHasTag,
  registryOutput,
  type BuildStep,
  type BuildxResult,
} from "./lib/buildx";
import { waitForJson } from "./lib/docker";
import {
  removePrivateEngine,
  startPrivateEngine,
  stopPrivateEngine,
  type PrivateEngine,
} from "./lib/private-engine";
import { onlyIds, writeBenchTable } from "./lib/bench-docs";
import { useTestEngine } from "./lib/engine";
import { runCommand } from "./lib/process";
import { LOCAL_REGISTRY, registryAnswers } from "./lib/registry";

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

export const FIXTURES: readonly CacheFixture[] = [
  {
    id: "app",
    label: "app/ (`app/Dockerfile`, 1 production package, esbuild bundle)",
    dockerfile: join(REPO_ROOT, "app", "Dockerfile"),
    prepare: () => prepareContext(benchVariant("optimized"), join(WORK_DIR, "cache")),
    setVersion: setAppVersion,
    // app/Dockerfile: `COPY src` in the build stage, then esbuild, then the runtime's COPY of dist/.
    rerunAfterCodeChange: [/^COPY src /, /^RUN .*esbuild /, /^COPY --from=build /],
    maxFreshToColdRatio: 0.6,
    builder: "full",
  },
  {
    // The same with the slim base as builder (NODE_BUILD_IMAGE): what a fresh runner must download to
    // run esbuild on top of the deps stage is then ~90 MB instead of the full base's ~400 MB.
    id: "app-slim-builder",
    label: "app/ with the slim base as builder (`NODE_BUILD_IMAGE`)",
    dockerfile: join(REPO_ROOT, "app", "Dockerfile"),
    prepare: () => prepareContext(benchVariant("optimized"), join(WORK_DIR, "cache")),
    setVersion: setAppVersion,
    rerunAfterCodeChange: [/^COPY src /, /^RUN .*esbuild /, /^COPY --from=build /],
    maxFreshToColdRatio: 0.6,
    builder: "slim",
  },
  {
    id: "deps-service",
    label: "bench/deps-service (296 npm packages, `npm ci --omit=dev` in the build)",
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
    rerunAfterCodeChange: [/^COPY src /],
    maxFreshToColdRatio: 0.25,
    builder: "full",
  },
];

type BaseImages = Record<keyof typeof TEST_BASE_IMAGES, string>;

const PLATFORM = "linux/amd64";
const SMOKE_PORT = 18480;

function log(message: string): void {
  process.stderr.write(`[bench:cache ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

interface BuildRun {
  seconds: number;
  engineStartSeconds: number;
  steps: Array<{ step: string; cached: boolean }>;
}

interface FixtureResult {
  id: string;
  label: string;
  cold: BuildRun;
  fresh: BuildRun;
  /** Steps the code-only change must rerun but that came from the cache, and steps rerun that needn't. */
  unexpectedlyCached: string[];
  unexpectedlyRun: string[];
  maxFreshToColdRatio: number;
  engineVersion: string;
}

/**
 * The bases as the private engine must pull them: from the local registry. scripts/test-infra.sh pushes
 * them as 127.0.0.1:5000/ecr-pipeline-test/node:22-*; when it has not, this bench pushes the shared
 * engine's local images as 127.0.0.1:5000/bench-bases/node:22-* (the registry's naming rule).
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

function summarize(build: BuildxResult, engine: PrivateEngine): BuildRun {
  return {
    seconds: build.seconds,
    engineStartSeconds: engine.startSeconds,
    steps: build.steps.map((step: BuildStep) => ({ step: describeStep(step), cached: step.cached })),
  };
}

export async function benchFixture(fixture: CacheFixture, bases: BaseImages): Promise<FixtureResult> {
  const repository = `bench-cache-${fixture.id}`;
  const cacheRef = `${LOCAL_REGISTRY}/${repository}:buildcache`;
  const context = fixture.prepare();
  const build = (engine: PrivateEngine, tag: string, withCache: boolean) =>
    buildx({
      env: engine.env,
      context,
      dockerfile: fixture.dockerfile,
      platform: PLATFORM,
      buildArgs: { NODE_BUILD_IMAGE: bases[fixture.builder], NODE_RUNTIME_IMAGE: bases.distroless },
      outputs: [registryOutput(`${LOCAL_REGISTRY}/${repository}:${tag}`, "gzip")],
      cacheFrom: withCache ? [registryCacheFrom(cacheRef)] : [],
      cacheTo: [registryCacheTo(cacheRef, "gzip")],
    });

  fixture.setVersion(context, "1");
  let engine = await startPrivateEngine();
  log(
    `${fixture.id}: cold build on an empty private engine (started in ${engine.startSeconds.toFixed(1)} s)`,
  );
  const cold = await build(engine, "cold", false);
  const coldRun = summarize(cold, engine);
  writeFileSync(join(WORK_DIR, "cache", `${fixture.id}-cold.log`), cold.log);
  log(`${fixture.id}: cold ${cold.seconds.toFixed(1)} s`);

  // Unique per run, so that no earlier run's cache entry can stand in for the changed step.
  const version = `2-${Date.now().toString(36)}`;
  fixture.setVersion(context, version);
  engine = await startPrivateEngine();
  log(`${fixture.id}: fresh runner with the registry cache, code-only change`);
  const fresh = await build(engine, "fresh", true);
  const freshRun = summarize(fresh, engine);
  writeFileSync(join(WORK_DIR, "cache", `${fixture.id}-fresh.log`), fresh.log);
  log(`${fixture.id}: fresh runner ${fresh.seconds.toFixed(1)} s`);
  // Runs the rebuilt image on the private engine (after timing): the numbers must come from a working image.
  await smokeTest(engine, `${LOCAL_REGISTRY}/${repository}:fresh`, version);

  const mustRerun = (step: BuildStep) =>
    fixture.rerunAfterCodeChange.some((pattern) => pattern.test(step.instruction));
  return {
    id: fixture.id,
    label: fixture.label,
    cold: coldRun,
    fresh: freshRun,
    unexpectedlyCached: fresh.steps.filter((step) => mustRerun(step) && step.cached).map(describeStep),
    unexpectedlyRun: fresh.steps.filter((step) => !mustRerun(step) && !step.cached).map(describeStep),
    maxFreshToColdRatio: fixture.maxFreshToColdRatio,
    engineVersion: engine.serverVersion,
  };
}

const secs = (seconds: number) => `${seconds.toFixed(1)} s`;
const stepList = (run: BuildRun, cached: boolean) =>
  run.steps
    .filter((step) => step.cached === cached)
    .map((step) => `\`${step.step.replace(/\|/g, "\\|").replace(/`/g, "'")}\``)
    .join("<br>") || "—";

export function renderCacheMarkdown(results: readonly FixtureResult[], date: string, engine: string): string {
  const lines = [
    `Measured ${date} on this machine (2 cores, shared with other builds; a private Docker engine ${engine} with the containerd image store, ` +
      `started empty for each build; bases pulled from ${LOCAL_REGISTRY}; linux/amd64; gzip push and cache export in both builds).`,
    "",
    "| fixture | build | seconds (fresh/cold) | steps run | steps CACHED (†: loaded from the cache, no CACHED printed) |",
    "|---|---|---:|---|---|",
  ];
  for (const result of results) {
    const ratio = result.fresh.seconds / result.cold.seconds;
    lines.push(
      `| ${result.label} | cold: empty engine, no cache | ${secs(result.cold.seconds)} | ${stepList(result.cold, false)} | ${stepList(result.cold, true)} |`,
      `| | fresh runner + registry cache, code-only change | ${secs(result.fresh.seconds)} (${ratio.toFixed(3)}×) | ${stepList(result.fresh, false)} | ${stepList(result.fresh, true)} |`,
    );
  }
  lines.push("", "| target | measured | met? |", "|---|---:|---|");
  for (const result of results) {
    const ratio = result.fresh.seconds / result.cold.seconds;
    const stepsOk = result.unexpectedlyCached.length === 0 && result.unexpectedlyRun.length === 0;
    lines.push(
      `| ${result.id}: fresh runner with the cache re-executes only the steps after the changed COPY | ` +
        `${stepsOk ? "only those" : `also ran: ${result.unexpectedlyRun.join(", ") || "—"}; cached: ${result.unexpectedlyCached.join(", ") || "—"}`} | ${stepsOk ? "yes" : "**no**"} |`,
      `| ${result.id}: fresh runner with the cache ≤ ${Math.round(result.maxFreshToColdRatio * 100)}% of the cold build | ` +
        `${(100 * ratio).toFixed(0)}% | ${ratio <= result.maxFreshToColdRatio ? "yes" : "**no**"} |`,
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
  useTestEngine();
  if (!(await registryAnswers()))
    throw new Error(`no registry on ${LOCAL_REGISTRY}: bash scripts/test-infra.sh up`);
  const startedAt = Date.now();
  const bases = await registryBases();
  const results: FixtureResult[] = [];
  let engineVersion = "";
  try {
    for (const fixture of FIXTURES) {
      if (only && !only.has(fixture.id)) continue;
      const result = await benchFixture(fixture, bases);
      results.push(result);
      engineVersion = result.engineVersion;
    }
  } finally {
    await removePrivateEngine();
    log("private engine stopped and its state removed");
  }
  mkdirSync(WORK_DIR, { recursive: true });
  writeFileSync(join(WORK_DIR, "cache-results.json"), JSON.stringify({ bases, results }, null, 2));
  const markdown = renderCacheMarkdown(results, new Date().toISOString().slice(0, 10), engineVersion);
  process.stdout.write(`${markdown}\n`);
  log(
    `done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s; raw numbers in ${join(WORK_DIR, "cache-results.json")}`,
  );
  if (args.includes("--write")) writeIntoDocs(markdown);
}

if (require.main === module) {
  main().catch(async (error: unknown) => {
    process.stderr.write(`bench:cache failed: ${error instanceof Error ? error.message : String(error)}\n`);
    await stopPrivateEngine().catch(() => undefined);
    process.exit(1);
  });
}
