/**
 * What the ImageSizeEstimate dynamic provider does, as plain functions (no Pulumi import), so it is
 * unit-testable and so the serialized provider only captures a module path (./estimate-resource.ts).
 *
 * Why the measuring happens in `check`, not `create` — verified in the Pulumi sources:
 * - @pulumi/pulumi 3.248 `cmd/dynamic-provider/index.js` `check()` calls the provider's `check(olds,
 *   news)` and returns `result.inputs` as the checked inputs. The engine calls Check in previews too.
 * - The dynamic provider's `configure()` never sets `supportsPreview`, so in a preview
 *   pulumi/pulumi `pkg/resource/plugin/provider_plugin.go` `Create`/`Update` return early with
 *   `Properties: req.Properties` / `req.NewInputs` — the checked inputs become the previewed outputs.
 *   `pkg/resource/deploy/step.go` `CreateStep.Apply` passes `s.new.Inputs` (the Check result) there.
 * So whatever `check` returns is known in `pulumi preview` for a create or an update; for an
 * unchanged resource (diff: no changes) the outputs in the state are reused.
 */
import { estimateImageSize, redactSecrets, type ImageSizeEstimateResult } from "./local-estimate";
import { renewalOf, type PlatformLayers, type StoredBlob } from "../cost/storage";
import type { LayerCompression } from "../common/enums";

/** Pulumi's wire sentinel for an unknown value (@pulumi/pulumi runtime/rpc.js `unknownValue`). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface EstimateInputs {
  context: string;
  dockerfile?: string;
  target?: string;
  buildArgs?: Record<string, string>;
  platforms?: string[];
  compression?: LayerCompression;
  contextHash: string;
  /** Directory of cached estimates; default ~/.cache/ecr-pipeline/size-estimates. */
  cacheDir?: string;
  /** Give up measuring after this many seconds (the preview goes on with basis `budget`). Default {@link DEFAULT_ESTIMATE_TIMEOUT_SECONDS}. */
  timeoutSeconds?: number;
  /** The pipeline writes a registry cache: measure its export too (local-estimate.ts `cache`). */
  cache?: boolean;
  /**
   * The image's build secrets by id (local-estimate.ts `secrets`). The engine hands them to this
   * dynamic provider as plain values (its `configure` answers `acceptSecrets: false`, @pulumi/pulumi
   * cmd/dynamic-provider/index.js) and marks the `secrets` key of what check, create and update return
   * secret again because the inputs it sent had it secret (pulumi/pulumi pkg/resource/plugin/
   * provider_plugin.go `annotateSecrets`, called for Check, Create and Update): so they are kept under
   * this key only, and no note ever holds a value.
   */
  secrets?: Record<string, string>;
}

/**
 * How long a preview waits for the local build it measures: 10 minutes, longer than a cold build of the
 * sample app on a shared CI runner (docs/BENCHMARKS.md), short enough that a hung build (a RUN waiting
 * on the network) never hangs `pulumi preview`. The docker CLI's process group is killed then.
 */
export const DEFAULT_ESTIMATE_TIMEOUT_SECONDS = 600;

/** Longest note a failure leaves (the end of the build output holds the reason). */
export const MAX_NOTE_CHARS = 1200;

/** A failure as a one-line note that keeps its reason: all lines joined, the end kept when too long. */
export function failureNote(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error))
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .join(" | ");
  const prefix = "size estimate failed: ";
  const room = MAX_NOTE_CHARS - prefix.length;
  return prefix + (text.length <= room ? text : `…${text.slice(text.length - room + 1)}`);
}

/** The measured part. A key is absent (not undefined: protobuf Structs cannot hold undefined) when unknown. */
export interface EstimateOutputs {
  sizeBytes?: number;
  uncompressedBytes?: number;
  layers: Array<{ createdBy: string; compressedBytes: number; uncompressedBytes: number }>;
  /** Each platform's compressed and uncompressed bytes (local-estimate.ts `platforms`, layers left out). */
  platformSizes?: Array<{ platform: string; sizeBytes: number; uncompressedBytes: number }>;
  /**
   * Each platform's layers as pushed (digest, compressed bytes) and base layer count: kept in state so
   * the next build's renewed layers are found by digest, and so the `ecr` basis after deploy still
   * prices storage from layers. Absent without digests (the `docker save` fallback).
   */
  platformLayers?: PlatformLayers[];
  /** Compressed bytes of every platform's distinct layers. */
  storedBytes?: number;
  /** Blobs of the registry cache export, when `cache` was measured. */
  cacheBlobs?: StoredBlob[];
  /** Image layers a push of this build renews against the previous measured build (cost/storage.ts `renewalOf`). */
  renewedLayers?: StoredBlob[];
  /** Cache blobs a push of this build renews. */
  renewedCacheBlobs?: StoredBlob[];
  note: string;
}

