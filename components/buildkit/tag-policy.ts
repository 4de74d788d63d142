/**
 * Which tags move and which stay (issue 18 item 1), as plain functions: the repository is
 * `IMMUTABLE_WITH_EXCLUSION`, and a tag moves only if an exclusion filter covers it.
 *
 * The model (docs/USER-PATHS.md "Tags that move and tags that stay"):
 * - The content tag (`ctx-…`, and `ctx-…-<arch>` per platform) is pushed once per build and never moves.
 * - The cache tags (`<cacheTag>`, `<cacheTag>-<arch>`) are rewritten by every build: filter `<cacheTag>*`.
 * - `deployed-*` tags mark what runs where and move from build to build: filter `deployed-*`.
 * - The names teams re-point to every new build ({@link MOVING_TAG_NAMES}: `latest`, `stable`, branch
 *   and environment names) move too, each through its own exact filter while ECR's limit of five filters
 *   leaves room (three, after the two above); beyond that they are rejected with the fix
 *   (`deployed-<name>`, which the one `deployed-*` filter covers).
 * - Every other extra tag is FIXED: a version (`release-1.4.0`, `v2`, a commit) names one build for good.
 *   Pointing it at another build would fail in ECR with `ImageTagAlreadyExistsException`, so the preview
 *   looks the tag up first ({@link fixedTagMoves}) and stops with the fix before anything is pushed.
 *
 * ECR's rules for the filters (checked by {@link exclusionFilterProblem}):
 * - at most 5 per repository: PutImageTagMutability `imageTagMutabilityExclusionFilters`, "Array Members:
 *   Minimum number of 1 item. Maximum number of 5 items."
 *   (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImageTagMutability.html);
 * - each `^[0-9a-zA-Z._*-]{1,128}$`, filterType `WILDCARD`
 *   (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageTagMutabilityExclusionFilter.html);
 * - "a maximum of 2 wildcards (*)" (@pulumi/aws 7.48 types/input.d.ts
 *   `ecr.RepositoryImageTagMutabilityExclusionFilter.filter`, from the Terraform provider's validation).
 *
 * No Pulumi import; the tag conventions (prefixes, cache tag) come in as values.
 */
import type { ArgumentProblem } from "../common/argument-problem";

/** The project's tag conventions (components/tags.ts today), passed in so this module stands alone. */
export interface TagConventions {
  /** `ctx-`: the content tags the lifecycle keeps a number of. */
  contentTagPrefix: string;
  /** `deployed-`: tags that mark what runs where; they move. */
  deployedTagPrefix: string;
  /** The registry cache's tag (`buildcache`); `<cacheTag>-<arch>` per platform. */
  cacheTag: string;
}

/**
 * Names that teams re-point to every new build: `latest` and `stable`, the branch names a CI tags
 * builds with, and environment names. An extra tag with one of these names moves; any other name
 * (except `deployed-*`) is fixed. Exact, lower-case names: tags are case-sensitive.
 */
export const MOVING_TAG_NAMES: readonly string[] = [
  "latest",
  "stable",
  "edge",
  "nightly",
  "canary",
  "current",
  "live",
  "main",
  "master",
  "dev",
  "develop",
  "development",
  "test",
  "testing",
  "qa",
  "uat",
  "stage",
  "staging",
  "preprod",
  "pre-prod",
  "prod",
  "production",
  "sandbox",
  "demo",
  "preview",
];

/** ECR's limits on `imageTagMutabilityExclusionFilters` (sources in the module comment). */
export const EXCLUSION_FILTER_LIMITS = {
  filters: 5,
  characters: 128,
  wildcards: 2,
  pattern: /^[0-9a-zA-Z._*-]{1,128}$/,
} as const;

export interface ExclusionFilter {
  filter: string;
  filterType: "WILDCARD";
}

/** What a tag is for: see the module comment. */
export const TagRole = {
  Content: "content",
  Cache: "cache",
  Deployed: "deployed",
  Moving: "moving",
  Fixed: "fixed",
} as const;
export type TagRole = (typeof TagRole)[keyof typeof TagRole];

/** The role of a tag under `conventions` (any tag, extra or not). */
export function tagRole(tag: string, conventions: TagConventions): TagRole {
  if (tag.startsWith(conventions.contentTagPrefix)) return TagRole.Content;
  if (tag === conventions.cacheTag || tag.startsWith(`${conventions.cacheTag}-`)) return TagRole.Cache;
  if (tag.startsWith(conventions.deployedTagPrefix)) return TagRole.Deployed;
  if (MOVING_TAG_NAMES.includes(tag)) return TagRole.Moving;
  return TagRole.Fixed;
}

