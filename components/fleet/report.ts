/**
 * formatFleetReport: one account-and-region bill as plain ASCII, like the per-pipeline report
 * (../cost/report.ts): the lines, the totals, how each storage group is counted and why, each repository's
 * share, the warnings and the account assumptions, each on its own line. Deterministic: no clock, no locale.
 */
import { BYTES_PER_GB } from "../cost/estimate";
import { formatFixed, formatUsd, toAscii } from "../cost/report";
import type { FleetBill } from "./bill";

function pad(cells: readonly string[], widths: readonly number[], right: readonly boolean[]): string {
  return cells
    .map((cell, index) =>
      right[index] ? cell.padStart(widths[index] ?? 0) : cell.padEnd(widths[index] ?? 0),
    )
    .join("  ")
    .trimEnd();
}

function quantity(value: number): string {
  return Number.isInteger(value) ? formatFixed(value, 0) : formatFixed(value, 3);
}

function gb(bytes: number): string {
  return `${formatFixed(bytes, 0)} bytes (${formatFixed(bytes / BYTES_PER_GB, 3)} GB)`;
}

export function formatFleetReport(bill: FleetBill): string {
  const header = ["item", "quantity", "unit", "rate USD", "USD"];
  const right = [false, true, false, true, true];
  const rows = bill.lines.map((line) => [
    line.item,
    quantity(line.quantity),
    line.unit,
    formatFixed(line.rate, 4),
    formatUsd(line.usd),
  ]);
  const totals: [string, number][] = [
    ["storage", bill.storageUsd],
    ["transfer", bill.transferUsd],
    ["scanning", bill.scanningUsd],
    ["replication", bill.replicationUsd],
    ["total per month", bill.totalUsd],
  ];
  const totalRows = totals.map(([label, usd]) => [label, "", "", "", formatUsd(usd)]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...[...rows, ...totalRows].map((row) => (row[column] ?? "").length)),
  );
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  const assumptions = bill.lines.flatMap((line) =>
    line.assumption === undefined ? [] : [`  ${line.item}: ${line.assumption}`],
  );
  const out = [
    `ECR fleet monthly cost estimate: account ${bill.registryId}, ${bill.region}`,
    "",
    pad(header, widths, right),
    rule,
    ...rows.map((row) => pad(row, widths, right)),
    rule,
    ...totalRows.map((row) => pad(row, widths, right)),
    "(each row is rounded to the cent on its own; the totals are summed before rounding)",
    "",
    "storage accounting:",
    ...bill.groups.map(
      (group) =>
        `  ${group.accounting} [${group.repositories.join(", ")}] ${group.encryption}: ${gb(group.bytes)} - ${group.reason}`,
    ),
    `  stored: ${gb(bill.storedBytes)}; as separate copies: ${gb(bill.perRepositoryBytes)}`,
    "",
    "repositories (own copy / attributed share):",
    ...bill.repositories.map(
      (repository) =>
        `  ${repository.name}: ${gb(repository.ownCopyBytes)} / ${gb(repository.attributedBytes)}`,
    ),
    "",
    "notes:",
    ...bill.notes.map((note) => `  ${note}`),
  ];
  if (bill.warnings.length > 0)
    out.push("", "warnings:", ...bill.warnings.map((warning) => `  ${warning.message}`));
  if (assumptions.length > 0)
    out.push("", "account assumptions (priced, not configured by these stacks):", ...assumptions);
  return out.map(toAscii).join("\n");
}
