/**
 * Validation ECR would do at apply time, run at preview instead. Every error below cites the AWS
 * sentence it enforces (sources in ./types.ts); warnings for policies ECR accepts but that lose what
 * users mean to keep live in ./warnings.ts. Never throws: a policy is user input.
 */
import { DEFAULT_CACHE_TAG, PROTECTED_TAG_PREFIXES } from "../tags";
import { countWildcards, selectedStorageClass } from "./match";
import type {
  LifecycleAction,
  LifecyclePolicyProblem,
  LifecyclePolicyRule,
  LifecycleSelection,
  LifecycleValidationOptions,
} from "./types";
import {
  COUNT_TYPES,
  DAY_COUNT_TYPES,
  MAX_POLICY_TEXT_LENGTH,
  MAX_WILDCARDS_PER_PATTERN,
  MIN_ARCHIVE_DAYS_BEFORE_EXPIRE,
  MIN_POLICY_TEXT_LENGTH,
  STORAGE_CLASSES,
  TAG_STATUSES,
} from "./types";
import { lifecyclePolicyWarnings } from "./warnings";

type Json = unknown;

const RULE_KEYS = ["rulePriority", "description", "selection", "action"];
const SELECTION_KEYS = [
  "tagStatus",
  "tagPatternList",
  "tagPrefixList",
  "storageClass",
  "countType",
  "countUnit",
  "countNumber",
];
const ACTION_KEYS = ["type", "targetStorageClass"];

function kindOf(value: Json): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function show(value: Json): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? kindOf(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return kindOf(value);
  }
}

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPositiveInteger(value: Json): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 1;
}

class Problems {
  readonly list: LifecyclePolicyProblem[] = [];
  error(path: string, rulePriority: number | undefined, problem: string, fix: string): void {
    const entry: LifecyclePolicyProblem = { severity: "error", path, message: `${problem} Fix: ${fix}` };
    if (rulePriority !== undefined) entry.rulePriority = rulePriority;
    this.list.push(entry);
  }
}

function checkUnknownKeys(
  problems: Problems,
  record: Record<string, Json>,
  allowed: readonly string[],
  path: string,
  priority: number | undefined,
  where: string,
): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      problems.error(
        path ? `${path}.${key}` : key,
        priority,
        `Unknown field "${key}" in ${where}; ECR rejects properties its lifecycle policy schema does not define.`,
        `remove "${key}"; ${where} has only ${allowed.map((k) => `"${k}"`).join(", ")}.`,
      );
    }
  }
}

function checkTagList(
  problems: Problems,
  value: Json,
  field: "tagPrefixList" | "tagPatternList",
  path: string,
  priority: number | undefined,
): void {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === "string" && v !== "")) {
    problems.error(
      `${path}.${field}`,
      priority,
      `${field} must be a non-empty array of non-empty strings, got ${show(value)}.`,
      `list the tag ${field === "tagPrefixList" ? "prefixes" : "patterns"}, e.g. ["ctx-"${field === "tagPatternList" ? "*" : ""}].`,
    );
    return;
  }
  const list = value as string[];
  if (field === "tagPatternList") {
    list.forEach((pattern, j) => {
      const wildcards = countWildcards(pattern);
      if (wildcards > MAX_WILDCARDS_PER_PATTERN) {
        problems.error(
          `${path}.tagPatternList[${j}]`,
          priority,
          `Pattern "${pattern}" has ${wildcards} wildcards; ECR allows at most ${MAX_WILDCARDS_PER_PATTERN} per pattern.`,
          `use at most ${MAX_WILDCARDS_PER_PATTERN} "*" in each pattern.`,
        );
      }
    });
  }
}