/** Why ECR would refuse `filter` as a tag-mutability exclusion filter, or undefined. */
export function exclusionFilterProblem(filter: string): string | undefined {
  if (filter.length > EXCLUSION_FILTER_LIMITS.characters)
    return `${JSON.stringify(filter)} is ${filter.length} characters; ECR takes exclusion filters of at most ${EXCLUSION_FILTER_LIMITS.characters}`;
  if (!EXCLUSION_FILTER_LIMITS.pattern.test(filter))
    return `${JSON.stringify(filter)} has characters ECR does not take in an exclusion filter (only letters, digits, '.', '_', '-' and '*')`;
  const wildcards = filter.split("*").length - 1;
  if (wildcards > EXCLUSION_FILTER_LIMITS.wildcards)
    return `${JSON.stringify(filter)} has ${wildcards} wildcards; ECR takes at most ${EXCLUSION_FILTER_LIMITS.wildcards}`;
  return undefined;
}

export interface TagMutabilityPlan {
  /** `imageTagMutabilityExclusionFilters` for the repository (`IMMUTABLE_WITH_EXCLUSION`), in order. */
  filters: ExclusionFilter[];
  /** Extra tags that move (deployed-* and the moving names), deduplicated, in the order given. */
  moving: string[];
  /** Extra tags that stay: each names one build for good; the preview checks it ({@link fixedTagMoves}). */
  fixed: string[];
  /** Extra tags (or the cache tag) that cannot work; each stops the program before anything is registered. */
  problems: ArgumentProblem[];
}

/**
 * The repository's exclusion filters and the role of each extra tag. `extraTags` are the plain strings
 * of the `extraTags` arg in order (Outputs are checked when they resolve, with the same function);
 * `argument` names the arg in messages (`extraTags`).
 */
export function planTagMutability(
  extraTags: readonly string[],
  conventions: TagConventions,
  argument = "extraTags",
): TagMutabilityPlan {
  const problems: ArgumentProblem[] = [];
  const cacheFilter = `${conventions.cacheTag}*`;
  const cacheProblem = exclusionFilterProblem(cacheFilter);
  if (cacheProblem !== undefined)
    problems.push({
      argument: "cacheTag",
      problem: `the repository exempts the cache tags from tag immutability with the filter ${cacheProblem}`,
      fix: `Use a cacheTag of at most ${EXCLUSION_FILTER_LIMITS.characters - 1} characters.`,
    });
  const filters: ExclusionFilter[] = [
    { filter: cacheFilter, filterType: "WILDCARD" },
    { filter: `${conventions.deployedTagPrefix}*`, filterType: "WILDCARD" },
  ];
  const moving: string[] = [];
  const fixed: string[] = [];
  const seen = new Set<string>();
  extraTags.forEach((tag, index) => {
    if (seen.has(tag)) return;
    seen.add(tag);
    const at = `${argument}[${index}]`;
    switch (tagRole(tag, conventions)) {
      case TagRole.Content:
        problems.push({
          argument: at,
          problem: `${JSON.stringify(tag)} starts with "${conventions.contentTagPrefix}", the prefix of the content tags the lifecycle policy keeps a number of (it would count as a build and expire like one)`,
          fix: `Use a tag that does not start with "${conventions.contentTagPrefix}".`,
        });
        return;
      case TagRole.Cache:
        problems.push({
          argument: at,
          problem: `${JSON.stringify(tag)} is a build-cache tag (${conventions.cacheTag} or ${conventions.cacheTag}-<arch>), which every build overwrites with cache metadata`,
          fix: `Remove it from ${argument}, or set cacheTag to another tag.`,
        });
        return;
      case TagRole.Deployed:
        moving.push(tag);
        return;
      case TagRole.Moving:
        if (filters.length >= EXCLUSION_FILTER_LIMITS.filters) {
          problems.push({
            argument: at,
            problem: `${JSON.stringify(tag)} is re-pointed to every new build, so the repository must exempt it from tag immutability, but ECR allows ${EXCLUSION_FILTER_LIMITS.filters} exclusion filters per repository and they are taken (${filters.map((f) => f.filter).join(", ")})`,
            fix: `Use "${conventions.deployedTagPrefix}${tag}" instead: every ${conventions.deployedTagPrefix}* tag moves through the one ${conventions.deployedTagPrefix}* filter, and the lifecycle presets keep the images it names.`,
          });
          return;
        }
        filters.push({ filter: tag, filterType: "WILDCARD" });
        moving.push(tag);
        return;
      case TagRole.Fixed:
        fixed.push(tag);
        return;
    }
  });
  return { filters, moving, fixed, problems };
}

/** What `aws.ecr.getImage` said about a tag: the image it names, no such tag, or an error. */
export type TagLookup =
  | { state: "found"; imageDigest: string; imageSizeInBytes?: number }
  | { state: "absent" }
  | { state: "failed"; reason: string };

/**
 * The lookup's result from getImage's outcome: its error message says whether the tag is missing
 * (ECR DescribeImages `ImageNotFoundException`, "The image with imageId … does not exist within the
 * repository …", https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html#API_DescribeImages_Errors)
 * or the lookup itself failed (no permission, throttling): those cannot tell either way.
 */
