/**
 * Checks an estimate's input and fills in the defaults; the result is echoed back in the estimate so
 * a report can print what the numbers assume.
 */
import { ecrPricing } from "./pricing";
import {
  DAYS_PER_MONTH,
  DEFAULT_REPLICA_HORIZON_MONTHS,
  DEFAULT_RESCAN_DURATION,
  PULL_DATE_RESCAN_DAYS,
  PullDateRescanDuration,
  PullDateRescanMode,
  RESCAN_DURATION_DAYS,
  ReplicaRetention,
  RescanDuration,
  ScanFrequency,
  ScanningSource,
  type CostAssumptions,
  type CostEstimateInput,
  type RegionPricing,
  type ResolvedArchive,
  type ResolvedScanning,
} from "./types";
import { InvalidInputError } from "../common/errors";
import {
  COST_LIMITS,
  describeValue,
  optionalNonNegative,
  optionalOneOf,
  requireNonNegative,
  requireNumberAtLeast,
  validatePricing,
} from "./validate";

/** The caller's override when given, else the region's card in ecrPricing; throws for an unknown region. */
export function pricingFor(
  region: string,
  field: string,
  override: RegionPricing | undefined,
): RegionPricing {
  if (override !== undefined) return override;
  const card = Object.prototype.hasOwnProperty.call(ecrPricing, region) ? ecrPricing[region] : undefined;
  if (card === undefined) {
    throw new InvalidInputError(
      field,
      `${field} ${describeValue(region)} has no rate card in ecrPricing; pass pricing to estimate with your own rates`,
    );
  }
  return card;
}

function requireRegionName(value: unknown, field: string): string {
  if (typeof value === "string" && value.length > COST_LIMITS.regionNameLength) {
    throw new InvalidInputError(
      field,
      `${field} is ${value.length} characters; a region code such as "us-east-1" has at most ${COST_LIMITS.regionNameLength}`,
    );
  }
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidInputError(
      field,
      `${field} must be a non-empty region code such as "us-east-1", got ${describeValue(value)}`,
    );
  }
  return value;
}

/**
 * Builds Amazon Inspector keeps monitoring (and rescanning, with continuous scanning): "Amazon Inspector will
 * continue to monitor and rescan an image as long as it's been last in use on a cluster or pushed within 14
 * days (by default)" (Inspector user guide, "Configuring the Amazon ECR re-scan duration", read 2026-11-30);
 * an account may add a pull-date duration (`pullDateRescanDuration`, counted from the last pull or the last
 * time the image was in use, `pullDateRescanMode`), and an image is monitored while either window holds
 * ("When the number of days since an image was last pushed exceeds the duration configured for image push
 * date, and the duration configured for image pull date, the monitoring state of that image becomes
 * inactive", Inspector API, EcrRescanDurationState).
 *
 * With a push cadence of r builds a day, every build promoted (`deployed-*`) when it is pushed and pulled or
 * in use until the next one replaces it:
 * - pushed within the push-date duration D: r × D builds (every kept build for LIFETIME), the newest among
 *   them;
 * - pulled or in use within the pull-date duration P: the deployed build and those it replaced within P,
 *   r × P + 1; without a pull-date duration only the deployed build, 1 (in use now).
 * Monitored = the larger of the two (the newer set contains the other), never more than the builds kept.
 * The deployed build is the newest push, counted once (issue 18: it was counted again on top of the push
 * window).
 */
export function monitoredBuilds(
  pushesPerMonth: number,
  retainedImages: number,
  rescanDuration: RescanDuration,
  pullDateRescanDuration?: PullDateRescanDuration,
): number {
  const days = RESCAN_DURATION_DAYS[rescanDuration];
  if (days === Infinity) return retainedImages;
  const perDay = pushesPerMonth / DAYS_PER_MONTH;
  const pushedWithin = perDay * days;
  const inUse =
    pullDateRescanDuration === undefined ? 1 : perDay * PULL_DATE_RESCAN_DAYS[pullDateRescanDuration] + 1;
  return Math.min(retainedImages, Math.max(pushedWithin, inUse));
}

