/**
 * Typed rules → the JSON text ECR stores. Deterministic (same rules, same bytes) so a second
 * `pulumi preview` shows no diff. Rules come out sorted by rulePriority: the AWS provider notes that
 * "The AWS ECR API seems to reorder rules based on rulePriority", and an unsorted policy shows a
 * permanent diff (https://www.pulumi.com/registry/packages/aws/api-docs/ecr/lifecyclepolicy/).
 */
import type {
  LifecycleAction,
  LifecyclePolicyDocument,
  LifecyclePolicyRule,
  LifecycleRule,
  LifecycleSelection,
} from "./types";
import { DAY_COUNT_TYPES } from "./types";

/** Explicit defaults: countUnit "days" on day-based count types, storageClass "archive" where required. */
function withSelectionDefaults(selection: LifecycleSelection): LifecycleSelection {
  const isDayBased = DAY_COUNT_TYPES.includes(selection.countType);
  const storageClass =
    selection.storageClass ?? (selection.countType === "sinceImageTransitioned" ? "archive" : undefined);
  // Canonical key order, the one of the AWS lifecycle policy template.
  const canonical: LifecycleSelection = { tagStatus: selection.tagStatus } as LifecycleSelection;
  if (selection.tagPatternList !== undefined) canonical.tagPatternList = [...selection.tagPatternList];
  if (selection.tagPrefixList !== undefined) canonical.tagPrefixList = [...selection.tagPrefixList];
  if (storageClass !== undefined) canonical.storageClass = storageClass;
  canonical.countType = selection.countType;
  const countUnit = selection.countUnit ?? (isDayBased ? "days" : undefined);
  if (countUnit !== undefined) canonical.countUnit = countUnit;
  canonical.countNumber = selection.countNumber;
  return canonical;
}

function canonicalAction(action: LifecycleAction | undefined): LifecycleAction {
  if (action === undefined || action.type === "expire") return { type: "expire" };
  return { type: "transition", targetStorageClass: action.targetStorageClass };
}

/**
 * Assigns the omitted priorities and sorts. Rules without a priority get the numbers after the highest
 * explicit one, in input order, with every `tagStatus: "any"` rule after all the others (ECR: "A rule
 * with a tagStatus value of any must have the highest value for rulePriority"). Explicit priorities are
 * kept as given; conflicts are reported by validateLifecyclePolicy, not silently repaired.
 */
export function normalizeLifecycleRules(rules: readonly LifecycleRule[]): LifecyclePolicyRule[] {
  const explicit = rules.map((rule) => rule.rulePriority).filter((p): p is number => typeof p === "number");
  let next = explicit.length > 0 ? Math.max(0, ...explicit.filter(Number.isFinite)) + 1 : 1;
  const assigned = new Map<LifecycleRule, number>();
  const unassigned = rules.filter((rule) => rule.rulePriority === undefined);
  for (const rule of unassigned.filter((r) => r.selection.tagStatus !== "any")) assigned.set(rule, next++);
  for (const rule of unassigned.filter((r) => r.selection.tagStatus === "any")) assigned.set(rule, next++);

  const normalized = rules.map((rule, index) => {
    // Key order: rulePriority, description, selection, action.
    const rulePriority = rule.rulePriority ?? (assigned.get(rule) as number);
    const selection = withSelectionDefaults(rule.selection);
    const action = canonicalAction(rule.action);
    const out: LifecyclePolicyRule =
      rule.description === undefined
        ? { rulePriority, selection, action }
        : { rulePriority, description: rule.description, selection, action };
    return { index, rule: out };
  });
  // Stable: equal priorities (an error the validator reports) keep their input order.
  normalized.sort((a, b) => a.rule.rulePriority - b.rule.rulePriority || a.index - b.index);
  return normalized.map((entry) => entry.rule);
}

export function buildLifecyclePolicyDocument(rules: readonly LifecycleRule[]): LifecyclePolicyDocument {
  return { rules: normalizeLifecycleRules(rules) };
}

/** The policy text for `aws.ecr.LifecyclePolicy.policy`: 2-space indented so diffs read well in preview. */
export function renderLifecyclePolicy(rules: readonly LifecycleRule[]): string {
  return JSON.stringify(buildLifecyclePolicyDocument(rules), null, 2);
}
