import assert from "node:assert/strict";
import {
  type LifecycleImage,
  buildLifecyclePreset,
  lifecyclePresets,
  renderLifecyclePolicy,
  simulateLifecycle,
} from "../../components/lifecycle";
import fc from "fast-check";
import awsExamples from "../fixtures/lifecycle/aws-examples.json";
import { assertEveryRunWithinBound, scaledBoundMs } from "../helpers/cpu-bound";

const NOW = new Date("2026-11-22T12:00:00Z");
const DAY = 86_400_000;

function image(
  digest: string,
  tags: string[],
  daysAgo: number,
  extra: Partial<LifecycleImage> = {},
): LifecycleImage {
  return { digest, tags, pushedAt: new Date(NOW.getTime() - daysAgo * DAY), sizeBytes: 100, ...extra };
}

const policies = awsExamples.policies;

describe("simulateLifecycle: the outcomes the AWS examples document", () => {
  // https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html
  const multipleRulesRepo = [
    image("A", ["beta-1", "prod-1"], 10),
    image("B", ["beta-2", "prod-2"], 9),
    image("C", ["beta-3"], 8),
  ];
  const cases: Array<{ name: string; policy: object; images: LifecycleImage[]; expired: string[] }> = [
    {
      name: "multiple rules, example A: image A",
      policy: policies["multiple-rules-example-a"],
      images: multipleRulesRepo,
      expired: ["A"],
    },
    {
      name: "multiple rules, example B: images A and B",
      policy: policies["multiple-rules-example-b"],
      images: multipleRulesRepo,
      expired: ["A", "B"],
    },
    {
      name: "multiple tags, example A: image C",
      policy: policies["multiple-tags-example-a"],
      images: [
        image("A", ["alpha-1"], 12),
        image("B", ["beta-1"], 11),
        image("C", ["alpha-2", "beta-2"], 10),
        image("D", ["alpha-3"], 4),
        image("E", ["beta-3"], 3),
        image("F", ["alpha-4", "beta-4"], 2),
      ],
      expired: ["C"],
    },
    {
      name: "multiple tags, example B: images A and B",
      policy: policies["multiple-tags-example-b"],
      images: [
        image("A", ["alpha-1", "beta-1", "gamma-1"], 10),
        image("B", ["alpha-2", "beta-2"], 9),
        image("C", ["alpha-3", "beta-3", "gamma-2"], 8),
      ],
      expired: ["A", "B"],
    },
    {
      name: "all images, example A: images A, B and C",
      policy: policies["all-images-example-a"],
      images: [
        image("A", ["alpha-1"], 4),
        image("B", ["beta-1"], 3),
        image("C", [], 2),
        image("D", ["alpha-2"], 1),
      ],
      expired: ["A", "B", "C"],
    },
    {
      name: "all images, example B: images A, B and D",
      policy: policies["all-images-example-b"],
      images: [
        image("A", ["alpha-1", "beta-1"], 4),
        image("B", [], 3),
        image("C", ["alpha-2"], 2),
        image("D", ["git hash"], 1),
        image("E", [], 0.99), // "1 day ago" too, pushed after D: the newest image
      ],
      expired: ["A", "B", "D"],
    },
  ];
  for (const { name, policy, images, expired } of cases) {
    it(name, () => {
      assert.deepEqual(simulateLifecycle(JSON.stringify(policy), images, NOW).expired, expired);
    });
  }

  it("says which rule acts and which rule shields (multiple rules, example A)", () => {
    const result = simulateLifecycle(
      JSON.stringify(policies["multiple-rules-example-a"]),
      multipleRulesRepo,
      NOW,
    );
    assert.deepEqual(result.images, [
      { digest: "A", action: "expire", rulePriority: 1, reason: "rule 1 expires it" },
      { digest: "B", action: "keep", rulePriority: 1, reason: "rule 1 selects it and keeps it" },
      { digest: "C", action: "keep", rulePriority: 2, reason: "rule 2 selects it and keeps it" },
    ]);
    assert.deepEqual([result.expiredBytes, result.keptBytes, result.transitionedBytes], [100, 200, 0]);
  });
});

