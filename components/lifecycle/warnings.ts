/**
 * Warnings for policies ECR accepts but that lose what users mean to keep. Runs only on a policy with
 * no errors. The shielding logic follows ECR's evaluation rules
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html): "An image that
 * matches the tagging requirements of a rule cannot be expired or archived by a rule with a lower
 * priority", scoped to the rules selecting the same storage class.
 */
import { CONTENT_TAG_PREFIX } from "../common/tags";
import { selectedStorageClass, selectionCoversTagPrefix, selectionMatchesTags, tagFilterOf } from "./match";
import type { LifecyclePolicyProblem, LifecyclePolicyRule } from "./types";
import { DAY_COUNT_TYPES, KEEP_FOREVER_DAYS, KEEP_FOREVER_IMAGE_COUNT } from "./types";

export interface WarningOptions {
  cacheTag: string;
  protectedTagPrefixes: readonly string[];
}

/** A rule whose count a repository never reaches: it only shields, it never acts. */
export function isKeepForeverRule(rule: LifecyclePolicyRule): boolean {
  const { countType, countNumber } = rule.selection;
  if (countType === "imageCountMoreThan") return countNumber >= KEEP_FOREVER_IMAGE_COUNT;
  return DAY_COUNT_TYPES.includes(countType) && countNumber >= KEEP_FOREVER_DAYS;
}

function images(n: number, adjective = ""): string {
  const words = adjective === "" ? "" : `${adjective} `;
  return n === 1 ? `1 ${words}image` : `${n} ${words}images`;
}

function verbOf(rule: LifecyclePolicyRule): string {
  return rule.action.type === "expire" ? "expire" : "archive";
}

function describeSelection(rule: LifecyclePolicyRule): string {
  if (rule.selection.tagStatus !== "tagged") return `tagStatus "${rule.selection.tagStatus}"`;
  const { kind, filters } = tagFilterOf(rule.selection);
  return `${kind === "prefix" ? "tagPrefixList" : "tagPatternList"} ${JSON.stringify(filters)}`;
}

export function lifecyclePolicyWarnings(
  rules: readonly LifecyclePolicyRule[],
  indexes: readonly number[],
  options: WarningOptions,
): LifecyclePolicyProblem[] {
  const warnings: LifecyclePolicyProblem[] = [];
  const warn = (
    index: number,
    rule: LifecyclePolicyRule,
    field: string,
    problem: string,
    fix: string,
  ): void => {
    warnings.push({
      severity: "warning",
      rulePriority: rule.rulePriority,
      path: `rules[${index}]${field}`,
      message: `${problem} Fix: ${fix}`,
    });
  };
  const ordered = rules
    .map((rule, position) => ({ rule, index: indexes[position] ?? position }))
    .sort((a, b) => a.rule.rulePriority - b.rule.rulePriority);

  ordered.forEach(({ rule, index }, position) => {
    const acts = !isKeepForeverRule(rule);
    const { selection } = rule;
    const storageClass = selectedStorageClass(selection);
    const higher = ordered
      .slice(0, position)
      .filter((other) => selectedStorageClass(other.rule.selection) === storageClass);

    // 1. The build cache image carries only the cache tag; a keep-N rule that selects it counts it
    // ("Rules ... can still identify them") and can delete it once N newer matching images exist.
    if (
      acts &&
      storageClass === "standard" &&
      selection.countType === "imageCountMoreThan" &&
      selectionMatchesTags(selection, [options.cacheTag])
    ) {
      const n = selection.countNumber;
      warn(
        index,
        rule,
        ".selection",
        `This rule (${describeSelection(rule)}) keeps ${images(n)} and counts the build-cache image "${options.cacheTag}" among them: it takes a slot, and once ${images(n, "newer")} match the cache is ${verbOf(rule)}d, so the next build starts cold.`,
        `count builds by their content tag instead: "tagStatus": "tagged", "tagPrefixList": ["${CONTENT_TAG_PREFIX}"].`,
      );
    }

    // 2. Deployed/released images must be shielded by a higher-precedence rule covering their tag.
    if (acts && selection.tagStatus !== "untagged" && storageClass === "standard") {
      const exposed = options.protectedTagPrefixes.filter(
        (prefix) => !higher.some((other) => selectionCoversTagPrefix(other.rule.selection, prefix)),
      );
      if (exposed.length > 0) {
        const example = exposed[0] as string;
        warn(
          index,
          rule,
          ".selection",
          `This rule can ${verbOf(rule)} images tagged ${exposed.map((p) => `"${p}*"`).join(", ")} (deployed or released): no higher-priority rule selects those tags to shield them.`,
          `put a rule first that keeps them, e.g. {"tagStatus": "tagged", "tagPrefixList": ["${example}"], "countType": "imageCountMoreThan", "countNumber": ${KEEP_FOREVER_IMAGE_COUNT}} (the presets do).`,
        );
      }
    }

    // 3. Untagged manifests in a BuildKit pipeline are not only leftovers: per-platform children of
    // multi-arch indexes, attestation manifests and signature artifacts are untagged too.
    if (acts && selection.tagStatus !== "tagged" && selection.countType === "imageCountMoreThan") {
      warn(
        index,
        rule,
        ".selection.countType",
        `This rule keeps untagged images by count (the newest ${selection.countNumber}${selection.tagStatus === "any" ? ", tagged or not" : ""}); per-platform children of multi-arch images, attestation manifests and signature artifacts are untagged and fill that count, so what survives depends on how many platforms were pushed, not on age (ECR holds back only children still referenced by a manifest list).`,
        'expire untagged images by age in their own rule: "tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days".',
      );
    }
    if (acts && selection.tagStatus === "any" && rule.action.type === "expire") {
      warn(
        index,
        rule,
        ".selection.tagStatus",
        'tagStatus "any" also selects signatures stored under tags (cosign "sha256-<digest>.sig"), which ECR does not link to the image they sign, so a live image can lose its signature.',
        `select builds by tag ("tagPrefixList": ["${CONTENT_TAG_PREFIX}"]) and expire untagged images in a separate rule.`,
      );
    }

    // 4. ECR Archive: same price as standard below 150 TB/month, 90-day minimum, restore before pull.
    // https://aws.amazon.com/ecr/pricing/ and
    // https://docs.aws.amazon.com/AmazonECR/latest/userguide/archive-image.html (checked 2026-11-22)
    if (acts && rule.action.type === "transition") {
      warn(
        index,
        rule,
        ".action",
        "Archive storage costs the same as standard for the first 150 TB a month, bills at least 90 days per archived image and must be restored (up to 20 minutes, per-GB fee) before a pull, so this transition saves nothing below 150 TB.",
        "expire these images instead, unless you must retain them or the registry stores more than 150 TB.",
      );
    }

    // 5. A tagPatternList identical to a higher-precedence one: every image it selects is shielded.
    if (selection.tagPatternList !== undefined) {
      const patterns = [...new Set(selection.tagPatternList)].sort().join("\n");
      const shadow = higher.find(
        (other) =>
          other.rule.selection.tagPatternList !== undefined &&
          [...new Set(other.rule.selection.tagPatternList)].sort().join("\n") === patterns,
      );
      if (shadow) {
        warn(
          index,
          rule,
          ".selection.tagPatternList",
          `Rule ${shadow.rule.rulePriority} selects the same tagPatternList with higher precedence, so this rule never acts.`,
          "merge the two rules into one.",
        );
      }
    }
  });
  return warnings;
}
