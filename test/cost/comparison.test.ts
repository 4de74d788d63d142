import assert from "node:assert/strict";
import {
  comparedImage,
  compareCosts,
  costChangeLines,
  deployedImageSize,
  deployedUnknown,
  planDeployedLookup,
  type ComparedImage,
} from "../../components/cost/comparison";
import { costFor } from "../../components/cost/pipeline-cost";
import { defaultUsageProfile } from "../../components/cost/usage";
import { buildLifecyclePreset, renderLifecyclePolicy } from "../../components/lifecycle";

const HASH_A = "a1".repeat(32);
const HASH_B = "b2".repeat(32);

const deployed: ComparedImage = {
  basis: "ecr",
  sizeBytes: 52_428_800,
  storedBytes: 629_145_600,
  monthlyUsd: 0.75,
  note: "imageSizeInBytes of ctx-a1a1a1a1a1a1a1a1 in ECR (the deployed image)",
};
const smaller: ComparedImage = {
  basis: "estimate",
  sizeBytes: 47_185_920,
  storedBytes: 566_231_040,
  monthlyUsd: 0.5,
  note: "local build",
};

describe("cost comparison: the deployed image next to this change", () => {
  describe("compareCosts: each difference is change minus deployed, with its sign", () => {
    const bigger: ComparedImage = {
      ...smaller,
      sizeBytes: 62_914_560,
      storedBytes: 755_974_144,
      monthlyUsd: 1.25,
    };
    const cases = [
      {
        name: "smaller change",
        change: smaller,
        difference: { sizeBytes: -5_242_880, storedBytes: -62_914_560, monthlyUsd: -0.25 },
      },
      {
        name: "bigger change",
        change: bigger,
        difference: { sizeBytes: 10_485_760, storedBytes: 126_828_544, monthlyUsd: 0.5 },
      },
      {
        name: "same size",
        change: { ...deployed, basis: "estimate" as const },
        difference: { sizeBytes: 0, storedBytes: 0, monthlyUsd: 0 },
      },
    ];
    for (const { name, change, difference } of cases) {
      it(name, () => {
        assert.deepEqual(compareCosts(deployed, change, "ctx-a1a1a1a1a1a1a1a1"), {
          status: "compared",
          note: `deployed image ctx-a1a1a1a1a1a1a1a1 (basis ecr) next to this change (basis ${change.basis})`,
          deployed,
          change,
          difference,
        });
      });
    }

    const bad = [
      {
        side: "deployed",
        image: { ...deployed, sizeBytes: Number.NaN },
        key: "deployed.sizeBytes",
        value: "NaN",
      },
      { side: "change", image: { ...smaller, storedBytes: -1 }, key: "change.storedBytes", value: "-1" },
      // Past the report's bound: formatUsd(1.8e308) overflowed to a raw RangeError (the fuzz suite's case).
      {
        side: "deployed",
        image: { ...deployed, monthlyUsd: Number.MAX_VALUE },
        key: "deployed.monthlyUsd",
        value: "1.7976931348623157e+308",
      },
      {
        side: "change",
        image: { ...smaller, monthlyUsd: Infinity },
        key: "change.monthlyUsd",
        value: "Infinity",
      },
    ] as const;
    for (const { side, image, key, value } of bad) {
      it(`rejects ${key} = ${value}, naming it`, () => {
        const [left, right] = side === "deployed" ? [image, smaller] : [deployed, image];
        assert.throws(() => compareCosts(left, right, "ctx-a1a1a1a1a1a1a1a1"), {
          name: "InvalidInputError",
          key,
          message: `${key} is ${value}: a size or cost to compare is a number from 0 to 1e+300`,
        });
      });
    }
  });

  describe("planDeployedLookup: which build is deployed, from the estimate's deployedContextHash", () => {
    const cases: { name: string; args: Parameters<typeof planDeployedLookup>; plan: unknown }[] = [
      {
        name: "another build is deployed: look up its content tag",
        args: [HASH_A, HASH_B, undefined, true],
        plan: {
          lookup: {
            contentTag: "ctx-a1a1a1a1a1a1a1a1",
            tags: ["ctx-a1a1a1a1a1a1a1a1"],
            label: "ctx-a1a1a1a1a1a1a1a1",
          },
        },
      },
      {
        name: "one platform listed: the content tag itself",
        args: [HASH_A, HASH_B, ["linux/arm64"], true],
        plan: {
          lookup: {
            contentTag: "ctx-a1a1a1a1a1a1a1a1",
            tags: ["ctx-a1a1a1a1a1a1a1a1"],
            label: "ctx-a1a1a1a1a1a1a1a1",
          },
        },
      },
      {
        name: "several platforms: each platform's image, not the index",
        args: [HASH_A, HASH_B, ["linux/amd64", "linux/arm/v7"], true],
        plan: {
          lookup: {
            contentTag: "ctx-a1a1a1a1a1a1a1a1",
            tags: ["ctx-a1a1a1a1a1a1a1a1-amd64", "ctx-a1a1a1a1a1a1a1a1-arm-v7"],
            label: "ctx-a1a1a1a1a1a1a1a1",
          },
        },
      },
      {
        name: "the deployed build is this one",
        args: [HASH_B, HASH_B, undefined, true],
        plan: {
          result: {
            status: "unchanged",
            note: "the deployed build has this build's context hash (ctx-b2b2b2b2b2b2b2b2): nothing else to compare with",
          },
        },
      },
      {
        name: "same context, another compression: the same content tag, still the deployed image",
        args: [HASH_B, HASH_B, undefined, true, { deployed: "gzip", current: "zstd" }],
        plan: {
          lookup: {
            contentTag: "ctx-b2b2b2b2b2b2b2b2",
            tags: ["ctx-b2b2b2b2b2b2b2b2"],
            label: "ctx-b2b2b2b2b2b2b2b2 (gzip layers; this change: zstd)",
          },
        },
      },
      {
        name: "same context and compression",
        args: [HASH_B, HASH_B, undefined, true, { deployed: "zstd", current: "zstd" }],
        plan: {
          result: {
            status: "unchanged",
            note: "the deployed build has this build's context hash (ctx-b2b2b2b2b2b2b2b2): nothing else to compare with",
          },
        },
      },
      {
        name: "same context, deployed compression not recorded: unchanged",
        args: [HASH_B, HASH_B, undefined, true, { deployed: undefined, current: "zstd" }],
        plan: {
          result: {
            status: "unchanged",
            note: "the deployed build has this build's context hash (ctx-b2b2b2b2b2b2b2b2): nothing else to compare with",
          },
        },
      },
      {
        name: "nothing deployed yet",
        args: ["", HASH_B, undefined, true],
        plan: {
          result: {
            status: "first-deployment",
            note: "nothing is deployed yet (first deployment): no deployed image to compare with",
          },
        },
      },
      {
        name: "not recorded (a state from before deployedContextHash)",
        args: [undefined, HASH_B, undefined, true],
        plan: {
          result: {
            status: "not-compared",
            note: "the size estimate does not say which build is deployed (its state predates deployedContextHash, which the next change records): nothing compared",
          },
        },
      },
      {
        name: "size estimation off",
        args: [HASH_A, HASH_B, undefined, false],
        plan: {
          result: {
            status: "not-compared",
            note: "size estimation is off (estimateSize: false): the deployed build is not known, so nothing is compared",
          },
        },
      },
    ];
    for (const { name, args, plan } of cases) {
      it(name, () => assert.deepEqual(planDeployedLookup(...args), plan));
    }
  });

  describe("deployedImageSize: the largest of the platforms' ECR sizes, or why there is none", () => {
    const cases = [
      {
        name: "one tag",
        lookups: [{ tag: "ctx-a1", imageSizeInBytes: 52_428_800 }],
        result: {
          size: {
            bytes: 52_428_800,
            basis: "ecr",
            note: "imageSizeInBytes of ctx-a1 in ECR (the deployed image)",
          },
        },
      },
      {
        name: "two platforms",
        lookups: [
          { tag: "ctx-a1-amd64", imageSizeInBytes: 30_000_000 },
          { tag: "ctx-a1-arm64", imageSizeInBytes: 28_000_000 },
        ],
        result: {
          size: {
            // The largest, as ECR sizes an index and as the estimate sizes this change.
            bytes: 30_000_000,
            basis: "ecr",
            note: "imageSizeInBytes of ctx-a1-amd64 + ctx-a1-arm64 in ECR, the largest (one platform's image, as ECR sizes an index)",
          },
        },
      },
      {
        name: "AWS leaves the size out",
        lookups: [{ tag: "ctx-a1", imageSizeInBytes: undefined }],
        result: { missing: "aws.ecr.getImage returned no imageSizeInBytes for the deployed image ctx-a1" },
      },
      {
        name: "not a size",
        lookups: [{ tag: "ctx-a1", imageSizeInBytes: -5 }],
        result: { missing: "aws.ecr.getImage returned imageSizeInBytes=-5 for the deployed image ctx-a1" },
      },
      {
        name: "one platform not found",
        lookups: [
          { tag: "ctx-a1-amd64", imageSizeInBytes: 30_000_000 },
          { tag: "ctx-a1-arm64", error: new Error("ImageNotFoundException: ctx-a1-arm64") },
        ],
        result: {
          missing:
            "aws.ecr.getImage could not read the deployed image ctx-a1-arm64 in web (ImageNotFoundException: ctx-a1-arm64)",
        },
      },
      {
        name: "an error without a message",
        lookups: [{ tag: "ctx-a1", error: new Error("") }],
        result: {
          missing:
            "aws.ecr.getImage could not read the deployed image ctx-a1 in web (no detail from the provider)",
        },
      },
    ];
    for (const { name, lookups, result } of cases) {
      it(name, () => assert.deepEqual(deployedImageSize("web", lookups), result));
    }
  });

  describe("costChangeLines: one line each for size, stored bytes and monthly USD", () => {
    it("a smaller change: negative differences and percentages", () => {
      assert.deepEqual(costChangeLines(compareCosts(deployed, smaller, "ctx-a1a1a1a1a1a1a1a1")), [
        "change vs deployed image: deployed image ctx-a1a1a1a1a1a1a1a1 (basis ecr) next to this change (basis estimate)",
        "  image size: 52,428,800 -> 47,185,920 bytes (-5,242,880, -10.0%)",
        "  stored bytes: 629,145,600 -> 566,231,040 bytes (-62,914,560, -10.0%)",
        "  monthly USD: 0.75 -> 0.50 (-0.25, -33.3%)",
      ]);
    });
    it("a bigger change: a plus sign", () => {
      const bigger = { ...smaller, sizeBytes: 62_914_560, storedBytes: 629_145_600, monthlyUsd: 1.5 };
      assert.deepEqual(costChangeLines(compareCosts(deployed, bigger, "ctx-a1a1a1a1a1a1a1a1")).slice(1), [
        "  image size: 52,428,800 -> 62,914,560 bytes (+10,485,760, +20.0%)",
        "  stored bytes: 629,145,600 -> 629,145,600 bytes (0, 0.0%)",
        "  monthly USD: 0.75 -> 1.50 (+0.75, +100.0%)",
      ]);
    });
    it("from nothing stored: no percentage", () => {
      const empty = { ...deployed, sizeBytes: 0, storedBytes: 0, monthlyUsd: 0 };
      assert.deepEqual(costChangeLines(compareCosts(empty, smaller, "ctx-a1")).slice(1), [
        "  image size: 0 -> 47,185,920 bytes (+47,185,920)",
        "  stored bytes: 0 -> 566,231,040 bytes (+566,231,040)",
        "  monthly USD: 0.00 -> 0.50 (+0.50)",
      ]);
    });
    it("from an amount that prints as zero: no percentage (5e-324 made it Infinity and threw)", () => {
      const almostEmpty = { ...deployed, sizeBytes: 5e-324, storedBytes: 0.4, monthlyUsd: 0.004 };
      assert.deepEqual(costChangeLines(compareCosts(almostEmpty, smaller, "ctx-a1")).slice(1), [
        "  image size: 0 -> 47,185,920 bytes (+47,185,920)",
        "  stored bytes: 0 -> 566,231,040 bytes (+566,231,040)",
        "  monthly USD: 0.00 -> 0.50 (+0.50)",
      ]);
      const aCent = { ...deployed, monthlyUsd: 0.005 };
      assert.equal(
        costChangeLines(compareCosts(aCent, smaller, "ctx-a1"))[3],
        "  monthly USD: 0.01 -> 0.50 (+0.50, +9,900.0%)",
      );
    });
    it("no comparison: one line with the reason; none when unchanged or not known", () => {
      assert.deepEqual(costChangeLines(planDeployedLookup("", HASH_B, undefined, true).result!), [
        "change vs deployed image: nothing is deployed yet (first deployment): no deployed image to compare with",
      ]);
      assert.deepEqual(costChangeLines(planDeployedLookup(HASH_B, HASH_B, undefined, true).result!), []);
      assert.deepEqual(costChangeLines(planDeployedLookup(undefined, HASH_B, undefined, true).result!), []);
      assert.deepEqual(costChangeLines(planDeployedLookup(HASH_A, HASH_B, undefined, false).result!), []);
      assert.deepEqual(costChangeLines(deployedUnknown(smaller, "aws.ecr.getImage could not read x")), [
        "change vs deployed image: aws.ecr.getImage could not read x: this change is not compared",
      ]);
    });
  });

  it("comparedImage: size from the KnownImageSize, stored bytes and total from costFor's estimate", () => {
    const size = { bytes: 50 * 1024 ** 2, basis: "estimate" as const, note: "local build" };
    const { estimate } = costFor({
      size,
      region: "us-east-1",
      policy: renderLifecyclePolicy(buildLifecyclePreset("dev")),
      usage: { ...defaultUsageProfile(), pushesPerDay: 10 },
      scanningMode: "basic",
    });
    assert.deepEqual(comparedImage(size, estimate), {
      basis: "estimate",
      sizeBytes: 52_428_800,
      storedBytes: estimate.assumptions.storedBytes,
      monthlyUsd: estimate.totalUsd,
      note: "local build",
    });
  });
});