/** Checks the input and fills in the defaults. */
export function resolveAssumptions(input: CostEstimateInput): CostAssumptions {
  if (typeof input !== "object" || input === null) {
    throw new InvalidInputError("input", `input must be an object, got ${describeValue(input)}`);
  }
  const region = requireRegionName(input.region, "region");
  const override = input.pricing === undefined ? undefined : validatePricing(input.pricing, "pricing");
  const pricing = pricingFor(region, "region", override);

  const imageBytes = requireNonNegative(input.imageBytes, "imageBytes", COST_LIMITS.bytes);
  const uniqueBytesPerImage = optionalNonNegative(
    input.uniqueBytesPerImage,
    "uniqueBytesPerImage",
    imageBytes,
    COST_LIMITS.bytes,
  );
  if (uniqueBytesPerImage > imageBytes) {
    throw new InvalidInputError(
      "uniqueBytesPerImage",
      `uniqueBytesPerImage must be <= imageBytes (${imageBytes}): a build cannot add more than the whole image, got ${uniqueBytesPerImage}`,
    );
  }
  const retainedImages = requireNumberAtLeast(input.retainedImages, "retainedImages", 1);
  const cacheBytes = optionalNonNegative(input.cacheBytes, "cacheBytes", 0, COST_LIMITS.bytes);
  const pushesPerMonth = requireNonNegative(input.pushesPerMonth, "pushesPerMonth");

  const pullsInput = input.pulls ?? {};
  if (typeof pullsInput !== "object" || pullsInput === null) {
    throw new InvalidInputError("pulls", `pulls must be an object, got ${describeValue(pullsInput)}`);
  }
  const pulls = {
    sameRegion: optionalNonNegative(pullsInput.sameRegion, "pulls.sameRegion", 0),
    viaInterfaceEndpoint: optionalNonNegative(
      pullsInput.viaInterfaceEndpoint,
      "pulls.viaInterfaceEndpoint",
      0,
    ),
    viaNat: optionalNonNegative(pullsInput.viaNat, "pulls.viaNat", 0),
    crossRegion: optionalNonNegative(pullsInput.crossRegion, "pulls.crossRegion", 0),
    internet: optionalNonNegative(pullsInput.internet, "pulls.internet", 0),
  };
  const bytesPerPull = optionalNonNegative(input.bytesPerPull, "bytesPerPull", imageBytes, COST_LIMITS.bytes);

  const scanningInput = input.scanning ?? { mode: "basic" };
  if (typeof scanningInput !== "object" || scanningInput === null) {
    throw new InvalidInputError(
      "scanning",
      `scanning must be an object, got ${describeValue(scanningInput)}`,
    );
  }
  if (scanningInput.mode !== "basic" && scanningInput.mode !== "enhanced") {
    throw new InvalidInputError(
      "scanning.mode",
      `scanning.mode must be "basic" or "enhanced", got ${describeValue(scanningInput.mode)}`,
    );
  }
  const imagesPerPush = optionalNonNegative(scanningInput.imagesPerPush, "scanning.imagesPerPush", 1);
  if (!Number.isInteger(imagesPerPush) || imagesPerPush < 1) {
    throw new InvalidInputError(
      "scanning.imagesPerPush",
      `scanning.imagesPerPush must be a whole number >= 1 (one image manifest per platform), got ${describeValue(imagesPerPush)}`,
    );
  }
  const rescansPerMonth = optionalNonNegative(scanningInput.rescansPerMonth, "scanning.rescansPerMonth", 0);
  const source = optionalOneOf(
    scanningInput.source,
    "scanning.source",
    Object.values(ScanningSource),
    ScanningSource.Account,
    "who configures scanning: this stack, or the account outside it",
  );
  // Issue 18: rescans only when the configuration says so. This stack's configuration must name its
  // frequency (default on push, what it registers unless told otherwise); for an account configured
  // elsewhere, a rescan count above 0 is the declaration that it scans continuously.
  const frequency = optionalOneOf(
    scanningInput.frequency,
    "scanning.frequency",
    Object.values(ScanFrequency),
    source === ScanningSource.Account && rescansPerMonth > 0
      ? ScanFrequency.Continuous
      : ScanFrequency.OnPush,
    "ECR enhanced scanning frequencies",
  );
  const pullDateRescanDuration =
    scanningInput.pullDateRescanDuration === undefined
      ? undefined
      : optionalOneOf(
          scanningInput.pullDateRescanDuration,
          "scanning.pullDateRescanDuration",
          Object.values(PullDateRescanDuration),
          PullDateRescanDuration.Days14,
          "Amazon Inspector's ECR re-scan durations by pull date",
        );
  const scanning: ResolvedScanning = {
    mode: scanningInput.mode,
    source,
    frequency,
    rescansPerMonth,
    ...(pullDateRescanDuration === undefined ? {} : { pullDateRescanDuration }),
    rescanDuration: optionalOneOf(
      scanningInput.rescanDuration,
      "scanning.rescanDuration",
      Object.values(RescanDuration),
      DEFAULT_RESCAN_DURATION,
      "Amazon Inspector's ECR re-scan durations",
    ),
    pullDateRescanMode: optionalOneOf(
      scanningInput.pullDateRescanMode,
      "scanning.pullDateRescanMode",
      Object.values(PullDateRescanMode),
      PullDateRescanMode.LastInUseAt,
      "what Amazon Inspector's pull-date duration counts from",
    ),
    imagesPerPush,
  };

  const replicationInput = input.replicationRegions ?? [];
  if (Array.isArray(replicationInput) && replicationInput.length > COST_LIMITS.replicationRegions) {
    throw new InvalidInputError(
      "replicationRegions",
      `replicationRegions has ${replicationInput.length} entries; the cost model accepts at most ${COST_LIMITS.replicationRegions}`,
    );
  }
  if (!Array.isArray(replicationInput)) {
    throw new InvalidInputError(
      "replicationRegions",
      `replicationRegions must be an array of region codes, got ${describeValue(replicationInput)}`,
    );
  }
  const replicationRegions: string[] = [];
  replicationInput.forEach((destination: unknown, index) => {
    const field = `replicationRegions[${index}]`;
    const name = requireRegionName(destination, field);
    if (name === region)
      throw new InvalidInputError(field, `${field} "${name}" is the repository's own region`);
    if (replicationRegions.includes(name))
      throw new InvalidInputError(field, `${field} "${name}" is listed twice`);
    pricingFor(name, field, override);
    replicationRegions.push(name);
  });

  const replicaRetention = optionalOneOf(
    input.replicaRetention,
    "replicaRetention",
    Object.values(ReplicaRetention),
    ReplicaRetention.None,
    "how a replica is kept: with this repository's lifecycle policy, or without one",
  );
  const replicaHorizonMonths = optionalNonNegative(
    input.replicaHorizonMonths,
    "replicaHorizonMonths",
    DEFAULT_REPLICA_HORIZON_MONTHS,
    COST_LIMITS.horizonMonths,
  );
  if (replicaHorizonMonths < 1) {
    throw new InvalidInputError(
      "replicaHorizonMonths",
      `replicaHorizonMonths must be at least 1 (a month), got ${describeValue(replicaHorizonMonths)}`,
    );
  }
  const replicatedBytesPerPush = optionalNonNegative(
    input.replicatedBytesPerPush,
    "replicatedBytesPerPush",
    uniqueBytesPerImage,
    COST_LIMITS.bytes,
  );
  const replicaInitialBytes = optionalNonNegative(
    input.replicaInitialBytes,
    "replicaInitialBytes",
    imageBytes + cacheBytes,
    COST_LIMITS.bytes,
  );
  const storedBytes =
    input.storage?.bytes ?? imageBytes + (retainedImages - 1) * uniqueBytesPerImage + cacheBytes;
  const archive = resolveArchive(input.archive, storedBytes, imageBytes);
  const pullThroughCacheBytes = optionalNonNegative(
    input.pullThroughCacheBytes,
    "pullThroughCacheBytes",
    0,
    COST_LIMITS.bytes,
  );

  const applyFreeTier = input.applyFreeTier ?? false;
  if (typeof applyFreeTier !== "boolean") {
    throw new InvalidInputError(
      "applyFreeTier",
      `applyFreeTier must be true or false, got ${describeValue(applyFreeTier)}`,
    );
  }

  return {
    region,
    monitoredImages:
      scanning.mode === "enhanced" && scanning.frequency === ScanFrequency.Continuous
        ? monitoredBuilds(
            pushesPerMonth,
            retainedImages,
            scanning.rescanDuration,
            scanning.pullDateRescanDuration,
          ) * imagesPerPush
        : 0,
    imageBytes,
    uniqueBytesPerImage,
    retainedImages,
    cacheBytes,
    // Layer-based storage (./storage.ts) is the stored total as it is; the formula is the whole-image model.
    storedBytes,
    pushesPerMonth,
    pulls,
    bytesPerPull,
    scanning,
    replicationRegions,
    replicaRetention,
    replicaHorizonMonths,
    replicatedBytesPerPush,
    replicaInitialBytes,
    ...(archive === undefined ? {} : { archive }),
    pullThroughCacheBytes,
    applyFreeTier,
    pricingSource: override === undefined ? "ecrPricing" : "override",
    pricing,
  };
}

