import assert from "node:assert/strict";
import { compareCosts, comparedImage } from "../../components/cost/comparison";
import { estimateMonthlyCost } from "../../components/cost/estimate";
import { ecrPricing, PRICING_SOURCES } from "../../components/cost/pricing";
import type { CostLine } from "../../components/cost/types";
import { InvalidInputError } from "../../components/common/errors";
import {
  buildCostDocument,
  COST_DOCUMENT_KIND,
  COST_SCHEMA_VERSION,
  costJsonText,
  type CostDocumentInput,
} from "../../components/review/document";
import { evaluateCostGuardrails } from "../../components/review/guardrails";
import { devDocument, MiB, prodDocument, stagingDocument } from "../../tools/lib/review-fixtures";
import { assertCostDocument, validateCostDocument } from "../helpers/cost-schema";

const GiB = 2 ** 30;

/** us-east-1, exact: 1 GiB image, 3 kept, no cache: stored 1 + 2 × 0.25 = 1.5 GB; 10 NAT pulls of 1 GB. */
const estimate = estimateMonthlyCost({
  region: "us-east-1",
  imageBytes: GiB,
  uniqueBytesPerImage: GiB / 4,
  retainedImages: 3,
  pushesPerMonth: 10,
  pulls: { sameRegion: 4, viaNat: 10, internet: 2 },
});
const size = { bytes: GiB, basis: "estimate" as const, note: "local build of ctx-0123456789abcdef" };
const input: CostDocumentInput = {
  stack: "prod",
  pipeline: "app-prod",
  computedIn: "preview",
  size,
  estimate,
  guardrails: evaluateCostGuardrails({ estimate, basis: "estimate", maxMonthlyUsd: 1 }),
};

