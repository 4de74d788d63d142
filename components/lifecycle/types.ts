/**
 * ECR lifecycle policy grammar as TypeScript types, plus the documented limits the validator and the
 * presets rely on. Sources (checked 2026-11-22):
 * - Properties: https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
 * - Evaluation rules: https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
 * - Examples: https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html
 * - Text length: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutLifecyclePolicy.html
 */

export type LifecycleTagStatus = "tagged" | "untagged" | "any";
export type LifecycleCountType =
  "imageCountMoreThan" | "sinceImagePushed" | "sinceImagePulled" | "sinceImageTransitioned";
export type LifecycleStorageClass = "standard" | "archive";

export const TAG_STATUSES: readonly LifecycleTagStatus[] = ["tagged", "untagged", "any"];
export const COUNT_TYPES: readonly LifecycleCountType[] = [
  "imageCountMoreThan",
  "sinceImagePushed",
  "sinceImagePulled",
  "sinceImageTransitioned",
];
export const STORAGE_CLASSES: readonly LifecycleStorageClass[] = ["standard", "archive"];
/** Count types measured in days: they, and only they, take `countUnit: "days"`. */
export const DAY_COUNT_TYPES: readonly LifecycleCountType[] = [
  "sinceImagePushed",
  "sinceImagePulled",
  "sinceImageTransitioned",
];

export interface LifecycleSelection {
  /** `tagged` needs a tagPrefixList or tagPatternList; `untagged` and `any` must have neither. */
  tagStatus: LifecycleTagStatus;
  /** Image must carry, for EVERY entry, a tag starting with it (AND, not OR). */
  tagPrefixList?: readonly string[];
  /** Like tagPrefixList with `*` wildcards (at most 4 per entry); every entry must match some tag. */
  tagPatternList?: readonly string[];
  /**
   * Storage class the rule selects. Default: `archive` for `sinceImageTransitioned` (the only class it
   * accepts), otherwise omitted, which ECR reads as `standard`.
   */
  storageClass?: LifecycleStorageClass;
  countType: LifecycleCountType;
  /** Default `"days"` for the day-based count types; never set for imageCountMoreThan. */
  countUnit?: "days";
  /** Positive integer: images to keep (imageCountMoreThan) or days (the other count types). */
  countNumber: number;
}

export type LifecycleAction = { type: "expire" } | { type: "transition"; targetStorageClass: "archive" };

/** One rule as a user writes it: priority and action may be left to the renderer. */
export interface LifecycleRule {
  /** Unique positive integer, lowest applied first. Omitted: assigned by renderLifecyclePolicy. */
  rulePriority?: number;
  description?: string;
  selection: LifecycleSelection;
  /** Default `{ type: "expire" }`. */
  action?: LifecycleAction;
}

/** A rule as ECR stores it: every field that has a default is explicit. */
export interface LifecyclePolicyRule {
  rulePriority: number;
  description?: string;
  selection: LifecycleSelection;
  action: LifecycleAction;
}

export interface LifecyclePolicyDocument {
  rules: LifecyclePolicyRule[];
}

export interface LifecyclePolicyProblem {
  severity: "error" | "warning";
  rulePriority?: number;
  /** Where in the policy JSON, e.g. `rules[1].selection.countUnit`; `""` means the whole policy. */
  path: string;
  /** The problem, then `Fix: ...`. */
  message: string;
}

export interface LifecycleValidationOptions {
  /** Tag of the BuildKit registry cache image. Default DEFAULT_CACHE_TAG ("buildcache"). */
  cacheTag?: string;
  /** Tags that mark deployed/released images. Default PROTECTED_TAG_PREFIXES. */
  protectedTagPrefixes?: readonly string[];
}

/** PutLifecyclePolicy `lifecyclePolicyText`: "Minimum length of 100. Maximum length of 30720." */
export const MIN_POLICY_TEXT_LENGTH = 100;
export const MAX_POLICY_TEXT_LENGTH = 30_720;
/** "There is a maximum limit of four wildcards (*) per string." (tagPatternList) */
export const MAX_WILDCARDS_PER_PATTERN = 4;
/**
 * "Archived images have a minimum storage duration of 90 days. You cannot configure lifecycle policies
 * that delete images that have been in archive for less than 90 days."
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/archive-image.html
 */
export const MIN_ARCHIVE_DAYS_BEFORE_EXPIRE = 90;
/**
 * ECR has no "keep" action. The way its own lifecycle engineer documents (and the evaluation rule "an
 * image that matches the tagging requirements of a rule cannot be expired by a rule with a lower
 * priority") is a high-precedence imageCountMoreThan rule whose count is never reached. 100,000 is
 * ECR's default "Images per repository" quota, so a repository cannot hold more matching images.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html
 * https://stackoverflow.com/questions/51375318/ecr-lifecycle-policy-exception (answer by the author of
 * the evaluation logic)
 */
export const KEEP_FOREVER_IMAGE_COUNT = 100_000;
/** A day-based rule this long (100 years) never acts within the life of a repository. */
export const KEEP_FOREVER_DAYS = 36_500;

export const DAY_MS = 86_400_000;
