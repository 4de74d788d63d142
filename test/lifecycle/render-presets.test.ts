import assert from "node:assert/strict";
import {
  buildLifecyclePreset,
  LIFECYCLE_PRESET_RETENTION,
  lifecyclePresets,
  type LifecycleRule,
  renderLifecyclePolicy,
  validateLifecyclePolicy,
} from "../../components/lifecycle";

const untagged: LifecycleRule = {
  selection: { tagStatus: "untagged", countType: "sinceImagePushed", countNumber: 3 },
};
const anyKeep: LifecycleRule = {
  selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 50 },
};
const builds: LifecycleRule = {
  description: "builds",
  selection: {
    tagStatus: "tagged",
    tagPrefixList: ["ctx-"],
    countType: "imageCountMoreThan",
    countNumber: 5,
  },
};

describe("renderLifecyclePolicy", () => {
  it("assigns omitted priorities in input order with the any rule last, and fills defaults", () => {
    const parsed = JSON.parse(renderLifecyclePolicy([anyKeep, untagged, builds]));
    assert.deepEqual(parsed, {
      rules: [
        {
          rulePriority: 1,
          selection: {
            tagStatus: "untagged",
            countType: "sinceImagePushed",
            countUnit: "days",
            countNumber: 3,
          },
          action: { type: "expire" },
        },
        {
          rulePriority: 2,
          description: "builds",
          selection: {
            tagStatus: "tagged",
            tagPrefixList: ["ctx-"],
            countType: "imageCountMoreThan",
            countNumber: 5,
          },
          action: { type: "expire" },
        },
        {
          rulePriority: 3,
          selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 50 },
          action: { type: "expire" },
        },
      ],
    });
  });

  it("keeps explicit priorities, numbers the rest after them and sorts by priority", () => {
    const parsed = JSON.parse(
      renderLifecyclePolicy([{ ...untagged, rulePriority: 20 }, builds, { ...anyKeep }]),
    );
    assert.deepEqual(
      parsed.rules.map((r: { rulePriority: number; selection: { tagStatus: string } }) => [
        r.rulePriority,
        r.selection.tagStatus,
      ]),
      [
        [20, "untagged"],
        [21, "tagged"],
        [22, "any"],
      ],
    );
  });

  it("defaults storageClass to archive for sinceImageTransitioned and writes keys in a fixed order", () => {
    const text = renderLifecyclePolicy([
      {
        selection: { countNumber: 120, countType: "sinceImageTransitioned", tagStatus: "any" },
        description: "old",
      },
    ]);
    assert.equal(
      text,
      JSON.stringify(
        {
          rules: [
            {
              rulePriority: 1,
              description: "old",
              selection: {
                tagStatus: "any",
                storageClass: "archive",
                countType: "sinceImageTransitioned",
                countUnit: "days",
                countNumber: 120,
              },
              action: { type: "expire" },
            },
          ],
        },
        null,
        2,
      ),
    );
    assert.deepEqual(
      validateLifecyclePolicy(text).filter((p) => p.severity === "error"),
      [],
    );
  });

  it("is deterministic: the same rules give the same bytes", () => {
    const first = renderLifecyclePolicy(lifecyclePresets.prod.rules);
    const second = renderLifecyclePolicy(buildLifecyclePreset("prod"));
    assert.equal(first, second);
  });
});

describe("lifecycle presets", () => {
  const expected = {
    dev: { keepBuilds: 10, untaggedDays: 1 },
    staging: { keepBuilds: 30, untaggedDays: 7 },
    prod: { keepBuilds: 100, untaggedDays: 14 },
  } as const;
  for (const name of ["dev", "staging", "prod"] as const) {
    it(`${name} validates with zero errors and zero warnings under the default options`, () => {
      assert.deepEqual(validateLifecyclePolicy(renderLifecyclePolicy(lifecyclePresets[name].rules)), []);
    });
    it(`${name} starts with the protected-tag keep rules, then keeps ${expected[name].keepBuilds} ctx- builds and ${expected[name].untaggedDays} day(s) of untagged images`, () => {
      assert.deepEqual(LIFECYCLE_PRESET_RETENTION[name], expected[name]);
      const rules = lifecyclePresets[name].rules;
      assert.deepEqual(
        rules.map((r) => [
          r.rulePriority,
          r.selection.tagStatus,
          r.selection.tagPrefixList,
          r.selection.countType,
          r.selection.countNumber,
        ]),
        [
          [1, "tagged", ["deployed-"], "imageCountMoreThan", 100_000],
          [2, "tagged", ["release-"], "imageCountMoreThan", 100_000],
          [3, "tagged", ["ctx-"], "imageCountMoreThan", expected[name].keepBuilds],
          [4, "untagged", undefined, "sinceImagePushed", expected[name].untaggedDays],
        ],
      );
    });
  }

  it("follows custom tag conventions and still validates cleanly with the same options", () => {
    const options = { cacheTag: "cache", protectedTagPrefixes: ["live-"], contentTagPrefix: "build-" };
    const rules = buildLifecyclePreset("staging", options);
    assert.deepEqual(
      rules.map((r) => r.selection.tagPrefixList),
      [["live-"], ["build-"], undefined],
    );
    assert.deepEqual(validateLifecyclePolicy(renderLifecyclePolicy(rules), options), []);
  });

  it("refuses a content prefix that would select the cache image", () => {
    assert.throws(() => buildLifecyclePreset("dev", { contentTagPrefix: "build", cacheTag: "buildcache" }), {
      message: 'Content tag prefix "build" must be non-empty and must not match the cache tag "buildcache".',
    });
  });
});

