/**
 * Checks on one rule at a time: its fields and their types, the grammar of its action, and the count
 * types each action accepts (the selection's own grammar is in ./selection-checks.ts). Every error
 * cites the AWS sentence it enforces (sources in ./types.ts).
 */
import type { IndexedRule, Json, Problems, RulePart } from "./problems";
import { checkUnknownKeys, isPositiveInteger, isRecord, kindOf, readPart, show } from "./problems";
import { checkSelection } from "./selection-checks";
import type { LifecycleAction, LifecycleSelection } from "./types";
import { MIN_ARCHIVE_DAYS_BEFORE_EXPIRE } from "./types";

const RULE_KEYS = ["rulePriority", "description", "selection", "action"];
const ACTION_KEYS = ["type", "targetStorageClass"];

const ACTION_PART: RulePart = {
  name: "action",
  where: "an action",
  keys: ACTION_KEYS,
  fix: 'add "action": {"type": "expire"}.',
};

function checkAction(
  problems: Problems,
  raw: Json,
  path: string,
  priority: number | undefined,
): LifecycleAction | undefined {
  const before = problems.list.length;
  const value = readPart(problems, raw, ACTION_PART, path, priority);
  if (!value) return undefined;
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

/**
 * Checks one entry of the policy's "rules"; returns it typed, with its index, when it has no error at all
 * (only such rules take part in the checks across rules).
 */
export function checkRule(problems: Problems, raw: Json, index: number): IndexedRule | undefined {
  const path = `rules[${index}]`;
  if (!isRecord(raw)) {
    problems.error(
      path,
      undefined,
      `A rule must be an object, got ${kindOf(raw)}.`,
      "write each rule as {...}.",
    );
    return undefined;
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
    return { index, rule: { rulePriority: priority, selection, action } };
  }
  return undefined;
}
