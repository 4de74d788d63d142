/**
 * What a reviewer sees in `pulumi preview` when the image changes (issue 10, item 5): the deployed image
 * (basis `ecr`) next to this change (basis `estimate`), both priced by the same `costFor` (same region,
 * lifecycle policy and usage), and the difference of each figure. Plain values only; EcrImagePipeline
 * lifts these with `apply` and does the ECR lookup (components/pipeline.ts).
 *
 * How the deployed image is found: ImageSizeEstimate's `deployedContextHash` (the context hash in its
 * state, returned by the provider's `check` and so known in preview; components/size/estimate-resource.ts)
 * names the deployed build, whose content tag (`ctx-<16 hex>`, ../buildkit/refs.ts `contentTagFromHash`) is
 * still on the deployed image in ECR while the preview runs.
 */
import { InvalidInputError } from "../common/errors";
import { platformSuffix } from "../buildkit/platforms";
import { contentTagFromHash } from "../buildkit/refs";
import type { KnownImageSize, SizeBasis } from "../common/size-basis";
import { formatFixed, formatUsd, MAX_REPORTED_AMOUNT } from "./report";
import type { CostEstimate } from "./types";

/** Whether the deployed image and this change were compared, and if not, why. */
export const CostChangeStatus = {
  /** Both known: `deployed`, `change` and `difference` are set. */
  Compared: "compared",
  /** This build has the deployed build's context hash (and compression): nothing else to compare with. */
  Unchanged: "unchanged",
  /** Nothing is deployed yet. */
  FirstDeployment: "first-deployment",
  /** The image changed but the deployed one could not be priced (the note says why); `change` is set. */
  DeployedUnknown: "deployed-unknown",
  /** Which build is deployed is not known (size estimation off, or an estimate state older than that output). */
  NotCompared: "not-compared",
} as const;
export type CostChangeStatus = (typeof CostChangeStatus)[keyof typeof CostChangeStatus];

/** One side of the comparison: an image's size and what its repository costs with it. */
export interface ComparedImage {
  /** `ecr` for the deployed image; `estimate` (or `budget` without an engine) for this change. */
  basis: SizeBasis;
  /** Compressed bytes of the image (all platforms). */
  sizeBytes: number;
  /** Bytes the repository stores at steady state with this image (`monthlyCost.assumptions.storedBytes`). */
  storedBytes: number;
  /** Estimated monthly USD, unrounded (`monthlyCost.totalUsd`). */
  monthlyUsd: number;
  /** Where the size came from. */
  note: string;
}

/** This change minus the deployed image: positive when the change is bigger or costs more. */
export interface CostDifference {
  sizeBytes: number;
  storedBytes: number;
  monthlyUsd: number;
}

/** The deployed image next to this change, or why there is no comparison. */
export interface CostChange {
  status: CostChangeStatus;
  /** One line: what was compared, or why nothing was. */
  note: string;
  /** The deployed image (basis `ecr`); set when `status` is `compared`. */
  deployed?: ComparedImage;
  /** This change; set when `status` is `compared` or `deployed-unknown`. */
  change?: ComparedImage;
  /** `change` minus `deployed`; set when `status` is `compared`. */
  difference?: CostDifference;
}

/** One side of the comparison from a size and the estimate `costFor` made with it. */
export function comparedImage(size: KnownImageSize, estimate: CostEstimate): ComparedImage {
  return {
    basis: size.basis,
    sizeBytes: size.bytes,
    storedBytes: estimate.assumptions.storedBytes,
    monthlyUsd: estimate.totalUsd,
    note: size.note,
  };
}

function checked(side: string, image: ComparedImage): ComparedImage {
  for (const key of ["sizeBytes", "storedBytes", "monthlyUsd"] as const) {
    const value = image[key];
    // The bound of the cost report's amounts (./report.ts): the lines print these, and their difference.
    if (!Number.isFinite(value) || value < 0 || value > MAX_REPORTED_AMOUNT) {
      throw new InvalidInputError(
        `${side}.${key}`,
        `${side}.${key} is ${value}: a size or cost to compare is a number from 0 to ${MAX_REPORTED_AMOUNT}`,
      );
    }
  }
  return image;
}

