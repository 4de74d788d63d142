/**
 * The preview-time size estimate, as a plain module: build the same context with the local Docker
 * engine, `docker save` it and compress each layer tar the way a registry push does, then sum the
 * compressed bytes. Results are cached on disk by the build's content hash (./context-hash.ts), so a
 * second preview of the same inputs costs one file read and needs no engine at all.
 *
 * Used by the ImageSizeEstimate dynamic resource (./estimate-resource.ts) and by `npm start`
 * (tools/report.ts). No Pulumi here.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { KnownImageSize } from "./basis";
import { hashBuildContext, type BuildContextInput } from "./context-hash";
import { dockerEngineAvailable, resolveDockerCommand, runDocker, type DockerInvocation } from "./docker-cli";
import { measureSavedImage, type LayerCompression } from "./image-tar";
import { spawn } from "node:child_process";
import { dockerEnv } from "./docker-cli";

export interface EstimatedLayer {
  /** The instruction that made the layer (image config `history[].created_by`). */
  createdBy: string;
  compressedBytes: number;
  uncompressedBytes: number;
}

export interface ImageSizeEstimateResult {
  /** The build's content hash (the cache key). */
  contextHash: string;
  /**
   * Compressed bytes of the image for all requested platforms: the sum of the compressed layers (what
   * a registry manifest's `layers[].size` add up to) times the number of platforms, or `undefined` when
   * no engine was reachable and nothing was cached.
   */
  sizeBytes: number | undefined;
  /** Sum of the uncompressed layer tars of the measured platform. */
  uncompressedBytes: number | undefined;
  /** Layers of the measured platform, bottom first. */
  layers: EstimatedLayer[];
  /** One line for a reviewer: how the number was obtained (or why there is none). */
  note: string;
  /** True when the result came from the on-disk cache. */
  cached: boolean;
  /** Image reference left in the local engine when `keepImage` was set. */
  imageRef?: string;
}

export interface EstimateImageSizeOptions extends BuildContextInput {
  /** How the registry push compresses layers. dockerd and BuildKit push gzip by default. */
  compression?: LayerCompression;
  /** The build's content hash when the caller already has it; computed otherwise. */
  contextHash?: string;
  /** Directory of cached results; `false` disables the cache. Default: {@link defaultEstimateCacheDir}. */
  cacheDir?: string | false;
  docker?: DockerInvocation;
  /**
   * `--network` for RUN steps. Default `host`: it works on engines started without a bridge network
   * (as in CI here), and the network mode of RUN does not change the layers it writes.
   */
  network?: string;
  /** Sees each line of build output as it arrives. */
  onProgress?: (line: string) => void;
  /** Keep the built image tagged (and skip reading the cache) so the caller can push or inspect it. */
  keepImage?: boolean;
}

/** Thrown when the engine answered but the build itself failed (a broken Dockerfile, a failing RUN). */
export class ImageBuildError extends Error {
  constructor(
    message: string,
    readonly outputTail: string,
  ) {
    super(message);
    this.name = "ImageBuildError";
  }
}

const CACHE_FORMAT = 1;

export function defaultEstimateCacheDir(): string {
  return path.join(os.homedir() || os.tmpdir(), ".cache", "ecr-pipeline", "size-estimates");
}

/** `linux/amd64` or `linux/arm64` — the platform a plain `docker build` produces on this host. */
export function hostPlatform(): string {
  const architecture = { x64: "amd64", arm64: "arm64", arm: "arm", ppc64: "ppc64le", s390x: "s390x" }[
    process.arch as string
  ];
  return `linux/${architecture ?? process.arch}`;
}

export async function estimateImageSize(options: EstimateImageSizeOptions): Promise<ImageSizeEstimateResult> {
  const compression = options.compression ?? "gzip";
  const contextHash = options.contextHash ?? hashBuildContext(options).hash;
  const cacheFile =
    options.cacheDir === false
      ? undefined
      : path.join(options.cacheDir ?? defaultEstimateCacheDir(), `${contextHash}.${compression}.json`);

  if (cacheFile !== undefined && options.keepImage !== true) {
    const cached = readCachedEstimate(cacheFile);
    if (cached !== undefined) return { ...cached, contextHash, cached: true };
  }

  if (!(await dockerEngineAvailable(options.docker))) {
    return {
      contextHash,
      sizeBytes: undefined,
      uncompressedBytes: undefined,
      layers: [],
      cached: false,
      note: `no Docker engine reachable (${resolveDockerCommand(options.docker)} version failed): size not measured`,
    };
  }

  const platforms = options.platforms ?? [];
  const host = hostPlatform();
  // A plain `docker build` makes one platform. Measure the host's (or the first requested one) and
  // scale: platform variants of one app differ mostly in binaries of similar size.
  const measuredPlatform = platforms.length === 0 || platforms.includes(host) ? host : platforms[0];
  const imageRef = `ecr-pipeline-estimate:${contextHash.slice(0, 16)}-${randomBytes(4).toString("hex")}`;
  await buildImage(options, imageRef, platforms.length === 0 ? undefined : measuredPlatform);
  try {
    const saved = await saveAndMeasure(imageRef, compression, options.docker);
    const layerHistory = (saved.config.history ?? []).filter((entry) => entry.empty_layer !== true);
    const layers = saved.layers.map((layer, index): EstimatedLayer => ({
      createdBy: layerHistory[index]?.created_by ?? "",
      compressedBytes: layer.compressedBytes,
      uncompressedBytes: layer.uncompressedBytes,
    }));
    const perPlatformBytes = sum(layers.map((layer) => layer.compressedBytes));
    const platformCount = Math.max(1, platforms.length);
    const scaled = platformCount > 1 ? ` × ${platformCount} platforms (measured ${measuredPlatform})` : "";
    const result: ImageSizeEstimateResult = {
      contextHash,
      sizeBytes: perPlatformBytes * platformCount,
      uncompressedBytes: sum(layers.map((layer) => layer.uncompressedBytes)),
      layers,
      cached: false,
      note: `local build of ${contextHash.slice(0, 16)}: ${layers.length} layers, ${compression}-compressed as a push would${scaled}`,
    };
    if (cacheFile !== undefined) writeCachedEstimate(cacheFile, result);
    return options.keepImage === true ? { ...result, imageRef } : result;
  } finally {
    if (options.keepImage !== true)
      await runDocker(["image", "rm", "--force", imageRef], options.docker).catch(() => undefined);
  }
}

