/**
 * Where the pipeline's cost is priced: `costRegion` and `replicationRegions` must have a rate card
 * (checked before anything is registered), and the AWS provider's region, the default, falls back to
 * {@link FALLBACK_PRICING_REGION}'s rates with a note when it cannot be priced or read.
 */
import { InvalidArgumentError } from "../common/errors";
import { FALLBACK_PRICING_REGION, PRICED_REGIONS, hasRateCard } from "../cost/pipeline-cost";

export { PRICED_REGIONS };

/**
 * Cost args whose plain values can be priced: `costRegion` and `replicationRegions` must have a rate
 * card. A region only known from the AWS provider (an Output) is checked when it resolves, and falls back
 * to {@link FALLBACK_PRICING_REGION}'s rate card with a note in the cost report instead of failing (../cost/pipeline-cost.ts).
 */
export function checkCostRegions(
  args: { costRegion?: unknown; replicationRegions?: unknown },
  caller: string,
): void {
  const regions: [string, unknown][] = [["costRegion", args.costRegion]];
  if (Array.isArray(args.replicationRegions)) {
    for (const region of args.replicationRegions) regions.push(["replicationRegions", region]);
  }
  for (const [argument, region] of regions) {
    if (typeof region !== "string" || hasRateCard(region)) continue;
    throw new InvalidArgumentError(
      caller,
      argument,
      `${JSON.stringify(region)} has no rate card (prices are data in components/cost/pricing.ts, docs/PRICING.md)`,
      `Use one of the priced regions: ${PRICED_REGIONS.join(", ")}; or leave costRegion unset to price the AWS provider's region (an unpriced one falls back to ${FALLBACK_PRICING_REGION} rates, with a note in the cost report).`,
    );
  }
}

/**
 * The region to price when `costRegion` is unset: the AWS provider's, as aws.getRegion reports it
 * (`region`, or v6's `name`), else {@link FALLBACK_PRICING_REGION} with a note.
 */
export function regionFromProvider(result: { region?: unknown; name?: unknown } | undefined): {
  region: string;
  note?: string;
} {
  for (const candidate of [result?.region, result?.name]) {
    if (typeof candidate === "string" && candidate !== "") return { region: candidate };
  }
  return {
    region: FALLBACK_PRICING_REGION,
    note: `aws.getRegion reported no region: pricing ${FALLBACK_PRICING_REGION}. Set costRegion to price the repository's region.`,
  };
}