/** The deployed image next to this change, each figure's difference as `change − deployed`. */
export function compareCosts(
  deployed: ComparedImage,
  change: ComparedImage,
  deployedTag: string,
): CostChange {
  checked("deployed", deployed);
  checked("change", change);
  return {
    status: CostChangeStatus.Compared,
    note: `deployed image ${deployedTag} (basis ${deployed.basis}) next to this change (basis ${change.basis})`,
    deployed,
    change,
    difference: {
      sizeBytes: change.sizeBytes - deployed.sizeBytes,
      storedBytes: change.storedBytes - deployed.storedBytes,
      monthlyUsd: change.monthlyUsd - deployed.monthlyUsd,
    },
  };
}

/** The deployed image to read: its content tag, the tags to look up, and how the report names it. */
export interface DeployedLookup {
  contentTag: string;
  tags: string[];
  /** The content tag, plus the compressions when only the compression changed. */
  label: string;
}

/** What to do for the deployed build the size estimate's state names: look up these tags, or nothing. */
export type DeployedLookupPlan =
  { lookup: DeployedLookup; result?: undefined } | { result: CostChange; lookup?: undefined };

/**
 * Decides from the estimate's `deployedContextHash` whether there is a deployed image to compare with:
 * - `undefined`: not known (size estimation off, the estimate's inputs unknown in preview, or a state
 *   written before the estimate recorded it);
 * - `""`: nothing deployed (the provider's `check` had no previous state: a first deployment);
 * - this build's context hash: the deployed build is this one (also after every `up`), unless only the
 *   layer compression changed (`compressions`: the estimate's `deployedCompression` and this build's;
 *   either unknown or "" counts as the same): the content tag is the same then, and still on the
 *   deployed image until the push;
 * - another hash: look up that build's content tag; a multi-platform build tags each platform's image
 *   `<content tag>-<arch>` (../image.ts), and the largest is taken (see {@link deployedImageSize}).
 */
export function planDeployedLookup(
  deployedContextHash: string | undefined,
  contextHash: string,
  platforms: readonly string[] | undefined,
  estimating: boolean,
  compressions: { deployed?: string; current?: string } = {},
): DeployedLookupPlan {
  if (!estimating) {
    return {
      result: {
        status: CostChangeStatus.NotCompared,
        note: "size estimation is off (estimateSize: false): the deployed build is not known, so nothing is compared",
      },
    };
  }
  if (deployedContextHash === undefined) {
    return {
      result: {
        status: CostChangeStatus.NotCompared,
        note: "the size estimate does not say which build is deployed (its state predates deployedContextHash, which the next change records): nothing compared",
      },
    };
  }
  if (deployedContextHash === "") {
    return {
      result: {
        status: CostChangeStatus.FirstDeployment,
        note: "nothing is deployed yet (first deployment): no deployed image to compare with",
      },
    };
  }
  const contentTag = contentTagFromHash(deployedContextHash);
  const { deployed: deployedCompression, current: compression } = compressions;
  const compressionChanged =
    deployedCompression !== undefined &&
    deployedCompression !== "" &&
    compression !== undefined &&
    deployedCompression !== compression;
  if (deployedContextHash === contextHash && !compressionChanged) {
    return {
      result: {
        status: CostChangeStatus.Unchanged,
        note: `the deployed build has this build's context hash (${contentTag}): nothing else to compare with`,
      },
    };
  }
  const tags =
    platforms !== undefined && platforms.length > 1
      ? platforms.map((platform) => `${contentTag}-${platformSuffix(platform)}`)
      : [contentTag];
  const label =
    deployedContextHash === contextHash
      ? `${contentTag} (${deployedCompression} layers; this change: ${compression})`
      : contentTag;
  return { lookup: { contentTag, tags, label } };
}

/** What `aws.ecr.getImage` answered for one tag: its `imageSizeInBytes`, or the invoke's error. */
export type TagLookup = { tag: string; imageSizeInBytes: unknown } | { tag: string; error: unknown };

/**
 * The deployed image's size (basis `ecr`) from the lookups of its tags, the largest, or why there is none.
 * One tag per platform: for an image index, ECR's `imageSizeInBytes` is "the max size of all manifests
 * in the list" (ECR API reference, ImageDetail, https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html),
 * not the platforms together, so each platform's image is read and added (a layer two platforms share
 * is counted twice; architectures rarely share layers).
 */
