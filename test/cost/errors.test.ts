import assert from "node:assert/strict";
import { estimateMonthlyCost, type CostEstimateInput, type RegionPricing } from "../../components/cost";
import { estimateAmounts } from "../helpers/fuzz";

const valid: CostEstimateInput = {
  region: "us-east-1",
  imageBytes: 1000,
  retainedImages: 2,
  pushesPerMonth: 3,
};

const goodPricing: RegionPricing = {
  storagePerGBMonth: 0.1,
  internetEgressTiers: [
    { upToGB: 10240, perGB: 0.09 },
    { upToGB: Infinity, perGB: 0.05 },
  ],
  internetFreeGB: 100,
  natPerGB: 0.045,
  interfaceEndpointPerGB: 0.01,
  interRegionPerGB: 0.02,
  enhancedScanPerImage: 0.09,
  enhancedRescanPerImage: 0.01,
};

/** Builds an input from `valid` with some fields replaced by (possibly ill-typed) values. */
const withFields = (fields: Record<string, unknown>) =>
  ({ ...valid, ...fields }) as unknown as CostEstimateInput;
const withPricing = (fields: Record<string, unknown>) =>
  withFields({ pricing: { ...goodPricing, ...fields } });

const cases: { name: string; input: CostEstimateInput; message: string }[] = [
  {
    name: "negative imageBytes",
    input: withFields({ imageBytes: -1 }),
    message: "imageBytes must be a finite number >= 0, got -1",
  },
  {
    name: "NaN imageBytes",
    input: withFields({ imageBytes: NaN }),
    message: "imageBytes must be a finite number >= 0, got NaN",
  },
  {
    name: "imageBytes as a string from config",
    input: withFields({ imageBytes: "500MB" }),
    message: 'imageBytes must be a finite number >= 0, got "500MB"',
  },
  {
    name: "infinite cacheBytes",
    input: withFields({ cacheBytes: Infinity }),
    message: "cacheBytes must be a finite number >= 0, got Infinity",
  },
  {
    name: "uniqueBytesPerImage larger than the image",
    input: withFields({ uniqueBytesPerImage: 2000 }),
    message:
      "uniqueBytesPerImage must be <= imageBytes (1000): a build cannot add more than the whole image, got 2000",
  },
  {
    name: "retainedImages 0",
    input: withFields({ retainedImages: 0 }),
    message: "retainedImages must be a finite number >= 1, got 0",
  },
  {
    name: "missing pushesPerMonth",
    input: withFields({ pushesPerMonth: undefined }),
    message: "pushesPerMonth must be a finite number >= 0, got undefined",
  },
  {
    name: "negative NAT pulls",
    input: withFields({ pulls: { viaNat: -3 } }),
    message: "pulls.viaNat must be a finite number >= 0, got -3",
  },
  {
    name: "NaN internet pulls",
    input: withFields({ pulls: { internet: NaN } }),
    message: "pulls.internet must be a finite number >= 0, got NaN",
  },
  {
    name: "negative bytesPerPull",
    input: withFields({ bytesPerPull: -5 }),
    message: "bytesPerPull must be a finite number >= 0, got -5",
  },
  {
    name: "unknown scanning mode",
    input: withFields({ scanning: { mode: "full" } }),
    message: 'scanning.mode must be "basic" or "enhanced", got "full"',
  },
  {
    name: "negative rescans",
    input: withFields({ scanning: { mode: "enhanced", rescansPerMonth: -1 } }),
    message: "scanning.rescansPerMonth must be a finite number >= 0, got -1",
  },
  {
    name: "negative interface endpoint pulls",
    input: withFields({ pulls: { viaInterfaceEndpoint: -1 } }),
    message: "pulls.viaInterfaceEndpoint must be a finite number >= 0, got -1",
  },
  {
    name: "infinite interface endpoint pulls",
    input: withFields({ pulls: { viaInterfaceEndpoint: Infinity } }),
    message: "pulls.viaInterfaceEndpoint must be a finite number >= 0, got Infinity",
  },
  {
    name: "unknown re-scan duration",
    input: withFields({ scanning: { mode: "enhanced", rescanDuration: "DAYS_7" } }),
    message:
      'scanning.rescanDuration must be one of "DAYS_14", "DAYS_30", "DAYS_60", "DAYS_90", "DAYS_180", "LIFETIME" (Amazon Inspector\'s ECR re-scan durations), got "DAYS_7"',
  },
  {
    name: "re-scan duration in days instead of the API's name",
    input: withFields({ scanning: { mode: "enhanced", rescanDuration: 14 } }),
    message:
      'scanning.rescanDuration must be one of "DAYS_14", "DAYS_30", "DAYS_60", "DAYS_90", "DAYS_180", "LIFETIME" (Amazon Inspector\'s ECR re-scan durations), got 14',
  },
  {
    name: "zero images per push",
    input: withFields({ scanning: { mode: "enhanced", imagesPerPush: 0 } }),
    message: "scanning.imagesPerPush must be a whole number >= 1 (one image manifest per platform), got 0",
  },
  {
    name: "fractional images per push",
    input: withFields({ scanning: { mode: "enhanced", imagesPerPush: 1.5 } }),
    message: "scanning.imagesPerPush must be a whole number >= 1 (one image manifest per platform), got 1.5",
  },
  {
    name: "unknown region without a pricing override",
    input: withFields({ region: "mars-1" }),
    message: 'region "mars-1" has no rate card in ecrPricing; pass pricing to estimate with your own rates',
  },
  {
    name: "inherited property name as a region",
    input: withFields({ region: "toString" }),
    message: 'region "toString" has no rate card in ecrPricing; pass pricing to estimate with your own rates',
  },
  {
    name: "empty region",
    input: withFields({ region: "" }),
    message: 'region must be a non-empty region code such as "us-east-1", got ""',
  },
  {
    name: "unknown replication region",
    input: withFields({ replicationRegions: ["eu-west-1", "moon-1"] }),
    message:
      'replicationRegions[1] "moon-1" has no rate card in ecrPricing; pass pricing to estimate with your own rates',
  },
  {
    name: "replication to the repository's own region",
    input: withFields({ replicationRegions: ["us-east-1"] }),
    message: 'replicationRegions[0] "us-east-1" is the repository\'s own region',
  },
  {
    name: "replication region listed twice",
    input: withFields({ replicationRegions: ["eu-west-1", "eu-west-1"] }),
    message: 'replicationRegions[1] "eu-west-1" is listed twice',
  },
  {
    name: "replicationRegions not an array",
    input: withFields({ replicationRegions: "eu-west-1" }),
    message: 'replicationRegions must be an array of region codes, got "eu-west-1"',
  },
  {
    name: "applyFreeTier as a string",
    input: withFields({ applyFreeTier: "yes" }),
    message: 'applyFreeTier must be true or false, got "yes"',
  },
  {
    name: "negative storage rate in the override",
    input: withPricing({ storagePerGBMonth: -0.1 }),
    message: "pricing.storagePerGBMonth must be a finite number >= 0, got -0.1",
  },
  {
    name: "missing NAT rate in the override",
    input: withPricing({ natPerGB: undefined }),
    message: "pricing.natPerGB must be a finite number >= 0, got undefined",
  },
  {
    name: "missing interface endpoint rate in the override",
    input: withPricing({ interfaceEndpointPerGB: undefined }),
    message: "pricing.interfaceEndpointPerGB must be a finite number >= 0, got undefined",
  },
  {
    name: "empty tier list",
    input: withPricing({ internetEgressTiers: [] }),
    message: "pricing.internetEgressTiers must be a non-empty array, got []",
  },
  {
    name: "last tier not open-ended",
    input: withPricing({ internetEgressTiers: [{ upToGB: 10240, perGB: 0.09 }] }),
    message:
      "pricing.internetEgressTiers[0].upToGB must be Infinity (the last tier is open-ended), got 10240",
  },
  {
    name: "open-ended tier before the last",
    input: withPricing({
      internetEgressTiers: [
        { upToGB: Infinity, perGB: 0.09 },
        { upToGB: Infinity, perGB: 0.05 },
      ],
    }),
    message:
      "pricing.internetEgressTiers[0].upToGB must be a finite number (only the last tier is open-ended), got Infinity",
  },
  {
    name: "tiers out of order",
    input: withPricing({
      internetEgressTiers: [
        { upToGB: 10240, perGB: 0.09 },
        { upToGB: 10240, perGB: 0.085 },
        { upToGB: Infinity, perGB: 0.05 },
      ],
    }),
    message:
      "pricing.internetEgressTiers[1].upToGB must be greater than 10240 (the previous tier's end), got 10240",
  },
  {
    name: "negative tier rate",
    input: withPricing({ internetEgressTiers: [{ upToGB: Infinity, perGB: -1 }] }),
    message: "pricing.internetEgressTiers[0].perGB must be a finite number >= 0, got -1",
  },
  {
    name: "pricing not an object",
    input: withFields({ pricing: "cheap" }),
    message: 'pricing must be an object, got "cheap"',
  },
];

