/**
 * The cost glue of EcrImagePipeline: one pipeline's monthly cost from its size, region, lifecycle policy
 * and usage profile. Plain values only; the component lifts it with one `apply`.
 */
import { InvalidInputError } from "../common/errors";
import { imagesPerBuild, STEADY_STATE_LIMITS, steadyStateRetention } from "../lifecycle";
import type { KnownImageSize } from "../common/size-basis";
import { CONTENT_TAG_PREFIX, DEFAULT_CACHE_TAG } from "../common/tags";
import { estimateMonthlyCost } from "./estimate";
import { COST_LIMITS } from "./validate";
import { ecrPricing } from "./pricing";
import { formatCostReport } from "./report";
import {
  distinctBlobs,
  MAX_RETAINED_MANIFESTS,
  steadyStateStorage,
  type MeasuredLayers,
  type SteadyStateStorage,
} from "./storage";
import {
  DAYS_PER_MONTH,
  type CostEstimate,
  type PullDateRescanDuration,
  type PullDateRescanMode,
  type ReplicaRetention,
  type ScanFrequency,
  type ScanningMode,
  type ScanningSource,
} from "./types";
import type { UsageProfile } from "./usage";

export { DAYS_PER_MONTH };

/** Region code whose rates price a region that has no rate card (only for a region known at apply time). */
export const FALLBACK_PRICING_REGION = "us-east-1";

/** Region codes that have a rate card (./pricing.ts), sorted. */
export const PRICED_REGIONS: readonly string[] = Object.keys(ecrPricing).sort();

export function hasRateCard(region: string): boolean {
  return Object.prototype.hasOwnProperty.call(ecrPricing, region);
}

/** More platforms than any image has (ECR and BuildKit know a few dozen os/architecture pairs). */
export const MAX_PLATFORMS = 64;

export interface CostForInput {
  size: KnownImageSize;
  region: string;
  /** The lifecycle policy JSON the repository applies. */
  policy: string;
  usage: UsageProfile;
  scanningMode: ScanningMode;
  /** Platforms in the image: how many images a build pushes, each stored. Default 1. */
  platforms?: number;
  /**
   * The measured layer structure (the local estimate's `platformLayers`, cache blobs and renewed
   * layers, from the same build or, for the `ecr` basis, from the state of the deployed one). Without
   * it storage falls back to the whole-image model and the report says so.
   */
  layers?: MeasuredLayers;
  /** The registry cache's tag, whose superseded manifests the untagged rule keeps. Default `buildcache`. */
  cacheTag?: string;
  /**
   * Where the enhanced scanning configuration comes from and what it says (issue 18: rescans are priced only
   * when this stack's configuration or a usage setting for the account says continuous). Default: the
   * account's, declared by the usage settings (`rescansPerMonth` above 0 declares continuous scanning).
   */
  scanning?: {
    source?: ScanningSource;
    frequency?: ScanFrequency;
    pullDateRescanDuration?: PullDateRescanDuration;
    pullDateRescanMode?: PullDateRescanMode;
  };
  /** How the replicas in `usage.replicationRegions` are kept. Default `none` (no lifecycle policy on them). */
  replicaRetention?: ReplicaRetention;
  /** Months an unbounded replica is priced after. Default 12. */
  replicaHorizonMonths?: number;
  /** Images restored from the archive class per month (only with an archiving policy). Default 0. */
  archiveRestoresPerMonth?: number;
  /** Bytes of the base images this pipeline pulls through a pull-through cache rule. Default 0. */
  pullThroughCacheBytes?: number;
}

export interface PipelineCost {
  estimate: CostEstimate;
  report: string;
  /** Stored bytes at steady state line by line; undefined on the whole-image model (no layers known). */
  storage: SteadyStateStorage | undefined;
  /**
   * Compressed bytes one push uploads as new blobs (the renewed layers of every platform); on the
   * whole-image model, every platform's whole image. What a node that keeps layers pulls per new build.
   */
  renewedBytesPerPush: number;
}

