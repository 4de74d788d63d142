// npm run bench:size — builds the four benchmark variants for real (naive, slim, multi-stage, app/Dockerfile)
// on the local test bases and measures what each costs: uncompressed and compressed (registry manifest)
// bytes, layers, cold build and code-only rebuild seconds, and what a code-only change pushes.
// Needs `bash scripts/test-infra.sh up` (dockerd, registry on 127.0.0.1:5000, ecr-pipeline-test/* bases).
//
//   npx tsx tools/bench-size.ts [--only naive,optimized] [--write]   (--write updates docs/BENCHMARKS.md)
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  BENCH_VARIANTS,
  REPO_ROOT,
  TEST_BASE_IMAGES,
  WORK_DIR,
  prepareContext,
  setAppVersion,
  type BenchVariant,
} from "./lib/bench-variants";
import {
  DOCKER_CLI,
  buildImage,
  dockerEngineStatus,
  dockerEnv,
  inspectImage,
  listImageFiles,
  removeContainer,
  startContainer,
  waitForJson,
} from "./lib/docker";
import { runCommand } from "./lib/process";
import { compressedBytes, layersNotIn, pushImage, registryAnswers, LOCAL_REGISTRY } from "./lib/registry";
import { measureRuntimeFloor, parseLddSonames, type RuntimeFloor } from "./lib/runtime-floor";

interface VariantResult {
  id: string;
  label: string;
  description: string;
  uncompressedBytes: number;
  compressedBytes: number;
  layers: number;
  coldBuildSeconds: number;
  /** --no-cache AND an empty npm cache mount, as on a fresh CI runner; equals coldBuildSeconds without mounts. */
  freshRunnerColdBuildSeconds: number;
  /** A rebuild with nothing changed: BuildKit's fixed cost, the floor under any rebuild. */
  noChangeRebuildSeconds: number;
  codeChangeRebuildSeconds: number;
  codeChangeCachedSteps: string;
  codeChangePushedBytes: number;
  codeChangePushedLayers: number;
}

const BENCH_REPOSITORY_PREFIX = "ecr-pipeline-bench";
const SMOKE_PORT_BASE = 18400;

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function benchVariant(
  variant: BenchVariant,
  index: number,
): Promise<{ result: VariantResult; image: string }> {
  const repository = `${BENCH_REPOSITORY_PREFIX}/${variant.id}`;
  const context = prepareContext(variant);
  setAppVersion(context, "1");
  const build = (tag: string, noCache: boolean) =>
    buildImage({ context, dockerfile: variant.dockerfile, tag, buildArgs: variant.buildArgs, noCache });

  log(`${variant.label}: cold build (--no-cache)`);
  const cold = await build(`${repository}:1`, true);
  const facts = await inspectImage(`${repository}:1`);
  const first = await pushImage(`${repository}:1`, repository, "1");
  log(
    `${variant.label}: ${cold.seconds.toFixed(1)} s, ${facts.size} B, pushed ${compressedBytes(first.manifest)} B`,
  );

  const noChange = await build(`${repository}:1`, false);

  // Unique per run: a version built by an earlier run would come from BuildKit's cache, not a rebuild.
  const changedVersion = `2-${Date.now().toString(36)}`;
  setAppVersion(context, changedVersion);
  const rebuild = await build(`${repository}:2`, false);
  const second = await pushImage(`${repository}:2`, repository, "2");
  const newLayers = layersNotIn(second.manifest, first.manifest);
  log(
    `${variant.label}: code-only rebuild ${rebuild.seconds.toFixed(1)} s, ${newLayers.length} new layer(s)`,
  );

  // The rebuilt image must run and serve the changed code, or the numbers measure a broken image.
  const container = await startContainer(`${repository}:2`, SMOKE_PORT_BASE + index);
  try {
    const health = (await waitForJson(`http://127.0.0.1:${container.port}/healthz`, 30_000)) as {
      version?: string;
    };
    if (health.version !== changedVersion) {
      throw new Error(`${variant.label} serves version ${health.version}, expected ${changedVersion}`);
    }
  } finally {
    await removeContainer(container.id);
  }

  // Last: run between the cold build and the rebuild, its layers would be the ones the rebuild reuses.
  setAppVersion(context, "1");
  const freshRunnerSeconds = await freshRunnerColdBuild(variant, context, `${repository}:fresh`);

  return {
    image: `${repository}:2`,
    result: {
      id: variant.id,
      label: variant.label,
      description: variant.description,
      uncompressedBytes: facts.size,
      compressedBytes: compressedBytes(first.manifest),
      layers: first.manifest.layers.length,
      coldBuildSeconds: cold.seconds,
      freshRunnerColdBuildSeconds: freshRunnerSeconds ?? cold.seconds,
      noChangeRebuildSeconds: noChange.seconds,
      codeChangeRebuildSeconds: rebuild.seconds,
      codeChangeCachedSteps: `${rebuild.cachedSteps}/${rebuild.steps}`,
      codeChangePushedBytes: newLayers.reduce((sum, layer) => sum + layer.size, 0),
      codeChangePushedLayers: newLayers.length,
    },
  };
}

