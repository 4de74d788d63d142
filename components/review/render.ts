/**
 * One review of several stacks' cost documents (issue 21, items 3 and 4): a Markdown comment for a pull
 * request, a plain table for a terminal, and the documents merged into one JSON. Pure and deterministic.
 *
 * The Markdown is written for GitHub's renderer (GFM tables, `<details>`): numbers in right-aligned
 * columns, every amount with its unit ($, per month), and every table narrow enough for the comment
 * column of a pull request without scrolling: docs/REVIEW.md states the width held to, and
 * test/review/render-html.test.ts measures it in Chromium.
 *
 * Amounts in the tables are rounded to the cent first and then added, so every column adds up as printed
 * (the guardrails compare the same rounded figures, ./guardrails.ts).
 */
import { formatFixed, roundToCents } from "../cost/report";
import { COST_SCHEMA_VERSION, type CostDocument, type CostDocumentLine } from "./document";
import type { LineMovement } from "./drivers";
import type { CostGuardrailStatus } from "./guardrails";
import type { InputShape, StackReading } from "./read";

/** `kind` of the merged JSON (`--format json`). */
export const COST_REVIEW_KIND = "ecr-pipeline/cost-review";
/** `$id` of its JSON Schema (schema/cost-review.v1.schema.json). */
export const COST_REVIEW_SCHEMA_ID = "urn:ecr-pipeline:schema:cost-review:1";
/** Line items per pipeline in the drivers table. */
export const DRIVERS_PER_PIPELINE = 3;

/** One pipeline of one stack, with its figures in whole cents. */
interface Row {
  reading: StackReading;
  stack: string;
  document: CostDocument;
  nowCents: number;
  /** Deployed monthly cost in cents; undefined when not known. */
  deployedCents?: number;
  /** How the deployed cost is known: compared, unchanged (the same build), nothing deployed. */
  deployedAs?: "compared" | "unchanged" | "none";
}

const cents = (usd: number): number => Math.round(roundToCents(usd) * 100);
const dollars = (amount: number): string => `$${formatFixed(Math.abs(amount) / 100, 2)}`;
/** "$1,234.56" from cents. */
const money = (amount: number): string => (amount < 0 ? `-${dollars(amount)}` : dollars(amount));
/** "+$1.20", "-$0.40", "$0.00" from cents. */
const signedMoney = (amount: number): string => (amount > 0 ? `+${dollars(amount)}` : money(amount));

function rowsOf(readings: readonly StackReading[]): Row[] {
  return readings.flatMap((reading) =>
    reading.documents.map((document): Row => {
      const nowCents = cents(document.totals.monthlyUsd);
      const row = { reading, stack: reading.stack, document, nowCents };
      const comparison = document.comparison;
      switch (comparison?.status) {
        case "compared":
          return { ...row, deployedCents: cents(comparison.deployed!.monthlyUsd), deployedAs: "compared" };
        case "unchanged":
          return { ...row, deployedCents: nowCents, deployedAs: "unchanged" };
        case "first-deployment":
          return { ...row, deployedCents: 0, deployedAs: "none" };
        default:
          return row;
      }
    }),
  );
}

const SEVERITY: Record<string, number> = { fail: 3, warn: 2, unchecked: 1, ok: 0 };

/** A run stopped by a failing cost guardrail: its error names the guardrail and says "over the limit". */
const GUARDRAIL_FAILURE =
  /\b(maxMonthlyUsd|maxMonthlyIncreaseUsd|maxMonthlyIncreasePercent): [^|]* over the limit of /;

/** True when a file's run was stopped by a failing cost guardrail (its error diagnostics say so). */
export function guardrailFailed(reading: StackReading): boolean {
  return (
    reading.documents.length === 0 && reading.problems.some((problem) => GUARDRAIL_FAILURE.test(problem))
  );
}

/** The stacks that gave no cost document. */
function notReported(readings: readonly StackReading[]): StackReading[] {
  return readings.filter((reading) => reading.documents.length === 0);
}

/** The worst status over every pipeline, a run a guardrail stopped counting as "fail"; "unchecked" for none. */
function reviewStatus(readings: readonly StackReading[], rows: readonly Row[]): CostGuardrailStatus {
  if (readings.some(guardrailFailed)) return "fail";
  return rows.length === 0 ? "unchecked" : worst(rows.map((row) => row.document.guardrails.status));
}

function worst(statuses: readonly string[]): CostGuardrailStatus {
  return statuses.reduce<CostGuardrailStatus>(
    (found, status) => ((SEVERITY[status] ?? 1) > SEVERITY[found]! ? (status as CostGuardrailStatus) : found),
    "ok",
  );
}