describe("buildCostDocument", () => {
  it("writes every line with quantity, unit, rate, amount, basis, verified and its source", () => {
    const document = buildCostDocument(input);
    assertCostDocument(document);
    assert.deepEqual(document.lines, [
      {
        item: "storage",
        quantity: 1.5,
        unit: "GB-month",
        rateUsd: 0.1,
        amountUsd: 0.15000000000000002,
        basis: "estimate",
        verified: true,
        rateSource: PRICING_SOURCES.cloudburnEcr,
        explanation: "1 image + 2 x unique bytes per build + cache: shared layers are stored once",
      },
      {
        item: "pulls same region",
        quantity: 4,
        unit: "GB",
        rateUsd: 0,
        amountUsd: 0,
        basis: "estimate",
        verified: true,
        rateSource: PRICING_SOURCES.containerTransfer,
        explanation: "4 pulls; free: layers come from S3 through an S3 gateway endpoint or a public subnet",
      },
      {
        item: "pulls via NAT gateway",
        quantity: 10,
        unit: "GB",
        rateUsd: 0.045,
        amountUsd: 0.44999999999999996,
        basis: "estimate",
        verified: true,
        rateSource: PRICING_SOURCES.cloudburnEcr,
        explanation: "10 pulls; NAT data processing (an S3 gateway endpoint avoids it for the layers)",
      },
      {
        item: "internet egress 0-10 TB",
        quantity: 2,
        unit: "GB",
        rateUsd: 0.09,
        amountUsd: 0.18,
        basis: "estimate",
        verified: true,
        rateSource: PRICING_SOURCES.cloudtoolstackEgress,
        explanation: "2 pulls from outside AWS; tiers count the month's billed volume",
      },
      {
        item: "scanning basic",
        quantity: 10,
        unit: "scan",
        rateUsd: 0,
        amountUsd: 0,
        basis: "usage",
        verified: true,
        rateSource: PRICING_SOURCES.ecrEnhancedScanning,
        explanation: "basic scanning is free",
      },
    ]);
  });

  it("writes the header, totals, no comparison when none is known, and the guardrail verdicts", () => {
    const { lines: _lines, ...rest } = buildCostDocument({
      ...input,
      notes: ["priced with us-east-1 rates"],
    });
    assert.deepEqual(rest, {
      kind: COST_DOCUMENT_KIND,
      schemaVersion: COST_SCHEMA_VERSION,
      stack: "prod",
      pipeline: "app-prod",
      computedIn: "preview",
      currency: "USD",
      bytesPerGB: GiB,
      region: "us-east-1",
      pricing: "ecrPricing",
      size,
      storedBytes: 1.5 * GiB,
      totals: {
        monthlyUsd: 0.7799999999999999,
        storageUsd: 0.15000000000000002,
        transferUsd: 0.6299999999999999,
        scanningUsd: 0,
        replicationUsd: 0,
      },
      comparison: null,
      guardrails: {
        status: "ok",
        message:
          "maxMonthlyUsd: the repository costs $0.78 a month with this change (basis estimate), within the limit of $1.00.",
        blocksPromotion: false,
        verdicts: [
          {
            guardrail: "maxMonthlyUsd",
            limit: 1,
            unit: "USD",
            action: "warn",
            status: "ok",
            figure: 0.78,
            message:
              "maxMonthlyUsd: the repository costs $0.78 a month with this change (basis estimate), within the limit of $1.00.",
          },
        ],
      },
      notes: ["priced with us-east-1 rates"],
    });
  });

  it("writes the comparison with the difference in percent and the lines that moved", () => {
    // The same repository with a 0.5 GiB image and no internet pulls: stored 1.0 GB, NAT 5 GB.
    const deployedEstimate = estimateMonthlyCost({
      region: "us-east-1",
      imageBytes: GiB / 2,
      uniqueBytesPerImage: GiB / 4,
      retainedImages: 3,
      pushesPerMonth: 10,
      pulls: { sameRegion: 4, viaNat: 10 },
    });
    const deployedSize = {
      bytes: GiB / 2,
      basis: "ecr" as const,
      note: "imageSizeInBytes of ctx-1111111111111111 in ECR",
    };
    const change = compareCosts(
      comparedImage(deployedSize, deployedEstimate),
      comparedImage(size, estimate),
      "ctx-1111111111111111",
    );
    const document = buildCostDocument({ ...input, change, deployedLines: deployedEstimate.lines });
    assertCostDocument(document);
    assert.deepEqual(document.comparison, {
      status: "compared",
      note: "deployed image ctx-1111111111111111 (basis ecr) next to this change (basis estimate)",
      deployed: {
        basis: "ecr",
        sizeBytes: GiB / 2,
        storedBytes: 0.5 * GiB + 2 * 0.25 * GiB,
        monthlyUsd: deployedEstimate.totalUsd,
        note: "imageSizeInBytes of ctx-1111111111111111 in ECR",
      },
      change: {
        basis: "estimate",
        sizeBytes: GiB,
        storedBytes: 1.5 * GiB,
        monthlyUsd: estimate.totalUsd,
        note: size.note,
      },
      difference: {
        sizeBytes: GiB / 2,
        storedBytes: 0.5 * GiB,
        monthlyUsd: estimate.totalUsd - deployedEstimate.totalUsd,
        monthlyPercent: ((estimate.totalUsd - deployedEstimate.totalUsd) / deployedEstimate.totalUsd) * 100,
      },
      drivers: [
        {
          item: "pulls via NAT gateway",
          deployedUsd: 0.22499999999999998,
          changeUsd: 0.44999999999999996,
          differenceUsd: 0.22499999999999998,
        },
        { item: "internet egress 0-10 TB", deployedUsd: 0, changeUsd: 0.18, differenceUsd: 0.18 },
        {
          item: "storage",
          deployedUsd: 0.1,
          changeUsd: 0.15000000000000002,
          differenceUsd: 0.05000000000000002,
        },
      ],
    });
    assert.ok(
      Math.abs(deployedEstimate.totalUsd - 0.325) < 1e-12,
      `by hand: 0.10 + 0.225 = 0.325, got ${deployedEstimate.totalUsd}`,
    );
  });

  it("takes verified and the source from each cost line: eu-west-1 storage and NAT not verified (docs/PRICING.md), a caller's rates neither, a free line documented", () => {
    const eu = estimateMonthlyCost({
      region: "eu-west-1",
      imageBytes: GiB,
      retainedImages: 1,
      pushesPerMonth: 1,
      pulls: { viaNat: 1 },
    });
    const document = buildCostDocument({ ...input, estimate: eu });
    assert.deepEqual(
      document.lines.map(({ item, verified, rateSource }) => ({ item, verified, rateSource })),
      [
        { item: "storage", verified: false, rateSource: PRICING_SOURCES.ecrPricing },
        { item: "pulls via NAT gateway", verified: false, rateSource: PRICING_SOURCES.vpcPricing },
        { item: "scanning basic", verified: true, rateSource: PRICING_SOURCES.ecrEnhancedScanning },
      ],
    );
    const override = estimateMonthlyCost({
      region: "eu-west-1",
      imageBytes: GiB,
      retainedImages: 1,
      pushesPerMonth: 1,
      pricing: ecrPricing["us-east-1"]!,
    });
    assert.deepEqual(
      buildCostDocument({ ...input, estimate: override }).lines.map(({ verified, rateSource }) => ({
        verified,
        rateSource,
      })),
      [
        { verified: false, rateSource: "pricing override" },
        // Free whatever the rates: the line cites the document that makes basic scanning free.
        { verified: true, rateSource: PRICING_SOURCES.ecrEnhancedScanning },
      ],
    );
  });

  it("takes a line the model adds later as it is: its basis from its unit, its verified and source its own", () => {
    const extra: CostLine = {
      item: "nat gateway hours",
      quantity: 730,
      unit: "hour",
      rate: 0.045,
      usd: 32.85,
      explanation: "one NAT gateway",
      verified: false,
      source: "pricing override",
    };
    const own: CostLine = {
      ...extra,
      item: "kms requests",
      unit: "GB",
      verified: true,
      source: "https://example.com/kms",
    };
    const document = buildCostDocument({
      ...input,
      estimate: { ...estimate, lines: [...estimate.lines, extra, own] },
    });
    assertCostDocument(document);
    assert.deepEqual(document.lines.slice(-2), [
      {
        item: "nat gateway hours",
        quantity: 730,
        unit: "hour",
        rateUsd: 0.045,
        amountUsd: 32.85,
        basis: "usage",
        verified: false,
        rateSource: "pricing override",
        explanation: "one NAT gateway",
      },
      {
        item: "kms requests",
        quantity: 730,
        unit: "GB",
        rateUsd: 0.045,
        amountUsd: 32.85,
        basis: "estimate",
        verified: true,
        rateSource: "https://example.com/kms",
        explanation: "one NAT gateway",
      },
    ]);
  });

  it("costJsonText is the same text for the same estimate, and parses back to the document", () => {
    const text = costJsonText(buildCostDocument(input));
    assert.equal(text, costJsonText(buildCostDocument(input)));
    assert.deepEqual(JSON.parse(text), buildCostDocument(input));
    assert.ok(
      text.startsWith('{"kind":"ecr-pipeline/cost","schemaVersion":1,"stack":"prod","pipeline":"app-prod",'),
    );
  });

  it("every document the review fixtures build matches the schema", () => {
    for (const document of [devDocument(), stagingDocument(), prodDocument()]) assertCostDocument(document);
    assert.equal(prodDocument().lines.length, 8);
    assert.equal(stagingDocument().size.bytes, 45 * MiB);
  });

  it("the schema refuses what version 1 never writes", () => {
    const document = JSON.parse(costJsonText(prodDocument())) as Record<string, unknown>;
    const refused = (change: (copy: Record<string, unknown>) => void): boolean => {
      const copy = structuredClone(document);
      change(copy);
      return !validateCostDocument(copy);
    };
    assert.equal(
      refused(() => undefined),
      false,
    );
    assert.equal(
      refused((copy) => (copy.schemaVersion = 2)),
      true,
    );
    assert.equal(
      refused((copy) => delete copy.totals),
      true,
    );
    assert.equal(
      refused((copy) => (copy.extra = 1)),
      true,
    );
    assert.equal(
      refused((copy) => ((copy.lines as Record<string, unknown>[])[0]!.verified = "yes")),
      true,
    );
    assert.equal(
      refused(
        (copy) =>
          ((copy.guardrails as { verdicts: Record<string, unknown>[] }).verdicts[0]!.status = "unchecked"),
      ),
      true,
    );
    assert.equal(
      refused((copy) => ((copy.comparison as Record<string, unknown>).deployed = null)),
      true,
    );
  });

  const invalid: [string, Partial<CostDocumentInput>, string, string][] = [
    ["an empty pipeline name", { pipeline: "" }, "pipeline", "pipeline must be the component's name."],
    [
      "an unknown phase",
      { computedIn: "up" as "update" },
      "computedIn",
      'computedIn must be "preview" or "update".',
    ],
    [
      "a size of NaN bytes",
      { size: { ...size, bytes: NaN } },
      "size.bytes",
      "size.bytes must be a finite number of bytes >= 0.",
    ],
    [
      "an unknown basis",
      { size: { ...size, basis: "guess" as "ecr" } },
      "size.basis",
      'size.basis must be "ecr", "estimate" or "budget".',
    ],
    [
      "a line of Infinity USD",
      { estimate: { ...estimate, lines: [{ ...estimate.lines[0]!, usd: Infinity }] } },
      "estimate.lines[0].usd",
      "estimate.lines[0].usd must be a finite number.",
    ],
    [
      "a hand-built line without verified",
      { estimate: { ...estimate, lines: [{ ...estimate.lines[0]!, verified: undefined as never }] } },
      "estimate.lines[0].verified",
      "estimate.lines[0].verified must be true or false.",
    ],
    [
      "a hand-built line without its rate's source",
      { estimate: { ...estimate, lines: [{ ...estimate.lines[0]!, source: undefined as never }] } },
      "estimate.lines[0].source",
      "estimate.lines[0].source must be the URL of the rate's source.",
    ],
  ];
  for (const [name, change, key, message] of invalid) {
    it(`rejects ${name}, naming the field`, () => {
      assert.throws(
        () => buildCostDocument({ ...input, ...change }),
        (error: unknown) =>
          error instanceof InvalidInputError && error.key === key && error.message === message,
      );
    });
  }
});
