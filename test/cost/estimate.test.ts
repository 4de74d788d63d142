import assert from "node:assert/strict";
import { estimateMonthlyCost, type CostEstimate, type CostEstimateInput } from "../../components/cost";

/** A GB as AWS bills it. */
const GB = 2 ** 30;

/** USD → whole cents; every expected value below is chosen away from a half cent. */
const cents = (usd: number) => Math.round(usd * 100);

function assertCents(actual: number, expectedUsd: number, what: string) {
  assert.equal(cents(actual), Math.round(expectedUsd * 100), `${what}: got ${actual}`);
}

/** One scenario: the input, the hand arithmetic in the title/comments, and the expected totals in USD. */
interface Scenario {
  name: string;
  input: CostEstimateInput;
  storage: number;
  transfer: number;
  scanning: number;
  replication: number;
  /** item → USD, for the lines the scenario is about. */
  lines?: Record<string, number>;
  /** item → exact quantity (scans, GB), for the counts the scenario is about. */
  quantities?: Record<string, number>;
  /** Exact list of line items, in order, when the scenario is about which lines appear. */
  items?: string[];
}

const base = { region: "us-east-1", imageBytes: 1 * GB, retainedImages: 1, pushesPerMonth: 0 };

const scenarios: Scenario[] = [
  {
    // 2 GB image + (10 − 1) × 0.5 GB unique + 1 GB cache = 7.5 GB; × $0.10 = $0.75
    name: "storage counts shared layers once: 2 + 9 x 0.5 + 1 = 7.5 GB at $0.10",
    input: {
      ...base,
      imageBytes: 2 * GB,
      uniqueBytesPerImage: 0.5 * GB,
      retainedImages: 10,
      cacheBytes: 1 * GB,
    },
    storage: 0.75,
    transfer: 0,
    scanning: 0,
    replication: 0,
    items: ["storage", "scanning basic"],
  },
  {
    // uniqueBytesPerImage defaults to imageBytes: 3 × 1.5 GB = 4.5 GB × $0.10 = $0.45
    name: "without uniqueBytesPerImage every retained image counts whole: 3 x 1.5 GB",
    input: { ...base, imageBytes: 1.5 * GB, retainedImages: 3 },
    storage: 0.45,
    transfer: 0,
    scanning: 0,
    replication: 0,
  },
  {
    name: "zero pulls: no transfer lines, transfer is exactly 0",
    input: { ...base, pulls: { sameRegion: 0, viaNat: 0, crossRegion: 0, internet: 0 } },
    storage: 0.1,
    transfer: 0,
    scanning: 0,
    replication: 0,
    items: ["storage", "scanning basic"],
  },
  {
    // 10,000 same-region pulls of 1 GB are free; 200 NAT pulls × 0.5 GB = 100 GB × $0.045 = $4.50
    name: "same-region pulls are free; NAT pulls pay 100 GB x $0.045",
    input: { ...base, bytesPerPull: 0.5 * GB, pulls: { sameRegion: 10_000, viaNat: 200 } },
    storage: 0.1,
    transfer: 4.5,
    scanning: 0,
    replication: 0,
    lines: { "pulls same region": 0, "pulls via NAT gateway": 4.5 },
  },
  {
    // 30 cross-region pulls × 2 GB = 60 GB × $0.02 = $1.20
    name: "cross-region pulls pay the source region's inter-region rate: 60 GB x $0.02",
    input: { ...base, imageBytes: 2 * GB, pulls: { crossRegion: 30 } },
    storage: 0.2,
    transfer: 1.2,
    scanning: 0,
    replication: 0,
  },
  {
    // 10,240 GB = exactly 10 TB: all in the first tier, 10240 × $0.09 = $921.60
    name: "internet egress exactly at the 10 TB boundary stays in the first tier",
    input: { ...base, pulls: { internet: 10_240 } },
    storage: 0.1,
    transfer: 921.6,
    scanning: 0,
    replication: 0,
    lines: { "internet egress 0-10 TB": 921.6 },
    items: ["storage", "internet egress 0-10 TB", "scanning basic"],
  },
  {
    // 10,241 GB: 10240 × $0.09 + 1 × $0.085 = 921.60 + 0.085 = $921.685 → 92169 cents (not a half cent: .685)
    name: "one GB past 10 TB moves into the second tier",
    input: { ...base, pulls: { internet: 10_241 } },
    storage: 0.1,
    transfer: 921.685,
    scanning: 0,
    replication: 0,
    lines: { "internet egress 0-10 TB": 921.6, "internet egress 10-50 TB": 0.085 },
  },
  {
    // 51,200 GB = 50 TB: 10240 × 0.09 + 40960 × 0.085 = 921.60 + 3481.60 = $4403.20
    name: "internet egress exactly at 50 TB fills the first two tiers",
    input: { ...base, pulls: { internet: 51_200 } },
    storage: 0.1,
    transfer: 4403.2,
    scanning: 0,
    replication: 0,
    lines: { "internet egress 0-10 TB": 921.6, "internet egress 10-50 TB": 3481.6 },
    items: ["storage", "internet egress 0-10 TB", "internet egress 10-50 TB", "scanning basic"],
  },
  {
    // 153,600 GB = 150 TB: 921.60 + 3481.60 + 102400 × 0.07 (= 7168.00) = $11571.20
    name: "internet egress exactly at 150 TB fills the first three tiers",
    input: { ...base, pulls: { internet: 153_600 } },
    storage: 0.1,
    transfer: 11571.2,
    scanning: 0,
    replication: 0,
    lines: { "internet egress 50-150 TB": 7168 },
    items: [
      "storage",
      "internet egress 0-10 TB",
      "internet egress 10-50 TB",
      "internet egress 50-150 TB",
      "scanning basic",
    ],
  },
  {
    // 1,000,000 GB: 11571.20 + (1,000,000 − 153,600) × 0.05 = 11571.20 + 42320.00 = $53891.20
    name: "very large internet egress reaches the open-ended tier",
    input: { ...base, pulls: { internet: 1_000_000 } },
    storage: 0.1,
    transfer: 53891.2,
    scanning: 0,
    replication: 0,
    lines: { "internet egress over 150 TB": 42320 },
  },
  {
    // free allowance off (default): 150 GB × $0.09 = $13.50
    name: "free allowance off by default: 150 GB x $0.09",
    input: { ...base, pulls: { internet: 150 } },
    storage: 0.1,
    transfer: 13.5,
    scanning: 0,
    replication: 0,
    items: ["storage", "internet egress 0-10 TB", "scanning basic"],
  },
  {
    // free allowance on: (150 − 100) GB × $0.09 = $4.50
    name: "free allowance on: (150 - 100) GB x $0.09",
    input: { ...base, pulls: { internet: 150 }, applyFreeTier: true },
    storage: 0.1,
    transfer: 4.5,
    scanning: 0,
    replication: 0,
    lines: { "internet egress free allowance": 0, "internet egress 0-10 TB": 4.5 },
    items: ["storage", "internet egress free allowance", "internet egress 0-10 TB", "scanning basic"],
  },
  {
    name: "free allowance larger than the egress: nothing billed",
    input: { ...base, pulls: { internet: 60 }, applyFreeTier: true },
    storage: 0.1,
    transfer: 0,
    scanning: 0,
    replication: 0,
    items: ["storage", "internet egress free allowance", "scanning basic"],
  },
  {
    // on: 10,340 − 100 = 10,240 GB billed, all in the first tier: $921.60
    // off: 10240 × 0.09 + 100 × 0.085 = 921.60 + 8.50 = $930.10
    name: "free allowance is taken before the tiers: 10,340 GB with it bills exactly 10 TB",
    input: { ...base, pulls: { internet: 10_340 }, applyFreeTier: true },
    storage: 0.1,
    transfer: 921.6,
    scanning: 0,
    replication: 0,
  },
  {
    name: "the same 10,340 GB without the allowance spills 100 GB into the second tier",
    input: { ...base, pulls: { internet: 10_340 } },
    storage: 0.1,
    transfer: 930.1,
    scanning: 0,
    replication: 0,
  },
  {
    // 60 pushes × $0.09 = $5.40; DAYS_14 at 60 pushes a month monitors 60 / 30.4 × 14 + 1 = 28.6 builds,
    // more than the 20 kept: 30 rescans × 20 × $0.01 = $6.00; total $11.40
    // storage: 20 × 1 GB × $0.10 = $2.00
    name: "enhanced scanning: 60 x $0.09 on push + 30 x 20 x $0.01 rescans",
    input: {
      ...base,
      retainedImages: 20,
      pushesPerMonth: 60,
      scanning: { mode: "enhanced", rescansPerMonth: 30 },
    },
    storage: 2,
    transfer: 0,
    scanning: 11.4,
    replication: 0,
    lines: { "enhanced scans on push": 5.4, "enhanced rescans": 6 },
  },
  {
    // Inspector rescans the builds pushed within the re-scan duration, not every kept image (issue 10: prod
    // was charged 4 rescans x 101 kept images). 1 push a day = 30.4 pushes a month; DAYS_14: 30.4 / 30.4 x 14
    // = 14 pushed within, the deployed one (the newest) among them: counted once (issue 18; it was 15).
    // on push 30.4 x $0.09 = $2.736; rescans 4 x 14 x $0.01 = $0.56; storage 101 x 1 GB x $0.10 = $10.10
    name: "enhanced rescans: the 14 builds pushed within DAYS_14, the deployed one among them, not all 101 kept",
    input: {
      ...base,
      retainedImages: 101,
      pushesPerMonth: 30.4,
      scanning: { mode: "enhanced", rescansPerMonth: 4 },
    },
    storage: 10.1,
    transfer: 0,
    scanning: 3.296,
    replication: 0,
    lines: { "enhanced scans on push": 2.736, "enhanced rescans": 0.56 },
    quantities: { "enhanced scans on push": 30.4, "enhanced rescans": 56 },
  },
  {
    // 2 pushes a day = 60.8 a month; DAYS_30: 2 x 30 = 60 pushed within (the deployed one among them) of 101 kept.
    // on push 60.8 x $0.09 = $5.472; rescans 2 x 60 x $0.01 = $1.20
    name: "enhanced rescans with DAYS_30 and 2 pushes a day: 2 x 60 rescans",
    input: {
      ...base,
      retainedImages: 101,
      pushesPerMonth: 60.8,
      scanning: { mode: "enhanced", rescansPerMonth: 2, rescanDuration: "DAYS_30" },
    },
    storage: 10.1,
    transfer: 0,
    scanning: 6.672,
    replication: 0,
    lines: { "enhanced scans on push": 5.472, "enhanced rescans": 1.2 },
    quantities: { "enhanced scans on push": 60.8, "enhanced rescans": 120 },
  },
  {
    // LIFETIME never stops monitoring: every kept build. rescans 1 x 101 x $0.01 = $1.01
    name: "enhanced rescans with LIFETIME: every one of the 101 kept builds",
    input: {
      ...base,
      retainedImages: 101,
      pushesPerMonth: 30.4,
      scanning: { mode: "enhanced", rescansPerMonth: 1, rescanDuration: "LIFETIME" },
    },
    storage: 10.1,
    transfer: 0,
    scanning: 3.746,
    replication: 0,
    lines: { "enhanced scans on push": 2.736, "enhanced rescans": 1.01 },
    quantities: { "enhanced rescans": 101 },
  },
  {
    // LIFETIME without a push this month: every kept build is still monitored (0 pushes x unbounded days
    // must not make NaN). rescans 1 x 10 x $0.01 = $0.10
    name: "enhanced rescans with LIFETIME and no pushes: the 10 kept builds",
    input: {
      ...base,
      retainedImages: 10,
      scanning: { mode: "enhanced", rescansPerMonth: 1, rescanDuration: "LIFETIME" },
    },
    storage: 1,
    transfer: 0,
    scanning: 0.1,
    replication: 0,
    quantities: { "enhanced rescans": 10 },
  },
  {
    // The cadence would monitor 14, but only 5 builds are kept: rescans 4 x 5 x $0.01 = $0.20
    name: "enhanced rescans never count more builds than are kept: 4 x 5",
    input: {
      ...base,
      retainedImages: 5,
      pushesPerMonth: 30.4,
      scanning: { mode: "enhanced", rescansPerMonth: 4 },
    },
    storage: 0.5,
    transfer: 0,
    scanning: 2.936,
    replication: 0,
    lines: { "enhanced scans on push": 2.736, "enhanced rescans": 0.2 },
    quantities: { "enhanced rescans": 20 },
  },
  {
    // No pushes this month: the deployed image is still in use on a running container, so still rescanned.
    // rescans 4 x 1 x $0.01 = $0.04
    name: "enhanced rescans without pushes: the deployed image only, 4 x 1",
    input: { ...base, retainedImages: 10, scanning: { mode: "enhanced", rescansPerMonth: 4 } },
    storage: 1,
    transfer: 0,
    scanning: 0.04,
    replication: 0,
    lines: { "enhanced scans on push": 0, "enhanced rescans": 0.04 },
    quantities: { "enhanced scans on push": 0, "enhanced rescans": 4 },
  },
  {
    // Inspector scans each platform's image manifest: 30.4 pushes x 2 = 60.8 scans x $0.09 = $5.472;
    // rescans 4 x (14 builds x 2 platform images) x $0.01 = $1.12
    name: "two platforms: every scan and rescan counts each platform's image",
    input: {
      ...base,
      retainedImages: 101,
      pushesPerMonth: 30.4,
      scanning: { mode: "enhanced", rescansPerMonth: 4, imagesPerPush: 2 },
    },
    storage: 10.1,
    transfer: 0,
    scanning: 6.592,
    replication: 0,
    lines: { "enhanced scans on push": 5.472, "enhanced rescans": 1.12 },
    quantities: { "enhanced scans on push": 60.8, "enhanced rescans": 112 },
  },
  {
    // Layers through an S3 interface endpoint: 100 pulls x 1 GB x $0.01 PrivateLink data processing = $1.00;
    // through an S3 gateway endpoint (same region) the other 100 GB are free.
    name: "interface endpoint pulls pay PrivateLink data processing: 100 GB x $0.01",
    input: { ...base, pulls: { sameRegion: 100, viaInterfaceEndpoint: 100 } },
    storage: 0.1,
    transfer: 1,
    scanning: 0,
    replication: 0,
    lines: { "pulls same region": 0, "pulls via interface endpoint": 1 },
    quantities: { "pulls same region": 100, "pulls via interface endpoint": 100 },
    items: ["storage", "pulls same region", "pulls via interface endpoint", "scanning basic"],
  },
  {
    // sa-east-1, 1,000,000 GB: 10240 x 0.15 + 40960 x 0.138 + 102400 x 0.126 = 1536 + 5652.48 + 12902.40
    // = 20090.88; over 150 TB (846,400 GB) at $0.114 (AWS Price List; was $0.12) = 96489.60 -> $116580.48
    name: "sa-east-1 internet egress over 150 TB is $0.114/GB",
    input: { ...base, region: "sa-east-1", pulls: { internet: 1_000_000 } },
    storage: 0.1,
    transfer: 116580.48,
    scanning: 0,
    replication: 0,
    lines: { "internet egress over 150 TB": 96489.6 },
    quantities: { "internet egress over 150 TB": 846400 },
  },
  {
    name: "basic scanning is free however many pushes",
    input: { ...base, pushesPerMonth: 500, scanning: { mode: "basic", rescansPerMonth: 30 } },
    storage: 0.1,
    transfer: 0,
    scanning: 0,
    replication: 0,
  },
  {
    // Replicas under this repository's policy (a creation template): stored = 1 + (10 − 1) × 0.25 + 0.75 =
    // 4 GB → $0.40 here and $0.40 in each destination; transfer per destination: 40 pushes × 0.25 GB = 10 GB
    // × $0.02 (us-east-1) = $0.20; replication = 2 × (0.40 + 0.20) = $1.20
    name: "replication to two regions under the replica's own policy: destination storage + pushes x replicated bytes",
    input: {
      ...base,
      uniqueBytesPerImage: 0.25 * GB,
      retainedImages: 10,
      cacheBytes: 0.75 * GB,
      pushesPerMonth: 40,
      replicationRegions: ["eu-west-1", "ap-northeast-1"],
      replicaRetention: "policy",
    },
    storage: 0.4,
    transfer: 0,
    scanning: 0,
    replication: 1.2,
    lines: {
      "replication storage eu-west-1": 0.4,
      "replication transfer eu-west-1": 0.2,
      "replication storage ap-northeast-1": 0.4,
      "replication transfer ap-northeast-1": 0.2,
    },
  },
  {
    // source ap-southeast-2 bills inter-region at $0.098: 10 GB × 0.098 = $0.98 per destination
    // replication = 2 × (0.40 + 0.98) = $2.76
    name: "replication transfer is billed at the source region's rate (ap-southeast-2, $0.098)",
    input: {
      ...base,
      region: "ap-southeast-2",
      uniqueBytesPerImage: 0.25 * GB,
      retainedImages: 10,
      cacheBytes: 0.75 * GB,
      pushesPerMonth: 40,
      replicationRegions: ["us-west-2", "eu-north-1"],
      replicaRetention: "policy",
    },
    storage: 0.4,
    transfer: 0,
    scanning: 0,
    replication: 2.76,
    lines: { "replication transfer us-west-2": 0.98, "replication transfer eu-north-1": 0.98 },
  },
];

