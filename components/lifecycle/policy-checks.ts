/**
 * Checks on the policy as a whole: the text ECR receives (readable JSON, within the length limits) and
 * the constraints between rules (unique priorities, "any" last, one untagged rule and unique prefix
 * sets per storage class). Every error cites the AWS sentence it enforces (sources in ./types.ts).
 */
import { selectedStorageClass } from "./match";
import type { IndexedRule, Json, Problems } from "./problems";
import { kindOf } from "./problems";
import { MAX_POLICY_TEXT_LENGTH, MIN_POLICY_TEXT_LENGTH, STORAGE_CLASSES } from "./types";

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((v, i) => v === right[i]);
}

/** Constraints between rules. ECR scopes the untagged/prefix/any constraints per storage class. */
export function checkAcrossRules(problems: Problems, rules: readonly IndexedRule[]): void {
  const byPriority = new Map<number, IndexedRule>();
  for (const entry of rules) {
    const first = byPriority.get(entry.rule.rulePriority);
    if (first) {
      problems.error(
        `rules[${entry.index}].rulePriority`,
        entry.rule.rulePriority,
        `rulePriority ${entry.rule.rulePriority} is also used by rules[${first.index}]; priorities must be unique.`,
        "give this rule another priority, or omit rulePriority and let renderLifecyclePolicy assign it.",
      );
    } else {
      byPriority.set(entry.rule.rulePriority, entry);
    }
  }
  for (const storageClass of STORAGE_CLASSES) {
    const sameClass = rules
      .filter((entry) => selectedStorageClass(entry.rule.selection) === storageClass)
      .sort((a, b) => a.rule.rulePriority - b.rule.rulePriority || a.index - b.index);
    for (const entry of sameClass.filter((e) => e.rule.selection.tagStatus === "any")) {
      const later = sameClass.filter(
        (other) => other !== entry && other.rule.rulePriority >= entry.rule.rulePriority,
      );
      if (later.length > 0) {
        // A loop, not Math.max(...list): a spread of a large list overflows the call stack.
        let highest = 0;
        for (const other of sameClass) {
          if (other !== entry && other.rule.rulePriority > highest) highest = other.rule.rulePriority;
        }
        problems.error(
          `rules[${entry.index}].rulePriority`,
          entry.rule.rulePriority,
          `A tagStatus "any" rule must have the highest rulePriority among the rules selecting ${storageClass} images, but rule ${later.map((o) => o.rule.rulePriority).join(", ")} is not lower.`,
          `give this rule a rulePriority above ${highest}, or omit it and let renderLifecyclePolicy place it last.`,
        );
      }
    }
    const untagged = sameClass.filter((e) => e.rule.selection.tagStatus === "untagged");
    for (const entry of untagged.slice(1)) {
      problems.error(
        `rules[${entry.index}].selection.tagStatus`,
        entry.rule.rulePriority,
        `Only one rule per storage class may select untagged images; rule ${untagged[0]?.rule.rulePriority} already selects untagged ${storageClass} images.`,
        "merge the untagged rules into one.",
      );
    }
    const withPrefixes = sameClass.filter((e) => e.rule.selection.tagPrefixList !== undefined);
    withPrefixes.forEach((entry, position) => {
      const earlier = withPrefixes
        .slice(0, position)
        .find((other) =>
          sameSet(other.rule.selection.tagPrefixList ?? [], entry.rule.selection.tagPrefixList ?? []),
        );
      if (earlier) {
        problems.error(
          `rules[${entry.index}].selection.tagPrefixList`,
          entry.rule.rulePriority,
          `Rule ${earlier.rule.rulePriority} already selects the same tagPrefixList; ECR requires a unique set of prefixes among the rules selecting ${storageClass} images.`,
          "merge the two rules, or change the prefixes.",
        );
      }
    });
  }
}

/**
 * The policy as plain JSON data, or undefined (with an error recorded) when it cannot be read. An
 * object is read once, through JSON.stringify (what ECR would receive), so its getters, proxies and
 * cycles can only fail here, as input errors; the checks after this see plain parsed JSON.
 */
export function parsePolicy(problems: Problems, policy: string | object): { value: Json } | undefined {
  let text: string | undefined;
  if (typeof policy === "string") {
    text = policy;
  } else {
    const rules = rulesCount(policy);
    if (rules !== undefined && rules > MAX_VALIDATED_RULES) {
      // Rejected before JSON.stringify walks every rule: far past what ECR's length limit allows.
      problems.error(
        "rules",
        undefined,
        `The policy has ${rules} rules; validateLifecyclePolicy reads at most ${MAX_VALIDATED_RULES} (ECR's ${MAX_POLICY_TEXT_LENGTH}-character limit holds about 260).`,
        "merge or remove rules.",
      );
      problems.oversized = true;
      return undefined;
    }
    try {
      text = JSON.stringify(policy);
    } catch (error) {
      problems.error(
        "",
        undefined,
        `The policy object cannot be written as JSON (${describeError(error)}).`,
        "pass plain JSON data: no cycles, BigInt or functions.",
      );
      return undefined;
    }
    if (text === undefined) {
      problems.error(
        "",
        undefined,
        `The policy must be a JSON object, got ${kindOf(policy)}.`,
        'pass {"rules": [...]}.',
      );
      return undefined;
    }
  }
  // ECR measures the text it receives; for an object that is at least its compact JSON form.
  if (text.length < MIN_POLICY_TEXT_LENGTH) {
    problems.error(
      "",
      undefined,
      `The policy text is ${text.length} characters; ECR requires at least ${MIN_POLICY_TEXT_LENGTH}.`,
      "add the missing rules (a complete rule is longer than 100 characters).",
    );
  } else if (text.length > MAX_POLICY_TEXT_LENGTH) {
    problems.error(
      "",
      undefined,
      `The policy text is ${text.length} characters; ECR accepts at most ${MAX_POLICY_TEXT_LENGTH}.`,
      "merge or remove rules, or shorten descriptions.",
    );
    // ECR rejects it whatever the rules say; reading them would only cost time (issue 12: 20,000
    // rules took 32 s).
    problems.oversized = true;
    return undefined;
  }
  try {
    return { value: JSON.parse(text) as Json };
  } catch (error) {
    problems.error(
      "",
      undefined,
      `The policy is not valid JSON (${describeError(error)}).`,
      "pass the text renderLifecyclePolicy returns, or a plain object.",
    );
    return undefined;
  }
}

/** Rules the validator reads at most from an object (a string is bounded by ECR's length limit). */
export const MAX_VALIDATED_RULES = 10_000;

/** The length of `policy.rules` when it is a plain array; undefined otherwise (or if reading throws). */
function rulesCount(policy: object): number | undefined {
  try {
    const rules: unknown = (policy as { rules?: unknown }).rules;
    return Array.isArray(rules) ? rules.length : undefined;
  } catch {
    // A throwing getter: JSON.stringify reports it next.
    return undefined;
  }
}

function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : "unknown reason";
  } catch {
    return "unknown reason";
  }
}
