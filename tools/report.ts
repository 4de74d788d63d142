/**
 * `npm start`: the offline main job (issue 5 item 5). Builds the sample app (or any context) with the
 * local Docker engine, measures it the way the preview-time estimate does (compressed as a push would),
 * and prints its size, a per-layer table, the monthly ECR cost under each environment preset and the
 * Dockerfile findings. No AWS account, no Pulumi CLI.
 *
 *   npm start
 *   npm start -- --context DIR --dockerfile FILE [--target T] [--build-arg K=V ...] [--platform P]
 *
 * `--platform P` measures only P and prices every environment with it (each environment still with its
 * own platform count): for images whose bases exist for one platform only, e.g. the Python bench bases.
 * Each finding is printed with the compressed bytes of the layer its line made; a dependency install
 * after a code COPY (`install-after-code-copy`) also with what that layer costs a month in each
 * environment, since every code change stores it again (cost/storage.ts "older builds").
 *
 * Exit codes: 0 report printed, 1 build or measurement failed, 2 no Docker engine reachable.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { renewalOf, type MeasuredLayers } from "../components/cost/storage";
import { analyzeBuildDockerfile } from "../components/dockerfile/build";
import { hashBuildContext } from "../components/buildkit/context-hash";
import { dockerEngineAvailable, runDocker } from "../components/size/docker-cli";
import { ImageBuildError } from "../components/common/errors";
import { DEFAULT_PLATFORM } from "../components/buildkit/platforms";
import { estimateImageSize, type ImageSizeEstimateResult } from "../components/size/local-estimate";
import { useTestEngine } from "./lib/engine";
import { loadEnvironmentWorkloads, priceWorkload, type EnvironmentWorkload } from "./report/environments";
import { describeInstruction, formatBytes, formatLayerTable } from "./report/format";

const REPO_ROOT = path.resolve(__dirname, "..");
/**
 * The bases scripts/test-infra.sh builds; used for the sample app when they exist locally. The builder is
 * the slim one, as app/Dockerfile's default builder (node:22-bookworm-slim) is.
 */
const TEST_BASES = {
  NODE_BUILD_IMAGE: "ecr-pipeline-test/node:22-slim",
  NODE_RUNTIME_IMAGE: "ecr-pipeline-test/node:22-distroless",
};

interface ReportArgs {
  context: string;
  dockerfile: string;
  target: string | undefined;
  buildArgs: Record<string, string>;
  sampleApp: boolean;
  /** Measure only this platform (and price every environment with it). */
  platform: string | undefined;
}

class UsageError extends Error {}

export function parseReportArgs(argv: readonly string[]): ReportArgs {
  let context: string | undefined;
  let dockerfile: string | undefined;
  let target: string | undefined;
  let platform: string | undefined;
  const buildArgs: Record<string, string> = {};
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = argv[index + 1];
    if (flag === "--help" || flag === "-h") throw new UsageError("");
    if (value === undefined) throw new UsageError(`${flag ?? ""} needs a value`);
    index++;
    if (flag === "--context") context = value;
    else if (flag === "--dockerfile") dockerfile = value;
    else if (flag === "--target") target = value;
    else if (flag === "--platform") platform = value;
    else if (flag === "--build-arg") {
      const equals = value.indexOf("=");
      if (equals <= 0) throw new UsageError(`--build-arg wants KEY=VALUE, got ${value}`);
      buildArgs[value.slice(0, equals)] = value.slice(equals + 1);
    } else throw new UsageError(`unknown option ${flag}`);
  }
  const sampleApp = context === undefined && dockerfile === undefined;
  const resolvedContext = path.resolve(context ?? path.join(REPO_ROOT, "app"));
  return {
    context: resolvedContext,
    dockerfile: path.resolve(dockerfile ?? path.join(resolvedContext, "Dockerfile")),
    target,
    buildArgs,
    sampleApp,
    platform,
  };
}

const USAGE =
  "usage: npm start -- [--context DIR] [--dockerfile FILE] [--target STAGE] [--build-arg KEY=VALUE ...] [--platform PLATFORM]";

