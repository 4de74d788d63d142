/**
 * Validation ECR would do at apply time, run at preview instead. Every error cites the AWS sentence it
 * enforces (sources in ./types.ts): checks on one rule live in ./rule-checks.ts, checks on the policy
 * text and between rules in ./policy-checks.ts; warnings for policies ECR accepts but that lose what
 * users mean to keep live in ./warnings.ts. A policy is user input: every problem with it is returned,
 * never thrown. What is thrown is a bug of ours (InternalError), so callers and tests can tell the two
 * apart (issue 12).
 */
import { InternalError } from "../common/errors";
import { DEFAULT_CACHE_TAG, PROTECTED_TAG_PREFIXES } from "../common/tags";
import { checkAcrossRules, parsePolicy } from "./policy-checks";
import type { IndexedRule, Json } from "./problems";
import { checkUnknownKeys, isRecord, kindOf, Problems } from "./problems";
import { checkRule } from "./rule-checks";
import type { LifecyclePolicyProblem, LifecycleValidationOptions } from "./types";
import { lifecyclePolicyWarnings } from "./warnings";

function validateUnsafe(
  policy: string | object,
  options: LifecycleValidationOptions,
): LifecyclePolicyProblem[] {
  const problems = new Problems();
  const read = parsePolicy(problems, policy);
  if (!read || problems.oversized) return problems.list;
  const parsed = read.value;
  if (!isRecord(parsed)) {
    problems.error(
      "",
      undefined,
      `The policy must be a JSON object with a "rules" array, got ${kindOf(parsed)}.`,
      'wrap the rules as {"rules": [...]}.',
    );
    return problems.list;
  }
  checkUnknownKeys(problems, parsed, ["rules"], "", undefined, "the policy");
  const rawRules = parsed.rules;
  if (!Array.isArray(rawRules) || rawRules.length === 0) {
    problems.error(
      "rules",
      undefined,
      rawRules === undefined
        ? '"rules" is missing.'
        : Array.isArray(rawRules)
          ? '"rules" is empty; a lifecycle policy needs at least one rule.'
          : `"rules" must be an array, got ${kindOf(rawRules)}.`,
      'add "rules": [...] with at least one rule, or remove the lifecycle policy.',
    );
    return problems.list;
  }

  const checked: IndexedRule[] = [];
  rawRules.forEach((raw: Json, index: number) => {
    const entry = checkRule(problems, raw, index);
    if (entry) checked.push(entry);
  });
  checkAcrossRules(problems, checked);
  if (problems.list.length > 0) return problems.list;

  return lifecyclePolicyWarnings(
    checked.map((entry) => entry.rule),
    checked.map((entry) => entry.index),
    {
      cacheTag: options.cacheTag ?? DEFAULT_CACHE_TAG,
      protectedTagPrefixes: options.protectedTagPrefixes ?? PROTECTED_TAG_PREFIXES,
    },
  );
}

/**
 * Problems ECR would reject (errors) and safe-but-surprising choices (warnings) in a lifecycle policy
 * given as JSON text or a parsed object. No errors means ECR accepts it. Bounded: a policy over ECR's
 * length limit (or an object with more than MAX_VALIDATED_RULES rules) is rejected with that one
 * error before any rule is read, so the work never grows past what a 30,720-character policy needs.
 * Throws only InternalError, for a bug in the checks themselves; an object's getters, proxies or
 * cycles run once, in JSON.stringify, and are reported as input errors.
 */
export function validateLifecyclePolicy(
  policy: string | object,
  options: LifecycleValidationOptions = {},
): LifecyclePolicyProblem[] {
  try {
    return validateUnsafe(policy, options ?? {});
  } catch (error) {
    let reason = "unknown reason";
    try {
      reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    } catch {
      // keep "unknown reason"
    }
    throw new InternalError(`validateLifecyclePolicy failed inside its own checks (${reason})`, {
      cause: error,
    });
  }
}