export type EstimateState = EstimateInputs & EstimateOutputs;

/** Measures; `signal` is aborted when `timeoutSeconds` ran out, and must stop every docker command then. */
export type Estimator = (inputs: EstimateInputs, signal?: AbortSignal) => Promise<ImageSizeEstimateResult>;

function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN_VALUE) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

function sameBuild(olds: Partial<EstimateState>, news: EstimateInputs): boolean {
  return (
    olds.contextHash === news.contextHash &&
    (olds.compression ?? "gzip") === (news.compression ?? "gzip") &&
    (olds.cache ?? false) === (news.cache ?? false)
  );
}

/**
 * The measured outputs with what a push of them renews against `olds` (the previous measured build of
 * this pipeline, from the state): layers not in it by digest, or above the base on the first build.
 */
export function withRenewal(
  outputs: EstimateOutputs,
  olds: Partial<EstimateState> | undefined,
): EstimateOutputs {
  if (outputs.platformLayers === undefined) return outputs;
  const { renewed, cacheRenewed } = renewalOf(
    { platforms: outputs.platformLayers, cache: outputs.cacheBlobs ?? [] },
    // Values from the state may be null (the provider sends "none" as null, estimate-resource.ts).
    olds === undefined
      ? undefined
      : { platforms: olds.platformLayers ?? undefined, cache: olds.cacheBlobs ?? undefined },
  );
  const result: EstimateOutputs = { ...outputs, renewedLayers: renewed };
  if (outputs.cacheBlobs !== undefined) result.renewedCacheBlobs = cacheRenewed;
  return result;
}

/**
 * The provider's `check`: the inputs plus the measured outputs. Never throws for a missing engine or
 * a failed build — the note says what happened and `sizeBytes` stays absent, so the component falls
 * back to the size budget; docker-build reports a real build error on its own.
 */
export async function checkEstimate(
  olds: Partial<EstimateState> | undefined,
  news: EstimateInputs,
  estimate: Estimator,
): Promise<EstimateState> {
  const inputs: EstimateInputs = pickInputs(news);
  if (containsUnknown(inputs)) {
    // An input only known after apply (e.g. a hash of a generated file): the size is unknown too.
    return {
      ...inputs,
      sizeBytes: UNKNOWN_VALUE,
      uncompressedBytes: UNKNOWN_VALUE,
      layers: UNKNOWN_VALUE,
      note: UNKNOWN_VALUE,
    } as unknown as EstimateState;
  }
  // Same build as the state holds, already measured: reuse it (no engine needed, no spurious diff).
  if (olds !== undefined && sameBuild(olds, inputs) && typeof olds.sizeBytes === "number") {
    return { ...inputs, ...pickOutputs(olds as EstimateState) };
  }
  const timeoutSeconds = inputs.timeoutSeconds ?? DEFAULT_ESTIMATE_TIMEOUT_SECONDS;
  // One deadline for the whole estimate (engine check, both exports): the abort kills whatever docker
  // command runs then, with its process group (docker-cli.ts `startDocker`), and any later one.
  const stopped = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const reason = new Error(
        `no result within ${timeoutSeconds} s (timeoutSeconds); the build was stopped`,
      );
      stopped.abort(reason);
      reject(reason);
    }, timeoutSeconds * 1000);
  });
  try {
    const result = await Promise.race([estimate(inputs, stopped.signal), timedOut]);
    return { ...inputs, ...withRenewal(pickOutputs(result), olds) };
  } catch (error) {
    // local-estimate.ts redacts the build's output already; a timeout's or another error's message too.
    return { ...inputs, layers: [], note: failureNote(redactSecrets(error, inputs.secrets)) };
  } finally {
    clearTimeout(timer);
  }
}

/** The provider's `diff`: a new build (content hash or compression), or a size measured at last. */
export function diffEstimate(olds: Partial<EstimateState>, news: EstimateState): { changes: boolean } {
  const measuredNow = typeof olds.sizeBytes !== "number" && typeof news.sizeBytes === "number";
  return { changes: !sameBuild(olds, news) || measuredNow };
}

