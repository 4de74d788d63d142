/**
 * What every fuzz property of the pure modules checks per case (issue 12): the call returns, or throws
 * the project's InvalidInputError, within TIME_BOUND_MS of CPU time, and the numbers it returns are
 * finite and >= 0. CPU time of this process (process.cpuUsage), not wall time: the machine is shared.
 *
 * A property that accepts a rejection as a valid outcome also passes for a function that rejects every
 * input (seen in issue 19: estimateMonthlyCost planted to throw on every input passed its property). So
 * each such property runs inside withSuccessShare, which counts its outcomes and fails it when fewer
 * than its floor of the cases returned.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { CostEstimate } from "../../components/cost";
import { InvalidInputError } from "../../components/common/errors";

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

/** The outcomes of one property's cases: how many returned, how many were rejected with a typed error. */
export class Outcomes {
  returned = 0;
  rejected = 0;

  /** Counts one case: true when it returned, false when it was rejected with the expected typed error. */
  record(returned: boolean): void {
    if (returned) this.returned += 1;
    else this.rejected += 1;
  }

  /** One fuzz case: timed within the bound; what it returned, or undefined for an InvalidInputError. */
  returnedOrRejected<T>(run: () => T, shape: () => string): T | undefined {
    const outcome = timedCase(run, shape);
    this.record("value" in outcome);
    return valueOrInputError(outcome);
  }
}

/** The share of the cases that returned, printed and compared with the property's floor. */
export function assertSuccessShare(property: string, outcomes: Outcomes, floor: number): number {
  assert.ok(floor > 0 && floor <= 1, `${property}: a floor must be in (0, 1], got ${floor}`);
  const cases = outcomes.returned + outcomes.rejected;
  const share = cases === 0 ? 0 : outcomes.returned / cases;
  const seen = `${outcomes.returned} of ${cases} cases returned (${percent(share)})`;
  console.log(`      ${property}: ${seen}, floor ${percent(floor)}`);
  assert.ok(
    share >= floor,
    `${property}: ${seen}, under the floor of ${percent(floor)}. The property accepts a rejection, so it ` +
      "tests little when this few cases get through: does the function reject valid input, or does the " +
      "generator make too little of it?",
  );
  return share;
}

const percent = (share: number): string => `${(100 * share).toFixed(1)}%`;

/**
 * Runs `body` (one property: fc.assert over cases that count their outcomes in the Outcomes it is
 * given), then asserts that at least `floor` of the cases returned rather than being rejected.
 */
export function withSuccessShare(
  property: string,
  floor: number,
  body: (outcomes: Outcomes) => void,
): number {
  const outcomes = new Outcomes();
  body(outcomes);
  return assertSuccessShare(property, outcomes, floor);
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

/**
 * The property most pure functions share: every case drawn from `arbitrary` (FUZZ_RUNS of them, seeded)
 * either returns within the time bound, and `check` accepts what it returned, or is rejected with an
 * InvalidInputError; and at least `floor` of the cases return (withSuccessShare). `shape` describes a case
 * for the time bound's message.
 */
export function returnsOrRejects<I, T>(
  property: string,
  floor: number,
  arbitrary: fc.Arbitrary<I>,
  run: (input: I) => T,
  check: (value: T, input: I) => void,
  shape: (input: I) => string = size,
): number {
  return withSuccessShare(property, floor, (outcomes) =>
    fc.assert(
      fc.property(arbitrary, (input) => {
        const value = outcomes.returnedOrRejected(
          () => run(input),
          () => shape(input),
        );
        if (value !== undefined) check(value, input);
      }),
      options,
    ),
  );
}