describe("simulateLifecycle: archive, pull time and manifest lists", () => {
  const archiveThenExpire = JSON.stringify(policies["combining-archive-and-expire"]);

  it("archives standard images older than 30 days and expires images archived over 365 days", () => {
    const images = [
      image("old", ["v1"], 40),
      image("new", ["v2"], 5),
      image("archived-long", ["v0"], 800, {
        storageClass: "archive",
        archivedAt: new Date(NOW.getTime() - 400 * DAY),
      }),
      image("archived-recent", ["v00"], 500, {
        storageClass: "archive",
        archivedAt: new Date(NOW.getTime() - 100 * DAY),
      }),
    ];
    const result = simulateLifecycle(archiveThenExpire, images, NOW);
    assert.deepEqual(
      result.images.map((o) => [o.digest, o.action, o.rulePriority]),
      [
        ["old", "transition", 1],
        ["new", "keep", 1],
        ["archived-long", "expire", 2],
        ["archived-recent", "keep", 2],
      ],
    );
  });

  it("sinceImagePulled uses the last pull, or the push time when never pulled", () => {
    const images = [
      image("pulled-recently", ["a"], 200, { lastPulledAt: new Date(NOW.getTime() - 10 * DAY) }),
      image("never-pulled", ["b"], 100),
      image("pulled-long-ago", ["c"], 300, { lastPulledAt: new Date(NOW.getTime() - 95 * DAY) }),
    ];
    const result = simulateLifecycle(JSON.stringify(policies["filtering-on-last-pulled-time"]), images, NOW);
    assert.deepEqual(result.transitioned, ["never-pulled", "pulled-long-ago"]);
  });

  it("keeps a child manifest while a manifest list that stays references it", () => {
    const rules = lifecyclePresets.dev.rules;
    const images = [
      image("index", ["ctx-aaaa"], 3),
      image("child-amd64", [], 3, { referencedBy: ["index"] }),
      image("orphan", [], 3),
    ];
    const result = simulateLifecycle(rules, images, NOW);
    assert.deepEqual(result.images[1], {
      digest: "child-amd64",
      action: "keep",
      rulePriority: 4,
      reason: "rule 4 selects it, but manifest list index still references it",
    });
    assert.deepEqual(result.expired, ["orphan"]);
  });

  it("refuses a policy ECR would reject", () => {
    assert.throws(() => simulateLifecycle('{"rules": []}', [], NOW), {
      message:
        'Invalid lifecycle policy:\nerror: lifecycle at policy: The policy text is 13 characters; ECR requires at least 100. Fix: add the missing rules (a complete rule is longer than 100 characters).\nerror: lifecycle at rules: "rules" is empty; a lifecycle policy needs at least one rule. Fix: add "rules": [...] with at least one rule, or remove the lifecycle policy.',
    });
  });
});

describe("simulateLifecycle: presets", () => {
  it("dev keeps deployed and release images, the cache and the newest 10 builds; expires the rest", () => {
    const images: LifecycleImage[] = [];
    for (let i = 0; i < 15; i++)
      images.push(image(`build-${i}`, [`ctx-${i.toString(16).padStart(16, "0")}`], 30 - i));
    images.push(image("deployed", ["ctx-ffffffffffffffff", "deployed-prod"], 100));
    images.push(image("release", ["release-1.0.0"], 200));
    images.push(image("cache", ["buildcache"], 300));
    images.push(image("untagged-old", [], 2), image("untagged-new", [], 0.5));
    const result = simulateLifecycle(renderLifecyclePolicy(lifecyclePresets.dev.rules), images, NOW);
    assert.deepEqual(result.expired, ["build-0", "build-1", "build-2", "build-3", "build-4", "untagged-old"]);
    assert.equal(result.kept.length, 14);
  });
});