describe("renderLifecyclePolicy: priorities it can assign, and typed errors (issue 12)", () => {
  const untagged: LifecycleRule = {
    selection: { tagStatus: "untagged", countType: "sinceImagePushed", countNumber: 1 },
  };
  const ctxKeep: LifecycleRule = {
    selection: {
      tagStatus: "tagged",
      tagPrefixList: ["ctx-"],
      countType: "imageCountMoreThan",
      countNumber: 5,
    },
  };

  it("rejects a fractional priority instead of assigning 2.5 after 1.5", () => {
    assert.throws(() => renderLifecyclePolicy([{ ...ctxKeep, rulePriority: 1.5 }, untagged]), {
      name: "InvalidInputError",
      key: "rules[0].rulePriority",
      message:
        "rules[0].rulePriority is 1.5; ECR's rulePriority is a whole number (https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html (rulePriority: Type: integer; unique)) and the renderer assigns the next ones after it. Fix: use a whole number from 1 to 9007199254740991, or omit it.",
    });
    assert.throws(() => renderLifecyclePolicy([{ ...ctxKeep, rulePriority: Number.NaN }]), {
      name: "InvalidInputError",
      key: "rules[0].rulePriority",
    });
  });

  it("rejects 2^53 − 1 when rules without a priority would need numbers after it (they collided)", () => {
    assert.throws(
      () =>
        renderLifecyclePolicy([{ ...ctxKeep, rulePriority: Number.MAX_SAFE_INTEGER }, untagged, untagged]),
      {
        name: "InvalidInputError",
        key: "rules[0].rulePriority",
        message:
          "rules[0].rulePriority is 9007199254740991, which leaves no whole numbers for the 2 rule(s) without a priority (they get the numbers after the highest). Fix: use a smaller rulePriority, or give every rule one.",
      },
    );
    // The same rule object passed twice gets two numbers (it got one, twice, when keyed by object).
    const twice = JSON.parse(renderLifecyclePolicy([untagged, untagged])) as {
      rules: { rulePriority: number }[];
    };
    assert.deepEqual(
      twice.rules.map((rule) => rule.rulePriority),
      [1, 2],
    );
    // With room left, the assigned numbers are distinct whole numbers.
    const rendered = JSON.parse(
      renderLifecyclePolicy([{ ...ctxKeep, rulePriority: Number.MAX_SAFE_INTEGER - 2 }, untagged, untagged]),
    ) as { rules: { rulePriority: number }[] };
    assert.deepEqual(
      rendered.rules.map((rule) => rule.rulePriority),
      [Number.MAX_SAFE_INTEGER - 2, Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER],
    );
  });

  it("throws InvalidInputError, not a raw RangeError or TypeError, for 200,000 rules or a rule that is not an object", () => {
    const many = Array.from({ length: 200_000 }, (_, i) => ({ ...ctxKeep, rulePriority: i + 1 }));
    assert.throws(() => renderLifecyclePolicy(many), {
      name: "InvalidInputError",
      key: "rules",
      message:
        "rules has 200000 entries; renderLifecyclePolicy accepts at most 10000 (ECR's 30720-character policy limit holds about 260). Fix: merge or remove rules.",
    });
    assert.throws(() => renderLifecyclePolicy([null as unknown as LifecycleRule]), {
      name: "InvalidInputError",
      key: "rules[0]",
    });
    assert.throws(
      () =>
        renderLifecyclePolicy([
          { selection: { ...ctxKeep.selection, tagPrefixList: 7 as unknown as string[] } },
        ]),
      { name: "InvalidInputError", key: "rules[0].selection.tagPrefixList" },
    );
  });
});
