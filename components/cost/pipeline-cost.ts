/**
 * The cost glue of EcrImagePipeline: one pipeline's monthly cost from its size, region, lifecycle policy
 * and usage profile. Plain values only; the component lifts it with one `apply`.
 */
import { InvalidInputError } from "../errors";
import { imagesPerBuild, steadyStateRetention } from "../lifecycle";
import type { KnownImageSize } from "../size/basis";
import { CONTENT_TAG_PREFIX } from "../tags";
import { estimateMonthlyCost } from "./estimate";
import { ecrPricing } from "./pricing";
import { formatCostReport } from "./report";
import { DAYS_PER_MONTH, type CostEstimate, type ScanningMode } from "./types";
import type { UsageProfile } from "./usage";

export { DAYS_PER_MONTH };

/** Region code whose rates price a region that has no rate card (only for a region known at apply time). */
export const FALLBACK_PRICING_REGION = "us-east-1";

/** Region codes that have a rate card (./pricing.ts), sorted. */
export const PRICED_REGIONS: readonly string[] = Object.keys(ecrPricing).sort();

export function hasRateCard(region: string): boolean {
  return Object.prototype.hasOwnProperty.call(ecrPricing, region);
}

export interface CostForInput {
  size: KnownImageSize;
  region: string;
  /** The lifecycle policy JSON the repository applies. */
  policy: string;
  usage: UsageProfile;
  scanningMode: ScanningMode;
  /** Platforms in the image. A pull fetches one platform's layers: `size.bytes / platforms`. Default 1. */
  platforms?: number;
  /**
   * Bytes of the layers one push renews, all platforms (the storage model's measurement). Used for
   * `usage.pullBytes: "renewedLayers"`; when absent such pulls are priced as whole images and the report
   * says so.
   */
  renewedBytesPerPush?: number;
}

/** Bytes one pull moves under `pullBytes`, and a note when the choice could not be honoured. */
export function bytesPerPullFor(
  pullBytes: UsageProfile["pullBytes"],
  imageBytes: number,
  platforms: number,
  renewedBytesPerPush: number | undefined,
): { bytes: number; note?: string } {
  const wholeImage = imageBytes / platforms;
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
 * cadence, then the cost model. The BuildKit cache (mode max) is assumed to hold about one image's worth
 * of layers; every successive build is assumed to differ in all its bytes (the conservative default). A
 * multi-platform image is stored whole but pulled one platform at a time (assumed equal in size).
 *
 * A region without a rate card reaches here only from the AWS provider (a plain `costRegion` is rejected
 * before registration, ../preflight.ts): it is priced with {@link FALLBACK_PRICING_REGION}'s rates and the
 * report's title says so, so a preview never fails for a region the price list lacks.
 */
export function costFor(input: CostForInput): { estimate: CostEstimate; report: string } {
  const { size, usage } = input;
  const priced = hasRateCard(input.region);
  const region = priced ? input.region : FALLBACK_PRICING_REGION;
  // A multi-platform build pushes an index plus one `ctx-…-<arch>` image per platform, and the repository's
  // keep rule counts them all (EcrRepository `platformsPerImage`): replay that many tagged pushes per
  // build, then count whole builds.
  const platforms = Math.max(1, input.platforms ?? 1);
  const buildImages = imagesPerBuild(platforms);
  const retention = steadyStateRetention(input.policy, {
    pushesPerDay: [
      { tag: `${CONTENT_TAG_PREFIX}0000000000000000`, perDay: usage.pushesPerDay * buildImages },
    ],
    imageBytes: size.bytes,
  });
  const pull = bytesPerPullFor(usage.pullBytes, size.bytes, platforms, input.renewedBytesPerPush);
  const estimate = estimateMonthlyCost({
    region,
    imageBytes: size.bytes,
    retainedImages: Math.max(1, Math.ceil(retention.retainedImages / buildImages)),
    cacheBytes: size.bytes,
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
      rescansPerMonth: usage.rescansPerMonth,
      rescanDuration: usage.rescanDuration,
      // Inspector scans image manifests, one per platform, not the index that joins them.
      imagesPerPush: platforms,
    },
    replicationRegions: usage.replicationRegions,
    applyFreeTier: usage.applyFreeTier,
  });
  const title = priced
    ? undefined
    : `ECR monthly cost estimate: ${input.region}, priced with ${region} rates (no rate card for ${input.region} in ecrPricing; see docs/PRICING.md)`;
  const report = formatCostReport(estimate, {
    basis: size.basis,
    basisNote: size.note,
    title,
    notes: pull.note === undefined ? [] : [pull.note],
  });
  return { estimate, report };
}