/**
 * `--no-cache` does not empty BuildKit cache mounts, so a Dockerfile with `RUN --mount=type=cache` builds
 * "cold" with a warm npm cache. This builds a copy whose cache mounts get a never-used id, i.e. what a
 * fresh CI runner sees (npm downloads everything). Returns undefined when the Dockerfile has no cache mount.
 */
async function freshRunnerColdBuild(
  variant: BenchVariant,
  context: string,
  tag: string,
): Promise<number | undefined> {
  const text = readFileSync(variant.dockerfile, "utf8");
  if (!text.includes("--mount=type=cache")) return undefined;
  const runId = `bench-${Date.now().toString(36)}`;
  const isolated = text.replace(
    /--mount=type=cache,([^\s]+)/g,
    (_match, options: string) => `--mount=type=cache,${options},id=${runId}`,
  );
  const dockerfile = join(WORK_DIR, `${variant.id}.fresh-runner.Dockerfile`);
  writeFileSync(dockerfile, isolated);
  log(`${variant.label}: cold build with an empty npm cache mount (fresh runner)`);
  const fresh = await buildImage({ context, dockerfile, tag, buildArgs: variant.buildArgs, noCache: true });
  return fresh.seconds;
}

async function measureFloor(optimizedImage: string): Promise<RuntimeFloor> {
  // Which libraries node links, asked of the slim base's own ldd (the distroless image has no ldd).
  const { stdout } = await runCommand(
    DOCKER_CLI,
    ["run", "--rm", "--network=none", "--entrypoint", "ldd", TEST_BASE_IMAGES.slim, "/usr/local/bin/node"],
    { env: dockerEnv() },
  );
  return measureRuntimeFloor(await listImageFiles(optimizedImage), parseLddSonames(stdout));
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const ratio = (value: number, base: number) => (base > 0 ? `${(value / base).toFixed(3)}×` : "n/a");
const secs = (seconds: number) => `${seconds.toFixed(1)} s`;

export function renderMarkdown(
  results: readonly VariantResult[],
  floor: RuntimeFloor | undefined,
  date: string,
  engine: string,
): string {
  const naive = results.find((result) => result.id === "naive");
  const rel = (value: number, pick: (result: VariantResult) => number) =>
    naive ? ` (${ratio(value, pick(naive))})` : "";
  const lines = [
    `Measured ${date} on this machine (2 cores, Docker engine ${engine}, BuildKit built in, local registry ${LOCAL_REGISTRY}),`,
    "bases `ecr-pipeline-test/node:22-{full,slim,distroless}`. Ratios in parentheses are to (a).",
    "",
    "| variant | uncompressed | compressed (registry) | layers | cold build (`--no-cache`) | cold build, empty npm cache (fresh runner) | rebuild, no change | code-only rebuild (cached steps) | pushed after code-only change |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const result of results) {
    lines.push(
      `| ${result.label}: ${result.description} | ${mb(result.uncompressedBytes)}${rel(result.uncompressedBytes, (r) => r.uncompressedBytes)} | ` +
        `${mb(result.compressedBytes)}${rel(result.compressedBytes, (r) => r.compressedBytes)} | ` +
        `${result.layers}${rel(result.layers, (r) => r.layers)} | ` +
        `${secs(result.coldBuildSeconds)}${rel(result.coldBuildSeconds, (r) => r.coldBuildSeconds)} | ` +
        `${secs(result.freshRunnerColdBuildSeconds)}${rel(result.freshRunnerColdBuildSeconds, (r) => r.freshRunnerColdBuildSeconds)} | ` +
        `${secs(result.noChangeRebuildSeconds)} | ` +
        `${secs(result.codeChangeRebuildSeconds)} (${result.codeChangeCachedSteps})${rel(result.codeChangeRebuildSeconds, (r) => r.codeChangeRebuildSeconds)} | ` +
        `${mb(result.codeChangePushedBytes)} in ${result.codeChangePushedLayers} layer(s)${rel(result.codeChangePushedBytes, (r) => r.codeChangePushedBytes)} |`,
    );
  }
  const optimized = results.find((result) => result.id === "optimized");
  if (floor && optimized) {
    lines.push(
      "",
      `Runtime floor, measured in (d)'s files: node binary ${mb(floor.nodeBinary)} + its ${floor.libraryFiles.length} shared libraries ` +
        `${mb(floor.libraries)} + app/dist ${(floor.appCode / 1e3).toFixed(1)} kB ` +
        (floor.productionDependencies > 0
          ? `+ production node_modules ${(floor.productionDependencies / 1e3).toFixed(1)} kB `
          : "(the bundle, dependencies included; no node_modules ship) ") +
        `= **${mb(floor.total)}**; (d) uncompressed is **${ratio(optimized.uncompressedBytes, floor.total)}** the floor.`,
    );
  }
  if (optimized && naive) {
    const checks: Array<[string, boolean, string]> = [
      [
        "(d) ≤ 1.10× the runtime floor",
        floor !== undefined && optimized.uncompressedBytes <= 1.1 * floor.total,
        floor ? ratio(optimized.uncompressedBytes, floor.total) : "n/a",
      ],
      [
        "(d) compressed ≤ 12% of (a)",
        optimized.compressedBytes <= 0.12 * naive.compressedBytes,
        `${((100 * optimized.compressedBytes) / naive.compressedBytes).toFixed(1)}%`,
      ],
      [
        "(d) code-only rebuild ≤ 10% of its cold build (`--no-cache`, npm cache mount warm)",
        optimized.codeChangeRebuildSeconds <= 0.1 * optimized.coldBuildSeconds,
        `${((100 * optimized.codeChangeRebuildSeconds) / optimized.coldBuildSeconds).toFixed(0)}%`,
      ],
      [
        "(d) code-only rebuild ≤ 10% of its cold build on a fresh runner (empty npm cache)",
        optimized.codeChangeRebuildSeconds <= 0.1 * optimized.freshRunnerColdBuildSeconds,
        `${((100 * optimized.codeChangeRebuildSeconds) / optimized.freshRunnerColdBuildSeconds).toFixed(0)}%`,
      ],
      [
        "(d) code-only change pushes one layer",
        optimized.codeChangePushedLayers === 1,
        `${optimized.codeChangePushedLayers} layer(s)`,
      ],
    ];
    lines.push("", "| target | measured | met? |", "|---|---:|---|");
    for (const [target, met, measured] of checks)
      lines.push(`| ${target} | ${measured} | ${met ? "yes" : "**no**"} |`);
  }
  return lines.join("\n");
}

const TABLE_START = "<!-- bench:size:start -->";
const TABLE_END = "<!-- bench:size:end -->";

function writeIntoDocs(markdown: string): void {
  const docs = join(REPO_ROOT, "docs", "BENCHMARKS.md");
  const text = readFileSync(docs, "utf8");
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`${docs} lacks the ${TABLE_START} … ${TABLE_END} markers`);
  writeFileSync(docs, `${text.slice(0, start + TABLE_START.length)}\n${markdown}\n${text.slice(end)}`);
  log(`wrote the table into ${docs}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const onlyIndex = args.indexOf("--only");
  const only = onlyIndex >= 0 ? new Set((args[onlyIndex + 1] ?? "").split(",")) : undefined;
  const engine = await dockerEngineStatus();
  if (!engine.reachable)
    throw new Error(`${engine.reason}\nStart the test infrastructure: bash scripts/test-infra.sh up`);
  if (!(await registryAnswers()))
    throw new Error(`no registry on ${LOCAL_REGISTRY}: bash scripts/test-infra.sh up`);

  const startedAt = Date.now();
  const results: VariantResult[] = [];
  let floor: RuntimeFloor | undefined;
  for (const [index, variant] of BENCH_VARIANTS.entries()) {
    if (only && !only.has(variant.id)) continue;
    const { result, image } = await benchVariant(variant, index);
    results.push(result);
    if (variant.id === "optimized") floor = await measureFloor(image);
  }
  mkdirSync(WORK_DIR, { recursive: true });
  writeFileSync(join(WORK_DIR, "results.json"), JSON.stringify({ results, floor }, null, 2));
  const markdown = renderMarkdown(
    results,
    floor,
    new Date().toISOString().slice(0, 10),
    engine.serverVersion,
  );
  process.stdout.write(`${markdown}\n`);
  log(
    `done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s; raw numbers in ${join(WORK_DIR, "results.json")}`,
  );
  if (args.includes("--write")) writeIntoDocs(markdown);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:size failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