interface Totals {
  pipelines: number;
  nowCents: number;
  /** Rows whose deployed cost is known. */
  compared: number;
  deployedCents?: number;
  changeCents?: number;
  /** The rows whose deployed cost is not known. */
  unknown: Row[];
}

function totalsOf(rows: readonly Row[]): Totals {
  const known = rows.filter((row) => row.deployedCents !== undefined);
  const unknown = rows.filter((row) => row.deployedCents === undefined);
  const nowCents = rows.reduce((sum, row) => sum + row.nowCents, 0);
  const knownNow = known.reduce((sum, row) => sum + row.nowCents, 0);
  const knownDeployed = known.reduce((sum, row) => sum + row.deployedCents!, 0);
  const all = unknown.length === 0 && rows.length > 0;
  return {
    pipelines: rows.length,
    nowCents,
    compared: known.length,
    ...(all ? { deployedCents: knownDeployed } : {}),
    ...(known.length > 0 ? { changeCents: knownNow - knownDeployed } : {}),
    unknown,
  };
}

const plural = (count: number, one: string, many = `${one}s`): string =>
  `${count} ${count === 1 ? one : many}`;

/** Text for a Markdown paragraph or cell: no HTML, no emphasis by accident, arrows as arrows. */
export function markdownText(text: string): string {
  return text
    .replace(/\r?\n/g, " ")
    .replace(/->/g, "\u2192")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_[\]|#])/g, "\\$1");
}

function label(row: Row): string {
  return `${row.stack} / ${row.document.pipeline}`;
}

function guardrailCell(document: CostDocument): string {
  const { status, verdicts } = document.guardrails;
  if (verdicts.length === 0) return "none";
  return status === "fail" ? "**fail**" : status;
}

function deployedCell(row: Row): string {
  if (row.deployedCents === undefined) return "unknown";
  return row.deployedAs === "none" ? "none" : money(row.deployedCents);
}

function changeCell(row: Row): string {
  return row.deployedCents === undefined ? "unknown" : signedMoney(row.nowCents - row.deployedCents);
}

function table(
  header: readonly string[],
  aligns: readonly ("l" | "r")[],
  rows: readonly (readonly string[])[],
): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(aligns.map((align) => (align === "r" ? "---:" : ":---"))), ...rows.map(line)];
}

/** The drivers of one pipeline: what moved since the deployed image, or its largest items. */
function driverRows(row: Row): string[][] {
  const stack = markdownText(row.stack);
  const drivers: LineMovement[] = row.document.comparison?.drivers ?? [];
  if (drivers.length > 0) {
    return [...drivers]
      .sort(
        (left, right) =>
          Math.abs(right.differenceUsd) - Math.abs(left.differenceUsd) || (left.item < right.item ? -1 : 1),
      )
      .slice(0, DRIVERS_PER_PIPELINE)
      .map((movement) => [
        stack,
        markdownText(movement.item),
        money(cents(movement.deployedUsd)),
        money(cents(movement.changeUsd)),
        signedMoney(cents(movement.changeUsd) - cents(movement.deployedUsd)),
      ]);
  }
  if (row.deployedAs === "unchanged") return [];
  const firstDeployment = row.deployedAs === "none";
  return [...row.document.lines]
    .filter((line) => cents(line.amountUsd) > 0)
    .sort((left, right) => right.amountUsd - left.amountUsd || (left.item < right.item ? -1 : 1))
    .slice(0, DRIVERS_PER_PIPELINE)
    .map((line) => [
      stack,
      markdownText(line.item),
      firstDeployment ? "none" : "unknown",
      money(cents(line.amountUsd)),
      firstDeployment ? signedMoney(cents(line.amountUsd)) : "unknown",
    ]);
}

/** The drivers table, then the pipelines it has no row for, and why. */
function driversSection(rows: readonly Row[]): string[] {
  const tableRows = rows.flatMap(driverRows);
  const out =
    tableRows.length === 0
      ? []
      : [
          ...table(
            ["Stack", "Line item", "Deployed", "This change", "Change"],
            ["l", "l", "r", "r", "r"],
            tableRows,
          ),
          "",
        ];
  const unchanged = rows.filter((row) => row.deployedAs === "unchanged");
  if (unchanged.length > 0) {
    out.push(
      `No line item moved for ${unchanged.map((row) => markdownText(label(row))).join(", ")}: the deployed build is this build.`,
      "",
    );
  }
  return out;
}

