/**
 * Fuzz suite for the pure modules this branch bounds (issue 12): every function returns, or throws the
 * project's InvalidInputError, within TIME_BOUND_MS of CPU time per case, and every number it returns
 * is finite and >= 0. validateLifecyclePolicy never throws at all (a throw is an InternalError: a bug).
 * Seeded, FUZZ_RUNS cases per function (default 10,000; `FUZZ_RUNS=100000 npm run test:unit` to dig).
 * CPU time of this process (process.cpuUsage), not wall time: the machine is shared, and other
 * processes' load stretches wall time but hardly this process's CPU time.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { estimateMonthlyCost, formatCostReport } from "../../components/cost";
import {
  renderLifecyclePolicy,
  simulateLifecycle,
  steadyStateRetention,
  validateLifecyclePolicy,
} from "../../components/lifecycle";
import { evaluateSizeBudget } from "../../components/size/budget";
import {
  budgetInputArb,
  cadenceArb,
  costInputArb,
  imagesArb,
  nowArb,
  policyArb,
  reportInputArb,
  rulesArb,
  validatorInputArb,
} from "../../tools/lib/fuzz-arbitraries";
import {
  assertAmounts,
  estimateAmounts,
  FUZZ_RUNS,
  options,
  size,
  returnsOrRejects,
  TIME_BOUND_MS,
  timedCase,
} from "../helpers/fuzz";

describe(`fuzz: the pure modules, ${FUZZ_RUNS} seeded cases each, ${TIME_BOUND_MS} ms CPU per case (issue 12)`, function () {
  this.timeout(300_000);

  it("steadyStateRetention: finite counts and bytes, or InvalidInputError", () => {
    returnsOrRejects(
      "steadyStateRetention",
      0.35,
      fc.tuple(policyArb, cadenceArb),
      ([policy, cadence]) =>
        steadyStateRetention(policy as Parameters<typeof steadyStateRetention>[0], cadence),
      (result) => {
        assertAmounts(
          [
            result.retainedImages,
            result.retainedBytes,
            result.archivedImages,
            result.unselectedImages,
            ...result.byRule.map((share) => share.retainedImages),
          ],
          "steady state",
        );
        assert.ok(Number.isInteger(result.retainedImages) && result.archivedImages <= result.retainedImages);
      },
      ([policy, cadence]) => `policy ${size(policy)}, cadence ${size(cadence)}`,
    );
  });

  it("simulateLifecycle: one outcome per image and finite byte sums, or InvalidInputError", () => {
    returnsOrRejects(
      "simulateLifecycle",
      0.35,
      fc.tuple(policyArb, imagesArb, nowArb),
      ([policy, images, now]) =>
        simulateLifecycle(policy as Parameters<typeof simulateLifecycle>[0], images, now),
      (result, [, images]) => {
        assert.equal(result.images.length, images.length);
        assert.equal(result.expired.length + result.transitioned.length + result.kept.length, images.length);
        assertAmounts([result.expiredBytes, result.transitionedBytes, result.keptBytes], "bytes");
      },
      ([policy, images]) => `policy ${size(policy)}, ${images.length} images`,
    );
  });

  it("validateLifecyclePolicy: never throws (a throw is an InternalError), problems are well formed", () => {
    const severities = new Set(["error", "warning"]);
    fc.assert(
      fc.property(validatorInputArb, (input) => {
        const outcome = timedCase(
          () => validateLifecyclePolicy(input),
          () => `${typeof input}, ${size(input)}`,
        );
        assert.ok("value" in outcome, `threw ${"error" in outcome ? String(outcome.error) : ""}`);
        for (const problem of outcome.value) {
          assert.ok(severities.has(problem.severity));
          assert.equal(typeof problem.path, "string");
          assert.match(problem.message, / Fix: /);
          assert.doesNotMatch(problem.message, /could not be read/);
        }
      }),
      options,
    );
  });

  it("renderLifecyclePolicy: whole, distinct assigned priorities, or InvalidInputError", () => {
    returnsOrRejects(
      "renderLifecyclePolicy",
      0.5,
      rulesArb,
      (rules) => renderLifecyclePolicy(rules),
      (text, rules) => {
        const rendered = JSON.parse(text) as { rules: { rulePriority: unknown }[] };
        const explicit = new Set(rules.map((rule) => rule.rulePriority).filter((p) => p !== undefined));
        const assigned = rendered.rules
          .map((rule) => rule.rulePriority)
          .filter((p) => !explicit.has(p as number));
        for (const priority of assigned) assert.ok(Number.isSafeInteger(priority), String(priority));
        assert.equal(
          new Set(assigned).size,
          assigned.length,
          `duplicate assigned priorities ${JSON.stringify(assigned)}`,
        );
      },
      (rules) => `${rules.length} rules`,
    );
  });

  it("estimateMonthlyCost: every amount finite and >= 0, or InvalidInputError naming the key", () => {
    returnsOrRejects("estimateMonthlyCost", 0.4, costInputArb, estimateMonthlyCost, (estimate) =>
      assertAmounts(estimateAmounts(estimate), "estimate"),
    );
  });

  it("formatCostReport: ASCII text with no NaN or Infinity, or InvalidInputError", () => {
    returnsOrRejects(
      "formatCostReport",
      0.65,
      reportInputArb,
      ([estimate, context]) => formatCostReport(estimate, context),
      (report) => {
        assert.match(report, /^[\x20-\x7e\n]*$/);
        // Notes print the caller's counts as JavaScript does (1e+21 for a custom tier bound); amounts never NaN.
        assert.doesNotMatch(report, /NaN|Infinity/);
      },
      ([estimate]) => `${estimate.lines.length} lines`,
    );
  });

  it("evaluateSizeBudget: a known status and a message, or InvalidInputError", () => {
    const statuses = new Set(["ok", "warn", "fail", "unchecked"]);
    returnsOrRejects("evaluateSizeBudget", 0.55, budgetInputArb, evaluateSizeBudget, (verdict) => {
      assert.ok(statuses.has(verdict.status), verdict.status);
      assert.doesNotMatch(verdict.message, /NaN|Infinity/);
    });
  });
});
