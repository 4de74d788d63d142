import assert from "node:assert/strict";
import {
  compareCosts,
  deployedUnknown,
  type ComparedImage,
  type CostChange,
} from "../../components/cost/comparison";
import type { CostLine } from "../../components/cost/types";
import { InvalidInputError } from "../../components/common/errors";
import {
  checkCostGuardrailSettings,
  evaluateCostGuardrails,
  type CostGuardrailInput,
  type CostGuardrailsVerdict,
} from "../../components/review/guardrails";

/** A GB-month line costing `usd`. */
function line(item: string, usd: number): CostLine {
  return {
    item,
    quantity: usd * 10,
    unit: "GB-month",
    rate: 0.1,
    usd,
    explanation: `${item} explained`,
    verified: true,
    source: "https://example.com/rate",
  };
}

const deployedLines = [
  line("storage", 1),
  line("pulls via NAT gateway", 3.5),
  line("enhanced scans on push", 0.5),
];
const changeLines = [
  line("storage", 4),
  line("pulls via NAT gateway", 9.25),
  line("enhanced scans on push", 0.5),
  line("pulls cross-region", 1.5),
];
const sum = (lines: CostLine[]) => lines.reduce((total, each) => total + each.usd, 0);

function image(basis: ComparedImage["basis"], monthlyUsd: number): ComparedImage {
  return { basis, sizeBytes: 100, storedBytes: 200, monthlyUsd, note: `${basis} note` };
}

/** deployed $5.00 -> this change $15.25 (+$10.25), basis estimate. */
const compared: CostChange = compareCosts(
  image("ecr", sum(deployedLines)),
  image("estimate", sum(changeLines)),
  "ctx-0123456789abcdef",
);
const estimate = { totalUsd: sum(changeLines), lines: changeLines };
const base: CostGuardrailInput = { estimate, basis: "estimate", change: compared, deployedLines };

const firstDeployment: CostChange = {
  status: "first-deployment",
  note: "nothing is deployed yet (first deployment): no deployed image to compare with",
};
const unchanged: CostChange = {
  status: "unchanged",
  note: "the deployed build has this build's context hash (ctx-0123456789abcdef): nothing else to compare with",
};
const notCompared: CostChange = {
  status: "not-compared",
  note: "size estimation is off (estimateSize: false): the deployed build is not known, so nothing is compared",
};
const lookupFailed = deployedUnknown(
  image("estimate", 15.25),
  "aws.ecr.getImage could not read the deployed image ctx-0123456789abcdef in app (not found)",
);

function verdictOf(input: CostGuardrailInput): Pick<
  CostGuardrailsVerdict,
  "status" | "message" | "blocksPromotion"
> & {
  figures: (number | undefined)[];
} {
  const result = evaluateCostGuardrails(input);
  return {
    status: result.status,
    message: result.message,
    blocksPromotion: result.blocksPromotion,
    figures: result.verdicts.map((verdict) => verdict.figure),
  };
}

const MOVED =
  "Moved most: pulls via NAT gateway +$5.75 ($3.50 -> $9.25), storage +$3.00 ($1.00 -> $4.00), pulls cross-region +$1.50 ($0.00 -> $1.50).";
const LARGEST = "Largest items: pulls via NAT gateway $9.25, storage $4.00, pulls cross-region $1.50.";