describe("simulateLifecycle: multi-platform builds (an index plus one ctx-…-<arch> image per platform)", () => {
  // What BuildKitImage pushes for two platforms: `ctx-<n>-amd64`, `ctx-<n>-arm64`, then the index
  // `ctx-<n>` referencing both. The repository's preset counts 3 images per build (platformsPerImage 2).
  const policy = renderLifecyclePolicy(buildLifecyclePreset("dev", { imagesPerBuild: 3 }));
  function build(n: number, daysAgo: number, deployed = false): LifecycleImage[] {
    const index = `index-${n}`;
    return [
      image(`amd64-${n}`, [`ctx-${n}-amd64`], daysAgo + 0.002, { referencedBy: [index] }),
      image(`arm64-${n}`, [`ctx-${n}-arm64`], daysAgo + 0.001, { referencedBy: [index] }),
      image(index, deployed ? [`ctx-${n}`, "deployed-prod"] : [`ctx-${n}`], daysAgo),
    ];
  }

  it("keeps the newest 10 builds whole (30 images) and expires older builds whole", () => {
    const images = Array.from({ length: 14 }, (_, i) => build(i + 1, 14 - i)).flat();
    const result = simulateLifecycle(policy, images, NOW);
    assert.deepEqual(
      result.expired.sort(),
      [1, 2, 3, 4].flatMap((n) => [`amd64-${n}`, `arm64-${n}`, `index-${n}`]).sort(),
    );
    assert.equal(result.kept.length, 30);
  });

  it("never expires a child of a kept index: a deployed old build, and a cut inside a build", () => {
    // Build 1 is deployed (kept forever); a failed build left one stray child, shifting the count so
    // that the cut falls inside build 2.
    const images = [
      ...build(1, 30, true),
      ...Array.from({ length: 10 }, (_, i) => build(i + 2, 20 - i)).flat(),
      image("stray-amd64", ["ctx-stray-amd64"], 0.5),
    ];
    const result = simulateLifecycle(policy, images, NOW);
    const keptIndexes = result.kept.filter((digest) => digest.startsWith("index-"));
    for (const index of keptIndexes) {
      const n = index.slice("index-".length);
      assert.ok(result.kept.includes(`amd64-${n}`), `amd64 child of kept ${index}`);
      assert.ok(result.kept.includes(`arm64-${n}`), `arm64 child of kept ${index}`);
    }
    assert.ok(keptIndexes.includes("index-1"), "the deployed index stays");
    // 34 ctx-* images, 30 kept by count: the cut selects build 1's children (its index is deployed) and
    // build 2's amd64 child; ECR holds each back while its index stays.
    assert.deepEqual(result.expired, []);
    assert.equal(
      result.images.find((outcome) => outcome.digest === "amd64-2")?.reason,
      "rule 3 selects it, but manifest list index-2 still references it",
    );
  });
});

