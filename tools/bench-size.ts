// npm run bench:size — builds the four benchmark variants for real (naive, slim, multi-stage, app/Dockerfile)
// on the local test bases and measures what each costs: uncompressed bytes, compressed bytes pushed to the
// registry as gzip AND as zstd (level 3, forced, OCI media types, as the component sends them), layers,
// cold build and code-only rebuild seconds, and what a code-only change pushes; then app/ for linux/arm64
// next to linux/amd64 (same run, same way). Fresh-runner builds with the registry cache: tools/bench-cache.ts.
// Needs `bash scripts/test-infra.sh up` (the current engine, registry on 127.0.0.1:5000, arm64 emulation,
// ecr-pipeline-test/* bases for both platforms).
//
//   npx tsx tools/bench-size.ts [--only naive,optimized] [--no-arm64] [--write]   (--write updates docs/BENCHMARKS.md)
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  BENCH_VARIANTS,
  benchVariant as findVariant,
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
  dockerEnv,
  listImageFiles,
  removeContainer,
  startContainer,
  waitForJson,
} from "./lib/docker";
import {
  buildx,
  fetchPlatformManifest,
  registryHasTag,
  registryOutput,
  uncompressedBytes,
  type Compression,
} from "./lib/buildx";
import { onlyIds, writeBenchTable } from "./lib/bench-docs";
import { benchLogger, requireTestInfrastructure, runBench } from "./lib/bench-run";
import { runCommand } from "./lib/process";
import { compressedBytes, layersNotIn, LOCAL_REGISTRY, type ImageManifest } from "./lib/registry";
import { measureRuntimeFloor, parseLddSonames, type RuntimeFloor } from "./lib/runtime-floor";

