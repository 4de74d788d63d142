/**
 * A gate that gates (issue 18 item 3), as plain functions: the image is pushed under its content tag
 * only; every promotion tag (`deployed-*` and the other extra tags) is its own docker-build `Index`
 * whose source is the pushed content image, and whose inputs are only given once the image's size is
 * known (ECR's `imageSizeInBytes` of the pushed digest, or the local estimate) and within the budget.
 * With `onBudgetExceeded: "fail"` an image over budget is never promoted: the gate's Output fails, the
 * Index is not created or updated, and the tags stay on the images they named.
 *
 * What docker-build does with such an Index (v0.0.22, provider/internal/index.go; the same at the
 * mirror's HEAD): Create calls Update (143-156), which runs `cli.ManifestCreate(ctx, push, tag,
 * sources...)` (181) = `docker buildx imagetools create --progress=plain --tag <tag> [--dry-run] <sources>`
 * (client.go 340-364) through buildx's own command tree (cli.go 169-184), then reads the tag's digest
 * into `ref` (186-193, Read 196-251). Diff: a new `tag` replaces, new `sources` update (317-354), so
 * re-pointing a moving tag is an update that runs `imagetools create` again. Delete removes the manifest
 * `ref` = `<tag>@<digest>` BY DIGEST (292-311): for several platforms that digest is the content tag's
 * own index, so a promotion Index must always be `retainOnDelete` (a tag dropped from extraTags stays
 * in ECR until the lifecycle policy expires it).
 *
 * What `imagetools create` makes of one source (buildx util/imagetools/create.go `combine`; v0.13.1 on
 * this machine lines 80-85, v0.35.0 in docker-build 0.0.22 lines 104-120): a source that is an index
 * is copied byte for byte (same digest); a single image manifest is wrapped in a new one-entry index
 * unless `--prefer-index=false`, which docker-build never passes (v0.35 commands/imagetools/create.go
 * 384: default true). So a promotion tag of a several-platform image has the content tag's digest, and
 * one of a single-platform image names a one-entry index around it (another digest; pulls resolve it to
 * the same image). test/integration/promotion.test.ts shows both on the local registry.
 *
 * For a FIXED tag (./tag-policy.ts) that already names this build in ECR (an image pushed before this
 * design, or a tag left behind by a removed Index), the Index is given `push: false`: ECR refuses any
 * second push of an immutable tag, even of the same digest (aws/containers-roadmap#2179), and with
 * `push: false` docker-build runs `imagetools create --dry-run` (client.go 352-354) and reads nothing
 * (index.go 205-212): a record, no write.
 *
 * No Pulumi import: the component lifts {@link promotionDecision} with one apply over the pushed digest,
 * the ECR lookup and the estimate.
 */
import type { ArgumentProblem } from "../common/argument-problem";

export interface PromotionBudget {
  maxImageSizeBytes: number | undefined;
  onBudgetExceeded: "warn" | "fail";
}

/** What getImage said about the pushed digest (components/size/ecr-size.ts `EcrSizeLookup`'s shape). */
export type EcrSize = { bytes: number } | { missing: string };

export interface PromotionInput {
  /** The content tag pushed (`ctx-…`). */
  contentTag: string;
  /** The Index's source: `<repositoryUrl>:<contentTag>@<digest>` (the Image's or the content Index's `ref`). */
  contentRef: string;
  /** The promotion tags, in the order of extraTags. */
  tags: readonly string[];
  /** Fixed tags that already name this build in ECR (./tag-policy.ts `fixedTagMoves` found them here). */
  fixedAlreadyHere?: readonly string[];
  /** ECR's `imageSizeInBytes` of the pushed digest, or why there is none. */
  ecr: EcrSize;
  /** The local estimate's bytes, when there is one. */
  estimate?: number | undefined;
  budget: PromotionBudget;
}

export interface PromotionDecision {
  /** True: give the Indexes their inputs. False: fail the gate with `error`. */
  promote: boolean;
  /** The size the decision used, and where it came from; undefined when none was known. */
  size: { bytes: number; basis: "ecr" | "estimate" } | undefined;
  /** Per tag: push (create or re-point it), or record only (a fixed tag already on this build). */
  push: Record<string, boolean>;
  /** Why nothing is promoted (only when `promote` is false). */
  error?: ArgumentProblem;
  /** To log: promoted over budget under "warn", or promoted without a known size under "warn". */
  warning?: string;
}