/** Checks one selection; returns it typed when every field is valid. */
function checkSelection(
  problems: Problems,
  value: Json,
  path: string,
  priority: number | undefined,
): LifecycleSelection | undefined {
  if (!isRecord(value)) {
    problems.error(
      path,
      priority,
      value === undefined ? "selection is missing." : `selection must be an object, got ${kindOf(value)}.`,
      'add "selection": {"tagStatus": ..., "countType": ..., "countNumber": ...}.',
    );
    return undefined;
  }
  const before = problems.list.length;
  checkUnknownKeys(problems, value, SELECTION_KEYS, path, priority, "a selection");

  const tagStatus = value.tagStatus;
  if (!TAG_STATUSES.includes(tagStatus as never)) {
    problems.error(
      `${path}.tagStatus`,
      priority,
      `tagStatus must be "tagged", "untagged" or "any", got ${show(tagStatus)}.`,
      'set "tagStatus" to one of "tagged", "untagged", "any".',
    );
  }
  const hasPrefixes = value.tagPrefixList !== undefined;
  const hasPatterns = value.tagPatternList !== undefined;
  if (hasPrefixes) checkTagList(problems, value.tagPrefixList, "tagPrefixList", path, priority);
  if (hasPatterns) checkTagList(problems, value.tagPatternList, "tagPatternList", path, priority);
  if (hasPrefixes && hasPatterns) {
    problems.error(
      `${path}.tagPrefixList`,
      priority,
      "A rule may specify tagPatternList or tagPrefixList, not both.",
      "keep one of the two lists; to select either of two tags, write two rules.",
    );
  }
  if (tagStatus === "tagged" && !hasPrefixes && !hasPatterns) {
    problems.error(
      `${path}.tagStatus`,
      priority,
      'tagStatus "tagged" needs a tagPrefixList or a tagPatternList.',
      'add e.g. "tagPrefixList": ["ctx-"], or use tagStatus "any".',
    );
  }
  if ((tagStatus === "untagged" || tagStatus === "any") && (hasPrefixes || hasPatterns)) {
    const field = hasPrefixes ? "tagPrefixList" : "tagPatternList";
    problems.error(
      `${path}.${field}`,
      priority,
      `tagStatus "${tagStatus}" must not have a ${field}; tag lists are only used with "tagged".`,
      `remove ${field}, or set tagStatus to "tagged".`,
    );
  }

  const storageClass = value.storageClass;
  if (storageClass !== undefined && !STORAGE_CLASSES.includes(storageClass as never)) {
    problems.error(
      `${path}.storageClass`,
      priority,
      `storageClass must be "standard" or "archive", got ${show(storageClass)}.`,
      'use "standard" (the default) or "archive".',
    );
  }
  const countType = value.countType;
  const countTypeValid = COUNT_TYPES.includes(countType as never);
  if (!countTypeValid) {
    problems.error(
      `${path}.countType`,
      priority,
      `countType must be one of ${COUNT_TYPES.map((c) => `"${c}"`).join(", ")}, got ${show(countType)}.`,
      'use "imageCountMoreThan" to keep the newest N images or "sinceImagePushed" to expire by age.',
    );
  }
  const dayBased = DAY_COUNT_TYPES.includes(countType as never);
  if (countTypeValid && dayBased && value.countUnit === undefined) {
    problems.error(
      `${path}.countUnit`,
      priority,
      `countUnit is required when countType is "${String(countType)}".`,
      'add "countUnit": "days".',
    );
  } else if (countTypeValid && !dayBased && value.countUnit !== undefined) {
    problems.error(
      `${path}.countUnit`,
      priority,
      'countUnit is only allowed with the day-based count types; ECR rejects it with "imageCountMoreThan".',
      "remove countUnit.",
    );
  } else if (value.countUnit !== undefined && value.countUnit !== "days") {
    problems.error(
      `${path}.countUnit`,
      priority,
      `countUnit must be "days", got ${show(value.countUnit)}.`,
      'use "countUnit": "days".',
    );
  }
  const countNumber = value.countNumber;
  if (!isPositiveInteger(countNumber)) {
    problems.error(
      `${path}.countNumber`,
      priority,
      `countNumber must be a positive integer (0 is not accepted), got ${show(countNumber)}.`,
      `set countNumber to a whole number of ${dayBased ? "days" : "images"} >= 1.`,
    );
  }
  if (countType === "sinceImageTransitioned" && storageClass !== "archive") {
    problems.error(
      `${path}.storageClass`,
      priority,
      'countType "sinceImageTransitioned" selects archived images and requires "storageClass": "archive".',
      'add "storageClass": "archive".',
    );
  } else if (countTypeValid && countType !== "sinceImageTransitioned" && storageClass === "archive") {
    problems.error(
      `${path}.storageClass`,
      priority,
      `storageClass "archive" is only supported with countType "sinceImageTransitioned", not "${String(countType)}".`,
      'remove storageClass (standard is the default), or use countType "sinceImageTransitioned".',
    );
  }
  if (problems.list.length !== before) return undefined;
  return value as unknown as LifecycleSelection;
}