function quantity(value: number): string {
  return Number.isInteger(value) ? formatFixed(value, 0) : formatFixed(value, 3);
}

function lineRow(line: CostDocumentLine): string[] {
  return [
    markdownText(line.item),
    `${quantity(line.quantity)} ${markdownText(line.unit)}`,
    `${formatFixed(line.rateUsd, 4)}${line.verified ? "" : "\\*"}`,
    money(cents(line.amountUsd)),
    markdownText(line.basis),
  ];
}

/** "47,185,920 bytes (45.0 MiB)": exact bytes, and MiB (2^20 bytes) for reading. */
export function describeSize(bytes: number): string {
  return `${formatFixed(bytes, 0)} bytes (${formatFixed(bytes / 2 ** 20, 1)} MiB)`;
}

/** "0.467 GB": GB as AWS bills storage, 2^30 bytes. */
function describeStored(document: CostDocument): string {
  return `${formatFixed(document.storedBytes, 0)} bytes (${formatFixed(document.storedBytes / document.bytesPerGB, 3)} GB)`;
}

function basisItems(row: Row): string[] {
  const d = row.document;
  const unverified = d.lines.filter((line) => !line.verified).length;
  const rates =
    d.pricing === "override"
      ? `${markdownText(d.region)}, passed by the caller (not verified)`
      : `${markdownText(d.region)}, from the package's rate cards; ${unverified} of ${d.lines.length} not verified (marked \\*)`;
  const phase = d.computedIn === "preview" ? "computed in `pulumi preview`" : "computed by `pulumi up`";
  return [
    `- **${markdownText(label(row))}**, ${phase}`,
    `  - image: ${describeSize(d.size.bytes)}, basis \`${d.size.basis}\`: ${markdownText(d.size.note)}`,
    `  - stored in the repository: ${describeStored(d)}`,
    `  - rates: ${rates}`,
    `  - compared: ${d.comparison === null ? "no comparison with the deployed image is known" : markdownText(d.comparison.note)}`,
    ...d.notes.map((note) => `  - note: ${markdownText(note)}`),
  ];
}

/** A verdict's message with its leading guardrail name as code: "`maxMonthlyUsd`: the repository ...". */
function verdictText(message: string): string {
  const match = /^(maxMonthly[A-Za-z]+)( \(|:)/.exec(message);
  if (match === null) return markdownText(message);
  return `\`${match[1]}\`${markdownText(message.slice(match[1]!.length))}`;
}

function verdictItems(row: Row): string[] {
  const { verdicts } = row.document.guardrails;
  const who = `**${markdownText(label(row))}**`;
  if (verdicts.length === 0) return [`- ${who}: no cost guardrail is set.`];
  return verdicts.map((verdict) => {
    const status = verdict.status === "fail" ? "**fail**" : verdict.status;
    return `- ${who} (${status}): ${verdictText(verdict.message)}`;
  });
}

function heading(totals: Totals, readings: readonly StackReading[]): string {
  if (totals.pipelines === 0) return "### ECR cost review: no cost reported";
  const missing = notReported(readings).length;
  const notes = [
    ...(missing === 0
      ? []
      : [`${readings.length - missing} of ${plural(readings.length, "stack")} reported`]),
    ...(totals.deployedCents === undefined && totals.changeCents !== undefined
      ? [`${totals.compared} of ${plural(totals.pipelines, "pipeline")} compared`]
      : []),
  ];
  const amount =
    totals.changeCents === undefined
      ? `${money(totals.nowCents)} a month`
      : `${signedMoney(totals.changeCents)} a month`;
  return `### ECR cost review: ${amount}${notes.length === 0 ? "" : ` (${notes.join("; ")})`}`;
}

function summary(rows: readonly Row[], readings: readonly StackReading[], totals: Totals): string {
  const stacks = plural(readings.length, "stack");
  const pipelines = plural(rows.length, "pipeline");
  const now = `**${money(totals.nowCents)} a month** with this change`;
  const deployed =
    totals.deployedCents !== undefined
      ? `, ${money(totals.deployedCents)} deployed`
      : totals.unknown.length > 0 && rows.length > 0
        ? `; deployed cost unknown for ${totals.unknown.map((row) => markdownText(label(row))).join(", ")}`
        : "";
  const statuses = rows.map((row) =>
    row.document.guardrails.verdicts.length === 0 ? "none" : row.document.guardrails.status,
  );
  const counts = ["fail", "warn", "unchecked", "ok", "none"]
    .map((status) => [status, statuses.filter((s) => s === status).length] as const)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => (status === "none" ? `${count} without guardrails` : `${count} ${status}`));
  const guardrails = counts.length === 0 ? "" : ` Guardrails: ${counts.join(", ")}.`;
  const missing = notReported(readings);
  const unreported =
    missing.length === 0
      ? ""
      : ` Not reported: ${missing.map((reading) => `${markdownText(reading.stack)}${guardrailFailed(reading) ? " (stopped by a cost guardrail)" : ""}`).join(", ")}; see below.`;
  return `${stacks}, ${pipelines}: ${now}${deployed}.${guardrails}${unreported}`;
}

