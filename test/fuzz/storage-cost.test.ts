/**
 * Fuzz suite for the pure functions issue 10 added after issue 12's suite was written (the layer
 * storage model, the pipeline's cost, the deployed-vs-change comparison), held to issue 12's rule:
 * each returns, or throws the project's InvalidInputError naming the key, within TIME_BOUND_MS of CPU
 * per case, and every amount it returns is finite and >= 0 (a difference is signed, but finite).
 * Seeded, FUZZ_RUNS cases per function, as test/fuzz/pure-modules.test.ts.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { compareCosts, costChangeLines, deployedImageSize } from "../../components/cost/comparison";
import { costFor } from "../../components/cost/pipeline-cost";
import { renewalOf, repositoryStoredBytes, steadyStateStorage } from "../../components/cost/storage";
import {
  anyNumber,
  blobsArb,
  comparedImageArb,
  costForInputArb,
  mostly,
  platformLayersArb,
  sizedBlobsArb,
} from "../../tools/lib/fuzz-arbitraries";
import {
  assertAmounts,
  estimateAmounts,
  FUZZ_RUNS,
  options,
  size,
  returnsOrRejects,
  TIME_BOUND_MS,
} from "../helpers/fuzz";

describe(`fuzz: layer storage, pipeline cost and the cost comparison, ${FUZZ_RUNS} seeded cases each, ${TIME_BOUND_MS} ms CPU per case (issues 10, 12)`, function () {
  this.timeout(300_000);

  it("repositoryStoredBytes: finite bytes >= 0, or InvalidInputError", () => {
    returnsOrRejects(
      "repositoryStoredBytes",
      0.15,
      fc.array(blobsArb, { maxLength: 6 }),
      repositoryStoredBytes,
      (bytes) => assertAmounts([bytes], "repositoryStoredBytes"),
    );
  });

  it("steadyStateStorage: finite lines that add up to the total, or InvalidInputError", () => {
    returnsOrRejects(
      "steadyStateStorage",
      0.45,
      fc.record({
        image: sizedBlobsArb,
        renewed: sizedBlobsArb,
        cache: sizedBlobsArb,
        cacheRenewed: sizedBlobsArb,
        retainedBuilds: mostly(fc.integer({ min: 1, max: 1000 })),
        retainedSupersededCaches: mostly(fc.integer({ min: 0, max: 1000 })),
      }),
      steadyStateStorage,
      (storage) => {
        assertAmounts(
          [storage.bytes, ...storage.lines.flatMap((line) => [line.bytes, line.layers])],
          "steadyStateStorage",
        );
        assert.equal(
          storage.bytes,
          storage.lines.reduce((total, line) => total + line.bytes, 0),
        );
      },
    );
  });

  it("renewalOf: renewed layers are the current build's, finite, or InvalidInputError", () => {
    returnsOrRejects(
      "renewalOf",
      0.55,
      fc.tuple(
        fc.array(platformLayersArb, { maxLength: 3 }),
        sizedBlobsArb,
        fc.option(
          fc.record({ platforms: fc.array(platformLayersArb, { maxLength: 3 }), cache: sizedBlobsArb }),
        ),
      ),
      ([platforms, cache, previous]) => renewalOf({ platforms, cache }, previous ?? undefined),
      (renewal, [platforms]) => {
        const current = new Set(platforms.flatMap((platform) => platform.layers.map((blob) => blob.digest)));
        assert.ok(renewal.renewed.every((blob) => current.has(blob.digest)));
        assertAmounts(
          [...renewal.renewed, ...renewal.cacheRenewed].map((blob) => blob.bytes),
          "renewalOf",
        );
      },
      ([platforms, cache, previous]) => size({ platforms, cache, previous }),
    );
  });

  it("costFor: every amount and the report's numbers finite, or InvalidInputError naming the key", () => {
    returnsOrRejects("costFor", 0.25, costForInputArb, costFor, (cost) => {
      assertAmounts(
        [
          ...estimateAmounts(cost.estimate),
          cost.renewedBytesPerPush,
          ...(cost.storage === undefined ? [] : [cost.storage.bytes]),
        ],
        "costFor",
      );
      assert.doesNotMatch(cost.report, /NaN|Infinity/);
    });
  });

  it("compareCosts and costChangeLines: finite differences and lines without NaN, or InvalidInputError", () => {
    returnsOrRejects(
      "compareCosts",
      0.2,
      fc.tuple(comparedImageArb, comparedImageArb),
      ([deployed, change]) => compareCosts(deployed, change, "ctx-0123456789abcdef"),
      (compared) => {
        const { difference } = compared;
        assert.ok(difference !== undefined);
        for (const value of [difference.sizeBytes, difference.storedBytes, difference.monthlyUsd]) {
          assert.ok(Number.isFinite(value), `difference ${value}`);
        }
        const lines = costChangeLines(compared);
        assert.equal(lines.length, 4);
        for (const line of lines) assert.doesNotMatch(line, /NaN|Infinity/);
      },
      ([deployed, change]) => size({ deployed, change }),
    );
  });

  it("deployedImageSize: the largest finite size, or why there is none; never throws", () => {
    const lookupArb = fc.oneof(
      fc.record({ tag: fc.string({ maxLength: 20 }), imageSizeInBytes: fc.oneof(anyNumber, fc.anything()) }),
      fc.record({ tag: fc.string({ maxLength: 20 }), error: fc.anything() }),
    );
    fc.assert(
      fc.property(fc.array(lookupArb, { minLength: 1, maxLength: 4 }), (lookups) => {
        const start = process.cpuUsage();
        const result = deployedImageSize("web", lookups);
        const used = process.cpuUsage(start);
        assert.ok((used.user + used.system) / 1000 < TIME_BOUND_MS);
        if (result.size !== undefined) assertAmounts([result.size.bytes], "deployedImageSize");
        else assert.ok(result.missing.length > 0);
      }),
      options,
    );
  });
});
