/**
 * What every fuzz property of the pure modules checks per case (issue 12): the call returns, or throws
 * the project's InvalidInputError, within TIME_BOUND_MS of CPU time, and the numbers it returns are
 * finite and >= 0. CPU time of this process (process.cpuUsage), not wall time: the machine is shared.
 */
import assert from "node:assert/strict";
import type { CostEstimate } from "../../components/cost";
import { InvalidInputError } from "../../components/errors";

export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
export const FUZZ_SEED = 20_261_130;
export const TIME_BOUND_MS = 100;

export type Outcome<T> = { value: T } | { error: unknown };

/** Runs one case, asserts the time bound, and returns what it returned or threw. */
export function timedCase<T>(run: () => T, shape: () => string): Outcome<T> {
  const start = process.cpuUsage();
  let outcome: Outcome<T>;
  try {
    outcome = { value: run() };
  } catch (error) {
    outcome = { error };
  }
  const used = process.cpuUsage(start);
  const ms = (used.user + used.system) / 1000;
  assert.ok(ms < TIME_BOUND_MS, `${ms.toFixed(1)} ms of CPU for ${shape()}`);
  return outcome;
}

/** A throw is only acceptable as our own typed input error. */
export function valueOrInputError<T>(outcome: Outcome<T>): T | undefined {
  if ("value" in outcome) return outcome.value;
  const { error } = outcome;
  assert.ok(error instanceof InvalidInputError, `not an InvalidInputError: ${String(error)}`);
  assert.ok(error.key.length > 0 && error.message.length > 0);
  return undefined;
}

/** One fuzz case: timed within the bound, and what it returned, or undefined for an InvalidInputError. */
export function returnedOrRejected<T>(run: () => T, shape: () => string): T | undefined {
  return valueOrInputError(timedCase(run, shape));
}

export function assertAmounts(values: readonly number[], where: string): void {
  values.forEach((value, i) => assert.ok(Number.isFinite(value) && value >= 0, `${where}[${i}] = ${value}`));
}

export const size = (value: unknown): string => {
  try {
    return `${(JSON.stringify(value) ?? "").length} chars of JSON`;
  } catch {
    return "an unserializable value";
  }
};

export const options = { numRuns: FUZZ_RUNS, seed: FUZZ_SEED };

/** Every amount of a cost estimate: the totals and each line's quantity, rate and USD. */
export function estimateAmounts(estimate: CostEstimate): number[] {
  return [
    estimate.storageUsd,
    estimate.transferUsd,
    estimate.scanningUsd,
    estimate.replicationUsd,
    estimate.totalUsd,
    ...estimate.lines.flatMap((line) => [line.quantity, line.rate, line.usd]),
  ];
}
