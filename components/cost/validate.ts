/**
 * Input checks for the cost model. Every error names the field and shows the value it got, because
 * the values usually come from stack config and the reader has to find the typo.
 */
import { InvalidInputError } from "../common/errors";
import type { RegionPricing } from "./types";

/**
 * Upper bounds that keep every product of the estimate finite (issue 12: imageBytes 1e308 with free
 * same-region pulls gave Infinity GB × $0 = NaN). Far above any real repository: 1 PiB per image,
 * 1e18 images or pulls a month, $1,000,000 per unit, 100 destination regions.
 */
export const COST_LIMITS = {
  bytes: 2 ** 50,
  count: 1e18,
  usdPerUnit: 1e6,
  tiers: 100,
  replicationRegions: 100,
  regionNameLength: 100,
  /** An unbounded replica is priced at most 100 years out: past that the growth line says nothing useful. */
  horizonMonths: 1_200,
} as const;

/**
 * Renders a received value for an error message: numbers as JS prints them, the rest as JSON. Never
 * throws: a message about a bad value must not fail on it (a cycle, or an object whose toString is not
 * a function: test/fuzz/pipeline-args.test.ts found that).
 */
export function describeValue(value: unknown): string {
  if (typeof value === "number" || typeof value === "bigint" || value === undefined) return String(value);
  if (typeof value === "function") return "a function";
  if (isPendingValue(value)) return PENDING_TEXT;
  try {
    // An Output inside a list or map: JSON.stringify would call its toJSON, which returns the SDK's
    // "Calling [toJSON] on an [Output<T>] is not supported…" paragraph (and may throw in a later SDK).
    const json = JSON.stringify(withoutPending(value, 0));
    if (json !== undefined) return json;
  } catch {
    // Not JSON (a cycle): what String() says, below.
  }
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** How describeValue shows an Output or a Promise given where a plain value is needed. */
const PENDING_TEXT =
  "an Output (its value is only known when it resolves; this argument takes a plain value)";

/**
 * Whether `value` is a Pulumi Output (duck-typed on the SDK's `__pulumiOutput` marker, output.ts
 * `Output.isInstance`: the cost model does not import the Pulumi runtime) or a Promise.
 */
function isPendingValue(value: unknown): boolean {
  if (value instanceof Promise) return true;
  if (value === null || typeof value !== "object") return false;
  try {
    return (value as { __pulumiOutput?: unknown }).__pulumiOutput === true;
  } catch {
    return false;
  }
}

/** `value` with every Output or Promise in a plain list or map replaced by "<Output>", for JSON. */
function withoutPending(value: unknown, depth: number): unknown {
  if (isPendingValue(value)) return "<Output>";
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => withoutPending(item, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, withoutPending(item, depth + 1)]),
  );
}

/** A finite number at least `min` and at most the field's limit; returns it so callers can assign. */
export function requireNumberAtLeast(
  value: unknown,
  field: string,
  min: number,
  max: number = COST_LIMITS.count,
): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw new InvalidInputError(
      field,
      `${field} must be a finite number >= ${min}, got ${describeValue(value)}`,
    );
  }
  if (value > max) {
    throw new InvalidInputError(
      field,
      `${field} is ${value}; the cost model accepts at most ${max} so that every amount it returns stays a finite number. Fix: check the unit (bytes, per month) or pass a value <= ${max}`,
    );
  }
  return value;
}

export function requireNonNegative(value: unknown, field: string, max: number = COST_LIMITS.count): number {
  return requireNumberAtLeast(value, field, 0, max);
}

/** `value` when given, else `fallback`; a given value must be a finite number >= 0. */
export function optionalNonNegative(
  value: unknown,
  field: string,
  fallback: number,
  max: number = COST_LIMITS.count,
): number {
  return value === undefined ? fallback : requireNonNegative(value, field, max);
}

/** `value` when it is one of `allowed`, else `fallback` when undefined; anything else throws naming the field. */
export function optionalOneOf<T extends string>(
  value: unknown,
  field: string,
  allowed: readonly T[],
  fallback: T,
  what: string,
): T {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidInputError(
      field,
      `${field} must be one of ${allowed.map((each) => JSON.stringify(each)).join(", ")} (${what}), got ${describeValue(value)}`,
    );
  }
  return value as T;
}

/** Throws unless `pricing` is a complete, well-formed rate card. */
export function validatePricing(pricing: unknown, field: string): RegionPricing {
  if (typeof pricing !== "object" || pricing === null || Array.isArray(pricing)) {
    throw new InvalidInputError(field, `${field} must be an object, got ${describeValue(pricing)}`);
  }
  const card = pricing as Record<string, unknown>;
  for (const key of [
    "storagePerGBMonth",
    "internetFreeGB",
    "natPerGB",
    "interfaceEndpointPerGB",
    "interRegionPerGB",
    "enhancedScanPerImage",
    "enhancedRescanPerImage",
  ] as const) {
    const max = key === "internetFreeGB" ? COST_LIMITS.count : COST_LIMITS.usdPerUnit;
    requireNonNegative(card[key], `${field}.${key}`, max);
  }
  const tiers = card["internetEgressTiers"];
  if (!Array.isArray(tiers) || tiers.length === 0) {
    throw new InvalidInputError(
      `${field}.internetEgressTiers`,
      `${field}.internetEgressTiers must be a non-empty array, got ${describeValue(tiers)}`,
    );
  }
  if (tiers.length > COST_LIMITS.tiers) {
    throw new InvalidInputError(
      `${field}.internetEgressTiers`,
      `${field}.internetEgressTiers has ${tiers.length} tiers; the cost model accepts at most ${COST_LIMITS.tiers}`,
    );
  }
  let previousUpToGB = 0;
  tiers.forEach((tier: unknown, index) => {
    const tierField = `${field}.internetEgressTiers[${index}]`;
    if (typeof tier !== "object" || tier === null) {
      throw new InvalidInputError(
        tierField,
        `${tierField} must be an object { upToGB, perGB }, got ${describeValue(tier)}`,
      );
    }
    const { upToGB, perGB } = tier as Record<string, unknown>;
    requireNonNegative(perGB, `${tierField}.perGB`, COST_LIMITS.usdPerUnit);
    const isLast = index === tiers.length - 1;
    if (isLast && upToGB !== Infinity) {
      throw new InvalidInputError(
        `${tierField}.upToGB`,
        `${tierField}.upToGB must be Infinity (the last tier is open-ended), got ${describeValue(upToGB)}`,
      );
    }
    if (!isLast && (typeof upToGB !== "number" || !Number.isFinite(upToGB))) {
      throw new InvalidInputError(
        `${tierField}.upToGB`,
        `${tierField}.upToGB must be a finite number (only the last tier is open-ended), got ${describeValue(upToGB)}`,
      );
    }
    if ((upToGB as number) <= previousUpToGB) {
      throw new InvalidInputError(
        `${tierField}.upToGB`,
        `${tierField}.upToGB must be greater than ${previousUpToGB} (the previous tier's end), got ${describeValue(upToGB)}`,
      );
    }
    previousUpToGB = upToGB as number;
  });
  return pricing as RegionPricing;
}
