import assert from "node:assert/strict";
import {
  lifecyclePresets,
  type LifecycleRule,
  renderLifecyclePolicy,
  steadyStateRetention,
} from "../../components/lifecycle";

const GB = 1_000_000_000;

describe("steadyStateRetention", () => {
  // 4 content-tagged builds a day, one untagged leftover per push (the superseded cache manifest).
  const cadence = {
    pushesPerDay: [{ tag: "ctx-0123456789abcdef", perDay: 4 }],
    untaggedPerPush: 1,
    imageBytes: 2 * GB,
    uniqueBytesPerImage: 100_000_000,
  };
  const cases = [
    // builds kept + 1 deployed image + untagged pushed within the last D days (4 a day, the one
    // exactly D days old is 1 ms older than D days and goes)
    {
      preset: "dev",
      retained: 10 + 1 + 4 * 1,
      byRule: [
        [1, 1],
        [3, 10],
        [4, 4],
      ],
    },
    {
      preset: "staging",
      retained: 30 + 1 + 4 * 7,
      byRule: [
        [1, 1],
        [3, 30],
        [4, 28],
      ],
    },
    {
      preset: "prod",
      retained: 100 + 1 + 4 * 14,
      byRule: [
        [1, 1],
        [3, 100],
        [4, 56],
      ],
    },
  ] as const;
  for (const { preset, retained, byRule } of cases) {
    it(`${preset}: ${retained} images, bytes by the cost model's storage formula`, () => {
      const result = steadyStateRetention(renderLifecyclePolicy(lifecyclePresets[preset].rules), cadence);
      assert.equal(result.retainedImages, retained);
      assert.equal(result.retainedBytes, 2 * GB + (retained - 1) * 100_000_000);
      assert.deepEqual(
        result.byRule.map((share) => [share.rulePriority, share.retainedImages]),
        byRule.map((pair) => [...pair]),
      );
      assert.equal(result.unselectedImages, 0);
      assert.equal(result.archivedImages, 0);
    });
  }

  it("does not retain deployed images a policy does not shield", () => {
    const keepFive: LifecycleRule[] = [
      {
        selection: {
          tagStatus: "tagged",
          tagPrefixList: ["ctx-"],
          countType: "imageCountMoreThan",
          countNumber: 5,
        },
      },
    ];
    const result = steadyStateRetention(keepFive, { ...cadence, untaggedPerPush: 0, deployedImages: 3 });
    assert.equal(result.retainedImages, 5);
  });

  it("a moving tag leaves the previous image untagged", () => {
    const rules: LifecycleRule[] = [
      { selection: { tagStatus: "untagged", countType: "sinceImagePushed", countNumber: 2 } },
    ];
    const result = steadyStateRetention(rules, {
      pushesPerDay: [{ tag: "latest", perDay: 1, moving: true }],
      deployedImages: 0,
      imageBytes: 100,
    });
    // "latest" plus the untagged images pushed less than 2 days ago (1 day ago; 2 days ago is not older).
    assert.deepEqual([result.retainedImages, result.retainedBytes], [3, 300]);
  });

  it("archived images stay retained until the archive expiry removes them", () => {
    const rules: LifecycleRule[] = [
      {
        selection: {
          tagStatus: "tagged",
          tagPrefixList: ["ctx-"],
          countType: "sinceImagePushed",
          countNumber: 10,
        },
        action: { type: "transition", targetStorageClass: "archive" },
      },
      { selection: { tagStatus: "any", countType: "sinceImageTransitioned", countNumber: 90 } },
    ];
    const result = steadyStateRetention(rules, {
      pushesPerDay: [{ tag: "ctx-0000", perDay: 1 }],
      deployedImages: 0,
      imageBytes: 10,
    });
    // 11 standard (0..10 days old, "older than 10 days" is strict) + 91 archived (0..90 days in
    // archive, one lifecycle run a day).
    assert.deepEqual([result.retainedImages, result.archivedImages], [11 + 91, 91]);
  });

  it("retains nothing, and zero bytes, when every image is expired", () => {
    const result = steadyStateRetention(
      [{ selection: { tagStatus: "any", countType: "sinceImagePushed", countNumber: 1 } }],
      { pushesPerDay: [], deployedImages: 2, imageBytes: 5 },
    );
    assert.deepEqual([result.retainedImages, result.retainedBytes], [0, 0]);
  });

  it("rejects a negative cadence", () => {
    assert.throws(
      () =>
        steadyStateRetention(lifecyclePresets.dev.rules, {
          pushesPerDay: [{ tag: "ctx-1", perDay: -1 }],
          imageBytes: 1,
        }),
      { name: "InvalidInputError", message: "pushesPerDay[0].perDay must be a finite number >= 0, got -1." },
    );
  });

  describe("bounded work (issue 12)", () => {
    const timed = <T>(run: () => T): { value: T; ms: number } => {
      const start = performance.now();
      const value = run();
      return { value, ms: performance.now() - start };
    };
    // Each of these took seconds to forever with one event per push (dev at 1e5 a day: 4.8 s; a
    // 3650-day ctx- expiry at 10 a day: 115 s; 1e7 a day: killed at 7.5 GB).
    const cases: [string, LifecycleRule[], number, number][] = [
      ["dev preset, 1e5 pushes a day", lifecyclePresets.dev.rules, 1e5, 10 + 1 + 1e5],
      ["dev preset, 1e7 pushes a day", lifecyclePresets.dev.rules, 1e7, 10 + 1 + 1e7],
      ["prod preset, 1e12 pushes a day", lifecyclePresets.prod.rules, 1e12, 100 + 1 + 14e12],
      [
        "ctx- expired after 3650 days, 10 pushes a day",
        [
          {
            selection: {
              tagStatus: "tagged",
              tagPrefixList: ["ctx-"],
              countType: "sinceImagePushed",
              countNumber: 3650,
            },
          },
        ],
        10,
        // The history is capped at 3650 days: every push in it (36,501) and the 36,501 leftovers no
        // rule selects; the deployed image carries a ctx- tag and is older than 3650 days.
        36_501 + 36_501,
      ],
    ];
    for (const [name, rules, perDay, retained] of cases) {
      it(`${name}: ${retained} images, in under 100 ms`, () => {
        const { value, ms } = timed(() =>
          steadyStateRetention(rules, {
            ...cadence,
            pushesPerDay: [{ tag: "ctx-0123456789abcdef", perDay }],
          }),
        );
        // At 1e12 a day, 11,574 pushes share each millisecond: the window edge is exact to the ms.
        assert.ok(Math.abs(value.retainedImages - retained) <= retained * 1e-9, `${value.retainedImages}`);
        assert.ok(Number.isFinite(value.retainedBytes) && value.retainedBytes > 0);
        assert.ok(ms < 100, `${ms.toFixed(1)} ms`);
      });
    }

    it("rejects more than 1e12 pushes a day, and other values past the limits, naming the key", () => {
      const at = (change: object) => () =>
        steadyStateRetention(lifecyclePresets.dev.rules, { ...cadence, ...change });
      assert.throws(at({ pushesPerDay: [{ tag: "ctx-1", perDay: 1e300 }] }), {
        name: "InvalidInputError",
        key: "pushesPerDay[0].perDay",
        message:
          "pushesPerDay[0].perDay is 1e+300; steadyStateRetention accepts at most 1000000000000. Fix: use a value <= 1000000000000.",
      });
      assert.throws(at({ imageBytes: 1e308 }), { name: "InvalidInputError", key: "imageBytes" });
      assert.throws(at({ untaggedPerPush: Number.NaN }), {
        name: "InvalidInputError",
        message: "untaggedPerPush must be a finite number >= 0, got NaN.",
      });
      assert.throws(at({ pushesPerDay: Array.from({ length: 101 }, () => ({ tag: "x", perDay: 1 })) }), {
        name: "InvalidInputError",
        key: "pushesPerDay",
      });
    });
  });
});
