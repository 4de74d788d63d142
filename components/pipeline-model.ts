/**
 * The plain-value logic behind EcrImagePipeline's size, cost, findings and budget outputs. The
 * component lifts these with one `apply` each; nothing here sees an Output.
 */
import { estimateMonthlyCost, formatCostReport, type CostEstimate } from "./cost";
import type { PipelineDefaults, ScanningMode } from "./defaults";
import type { DockerfileFinding } from "./dockerfile";
import { steadyStateRetention } from "./lifecycle";
import type { KnownImageSize } from "./size/basis";
import { evaluateSizeBudget, type SizeBudgetVerdict } from "./size/budget";
import { CONTENT_TAG_PREFIX } from "./tags";

/** Days in the month the estimate prices (AWS bills GB-month on a 730-hour month ≈ 30.4 days). */
export const DAYS_PER_MONTH = 30;

export interface CostForInput {
  size: KnownImageSize;
  region: string;
  /** The lifecycle policy JSON the repository applies. */
  policy: string;
  resolved: Pick<
    PipelineDefaults,
    | "pushesPerDay"
    | "pullsPerMonthSameRegion"
    | "pullsPerMonthViaNat"
    | "pullsPerMonthCrossRegion"
    | "pullsPerMonthInternet"
    | "rescansPerMonth"
    | "applyFreeTier"
    | "replicationRegions"
  >;
  scanningMode: ScanningMode;
  /** Platforms in the image. A pull fetches one platform's layers: `size.bytes / platforms`. Default 1. */
  platforms?: number;
}

/**
 * Monthly cost of one pipeline: retention from the lifecycle policy's steady state under the push
 * cadence, then the cost model. The BuildKit cache (mode max) is assumed to hold about one image's worth
 * of layers; every successive build is assumed to differ in all its bytes (the conservative default). A
 * multi-platform image is stored whole but pulled one platform at a time (assumed equal in size).
 */
export function costFor(input: CostForInput): { estimate: CostEstimate; report: string } {
  const { size, resolved } = input;
  const retention = steadyStateRetention(input.policy, {
    pushesPerDay: [{ tag: `${CONTENT_TAG_PREFIX}0000000000000000`, perDay: resolved.pushesPerDay }],
    imageBytes: size.bytes,
  });
  const estimate = estimateMonthlyCost({
    region: input.region,
    imageBytes: size.bytes,
    retainedImages: Math.max(1, retention.retainedImages),
    cacheBytes: size.bytes,
    pushesPerMonth: resolved.pushesPerDay * DAYS_PER_MONTH,
    pulls: {
      sameRegion: resolved.pullsPerMonthSameRegion,
      viaNat: resolved.pullsPerMonthViaNat,
      crossRegion: resolved.pullsPerMonthCrossRegion,
      internet: resolved.pullsPerMonthInternet,
    },
    bytesPerPull: size.bytes / Math.max(1, input.platforms ?? 1),
    scanning: { mode: input.scanningMode, rescansPerMonth: resolved.rescansPerMonth },
    replicationRegions: resolved.replicationRegions,
    applyFreeTier: resolved.applyFreeTier,
  });
  const report = formatCostReport(estimate, { basis: size.basis, basisNote: size.note });
  return { estimate, report };
}

// Moved to dockerfile/build.ts (one ignore-file decision and one context walker with the context hash).
export { analyzeBuildDockerfile } from "./dockerfile/build";

export function budgetVerdict(
  size: KnownImageSize,
  findings: readonly DockerfileFinding[],
  maxImageSizeBytes: number | undefined,
  onBudgetExceeded: "warn" | "fail",
): SizeBudgetVerdict {
  return evaluateSizeBudget({
    sizeBytes: size.bytes,
    basis: size.basis,
    maxImageSizeBytes,
    onBudgetExceeded,
    findings,
  });
}
