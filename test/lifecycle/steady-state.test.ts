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
      { name: "RangeError", message: "pushesPerDay[0].perDay must be a finite number >= 0, got -1." },
    );
  });
});
