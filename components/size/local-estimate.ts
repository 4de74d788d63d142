/**
 * The preview-time size estimate, as a plain module: build the same context with the local Docker
 * engine for every requested platform and export it as an OCI image layout with the SAME layer
 * compression the push uses (`docker buildx build --output type=oci,dest=-,…`). The layout's layer
 * blobs are the blobs the push uploads, so their sizes are what the registry manifest's
 * `layers[].size` will say, per platform; a layer shared by platforms is one blob, stored once.
 * Each layer keeps its blob digest, each platform how many bottom layers are its final stage's base
 * (./base-layers.ts), and, when the pipeline writes a registry cache, the cache export is measured too:
 * the cost model stores layers, not whole images (../cost/storage.ts).
 * Without buildx (a Docker 20.10 CLI) it falls back to `docker save` of one platform, gzip-compressed
 * here (no digests: storage then uses the whole-image model), and the note says so. Results are cached on disk by the
 * build's content hash and compression (./context-hash.ts), so a second preview of the same inputs
 * costs one file read and needs no engine at all.
 *
 * Used by the ImageSizeEstimate dynamic resource (./estimate-resource.ts) and by `npm start`
 * (tools/report.ts). No Pulumi here.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compressionAttributes } from "../buildkit/compression";
import { DEFAULT_PLATFORM } from "../buildkit/platforms";
import { ImageBuildError } from "../common/errors";
import type { KnownImageSize } from "../common/size-basis";
import { hashBuildContext, type BuildContextInput } from "../buildkit/context-hash";
import {
  dockerEngineAvailable,
  resolveDockerCommand,
  runDocker,
  startDocker,
  type DockerInvocation,
} from "./docker-cli";
import type { StoredBlob } from "../cost/storage";
import { finalStageBaseDockerfile, sharedPrefixLength } from "./base-layers";
import {
  cacheManifestBlobs,
  pushedCacheVariants,
  measureOciLayout,
  measureSavedImage,
  type LayerCompression,
  type OciLayout,
} from "./image-tar";

export interface EstimatedLayer {
  /** The instruction that made the layer (image config `history[].created_by`). */
  createdBy: string;
  /**
   * The compressed blob's digest as the push uploads it (`layers[].digest` of the manifest); absent
   * from the `docker save` fallback, which compresses here and so cannot know the pushed blob.
   */
  digest?: string;
  compressedBytes: number;
  uncompressedBytes: number;
}

/** A blob of the registry cache, with its layer media type (`…tar+gzip`, `…tar+zstd`, `…tar`). */
export interface CacheBlob extends StoredBlob {
  mediaType: string;
}

/** One platform's image: what its registry manifest will list. */
export interface PlatformSizeEstimate {
  /** `linux/amd64`, `linux/arm64`, … */
  platform: string;
  /** Sum of this platform's compressed layers: its manifest's `layers[].size` added up. */
  sizeBytes: number;
  /** Sum of this platform's uncompressed layer tars. */
  uncompressedBytes: number;
  /** Layers bottom first. */
  layers: EstimatedLayer[];
  /**
   * How many of the bottom layers are the final stage's base image (./base-layers.ts); absent when it
   * could not be measured (the Dockerfile could not be read, or the fallback without buildx).
   */
  baseLayerCount?: number;
}

export interface ImageSizeEstimateResult {
  /** The build's content hash (the cache key). */
  contextHash: string;
  /**
   * Compressed bytes of the image as ECR reports them: for one platform its manifest's layers added
   * up; for several, the largest platform manifest. ECR's `imageSizeInBytes` of an image index is "the
   * max size of all manifests in the list" (ECR API reference, ImageDetail,
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html, the same text in
   * https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/ecr/aws.sdk.kotlin.services.ecr.model/-image-detail/image-size-in-bytes.html), so the `estimate`
   * and `ecr` bases mean the same. It is also what one pull moves. `undefined` when no engine was
   * reachable and nothing was cached. What the repository stores is `storedBytes`.
   */
  sizeBytes: number | undefined;
  /** Uncompressed bytes of the largest platform (same rule as `sizeBytes`). */
  uncompressedBytes: number | undefined;
  /** Compressed bytes of every platform's distinct layers (a layer two platforms share counted once). */
  storedBytes?: number;
  /**
   * The blobs of the registry cache the pipeline writes (mode max, every stage's layers), all platforms'
   * caches together, each digest once; measured only when asked (`cache`), absent otherwise.
   */
  cacheBlobs?: CacheBlob[];
  /** Layers of the first requested platform, bottom first. */
  layers: EstimatedLayer[];
  /** Each requested platform's own size, in the order requested; absent or empty when nothing was measured. */
  platforms?: PlatformSizeEstimate[];
  /** One line for a reviewer: how the number was obtained (or why there is none). */
  note: string;
  /** True when the result came from the on-disk cache. */
  cached: boolean;
}