function checkAction(
  problems: Problems,
  value: Json,
  path: string,
  priority: number | undefined,
): LifecycleAction | undefined {
  if (!isRecord(value)) {
    problems.error(
      path,
      priority,
      value === undefined ? "action is missing." : `action must be an object, got ${kindOf(value)}.`,
      'add "action": {"type": "expire"}.',
    );
    return undefined;
  }
  const before = problems.list.length;
  checkUnknownKeys(problems, value, ACTION_KEYS, path, priority, "an action");
  if (value.type !== "expire" && value.type !== "transition") {
    problems.error(
      `${path}.type`,
      priority,
      `action type must be "expire" or "transition", got ${show(value.type)}.`,
      'use "expire" to delete images or "transition" to archive them.',
    );
  } else if (value.type === "transition" && value.targetStorageClass === undefined) {
    problems.error(
      `${path}.targetStorageClass`,
      priority,
      'action "transition" requires "targetStorageClass": "archive".',
      'add "targetStorageClass": "archive".',
    );
  } else if (value.type === "transition" && value.targetStorageClass !== "archive") {
    problems.error(
      `${path}.targetStorageClass`,
      priority,
      `targetStorageClass must be "archive" (the only supported value), got ${show(value.targetStorageClass)}.`,
      'use "targetStorageClass": "archive".',
    );
  } else if (value.type === "expire" && value.targetStorageClass !== undefined) {
    problems.error(
      `${path}.targetStorageClass`,
      priority,
      'targetStorageClass is only used with action "transition".',
      "remove targetStorageClass.",
    );
  }
  if (problems.list.length !== before) return undefined;
  return value as unknown as LifecycleAction;
}

/** Rules that combine a count type and an action ECR refuses. */
function checkCountTypeAgainstAction(
  problems: Problems,
  selection: LifecycleSelection,
  action: LifecycleAction,
  path: string,
  priority: number | undefined,
): void {
  if (selection.countType === "sinceImagePulled" && action.type === "expire") {
    problems.error(
      `${path}.action.type`,
      priority,
      'countType "sinceImagePulled" cannot be used with action "expire"; ECR only archives by pull time.',
      'use action "transition" to archive, then a second rule with countType "sinceImageTransitioned" and action "expire" to delete.',
    );
  }
  if (selection.countType === "sinceImageTransitioned" && action.type === "transition") {
    problems.error(
      `${path}.action.type`,
      priority,
      'countType "sinceImageTransitioned" must be used with action "expire"; its images are already archived.',
      'set "action": {"type": "expire"}.',
    );
  }
  if (
    selection.countType === "sinceImageTransitioned" &&
    action.type === "expire" &&
    selection.countNumber < MIN_ARCHIVE_DAYS_BEFORE_EXPIRE
  ) {
    problems.error(
      `${path}.selection.countNumber`,
      priority,
      `Archived images cannot be expired by a lifecycle policy before ${MIN_ARCHIVE_DAYS_BEFORE_EXPIRE} days in archive; countNumber is ${selection.countNumber}.`,
      `set countNumber to ${MIN_ARCHIVE_DAYS_BEFORE_EXPIRE} or more.`,
    );
  }
}

