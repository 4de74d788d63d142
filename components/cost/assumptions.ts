/**
 * Checks an estimate's input and fills in the defaults; the result is echoed back in the estimate so
 * a report can print what the numbers assume.
 */
import { ecrPricing } from "./pricing";
import {
  DAYS_PER_MONTH,
  DEFAULT_RESCAN_DURATION,
  RESCAN_DURATION_DAYS,
  RescanDuration,
  type CostAssumptions,
  type CostEstimateInput,
  type RegionPricing,
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
 * Builds Amazon Inspector keeps monitoring (and rescanning): "Amazon Inspector will continue to monitor and
 * rescan an image as long as it's been last in use on a cluster or pushed within 14 days (by default)"
 * (Inspector user guide, "Configuring the Amazon ECR re-scan duration", read 2026-11-30). So: the builds
 * pushed within the duration (the cadence over that many days; every kept build for LIFETIME) plus the one
 * deployed, which may be older, never more than the builds kept. When the deployed build is also the
 * newest push this counts it twice: an upper bound by one build.
 */
export function monitoredBuilds(
  pushesPerMonth: number,
  retainedImages: number,
  rescanDuration: RescanDuration,
): number {
  const days = RESCAN_DURATION_DAYS[rescanDuration];
  if (days === Infinity) return retainedImages;
  const pushedWithin = (pushesPerMonth / DAYS_PER_MONTH) * days;
  return Math.min(retainedImages, pushedWithin + 1);
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
  const scanning = {
    mode: scanningInput.mode,
    rescansPerMonth: optionalNonNegative(scanningInput.rescansPerMonth, "scanning.rescansPerMonth", 0),
    rescanDuration: optionalOneOf(
      scanningInput.rescanDuration,
      "scanning.rescanDuration",
      Object.values(RescanDuration),
      DEFAULT_RESCAN_DURATION,
      "Amazon Inspector's ECR re-scan durations",
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
      scanning.mode === "enhanced"
        ? monitoredBuilds(pushesPerMonth, retainedImages, scanning.rescanDuration) * imagesPerPush
        : 0,
    imageBytes,
    uniqueBytesPerImage,
    retainedImages,
    cacheBytes,
    // Layer-based storage (./storage.ts) is the stored total as it is; the formula is the whole-image model.
    storedBytes: input.storage?.bytes ?? imageBytes + (retainedImages - 1) * uniqueBytesPerImage + cacheBytes,
    pushesPerMonth,
    pulls,
    bytesPerPull,
    scanning,
    replicationRegions,
    applyFreeTier,
    pricingSource: override === undefined ? "ecrPricing" : "override",
    pricing,
  };
}