describe("evaluateCostGuardrails", () => {
  const cases: [string, CostGuardrailInput, ReturnType<typeof verdictOf>][] = [
    [
      "no guardrail set: unchecked, and says so",
      base,
      {
        status: "unchecked",
        message:
          "No cost guardrail is set (maxMonthlyUsd, maxMonthlyIncreaseUsd, maxMonthlyIncreasePercent), so the monthly cost is not checked.",
        blocksPromotion: false,
        figures: [],
      },
    ],
    [
      "total within the limit",
      { ...base, maxMonthlyUsd: 50 },
      {
        status: "ok",
        message:
          "maxMonthlyUsd: the repository costs $15.25 a month with this change (basis estimate), within the limit of $50.00.",
        blocksPromotion: false,
        figures: [15.25],
      },
    ],
    [
      "total over the limit, default action warn, names what moved since the deployed image",
      { ...base, maxMonthlyUsd: 10 },
      {
        status: "warn",
        message: `maxMonthlyUsd: the repository costs $15.25 a month with this change (basis estimate), over the limit of $10.00. ${MOVED}`,
        blocksPromotion: false,
        figures: [15.25],
      },
    ],
    [
      "total over the limit with fail, nothing deployed: names the largest items and blocks promotion",
      {
        ...base,
        change: firstDeployment,
        deployedLines: undefined,
        maxMonthlyUsd: 10,
        onCostGuardrailExceeded: "fail",
      },
      {
        status: "fail",
        message: `maxMonthlyUsd: the repository costs $15.25 a month with this change (basis estimate), over the limit of $10.00. ${LARGEST}`,
        blocksPromotion: true,
        figures: [15.25],
      },
    ],
    [
      "a total that prints as the limit is within it ($10.004 is $10.00)",
      { estimate: { totalUsd: 10.004, lines: [line("storage", 10.004)] }, basis: "ecr", maxMonthlyUsd: 10 },
      {
        status: "ok",
        message:
          "maxMonthlyUsd: the repository costs $10.00 a month with this change (basis ecr), within the limit of $10.00.",
        blocksPromotion: false,
        figures: [10],
      },
    ],
    [
      "a total that prints a cent over the limit exceeds it ($10.005 is $10.01)",
      { estimate: { totalUsd: 10.005, lines: [line("storage", 10.005)] }, basis: "ecr", maxMonthlyUsd: 10 },
      {
        status: "warn",
        message:
          "maxMonthlyUsd: the repository costs $10.01 a month with this change (basis ecr), over the limit of $10.00. Largest items: storage $10.01.",
        blocksPromotion: false,
        figures: [10.01],
      },
    ],
    [
      "no estimate: every guardrail unchecked with the reason, never ok",
      {
        missing: "no Docker engine reachable",
        maxMonthlyUsd: 50,
        maxMonthlyIncreaseUsd: 5,
        maxMonthlyIncreasePercent: 10,
        onCostGuardrailExceeded: "fail",
      },
      {
        status: "unchecked",
        message: [
          "maxMonthlyUsd ($50.00 a month) is unchecked: no cost estimate is known (no Docker engine reachable).",
          "maxMonthlyIncreaseUsd ($5.00 a month) is unchecked: no comparison with the deployed image is known (no Docker engine reachable).",
          "maxMonthlyIncreasePercent (10.0%) is unchecked: no comparison with the deployed image is known (no Docker engine reachable).",
        ].join("\n"),
        blocksPromotion: false,
        figures: [undefined, undefined, undefined],
      },
    ],
    [
      "an estimate priced from the size budget cannot check the total",
      { ...base, basis: "budget", change: undefined, maxMonthlyUsd: 1 },
      {
        status: "unchecked",
        message:
          "maxMonthlyUsd ($1.00 a month) is unchecked: the monthly cost is priced from the size budget, which is a limit, not a measured size (no ECR size or local estimate yet).",
        blocksPromotion: false,
        figures: [undefined],
      },
    ],
    [
      "increase within the limit",
      { ...base, maxMonthlyIncreaseUsd: 20 },
      {
        status: "ok",
        message:
          "maxMonthlyIncreaseUsd: this change raises the monthly cost by $10.25 ($5.00 -> $15.25), within the limit of $20.00.",
        blocksPromotion: false,
        figures: [10.25],
      },
    ],
    [
      "increase over the limit with fail: the message names the guardrail, limit, figure and what moved",
      { ...base, maxMonthlyIncreaseUsd: 10, onCostGuardrailExceeded: "fail" },
      {
        status: "fail",
        message: `maxMonthlyIncreaseUsd: this change raises the monthly cost by $10.25 ($5.00 -> $15.25), over the limit of $10.00. ${MOVED}`,
        blocksPromotion: true,
        figures: [10.25],
      },
    ],
    [
      "a decrease is within any increase limit, even 0",
      {
        ...base,
        change: compareCosts(image("ecr", 15.25), image("estimate", 5), "ctx-0123456789abcdef"),
        maxMonthlyIncreaseUsd: 0,
        maxMonthlyIncreasePercent: 0,
      },
      {
        status: "ok",
        message: [
          "maxMonthlyIncreaseUsd: this change lowers the monthly cost by $10.25 ($15.25 -> $5.00), within the limit of $0.00.",
          "maxMonthlyIncreasePercent: this change lowers the monthly cost by 67.2% ($15.25 -> $5.00), within the limit of 0.0%.",
        ].join("\n"),
        blocksPromotion: false,
        figures: [-10.25, -67.2],
      },
    ],
    [
      "no change in cost",
      {
        ...base,
        change: compareCosts(image("ecr", 7), image("estimate", 7.001), "ctx-0123456789abcdef"),
        maxMonthlyIncreaseUsd: 0,
      },
      {
        status: "ok",
        message:
          "maxMonthlyIncreaseUsd: this change leaves the monthly cost at $7.00, within the limit of $0.00.",
        blocksPromotion: false,
        figures: [0],
      },
    ],
    [
      "the deployed build is this build: no increase",
      { ...base, change: unchanged, maxMonthlyIncreaseUsd: 0, maxMonthlyIncreasePercent: 0 },
      {
        status: "ok",
        message: [
          "maxMonthlyIncreaseUsd: no increase (the deployed build is this build), within the limit of $0.00.",
          "maxMonthlyIncreasePercent: no increase (the deployed build is this build), within the limit of 0.0%.",
        ].join("\n"),
        blocksPromotion: false,
        figures: [0, 0],
      },
    ],
    [
      "first deployment: an increase is unchecked, the total is checked",
      {
        ...base,
        change: firstDeployment,
        maxMonthlyUsd: 50,
        maxMonthlyIncreaseUsd: 1,
        onCostGuardrailExceeded: "fail",
      },
      {
        status: "unchecked",
        message: [
          "maxMonthlyUsd: the repository costs $15.25 a month with this change (basis estimate), within the limit of $50.00.",
          "maxMonthlyIncreaseUsd ($1.00 a month) is unchecked: nothing is deployed yet (first deployment), so there is no increase to measure; maxMonthlyUsd limits the total.",
        ].join("\n"),
        blocksPromotion: false,
        figures: [15.25, undefined],
      },
    ],
    [
      "the deployed image could not be read: unchecked with the lookup's reason",
      { ...base, change: lookupFailed, maxMonthlyIncreaseUsd: 1, onCostGuardrailExceeded: "fail" },
      {
        status: "unchecked",
        message:
          "maxMonthlyIncreaseUsd ($1.00 a month) is unchecked: aws.ecr.getImage could not read the deployed image ctx-0123456789abcdef in app (not found): this change is not compared.",
        blocksPromotion: false,
        figures: [undefined],
      },
    ],
    [
      "not compared (estimation off): unchecked with the note",
      { ...base, change: notCompared, maxMonthlyIncreasePercent: 5 },
      {
        status: "unchecked",
        message:
          "maxMonthlyIncreasePercent (5.0%) is unchecked: size estimation is off (estimateSize: false): the deployed build is not known, so nothing is compared.",
        blocksPromotion: false,
        figures: [undefined],
      },
    ],
    [
      "this change priced from the size budget: an increase is unchecked",
      {
        ...base,
        basis: "budget",
        change: compareCosts(image("ecr", 5), image("budget", 15.25), "ctx-0123456789abcdef"),
        maxMonthlyIncreaseUsd: 1,
      },
      {
        status: "unchecked",
        message:
          "maxMonthlyIncreaseUsd ($1.00 a month) is unchecked: this change is priced from the size budget, which is a limit, not a measured size (no ECR size or local estimate yet).",
        blocksPromotion: false,
        figures: [undefined],
      },
    ],
    [
      "percent within and over, compared at a tenth of a percent",
      { ...base, maxMonthlyIncreasePercent: 205, onCostGuardrailExceeded: "fail" },
      {
        status: "ok",
        message:
          "maxMonthlyIncreasePercent: this change raises the monthly cost by 205.0% ($5.00 -> $15.25), within the limit of 205.0%.",
        blocksPromotion: false,
        figures: [205],
      },
    ],
    [
      "percent over the limit",
      { ...base, maxMonthlyIncreasePercent: 204.9, onCostGuardrailExceeded: "fail" },
      {
        status: "fail",
        message: `maxMonthlyIncreasePercent: this change raises the monthly cost by 205.0% ($5.00 -> $15.25), over the limit of 204.9%. ${MOVED}`,
        blocksPromotion: true,
        figures: [205],
      },
    ],
    [
      "percent of a deployed $0.00: unchecked, the amount guardrail still checks",
      {
        ...base,
        change: compareCosts(image("ecr", 0.004), image("estimate", 15.25), "ctx-0123456789abcdef"),
        maxMonthlyIncreasePercent: 10,
        maxMonthlyIncreaseUsd: 20,
      },
      {
        status: "unchecked",
        message: [
          "maxMonthlyIncreaseUsd: this change raises the monthly cost by $15.25 ($0.00 -> $15.25), within the limit of $20.00.",
          "maxMonthlyIncreasePercent (10.0%) is unchecked: the deployed image costs $0.00 a month, and an increase from $0.00 has no percentage; maxMonthlyIncreaseUsd limits the amount.",
        ].join("\n"),
        blocksPromotion: false,
        figures: [15.25, undefined],
      },
    ],
    [
      "percent from $0.00 to $0.00: no increase",
      {
        ...base,
        change: compareCosts(image("ecr", 0), image("estimate", 0.001), "ctx-0123456789abcdef"),
        maxMonthlyIncreasePercent: 0,
      },
      {
        status: "ok",
        message:
          "maxMonthlyIncreasePercent: this change leaves the monthly cost at $0.00, within the limit of 0.0%.",
        blocksPromotion: false,
        figures: [0],
      },
    ],
    [
      "worst status wins: a warn over an unchecked",
      {
        ...base,
        change: compared,
        deployedLines: undefined,
        maxMonthlyUsd: 15,
        maxMonthlyIncreasePercent: 10,
        estimate: { totalUsd: 15.25, lines: [] },
      },
      {
        status: "warn",
        message: [
          "maxMonthlyUsd: the repository costs $15.25 a month with this change (basis estimate), over the limit of $15.00. No line item prints above $0.00.",
          "maxMonthlyIncreasePercent: this change raises the monthly cost by 205.0% ($5.00 -> $15.25), over the limit of 10.0%. No line item prints above $0.00.",
        ].join("\n"),
        blocksPromotion: false,
        figures: [15.25, 205],
      },
    ],
  ];

  for (const [name, input, expected] of cases) {
    it(name, () => {
      assert.deepEqual(verdictOf(input), expected);
    });
  }

  it("returns one verdict per guardrail set, with its limit, unit and action", () => {
    const result = evaluateCostGuardrails({
      ...base,
      maxMonthlyUsd: 100,
      maxMonthlyIncreasePercent: 300,
      onCostGuardrailExceeded: "fail",
    });
    assert.deepEqual(
      result.verdicts.map(({ guardrail, limit, unit, action, status }) => ({
        guardrail,
        limit,
        unit,
        action,
        status,
      })),
      [
        { guardrail: "maxMonthlyUsd", limit: 100, unit: "USD", action: "fail", status: "ok" },
        { guardrail: "maxMonthlyIncreasePercent", limit: 300, unit: "%", action: "fail", status: "ok" },
      ],
    );
  });

  const invalid: [string, unknown, string, string][] = [
    [
      "a negative limit",
      { maxMonthlyUsd: -1 },
      "maxMonthlyUsd",
      "maxMonthlyUsd must be a number of USD a month from 0 to 1e+300 (e.g. 50 for $50.00), got -1; leave it unset for no limit.",
    ],
    [
      "NaN",
      { maxMonthlyIncreaseUsd: NaN },
      "maxMonthlyIncreaseUsd",
      "maxMonthlyIncreaseUsd must be a number of USD a month from 0 to 1e+300 (e.g. 50 for $50.00), got NaN; leave it unset for no limit.",
    ],
    [
      "a string",
      { maxMonthlyIncreasePercent: "10%" },
      "maxMonthlyIncreasePercent",
      'maxMonthlyIncreasePercent must be a percentage from 0 to 1000000 (e.g. 25 for 25%), got "10%"; leave it unset for no limit.',
    ],
    [
      "a percentage past the bound",
      { maxMonthlyIncreasePercent: 1e7 },
      "maxMonthlyIncreasePercent",
      "maxMonthlyIncreasePercent must be a percentage from 0 to 1000000 (e.g. 25 for 25%), got 10000000; leave it unset for no limit.",
    ],
    [
      "an unknown action",
      { onCostGuardrailExceeded: "stop" },
      "onCostGuardrailExceeded",
      'onCostGuardrailExceeded must be "warn" or "fail", got "stop".',
    ],
    [
      "an estimate without a basis",
      { estimate },
      "basis",
      'basis must be "ecr", "estimate" or "budget" with an estimate, got undefined.',
    ],
    [
      "an estimate total of Infinity",
      { estimate: { totalUsd: Infinity, lines: [] }, basis: "ecr" },
      "estimate.totalUsd",
      "estimate.totalUsd must be a number from 0 to 1e+300, got Infinity.",
    ],
    [
      "a line without usd",
      { estimate: { totalUsd: 1, lines: [{ item: "storage" }] }, basis: "ecr" },
      "estimate.lines[0].usd",
      "estimate.lines[0].usd must be a number from 0 to 1e+300, got undefined.",
    ],
    [
      "an unknown comparison status",
      { change: { status: "maybe", note: "" } },
      "change.status",
      'change.status must be one of compared, unchanged, first-deployment, deployed-unknown, not-compared, got "maybe".',
    ],
    [
      "a comparison without its sides",
      { change: { status: "compared", note: "" } },
      "change",
      'change with status "compared" must have deployed and change.',
    ],
  ];
  it("checkCostGuardrailSettings checks the args alone, as the resolver will before super()", () => {
    assert.doesNotThrow(() =>
      checkCostGuardrailSettings({
        maxMonthlyUsd: 0,
        maxMonthlyIncreaseUsd: 5,
        maxMonthlyIncreasePercent: 25,
        onCostGuardrailExceeded: "fail",
      }),
    );
    assert.throws(
      () => checkCostGuardrailSettings({ maxMonthlyIncreaseUsd: -5 }),
      (error: unknown) => error instanceof InvalidInputError && error.key === "maxMonthlyIncreaseUsd",
    );
  });

  for (const [name, input, key, message] of invalid) {
    it(`rejects ${name}, naming the field`, () => {
      assert.throws(
        () => evaluateCostGuardrails(input as CostGuardrailInput),
        (error: unknown) =>
          error instanceof InvalidInputError && error.key === key && error.message === message,
      );
    });
  }
});
