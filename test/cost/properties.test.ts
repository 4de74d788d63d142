import assert from "node:assert/strict";
import fc from "fast-check";
import {
  RescanDuration,
  ecrPricing,
  estimateMonthlyCost,
  type CostEstimateInput,
} from "../../components/cost";
import { COST_LIMITS } from "../../components/cost/validate";
import { InvalidInputError } from "../../components/common/errors";
import { withSuccessShare } from "../helpers/fuzz";

const GB = 2 ** 30;
const regions = Object.keys(ecrPricing);

const MAX_BYTES = COST_LIMITS.bytes;
const MAX_COUNT = COST_LIMITS.count;
/**
 * Realistic sizes and counts half the time, anything up to the accepted limits the other half: the
 * old caps (50 GB, 2 million) stopped below where the products overflowed to Infinity and NaN.
 */
const bytes = fc.oneof(
  fc.double({ min: 0, max: 50 * GB, noNaN: true }),
  fc.double({ min: 0, max: MAX_BYTES, noNaN: true }),
);
const count = fc.oneof(
  fc.double({ min: 0, max: 2_000_000, noNaN: true }),
  fc.double({ min: 0, max: MAX_COUNT, noNaN: true }),
);
const upTo = (max: number, value: number): number => Math.min(max, value);

/** A valid input anywhere in the space: any known region, any replication subset, either scanning mode. */
const inputs: fc.Arbitrary<CostEstimateInput> = fc
  .record({
    region: fc.constantFrom(...regions),
    imageBytes: bytes,
    uniqueShare: fc.double({ min: 0, max: 1, noNaN: true }),
    retainedImages: fc.oneof(
      fc.double({ min: 1, max: 1000, noNaN: true }),
      fc.double({ min: 1, max: MAX_COUNT, noNaN: true }),
    ),
    cacheBytes: bytes,
    pushesPerMonth: count,
    pulls: fc.record({
      sameRegion: count,
      viaInterfaceEndpoint: count,
      viaNat: count,
      crossRegion: count,
      internet: count,
    }),
    bytesPerPull: fc.option(bytes, { nil: undefined }),
    enhanced: fc.boolean(),
    rescansPerMonth: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), count),
    rescanDuration: fc.constantFrom(...Object.values(RescanDuration)),
    imagesPerPush: fc.integer({ min: 1, max: 8 }),
    replicationRegions: fc.subarray(regions, { maxLength: 3 }),
    applyFreeTier: fc.boolean(),
  })
  .map((drawn) => ({
    region: drawn.region,
    imageBytes: drawn.imageBytes,
    uniqueBytesPerImage: drawn.imageBytes * drawn.uniqueShare,
    retainedImages: drawn.retainedImages,
    cacheBytes: drawn.cacheBytes,
    pushesPerMonth: drawn.pushesPerMonth,
    pulls: drawn.pulls,
    bytesPerPull: drawn.bytesPerPull,
    scanning: {
      mode: drawn.enhanced ? "enhanced" : "basic",
      rescansPerMonth: drawn.rescansPerMonth,
      rescanDuration: drawn.rescanDuration,
      imagesPerPush: drawn.imagesPerPush,
    },
    replicationRegions: drawn.replicationRegions.filter((region) => region !== drawn.region),
    applyFreeTier: drawn.applyFreeTier,
  }));

const total = (input: CostEstimateInput) => estimateMonthlyCost(input).totalUsd;

