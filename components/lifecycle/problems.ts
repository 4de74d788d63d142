/**
 * What the validation modules share: a collector for errors, and helpers to describe and test the
 * untyped JSON a user passes as a policy.
 */
import type { LifecyclePolicyProblem, LifecyclePolicyRule } from "./types";

export type Json = unknown;

/** A rule that passed every per-rule check, with its position in the policy's "rules". */
export interface IndexedRule {
  index: number;
  rule: LifecyclePolicyRule;
}

export function kindOf(value: Json): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

export function show(value: Json): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? kindOf(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return kindOf(value);
  }
}

export function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isPositiveInteger(value: Json): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 1;
}

export class Problems {
  readonly list: LifecyclePolicyProblem[] = [];
  /** Set when the policy is over ECR's length limit: nothing past that error is checked. */
  oversized = false;
  error(path: string, rulePriority: number | undefined, problem: string, fix: string): void {
    const entry: LifecyclePolicyProblem = { severity: "error", path, message: `${problem} Fix: ${fix}` };
    if (rulePriority !== undefined) entry.rulePriority = rulePriority;
    this.list.push(entry);
  }
}

export function checkUnknownKeys(
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

/** An object nested in a rule (its selection or its action): its name, fields and the fix when it is absent. */
export interface RulePart {
  name: "selection" | "action";
  where: string;
  keys: readonly string[];
  fix: string;
}

/**
 * The part as a record, its unknown fields reported; undefined (with an error recorded) when it is
 * missing or not an object.
 */
export function readPart(
  problems: Problems,
  value: Json,
  part: RulePart,
  path: string,
  priority: number | undefined,
): Record<string, Json> | undefined {
  if (!isRecord(value)) {
    problems.error(
      path,
      priority,
      value === undefined
        ? `${part.name} is missing.`
        : `${part.name} must be an object, got ${kindOf(value)}.`,
      part.fix,
    );
    return undefined;
  }
  checkUnknownKeys(problems, value, part.keys, path, priority, part.where);
  return value;
}
