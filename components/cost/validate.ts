/**
 * Input checks for the cost model. Every error names the field and shows the value it got, because
 * the values usually come from stack config and the reader has to find the typo.
 */
import type { RegionPricing } from "./types";

/** Renders a received value for an error message: numbers as JS prints them, the rest as JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === "number" || typeof value === "bigint" || value === undefined) return String(value);
  if (typeof value === "function") return "a function";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A finite number at least `min`; returns it so callers can assign. */
export function requireNumberAtLeast(value: unknown, field: string, min: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw new Error(`${field} must be a finite number >= ${min}, got ${describeValue(value)}`);
  }
  return value;
}

export function requireNonNegative(value: unknown, field: string): number {
  return requireNumberAtLeast(value, field, 0);
}

/** `value` when given, else `fallback`; a given value must be a finite number >= 0. */
export function optionalNonNegative(value: unknown, field: string, fallback: number): number {
  return value === undefined ? fallback : requireNonNegative(value, field);
}

/** Throws unless `pricing` is a complete, well-formed rate card. */
export function validatePricing(pricing: unknown, field: string): RegionPricing {
  if (typeof pricing !== "object" || pricing === null || Array.isArray(pricing)) {
    throw new Error(`${field} must be an object, got ${describeValue(pricing)}`);
  }
  const card = pricing as Record<string, unknown>;
  for (const key of [
    "storagePerGBMonth",
    "internetFreeGB",
    "natPerGB",
    "interRegionPerGB",
    "enhancedScanPerImage",
    "enhancedRescanPerImage",
  ] as const) {
    requireNonNegative(card[key], `${field}.${key}`);
  }
  const tiers = card["internetEgressTiers"];
  if (!Array.isArray(tiers) || tiers.length === 0) {
    throw new Error(`${field}.internetEgressTiers must be a non-empty array, got ${describeValue(tiers)}`);
  }
  let previousUpToGB = 0;
  tiers.forEach((tier: unknown, index) => {
    const tierField = `${field}.internetEgressTiers[${index}]`;
    if (typeof tier !== "object" || tier === null) {
      throw new Error(`${tierField} must be an object { upToGB, perGB }, got ${describeValue(tier)}`);
    }
    const { upToGB, perGB } = tier as Record<string, unknown>;
    requireNonNegative(perGB, `${tierField}.perGB`);
    const isLast = index === tiers.length - 1;
    if (isLast && upToGB !== Infinity) {
      throw new Error(
        `${tierField}.upToGB must be Infinity (the last tier is open-ended), got ${describeValue(upToGB)}`,
      );
    }
    if (!isLast && (typeof upToGB !== "number" || !Number.isFinite(upToGB))) {
      throw new Error(
        `${tierField}.upToGB must be a finite number (only the last tier is open-ended), got ${describeValue(upToGB)}`,
      );
    }
    if ((upToGB as number) <= previousUpToGB) {
      throw new Error(
        `${tierField}.upToGB must be greater than ${previousUpToGB} (the previous tier's end), got ${describeValue(upToGB)}`,
      );
    }
    previousUpToGB = upToGB as number;
  });
  return pricing as RegionPricing;
}
