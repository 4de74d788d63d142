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