/**
 * The pull-request comment: heading with the change per month, the per-pipeline table with totals, the
 * guardrail verdicts, the largest drivers, the basis of each number, each pipeline's line items (folded),
 * and the files that could not be reported, each with its reason.
 */
export function renderMarkdown(readings: readonly StackReading[]): string {
  const rows = rowsOf(readings);
  const totals = totalsOf(rows);
  const out: string[] = [heading(totals, readings), "", summary(rows, readings, totals), ""];
  if (readings.length > 0) {
    out.push(
      ...table(
        ["Stack", "Pipeline", "Basis", "Deployed", "This change", "Change", "Guardrails"],
        ["l", "l", "l", "r", "r", "r", "l"],
        [
          ...readings.flatMap((reading) =>
            reading.documents.length === 0
              ? [
                  [
                    markdownText(reading.stack),
                    "not reported",
                    "",
                    "unknown",
                    "unknown",
                    "unknown",
                    guardrailFailed(reading) ? "**fail**" : "unknown",
                  ],
                ]
              : rows
                  .filter((row) => row.reading === reading)
                  .map((row) => [
                    markdownText(row.stack),
                    markdownText(row.document.pipeline),
                    markdownText(row.document.size.basis),
                    deployedCell(row),
                    money(row.nowCents),
                    changeCell(row),
                    guardrailCell(row.document),
                  ]),
          ),
          [
            notReported(readings).length === 0
              ? "**Total**"
              : `**Total** (${readings.length - notReported(readings).length} of ${plural(readings.length, "stack")})`,
            plural(rows.length, "pipeline"),
            "",
            totals.deployedCents === undefined ? "unknown" : `**${money(totals.deployedCents)}**`,
            rows.length === 0 ? "unknown" : `**${money(totals.nowCents)}**`,
            totals.deployedCents === undefined ? "unknown" : `**${signedMoney(totals.changeCents!)}**`,
            ((status) => (status === "fail" ? "**fail**" : status))(reviewStatus(readings, rows)),
          ],
        ],
      ),
      "",
      "Amounts in USD per month, each rounded to the cent, then added.",
      "",
      "#### Guardrails",
      "",
      ...rows.flatMap(verdictItems),
      "",
      "#### Largest drivers",
      "",
      ...driversSection(rows),
      "#### Basis of each number",
      "",
      ...rows.flatMap(basisItems),
      "",
      ...rows.flatMap((row) => [
        `<details><summary>${markdownText(label(row))}: ${plural(row.document.lines.length, "line item")}</summary>`,
        "",
        ...table(
          ["Line item", "Quantity", "Rate, USD", "USD/month", "Basis"],
          ["l", "r", "r", "r", "l"],
          row.document.lines.map(lineRow),
        ),
        "",
        "</details>",
        "",
      ]),
    );
  }
  const problems = readings.flatMap((reading) => reading.problems);
  if (problems.length > 0) {
    out.push("#### Not reported", "", ...problems.map((problem) => `- ${markdownText(problem)}`), "");
  }
  out.push(
    `<sub>GB = 2^30 bytes, as AWS bills storage and data transfer; MiB = 2^20 bytes. \\* marks a rate that no retrievable source confirmed (docs/PRICING.md). ecr-pipeline cost review, schema ${COST_SCHEMA_VERSION}.</sub>`,
  );
  return `${out.join("\n")}\n`;
}