describe("estimateMonthlyCost: properties", () => {
  it("is never negative, per line and per part, and the total is the sum of the lines", () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const estimate = estimateMonthlyCost(input);
        for (const line of estimate.lines) {
          // Finite too: NaN >= 0 is false, but Infinity >= 0 is not.
          assert.ok(
            [line.usd, line.quantity, line.rate].every(Number.isFinite) &&
              line.usd >= 0 &&
              line.quantity >= 0 &&
              line.rate >= 0,
            `${line.item}: ${JSON.stringify(line)}`,
          );
        }
        for (const part of [
          estimate.storageUsd,
          estimate.transferUsd,
          estimate.scanningUsd,
          estimate.replicationUsd,
        ]) {
          assert.ok(Number.isFinite(part) && part >= 0, String(part));
        }
        const sumOfLines = estimate.lines.reduce((sum, line) => sum + line.usd, 0);
        assert.ok(Math.abs(sumOfLines - estimate.totalUsd) <= 1e-9 * Math.max(1, estimate.totalUsd));
      }),
      { numRuns: 300 },
    );
  });

  it("is monotone in image bytes (unique bytes and bytes per pull following the image)", () => {
    fc.assert(
      fc.property(inputs, bytes, (input, extra) => {
        const smaller = { ...input, uniqueBytesPerImage: undefined, bytesPerPull: undefined };
        const larger = { ...smaller, imageBytes: upTo(MAX_BYTES, input.imageBytes + extra) };
        assert.ok(total(larger) >= total(smaller));
      }),
      { numRuns: 300 },
    );
  });

  it("is monotone in unique bytes per build, cache bytes and bytes per pull", () => {
    fc.assert(
      fc.property(inputs, fc.double({ min: 0, max: 1, noNaN: true }), bytes, (input, share, extra) => {
        const unique = input.uniqueBytesPerImage ?? input.imageBytes;
        const moreUnique = { ...input, uniqueBytesPerImage: unique + (input.imageBytes - unique) * share };
        assert.ok(total(moreUnique) >= total(input), "unique bytes");
        assert.ok(
          total({ ...input, cacheBytes: upTo(MAX_BYTES, (input.cacheBytes ?? 0) + extra) }) >= total(input),
          "cache",
        );
        const perPull = input.bytesPerPull ?? input.imageBytes;
        assert.ok(
          total({ ...input, bytesPerPull: upTo(MAX_BYTES, perPull + extra) }) >= total(input),
          "bytes per pull",
        );
      }),
      { numRuns: 300 },
    );
  });

  it("is monotone in pulls on every path", () => {
    const paths = ["sameRegion", "viaInterfaceEndpoint", "viaNat", "crossRegion", "internet"] as const;
    fc.assert(
      fc.property(inputs, fc.constantFrom(...paths), count, (input, path, extra) => {
        const pulls = { ...input.pulls };
        const more = { ...input, pulls: { ...pulls, [path]: upTo(MAX_COUNT, (pulls[path] ?? 0) + extra) } };
        assert.ok(total(more) >= total(input));
      }),
      { numRuns: 400 },
    );
  });

  it("is monotone in the re-scan duration (LIFETIME longest) and in the images scanned per push", () => {
    const longer: RescanDuration[] = ["DAYS_14", "DAYS_30", "DAYS_60", "DAYS_90", "DAYS_180", "LIFETIME"];
    // Cadences where the duration matters: up to 200 pushes a month against up to 1000 kept builds (with
    // the huge counts above, the kept builds cap every duration alike).
    const cadence = fc.record({
      pushesPerMonth: fc.double({ min: 0, max: 200, noNaN: true }),
      retainedImages: fc.double({ min: 1, max: 1000, noNaN: true }),
      rescansPerMonth: fc.double({ min: 0.1, max: 30, noNaN: true }),
    });
    fc.assert(
      fc.property(
        inputs,
        cadence,
        fc.integer({ min: 0, max: longer.length - 2 }),
        (drawn, { pushesPerMonth, retainedImages, rescansPerMonth }, index) => {
          const input = { ...drawn, pushesPerMonth, retainedImages };
          const scanning = { ...drawn.scanning, mode: "enhanced" as const, rescansPerMonth };
          const at = (rescanDuration: RescanDuration) =>
            total({ ...input, scanning: { ...scanning, rescanDuration } });
          assert.ok(at(longer[index + 1]!) >= at(longer[index]!), `${longer[index]} -> ${longer[index + 1]}`);
          const perPush = scanning.imagesPerPush ?? 1;
          assert.ok(
            total({ ...input, scanning: { ...scanning, imagesPerPush: perPush + 1 } }) >=
              total({ ...input, scanning }),
            "imagesPerPush",
          );
        },
      ),
      { numRuns: 400 },
    );
  });

  it("is monotone in retained images and pushes", () => {
    fc.assert(
      fc.property(
        inputs,
        fc.double({ min: 0, max: 1000, noNaN: true }),
        count,
        (input, moreImages, morePushes) => {
          assert.ok(
            total({ ...input, retainedImages: upTo(MAX_COUNT, input.retainedImages + moreImages) }) >=
              total(input),
            "retained",
          );
          assert.ok(
            total({ ...input, pushesPerMonth: upTo(MAX_COUNT, input.pushesPerMonth + morePushes) }) >=
              total(input),
            "pushes",
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the free allowance never raises the cost and saves at most internetFreeGB at the first tier's rate", () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const without = total({ ...input, applyFreeTier: false });
        const withAllowance = total({ ...input, applyFreeTier: true });
        const rates = ecrPricing[input.region];
        assert.ok(rates);
        const firstTierRate = rates.internetEgressTiers[0]?.perGB ?? 0;
        assert.ok(withAllowance <= without);
        assert.ok(
          without - withAllowance <= rates.internetFreeGB * firstTierRate + 1e-9 * Math.max(1, without),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("over the whole double range: finite amounts, or an InvalidInputError naming the key", () => {
    const anyAmount = fc.oneof(
      fc.double({ min: 0, max: Number.MAX_VALUE, noNaN: true }),
      fc.constantFrom(0, 1, 1e308, Number.MAX_VALUE, 2 ** 50, 1e18),
    );
    withSuccessShare("estimateMonthlyCost (whole double range)", 0.1, (outcomes) =>
      fc.assert(
        fc.property(
          inputs,
          fc.record({
            imageBytes: anyAmount,
            pushesPerMonth: anyAmount,
            sameRegion: anyAmount,
            internet: anyAmount,
          }),
          (input, big) => {
            const candidate: CostEstimateInput = {
              ...input,
              imageBytes: big.imageBytes,
              uniqueBytesPerImage: undefined,
              bytesPerPull: undefined,
              pushesPerMonth: big.pushesPerMonth,
              pulls: { ...input.pulls, sameRegion: big.sameRegion, internet: big.internet },
            };
            let estimate;
            try {
              estimate = estimateMonthlyCost(candidate);
            } catch (error) {
              assert.ok(error instanceof InvalidInputError, String(error));
              assert.ok(
                ["imageBytes", "pushesPerMonth", "pulls.sameRegion", "pulls.internet"].includes(error.key),
              );
              outcomes.record(false);
              return;
            }
            outcomes.record(true);
            const numbers = [estimate.totalUsd, ...estimate.lines.flatMap((l) => [l.quantity, l.usd])];
            assert.ok(
              numbers.every((n) => Number.isFinite(n) && n >= 0),
              JSON.stringify(numbers),
            );
          },
        ),
        { numRuns: 500, seed: 12 },
      ),
    );
  });
});