/** Bytes one pull moves under `pullBytes`, and a note when the choice could not be honoured. */
export function bytesPerPullFor(
  pullBytes: UsageProfile["pullBytes"],
  imageBytes: number,
  platforms: number,
  renewedBytesPerPush: number | undefined,
): { bytes: number; note?: string } {
  // `imageBytes` is one platform's image (ECR's imageSizeInBytes of an index is its largest manifest).
  const wholeImage = imageBytes;
  if (pullBytes !== "renewedLayers") return { bytes: wholeImage };
  if (
    renewedBytesPerPush !== undefined &&
    (!Number.isFinite(renewedBytesPerPush) || renewedBytesPerPush < 0)
  ) {
    throw new InvalidInputError(
      "renewedBytesPerPush",
      `renewedBytesPerPush must be a finite number of bytes >= 0, got ${String(renewedBytesPerPush)}`,
    );
  }
  if (renewedBytesPerPush === undefined) {
    return {
      bytes: wholeImage,
      note: 'pullBytes "renewedLayers": no measurement of the layers a push renews yet, so each pull is priced as the whole image',
    };
  }
  // A node already holding the previous image downloads only the layers it lacks, one platform's worth.
  return { bytes: Math.min(renewedBytesPerPush / platforms, wholeImage) };
}

/**
 * Monthly cost of one pipeline: retention from the lifecycle policy's steady state under the push
 * cadence, then the cost model. Storage comes from layers when they were measured
 * (./storage.ts `steadyStateStorage`): the current image and cache once, each further kept build's
 * renewed layers, and each superseded cache manifest the untagged rule still keeps (from the steady
 * state of the cache tag's pushes) with its renewed cache-only blobs. Without layers (basis `budget`,
 * or an `ecr` size with no measurement in state) it is the whole-image model: every platform's whole
 * image per kept build, a cache as big as the image, and the report says so.
 *
 * `size.bytes` is one platform's image (ECR's `imageSizeInBytes` of an index is the largest platform
 * manifest, and the local estimate reports the same), so it is also what one pull moves.
 *
 * A region without a rate card reaches here only from the AWS provider (a plain `costRegion` is rejected
 * before registration, ../settings/cost.ts): it is priced with {@link FALLBACK_PRICING_REGION}'s rates and the
 * report's title says so, so a preview never fails for a region the price list lacks.
 */