describe("simulateLifecycle: inputs it cannot reason about, and bounded work (issue 12)", () => {
  const policy = renderLifecyclePolicy(lifecyclePresets.dev.rules);

  it("rejects NaN, negative and infinite sizes, naming the image and the field", () => {
    for (const sizeBytes of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      assert.throws(
        () => simulateLifecycle(policy, [image("a", [], 1), image("b", [], 1, { sizeBytes })], NOW),
        {
          name: "InvalidInputError",
          key: "images[1].sizeBytes",
          message: `images[1].sizeBytes must be a number of bytes from 0 to 1125899906842624, got ${sizeBytes}.`,
        },
      );
    }
  });

  it("rejects invalid dates: pushedAt, lastPulledAt, archivedAt and now", () => {
    const invalid = new Date("not a date");
    assert.throws(() => simulateLifecycle(policy, [image("a", [], 1, { pushedAt: invalid })], NOW), {
      name: "InvalidInputError",
      key: "images[0].pushedAt",
      message: "images[0].pushedAt must be a valid Date, got Invalid Date.",
    });
    assert.throws(() => simulateLifecycle(policy, [image("a", [], 1, { lastPulledAt: invalid })], NOW), {
      name: "InvalidInputError",
      key: "images[0].lastPulledAt",
    });
    assert.throws(() => simulateLifecycle(policy, [image("a", [], 1, { archivedAt: invalid })], NOW), {
      name: "InvalidInputError",
      key: "images[0].archivedAt",
    });
    assert.throws(() => simulateLifecycle(policy, [], invalid), { name: "InvalidInputError", key: "now" });
  });

  it("100,000 images, all children of one manifest list: linear work, not a scan per reference", () => {
    // A ratio measured side by side, not a wall-clock limit: the machine is shared. The scan of every
    // image per reference made 10× the images cost 100× the time; linear work costs about 10×.
    const children = (count: number): LifecycleImage[] => [
      ...Array.from({ length: count }, (_, i) => image(`child-${i}`, [], 2, { referencedBy: ["index"] })),
      image("index", ["deployed-prod"], 2),
    ];
    const cpuMs = (images: LifecycleImage[]): number => {
      simulateLifecycle(policy, images, NOW); // warm up
      const start = process.cpuUsage();
      const result = simulateLifecycle(policy, images, NOW);
      const used = process.cpuUsage(start);
      assert.equal(result.kept.length, images.length);
      return (used.user + used.system) / 1000;
    };
    const small = cpuMs(children(9_999));
    const large = cpuMs(children(99_999));
    assert.ok(large < 30 * Math.max(small, 1), `10,000 images: ${small} ms, 100,000 images: ${large} ms`);
  });

  it("100,000 images at the limit: every call within 100 ms (the lesser of CPU and wall time; each of 5 after a warm-up, scaled by a reference workload)", function () {
    this.timeout(120_000);
    // The bench's two heaviest shapes (tools/bench-fuzz.ts): tagged images under the dev preset's keep-10
    // rule (a full sort of 100,000 candidates before issue 12's quickselect), and untagged children of
    // one manifest list. Every run is bounded, not the median: the bound is per call, and the runs a
    // garbage collection or a recompilation lands in were the ones over it (up to 122 ms at 65cb82f).
    const devPolicy = renderLifecyclePolicy(lifecyclePresets.dev.rules);
    const tagged = Array.from({ length: 100_000 }, (_, i) =>
      image(`sha256:${i}`, [`ctx-${i.toString(16).padStart(16, "0")}`], i % 400),
    );
    const children = Array.from({ length: 100_000 }, (_, i) =>
      image(`sha256:${i}`, [], i % 400, i > 0 ? { referencedBy: ["sha256:0"] } : {}),
    );
    assert.equal(simulateLifecycle(devPolicy, tagged, NOW).expired.length, 99_990);
    const bound = scaledBoundMs();
    assertEveryRunWithinBound(
      () => simulateLifecycle(devPolicy, tagged, NOW),
      bound,
      "100,000 tagged images, keep 10",
    );
    assertEveryRunWithinBound(
      () => simulateLifecycle(devPolicy, children, NOW),
      bound,
      "100,000 children of one index",
    );
  });

  it("keep-N expires exactly what a stable sort by push time, then digest, would (quickselect oracle)", () => {
    // Few distinct push times and digests, so ties and duplicate digests are common; the expected set is
    // the one the full sort computed before issue 12: newest first, then digest, then input order.
    const imageArb = fc.record({
      digest: fc.constantFrom("a", "b", "c", "d", "e"),
      daysAgo: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(fc.array(imageArb, { maxLength: 60 }), fc.integer({ min: 1, max: 20 }), (specs, keep) => {
        const images = specs.map(({ digest, daysAgo }) => image(digest, ["ctx-1"], daysAgo));
        const policy = [
          {
            selection: {
              tagStatus: "tagged" as const,
              tagPrefixList: ["ctx-"],
              countType: "imageCountMoreThan" as const,
              countNumber: keep,
            },
          },
        ];
        const order = images
          .map((entry, index) => ({ entry, index }))
          .sort(
            (a, b) =>
              b.entry.pushedAt.getTime() - a.entry.pushedAt.getTime() ||
              (a.entry.digest < b.entry.digest ? -1 : a.entry.digest > b.entry.digest ? 1 : 0) ||
              a.index - b.index,
          );
        const expected = new Set(order.slice(keep).map(({ index }) => index));
        const outcomes = simulateLifecycle(policy, images, NOW).images;
        outcomes.forEach((outcome, index) =>
          assert.equal(outcome.action, expected.has(index) ? "expire" : "keep", `image ${index}`),
        );
      }),
      { numRuns: 2_000, seed: 20_261_130 },
    );
  });

  it("70 rules: each selects only its own tags (tags are matched 32 rules per pass, a bit per rule)", () => {
    // Rules 32 (bit 31, the sign bit), 33 and 65 start or end a pass; every third rule uses a pattern.
    const rules = Array.from({ length: 70 }, (_, i) => ({
      selection: {
        tagStatus: "tagged" as const,
        ...(i % 3 === 0 ? { tagPatternList: [`p${i}-*`] } : { tagPrefixList: [`p${i}-`] }),
        countType: "imageCountMoreThan" as const,
        countNumber: 1,
      },
    }));
    const images = rules.flatMap((_, i) => [
      image(`old-${i}`, [`p${i}-old`], 5),
      image(`new-${i}`, [`p${i}-new`], 0),
    ]);
    const result = simulateLifecycle(rules, images, NOW);
    assert.deepEqual(
      result.images,
      rules.flatMap((_, i) => [
        { digest: `old-${i}`, action: "expire", rulePriority: i + 1, reason: `rule ${i + 1} expires it` },
        {
          digest: `new-${i}`,
          action: "keep",
          rulePriority: i + 1,
          reason: `rule ${i + 1} selects it and keeps it`,
        },
      ]),
    );
    assert.equal(result.expired.length, 70);
  });

  it("rejects more than 100,000 images up front", () => {
    const images = Array.from({ length: 100_001 }, (_, i) => image(`i${i}`, [], 1));
    assert.throws(() => simulateLifecycle(policy, images, NOW), { name: "InvalidInputError", key: "images" });
  });
});