/** The same workload in several regions: 5 GB stored, 100 NAT, 10 cross-region, 20 internet pulls of 1 GB. */
const workload = {
  imageBytes: 1 * GB,
  retainedImages: 5,
  pushesPerMonth: 0,
  pulls: { viaNat: 100, crossRegion: 10, internet: 20 },
};
const regional: { region: string; transfer: number; arithmetic: string }[] = [
  {
    region: "us-east-1",
    transfer: 6.5,
    arithmetic: "100 x 0.045 + 10 x 0.02 + 20 x 0.09 = 4.50 + 0.20 + 1.80",
  },
  {
    region: "eu-central-1",
    transfer: 7.2,
    arithmetic: "100 x 0.052 + 10 x 0.02 + 20 x 0.09 = 5.20 + 0.20 + 1.80",
  },
  {
    region: "ap-southeast-1",
    transfer: 9.2,
    arithmetic: "100 x 0.059 + 10 x 0.09 + 20 x 0.12 = 5.90 + 0.90 + 2.40",
  },
  {
    region: "ap-south-1",
    transfer: 8.646,
    arithmetic: "100 x 0.056 + 10 x 0.086 + 20 x 0.1093 = 5.60 + 0.86 + 2.186",
  },
  {
    region: "sa-east-1",
    transfer: 13.68,
    arithmetic: "100 x 0.093 + 10 x 0.138 + 20 x 0.15 = 9.30 + 1.38 + 3.00",
  },
];

