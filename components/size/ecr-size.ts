/**
 * The size ECR bills, as EcrImagePipeline reads it: `aws.ecr.getImage`'s `imageSizeInBytes` for the
 * pushed digest as a KnownImageSize (basis `ecr`), or why there is none. Plain values only: the component
 * lifts these with one `apply` each.
 */
import type { KnownImageSize } from "../common/size-basis";

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