describe("estimateMonthlyCost: invalid input names the field", () => {
  it("accepts the valid base input", () => {
    assert.equal(estimateMonthlyCost(valid).lines[0]?.item, "storage");
  });
  for (const { name, input, message } of cases) {
    it(name, () => {
      assert.throws(() => estimateMonthlyCost(input), { name: "InvalidInputError", message });
    });
  }
});

describe("estimateMonthlyCost: every amount is a finite number, or the input is rejected (issue 12)", () => {
  it("rejects imageBytes 1e308 (with free same-region pulls it gave Infinity GB × $0 = NaN)", () => {
    assert.throws(() => estimateMonthlyCost(withFields({ imageBytes: 1e308, pulls: { sameRegion: 1 } })), {
      name: "InvalidInputError",
      key: "imageBytes",
      message:
        "imageBytes is 1e+308; the cost model accepts at most 1125899906842624 so that every amount it returns stays a finite number. Fix: check the unit (bytes, per month) or pass a value <= 1125899906842624",
    });
  });

  it("at every limit at once, every line, part and total is finite", () => {
    const estimate = estimateMonthlyCost({
      region: "us-east-1",
      imageBytes: 2 ** 50,
      cacheBytes: 2 ** 50,
      retainedImages: 1e18,
      pushesPerMonth: 1e18,
      pulls: { sameRegion: 1e18, viaNat: 1e18, crossRegion: 1e18, internet: 1e18 },
      scanning: { mode: "enhanced", rescansPerMonth: 1e18 },
      replicationRegions: ["eu-west-1", "ap-south-1"],
      applyFreeTier: true,
      pricing: { ...goodPricing, storagePerGBMonth: 1e6, natPerGB: 1e6, enhancedRescanPerImage: 1e6 },
    });
    const numbers = estimateAmounts(estimate);
    assert.ok(
      numbers.every((n) => Number.isFinite(n) && n >= 0),
      JSON.stringify(numbers),
    );
  });

  it("rejects rates, counts and lists past the limits, naming the key", () => {
    assert.throws(() => estimateMonthlyCost(withPricing({ natPerGB: 1e300 })), {
      name: "InvalidInputError",
      key: "pricing.natPerGB",
    });
    assert.throws(() => estimateMonthlyCost(withFields({ pushesPerMonth: 1e300 })), {
      name: "InvalidInputError",
      key: "pushesPerMonth",
    });
    assert.throws(
      () =>
        estimateMonthlyCost(
          withFields({ replicationRegions: Array.from({ length: 101 }, (_, i) => `r${i}`) }),
        ),
      { name: "InvalidInputError", key: "replicationRegions" },
    );
  });
});
