/**
 * Cost guardrails (issue 21, item 1): limits on the monthly cost a change may have or add, checked
 * against the comparison of the deployed image with this change (../cost/comparison.ts `CostChange`).
 * Same shape and rules as the size budget (../size/budget.ts): each guardrail is `ok`, exceeded (`warn`
 * or `fail`, the caller's choice) or `unchecked` with the reason, and a figure that is not known never
 * passes: no estimate, an estimate priced from the size budget, a deployed image that could not be read,
 * or a first deployment (for an increase) leave the guardrail `unchecked`, never `ok`.
 *
 * Figures are compared as they print, to the cent and to a tenth of a percent (./money.ts), so a message
 * never says that $10.00 exceeds $10.00. Pure: EcrImagePipeline evaluates it with `apply` in preview and
 * again before promotion (see docs/REVIEW.md, "Wiring").
 */
import { CostChangeStatus, type CostChange } from "../cost/comparison";
import { MAX_REPORT_LINES, MAX_REPORTED_AMOUNT, roundToCents } from "../cost/report";
import type { CostLine } from "../cost/types";
import { InvalidInputError } from "../common/errors";
import type { SizeBasis } from "../common/size-basis";
import { describeLine, describeMovement, largestLines, lineMovements } from "./drivers";
import { percent, roundToTenth, usd } from "./money";

/** The guardrails, by the arg name that sets each. */
export const CostGuardrail = {
  MaxMonthlyUsd: "maxMonthlyUsd",
  MaxMonthlyIncreaseUsd: "maxMonthlyIncreaseUsd",
  MaxMonthlyIncreasePercent: "maxMonthlyIncreasePercent",
} as const;
export type CostGuardrail = (typeof CostGuardrail)[keyof typeof CostGuardrail];

/** Outcome of one guardrail, and of all of them (the worst: fail, warn, unchecked, ok). */
export const CostGuardrailStatus = { Ok: "ok", Warn: "warn", Fail: "fail", Unchecked: "unchecked" } as const;
export type CostGuardrailStatus = (typeof CostGuardrailStatus)[keyof typeof CostGuardrailStatus];

/** What an exceeded guardrail does. */
export const CostGuardrailAction = { Warn: "warn", Fail: "fail" } as const;
export type CostGuardrailAction = (typeof CostGuardrailAction)[keyof typeof CostGuardrailAction];

/** The limits, as the component's args set them; a guardrail left undefined is not checked. */
export interface CostGuardrailSettings {
  /** Highest estimated monthly cost in USD. */
  maxMonthlyUsd?: number;
  /** Highest increase of the monthly cost over the deployed image's, in USD. */
  maxMonthlyIncreaseUsd?: number;
  /** Highest increase of the monthly cost over the deployed image's, in percent of it. */
  maxMonthlyIncreasePercent?: number;
  /** What an exceeded guardrail does: `warn`, or `fail` (the preview stops). @default "warn" */
  onCostGuardrailExceeded?: CostGuardrailAction;
}

/** What the guardrails are checked against. Plain values: the component lifts them with `apply`. */
export interface CostGuardrailInput extends CostGuardrailSettings {
  /** This change's monthly estimate (`monthlyCost`); undefined when none could be made. */
  estimate?: { totalUsd: number; lines: readonly CostLine[] };
  /** The basis of the size the estimate priced (`imageSize.basis`); required with `estimate`. */
  basis?: SizeBasis;
  /** Why there is no estimate or no comparison, when either is undefined. */
  missing?: string;
  /** The deployed image next to this change (`costChange`); undefined when not known. */
  change?: CostChange;
  /** The deployed image's line items, priced like this change: they say which items moved. */
  deployedLines?: readonly CostLine[];
}

/** One guardrail's verdict. */
export interface CostGuardrailVerdict {
  guardrail: CostGuardrail;
  /** The limit as set. */
  limit: number;
  /** Unit of `limit` and `figure`. */
  unit: "USD" | "%";
  action: CostGuardrailAction;
  status: CostGuardrailStatus;
  /** The figure checked, as compared (cents, or tenths of a percent); undefined when unchecked. */
  figure?: number;
  /** One sentence: the guardrail, the limit, the figure and, when exceeded, the items that moved most. */
  message: string;
}