interface IndexedRule {
  index: number;
  rule: LifecyclePolicyRule;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((v, i) => v === right[i]);
}

/** Constraints between rules. ECR scopes the untagged/prefix/any constraints per storage class. */
function checkAcrossRules(problems: Problems, rules: readonly IndexedRule[]): void {
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
        const highest = Math.max(...sameClass.filter((o) => o !== entry).map((o) => o.rule.rulePriority));
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

/** The policy as a JSON value, or undefined (with an error recorded) when it cannot be read. */
function parsePolicy(problems: Problems, policy: string | object): { value: Json } | undefined {
  let text: string | undefined;
  if (typeof policy === "string") {
    text = policy;
  } else {
    try {
      text = JSON.stringify(policy);
    } catch (error) {
      problems.error(
        "",
        undefined,
        `The policy object cannot be written as JSON (${error instanceof Error ? error.message : "unknown reason"}).`,
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
  }
  if (typeof policy !== "string") return { value: policy };
  try {
    return { value: JSON.parse(text) as Json };
  } catch (error) {
    problems.error(
      "",
      undefined,
      `The policy is not valid JSON (${error instanceof Error ? error.message : "parse error"}).`,
      "pass the text renderLifecyclePolicy returns, or a plain object.",
    );
    return undefined;
  }
}

function validateUnsafe(
  policy: string | object,
  options: LifecycleValidationOptions,
): LifecyclePolicyProblem[] {
  const problems = new Problems();
  const read = parsePolicy(problems, policy);
  if (!read) return problems.list;
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
    const path = `rules[${index}]`;
    if (!isRecord(raw)) {
      problems.error(
        path,
        undefined,
        `A rule must be an object, got ${kindOf(raw)}.`,
        "write each rule as {...}.",
      );
      return;
    }
    const priority = isPositiveInteger(raw.rulePriority) ? raw.rulePriority : undefined;
    const before = problems.list.length;
    checkUnknownKeys(problems, raw, RULE_KEYS, path, priority, "a rule");
    if (priority === undefined) {
      problems.error(
        `${path}.rulePriority`,
        undefined,
        raw.rulePriority === undefined
          ? "rulePriority is missing."
          : `rulePriority must be a positive integer, got ${show(raw.rulePriority)}.`,
        "give every rule a unique whole number >= 1 (renderLifecyclePolicy assigns them).",
      );
    }
    if (raw.description !== undefined && typeof raw.description !== "string") {
      problems.error(
        `${path}.description`,
        priority,
        `description must be a string, got ${kindOf(raw.description)}.`,
        "write the description as text, or remove it.",
      );
    }
    const selection = checkSelection(problems, raw.selection, `${path}.selection`, priority);
    const action = checkAction(problems, raw.action, `${path}.action`, priority);
    if (selection && action) checkCountTypeAgainstAction(problems, selection, action, path, priority);
    if (problems.list.length === before && priority !== undefined && selection && action) {
      checked.push({ index, rule: { rulePriority: priority, selection, action } });
    }
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
 * given as JSON text or a parsed object. No errors means ECR accepts it. Never throws.
 */
export function validateLifecyclePolicy(
  policy: string | object,
  options: LifecycleValidationOptions = {},
): LifecyclePolicyProblem[] {
  try {
    return validateUnsafe(policy, options ?? {});
  } catch (error) {
    // Defensive: a getter or proxy in a user object can throw; report instead of crashing preview.
    let reason = "unknown reason";
    try {
      reason = error instanceof Error ? error.message : String(error);
    } catch {
      // keep "unknown reason"
    }
    return [
      {
        severity: "error",
        path: "",
        message: `The policy could not be read (${reason}). Fix: pass JSON text or a plain JSON object.`,
      },
    ];
  }
}
