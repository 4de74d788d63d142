/**
 * formatCostReport: the estimate as a plain-ASCII fixed-width table, then the assumptions and the size
 * basis. It is shown as a stack output in `pulumi preview` and printed by `npm start`, so it must be
 * deterministic (no locale, no clock) and ASCII only (terminals and CI logs mangle the rest).
 */
import { InvalidInputError } from "../common/errors";
import { BYTES_PER_GB } from "./estimate";
import type { CostEstimate, CostLine } from "./types";

export interface CostReportContext {
  /** "ecr", "estimate" or "budget" (see components/common/size-basis.ts). */
  basis?: string;
  /** Where the size came from, e.g. "local build of ctx-0123456789abcdef". */
  basisNote?: string;
  /** Heading; default "ECR monthly cost estimate: <region>". */
  title?: string;
  /** More notes printed after the line notes, e.g. why an input fell back to a default. */
  notes?: readonly string[];
}

/**
 * Printed under the notes whenever the estimate has pulls: why a same-region pull is free only on some
 * paths. ECR returns each layer as a pre-signed S3 URL (ECR API, GetDownloadUrlForLayer).
 */
export const PULL_PATH_NOTE =
  "pull paths: ECR serves layers from S3 through pre-signed URLs, so a pull's bytes take the subnet's path to S3. " +
  "Same region they are free only through an S3 gateway endpoint (no hourly or per-GB charge) or from a public subnet; " +
  "through an S3 interface endpoint they pay PrivateLink data processing per GB, through a NAT gateway NAT data processing.";

/**
 * Printed with the assumptions: ECR's own free tier is not applied. It was 500 MB-month of private storage
 * for 12 months under the legacy AWS Free Tier, which accounts created on or after 2025-07-15 do not get
 * (docs/PRICING.md, "Free tiers").
 */
export const ECR_FREE_TIER_NOTE =
  "ECR storage free tier: not applied (500 MB-month for 12 months under the legacy AWS Free Tier; not offered to accounts created on or after 2025-07-15)";

/**
 * Printed with the assumptions: what "GB" means in the report. AWS bills storage and data transfer in GB
 * of 2^30 bytes: the Amazon S3 FAQ's storage billing example counts "100GB (107,374,182,400 bytes)" and
 * converts byte-hours to GB-months with "1,073,741,824 bytes" per GB (https://aws.amazon.com/s3/faqs/,
 * "Billing"; ECR stores its layers in S3 and bills them per GB-month), and the AWS Price List's data
 * transfer tiers end at 10240, 51200 and 153600 GB (10, 50 and 150 TB of 1024 GB). So the report divides
 * by 2^30 and labels it GB, exactly as the AWS bill does (issue 18, item 8).
 */
export const GB_UNIT_NOTE =
  "units: GB = 2^30 bytes (1,073,741,824) and TB = 1024 GB, as AWS bills storage (GB-month) and data transfer";

/** Replaces the few non-ASCII characters notes tend to carry, and anything else with "?". */
export function toAscii(text: string): string {
  return text
    .replace(/[\u2013\u2014]/g, "-")
    .replace(/\u2026/g, "...")
    .replace(/[\u00d7]/g, "x")
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[^\x20-\x7e]/g, "?");
}

