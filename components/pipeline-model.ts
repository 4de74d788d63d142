/**
 * The plain-value logic behind EcrImagePipeline's findings and budget outputs (its cost glue is
 * ./cost/pipeline-cost.ts). The component lifts these with one `apply` each; nothing here sees an Output.
 */
import type { SizeBudgetSettings } from "./settings/defaults";
import type { DockerfileFinding } from "./dockerfile";
import type { KnownImageSize } from "./common/size-basis";
import { evaluateSizeBudget, type SizeBudgetVerdict } from "./size/budget";

// Moved to dockerfile/build.ts (one ignore-file decision and one context walker with the context hash).
export { analyzeBuildDockerfile } from "./dockerfile/build";

/** The size-budget verdict for `size`, under the budget rule as resolved (../defaults.ts `SizeBudgetSettings`). */
export function budgetVerdict(
  size: KnownImageSize,
  findings: readonly DockerfileFinding[],
  rule: SizeBudgetSettings["rule"],
): SizeBudgetVerdict {
  return evaluateSizeBudget({ sizeBytes: size.bytes, basis: size.basis, ...rule, findings });
}

/**
 * What `aws.ecr.getImage` told us about the pushed digest: its size as a KnownImageSize (basis `ecr`),
 * or why there is none. AWS may leave `imageSizeInBytes` out (e.g. for an artifact without layers), and
 * an image just pushed may not be found yet; neither may fail the deployment (issue 13).
 */
export type EcrSizeLookup =
  { size: KnownImageSize; missing?: undefined } | { size?: undefined; missing: string };

/** The ECR size of `imageDigest` from getImage's `imageSizeInBytes`, which may be absent or not a size. */
export function ecrSizeLookup(imageDigest: string, imageSizeInBytes: unknown): EcrSizeLookup {
  if (typeof imageSizeInBytes !== "number" || !Number.isFinite(imageSizeInBytes) || imageSizeInBytes < 0) {
    const got =
      imageSizeInBytes === undefined ? "no imageSizeInBytes" : `imageSizeInBytes=${String(imageSizeInBytes)}`;
    return { missing: `aws.ecr.getImage returned ${got} for ${imageDigest}` };
  }
  return {
    size: { bytes: imageSizeInBytes, basis: "ecr", note: `imageSizeInBytes of ${imageDigest} in ECR` },
  };
}

/** Why getImage could not read the digest (not found yet, no permission, …), from the invoke's error. */
export function ecrLookupFailed(repositoryName: string, imageDigest: string, error: unknown): EcrSizeLookup {
  const detail = error instanceof Error ? error.message : String(error);
  return {
    missing: `aws.ecr.getImage could not read ${imageDigest} in ${repositoryName} (${detail === "" ? "no detail from the provider" : detail})`,
  };
}

/** `size` with the reason ECR's size was not used put in front of its note (when there is one). */
export function withFallbackReason(size: KnownImageSize, ecrMissing: string | undefined): KnownImageSize {
  if (ecrMissing === undefined || size.basis === "ecr") return size;
  return { ...size, note: `${ecrMissing}, so using basis ${size.basis}: ${size.note}` };
}

/** The AWS provider's region as aws.getRegion reports it (`region`, or v6's `name`), else us-east-1 with a note. */
export function regionFromProvider(result: { region?: unknown; name?: unknown } | undefined): {
  region: string;
  note?: string;
} {
  for (const candidate of [result?.region, result?.name]) {
    if (typeof candidate === "string" && candidate !== "") return { region: candidate };
  }
  return {
    region: "us-east-1",
    note: "aws.getRegion reported no region: pricing us-east-1. Set costRegion to price the repository's region.",
  };
}
