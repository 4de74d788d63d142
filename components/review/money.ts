/**
 * How the review prints amounts: dollars to the cent and percentages to a tenth, the precision the
 * guardrails compare at (./guardrails.ts), so a message never says "$10.00 exceeds $10.00".
 */
import { formatFixed, formatUsd, roundToCents } from "../cost/report";

/** "$1,234.56", "-$0.40". */
export function usd(amount: number): string {
  const cents = roundToCents(amount);
  return cents < 0 ? `-$${formatUsd(-cents)}` : `$${formatUsd(cents)}`;
}

/** "+$1.20", "-$0.40", "$0.00": a difference, signed unless it prints as zero. */
export function signedUsd(amount: number): string {
  const cents = roundToCents(amount);
  return cents > 0 ? `+${usd(cents)}` : usd(cents);
}

/** A percentage rounded half away from zero to a tenth, as printed. */
export function roundToTenth(value: number): number {
  const tenths = Number((value * 10).toPrecision(12));
  return (Math.sign(tenths) * Math.round(Math.abs(tenths))) / 10;
}

/** "24.0%". */
export function percent(value: number): string {
  return `${formatFixed(roundToTenth(value), 1)}%`;
}

/** "+24.0%", "-3.5%", "0.0%". */
export function signedPercent(value: number): string {
  const tenth = roundToTenth(value);
  return tenth > 0 ? `+${percent(tenth)}` : percent(tenth);
}
