import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  INTERNET_TIER_BOUNDS_GB,
  PRICING_CHECKED_ON,
  PRICING_RECHECKED_ON,
  ecrArchivePricing,
  ecrPricing,
  ecrRateCards,
  type SourcedFigure,
} from "../../components/cost";

const REQUIRED_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "ca-central-1",
  "eu-west-1",
  "eu-west-2",
  "eu-central-1",
  "eu-north-1",
  "ap-south-1",
  "ap-northeast-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "sa-east-1",
];

function figuresOf(region: string): [string, SourcedFigure][] {
  const card = ecrRateCards[region];
  assert.ok(card, region);
  return [
    ["storagePerGBMonth", card.storagePerGBMonth],
    ...card.internetEgressTiers.map((tier, index): [string, SourcedFigure] => [
      `egress[${index}]`,
      tier.perGB,
    ]),
    ["internetFreeGB", card.internetFreeGB],
    ["natPerGB", card.natPerGB],
    ["interfaceEndpointPerGB", card.interfaceEndpointPerGB],
    ["interRegionPerGB", card.interRegionPerGB],
    ["enhancedScanPerImage", card.enhancedScanPerImage],
    ["enhancedRescanPerImage", card.enhancedRescanPerImage],
  ];
}

describe("ecrPricing and ecrRateCards (the data)", () => {
  it("covers the major commercial regions, and both tables hold the same regions", () => {
    for (const region of REQUIRED_REGIONS) assert.ok(ecrPricing[region], `missing ${region}`);
    assert.deepEqual(Object.keys(ecrPricing).sort(), Object.keys(ecrRateCards).sort());
  });

  it("every figure carries an https source, the check date, a verified flag, and a note when unverified", () => {
    assert.equal(PRICING_CHECKED_ON, "2026-11-22");
    // Figures added or corrected for issue 10 carry the day they were read; all others the first check.
    const rechecked = (region: string, name: string) =>
      name === "interfaceEndpointPerGB" || (region === "sa-east-1" && name === "egress[3]");
    for (const region of Object.keys(ecrRateCards)) {
      for (const [name, figure] of figuresOf(region)) {
        const where = `${region} ${name}`;
        assert.match(figure.source, /^https:\/\/[a-z0-9.-]+\//, where);
        assert.equal(figure.checked, rechecked(region, name) ? PRICING_RECHECKED_ON : "2026-11-22", where);
        assert.equal(typeof figure.verified, "boolean", where);
        if (!figure.verified)
          assert.ok(figure.note && figure.note.length > 0, `${where}: unverified without a note`);
        assert.ok(Number.isFinite(figure.value) && figure.value >= 0, where);
      }
    }
  });

  it("internet tiers end at 10, 50 and 150 TB, are open-ended last and never get dearer", () => {
    assert.deepEqual(INTERNET_TIER_BOUNDS_GB, [10240, 51200, 153600, Infinity]);
    for (const [region, pricing] of Object.entries(ecrPricing)) {
      assert.deepEqual(
        pricing.internetEgressTiers.map((tier) => tier.upToGB),
        [10240, 51200, 153600, Infinity],
        region,
      );
      const rates = pricing.internetEgressTiers.map((tier) => tier.perGB);
      rates
        .slice(1)
        .forEach((rate, index) =>
          assert.ok(rate <= (rates[index] ?? Infinity), `${region} tier ${index + 1}`),
        );
    }
  });

  it("us-east-1 holds the rates checked against sources", () => {
    assert.deepEqual(ecrPricing["us-east-1"], {
      storagePerGBMonth: 0.1,
      internetEgressTiers: [
        { upToGB: 10240, perGB: 0.09 },
        { upToGB: 51200, perGB: 0.085 },
        { upToGB: 153600, perGB: 0.07 },
        { upToGB: Infinity, perGB: 0.05 },
      ],
      internetFreeGB: 100,
      natPerGB: 0.045,
      interfaceEndpointPerGB: 0.01,
      interRegionPerGB: 0.02,
      enhancedScanPerImage: 0.09,
      enhancedRescanPerImage: 0.01,
    });
    const verified = figuresOf("us-east-1")
      .filter(([, figure]) => figure.verified)
      .map(([name]) => name);
    assert.deepEqual(verified, [
      "storagePerGBMonth",
      "egress[0]",
      "egress[1]",
      "egress[2]",
      "internetFreeGB",
      "natPerGB",
      "interfaceEndpointPerGB",
      "interRegionPerGB",
      "enhancedScanPerImage",
      "enhancedRescanPerImage",
    ]);
  });

  it("ecrPricing holds, per region, the figures of the price list cited in pricing.ts (literal values)", () => {
    // Written out from the cited AWS pages (docs/PRICING.md), not computed from pricing.ts: comparing
    // ecrPricing with toRegionPricing(ecrRateCards) compared the table with itself (issue 12).
    // [internet egress per GB for 0-10 TB, 10-50 TB, 50-150 TB, over 150 TB], NAT per GB, inter-region per GB.
    const US_EU: [number, number, number, number] = [0.09, 0.085, 0.07, 0.05];
    const listed: Record<string, [[number, number, number, number], number, number]> = {
      "us-east-1": [US_EU, 0.045, 0.02],
      "us-east-2": [US_EU, 0.045, 0.02],
      "us-west-1": [US_EU, 0.048, 0.02],
      "us-west-2": [US_EU, 0.045, 0.02],
      "ca-central-1": [US_EU, 0.05, 0.02],
      "eu-west-1": [US_EU, 0.048, 0.02],
      "eu-west-2": [US_EU, 0.05, 0.02],
      "eu-central-1": [US_EU, 0.052, 0.02],
      "eu-north-1": [US_EU, 0.046, 0.02],
      "ap-south-1": [[0.1093, 0.085, 0.082, 0.08], 0.056, 0.086],
      "ap-northeast-1": [[0.114, 0.089, 0.086, 0.084], 0.062, 0.09],
      "ap-southeast-1": [[0.12, 0.085, 0.082, 0.08], 0.059, 0.09],
      "ap-southeast-2": [[0.114, 0.098, 0.094, 0.092], 0.059, 0.098],
      // Over 150 TB: $0.114 in the AWS Price List (issue 10), not $0.12.
      "sa-east-1": [[0.15, 0.138, 0.126, 0.114], 0.093, 0.138],
    };
    assert.deepEqual(Object.keys(ecrPricing).sort(), Object.keys(listed).sort());
    for (const [region, [egress, nat, interRegion]] of Object.entries(listed)) {
      assert.deepEqual(
        {
          ...ecrPricing[region],
          internetEgressTiers: ecrPricing[region]?.internetEgressTiers.map((t) => ({ ...t })),
        },
        {
          storagePerGBMonth: 0.1,
          internetEgressTiers: [
            { upToGB: 10240, perGB: egress[0] },
            { upToGB: 51200, perGB: egress[1] },
            { upToGB: 153600, perGB: egress[2] },
            { upToGB: Infinity, perGB: egress[3] },
          ],
          internetFreeGB: 100,
          natPerGB: nat,
          // PrivateLink interface endpoint data processing, first tier (up to 1 PB a month).
          interfaceEndpointPerGB: 0.01,
          interRegionPerGB: interRegion,
          enhancedScanPerImage: 0.09,
          enhancedRescanPerImage: 0.01,
        },
        region,
      );
    }
  });

  it("ecrPricing is the rate cards without sources, frozen so no caller can change the shared table", () => {
    // The rate cards carry the same numbers as ecrPricing (the sources aside).
    for (const [region, card] of Object.entries(ecrRateCards)) {
      assert.equal(card.natPerGB.value, ecrPricing[region]?.natPerGB, region);
      assert.equal(
        card.internetEgressTiers[0]?.perGB.value,
        ecrPricing[region]?.internetEgressTiers[0]?.perGB,
        region,
      );
    }
    const usEast1 = ecrPricing["us-east-1"];
    assert.ok(usEast1);
    assert.ok(
      Object.isFrozen(ecrPricing) && Object.isFrozen(usEast1) && Object.isFrozen(usEast1.internetEgressTiers),
    );
    assert.throws(() => {
      (usEast1 as { storagePerGBMonth: number }).storagePerGBMonth = 0;
    }, TypeError);
  });

  it("archive: same $0.10 up to 150 TB, $0.07 above, $0.03 per GB restored, 90-day minimum", () => {
    assert.deepEqual(Object.keys(ecrArchivePricing).sort(), Object.keys(ecrPricing).sort());
    for (const [region, archive] of Object.entries(ecrArchivePricing)) {
      assert.deepEqual(
        archive.storageTiers.map((tier) => [tier.upToGB, tier.perGB.value]),
        [
          [153600, 0.1],
          [Infinity, 0.07],
        ],
        region,
      );
      assert.equal(archive.restorePerGB.value, 0.03, region);
      assert.equal(archive.minimumStorageDays.value, 90, region);
      assert.equal(archive.minimumStorageDays.verified, true, region);
      for (const figure of [...archive.storageTiers.map((tier) => tier.perGB), archive.restorePerGB]) {
        assert.equal(figure.checked, "2026-11-22", region);
        if (!figure.verified)
          assert.ok(figure.note && figure.note.length > 0, `${region}: unverified without a note`);
      }
    }
    assert.equal(ecrArchivePricing["ap-northeast-1"]?.restorePerGB.verified, true);
    assert.equal(ecrArchivePricing["us-east-1"]?.restorePerGB.verified, false);
    assert.equal(ecrArchivePricing["us-east-1"]?.storageTiers[1]?.perGB.verified, true);
  });
});

describe("docs/PRICING.md's rate table is the data", () => {
  it("every region row holds ecrRateCards' figures, with * exactly on the unverified ones", () => {
    const text = readFileSync(join(__dirname, "..", "..", "docs", "PRICING.md"), "utf8");
    const rows = text
      .split("\n")
      .filter((line) => /^\| [a-z]{2}-[a-z]+-\d /.test(line))
      .map((line) =>
        line
          .split("|")
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
    assert.deepEqual(
      rows.map((row) => row[0]?.split(" ")[0]),
      Object.keys(ecrRateCards),
    );
    const shown = (figure: SourcedFigure) => `${figure.value}${figure.verified ? "" : "*"}`;
    // "0.10*" reads as 0.1 unverified: compare numbers, not digits.
    const read = (cell: string) => `${Number(cell.replace("*", ""))}${cell.endsWith("*") ? "*" : ""}`;
    for (const row of rows) {
      const region = row[0]?.split(" ")[0] ?? "";
      const card = ecrRateCards[region];
      assert.ok(card, region);
      const [scan = "", rescan = ""] = (row[9] ?? "").split(" / ");
      assert.deepEqual(
        [...row.slice(1, 9).map(read), read(scan), read(rescan)],
        [
          shown(card.storagePerGBMonth),
          ...card.internetEgressTiers.map((tier) => shown(tier.perGB)),
          shown(card.natPerGB),
          shown(card.interfaceEndpointPerGB),
          shown(card.interRegionPerGB),
          shown(card.enhancedScanPerImage),
          shown(card.enhancedRescanPerImage),
        ],
        region,
      );
    }
  });
});