async function main(): Promise<number> {
  let args: ReportArgs;
  try {
    args = parseReportArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message !== "") console.error(error.message);
    console.error(USAGE);
    return error.message === "" ? 0 : 64;
  }

  // the engine of `bash scripts/test-infra.sh up`, found by its socket unless DOCKER_HOST points elsewhere
  useTestEngine();
  if (!(await dockerEngineAvailable())) {
    console.error(
      "No Docker engine is reachable (`docker version` failed), so nothing can be built or measured.\n" +
        "Start one with:  bash scripts/test-infra.sh up\n" +
        "(or point DOCKER_HOST at a running engine), then run `npm start` again.",
    );
    return 2;
  }

  if (args.sampleApp) {
    for (const [name, image] of Object.entries(TEST_BASES)) {
      if (
        (await runDocker(["image", "inspect", image])).exitCode === 0 &&
        args.buildArgs[name] === undefined
      ) {
        args.buildArgs[name] = image;
      }
    }
  }

  const contextHash = hashBuildContext(args);
  console.error(
    `Building ${path.relative(process.cwd(), args.dockerfile) || args.dockerfile}` +
      `${args.target === undefined ? "" : ` (target ${args.target})`} with context ` +
      `${path.relative(process.cwd(), args.context) || "."} (${contextHash.files} files, ${formatBytes(contextHash.bytes)})`,
  );
  for (const [name, value] of Object.entries(args.buildArgs)) console.error(`  --build-arg ${name}=${value}`);

  const workloads = loadEnvironmentWorkloads(path.join(__dirname, "..", "stacks"));
  // One measurement per platform set the environments build (dev one platform, staging and prod two),
  // each with its registry cache (the pipeline writes one by default), as the preview's estimate does.
  const measurements = new Map<string, ImageSizeEstimateResult>();
  const platformSets =
    args.platform === undefined
      ? [[DEFAULT_PLATFORM], ...workloads.map((workload) => workload.platformList)]
      : [[args.platform]];
  if (args.platform !== undefined)
    console.error(`Measuring ${args.platform} only (--platform): every environment is priced with it`);
  const measurementOf = (workload: { platformList: string[] }) =>
    measurements.get(args.platform ?? workload.platformList.join(",")) as ImageSizeEstimateResult;
  for (const platforms of platformSets) {
    const key = platforms.join(",");
    if (measurements.has(key)) continue;
    const started = Date.now();
    console.error(`Measuring ${key} (image and registry cache)`);
    let measured: ImageSizeEstimateResult;
    try {
      measured = await estimateImageSize({
        context: args.context,
        dockerfile: args.dockerfile,
        target: args.target,
        buildArgs: args.buildArgs,
        platforms,
        cache: true,
        contextHash: hashBuildContext({ ...args, platforms }).hash,
        onProgress: (line) => {
          // BuildKit's plain progress: one "#N [stage k/n] INSTRUCTION" header per step is enough.
          if (/^#\d+ \[/.test(line) || /^#\d+ CACHED$/.test(line)) {
            console.error(`  ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s  ${line}`);
          }
        },
      });
    } catch (error) {
      console.error(error instanceof ImageBuildError ? error.message : `Measuring failed: ${String(error)}`);
      return 1;
    }
    if (measured.sizeBytes === undefined) {
      console.error(measured.note);
      return 2;
    }
    console.error(
      `  measured in ${((Date.now() - started) / 1000).toFixed(1)}s${measured.cached ? " (from the cache)" : ""}\n`,
    );
    measurements.set(key, measured);
  }
  const estimate = measurements.get(args.platform ?? DEFAULT_PLATFORM) as ImageSizeEstimateResult;
  if (estimate.sizeBytes === undefined) return 2;

  const out: string[] = [];
  out.push(
    `Image ${path.relative(REPO_ROOT, args.dockerfile)}  (content hash ${contextHash.hash.slice(0, 16)})`,
  );
  out.push(
    `  compressed (as pushed, gzip):  ${formatBytes(estimate.sizeBytes)}  (${estimate.sizeBytes.toLocaleString("en-US")} bytes)`,
  );
  out.push(
    `  uncompressed layers:           ${formatBytes(estimate.uncompressedBytes ?? 0)}  (${(estimate.uncompressedBytes ?? 0).toLocaleString("en-US")} bytes)`,
  );
  out.push(`  layers:                        ${estimate.layers.length}`);
  out.push(`  basis: estimate — ${estimate.note}`);
  out.push("");
  out.push(formatLayerTable(estimate.layers));
  out.push("");

  out.push("Monthly ECR cost under each environment preset (workloads as in stacks/Pulumi.<env>.yaml):");
  const summary: string[] = [];
  // Priced as the pipeline prices it (tools/report/environments.ts `priceWorkload`): one platform's
  // image, as ECR sizes an index (the largest platform manifest), basis `estimate`.
  const monthlyCost = (workload: EnvironmentWorkload, layers: MeasuredLayers | undefined) => {
    const measured = measurementOf(workload);
    return priceWorkload(
      workload,
      { bytes: measured.sizeBytes ?? 0, basis: "estimate", note: measured.note },
      layers,
    );
  };
  for (const workload of workloads) {
    const { estimate: cost, report } = monthlyCost(workload, measuredLayers(measurementOf(workload)));
    summary.push(`  ${workload.name.padEnd(8)} ${`$${cost.totalUsd.toFixed(2)}`.padStart(10)} / month`);
    out.push("");
    out.push(`== ${workload.name} ==`);
    out.push(report);
  }
  out.push("");
  out.push("Summary:");
  out.push(...summary);
  out.push("");

  const findings = analyzeBuildDockerfile(args.context, args.dockerfile, args.target);
  const layerOfLine = instructionLayers(args.dockerfile, estimate.layers);
  out.push(`Dockerfile findings (${findings.length}):`);
  for (const finding of findings) {
    out.push(`  line ${finding.line} [${finding.id}] ${finding.severity}: ${finding.message}`);
    out.push(`      fix: ${finding.fix}`);
    const layer = layerOfLine.get(finding.line);
    if (layer === undefined) continue;
    out.push(
      `      bytes: line ${finding.line}'s layer is ${formatBytes(layer.compressedBytes)} compressed (${layer.compressedBytes.toLocaleString("en-US")} bytes, ${formatBytes(layer.uncompressedBytes)} uncompressed)`,
    );
    if (finding.id !== "install-after-code-copy") continue;
    // What storing that layer again on every code change costs: the month with the layer renewed per
    // build (as measured) minus the month with it kept from build to build.
    const perEnvironment = workloads.map((workload) => {
      const layers = measuredLayers(measurementOf(workload));
      const withLayer = monthlyCost(workload, layers).estimate.totalUsd;
      const digest = layer.digest;
      const withoutLayer =
        layers === undefined || digest === undefined
          ? withLayer
          : monthlyCost(workload, {
              ...layers,
              renewed: layers.renewed.filter((blob) => blob.digest !== digest),
              cacheRenewed: layers.cacheRenewed.filter((blob) => blob.digest !== digest),
            }).estimate.totalUsd;
      return `${workload.name} $${(withLayer - withoutLayer).toFixed(2)}/month`;
    });
    out.push(
      `      cost: ${formatBytes(layer.compressedBytes)} pushed and stored again per build: ${perEnvironment.join(", ")}`,
    );
  }
  if (findings.length === 0) out.push("  none");
  console.log(out.join("\n"));
  return 0;
}