/** The archive profile after defaults; its archived bytes are part of the stored bytes. */
function resolveArchive(
  input: CostEstimateInput["archive"],
  storedBytes: number,
  imageBytes: number,
): ResolvedArchive | undefined {
  if (input === undefined) return undefined;
  if (typeof input !== "object" || input === null) {
    throw new InvalidInputError("archive", `archive must be an object, got ${describeValue(input)}`);
  }
  const archivedBytes = requireNonNegative(input.archivedBytes, "archive.archivedBytes", COST_LIMITS.bytes);
  if (archivedBytes > storedBytes) {
    throw new InvalidInputError(
      "archive.archivedBytes",
      `archive.archivedBytes (${archivedBytes}) must be part of the stored bytes (${storedBytes}): archived images are kept images in another storage class`,
    );
  }
  const daysInArchive =
    input.daysInArchive === undefined
      ? undefined
      : requireNumberAtLeast(input.daysInArchive, "archive.daysInArchive", 1, COST_LIMITS.horizonMonths * 31);
  return {
    archivedBytes,
    ...(daysInArchive === undefined ? {} : { daysInArchive }),
    restoresPerMonth: optionalNonNegative(input.restoresPerMonth, "archive.restoresPerMonth", 0),
    bytesPerRestore: optionalNonNegative(
      input.bytesPerRestore,
      "archive.bytesPerRestore",
      imageBytes,
      COST_LIMITS.bytes,
    ),
  };
}