async function buildImage(
  options: EstimateImageSizeOptions,
  imageRef: string,
  platform: string | undefined,
): Promise<void> {
  let inlineDockerfile: string | undefined;
  let dockerfile = options.dockerfile;
  if (options.dockerfileInline !== undefined) {
    inlineDockerfile = fs.mkdtempSync(path.join(os.tmpdir(), "ecr-pipeline-dockerfile-"));
    dockerfile = path.join(inlineDockerfile, "Dockerfile");
    fs.writeFileSync(dockerfile, options.dockerfileInline);
  }
  const args = ["build", "--network", options.network ?? "host", "--progress", "plain", "--tag", imageRef];
  if (dockerfile !== undefined) args.push("--file", path.resolve(dockerfile));
  if (options.target !== undefined) args.push("--target", options.target);
  if (platform !== undefined) args.push("--platform", platform);
  for (const [name, value] of Object.entries(options.buildArgs ?? {}))
    args.push("--build-arg", `${name}=${value}`);
  args.push(path.resolve(options.context));
  try {
    const result = await runDocker(args, options.docker, { onOutputLine: options.onProgress });
    if (result.exitCode !== 0) {
      const tail = (result.stderr + result.stdout).trim().split("\n").slice(-30).join("\n");
      throw new ImageBuildError(`docker build failed (exit ${result.exitCode}):\n${tail}`, tail);
    }
  } finally {
    if (inlineDockerfile !== undefined) fs.rmSync(inlineDockerfile, { recursive: true, force: true });
  }
}

async function saveAndMeasure(
  imageRef: string,
  compression: LayerCompression,
  invocation: DockerInvocation | undefined,
) {
  const child = spawn(resolveDockerCommand(invocation), ["save", imageRef], {
    env: dockerEnv(invocation),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? -1));
  });
  try {
    const saved = await measureSavedImage(child.stdout, { compression });
    const exitCode = await exited;
    if (exitCode !== 0)
      throw new Error(`docker save ${imageRef} failed (exit ${exitCode}): ${stderr.trim()}`);
    return saved;
  } catch (error) {
    child.kill("SIGKILL");
    const exitCode = await exited.catch(() => -1);
    if (exitCode !== 0 && stderr.trim() !== "")
      throw new Error(`docker save ${imageRef} failed: ${stderr.trim()}`);
    throw error;
  }
}

function readCachedEstimate(
  file: string,
): Omit<ImageSizeEstimateResult, "contextHash" | "cached"> | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as {
      format?: number;
      result?: ImageSizeEstimateResult;
    };
    if (
      parsed.format !== CACHE_FORMAT ||
      parsed.result === undefined ||
      typeof parsed.result.sizeBytes !== "number"
    ) {
      return undefined;
    }
    const { sizeBytes, uncompressedBytes, layers, note } = parsed.result;
    return { sizeBytes, uncompressedBytes, layers, note: `${note} (cached)` };
  } catch {
    return undefined; // a missing or corrupt cache entry just means "measure again"
  }
}

function writeCachedEstimate(file: string, result: ImageSizeEstimateResult): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Write-then-rename so a concurrent reader never sees half a file.
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify({ format: CACHE_FORMAT, result }, null, 2));
    fs.renameSync(temporary, file);
  } catch {
    // The cache is an optimisation: an unwritable cache directory must not fail a preview.
  }
}

/**
 * The size the component reports: the estimate when there is one, else the environment's size budget
 * (basis `budget`), with a note saying why — never an error (issue 5 item 4).
 */
export function knownSizeFromEstimate(
  estimate: Pick<ImageSizeEstimateResult, "sizeBytes" | "note">,
  budgetBytes: number,
): KnownImageSize {
  if (estimate.sizeBytes !== undefined)
    return { bytes: estimate.sizeBytes, basis: "estimate", note: estimate.note };
  return { bytes: budgetBytes, basis: "budget", note: `${estimate.note}; using the size budget` };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