export interface EstimateImageSizeOptions extends BuildContextInput {
  /** How the registry push compresses layers (the component's `compression`). Default gzip, BuildKit's default. */
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
  /**
   * Also measure the registry cache the pipeline writes (`cache` on the component): the same build
   * exported with `--cache-to type=local,…,mode=max,image-manifest=true,oci-mediatypes=true` and the
   * push's compression, per platform as the component builds one cache per platform. Default false.
   */
  cache?: boolean;
  /**
   * Build secrets by id, as the image's build gets them (the component's `secrets`), so a Dockerfile
   * that installs from a private registry with `RUN --mount=type=secret,id=<id>` builds here too and is
   * measured. Each value is written to a file of mode 0600 in a directory of mode 0700 only for the
   * builds of this estimate and passed as `--secret id=<id>,src=<file>`; the directory is removed after
   * ({@link withSecretFiles}). The values appear in no note: a failed build's output is redacted.
   */
  secrets?: Readonly<Record<string, string>>;
}

/** The options the builds below use: the estimate's, plus the `--secret` flags of its secret files. */
type BuildOptions = EstimateImageSizeOptions & { secretFlags?: readonly string[] };

// 4: gzip exported with level 6 and force-compression, as the component now pushes it (../buildkit/compression.ts):
//    an older gzip measurement may hold other-compression variants the engine had.
// 3: layer digests, base layer counts, cache blobs, sizeBytes = largest platform (ECR's index size).
// 2: per-platform sizes, distinct layers counted once (1 was one platform × the platform count).
const CACHE_FORMAT = 4;

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
      : path.join(
          options.cacheDir ?? defaultEstimateCacheDir(),
          `${contextHash}.${compression}${options.cache === true ? ".cache" : ""}.json`,
        );

  if (cacheFile !== undefined) {
    const cached = readCachedEstimate(cacheFile);
    if (cached !== undefined) return { ...cached, contextHash, cached: true };
  }

  if (!(await dockerEngineAvailable(options.docker))) {
    return {
      contextHash,
      sizeBytes: undefined,
      uncompressedBytes: undefined,
      layers: [],
      platforms: [],
      cached: false,
      note: `no Docker engine reachable (${resolveDockerCommand(options.docker)} version failed): size not measured`,
    };
  }

  // The components build DEFAULT_PLATFORM when no platform is given (../buildkit/platforms.ts).
  const platforms =
    options.platforms !== undefined && options.platforms.length > 0 ? options.platforms : [DEFAULT_PLATFORM];
  const measured = await onePerEngine(options.docker, () =>
    withSecretFiles(options.secrets, async (secretFlags) => {
      const build: BuildOptions = { ...options, secretFlags };
      return (await buildxAvailable(options.docker))
        ? measureWithBuildx(build, platforms, compression, contextHash)
        : measureWithDockerSave(build, platforms, compression, contextHash);
    }),
  );
  const result: ImageSizeEstimateResult = { contextHash, ...measured, cached: false };
  if (cacheFile !== undefined) writeCachedEstimate(cacheFile, result);
  return result;
}

/**
 * Runs `use` with `--secret id=<id>,src=<file>` flags for `secrets`: each value in its own file (mode
 * 0600, created exclusively) in a fresh directory (fs.mkdtemp creates it with mode 0700), removed when
 * `use` settles, whatever happened. buildx reads `src` when the build starts (`--secret` in
 * https://docs.docker.com/reference/cli/docker/buildx/build/#secret). A build failure's message is
 * redacted of the values ({@link redactSecrets}).
 */