/** Rounds half away from zero to cents; toPrecision first so 1.005 (stored as 1.00499…) gives 1.01. */
export function roundToCents(usd: number): number {
  const cents = Number((usd * 100).toPrecision(12));
  return (Math.sign(cents) * Math.round(Math.abs(cents))) / 100;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Fixed decimals with thousands separators; never "-0.00". */
export function formatFixed(value: number, decimals: number): string {
  // toFixed switches to exponent notation ("1e+21") from 1e21 on; such a number has no fraction.
  const fixed =
    Math.abs(value) >= 1e21
      ? `${BigInt(value).toString()}${decimals > 0 ? `.${"0".repeat(decimals)}` : ""}`
      : (Object.is(value, -0) ? 0 : value).toFixed(decimals);
  const [whole = "0", fraction] = fixed.split(".");
  const sign = whole.startsWith("-") ? "-" : "";
  const grouped = groupThousands(whole.replace("-", ""));
  const text = `${sign}${grouped}${fraction === undefined ? "" : `.${fraction}`}`;
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

export function formatUsd(usd: number): string {
  return formatFixed(roundToCents(usd), 2);
}

function formatQuantity(quantity: number): string {
  return Number.isInteger(quantity) ? formatFixed(quantity, 0) : formatFixed(quantity, 3);
}

function formatBytes(bytes: number): string {
  return `${formatFixed(bytes, 0)} bytes (${formatFixed(bytes / BYTES_PER_GB, 3)} GB)`;
}

type Align = "left" | "right";

function renderRow(cells: readonly string[], widths: readonly number[], aligns: readonly Align[]): string {
  return cells
    .map((cell, index) => {
      const width = widths[index] ?? cell.length;
      return aligns[index] === "right" ? cell.padStart(width) : cell.padEnd(width);
    })
    .join("  ")
    .trimEnd();
}

function lineCells(line: CostLine): string[] {
  return [
    line.item,
    formatQuantity(line.quantity),
    line.unit,
    formatFixed(line.rate, 4),
    formatUsd(line.usd),
  ];
}

/** Lines a report prints at most: an estimate has about 8 plus 2 per replication region (at most 100). */
export const MAX_REPORT_LINES = 1_000;
/** Largest amount a report prints: far above any estimate, far enough below Number.MAX_VALUE. */
export const MAX_REPORTED_AMOUNT = 1e300;
/** Characters of a title or note it prints at most. */
export const MAX_REPORT_NOTE_LENGTH = 10_000;

/**
 * The numbers a report prints must be numbers: an estimate from estimateMonthlyCost always passes;
 * a hand-built or deserialized one with NaN or Infinity is rejected naming the field (issue 12: the
 * report printed "NaN").
 */
function checkReportable(estimate: CostEstimate, context: CostReportContext): void {
  const amount = (value: unknown, key: string): void => {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new InvalidInputError(
        key,
        `${key} must be a finite number >= 0 to be reported, got ${String(value)}.`,
      );
    }
    if (value > MAX_REPORTED_AMOUNT) {
      // Rounding to cents multiplies by 100: near Number.MAX_VALUE that is Infinity.
      throw new InvalidInputError(
        key,
        `${key} is ${value}; a report prints amounts up to ${MAX_REPORTED_AMOUNT} (estimateMonthlyCost stays far below).`,
      );
    }
  };
  if (typeof estimate !== "object" || estimate === null) {
    throw new InvalidInputError("estimate", "estimate must be the object estimateMonthlyCost returns.");
  }
  if (!Array.isArray(estimate.lines) || estimate.lines.length > MAX_REPORT_LINES) {
    throw new InvalidInputError(
      "estimate.lines",
      `estimate.lines must be an array of at most ${MAX_REPORT_LINES} lines.`,
    );
  }
  for (const key of ["storageUsd", "transferUsd", "scanningUsd", "replicationUsd", "totalUsd"] as const) {
    amount(estimate[key], `estimate.${key}`);
  }
  estimate.lines.forEach((line, i) => {
    for (const key of ["quantity", "rate", "usd"] as const) amount(line[key], `estimate.lines[${i}].${key}`);
    for (const key of ["item", "unit", "explanation"] as const) {
      if (typeof line[key] !== "string" || line[key].length > MAX_REPORT_NOTE_LENGTH) {
        throw new InvalidInputError(
          `estimate.lines[${i}].${key}`,
          `estimate.lines[${i}].${key} must be text of at most ${MAX_REPORT_NOTE_LENGTH} characters.`,
        );
      }
    }
    if (
      line.assumption !== undefined &&
      (typeof line.assumption !== "string" || line.assumption.length > MAX_REPORT_NOTE_LENGTH)
    ) {
      throw new InvalidInputError(
        `estimate.lines[${i}].assumption`,
        `estimate.lines[${i}].assumption must be text of at most ${MAX_REPORT_NOTE_LENGTH} characters.`,
      );
    }
  });
  const a = estimate.assumptions;
  if (typeof a !== "object" || a === null || typeof a.pulls !== "object" || a.pulls === null) {
    throw new InvalidInputError(
      "estimate.assumptions",
      "estimate.assumptions must be the object estimateMonthlyCost returns.",
    );
  }
  for (const key of [
    "imageBytes",
    "uniqueBytesPerImage",
    "retainedImages",
    "cacheBytes",
    "storedBytes",
    "pushesPerMonth",
    "bytesPerPull",
  ] as const) {
    amount(a[key], `estimate.assumptions.${key}`);
  }
  amount(a.monitoredImages, "estimate.assumptions.monitoredImages");
  for (const key of ["sameRegion", "viaInterfaceEndpoint", "viaNat", "crossRegion", "internet"] as const) {
    amount(a.pulls[key], `estimate.assumptions.pulls.${key}`);
  }
  const shapeError = (key: string, what: string): InvalidInputError =>
    new InvalidInputError(`estimate.assumptions.${key}`, `estimate.assumptions.${key} must be ${what}.`);
  if (typeof a.region !== "string" || a.region.length > MAX_REPORT_NOTE_LENGTH)
    throw shapeError("region", "text");
  if (
    !Array.isArray(a.replicationRegions) ||
    a.replicationRegions.length > MAX_REPORT_LINES ||
    !a.replicationRegions.every((r) => typeof r === "string" && r.length <= MAX_REPORT_NOTE_LENGTH)
  ) {
    throw shapeError("replicationRegions", "an array of region codes");
  }
  if (typeof a.scanning !== "object" || a.scanning === null) throw shapeError("scanning", "an object");
  amount(a.scanning.rescansPerMonth, "estimate.assumptions.scanning.rescansPerMonth");
  amount(a.scanning.imagesPerPush, "estimate.assumptions.scanning.imagesPerPush");
  if (
    typeof a.scanning.rescanDuration !== "string" ||
    a.scanning.rescanDuration.length > MAX_REPORT_NOTE_LENGTH
  )
    throw shapeError("scanning.rescanDuration", "text");
  if (typeof a.pricing !== "object" || a.pricing === null) throw shapeError("pricing", "a rate card");
  amount(a.pricing.internetFreeGB, "estimate.assumptions.pricing.internetFreeGB");
  if (
    estimate.notes !== undefined &&
    (!Array.isArray(estimate.notes) ||
      estimate.notes.length > MAX_REPORT_LINES ||
      !estimate.notes.every((note) => typeof note === "string" && note.length <= MAX_REPORT_NOTE_LENGTH))
  ) {
    throw new InvalidInputError(
      "estimate.notes",
      `estimate.notes must be an array of at most ${MAX_REPORT_LINES} texts of at most ${MAX_REPORT_NOTE_LENGTH} characters.`,
    );
  }
  if (
    context.notes !== undefined &&
    (!Array.isArray(context.notes) ||
      context.notes.length > MAX_REPORT_LINES ||
      !context.notes.every((note) => typeof note === "string" && note.length <= MAX_REPORT_NOTE_LENGTH))
  ) {
    throw new InvalidInputError(
      "context.notes",
      `context.notes must be an array of at most ${MAX_REPORT_LINES} texts of at most ${MAX_REPORT_NOTE_LENGTH} characters.`,
    );
  }
  for (const key of ["title", "basis", "basisNote"] as const) {
    const text = context[key];
    if (text !== undefined && (typeof text !== "string" || text.length > MAX_REPORT_NOTE_LENGTH)) {
      throw new InvalidInputError(
        `context.${key}`,
        `context.${key} must be text of at most ${MAX_REPORT_NOTE_LENGTH} characters.`,
      );
    }
  }
}

export function formatCostReport(estimate: CostEstimate, context: CostReportContext = {}): string {
  checkReportable(estimate, context ?? {});
  const a = estimate.assumptions;
  const header = ["item", "quantity", "unit", "rate USD", "USD"];
  const aligns: Align[] = ["left", "right", "left", "right", "right"];
  const totals: [string, number][] = [
    ["storage", estimate.storageUsd],
    ["transfer", estimate.transferUsd],
    ["scanning", estimate.scanningUsd],
    ["replication", estimate.replicationUsd],
    ["total per month", estimate.totalUsd],
  ];
  const rows = estimate.lines.map(lineCells);
  const totalRows = totals.map(([label, usd]) => [label, "", "", "", formatUsd(usd)]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...[...rows, ...totalRows].map((row) => (row[column] ?? "").length)),
  );
  const rule = widths.map((width) => "-".repeat(width)).join("  ");

  const pullsBy = a.pulls;
  const anyPulls = Object.values(pullsBy).some((pulls) => pulls > 0);
  const extraNotes = [
    ...(anyPulls ? [PULL_PATH_NOTE] : []),
    ...(estimate.notes ?? []),
    ...(context.notes ?? []),
  ];
  // Issue 18: every priced assumption about the account on its own line.
  const accountAssumptions = estimate.lines.flatMap((line) =>
    line.assumption === undefined ? [] : [`  ${line.item}: ${line.assumption}`],
  );
  const out: string[] = [
    context.title ?? `ECR monthly cost estimate: ${a.region}`,
    "",
    renderRow(header, widths, aligns),
    rule,
    ...rows.map((row) => renderRow(row, widths, aligns)),
    rule,
    ...totalRows.map((row) => renderRow(row, widths, aligns)),
    "(each row is rounded to the cent on its own; the totals are summed before rounding)",
    "",
    "notes:",
    ...estimate.lines.map((line) => `  ${line.item}: ${line.explanation}`),
    ...extraNotes.map((note) => `  ${note}`),
    ...(accountAssumptions.length === 0
      ? []
      : ["", "account assumptions (priced, not configured by this stack):", ...accountAssumptions]),
    "",
    "assumptions:",
    `  region: ${a.region} (rates: ${a.pricingSource === "override" ? "caller override" : "ecrPricing"})`,
    `  image: ${formatBytes(a.imageBytes)}`,
    `  unique bytes per build: ${formatBytes(a.uniqueBytesPerImage)}`,
    `  retained images: ${formatQuantity(a.retainedImages)}`,
    `  cache: ${formatBytes(a.cacheBytes)}`,
    `  stored in the repository: ${formatBytes(a.storedBytes)}`,
    `  pushes per month: ${formatQuantity(a.pushesPerMonth)}`,
    `  pulls per month: same region ${formatQuantity(pullsBy.sameRegion)}, ` +
      `via interface endpoint ${formatQuantity(pullsBy.viaInterfaceEndpoint)}, via NAT ${formatQuantity(pullsBy.viaNat)}, ` +
      `cross-region ${formatQuantity(pullsBy.crossRegion)}, internet ${formatQuantity(pullsBy.internet)}`,
    `  bytes per pull: ${formatBytes(a.bytesPerPull)}`,
    `  scanning: ${a.scanning.mode}` +
      (a.scanning.mode === "enhanced"
        ? ` (${a.scanning.frequency ?? "SCAN_ON_PUSH"}, configured by ${a.scanning.source === "stack" ? "this stack" : "the account, declared"}), ` +
          `scanned images per push ${formatQuantity(a.scanning.imagesPerPush)} (one per platform), ` +
          `${formatQuantity(a.scanning.rescansPerMonth)} rescans per month of ${formatQuantity(a.monitoredImages)} monitored images ` +
          `(re-scan duration ${a.scanning.rescanDuration}` +
          (a.scanning.pullDateRescanDuration === undefined
            ? ")"
            : `, by pull date ${a.scanning.pullDateRescanDuration} from ${a.scanning.pullDateRescanMode})`)
        : ""),
    `  replication: ${a.replicationRegions.length === 0 ? "none" : `${a.replicationRegions.join(", ")}, replicas ${a.replicaRetention === "policy" ? "under this repository's lifecycle policy" : `without a lifecycle policy (priced at month ${formatQuantity(a.replicaHorizonMonths ?? 12)})`}`}`,
    `  internet free allowance: ${a.applyFreeTier ? `applied (${formatQuantity(a.pricing.internetFreeGB)} GB)` : "not applied (it is shared across the account)"}`,
    `  ${ECR_FREE_TIER_NOTE}`,
    `  ${GB_UNIT_NOTE}`,
  ];
  if (context.basis !== undefined || context.basisNote !== undefined) {
    const note = context.basisNote === undefined ? "" : ` - ${context.basisNote}`;
    out.push(`size basis: ${context.basis ?? "unknown"}${note}`);
  }
  return out.map(toAscii).join("\n");
}