interface VariantResult {
  id: string;
  label: string;
  description: string;
  uncompressedBytes: number;
  /** gzip as BuildKit pushes it by default (existing gzip blobs, base layers included, are reused). */
  compressedBytes: number;
  /** compression=zstd,compression-level=3,force-compression=true: every layer recompressed. */
  zstdBytes: number;
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

/** Registry repositories of this bench: `bench-<variant>` (the shared registry's naming rule). */
const BENCH_REPOSITORY_PREFIX = "bench";
const SMOKE_PORT_BASE = 18400;

const log = benchLogger("bench");

async function benchVariant(
  variant: BenchVariant,
  index: number,
): Promise<{ result: VariantResult; image: string }> {
  const repository = `${BENCH_REPOSITORY_PREFIX}-${variant.id}`;
  const context = prepareContext(variant);
  setAppVersion(context, "1");
  const build = (tag: string, noCache: boolean) =>
    buildImage({ context, dockerfile: variant.dockerfile, tag, buildArgs: variant.buildArgs, noCache });

  log(`${variant.label}: cold build (--no-cache)`);
  const cold = await build(`${repository}:1`, true);
  const uncompressed = await uncompressedBytes(`${repository}:1`);
  const first = await pushVariant(variant, context, repository, "1", "gzip");
  const zstd = await pushVariant(variant, context, repository, "1-zstd", "zstd");
  log(
    `${variant.label}: ${cold.seconds.toFixed(1)} s, ${uncompressed} B, pushed gzip ${compressedBytes(first)} B, zstd ${compressedBytes(zstd)} B`,
  );

  const noChange = await build(`${repository}:1`, false);

  // Unique per run: a version built by an earlier run would come from BuildKit's cache, not a rebuild.
  const changedVersion = `2-${Date.now().toString(36)}`;
  setAppVersion(context, changedVersion);
  const rebuild = await build(`${repository}:2`, false);
  const second = await pushVariant(variant, context, repository, "2", "gzip");
  const newLayers = layersNotIn(second, first);
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
      uncompressedBytes: uncompressed,
      compressedBytes: compressedBytes(first),
      zstdBytes: compressedBytes(zstd),
      layers: first.layers.length,
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
 * Pushes the image just built (every step cached, so only the export runs) to the local registry with
 * `compression` and returns the pushed manifest. BuildKit's image exporter, not `docker push`, so that gzip
 * and zstd go through the same path the component's build does.
 */
async function pushVariant(
  variant: BenchVariant,
  context: string,
  repository: string,
  tag: string,
  compression: Compression,
): Promise<ImageManifest> {
  await buildx({
    env: process.env,
    context,
    dockerfile: variant.dockerfile,
    buildArgs: variant.buildArgs,
    platform: "linux/amd64",
    outputs: [registryOutput(`${LOCAL_REGISTRY}/${repository}:${tag}`, compression)],
  });
  return fetchPlatformManifest(repository, tag, "linux/amd64");
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

interface PlatformResult {
  platform: string;
  /** Where the deps/build stages ran: "target" (arm64 under qemu) or "$BUILDPLATFORM" (native amd64). */
  buildStages: "target" | "$BUILDPLATFORM";
  builderBase: string;
  gzipBytes: number;
  zstdBytes: number;
  layers: number;
  /** `--no-cache` build of the runtime target for this platform, pushed (gzip) to the registry. */
  coldBuildSeconds: number;
}

interface PlatformRun {
  results: PlatformResult[];
  dockerfile: string;
  /** Whether app/Dockerfile itself runs its deps/build stages on $BUILDPLATFORM. */
  buildStagesOnBuildPlatform: boolean;
  basesFrom: string;
}

const BUILDPLATFORM_FROM = /^FROM\s+--platform=\$\{?BUILDPLATFORM\}?\s/m;

/**
 * app/ for linux/amd64 and linux/arm64, built the same way one after the other: `--no-cache` with a gzip
 * push, then (cached) a zstd push. With app/Dockerfile as it is, arm64's deps/build stages (npm ci,
 * esbuild) run under qemu emulation; unless it already does so, a copy whose deps stage is
 * `FROM --platform=$BUILDPLATFORM` (build is FROM deps) is measured for arm64 too. The full base exists for
 * amd64 only (scripts/test-infra.sh), so builds whose builder runs on the target platform use the slim base
 * as builder on both platforms (same bundle; the runtime image does not contain the builder).
 * BENCH_APP_DOCKERFILE measures another version of app/Dockerfile on the same context.
 */
async function benchPlatforms(): Promise<PlatformRun> {
  const variant = findVariant("optimized");
  const dockerfile = process.env.BENCH_APP_DOCKERFILE ?? variant.dockerfile;
  const text = readFileSync(dockerfile, "utf8");
  const buildStagesOnBuildPlatform = BUILDPLATFORM_FROM.test(text);
  const context = prepareContext(variant);
  setAppVersion(context, "1");
  const nativeBuildDockerfile = join(WORK_DIR, "app.buildplatform.Dockerfile");
  if (!buildStagesOnBuildPlatform) {
    const rewritten = text.replace(
      /^FROM \$\{NODE_BUILD_IMAGE\} AS deps$/m,
      "FROM --platform=$BUILDPLATFORM ${NODE_BUILD_IMAGE} AS deps",
    );
    if (rewritten === text)
      throw new Error(`${dockerfile}: no "FROM \${NODE_BUILD_IMAGE} AS deps" line to move`);
    writeFileSync(nativeBuildDockerfile, rewritten);
  }
  // Both platforms of a base are one name (an index) in the registry; scripts/test-infra.sh pushes them.
  const repository = TEST_BASE_IMAGES.full.split(":")[0] ?? "";
  const inRegistry = await registryHasTag(repository, "22-distroless");
  const base = (image: string) => (inRegistry ? `${LOCAL_REGISTRY}/${image}` : image);
  const fullHasArm64 = inRegistry
    ? await fetchPlatformManifest(repository, "22-full", "linux/arm64").then(
        () => true,
        () => false,
      )
    : false;
  const runs: Array<{ platform: string; buildStages: PlatformResult["buildStages"]; file: string }> = [
    {
      platform: "linux/amd64",
      buildStages: buildStagesOnBuildPlatform ? "$BUILDPLATFORM" : "target",
      file: dockerfile,
    },
    {
      platform: "linux/arm64",
      buildStages: buildStagesOnBuildPlatform ? "$BUILDPLATFORM" : "target",
      file: dockerfile,
    },
  ];
  if (!buildStagesOnBuildPlatform)
    runs.push({ platform: "linux/arm64", buildStages: "$BUILDPLATFORM", file: nativeBuildDockerfile });

  const results: PlatformResult[] = [];
  for (const run of runs) {
    const builderBase =
      run.buildStages === "$BUILDPLATFORM" || fullHasArm64 ? TEST_BASE_IMAGES.full : TEST_BASE_IMAGES.slim;
    const buildArgs = {
      NODE_BUILD_IMAGE: base(builderBase),
      NODE_RUNTIME_IMAGE: base(TEST_BASE_IMAGES.distroless),
    };
    const arch = run.platform.split("/")[1] ?? "";
    const target = `${BENCH_REPOSITORY_PREFIX}-platform-${arch}${run.buildStages === "target" ? "" : "-buildplatform"}`;
    const push = (tag: string, compression: Compression, noCache: boolean) =>
      buildx({
        env: process.env,
        context,
        dockerfile: run.file,
        buildArgs,
        platform: run.platform,
        noCache,
        outputs: [registryOutput(`${LOCAL_REGISTRY}/${target}:${tag}`, compression)],
      });
    log(`app/ ${run.platform}, build stages on ${run.buildStages}: cold build (--no-cache), gzip push`);
    const cold = await push("gzip", "gzip", true);
    await push("zstd", "zstd", false);
    const gzip = await fetchPlatformManifest(target, "gzip", run.platform);
    const zstd = await fetchPlatformManifest(target, "zstd", run.platform);
    results.push({
      platform: run.platform,
      buildStages: run.buildStages,
      builderBase,
      gzipBytes: compressedBytes(gzip),
      zstdBytes: compressedBytes(zstd),
      layers: gzip.layers.length,
      coldBuildSeconds: cold.seconds,
    });
    log(
      `app/ ${run.platform}: ${cold.seconds.toFixed(1)} s, gzip ${compressedBytes(gzip)} B, zstd ${compressedBytes(zstd)} B`,
    );
  }
  return {
    results,
    dockerfile: dockerfile.startsWith(REPO_ROOT) ? dockerfile.slice(REPO_ROOT.length + 1) : dockerfile,
    buildStagesOnBuildPlatform,
    basesFrom: inRegistry
      ? `${LOCAL_REGISTRY}/ecr-pipeline-test/node:22-*`
      : "the local ecr-pipeline-test/node:22-* images",
  };
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
  platforms?: PlatformRun,
): string {
  const naive = results.find((result) => result.id === "naive");
  const rel = (value: number, pick: (result: VariantResult) => number) =>
    naive ? ` (${ratio(value, pick(naive))})` : "";
  const lines = [
    `Measured ${date} on this machine (2 cores, shared with other builds; Docker engine ${engine} with the containerd image store, buildx's \`docker\` driver, local registry ${LOCAL_REGISTRY}),`,
    "bases `ecr-pipeline-test/node:22-{full,slim,distroless}`, linux/amd64. Ratios in parentheses are to (a); zstd/gzip is per row.",
    "",
    "| variant | uncompressed | gzip (registry) | zstd-3 (registry), zstd/gzip | layers | cold build (`--no-cache`) | cold build, empty npm cache (fresh runner) | rebuild, no change | code-only rebuild (cached steps) | pushed after code-only change |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const result of results) {
    lines.push(
      `| ${result.label}: ${result.description} | ${mb(result.uncompressedBytes)}${rel(result.uncompressedBytes, (r) => r.uncompressedBytes)} | ` +
        `${mb(result.compressedBytes)}${rel(result.compressedBytes, (r) => r.compressedBytes)} | ` +
        `${mb(result.zstdBytes)}, ${ratio(result.zstdBytes, result.compressedBytes)} | ` +
        `${result.layers}${rel(result.layers, (r) => r.layers)} | ` +
        `${secs(result.coldBuildSeconds)}${rel(result.coldBuildSeconds, (r) => r.coldBuildSeconds)} | ` +
        `${secs(result.freshRunnerColdBuildSeconds)}${rel(result.freshRunnerColdBuildSeconds, (r) => r.freshRunnerColdBuildSeconds)} | ` +
        `${secs(result.noChangeRebuildSeconds)} | ` +
        `${secs(result.codeChangeRebuildSeconds)} (${result.codeChangeCachedSteps})${rel(result.codeChangeRebuildSeconds, (r) => r.codeChangeRebuildSeconds)} | ` +
        `${mb(result.codeChangePushedBytes)} in ${result.codeChangePushedLayers} layer(s)${rel(result.codeChangePushedBytes, (r) => r.codeChangePushedBytes)} |`,
    );
  }
  const optimized = results.find((result) => result.id === "optimized");
  const amd64 = platforms?.results.find((result) => result.platform === "linux/amd64");
  if (platforms) {
    lines.push(
      "",
      `app/ per platform, same run, built the same way one after the other (\`${platforms.dockerfile}\` runtime target; ` +
        `its deps/build stages ${platforms.buildStagesOnBuildPlatform ? "are" : "are not"} on \`$BUILDPLATFORM\`` +
        `${platforms.buildStagesOnBuildPlatform ? "" : "; the last row is a copy with `FROM --platform=$BUILDPLATFORM` on the deps stage"}; ` +
        `bases from ${platforms.basesFrom}). Ratios in parentheses are to the first row.`,
      "",
      "| platform | deps/build stages run on | builder base | gzip (registry) | zstd-3 (registry), zstd/gzip | layers | cold build (`--no-cache`, gzip push) |",
      "|---|---|---|---:|---:|---:|---:|",
    );
    for (const result of platforms.results) {
      const relAmd = (value: number, pick: (r: PlatformResult) => number) =>
        amd64 ? ` (${ratio(value, pick(amd64))})` : "";
      const where =
        result.buildStages === "$BUILDPLATFORM"
          ? "`$BUILDPLATFORM` (native amd64)"
          : result.platform === "linux/arm64"
            ? "target (arm64, under qemu)"
            : "target (amd64)";
      lines.push(
        `| ${result.platform} | ${where} | \`${result.builderBase.split("/").pop()}\` | ` +
          `${mb(result.gzipBytes)}${relAmd(result.gzipBytes, (r) => r.gzipBytes)} | ` +
          `${mb(result.zstdBytes)}, ${ratio(result.zstdBytes, result.gzipBytes)} | ${result.layers} | ` +
          `${secs(result.coldBuildSeconds)}${relAmd(result.coldBuildSeconds, (r) => r.coldBuildSeconds)} |`,
      );
    }
  }
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
  const checks: Array<[string, boolean, string]> = [];
  if (optimized && naive) {
    checks.push(
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
    );
  }
  for (const result of results) {
    checks.push([
      `${result.label}: zstd ≤ 0.95× gzip`,
      result.zstdBytes <= 0.95 * result.compressedBytes,
      ratio(result.zstdBytes, result.compressedBytes),
    ]);
  }
  for (const arm64 of platforms?.results.filter((result) => result.platform === "linux/arm64") ?? []) {
    if (!amd64) break;
    for (const [what, pick] of [
      ["gzip", (r: PlatformResult) => r.gzipBytes],
      ["zstd", (r: PlatformResult) => r.zstdBytes],
    ] as const) {
      checks.push([
        `app/ linux/arm64 (build stages on ${arm64.buildStages}) within 10% of linux/amd64 (${what})`,
        Math.abs(pick(arm64) / pick(amd64) - 1) <= 0.1,
        ratio(pick(arm64), pick(amd64)),
      ]);
    }
  }
  if (checks.length > 0) {
    lines.push("", "| target | measured | met? |", "|---|---:|---|");
    for (const [target, met, measured] of checks)
      lines.push(`| ${target} | ${measured} | ${met ? "yes" : "**no**"} |`);
  }
  return lines.join("\n");
}

function writeIntoDocs(markdown: string): void {
  log(`wrote the table into ${writeBenchTable("size", markdown)}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const only = onlyIds(args);
  const engineVersion = await requireTestInfrastructure();

  const startedAt = Date.now();
  const results: VariantResult[] = [];
  let floor: RuntimeFloor | undefined;
  for (const [index, variant] of BENCH_VARIANTS.entries()) {
    if (only && !only.has(variant.id)) continue;
    const { result, image } = await benchVariant(variant, index);
    results.push(result);
    if (variant.id === "optimized") floor = await measureFloor(image);
  }
  const platforms = args.includes("--no-arm64") ? undefined : await benchPlatforms();
  mkdirSync(WORK_DIR, { recursive: true });
  writeFileSync(join(WORK_DIR, "results.json"), JSON.stringify({ results, floor, platforms }, null, 2));
  const markdown = renderMarkdown(
    results,
    floor,
    new Date().toISOString().slice(0, 10),
    engineVersion,
    platforms,
  );
  process.stdout.write(`${markdown}\n`);
  log(
    `done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s; raw numbers in ${join(WORK_DIR, "results.json")}`,
  );
  if (args.includes("--write")) writeIntoDocs(markdown);
}

if (require.main === module) runBench("bench:size", main);