export function costFor(input: CostForInput): PipelineCost {
  const { size, usage } = input;
  const priced = hasRateCard(input.region);
  const region = priced ? input.region : FALLBACK_PRICING_REGION;
  // A multi-platform build pushes an index plus one `ctx-…-<arch>` image per platform, and the repository's
  // keep rule counts them all (EcrRepository `platformsPerImage`): replay that many tagged pushes per
  // build, then count whole builds.
  const platforms = input.platforms ?? 1;
  if (!Number.isInteger(platforms) || platforms < 1 || platforms > MAX_PLATFORMS) {
    throw new InvalidInputError(
      "platforms",
      `platforms is ${platforms}: the platforms of one image are a whole number from 1 to ${MAX_PLATFORMS}`,
    );
  }
  const buildImages = imagesPerBuild(platforms);
  // Checked here, under the caller's key: the retention replay below counts image pushes, and past its
  // limit it would name its own key (pushesPerDay[0].perDay) instead.
  if (!(usage.pushesPerDay * buildImages <= STEADY_STATE_LIMITS.pushesPerDay)) {
    throw new InvalidInputError(
      "pushesPerDay",
      `pushesPerDay is ${usage.pushesPerDay}: a build of ${platforms} platform(s) pushes ${buildImages} image(s), and at most ${STEADY_STATE_LIMITS.pushesPerDay} image pushes a day are modelled`,
    );
  }
  // The deployed build is the newest one (the pipeline promotes each build it pushes), already among the
  // pushes the replay keeps: counted once, not again as an older protected image (issue 18).
  const retention = steadyStateRetention(input.policy, {
    pushesPerDay: [
      { tag: `${CONTENT_TAG_PREFIX}0000000000000000`, perDay: usage.pushesPerDay * buildImages },
    ],
    deployedImages: 0,
    imageBytes: size.bytes,
  });
  // At most the images a repository can hold (see layerStorage below).
  const retainedBuilds = Math.min(
    MAX_RETAINED_MANIFESTS,
    Math.max(1, Math.ceil(retention.retainedImages / buildImages)),
  );
  // The cost model prices at most COST_LIMITS.bytes (1 PiB) per figure; checked here under this
  // function's own keys, since estimateMonthlyCost would name its derived ones (imageBytes, cacheBytes).
  if (!(size.bytes * platforms <= COST_LIMITS.bytes)) {
    throw new InvalidInputError(
      "size.bytes",
      `size.bytes is ${size.bytes}: x ${platforms} platform(s) it must stay within the ${COST_LIMITS.bytes} bytes (1 PiB) the cost model prices`,
    );
  }
  const storage = input.layers === undefined ? undefined : layerStorage(input, retainedBuilds);
  if (storage !== undefined && !(storage.bytes <= COST_LIMITS.bytes)) {
    throw new InvalidInputError(
      "layers",
      `the measured layers add up to ${storage.bytes} bytes stored, more than the ${COST_LIMITS.bytes} bytes (1 PiB) the cost model prices`,
    );
  }
  const renewedBytesPerPush =
    input.layers === undefined ? size.bytes * platforms : bytesOf(input.layers.renewed);
  const pull = bytesPerPullFor(
    usage.pullBytes,
    size.bytes,
    platforms,
    input.layers === undefined ? undefined : renewedBytesPerPush,
  );
  const common = {
    region,
    retainedImages: retainedBuilds,
    pushesPerMonth: usage.pushesPerDay * DAYS_PER_MONTH,
    pulls: {
      sameRegion: usage.pullsPerMonthSameRegion,
      viaInterfaceEndpoint: usage.pullsPerMonthViaInterfaceEndpoint,
      viaNat: usage.pullsPerMonthViaNat,
      crossRegion: usage.pullsPerMonthCrossRegion,
      internet: usage.pullsPerMonthInternet,
    },
    bytesPerPull: pull.bytes,
    scanning: {
      mode: input.scanningMode,
      ...input.scanning,
      rescansPerMonth: usage.rescansPerMonth,
      rescanDuration: usage.rescanDuration,
      // Inspector scans image manifests, one per platform, not the index that joins them.
      imagesPerPush: platforms,
    },
    replicationRegions: usage.replicationRegions,
    applyFreeTier: usage.applyFreeTier,
    ...(input.replicaRetention === undefined ? {} : { replicaRetention: input.replicaRetention }),
    ...(input.replicaHorizonMonths === undefined ? {} : { replicaHorizonMonths: input.replicaHorizonMonths }),
    ...(input.pullThroughCacheBytes === undefined
      ? {}
      : { pullThroughCacheBytes: input.pullThroughCacheBytes }),
  };
  // Archived builds: what the policy's transition rules keep in the archive class (each build's renewed
  // layers; on the whole-image model, every platform's whole image).
  const archivedBuilds = retention.archivedImages / buildImages;
  const archive =
    retention.archivedImages === 0 && (input.archiveRestoresPerMonth ?? 0) === 0
      ? undefined
      : {
          archivedBytes:
            storage === undefined
              ? Math.min(archivedBuilds, retainedBuilds - 1) * size.bytes * platforms
              : Math.min(
                  archivedBuilds * renewedBytesPerPush,
                  storage.lines.find((each) => each.key === "older builds")?.bytes ?? 0,
                ),
          daysInArchive: archiveExpiryDays(input.policy),
          restoresPerMonth: input.archiveRestoresPerMonth ?? 0,
          bytesPerRestore: size.bytes * platforms,
        };
  const estimate =
    storage === undefined
      ? estimateMonthlyCost({
          ...common,
          // Whole-image model: every platform's image stored whole, every build differing in all bytes.
          imageBytes: size.bytes * platforms,
          cacheBytes: size.bytes * platforms,
          // Each push replicates every platform's image and a whole new cache (an upper bound: no layers known).
          replicatedBytesPerPush: 2 * size.bytes * platforms,
          ...(archive === undefined ? {} : { archive }),
        })
      : estimateMonthlyCost({
          ...common,
          ...storageAssumptions(storage, size.bytes, renewedBytesPerPush, input.layers as MeasuredLayers),
          ...(archive === undefined ? {} : { archive }),
        });
  const title = priced
    ? undefined
    : `ECR monthly cost estimate: ${input.region}, priced with ${region} rates (no rate card for ${input.region} in ecrPricing; see docs/PRICING.md)`;
  const storageNote =
    storage === undefined
      ? "; storage: no layers measured, so the whole-image model (every kept build stores every platform's whole image, the cache as big as the image)"
      : "; storage from measured layers (shared layers and cache blobs stored once)";
  const report = formatCostReport(estimate, {
    basis: size.basis,
    basisNote: `${size.note}${storageNote}`,
    title,
    notes: pull.note === undefined ? [] : [pull.note],
  });
  return { estimate, report, storage, renewedBytesPerPush };
}