/** Plain fixed-width table for a terminal (ASCII only). */
export function renderText(readings: readonly StackReading[]): string {
  const rows = rowsOf(readings);
  const totals = totalsOf(rows);
  const plain = (text: string) => text.replace(/[^\x20-\x7e]/g, "?");
  const cells = readings.flatMap((reading) =>
    reading.documents.length === 0
      ? [
          [
            plain(reading.stack),
            "not reported",
            "",
            "unknown",
            "unknown",
            "unknown",
            guardrailFailed(reading) ? "fail" : "unknown",
          ],
        ]
      : rows
          .filter((row) => row.reading === reading)
          .map((row) => [
            plain(row.stack),
            plain(row.document.pipeline),
            row.document.size.basis,
            row.deployedCents === undefined
              ? "unknown"
              : row.deployedAs === "none"
                ? "none"
                : formatFixed(row.deployedCents / 100, 2),
            formatFixed(row.nowCents / 100, 2),
            row.deployedCents === undefined
              ? "unknown"
              : `${row.nowCents > row.deployedCents ? "+" : ""}${formatFixed((row.nowCents - row.deployedCents) / 100, 2)}`,
            row.document.guardrails.verdicts.length === 0 ? "none" : row.document.guardrails.status,
          ]),
  );
  const missing = notReported(readings).length;
  const totalRow = [
    missing === 0 ? "total" : `total (${readings.length - missing} of ${readings.length} stacks)`,
    plural(rows.length, "pipeline"),
    "",
    totals.deployedCents === undefined ? "unknown" : formatFixed(totals.deployedCents / 100, 2),
    rows.length === 0 ? "unknown" : formatFixed(totals.nowCents / 100, 2),
    totals.deployedCents === undefined
      ? "unknown"
      : `${totals.changeCents! > 0 ? "+" : ""}${formatFixed(totals.changeCents! / 100, 2)}`,
    "",
  ];
  const header = ["stack", "pipeline", "basis", "deployed", "this change", "change", "guardrails"];
  const right = [false, false, false, true, true, true, false];
  const widths = header.map((title, i) =>
    Math.max(title.length, ...[...cells, totalRow].map((cell) => cell[i]!.length)),
  );
  const render = (cell: readonly string[]) =>
    cell
      .map((text, i) => (right[i] ? text.padStart(widths[i]!) : text.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  const out = [
    `ECR cost review: ${plural(readings.length, "stack")}, ${plural(rows.length, "pipeline")} (USD per month)`,
    "",
    render(header),
    rule,
    ...cells.map(render),
    rule,
    render(totalRow),
  ];
  const verdicts = rows.flatMap((row) =>
    row.document.guardrails.verdicts.map(
      (verdict) => `  ${plain(label(row))}: ${verdict.status}: ${plain(verdict.message)}`,
    ),
  );
  if (verdicts.length > 0) out.push("", "guardrails:", ...verdicts);
  const problems = readings.flatMap((reading) => reading.problems.map((problem) => `  ${plain(problem)}`));
  if (problems.length > 0) out.push("", "not reported:", ...problems);
  return `${out.join("\n")}\n`;
}

/** The merged JSON (`--format json`), version 1 (schema/cost-review.v1.schema.json). */
export interface CostReview {
  kind: typeof COST_REVIEW_KIND;
  schemaVersion: typeof COST_SCHEMA_VERSION;
  /** The worst guardrail status over every pipeline (a run a guardrail stopped is "fail"); "unchecked" when there is none. */
  status: CostGuardrailStatus;
  /** True when a guardrail failed: promotion tags must not move. */
  blocksPromotion: boolean;
  /** The stacks whose file gave no cost document (their problems say why). */
  notReported: string[];
  totals: {
    pipelines: number;
    /** Pipelines whose deployed monthly cost is known. */
    compared: number;
    monthlyUsd: number;
    /** Null unless every pipeline's deployed cost is known. */
    deployedMonthlyUsd: number | null;
    /** Change over the pipelines compared; null when none is. */
    differenceUsd: number | null;
  };
  stacks: {
    stack: string;
    file: string;
    shape: InputShape | null;
    documents: CostDocument[];
    problems: string[];
  }[];
}

export function mergeReview(readings: readonly StackReading[]): CostReview {
  const rows = rowsOf(readings);
  const totals = totalsOf(rows);
  return {
    kind: COST_REVIEW_KIND,
    schemaVersion: COST_SCHEMA_VERSION,
    status: reviewStatus(readings, rows),
    blocksPromotion:
      readings.some(guardrailFailed) || rows.some((row) => row.document.guardrails.blocksPromotion),
    notReported: notReported(readings).map((reading) => reading.stack),
    totals: {
      pipelines: totals.pipelines,
      compared: totals.compared,
      monthlyUsd: totals.nowCents / 100,
      deployedMonthlyUsd: totals.deployedCents === undefined ? null : totals.deployedCents / 100,
      differenceUsd: totals.changeCents === undefined ? null : totals.changeCents / 100,
    },
    stacks: readings.map((reading) => ({
      stack: reading.stack,
      file: reading.file,
      shape: reading.shape ?? null,
      documents: reading.documents,
      problems: reading.problems,
    })),
  };
}
