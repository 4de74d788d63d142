/**
 * How one arg is read and checked, for every resolver of ./: a choice, a number, a boolean, a list of
 * strings, the cache tag. Each takes the arg as the user wrote it, returns it (or its default) and throws
 * an InvalidArgumentError naming `caller` (the component the user called), the arg, the value and the
 * fix. An arg that may be an Output is checked with `checkedInput` (../common/outputs.ts).
 */
import type { ArgumentProblem } from "../common/argument-problem";
import { InvalidArgumentError } from "../common/errors";
import { CONTENT_TAG_PREFIX, DEFAULT_CACHE_TAG, IMAGE_TAG_PATTERN, IMAGE_TAG_RULE } from "../common/tags";
import { describeValue } from "../cost/validate";

/** One of `allowed`, or `fallback` when unset. */
export function oneOf<T extends string>(
  caller: string,
  argument: string,
  value: T | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) {
    throw new InvalidArgumentError(
      caller,
      argument,
      `got ${describeValue(value)}`,
      `Use one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}.`,
    );
  }
  return value;
}

/** A plain number arg that must pass `accepts`; `rule` is the fix the error gives. */
export function numberArg(
  caller: string,
  argument: string,
  value: number | undefined,
  fallback: number,
  accepts: (value: number) => boolean,
  rule: string,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !accepts(value)) {
    throw new InvalidArgumentError(caller, argument, `got ${describeValue(value)}`, rule);
  }
  return value;
}

/** A plain boolean arg; a string such as "false" would read as true, so anything else is rejected. */
export function booleanArg(
  caller: string,
  argument: string,
  value: boolean | undefined,
  fallback: boolean,
): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new InvalidArgumentError(
      caller,
      argument,
      `got ${describeValue(value)}`,
      "Use true or false (a boolean, not a string).",
    );
  }
  return value;
}

/** A plain list of strings, e.g. region names. */
export function stringListArg(
  caller: string,
  argument: string,
  value: readonly string[] | undefined,
  fallback: readonly string[],
  example: string,
): string[] {
  if (value === undefined) return [...fallback];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new InvalidArgumentError(
      caller,
      argument,
      `got ${describeValue(value)}`,
      `Use a list of strings, e.g. ${example}.`,
    );
  }
  return [...value];
}

export const isPositiveInteger = (value: number): boolean => Number.isInteger(value) && value >= 1;
export const isFiniteNonNegative = (value: number): boolean => Number.isFinite(value) && value >= 0;

/** `cacheTag` (EcrRepository and BuildKitImage both take it): a valid tag, not a content tag. */
export function validateCacheTag(caller: string, cacheTag: string | undefined): string {
  const tag: unknown = cacheTag ?? DEFAULT_CACHE_TAG;
  // A regex test coerces: `cacheTag: 0` matched as "0" and then failed as a number further on.
  if (typeof tag !== "string" || !IMAGE_TAG_PATTERN.test(tag)) {
    throw new InvalidArgumentError(
      caller,
      "cacheTag",
      `${describeValue(tag)} is not a valid image tag`,
      `Use ${IMAGE_TAG_RULE}.`,
    );
  }
  if (tag.startsWith(CONTENT_TAG_PREFIX)) {
    // The lifecycle's keep-N rule selects the content tags by this prefix: the cache would count as a
    // build, and be expired like one (components/lifecycle/presets.ts refuses to build that policy).
    throw new InvalidArgumentError(
      caller,
      "cacheTag",
      `${JSON.stringify(tag)} starts with "${CONTENT_TAG_PREFIX}", the prefix of the content tags the lifecycle policy keeps a number of`,
      `Use a tag that does not start with "${CONTENT_TAG_PREFIX}", e.g. "${DEFAULT_CACHE_TAG}".`,
    );
  }
  return tag;
}

/**
 * Stops at the first of `problems` (the plain checks of ./input-checks.ts, ./build-secrets.ts,
 * ./registry-scanning.ts and ../buildkit/tag-policy.ts return them as values): an InvalidArgumentError
 * naming `caller`, the argument as the user wrote it, the value and the fix.
 */
export function throwFirstProblem(caller: string, problems: readonly ArgumentProblem[]): void {
  const [first] = problems;
  if (first !== undefined) throw new InvalidArgumentError(caller, first.argument, first.problem, first.fix);
}

/**
 * A problem that only warns, as one line for the log of the component it concerns: the argument, what
 * is wrong, the fix (`secrets.npm is passed to the build, but … Mount it …`).
 */
export function warningLine(problem: ArgumentProblem): string {
  return `${problem.argument} ${problem.problem}. ${problem.fix}`;
}