function bytesOf(blobs: readonly { bytes: number }[]): number {
  return blobs.reduce((total, blob) => total + blob.bytes, 0);
}

/**
 * The steady-state storage from layers. Superseded cache manifests: each push moves the cache tag
 * (one per platform, `<cacheTag>-<arch>`, moved together), leaving the previous cache manifest
 * untagged; the policy's untagged rule decides how many stay, replayed by steadyStateRetention on a
 * moving-tag stream of the cache tag alone. The current cache manifest (tagged, selected by no preset
 * rule) is the one not counted.
 */
function layerStorage(input: CostForInput, retainedBuilds: number): SteadyStateStorage {
  const layers = input.layers as MeasuredLayers;
  let supersededCaches = 0;
  if (layers.cache.length > 0) {
    const caches = steadyStateRetention(input.policy, {
      pushesPerDay: [
        { tag: input.cacheTag ?? DEFAULT_CACHE_TAG, perDay: input.usage.pushesPerDay, moving: true },
      ],
      deployedImages: 0,
      imageBytes: 1,
    });
    // A repository holds at most MAX_RETAINED_MANIFESTS images (ECR's images-per-repository quota, as
    // components/lifecycle/simulate.ts MAX_SIMULATED_IMAGES): at absurd push rates the replay's count
    // would pass it, and steadyStateStorage would reject it under a key the caller never wrote.
    supersededCaches = Math.min(MAX_RETAINED_MANIFESTS, Math.max(0, caches.retainedImages - 1));
  }
  return steadyStateStorage({
    image: distinctBlobs(layers.platforms.map((platform) => platform.layers)),
    renewed: layers.renewed,
    cache: layers.cache,
    cacheRenewed: layers.cacheRenewed,
    retainedBuilds,
    retainedSupersededCaches: supersededCaches,
  });
}

/**
 * CostEstimateInput fields of the layer model: one platform's image, what a push renews (what replication
 * transfers per push), the registry cache's own blobs (the cache and superseded-cache lines), and the
 * storage itself, whose total is the estimate's `storedBytes`.
 */
function storageAssumptions(
  storage: SteadyStateStorage,
  imageBytes: number,
  renewedBytesPerPush: number,
  layers: MeasuredLayers,
) {
  const cacheKeys = new Set(["cache", "superseded caches"]);
  const lineBytes = (key: string) => storage.lines.find((line) => line.key === key)?.bytes ?? 0;
  // The cache is pushed to the same repository, so a replication filter that matches the repository
  // replicates it too: each push sends every platform's renewed layers and the cache blobs it renews
  // (those not already image layers).
  const renewedDigests = new Set(layers.renewed.map((blob) => blob.digest));
  const cacheRenewedBytes = distinctBlobs([layers.cacheRenewed])
    .filter((blob) => !renewedDigests.has(blob.digest))
    .reduce((total, blob) => total + blob.bytes, 0);
  return {
    imageBytes,
    uniqueBytesPerImage: Math.min(renewedBytesPerPush, imageBytes),
    cacheBytes: storage.lines
      .filter((line) => line.key !== undefined && cacheKeys.has(line.key))
      .reduce((total, line) => total + line.bytes, 0),
    replicatedBytesPerPush: renewedBytesPerPush + cacheRenewedBytes,
    replicaInitialBytes: lineBytes("image") + lineBytes("cache"),
    storage,
  };
}

/**
 * Days an archived image stays before the policy expires it: the `countNumber` of an `expire` rule that
 * selects the archive class by `sinceImageTransitioned`; undefined when none does.
 */
export function archiveExpiryDays(policy: string): number | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    return undefined;
  }
  const rules = (parsed as { rules?: unknown }).rules;
  if (!Array.isArray(rules)) return undefined;
  const days = rules.flatMap((rule: unknown) => {
    const { selection, action } = (rule ?? {}) as {
      selection?: { storageClass?: unknown; countType?: unknown; countNumber?: unknown };
      action?: { type?: unknown };
    };
    return selection?.storageClass === "archive" &&
      selection.countType === "sinceImageTransitioned" &&
      action?.type === "expire" &&
      typeof selection.countNumber === "number"
      ? [selection.countNumber]
      : [];
  });
  return days.length === 0 ? undefined : Math.min(...days);
}