function pickInputs(news: EstimateInputs): EstimateInputs {
  const inputs: EstimateInputs = { context: news.context, contextHash: news.contextHash };
  if (news.dockerfile !== undefined) inputs.dockerfile = news.dockerfile;
  if (news.target !== undefined) inputs.target = news.target;
  if (news.buildArgs !== undefined) inputs.buildArgs = news.buildArgs;
  if (news.platforms !== undefined) inputs.platforms = news.platforms;
  if (news.compression !== undefined) inputs.compression = news.compression;
  if (news.cacheDir !== undefined) inputs.cacheDir = news.cacheDir;
  if (news.timeoutSeconds !== undefined) inputs.timeoutSeconds = news.timeoutSeconds;
  if (news.cache !== undefined) inputs.cache = news.cache;
  if (news.secrets !== undefined) inputs.secrets = news.secrets;
  return inputs;
}

type MeasuredPlatform = {
  platform: string;
  sizeBytes: number;
  uncompressedBytes: number;
  layers?: Array<{ digest?: string; compressedBytes: number }>;
  baseLayerCount?: number;
};

function pickOutputs(
  source: Partial<EstimateOutputs> & {
    sizeBytes?: number | undefined;
    storedBytes?: number | undefined;
    platforms?: MeasuredPlatform[] | string[];
  },
): EstimateOutputs {
  // Layers as the registry lists them: `createdBy` and sizes only (digests live in platformLayers).
  const outputs: EstimateOutputs = {
    layers: (source.layers ?? []).map(({ createdBy, compressedBytes, uncompressedBytes }) => ({
      createdBy,
      compressedBytes,
      uncompressedBytes,
    })),
    note: source.note ?? "",
  };
  // From a measurement: local-estimate.ts `platforms`; from the state: `platformSizes` as stored.
  const fromMeasurement = (source.platforms ?? []).filter(
    (entry): entry is MeasuredPlatform => typeof entry !== "string",
  );
  const measured = fromMeasurement.length > 0 ? fromMeasurement : source.platformSizes;
  if (measured !== undefined && measured.length > 0)
    outputs.platformSizes = measured.map(({ platform, sizeBytes, uncompressedBytes }) => ({
      platform,
      sizeBytes,
      uncompressedBytes,
    }));
  const withDigests = fromMeasurement.filter((platform) =>
    (platform.layers ?? []).every((layer) => layer.digest !== undefined),
  );
  if (fromMeasurement.length > 0 && withDigests.length === fromMeasurement.length) {
    outputs.platformLayers = fromMeasurement.map((platform) => {
      const entry: PlatformLayers = {
        platform: platform.platform,
        layers: (platform.layers ?? []).map((layer) => ({
          digest: layer.digest ?? "",
          bytes: layer.compressedBytes,
        })),
      };
      if (platform.baseLayerCount !== undefined) entry.baseLayerCount = platform.baseLayerCount;
      return entry;
    });
  } else if (fromMeasurement.length === 0 && source.platformLayers != null) {
    outputs.platformLayers = source.platformLayers;
  }
  if (typeof source.sizeBytes === "number") outputs.sizeBytes = source.sizeBytes;
  if (typeof source.uncompressedBytes === "number") outputs.uncompressedBytes = source.uncompressedBytes;
  if (typeof source.storedBytes === "number") outputs.storedBytes = source.storedBytes;
  if (source.cacheBlobs != null) outputs.cacheBlobs = source.cacheBlobs;
  if (source.renewedLayers != null) outputs.renewedLayers = source.renewedLayers;
  if (source.renewedCacheBlobs != null) outputs.renewedCacheBlobs = source.renewedCacheBlobs;
  return outputs;
}

/** The real estimator: a local build measured by ./local-estimate.ts. */
export const defaultEstimator: Estimator = (inputs, signal) =>
  estimateImageSize({
    context: inputs.context,
    dockerfile: inputs.dockerfile,
    target: inputs.target,
    buildArgs: inputs.buildArgs,
    platforms: inputs.platforms,
    compression: inputs.compression,
    contextHash: inputs.contextHash,
    cacheDir: inputs.cacheDir,
    cache: inputs.cache,
    secrets: inputs.secrets,
    // `signal`: checkEstimate's deadline for all the docker calls together. `timeoutMs` bounds each call
    // too, for a caller without a signal. Either kills the command's process group.
    docker: { signal, timeoutMs: (inputs.timeoutSeconds ?? DEFAULT_ESTIMATE_TIMEOUT_SECONDS) * 1000 },
  });