/**
 * The layer structure of a measurement, as the pipeline's estimate keeps it: every platform's layers,
 * the cache blobs, and what a push renews. `npm start` has no previous build, so a push renews the
 * layers above the base (cost/storage.ts `renewalOf`). Undefined without digests (no buildx).
 */
export function measuredLayers(measured: ImageSizeEstimateResult): MeasuredLayers | undefined {
  const platforms = (measured.platforms ?? []).map((platform) => ({
    platform: platform.platform,
    layers: platform.layers.map((layer) => ({ digest: layer.digest ?? "", bytes: layer.compressedBytes })),
    ...(platform.baseLayerCount === undefined ? {} : { baseLayerCount: platform.baseLayerCount }),
  }));
  if (
    platforms.length === 0 ||
    platforms.some((platform) => platform.layers.some((layer) => layer.digest === ""))
  )
    return undefined;
  const cache = measured.cacheBlobs ?? [];
  return { platforms, cache, ...renewalOf({ platforms, cache }, undefined) };
}

/**
 * The image layer each Dockerfile line made, matched by the instruction text BuildKit records in the
 * image history (`RUN /bin/sh -c <script> # buildkit`, `COPY <src> <dest> # buildkit`), lines joined
 * and whitespace collapsed on both sides. A line whose instruction made no layer, or whose text the
 * history does not show (flags, JSON forms), is left out.
 */
export function instructionLayers<L extends { createdBy: string }>(
  dockerfile: string,
  layers: readonly L[],
): Map<number, L> {
  const result = new Map<number, L>();
  let text: string;
  try {
    text = fs.readFileSync(dockerfile, "utf8");
  } catch {
    return result;
  }
  const normalize = (value: string) => value.replace(/\s+/g, " ").trim();
  const byText = new Map<string, L>();
  for (const layer of layers) byText.set(normalize(describeInstruction(layer.createdBy)), layer);
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index += 1) {
    const first = index + 1;
    let instruction = lines[index] as string;
    while (instruction.endsWith("\\") && index + 1 < lines.length) {
      instruction = `${instruction.slice(0, -1)} ${lines[index + 1] as string}`;
      index += 1;
    }
    if (!/^\s*(RUN|COPY|ADD)\s/i.test(instruction)) continue;
    // BuildKit's history leaves out COPY/ADD flags (--from, --chown, --link).
    const written = normalize(instruction).replace(/^(COPY|ADD)((\s+--[a-z-]+(=\S+)?)+)\s/i, "$1 ");
    const layer = byText.get(written);
    if (layer !== undefined) result.set(first, layer);
  }
  return result;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