/** All guardrails' verdicts. */
export interface CostGuardrailsVerdict {
  /** The worst verdict: `fail`, then `warn`, `unchecked`, `ok`; `unchecked` when none is set. */
  status: CostGuardrailStatus;
  /** The verdicts' messages, one per line (or why nothing is checked). */
  message: string;
  /** True when a guardrail failed: promotion tags must not move to this image. */
  blocksPromotion: boolean;
  /** One per guardrail set, in the order of {@link CostGuardrail}. */
  verdicts: CostGuardrailVerdict[];
}

/** Largest percentage a limit may be: far above any real increase, far below overflow. */
export const MAX_GUARDRAIL_PERCENT = 1e6;
const ACTIONS: readonly string[] = Object.values(CostGuardrailAction);
const BASES: readonly string[] = ["ecr", "estimate", "budget"];
const CHANGE_STATUSES: readonly string[] = Object.values(CostChangeStatus);
/** Line items named when a guardrail is exceeded. */
const DRIVERS_NAMED = 3;

function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function checkLimit(name: CostGuardrail, value: unknown): void {
  if (value === undefined) return;
  const percentLimit = name === CostGuardrail.MaxMonthlyIncreasePercent;
  const max = percentLimit ? MAX_GUARDRAIL_PERCENT : MAX_REPORTED_AMOUNT;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > max) {
    throw new InvalidInputError(
      name,
      percentLimit
        ? `${name} must be a percentage from 0 to ${max} (e.g. 25 for 25%), got ${shown(value)}; leave it unset for no limit.`
        : `${name} must be a number of USD a month from 0 to ${max} (e.g. 50 for $50.00), got ${shown(value)}; leave it unset for no limit.`,
    );
  }
}

function checkAmount(key: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > MAX_REPORTED_AMOUNT) {
    throw new InvalidInputError(
      key,
      `${key} must be a number from 0 to ${MAX_REPORTED_AMOUNT}, got ${shown(value)}.`,
    );
  }
}

function checkLines(key: string, lines: unknown): void {
  if (!Array.isArray(lines) || lines.length > MAX_REPORT_LINES) {
    throw new InvalidInputError(key, `${key} must be an array of at most ${MAX_REPORT_LINES} cost lines.`);
  }
  lines.forEach((line: CostLine, i) => {
    if (typeof line !== "object" || line === null || typeof line.item !== "string") {
      throw new InvalidInputError(`${key}[${i}]`, `${key}[${i}] must be a cost line { item, usd, ... }.`);
    }
    checkAmount(`${key}[${i}].usd`, line.usd);
  });
}

/**
 * Checks the guardrail settings as the component's args give them, naming the arg, the value and the fix:
 * what EcrImagePipeline's resolver calls before `super()`, and what evaluateCostGuardrails checks first.
 */
export function checkCostGuardrailSettings(settings: CostGuardrailSettings): void {
  for (const name of Object.values(CostGuardrail)) checkLimit(name, settings[name]);
  const action = settings.onCostGuardrailExceeded;
  if (action !== undefined && !ACTIONS.includes(action)) {
    throw new InvalidInputError(
      "onCostGuardrailExceeded",
      `onCostGuardrailExceeded must be "warn" or "fail", got ${shown(action)}.`,
    );
  }
}

/** The input checked: an unknown action or basis used to come back as a status (see the size budget). */
function checkInput(input: CostGuardrailInput): void {
  if (typeof input !== "object" || input === null) {
    throw new InvalidInputError(
      "input",
      "evaluateCostGuardrails needs { estimate?, basis?, change?, max... }.",
    );
  }
  checkCostGuardrailSettings(input);
  if (input.estimate !== undefined) {
    if (typeof input.estimate !== "object" || input.estimate === null) {
      throw new InvalidInputError("estimate", "estimate must be { totalUsd, lines }.");
    }
    checkAmount("estimate.totalUsd", input.estimate.totalUsd);
    checkLines("estimate.lines", input.estimate.lines);
    if (!BASES.includes(input.basis as string)) {
      throw new InvalidInputError(
        "basis",
        `basis must be "ecr", "estimate" or "budget" with an estimate, got ${shown(input.basis)}.`,
      );
    }
  }
  if (input.deployedLines !== undefined) checkLines("deployedLines", input.deployedLines);
  const change = input.change;
  if (
    change !== undefined &&
    (typeof change !== "object" || change === null || !CHANGE_STATUSES.includes(change.status))
  ) {
    throw new InvalidInputError(
      "change.status",
      `change.status must be one of ${CHANGE_STATUSES.join(", ")}, got ${shown((change as CostChange | null)?.status)}.`,
    );
  }
  if (change?.status === CostChangeStatus.Compared) {
    if (change.deployed === undefined || change.change === undefined) {
      throw new InvalidInputError("change", 'change with status "compared" must have deployed and change.');
    }
    checkAmount("change.deployed.monthlyUsd", change.deployed.monthlyUsd);
    checkAmount("change.change.monthlyUsd", change.change.monthlyUsd);
  }
}