export async function withSecretFiles<T>(
  secrets: Readonly<Record<string, string>> | undefined,
  use: (secretFlags: readonly string[]) => Promise<T>,
): Promise<T> {
  const entries = Object.entries(secrets ?? {});
  if (entries.length === 0) return use([]);
  for (const [id] of entries)
    if (id === "" || /[,"\r\n=]/.test(id))
      throw new Error(
        `the secret id ${JSON.stringify(id)} cannot be passed to buildx --secret (no commas, quotes, '=' or line breaks)`,
      );
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "ecr-pipeline-secrets-"));
  try {
    const flags = entries.flatMap(([id, value], index) => {
      const file = path.join(directory, `secret-${index}`);
      fs.writeFileSync(file, value, { mode: 0o600, flag: "wx" });
      return ["--secret", `id=${id},src=${file}`];
    });
    return await use(flags);
  } catch (error) {
    throw redactSecrets(error, secrets);
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

/** `error` with every secret value in its message (and a build error's output tail) replaced by `[secret]`. */
export function redactSecrets(
  error: unknown,
  secrets: Readonly<Record<string, string>> | undefined,
): unknown {
  const values = Object.values(secrets ?? {}).filter((value) => value.length >= 4);
  if (values.length === 0) return error;
  const redact = (text: string) =>
    values.reduce((result, value) => result.split(value).join("[secret]"), text);
  if (error instanceof ImageBuildError)
    return new ImageBuildError(redact(error.message), redact(error.outputTail));
  if (error instanceof Error) {
    const redacted = new Error(redact(error.message));
    redacted.name = error.name;
    return redacted;
  }
  return new Error(redact(String(error)));
}

/**
 * Estimates measure one at a time per engine (per docker CLI and DOCKER_HOST) in this process: the ten
 * pipelines of one program are checked by one dynamic-provider process, all at once. Concurrent builds
 * of the same step (two pipelines sharing a COPY of the same file) each make a snapshot under the same
 * cache key, and the two exports of one estimate (compressed, then uncompressed, matched by diff ID)
 * could then read different ones: a layer without its uncompressed size
 * (test/integration/estimate-concurrency.test.ts saw it). On 2 cores the builds gain nothing from
 * running side by side either (docs/BENCHMARKS.md, "Ten services in one preview"). Estimates in other
 * processes on the same engine are not ordered by this.
 */
const engineQueues = new Map<string, Promise<unknown>>();

function onePerEngine<T>(invocation: DockerInvocation | undefined, measure: () => Promise<T>): Promise<T> {
  const env = invocation?.env ?? process.env;
  const key = `${resolveDockerCommand(invocation)}\u0000${env.DOCKER_HOST ?? ""}\u0000${env.DOCKER_CONTEXT ?? ""}`;
  const previous = engineQueues.get(key) ?? Promise.resolve();
  const next = previous.then(measure, measure);
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  engineQueues.set(key, settled);
  void settled.then(() => {
    if (engineQueues.get(key) === settled) engineQueues.delete(key);
  });
  return next;
}

/**
 * The `--output` attributes that give the OCI layout the layers the push uploads: the compression
 * fields the component sends on its registry export (../buildkit/compression.ts `compressionInputs`), written as
 * pulumi-docker-build writes them (export.go `ExportWithCompression.String()`), plus OCI media types for
 * zstd as the component sets them. `type=oci` uses OCI media types anyway; a media type changes the
 * manifest, never a layer blob's bytes.
 */
export function ociExportAttributes(compression: LayerCompression): string[] {
  const attributes = compressionAttributes(compression);
  if (compression === "zstd") attributes.push("oci-mediatypes=true");
  return attributes;
}

async function buildxAvailable(invocation: DockerInvocation | undefined): Promise<boolean> {
  const result = await runDocker(["buildx", "version"], invocation, { timeoutMs: 10_000 }).catch(
    () => undefined,
  );
  return result !== undefined && result.exitCode === 0;
}

async function measureWithBuildx(
  options: BuildOptions,
  platforms: readonly string[],
  compression: LayerCompression,
  contextHash: string,
): Promise<Omit<ImageSizeEstimateResult, "contextHash" | "cached">> {
  const attributes = ociExportAttributes(compression);
  const compressed = await exportOciLayout(options, platforms, attributes);
  // Uncompressed sizes: the same build exported uncompressed (cached by BuildKit by now). An
  // uncompressed layer blob's digest IS the layer's diff_id, so the sizes match up by digest.
  const uncompressed = await exportOciLayout(options, platforms, [
    "compression=uncompressed",
    "force-compression=true",
  ]);
  const base = await exportBaseLayout(options, platforms, attributes);
  const perPlatform = platforms.map((platform): PlatformSizeEstimate => {
    const image = compressed.images.find((candidate) => samePlatform(candidate.platform, platform));
    if (image === undefined)
      throw new Error(
        `the build exported no ${platform} image (got ${compressed.images.map((i) => i.platform).join(", ")})`,
      );
    const history = (image.config.history ?? []).filter((entry) => entry.empty_layer !== true);
    const layers = image.layers.map((layer, index): EstimatedLayer => ({
      createdBy: history[index]?.created_by ?? "",
      digest: layer.digest,
      compressedBytes: layer.size,
      uncompressedBytes: layer.diffId === undefined ? 0 : (uncompressed.blobSizes.get(layer.diffId) ?? 0),
    }));
    const measured: PlatformSizeEstimate = {
      platform,
      sizeBytes: sum(layers.map((layer) => layer.compressedBytes)),
      uncompressedBytes: sum(layers.map((layer) => layer.uncompressedBytes)),
      layers,
    };
    if (base === "scratch") measured.baseLayerCount = 0;
    else if (base !== undefined) {
      const baseImage = base.images.find((candidate) => samePlatform(candidate.platform, platform));
      if (baseImage !== undefined)
        measured.baseLayerCount = sharedPrefixLength(
          image.layers.map((layer) => layer.digest),
          baseImage.layers.map((layer) => layer.digest),
        );
    }
    return measured;
  });
  const distinct = new Map<string, { compressed: number; uncompressed: number }>();
  for (const platform of perPlatform) {
    for (const layer of platform.layers)
      distinct.set(layer.digest ?? "", {
        compressed: layer.compressedBytes,
        uncompressed: layer.uncompressedBytes,
      });
  }
  const storedBytes = sum([...distinct.values()].map((layer) => layer.compressed));
  const largest = perPlatform.reduce<PlatformSizeEstimate | undefined>(
    (max, platform) => (max === undefined || platform.sizeBytes > max.sizeBytes ? platform : max),
    undefined,
  );
  const shared = sum(perPlatform.map((platform) => platform.sizeBytes)) - storedBytes;
  const each = perPlatform.map(
    (platform) => `${platform.platform} ${platform.sizeBytes.toLocaleString("en-US")} B`,
  );
  const cache =
    options.cache === true
      ? await measureCacheExport(options, platforms, attributes, compression)
      : undefined;
  const cacheBlobs = cache?.blobs;
  const result: Omit<ImageSizeEstimateResult, "contextHash" | "cached"> = {
    sizeBytes: largest?.sizeBytes ?? 0,
    uncompressedBytes: largest?.uncompressedBytes ?? 0,
    storedBytes,
    layers: perPlatform[0]?.layers ?? [],
    platforms: perPlatform,
    note:
      `local build of ${contextHash.slice(0, 16)} exported as pushed (${compression}): ${each.join(", ")}` +
      (perPlatform.length > 1
        ? `; size is the largest platform (as ECR sizes an index); ${distinct.size} distinct layers, ${shared.toLocaleString("en-US")} B shared`
        : "") +
      (cacheBlobs === undefined
        ? ""
        : `; registry cache ${cacheBlobs.length} blobs, ${sum(cacheBlobs.map((blob) => blob.bytes)).toLocaleString("en-US")} B` +
          (cache !== undefined && cache.variants > 0
            ? ` (${cache.variants} other-compression variants this engine holds left out)`
            : "")),
  };
  if (cacheBlobs !== undefined) result.cacheBlobs = cacheBlobs;
  return result;
}

/** The Dockerfile's text, or undefined when it cannot be read (the base layers are then not counted). */
function dockerfileText(options: BuildOptions): string | undefined {
  if (options.dockerfileInline !== undefined) return options.dockerfileInline;
  try {
    return fs.readFileSync(options.dockerfile ?? path.join(options.context, "Dockerfile"), "utf8");
  } catch {
    return undefined;
  }
}

/**
 * The final stage's base built alone (./base-layers.ts `finalStageBaseDockerfile`) with the same
 * platforms and export attributes, so its layers are the same blobs as the image's bottom layers.
 * `scratch` for a base without layers; undefined for a Dockerfile that cannot be read or parsed.
 */
async function exportBaseLayout(
  options: BuildOptions,
  platforms: readonly string[],
  attributes: string[],
): Promise<OciLayout | "scratch" | undefined> {
  const text = dockerfileText(options);
  if (text === undefined) return undefined;
  let base: string | undefined;
  try {
    base = finalStageBaseDockerfile(text, options.target);
  } catch {
    return undefined;
  }
  if (base === undefined) return "scratch";
  return exportOciLayout(
    { ...options, dockerfile: undefined, dockerfileInline: base, target: undefined },
    platforms,
    attributes,
  );
}

/**
 * The registry cache the component writes, measured locally: per platform (the component builds one
 * cache per platform, components/image.ts), the same build with `--output type=cacheonly` and
 * `--cache-to type=local,dest=<tmp>,mode=max,image-manifest=true,oci-mediatypes=true` plus the push's
 * compression attributes (the component's cacheTo sends the same fields, ../buildkit/compression.ts). The local
 * cache's manifest lists the blobs a registry cache export pushes (test/integration/cache-export.test.ts
 * compares the two on a real registry).
 *
 * Per layer, only the blobs of the push's compression are kept when there are any (a layer held only in
 * another compression is kept as that, ./image-tar.ts `pushedCacheVariants`), and the note counts the
 * variants left out. With force-compression, which the component sends for gzip and zstd alike
 * (../buildkit/compression.ts), BuildKit lists one variant per layer and nothing is left out. Without it (the
 * component sent no gzip fields before) a cache export added every variant the engine's content store
 * held, and which ones differed between two exports a minute apart on the shared engine here
 * (2026-11-30: a 230,819,840 B `tar` blob in one, not in the other); the filter keeps the measurement
 * right should an engine do that again.
 */
/** Layer media types of each compression (OCI and Docker v2 names). */
const CACHE_LAYER_TYPE: Record<LayerCompression, RegExp> = {
  gzip: /(\.tar\+gzip|\.tar\.gzip)$/,
  zstd: /\.tar\+zstd$/,
};

async function measureCacheExport(
  options: BuildOptions,
  platforms: readonly string[],
  attributes: string[],
  compression: LayerCompression,
): Promise<{ blobs: CacheBlob[]; variants: number }> {
  const lists: ReturnType<typeof cacheManifestBlobs>[] = [];
  for (const platform of platforms) {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "ecr-pipeline-cache-"));
    try {
      const cacheTo = [
        "type=local",
        `dest=${directory}`,
        "mode=max",
        "image-manifest=true",
        "oci-mediatypes=true",
        ...attributes.filter((attribute) => attribute !== "oci-mediatypes=true"),
      ].join(",");
      await runBuild(options, [platform], ["--output", "type=cacheonly", "--cache-to", cacheTo]);
      const index = JSON.parse(fs.readFileSync(path.join(directory, "index.json"), "utf8")) as {
        manifests?: Array<{ digest: string }>;
      };
      for (const descriptor of index.manifests ?? []) {
        const [algorithm, hex] = descriptor.digest.split(":");
        const manifest: unknown = JSON.parse(
          fs.readFileSync(path.join(directory, "blobs", algorithm ?? "sha256", hex ?? ""), "utf8"),
        );
        lists.push(cacheManifestBlobs(manifest));
      }
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  }
  const distinct = new Map<string, (typeof lists)[number][number]>();
  for (const blob of lists.flat()) if (!distinct.has(blob.digest)) distinct.set(blob.digest, blob);
  const { kept, dropped } = pushedCacheVariants([...distinct.values()], CACHE_LAYER_TYPE[compression]);
  return {
    blobs: kept.map(({ digest, bytes, mediaType }): CacheBlob => ({ digest, bytes, mediaType })),
    variants: dropped,
  };
}

/** `docker buildx build` of the estimate's build with `extraArgs` (outputs), output discarded. */
async function runBuild(
  options: BuildOptions,
  platforms: readonly string[],
  extraArgs: string[],
): Promise<void> {
  await withDockerfile(options, async (dockerfile) => {
    const docker = startDocker(buildxArgs(options, platforms, dockerfile, extraArgs), options.docker, {
      onStderrLine: options.onProgress,
      maxStderrChars: 256 * 1024,
    });
    docker.stdout.resume();
    const exitCode = await docker.exited;
    if (exitCode !== 0) {
      const reason = buildFailureReason(docker.stderr());
      throw new ImageBuildError(`docker buildx build failed (exit ${exitCode}):\n${reason}`, reason);
    }
  });
}

function buildxArgs(
  options: BuildOptions,
  platforms: readonly string[],
  dockerfile: string | undefined,
  outputArgs: string[],
): string[] {
  const args = ["buildx", "build", "--progress", "plain", "--provenance=false"];
  args.push("--network", options.network ?? "host", "--platform", platforms.join(","));
  args.push(...outputArgs);
  if (dockerfile !== undefined) args.push("--file", path.resolve(dockerfile));
  if (options.target !== undefined) args.push("--target", options.target);
  for (const [name, value] of Object.entries(options.buildArgs ?? {}))
    args.push("--build-arg", `${name}=${value}`);
  args.push(...(options.secretFlags ?? []));
  args.push(path.resolve(options.context));
  return args;
}

function samePlatform(measured: string, requested: string): boolean {
  // `linux/arm64` may come back as `linux/arm64/v8`; `linux/amd64` never has a variant here.
  return (
    measured === requested || measured.startsWith(`${requested}/`) || requested.startsWith(`${measured}/`)
  );
}

/**
 * `docker buildx build --output type=oci,dest=-,<attributes>` with the build's context, Dockerfile,
 * target, build args and platforms, streamed into {@link measureOciLayout}: nothing is written to disk
 * or kept in the image store. Provenance is off as the component's builds have it
 * (pulumi-docker-build client.go `Attests: {"provenance": nil}`).
 */
async function exportOciLayout(
  options: BuildOptions,
  platforms: readonly string[],
  attributes: string[],
): Promise<OciLayout> {
  return withDockerfile(options, async (dockerfile) => {
    const args = buildxArgs(options, platforms, dockerfile, [
      "--output",
      ["type=oci", "dest=-", ...attributes].join(","),
    ]);
    // Through startDocker (./docker-cli.ts), as every docker call here: the CLI runs buildx as a
    // plugin process (docker/cli cli-plugins/manager), and only a kill of the whole process group, on
    // the timeout or the estimate's abort signal, stops both.
    const docker = startDocker(args, options.docker, {
      onStderrLine: options.onProgress,
      maxStderrChars: 256 * 1024,
    });
    let stoppedUnread = false;
    const layout = measureOciLayout(docker.stdout);
    layout.catch(() => {
      // A failed build writes no layout: the stream ends empty, the exit code and stderr say why. A
      // layout that cannot be read before its end leaves buildx blocked writing to the pipe: stop it.
      if (docker.stdout.readableEnded) return;
      stoppedUnread = true;
      docker.kill();
    });
    const exitCode = await docker.exited;
    if (exitCode !== 0 && !stoppedUnread) {
      const reason = buildFailureReason(docker.stderr());
      throw new ImageBuildError(`docker buildx build failed (exit ${exitCode}):\n${reason}`, reason);
    }
    return layout;
  });
}

/**
 * The part of a failed build's `--progress plain` output that says why, for the note: the summary
 * buildx prints after the progress log, without the progress log itself (`#N …` lines, which hold
 * every step's output and the cache and transfer noise). That summary is, in order: for each failed
 * step a `------` / ` > [2/2] RUN …:` / its last output lines / `------` block (BuildKit
 * util/progress/progressui `trace.printErrorLogs`), the Dockerfile excerpt around the failing
 * instruction (buildx commands/build.go prints the error's source, BuildKit solver/errdefs
 * `Source.Print`) and `ERROR: failed to solve: …`. The separators and the excerpt's other lines are
 * left out (the ` > ` line names the instruction, `>>>` marks it in the excerpt). When the output
 * holds no such summary (the CLI failed before building), its last lines are kept instead.
 */
export function buildFailureReason(output: string, maxLines = 30): string {
  const lines = output.split(/\r?\n/).map((line) => line.trimEnd());
  const summary = lines.filter(
    (line) =>
      line.trim() !== "" &&
      !/^#\d+ /.test(line) && // progress log
      !/^-+$/.test(line) && // separators of the step blocks and of the Dockerfile excerpt
      !/^\s*\d+ \|(?! >>>)/.test(line), // excerpt lines other than the failing instruction's
  );
  const kept = summary.length > 0 ? summary : lines.filter((line) => line.trim() !== "");
  return kept.slice(-maxLines).join("\n");
}

async function withDockerfile<T>(
  options: EstimateImageSizeOptions,
  use: (dockerfile: string | undefined) => Promise<T>,
): Promise<T> {
  if (options.dockerfileInline === undefined) return use(options.dockerfile);
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "ecr-pipeline-dockerfile-"));
  try {
    const dockerfile = path.join(directory, "Dockerfile");
    fs.writeFileSync(dockerfile, options.dockerfileInline);
    return await use(dockerfile);
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * Engines without buildx (Docker 20.10's CLI): a plain `docker build` of one platform, `docker save`d,
 * each layer gzip-compressed here (./image-tar.ts), times the platform count.
 */
async function measureWithDockerSave(
  options: BuildOptions,
  platforms: readonly string[],
  compression: LayerCompression,
  contextHash: string,
): Promise<Omit<ImageSizeEstimateResult, "contextHash" | "cached">> {
  const host = hostPlatform();
  const measuredPlatform = platforms.includes(host) ? host : (platforms[0] ?? host);
  const imageRef = `ecr-pipeline-estimate:${contextHash.slice(0, 16)}-${randomBytes(4).toString("hex")}`;
  await buildImage(options, imageRef, measuredPlatform);
  try {
    const saved = await saveAndMeasure(imageRef, compression, options.docker);
    const layerHistory = (saved.config.history ?? []).filter((entry) => entry.empty_layer !== true);
    const layers = saved.layers.map((layer, index): EstimatedLayer => ({
      createdBy: layerHistory[index]?.created_by ?? "",
      compressedBytes: layer.compressedBytes,
      uncompressedBytes: layer.uncompressedBytes,
    }));
    const measured: PlatformSizeEstimate = {
      platform: measuredPlatform,
      sizeBytes: sum(layers.map((layer) => layer.compressedBytes)),
      uncompressedBytes: sum(layers.map((layer) => layer.uncompressedBytes)),
      layers,
    };
    const others =
      platforms.length > 1
        ? `; measured ${measuredPlatform} only, the other platforms assumed the same size`
        : "";
    return {
      // One platform's manifest: what ECR reports for an index too (the largest platform's).
      sizeBytes: measured.sizeBytes,
      uncompressedBytes: measured.uncompressedBytes,
      layers,
      platforms: [measured],
      note: `local build of ${contextHash.slice(0, 16)} (no buildx: docker save, ${compression}-compressed here): ${layers.length} layers${others}; no layer digests, so storage uses the whole-image model`,
    };
  } finally {
    await runDocker(["image", "rm", "--force", imageRef], options.docker).catch(() => undefined);
  }
}

async function buildImage(
  options: BuildOptions,
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
  args.push(...(options.secretFlags ?? []));
  args.push(path.resolve(options.context));
  try {
    const result = await runDocker(args, options.docker, { onOutputLine: options.onProgress });
    if (result.exitCode !== 0) {
      const reason = buildFailureReason(result.stderr + result.stdout);
      throw new ImageBuildError(`docker build failed (exit ${result.exitCode}):\n${reason}`, reason);
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
  const docker = startDocker(["save", imageRef], invocation);
  try {
    const saved = await measureSavedImage(docker.stdout, { compression });
    const exitCode = await docker.exited;
    if (exitCode !== 0)
      throw new Error(`docker save ${imageRef} failed (exit ${exitCode}): ${docker.stderr().trim()}`);
    return saved;
  } catch (error) {
    docker.kill();
    const exitCode = await docker.exited.catch(() => -1);
    if (exitCode !== 0 && docker.stderr().trim() !== "")
      throw new Error(`docker save ${imageRef} failed: ${docker.stderr().trim()}`);
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
    const { sizeBytes, uncompressedBytes, storedBytes, cacheBlobs, layers, platforms, note } = parsed.result;
    return {
      sizeBytes,
      uncompressedBytes,
      ...(storedBytes === undefined ? {} : { storedBytes }),
      ...(cacheBlobs === undefined ? {} : { cacheBlobs }),
      layers,
      platforms: platforms ?? [],
      note: `${note} (cached)`,
    };
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
