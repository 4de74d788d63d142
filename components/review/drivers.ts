/**
 * Which line items moved the monthly cost: the deployed image's lines next to this change's, matched by
 * their `item` label (the estimate's stable line names, components/cost/estimate.ts), so a line the model
 * adds later is compared like the others. Pure.
 */
import { roundToCents } from "../cost/report";
import type { CostLine } from "../cost/types";
import { signedUsd, usd } from "./money";

/** One line item before and after: USD per month, unrounded; 0 where the line is absent on a side. */
export interface LineMovement {
  item: string;
  deployedUsd: number;
  changeUsd: number;
  /** changeUsd − deployedUsd. */
  differenceUsd: number;
}

/** The USD of each item; lines with the same label are added (none do today). */
function byItem(lines: readonly CostLine[]): Map<string, number> {
  const amounts = new Map<string, number>();
  for (const line of lines) amounts.set(line.item, (amounts.get(line.item) ?? 0) + line.usd);
  return amounts;
}

/**
 * Every item of either side with its movement, the largest increase first (then by label), so the
 * items that explain an increase lead. Items that print the same on both sides are left out.
 */
export function lineMovements(
  changeLines: readonly CostLine[],
  deployedLines: readonly CostLine[],
): LineMovement[] {
  const change = byItem(changeLines);
  const deployed = byItem(deployedLines);
  const items = [...new Set([...deployed.keys(), ...change.keys()])];
  return items
    .map((item) => {
      const deployedUsd = deployed.get(item) ?? 0;
      const changeUsd = change.get(item) ?? 0;
      return { item, deployedUsd, changeUsd, differenceUsd: changeUsd - deployedUsd };
    })
    .filter((movement) => roundToCents(movement.differenceUsd) !== 0)
    .sort(
      (left, right) =>
        right.differenceUsd - left.differenceUsd ||
        (left.item < right.item ? -1 : left.item > right.item ? 1 : 0),
    );
}

/** The `count` lines costing most (then by label), those that print above $0.00. */
export function largestLines(lines: readonly CostLine[], count: number): CostLine[] {
  return [...lines]
    .filter((line) => roundToCents(line.usd) > 0)
    .sort(
      (left, right) => right.usd - left.usd || (left.item < right.item ? -1 : left.item > right.item ? 1 : 0),
    )
    .slice(0, count);
}

/** "storage image +$8.00 ($32.00 -> $40.00)". */
export function describeMovement(movement: LineMovement): string {
  return `${movement.item} ${signedUsd(movement.differenceUsd)} (${usd(movement.deployedUsd)} -> ${usd(movement.changeUsd)})`;
}

/** "storage image $40.00". */
export function describeLine(line: CostLine): string {
  return `${line.item} ${usd(line.usd)}`;
}
