import assert from "node:assert/strict";
import type { DockerfileFinding } from "../../components/dockerfile";
import { evaluateSizeBudget, topFindings, type SizeBudgetInput } from "../../components/size/budget";

const finding = (
  id: string,
  severity: DockerfileFinding["severity"],
  line: number,
  estimatedBytesSaved?: number,
): DockerfileFinding => ({
  id,
  severity,
  line,
  message: `${id} message.`,
  fix: `${id} fix.`,
  ...(estimatedBytesSaved === undefined ? {} : { estimatedBytesSaved }),
});

const FINDINGS: DockerfileFinding[] = [
  finding("no-healthcheck", "info", 1),
  finding("root-user", "warning", 9),
  finding("full-base-image", "warning", 1, 313_350_000),
  finding("secret-in-build-arg-or-env", "error", 2),
  finding("consecutive-run", "info", 4),
];

describe("evaluateSizeBudget", () => {
  const cases: Array<{ name: string; input: SizeBudgetInput; status: string; message: string }> = [
    {
      name: "no budget",
      input: { sizeBytes: 123_000_000, basis: "ecr" },
      status: "unchecked",
      message: "No size budget is set (maxImageSizeBytes), so the image size is not checked.",
    },
    {
      name: "the only size known is the budget itself",
      input: {
        sizeBytes: 200_000_000,
        basis: "budget",
        maxImageSizeBytes: 200_000_000,
        onBudgetExceeded: "fail",
      },
      status: "unchecked",
      message:
        "The size budget of 200,000,000 bytes (190.7 MiB) is not checked: no ECR size or local estimate is known yet, and the budget cannot check itself.",
    },
    {
      name: "within budget (ECR size)",
      input: { sizeBytes: 123_456_789, basis: "ecr", maxImageSizeBytes: 200_000_000 },
      status: "ok",
      message:
        "Image size 123,456,789 bytes (117.7 MiB, basis: ecr) is within the size budget of 200,000,000 bytes (190.7 MiB).",
    },
    {
      name: "exactly at the budget",
      input: { sizeBytes: 200_000_000, basis: "estimate", maxImageSizeBytes: 200_000_000 },
      status: "ok",
      message:
        "Image size 200,000,000 bytes (190.7 MiB, basis: estimate) is within the size budget of 200,000,000 bytes (190.7 MiB).",
    },
    {
      name: "over budget, warn by default, top 3 findings by bytes saved then severity",
      input: {
        sizeBytes: 450_000_000,
        basis: "estimate",
        maxImageSizeBytes: 200_000_000,
        findings: FINDINGS,
      },
      status: "warn",
      message:
        "Image size 450,000,000 bytes (429.2 MiB, basis: estimate) exceeds the size budget of 200,000,000 bytes (190.7 MiB) by 250,000,000 bytes (238.4 MiB). Top findings: [full-base-image] line 1: full-base-image message (saves about 313,350,000 bytes (298.8 MiB)); [secret-in-build-arg-or-env] line 2: secret-in-build-arg-or-env message; [root-user] line 9: root-user message.",
    },
    {
      name: "over budget with fail and no findings",
      input: {
        sizeBytes: 210_000_001,
        basis: "ecr",
        maxImageSizeBytes: 210_000_000,
        onBudgetExceeded: "fail",
      },
      status: "fail",
      message:
        "Image size 210,000,001 bytes (200.3 MiB, basis: ecr) exceeds the size budget of 210,000,000 bytes (200.3 MiB) by 1 byte (0.0 MiB). No Dockerfile findings point at the excess.",
    },
  ];
  for (const { name, input, status, message } of cases) {
    it(name, () => assert.deepEqual(evaluateSizeBudget(input), { status, message }));
  }

  it("rejects a negative or non-finite budget or size with a clear InvalidInputError", () => {
    assert.throws(() => evaluateSizeBudget({ sizeBytes: 1, basis: "ecr", maxImageSizeBytes: -1 }), {
      name: "InvalidInputError",
      message: "maxImageSizeBytes must be a finite, non-negative number of bytes; got -1",
    });
    assert.throws(
      () => evaluateSizeBudget({ sizeBytes: Number.NaN, basis: "estimate", maxImageSizeBytes: 1 }),
      {
        name: "InvalidInputError",
        message: "sizeBytes must be a finite, non-negative number of bytes; got NaN",
      },
    );
  });
});

describe("evaluateSizeBudget: fields it cannot act on (issue 12)", () => {
  it("rejects an unknown action instead of returning it as the status", () => {
    const input = {
      sizeBytes: 2_000,
      basis: "ecr",
      maxImageSizeBytes: 1_000,
      onBudgetExceeded: "explode",
    } as unknown as SizeBudgetInput;
    assert.throws(() => evaluateSizeBudget(input), {
      name: "InvalidInputError",
      key: "onBudgetExceeded",
      message: 'onBudgetExceeded must be "warn" or "fail", got "explode"',
    });
  });

  it("rejects an unknown basis and findings that are not findings, naming the field", () => {
    assert.throws(
      () =>
        evaluateSizeBudget({
          sizeBytes: 1,
          basis: "guess",
          maxImageSizeBytes: 2,
        } as unknown as SizeBudgetInput),
      { name: "InvalidInputError", key: "basis" },
    );
    assert.throws(
      () =>
        evaluateSizeBudget({
          sizeBytes: 3,
          basis: "ecr",
          maxImageSizeBytes: 2,
          findings: [{ ...(FINDINGS[0] as DockerfileFinding), estimatedBytesSaved: Number.NaN }],
        }),
      { name: "InvalidInputError", key: "findings[0].estimatedBytesSaved" },
    );
  });
});

describe("topFindings", () => {
  it("orders by bytes saved, then severity, then line and id, and keeps the first N", () => {
    assert.deepEqual(
      topFindings(FINDINGS, 5).map((entry) => entry.id),
      ["full-base-image", "secret-in-build-arg-or-env", "root-user", "no-healthcheck", "consecutive-run"],
    );
    assert.deepEqual(topFindings(FINDINGS, 0), []);
  });
});
