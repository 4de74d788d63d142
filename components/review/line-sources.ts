/**
 * Where each cost line's rate comes from, and whether that figure is verified (docs/PRICING.md, "How the
 * figures were checked"): the rate card figure behind the line (../cost/pricing.ts `ecrRateCards`, every
 * figure with `source` and `verified`), matched by the line's stable `item` label
 * (../cost/estimate.ts). A line the model adds later that this table does not know is reported as not
 * verified, with no source, until it is added here, unless the line itself carries `verified` (and
 * `source`): then those are used as they are.
 */
import { tierLabel } from "../cost/estimate";
import { ecrRateCards, type RegionRateCard, type SourcedFigure } from "../cost/pricing";
import type { CostLine, PricingSource } from "../cost/types";

/** Where a line's rate was read, and whether a retrievable source states it. */
export interface RateSource {
  verified: boolean;
  /** URL of the page that states the rate, "caller override", or undefined when not known. */
  source?: string;
}

/**
 * Free by AWS's own documents: basic scanning ("basic scanning is free", ECR user guide, enhanced
 * scanning page) and layers read through an S3 gateway endpoint ("Gateway endpoints ... come at no
 * additional charge", AWS Prescriptive Guidance, startup security baseline WKLD.12).
 */
export const FREE_LINE_SOURCES: Readonly<Record<string, string>> = Object.freeze({
  "scanning basic": "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced.html",
  "pulls same region":
    "https://docs.aws.amazon.com/prescriptive-guidance/latest/aws-startup-security-baseline/wkld-12.html",
});

function fromFigure(figure: SourcedFigure | undefined, rate: number): RateSource {
  // A card figure other than the rate (a changed model, a fallback) vouches for nothing.
  if (figure === undefined || figure.value !== rate) return { verified: false };
  return { verified: figure.verified, source: figure.source };
}

/** The rate card figure a line item is priced with, by its label. */
function cardFigure(item: string, card: RegionRateCard, rate: number): SourcedFigure | undefined {
  if (item === "storage" || item.startsWith("storage ")) return card.storagePerGBMonth;
  if (item.startsWith("replication storage ")) {
    // Priced at the destination's storage rate.
    const destination = ecrRateCards[item.slice("replication storage ".length)];
    return destination?.storagePerGBMonth;
  }
  if (item.startsWith("replication transfer ") || item === "pulls cross-region") return card.interRegionPerGB;
  if (item === "pulls via interface endpoint") return card.interfaceEndpointPerGB;
  if (item === "pulls via NAT gateway") return card.natPerGB;
  if (item === "internet egress free allowance") return rate === 0 ? card.internetFreeGB : undefined;
  if (item.startsWith("internet egress ")) {
    let fromGB = 0;
    for (const tier of card.internetEgressTiers) {
      if (item === `internet egress ${tierLabel(fromGB, tier.upToGB)}`) return tier.perGB;
      fromGB = tier.upToGB;
    }
    return undefined;
  }
  if (item === "enhanced scans on push") return card.enhancedScanPerImage;
  if (item === "enhanced rescans") return card.enhancedRescanPerImage;
  return undefined;
}

/**
 * The source of one line's rate in the estimate of `region` (the region whose rates priced it, the
 * estimate's `assumptions.region`). Rates the caller passed (`pricingSource` "override") are the
 * caller's: not verified here.
 */
export function rateSourceOf(line: CostLine, region: string, pricingSource: PricingSource): RateSource {
  const own = line as CostLine & { verified?: unknown; source?: unknown };
  if (typeof own.verified === "boolean") {
    return typeof own.source === "string"
      ? { verified: own.verified, source: own.source }
      : { verified: own.verified };
  }
  if (pricingSource === "override") return { verified: false, source: "caller override" };
  const free = Object.prototype.hasOwnProperty.call(FREE_LINE_SOURCES, line.item)
    ? FREE_LINE_SOURCES[line.item]
    : undefined;
  if (free !== undefined && line.rate === 0) return { verified: true, source: free };
  const card = Object.prototype.hasOwnProperty.call(ecrRateCards, region) ? ecrRateCards[region] : undefined;
  return card === undefined
    ? { verified: false }
    : fromFigure(cardFigure(line.item, card, line.rate), line.rate);
}