/** Should the promotion tags be pointed at the pushed image? See the module comment. */
export function promotionDecision(input: PromotionInput): PromotionDecision {
  const size =
    "bytes" in input.ecr
      ? { bytes: input.ecr.bytes, basis: "ecr" as const }
      : input.estimate !== undefined
        ? { bytes: input.estimate, basis: "estimate" as const }
        : undefined;
  const already = new Set(input.fixedAlreadyHere ?? []);
  const push = Object.fromEntries(input.tags.map((tag) => [tag, !already.has(tag)]));
  const budget = input.budget.maxImageSizeBytes;
  const listed = input.tags.length === 0 ? "no tags" : input.tags.join(", ");
  const were = input.tags.length === 1 ? "was" : "were";
  if (budget === undefined) return { promote: true, size, push };
  const fail = input.budget.onBudgetExceeded === "fail";
  if (size === undefined) {
    const why = "missing" in input.ecr ? input.ecr.missing : "no size";
    if (!fail)
      return {
        promote: true,
        size,
        push,
        warning: `the size of ${input.contentTag} is not known (${why}; no local estimate), so ${listed} ${were} promoted without checking maxImageSizeBytes=${budget}`,
      };
    return {
      promote: false,
      size,
      push,
      error: {
        argument: "maxImageSizeBytes",
        problem: `the size of ${input.contentTag} is not known (${why}; no local estimate), so ${listed} ${were} not pointed at it: with onBudgetExceeded "fail" nothing is promoted unchecked (the image is pushed under ${input.contentTag} only)`,
        fix: 'Run the deployment again once ECR reports the image (getImage by digest), turn the local estimate on (estimateSize), or set onBudgetExceeded: "warn".',
      },
    };
  }
  if (size.bytes <= budget) return { promote: true, size, push };
  const over = `${input.contentTag} is ${size.bytes} bytes (${size.basis === "ecr" ? "ECR's imageSizeInBytes" : "the local estimate"}), over maxImageSizeBytes=${budget}`;
  if (!fail)
    return {
      promote: true,
      size,
      push,
      warning: `${over}; promoted ${listed} anyway (onBudgetExceeded "warn")`,
    };
  return {
    promote: false,
    size,
    push,
    error: {
      argument: "maxImageSizeBytes",
      problem: `${over}: ${listed} ${were} not pointed at it and ${input.tags.length === 1 ? "stays on the image it named" : "stay on the images they named"} (the image is pushed under ${input.contentTag} only)`,
      fix: 'Make the image smaller (the findings say where the bytes are), raise maxImageSizeBytes, or set onBudgetExceeded: "warn".',
    },
  };
}

/** One promotion tag's docker-build Index, as plain values for the component to register. */
export interface PromotionIndex {
  /** `<component name>-tag-<tag>`: the name several-platform extra tags already have (no replacement). */
  childName: string;
  /** The Index's `tag`: `<repositoryUrl>:<tag>`. */
  tag: string;
  /** Always: Index.Delete deletes `<tag>@<digest>` by digest, which may be the content tag's image. */
  retainOnDelete: true;
}

export function promotionIndexes(
  componentName: string,
  repositoryUrl: string,
  tags: readonly string[],
): PromotionIndex[] {
  return [...new Set(tags)].map((tag) => ({
    childName: `${componentName}-tag-${tag}`,
    tag: `${repositoryUrl}:${tag}`,
    retainOnDelete: true,
  }));
}

export interface PromotionPreviewInput {
  contentTag: string;
  tags: readonly string[];
  budget: PromotionBudget;
  /** The image is rebuilt in this run (its digest is unknown in preview). */
  imageChanges: boolean;
  /** The local estimate in preview, when there is one. */
  estimate?: number | undefined;
}

/**
 * What the preview says about the gate: what will be checked, against what, and when (logged on the
 * component and part of the `sizeBudget` output's message).
 */
export function promotionPreviewNote(input: PromotionPreviewInput): string {
  const budget = input.budget.maxImageSizeBytes;
  const tags = input.tags.length === 0 ? undefined : input.tags.join(", ");
  const one = input.tags.length === 1;
  if (tags === undefined)
    return budget === undefined
      ? `no promotion tags; ${input.contentTag} is pushed without a size budget`
      : `no promotion tags; ${input.contentTag} is checked against maxImageSizeBytes=${budget} once ECR reports its size`;
  if (!input.imageChanges)
    return `${tags} ${one ? "stays" : "stay"} on ${input.contentTag} (the image does not change)`;
  if (budget === undefined)
    return `${input.contentTag} is pushed, then ${tags} ${one ? "is" : "are"} pointed at it (no size budget)`;
  const estimate =
    input.estimate === undefined
      ? "no local estimate in this preview"
      : `the local estimate is ${input.estimate} bytes, ${input.estimate <= budget ? "within" : "over"} it`;
  return input.budget.onBudgetExceeded === "fail"
    ? `${input.contentTag} is pushed; ${tags} ${one ? "is" : "are"} pointed at it only after ECR reports its imageSizeInBytes and it is within maxImageSizeBytes=${budget} (${estimate}); otherwise the deployment stops and ${one ? "it stays where it is" : "they stay where they are"}`
    : `${input.contentTag} is pushed, then ${tags} ${one ? "is" : "are"} pointed at it; ECR's imageSizeInBytes is compared with maxImageSizeBytes=${budget} and a warning logged when over (${estimate})`;
}