function checkTotals(estimate: CostEstimate) {
  const sumOfLines = estimate.lines.reduce((total, line) => total + line.usd, 0);
  assert.ok(
    Math.abs(sumOfLines - estimate.totalUsd) < 1e-9,
    `lines sum ${sumOfLines} vs total ${estimate.totalUsd}`,
  );
  const parts = estimate.storageUsd + estimate.transferUsd + estimate.scanningUsd + estimate.replicationUsd;
  assert.equal(estimate.totalUsd, parts);
  for (const line of estimate.lines) {
    assert.ok(Math.abs(line.usd - line.quantity * line.rate) < 1e-9, `${line.item}: usd = quantity x rate`);
  }
}

describe("estimateMonthlyCost: hand-computed scenarios", () => {
  for (const scenario of scenarios) {
    it(scenario.name, () => {
      const estimate = estimateMonthlyCost(scenario.input);
      assertCents(estimate.storageUsd, scenario.storage, "storageUsd");
      assertCents(estimate.transferUsd, scenario.transfer, "transferUsd");
      assertCents(estimate.scanningUsd, scenario.scanning, "scanningUsd");
      assertCents(estimate.replicationUsd, scenario.replication, "replicationUsd");
      const total = scenario.storage + scenario.transfer + scenario.scanning + scenario.replication;
      assertCents(estimate.totalUsd, total, "totalUsd");
      for (const [item, usd] of Object.entries(scenario.lines ?? {})) {
        const line = estimate.lines.find((each) => each.item === item);
        assert.ok(line, `line "${item}" missing; got ${estimate.lines.map((each) => each.item).join(", ")}`);
        assertCents(line.usd, usd, item);
      }
      for (const [item, quantity] of Object.entries(scenario.quantities ?? {})) {
        assert.equal(estimate.lines.find((each) => each.item === item)?.quantity, quantity, item);
      }
      if (scenario.items)
        assert.deepEqual(
          estimate.lines.map((line) => line.item),
          scenario.items,
        );
      checkTotals(estimate);
    });
  }

  describe("the same workload in several regions (storage 5 GB x $0.10 = $0.50 everywhere)", () => {
    for (const { region, transfer, arithmetic } of regional) {
      it(`${region}: transfer ${arithmetic} = ${transfer}`, () => {
        const estimate = estimateMonthlyCost({ ...workload, region });
        assertCents(estimate.storageUsd, 0.5, "storageUsd");
        assertCents(estimate.transferUsd, transfer, "transferUsd");
        assertCents(estimate.totalUsd, 0.5 + transfer, "totalUsd");
        checkTotals(estimate);
      });
    }
  });

  it("quantities are GB of 2^30 bytes and the lines carry unit and rate", () => {
    const estimate = estimateMonthlyCost({ ...base, imageBytes: 3 * GB, pulls: { viaNat: 2 } });
    assert.deepEqual(
      estimate.lines.map(({ item, quantity, unit, rate }) => ({ item, quantity, unit, rate })),
      [
        { item: "storage", quantity: 3, unit: "GB-month", rate: 0.1 },
        { item: "pulls via NAT gateway", quantity: 6, unit: "GB", rate: 0.045 },
        { item: "scanning basic", quantity: 0, unit: "scan", rate: 0 },
      ],
    );
  });

  it("a pricing override applies to every region, including ones ecrPricing does not know", () => {
    const pricing = {
      storagePerGBMonth: 0.05,
      internetEgressTiers: [
        { upToGB: 100, perGB: 0.2 },
        { upToGB: Infinity, perGB: 0.1 },
      ],
      internetFreeGB: 0,
      natPerGB: 0,
      interfaceEndpointPerGB: 0,
      interRegionPerGB: 0.03,
      enhancedScanPerImage: 0,
      enhancedRescanPerImage: 0,
    };
    // storage 4 GB × 0.05 = 0.20; internet 250 GB: 100 × 0.2 + 150 × 0.1 = 20 + 15 = 35.00
    // replication to moon-1: 4 × 0.05 = 0.20 storage + 10 pushes × 1 GB × 0.03 = 0.30 → 0.50
    const estimate = estimateMonthlyCost({
      region: "mars-1",
      imageBytes: 1 * GB,
      retainedImages: 4,
      pushesPerMonth: 10,
      pulls: { internet: 250 },
      replicationRegions: ["moon-1"],
      replicaRetention: "policy",
      pricing,
    });
    assertCents(estimate.storageUsd, 0.2, "storageUsd");
    assertCents(estimate.transferUsd, 35, "transferUsd");
    assertCents(estimate.replicationUsd, 0.5, "replicationUsd");
    assert.deepEqual(
      estimate.lines.filter((line) => line.item.startsWith("internet")).map((line) => line.item),
      ["internet egress 0-100 GB", "internet egress over 100 GB"],
    );
    assert.equal(estimate.assumptions.pricingSource, "override");
    assert.equal(estimate.assumptions.pricing, pricing);
  });

  it("echoes the assumptions with the defaults filled in", () => {
    const estimate = estimateMonthlyCost({
      region: "eu-west-1",
      imageBytes: 2 * GB,
      retainedImages: 3,
      pushesPerMonth: 12,
    });
    assert.deepEqual(
      { ...estimate.assumptions, pricing: undefined },
      {
        region: "eu-west-1",
        imageBytes: 2 * GB,
        uniqueBytesPerImage: 2 * GB,
        retainedImages: 3,
        cacheBytes: 0,
        storedBytes: 6 * GB,
        pushesPerMonth: 12,
        pulls: { sameRegion: 0, viaInterfaceEndpoint: 0, viaNat: 0, crossRegion: 0, internet: 0 },
        bytesPerPull: 2 * GB,
        scanning: {
          mode: "basic",
          source: "account",
          frequency: "SCAN_ON_PUSH",
          rescansPerMonth: 0,
          rescanDuration: "DAYS_14",
          pullDateRescanMode: "LAST_IN_USE_AT",
          imagesPerPush: 1,
        },
        monitoredImages: 0,
        replicationRegions: [],
        replicaRetention: "none",
        replicaHorizonMonths: 12,
        replicatedBytesPerPush: 2 * GB,
        replicaInitialBytes: 2 * GB,
        pullThroughCacheBytes: 0,
        applyFreeTier: false,
        pricingSource: "ecrPricing",
        pricing: undefined,
      },
    );
    assert.equal(estimate.assumptions.pricing.natPerGB, 0.048);
  });
});
