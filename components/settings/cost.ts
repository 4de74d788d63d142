/**
 * Where the pipeline's cost is priced: `costRegion` and `replicationRegions` must have a rate card
 * (checked before anything is registered), and the AWS provider's region, the default, falls back to
 * {@link FALLBACK_PRICING_REGION}'s rates with a note when it cannot be priced or read.
 */
import type { ArgumentProblem } from "../common/argument-problem";
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
      argument === "costRegion"
        ? `Use one of the priced regions: ${PRICED_REGIONS.join(", ")}; or leave costRegion unset to price the AWS provider's region (an unpriced one falls back to ${FALLBACK_PRICING_REGION} rates, with a note in the cost report).`
        : // Not "leave costRegion unset": that fix was about the other arg (new-user trial, 2026-12-06).
          `Replicate to one of the priced regions: ${PRICED_REGIONS.join(", ")}; a replica in a region without a rate card could not be priced.`,
    );
  }
}

/**
 * The repository's own region among `replicationRegions`: the pipeline replicates within its account, so
 * the replication rule could not be written (../registry/replication.ts: replication needs another region
 * or another account). Checked before anything is registered when the region is known (`costRegion`,
 * ./registry-cost.ts), else by EcrImagePipeline when the AWS provider's region resolves, before any child
 * is registered: that case was found once the rule was computed, after the repository and the image were
 * registered, as two errors (new-user trial, 2026-12-06).
 */
export function replicationRegionProblems(
  region: string,
  replicationRegions: readonly string[],
  source: "costRegion" | "the AWS provider's region",
): ArgumentProblem[] {
  if (!replicationRegions.includes(region)) return [];
  return [
    {
      argument: "replicationRegions",
      problem: `${JSON.stringify(region)} is the repository's own region (${source})`,
      fix: "Replicate to other regions only: ECR replication within one account needs another region.",
    },
  ];
}

/** Throws the first of {@link replicationRegionProblems}, named for `caller` (EcrImagePipeline's Output check). */
export function checkReplicationRegion(
  caller: string,
  region: string,
  replicationRegions: readonly string[],
  source: "costRegion" | "the AWS provider's region",
): void {
  const [first] = replicationRegionProblems(region, replicationRegions, source);
  if (first !== undefined) throw new InvalidArgumentError(caller, first.argument, first.problem, first.fix);
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