const BUDGET_PRICED =
  "is priced from the size budget, which is a limit, not a measured size (no ECR size or local estimate yet)";

/** What explains an exceeded figure: the items that moved most since the deployed image, or the largest. */
function drivers(input: CostGuardrailInput): string {
  const lines = input.estimate?.lines;
  if (lines === undefined) return "Its line items are not known.";
  if (input.deployedLines !== undefined && input.change?.status === CostChangeStatus.Compared) {
    const rising = lineMovements(lines, input.deployedLines).filter(
      (movement) => roundToCents(movement.differenceUsd) > 0,
    );
    if (rising.length > 0) {
      return `Moved most: ${rising.slice(0, DRIVERS_NAMED).map(describeMovement).join(", ")}.`;
    }
  }
  const largest = largestLines(lines, DRIVERS_NAMED);
  return largest.length === 0
    ? "No line item prints above $0.00."
    : `Largest items: ${largest.map(describeLine).join(", ")}.`;
}

interface Checked {
  status: CostGuardrailStatus;
  figure?: number;
  message: string;
}

function totalVerdict(input: CostGuardrailInput, limit: number, action: CostGuardrailAction): Checked {
  const name = CostGuardrail.MaxMonthlyUsd;
  const { estimate, basis } = input;
  if (estimate === undefined) {
    const why = input.missing === undefined ? "" : ` (${input.missing})`;
    return {
      status: "unchecked",
      message: `${name} (${usd(limit)} a month) is unchecked: no cost estimate is known${why}.`,
    };
  }
  if (basis === "budget") {
    return {
      status: "unchecked",
      message: `${name} (${usd(limit)} a month) is unchecked: the monthly cost ${BUDGET_PRICED}.`,
    };
  }
  const figure = roundToCents(estimate.totalUsd);
  const costs = `${name}: the repository costs ${usd(figure)} a month with this change (basis ${basis})`;
  return figure <= limit
    ? { status: "ok", figure, message: `${costs}, within the limit of ${usd(limit)}.` }
    : { status: action, figure, message: `${costs}, over the limit of ${usd(limit)}. ${drivers(input)}` };
}

/** Why an increase cannot be measured, or the deployed and changed monthly USD as printed. */
function increaseFigures(
  input: CostGuardrailInput,
): { unknown: string } | { unchanged: true } | { before: number; after: number } {
  const change = input.change;
  if (change === undefined) {
    const why = input.missing === undefined ? "" : ` (${input.missing})`;
    return { unknown: `no comparison with the deployed image is known${why}` };
  }
  switch (change.status) {
    case CostChangeStatus.Unchanged:
      return { unchanged: true };
    case CostChangeStatus.FirstDeployment:
      return {
        unknown: `nothing is deployed yet (first deployment), so there is no increase to measure; ${CostGuardrail.MaxMonthlyUsd} limits the total`,
      };
    case CostChangeStatus.Compared:
      if (change.change!.basis === "budget") return { unknown: `this change ${BUDGET_PRICED}` };
      return {
        before: roundToCents(change.deployed!.monthlyUsd),
        after: roundToCents(change.change!.monthlyUsd),
      };
    default:
      return { unknown: change.note };
  }
}

function movedBy(before: number, after: number, amount: string): string {
  if (after === before) return `this change leaves the monthly cost at ${usd(after)}`;
  const direction = after > before ? "raises" : "lowers";
  return `this change ${direction} the monthly cost by ${amount} (${usd(before)} -> ${usd(after)})`;
}