export function deployedImageSize(
  repositoryName: string,
  lookups: readonly TagLookup[],
): { size: KnownImageSize; missing?: undefined } | { size?: undefined; missing: string } {
  let bytes = 0;
  for (const lookup of lookups) {
    if ("error" in lookup) {
      const detail = lookup.error instanceof Error ? lookup.error.message : String(lookup.error);
      return {
        missing: `aws.ecr.getImage could not read the deployed image ${lookup.tag} in ${repositoryName} (${detail === "" ? "no detail from the provider" : detail})`,
      };
    }
    const size = lookup.imageSizeInBytes;
    if (typeof size !== "number" || !Number.isFinite(size) || size < 0) {
      const got = size === undefined ? "no imageSizeInBytes" : `imageSizeInBytes=${String(size)}`;
      return { missing: `aws.ecr.getImage returned ${got} for the deployed image ${lookup.tag}` };
    }
    // The largest platform image: how ECR sizes an index (ImageDetail imageSizeInBytes, "the max size of
    // all manifests in the list") and how the local estimate sizes this change, so the two compare.
    bytes = Math.max(bytes, size);
  }
  const tags = lookups.map((lookup) => lookup.tag);
  const note =
    tags.length === 1
      ? `imageSizeInBytes of ${tags[0]} in ECR (the deployed image)`
      : `imageSizeInBytes of ${tags.join(" + ")} in ECR, the largest (one platform's image, as ECR sizes an index)`;
  return { size: { bytes, basis: "ecr", note } };
}

/** The image changed but the deployed one could not be priced: this change alone, and why. */
export function deployedUnknown(change: ComparedImage, reason: string): CostChange {
  return {
    status: CostChangeStatus.DeployedUnknown,
    note: `${reason}: this change is not compared`,
    change: checked("change", change),
  };
}

function signed(text: string, value: number): string {
  return value > 0 ? `+${text}` : text;
}

/**
 * The difference as a percentage of `before`, or nothing when `before` prints as zero (below `smallest`:
 * 1 byte, or half a cent): a percentage of 0 is undefined, and of 5e-324 it overflowed to Infinity.
 */
function percent(difference: number, before: number, smallest: number): string {
  if (before < smallest) return "";
  return `, ${signed(formatFixed((difference / before) * 100, 1), difference)}%`;
}

/**
 * The comparison as lines appended to the cost report (ASCII, deterministic, like ./report.ts): a
 * heading, then one line each for size, stored bytes and monthly USD with its difference; for a change
 * whose deployed image is unknown, or a first deployment, one line saying so. Nothing when the build is
 * the deployed one (`unchanged`) or whether it changed is not known (`not-compared`: estimation off, or
 * an estimate state from before `deployedContextHash`, which an unchanged resource keeps): the report is
 * then about the image as it is, and `costChange.note` says why.
 */
export function costChangeLines(change: CostChange): string[] {
  if (change.status === CostChangeStatus.Unchanged || change.status === CostChangeStatus.NotCompared)
    return [];
  const { deployed, difference } = change;
  if (change.status !== CostChangeStatus.Compared || deployed === undefined || difference === undefined) {
    return [`change vs deployed image: ${change.note}`];
  }
  const after = change.change!;
  const bytesLine = (what: string, before: number, now: number, diff: number): string =>
    `  ${what}: ${formatFixed(before, 0)} -> ${formatFixed(now, 0)} bytes (${signed(formatFixed(diff, 0), diff)}${percent(diff, before, 1)})`;
  return [
    `change vs deployed image: ${change.note}`,
    bytesLine("image size", deployed.sizeBytes, after.sizeBytes, difference.sizeBytes),
    bytesLine("stored bytes", deployed.storedBytes, after.storedBytes, difference.storedBytes),
    `  monthly USD: ${formatUsd(deployed.monthlyUsd)} -> ${formatUsd(after.monthlyUsd)} (${signed(formatUsd(difference.monthlyUsd), difference.monthlyUsd)}${percent(difference.monthlyUsd, deployed.monthlyUsd, 0.005)})`,
  ];
}
