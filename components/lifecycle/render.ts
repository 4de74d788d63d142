/**
 * Typed rules → the JSON text ECR stores. Deterministic (same rules, same bytes) so a second
 * `pulumi preview` shows no diff. Rules come out sorted by rulePriority: the AWS provider notes that
 * "The AWS ECR API seems to reorder rules based on rulePriority", and an unsorted policy shows a
 * permanent diff (https://www.pulumi.com/registry/packages/aws/api-docs/ecr/lifecyclepolicy/).
 */
import { InvalidInputError } from "../common/errors";
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

/** Rules renderLifecyclePolicy accepts; ECR's 30,720-character limit holds about 260. */
export const MAX_RENDERED_RULES = 10_000;

const PRIORITY_SOURCE =
  "https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html (rulePriority: Type: integer; unique)";

/**
 * The shapes the renderer itself reads; everything else passes through to validateLifecyclePolicy.
 * JavaScript callers can pass anything, so this is checked, not assumed from the types.
 */
function checkRenderable(rules: readonly LifecycleRule[]): void {
  if (!Array.isArray(rules)) {
    throw new InvalidInputError("rules", `rules must be an array of lifecycle rules, got ${typeof rules}.`);
  }
  if (rules.length > MAX_RENDERED_RULES) {
    throw new InvalidInputError(
      "rules",
      `rules has ${rules.length} entries; renderLifecyclePolicy accepts at most ${MAX_RENDERED_RULES} (ECR's 30720-character policy limit holds about 260). Fix: merge or remove rules.`,
    );
  }
  rules.forEach((rule: unknown, index) => {
    const where = `rules[${index}]`;
    const record = rule as Partial<Record<keyof LifecycleRule, unknown>> | null;
    if (typeof record !== "object" || record === null || Array.isArray(record)) {
      throw new InvalidInputError(where, `${where} must be an object { selection, action? }.`);
    }
    const selection = record.selection as Partial<Record<keyof LifecycleSelection, unknown>> | null;
    if (typeof selection !== "object" || selection === null || Array.isArray(selection)) {
      throw new InvalidInputError(`${where}.selection`, `${where}.selection must be an object.`);
    }
    for (const list of ["tagPrefixList", "tagPatternList"] as const) {
      if (selection[list] !== undefined && !Array.isArray(selection[list])) {
        throw new InvalidInputError(
          `${where}.selection.${list}`,
          `${where}.selection.${list} must be an array of strings.`,
        );
      }
    }
    const action = record.action;
    if (action !== undefined && (typeof action !== "object" || action === null)) {
      throw new InvalidInputError(
        `${where}.action`,
        `${where}.action must be an object, e.g. { type: "expire" }.`,
      );
    }
    const priority = record.rulePriority;
    if (typeof priority === "number" && !Number.isSafeInteger(priority)) {
      // Assigning after 1.5 gave 2.5; after 2^53 − 1, numbers that are no longer distinct.
      throw new InvalidInputError(
        `${where}.rulePriority`,
        `${where}.rulePriority is ${priority}; ECR's rulePriority is a whole number (${PRIORITY_SOURCE}) and the renderer assigns the next ones after it. Fix: use a whole number from 1 to ${Number.MAX_SAFE_INTEGER}, or omit it.`,
      );
    }
  });
}

/**
 * Assigns the omitted priorities and sorts. Rules without a priority get the numbers after the highest
 * explicit one, in input order, with every `tagStatus: "any"` rule after all the others (ECR: "A rule
 * with a tagStatus value of any must have the highest value for rulePriority"). Explicit priorities are
 * kept as given; conflicts are reported by validateLifecyclePolicy, not silently repaired. Throws
 * InvalidInputError for rules it cannot render (see checkRenderable), and when an explicit priority
 * leaves no room for the ones it must assign.
 */
export function normalizeLifecycleRules(rules: readonly LifecycleRule[]): LifecyclePolicyRule[] {
  checkRenderable(rules);
  // A loop, not Math.max(...list): a spread of a large list overflows the call stack.
  let highest = 0;
  let highestIndex = -1;
  rules.forEach((rule, index) => {
    if (typeof rule.rulePriority === "number" && rule.rulePriority > highest) {
      highest = rule.rulePriority;
      highestIndex = index;
    }
  });
  // By position, not by object: the same rule object passed twice needs two numbers.
  const unassigned = rules.flatMap((rule, index) => (rule.rulePriority === undefined ? [index] : []));
  if (unassigned.length > 0 && highest > Number.MAX_SAFE_INTEGER - unassigned.length) {
    throw new InvalidInputError(
      `rules[${highestIndex}].rulePriority`,
      `rules[${highestIndex}].rulePriority is ${highest}, which leaves no whole numbers for the ${unassigned.length} rule(s) without a priority (they get the numbers after the highest). Fix: use a smaller rulePriority, or give every rule one.`,
    );
  }
  let next = highest + 1;
  const assigned = new Map<number, number>();
  const isAny = (index: number): boolean => rules[index]?.selection.tagStatus === "any";
  for (const index of unassigned.filter((i) => !isAny(i))) assigned.set(index, next++);
  for (const index of unassigned.filter(isAny)) assigned.set(index, next++);

  const normalized = rules.map((rule, index) => {
    // Key order: rulePriority, description, selection, action.
    const rulePriority = rule.rulePriority ?? (assigned.get(index) as number);
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
