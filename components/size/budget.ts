import type { DockerfileFinding, FindingSeverity } from "../dockerfile/types";
import { InvalidInputError } from "../common/errors";
import type { SizeBasis } from "../common/size-basis";

export interface SizeBudgetInput {
  /** The best size known now, in compressed bytes. */
  sizeBytes: number;
  basis: SizeBasis;
  /** The environment's budget in compressed bytes; no budget when undefined. */
  maxImageSizeBytes?: number;
  /** What an image over budget does. @default "warn" */
  onBudgetExceeded?: "warn" | "fail";
  /** Dockerfile findings, to say where the bytes could come back from. */
  findings?: readonly DockerfileFinding[];
}

/** Outcome of a size-budget check (an `as const` enum, so other languages see it as one). */
export const SizeBudgetStatus = { Ok: "ok", Warn: "warn", Fail: "fail", Unchecked: "unchecked" } as const;
export type SizeBudgetStatus = (typeof SizeBudgetStatus)[keyof typeof SizeBudgetStatus];

export interface SizeBudgetVerdict {
  status: SizeBudgetStatus;
  message: string;
}

const SEVERITY_RANK: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 };

/**
 * "157,286,400 bytes (150.0 MiB)": exact bytes for the record, MiB (2^20 bytes) for reading, the unit
 * budgets are written in (the stacks' `maxImageSizeMiB`, README "Environments"); findings print MiB too
 * (../dockerfile/findings.ts), so a budget and the bytes a finding saves read in one unit (issue 18, item 8).
 */
function describeBytes(bytes: number, note?: string): string {
  const unit = bytes === 1 ? "byte" : "bytes";
  return `${bytes.toLocaleString("en-US")} ${unit} (${(bytes / 2 ** 20).toFixed(1)} MiB${note === undefined ? "" : `, ${note}`})`;
}

/** The findings most worth fixing first: most bytes saved, then most severe, then by line and id. */
export function topFindings(findings: readonly DockerfileFinding[], count: number): DockerfileFinding[] {
  return [...findings]
    .sort(
      (left, right) =>
        (right.estimatedBytesSaved ?? 0) - (left.estimatedBytesSaved ?? 0) ||
        SEVERITY_RANK[left.severity] - SEVERITY_RANK[right.severity] ||
        left.line - right.line ||
        (left.id < right.id ? -1 : left.id > right.id ? 1 : 0),
    )
    .slice(0, count);
}

function describeFinding(finding: DockerfileFinding): string {
  const saves =
    finding.estimatedBytesSaved === undefined
      ? ""
      : ` (saves about ${describeBytes(finding.estimatedBytesSaved)})`;
  return `[${finding.id}] line ${finding.line}: ${finding.message.replace(/\.$/, "")}${saves}`;
}

function assertBytes(name: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new InvalidInputError(
      name,
      `${name} must be a finite, non-negative number of bytes; got ${String(value)}`,
    );
  }
}

const BUDGET_ACTIONS: readonly string[] = ["warn", "fail"];
const SIZE_BASES: readonly string[] = ["ecr", "estimate", "budget"];
/** Findings read at most: the verdict names the top 3, and sorting more only costs time. */
export const MAX_BUDGET_FINDINGS = 10_000;

/** What the verdict is built from, checked: an unknown action used to come back as the status. */
function checkBudgetInput(input: SizeBudgetInput): void {
  if (typeof input !== "object" || input === null) {
    throw new InvalidInputError(
      "input",
      "evaluateSizeBudget needs { sizeBytes, basis, maxImageSizeBytes? }.",
    );
  }
  const { onBudgetExceeded, basis, findings } = input;
  if (onBudgetExceeded !== undefined && !BUDGET_ACTIONS.includes(onBudgetExceeded)) {
    throw new InvalidInputError(
      "onBudgetExceeded",
      `onBudgetExceeded must be "warn" or "fail", got ${JSON.stringify(onBudgetExceeded) ?? String(onBudgetExceeded)}`,
    );
  }
  if (!SIZE_BASES.includes(basis)) {
    throw new InvalidInputError(
      "basis",
      `basis must be "ecr", "estimate" or "budget", got ${JSON.stringify(basis) ?? String(basis)}`,
    );
  }
  if (findings === undefined) return;
  if (!Array.isArray(findings) || findings.length > MAX_BUDGET_FINDINGS) {
    throw new InvalidInputError(
      "findings",
      `findings must be an array of at most ${MAX_BUDGET_FINDINGS} findings`,
    );
  }
  findings.forEach((finding: DockerfileFinding, i) => {
    const ok =
      typeof finding === "object" &&
      finding !== null &&
      typeof finding.id === "string" &&
      typeof finding.message === "string" &&
      Number.isFinite(finding.line) &&
      Object.prototype.hasOwnProperty.call(SEVERITY_RANK, finding.severity);
    if (!ok) {
      throw new InvalidInputError(
        `findings[${i}]`,
        `findings[${i}] must be a Dockerfile finding { id, severity, line, message }`,
      );
    }
    if (finding.estimatedBytesSaved !== undefined) {
      assertBytes(`findings[${i}].estimatedBytesSaved`, finding.estimatedBytesSaved);
    }
  });
}

/**
 * Checks the best known image size against the environment's size budget. The budget cannot check itself:
 * when the only size known is the budget (basis `budget`) the verdict is `unchecked`, never `ok`.
 * Throws InvalidInputError naming the field for a size that is not a finite number of bytes >= 0, an
 * unknown action or basis, or findings that are not findings.
 */
export function evaluateSizeBudget(input: SizeBudgetInput): SizeBudgetVerdict {
  checkBudgetInput(input);
  const { sizeBytes, basis, maxImageSizeBytes } = input;
  if (maxImageSizeBytes === undefined) {
    return {
      status: "unchecked",
      message: "No size budget is set (maxImageSizeBytes), so the image size is not checked.",
    };
  }
  assertBytes("maxImageSizeBytes", maxImageSizeBytes);
  if (basis === "budget") {
    return {
      status: "unchecked",
      message: `The size budget of ${describeBytes(maxImageSizeBytes)} is not checked: no ECR size or local estimate is known yet, and the budget cannot check itself.`,
    };
  }
  assertBytes("sizeBytes", sizeBytes);
  const size = describeBytes(sizeBytes, `basis: ${basis}`);
  if (sizeBytes <= maxImageSizeBytes) {
    return {
      status: "ok",
      message: `Image size ${size} is within the size budget of ${describeBytes(maxImageSizeBytes)}.`,
    };
  }
  const top = topFindings(input.findings ?? [], 3);
  const advice =
    top.length === 0
      ? "No Dockerfile findings point at the excess."
      : `Top findings: ${top.map(describeFinding).join("; ")}.`;
  return {
    status: input.onBudgetExceeded ?? "warn",
    message: `Image size ${size} exceeds the size budget of ${describeBytes(maxImageSizeBytes)} by ${describeBytes(sizeBytes - maxImageSizeBytes)}. ${advice}`,
  };
}