export function tagLookupFrom(
  result: { imageDigest?: unknown; imageSizeInBytes?: unknown } | { error: unknown },
): TagLookup {
  if ("error" in result) {
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    return /ImageNotFoundException|does not exist within the repository|no matching ECR Image|couldn't find resource/i.test(
      reason,
    )
      ? { state: "absent" }
      : { state: "failed", reason: reason.replace(/\s+/g, " ").trim().slice(0, 300) };
  }
  if (typeof result.imageDigest !== "string" || result.imageDigest === "")
    return { state: "failed", reason: "aws.ecr.getImage returned no imageDigest" };
  return typeof result.imageSizeInBytes === "number"
    ? { state: "found", imageDigest: result.imageDigest, imageSizeInBytes: result.imageSizeInBytes }
    : { state: "found", imageDigest: result.imageDigest };
}

export interface FixedTagCheckInput {
  repositoryName: string;
  /** The content tag this run pushes (known in preview: it hashes the build inputs). */
  contentTag: string;
  /** What the content tag names in ECR now: `absent` when this run builds something not pushed yet. */
  content: TagLookup;
  /**
   * One platform: a promotion tag names a one-entry image index around the image (docker-build's Index
   * runs `imagetools create`, which wraps a single image manifest, docs/USER-PATHS.md), so its digest
   * is not the image's; several platforms: it names the content tag's own index (same digest).
   */
  singlePlatform: boolean;
  /** Each fixed extra tag, with the argument that names it and what ECR holds under it now. */
  fixed: { tag: string; argument: string; lookup: TagLookup }[];
  deployedTagPrefix: string;
}

export interface FixedTagCheck {
  /** Fixed tags this run would have to move: ECR would refuse; the preview stops with these. */
  errors: ArgumentProblem[];
  /** Tags that could not be checked, with why (logged as warnings; the push may still fail). */
  unchecked: string[];
}

/**
 * Would this run point a fixed extra tag at another image? A fixed tag that ECR does not hold yet is
 * simply created; one that names this run's build already stays (the promotion resource has nothing to
 * do); one that names another build would be moved, which ECR refuses (`ImageTagAlreadyExistsException`,
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html) after the new image
 * is pushed: that is an error in preview, with the fix.
 *
 * "Names this run's build": several platforms, the same digest as the content tag. One platform, the
 * tag names the wrapping index, whose `imageSizeInBytes` is its only child's ("If the image is a manifest
 * list, this will be the max size of all manifests in the list", ImageDetail,
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html): the same digest or the
 * same size counts as the same build. Two different builds of exactly equal compressed size would pass
 * here and fail at the push: nothing is moved then either (ECR refuses), the run just fails late.
 */
export function fixedTagMoves(input: FixedTagCheckInput): FixedTagCheck {
  const errors: ArgumentProblem[] = [];
  const unchecked: string[] = [];
  for (const { tag, argument, lookup } of input.fixed) {
    if (lookup.state === "absent") continue;
    if (lookup.state === "failed") {
      unchecked.push(
        `could not check whether ${argument} ${JSON.stringify(tag)} already names another image in ${input.repositoryName} (${lookup.reason}); if it does, ECR refuses to move it and the promotion fails after the push`,
      );
      continue;
    }
    const content = input.content;
    if (content.state === "failed") {
      unchecked.push(
        `could not read ${input.contentTag} in ${input.repositoryName} (${content.reason}), so whether ${argument} ${JSON.stringify(tag)} (now ${short(lookup.imageDigest)}) would move is not known`,
      );
      continue;
    }
    if (content.state === "found") {
      if (lookup.imageDigest === content.imageDigest) continue;
      if (
        input.singlePlatform &&
        lookup.imageSizeInBytes !== undefined &&
        lookup.imageSizeInBytes === content.imageSizeInBytes
      )
        continue;
    }
    errors.push({
      argument,
      problem:
        `${JSON.stringify(tag)} already names another image in ${input.repositoryName} (${short(lookup.imageDigest)}), and ` +
        (content.state === "absent"
          ? `this run builds a new one (${input.contentTag}, not in ECR yet)`
          : `this run promotes ${input.contentTag} (${short(content.imageDigest)})`) +
        `; ECR keeps ${JSON.stringify(tag)} immutable, so moving it would fail with ImageTagAlreadyExistsException after the push`,
      fix: /\d/.test(tag)
        ? `Tag this build with a new version (e.g. ${JSON.stringify(nextVersion(tag))}), or remove ${JSON.stringify(tag)} from extraTags to leave it on the image it names.`
        : `If it should follow every build, name it ${JSON.stringify(input.deployedTagPrefix + tag)} (deployed-* tags move); else remove it from extraTags to leave it on the image it names.`,
    });
  }
  return { errors, unchecked };
}

/** `sha256:0123456789ab…`: enough of a digest to recognise it. */
function short(digest: string): string {
  return digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
}

/** The tag with its last number increased: `release-1.4.0` → `release-1.4.1`, `v9` → `v10`. */
export function nextVersion(tag: string): string {
  const match = /(\d+)(\D*)$/.exec(tag);
  if (match === null) return tag;
  const digits = match[1] ?? "";
  const next = String(BigInt(digits) + 1n).padStart(digits.length, "0");
  return tag.slice(0, match.index) + next + (match[2] ?? "");
}