function increaseUsdVerdict(input: CostGuardrailInput, limit: number, action: CostGuardrailAction): Checked {
  const name = CostGuardrail.MaxMonthlyIncreaseUsd;
  const figures = increaseFigures(input);
  if ("unknown" in figures) {
    return {
      status: "unchecked",
      message: `${name} (${usd(limit)} a month) is unchecked: ${figures.unknown}.`,
    };
  }
  if ("unchanged" in figures) {
    return {
      status: "ok",
      figure: 0,
      message: `${name}: no increase (the deployed build is this build), within the limit of ${usd(limit)}.`,
    };
  }
  const { before, after } = figures;
  const figure = roundToCents(after - before);
  const moved = movedBy(before, after, usd(Math.abs(figure)));
  return figure <= limit
    ? { status: "ok", figure, message: `${name}: ${moved}, within the limit of ${usd(limit)}.` }
    : {
        status: action,
        figure,
        message: `${name}: ${moved}, over the limit of ${usd(limit)}. ${drivers(input)}`,
      };
}

function increasePercentVerdict(
  input: CostGuardrailInput,
  limit: number,
  action: CostGuardrailAction,
): Checked {
  const name = CostGuardrail.MaxMonthlyIncreasePercent;
  const figures = increaseFigures(input);
  if ("unknown" in figures) {
    return { status: "unchecked", message: `${name} (${percent(limit)}) is unchecked: ${figures.unknown}.` };
  }
  if ("unchanged" in figures) {
    return {
      status: "ok",
      figure: 0,
      message: `${name}: no increase (the deployed build is this build), within the limit of ${percent(limit)}.`,
    };
  }
  const { before, after } = figures;
  if (before === 0) {
    if (after === 0) {
      return {
        status: "ok",
        figure: 0,
        message: `${name}: ${movedBy(0, 0, "")}, within the limit of ${percent(limit)}.`,
      };
    }
    return {
      status: "unchecked",
      message: `${name} (${percent(limit)}) is unchecked: the deployed image costs $0.00 a month, and an increase from $0.00 has no percentage; ${CostGuardrail.MaxMonthlyIncreaseUsd} limits the amount.`,
    };
  }
  const figure = roundToTenth(((after - before) / before) * 100);
  const moved = movedBy(before, after, percent(Math.abs(figure)));
  return figure <= limit
    ? { status: "ok", figure, message: `${name}: ${moved}, within the limit of ${percent(limit)}.` }
    : {
        status: action,
        figure,
        message: `${name}: ${moved}, over the limit of ${percent(limit)}. ${drivers(input)}`,
      };
}

const SEVERITY: Record<CostGuardrailStatus, number> = { fail: 3, warn: 2, unchecked: 1, ok: 0 };

/**
 * Checks every guardrail set against this change's estimate and its comparison with the deployed image.
 * Throws InvalidInputError naming the field for a limit that is not a finite number in range, an unknown
 * action, basis or comparison status, or amounts that are not amounts.
 */
export function evaluateCostGuardrails(input: CostGuardrailInput): CostGuardrailsVerdict {
  checkInput(input);
  const action = input.onCostGuardrailExceeded ?? CostGuardrailAction.Warn;
  const checks: [CostGuardrail, "USD" | "%", typeof totalVerdict][] = [
    [CostGuardrail.MaxMonthlyUsd, "USD", totalVerdict],
    [CostGuardrail.MaxMonthlyIncreaseUsd, "USD", increaseUsdVerdict],
    [CostGuardrail.MaxMonthlyIncreasePercent, "%", increasePercentVerdict],
  ];
  const verdicts: CostGuardrailVerdict[] = [];
  for (const [guardrail, unit, check] of checks) {
    const limit = input[guardrail];
    if (limit === undefined) continue;
    const { status, figure, message } = check(input, limit, action);
    verdicts.push({
      guardrail,
      limit,
      unit,
      action,
      status,
      ...(figure === undefined ? {} : { figure }),
      message,
    });
  }
  if (verdicts.length === 0) {
    return {
      status: "unchecked",
      message: `No cost guardrail is set (${Object.values(CostGuardrail).join(", ")}), so the monthly cost is not checked.`,
      blocksPromotion: false,
      verdicts,
    };
  }
  const status = verdicts.reduce<CostGuardrailStatus>(
    (worst, verdict) => (SEVERITY[verdict.status] > SEVERITY[worst] ? verdict.status : worst),
    "ok",
  );
  return {
    status,
    message: verdicts.map((verdict) => verdict.message).join("\n"),
    blocksPromotion: verdicts.some((verdict) => verdict.status === "fail"),
    verdicts,
  };
}
