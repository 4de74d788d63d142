import assert from "node:assert/strict";
import fc from "fast-check";
import {
  buildLifecyclePolicyDocument,
  buildLifecyclePreset,
  type LifecycleImage,
  renderLifecyclePolicy,
  simulateLifecycle,
  validateLifecyclePolicy,
} from "../../components/lifecycle";
import { validRulesArb } from "../../tools/lib/fuzz-arbitraries";

const NOW = new Date("2026-11-22T00:00:00Z");
const DAY = 86_400_000;

describe("lifecycle properties (fast-check)", () => {
  it("render → parse → validate round-trips with no errors, and rendering is idempotent", () => {
    fc.assert(
      fc.property(validRulesArb, (rules) => {
        const text = renderLifecyclePolicy(rules);
        const parsed = JSON.parse(text);
        assert.deepEqual(parsed, buildLifecyclePolicyDocument(rules));
        assert.deepEqual(
          validateLifecyclePolicy(text).filter((p) => p.severity === "error"),
          [],
        );
        assert.equal(renderLifecyclePolicy(parsed.rules), text);
        const priorities: number[] = parsed.rules.map((r: { rulePriority: number }) => r.rulePriority);
        assert.deepEqual(
          priorities,
          [...priorities].sort((a, b) => a - b),
        );
      }),
      { numRuns: 300 },
    );
  });

  const tagArb = fc.constantFrom(
    "deployed-prod",
    "deployed-dev",
    "release-1.4.0",
    "ctx-00aa",
    "ctx-00bb",
    "v1",
    "feat-x",
    "buildcache",
    "x-rc1",
    "prod",
    "abcd",
  );
  const imagesArb = fc
    .array(
      fc.record({
        tags: fc.uniqueArray(tagArb, { maxLength: 3 }),
        pushedDaysAgo: fc.integer({ min: 0, max: 400 }),
        pulledDaysAgo: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
      }),
      { maxLength: 30 },
    )
    .map((specs) =>
      specs.map((spec, i): LifecycleImage => ({
        digest: `sha256:${i}`,
        tags: spec.tags,
        pushedAt: new Date(NOW.getTime() - spec.pushedDaysAgo * DAY),
        ...(spec.pulledDaysAgo === undefined
          ? {}
          : { lastPulledAt: new Date(NOW.getTime() - spec.pulledDaysAgo * DAY) }),
        sizeBytes: 1000,
      })),
    );

  it("no policy that starts with the protected rules ever expires or archives a protected image", () => {
    const protectedRules = buildLifecyclePreset("dev").slice(0, 2);
    fc.assert(
      fc.property(validRulesArb, imagesArb, (rules, images) => {
        const policy = [...protectedRules, ...rules.map(({ rulePriority: _omit, ...rest }) => rest)];
        const result = simulateLifecycle(renderLifecyclePolicy(policy), images, NOW);
        images.forEach((image, i) => {
          if (image.tags.some((tag) => tag.startsWith("deployed-") || tag.startsWith("release-"))) {
            assert.equal(result.images[i]?.action, "keep", `${image.digest} ${JSON.stringify(image.tags)}`);
          }
        });
        // Every image gets exactly one outcome.
        assert.equal(result.expired.length + result.transitioned.length + result.kept.length, images.length);
      }),
      { numRuns: 300 },
    );
  });

  it("the validator never throws and returns well-formed problems for arbitrary JSON, objects and text", () => {
    const severities = new Set(["error", "warning"]);
    const check = (input: string | object): void => {
      const problems = validateLifecyclePolicy(input);
      assert.ok(Array.isArray(problems));
      for (const problem of problems) {
        assert.ok(severities.has(problem.severity));
        assert.equal(typeof problem.path, "string");
        assert.match(problem.message, / Fix: /);
      }
    };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        check(JSON.stringify(value) ?? "null");
        if (typeof value === "object" && value !== null) check(value);
        check({ rules: [value] });
        check({ rules: [{ rulePriority: 1, selection: value, action: value }] });
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string(), (text) => check(text)),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.anything(), (value) => check({ rules: [value, value] })),
      { numRuns: 200 },
    );
  });
});
