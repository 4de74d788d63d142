/**
 * Rate cards as data, each figure with its source and the date it was checked.
 *
 * The primary sources are the AWS pricing pages (ECR, EC2 on-demand "Data Transfer", VPC, Inspector).
 * They render their tables with JavaScript and could not be read from this environment, so each figure
 * was checked on CHECKED_ON against what could be retrieved: AWS documentation and third-party pages
 * quoting the AWS tables with their own dates. `verified: true` means such a source states this exact
 * figure for this region; `verified: false` means the figure is the published AWS list price as known to
 * the author but no retrievable source confirmed it for this region. docs/PRICING.md lists them.
 * Every figure is overridable: pass `pricing` to `estimateMonthlyCost`.
 */
import type { EgressTier, RegionPricing } from "./types";

export const CHECKED_ON = "2026-11-22";
/** Date the figures added or corrected for issue 10 (interface endpoints, sa-east-1 over 150 TB) were read. */
export const RECHECKED_ON = "2026-11-30";

/** A number with where it came from. */
export interface SourcedFigure {
  value: number;
  /** URL of the page that states the figure (the primary AWS page first when no other was found). */
  source: string;
  /** ISO date the figure was last checked. */
  checked: string;
  verified: boolean;
  note?: string;
}

export interface SourcedEgressTier {
  upToGB: number;
  perGB: SourcedFigure;
}

/** `RegionPricing` with a source on every figure. */
export interface RegionRateCard {
  regionName: string;
  storagePerGBMonth: SourcedFigure;
  internetEgressTiers: readonly SourcedEgressTier[];
  internetFreeGB: SourcedFigure;
  natPerGB: SourcedFigure;
  interfaceEndpointPerGB: SourcedFigure;
  interRegionPerGB: SourcedFigure;
  enhancedScanPerImage: SourcedFigure;
  enhancedRescanPerImage: SourcedFigure;
}

/** ECR archival storage class (not used by `estimateMonthlyCost`: the pipeline keeps images in standard). */
export interface ArchivePricing {
  /** Progressive like internet egress: $0.10 for the first 150 TB per month, less above. */
  storageTiers: readonly SourcedEgressTier[];
  /** Per GB restored from archive back to standard storage. */
  restorePerGB: SourcedFigure;
  /** An image deleted earlier is billed for the rest of this minimum. */
  minimumStorageDays: SourcedFigure;
}

/** Where each figure was checked. */
export const PRICING_SOURCES = {
  ecrPricing: "https://aws.amazon.com/ecr/pricing/",
  ec2DataTransfer: "https://aws.amazon.com/ec2/pricing/on-demand/",
  vpcPricing: "https://aws.amazon.com/vpc/pricing/",
  /**
   * Interface endpoint data processing: "First 1 PB $0.01, Next 4 PB $0.006, Anything over 5 PB $0.004" per
   * GB, tiers over "the total data processed by all Interface Endpoints in an AWS Region", plus an hourly
   * charge per endpoint per Availability Zone (read 2026-11-30 from a stored copy of the page).
   */
  privateLinkPricing: "https://aws.amazon.com/privatelink/pricing/",
  /** The AWS Price List (bulk API): sa-east-1 internet egress over 150 TB is $0.114/GB (issue 10). */
  awsPriceList: "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/index.json",
  /**
   * ECR's free tier (500 MB-month of private storage for a year) belongs to the legacy AWS Free Tier; accounts
   * created on or after 2025-07-15 get the credit-based Free Tier instead (AWS Free Tier page; a dated
   * third-party summary: https://freetier.co/articles/aws-free-tier-changes-july-15-2025, read 2026-11-30).
   */
  awsFreeTier: "https://aws.amazon.com/free/",
  inspectorPricing: "https://aws.amazon.com/inspector/pricing/",
  /** us-east-1 ECR storage, NAT $0.045/GB, Inspector $0.09/$0.01, "as of March 2026". */
  cloudburnEcr: "https://cloudburn.io/blog/amazon-ecr-pricing",
  /** us-east-1 internet egress $0.09 / $0.085 / $0.07 and the 100 GB free allowance, "early 2026". */
  cloudtoolstackEgress: "https://cloudtoolstack.com/blog/cloud-egress-cost-optimization",
  /** ap-southeast-2 internet egress tiers $0.114 / $0.098 / $0.094 / $0.092 (2020). */
  chengqingSydney: "https://chengqing.dev/en/2020/01/23/aws-data-transfer/",
  /** US-US $0.02 per GB (us-east-1 <-> us-east-2 $0.01), US <-> Europe $0.02. */
  redressInterRegion: "https://www.redresscompliance.com/aws-inter-region-transfer-costs-multiregion.html",
  /** NAT data processing $0.045/GB us-east-1, $0.059/GB ap-southeast-1. */
  basavytixNat: "https://basavytix.com/blog/aws-nat-gateway-pricing",
  /** NAT data processing $0.045/GB in US East (Ohio). */
  pointfiveNat:
    "https://hub.pointfive.co/inefficiencies/excessive-nat-gateway-data-processing-charges-from-unoptimized-traffic-routing",
  /** Free allowance: "first 100GB per month, aggregated across all AWS Services and Regions (except China and GovCloud)". */
  freeTier: "https://aws.amazon.com/s3/pricing/",
  /** ECR archive: $0.10 first 150 TB, $0.07 above, $0.03/GB restore, 90-day minimum; ap-northeast-1, 2026-03-22. */
  devjapanArchive: "https://devjapan.com/",
  /** ECR archive in us-east-1 (March 2026): same $0.10 up to 150 TB, $0.07 above. */
  pointfiveArchive:
    "https://hub.pointfive.co/inefficiencies/ecr-archive-storage-class-used-below-150-tb-threshold",
  /** "Archived images have a minimum storage duration of 90 days." */
  ecrArchiveDocs: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/archive-image.html",
  /** Restores take up to 20 minutes; "Restored images behave like newly pushed images" (rescanned, replicated). */
  ecrArchiveRestore: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/archive_restore_image.html",
  /** "Data transferred between ... ECR and ... services in the same Region" is free (read 2026-11-22). */
  containerTransfer:
    "https://aws.amazon.com/blogs/containers/understanding-data-transfer-costs-for-aws-container-services/",
  /** "There is no additional cost from Amazon ECR to use this feature, however there is a cost from Amazon Inspector". */
  ecrEnhancedScanning: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced.html",
  /**
   * First activation picks up images pushed within 30 days or pulled within 90 days; continuous scanning
   * rescans on new CVEs (Inspector user guide, "Scanning Amazon ECR container images", read 2026-12-06).
   */
  inspectorEcrScanning: "https://docs.aws.amazon.com/inspector/latest/user/scanning-ecr.html",
  /** Replication: destination storage plus inter-region transfer; only content pushed after configuration. */
  ecrReplication: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html",
  /** "a lifecycle policy can only take an action on repositories in the Region it was created in". */
  ecrLifecyclePolicyRegion: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/lp_creation.html",
  /** Blob mounting: same registry, identical encryption type and key, not for pull-through cache images. */
  ecrBlobMounting: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/blob-mounting.html",
  /** Pull-through cache rules: supported upstreams, which need a Secrets Manager credential. */
  ecrPullThroughCache: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html",
} as const;

/** Cumulative GB at the end of each internet egress tier: 10 TB, 50 TB, 150 TB, then open-ended. */
export const INTERNET_TIER_BOUNDS_GB: readonly number[] = [10 * 1024, 50 * 1024, 150 * 1024, Infinity];

const UNCONFIRMED = "AWS list price as known; no retrievable source confirmed it for this region";

function figure(
  value: number,
  source: string,
  verified: boolean,
  note?: string,
  checked: string = CHECKED_ON,
): SourcedFigure {
  return note === undefined
    ? { value, source, checked, verified }
    : { value, source, checked, verified, note };
}

/** What the table below says about one region; verification flags default to false. */
interface RegionFacts {
  name: string;
  /** Internet egress per GB for 0-10 TB, 10-50 TB, 50-150 TB, over 150 TB. */
  egress: readonly [number, number, number, number];
  nat: number;
  interRegion: number;
  /** Per-tier corrections read after CHECKED_ON: [tier index, source, note]. */
  egressCorrections?: readonly (readonly [number, string, string])[];
  verified?: {
    storage?: string;
    /** One source per tier; undefined tiers are unverified. */
    egress?: readonly (string | undefined)[];
    nat?: string;
    interRegion?: string;
    scanning?: string;
    interfaceEndpoint?: string;
  };
  note?: { nat?: string; interRegion?: string; egress?: string };
}

/*
 * ECR standard storage is $0.10 per GB-month and Inspector's ECR scans $0.09 per image pushed and
 * $0.01 per rescan in every region listed here, per the AWS pages as the author knows them; only the
 * regions with a `verified` source had it confirmed on CHECKED_ON.
 */
const STORAGE_PER_GB_MONTH = 0.1;
const ENHANCED_SCAN_PER_IMAGE = 0.09;
const ENHANCED_RESCAN_PER_IMAGE = 0.01;
const INTERNET_FREE_GB = 100;
/**
 * PrivateLink interface endpoint data processing, first tier (up to 1 PB a month in the region): stated for
 * the page's default region (US East, N. Virginia); assumed equal elsewhere until read per region.
 */
const INTERFACE_ENDPOINT_PER_GB = 0.01;

const US_EU_EGRESS = [0.09, 0.085, 0.07, 0.05] as const;

const REGION_FACTS: Record<string, RegionFacts> = {
  "us-east-1": {
    name: "US East (N. Virginia)",
    egress: US_EU_EGRESS,
    nat: 0.045,
    interRegion: 0.02,
    verified: {
      storage: PRICING_SOURCES.cloudburnEcr,
      egress: [
        PRICING_SOURCES.cloudtoolstackEgress,
        PRICING_SOURCES.cloudtoolstackEgress,
        PRICING_SOURCES.cloudtoolstackEgress,
      ],
      nat: PRICING_SOURCES.cloudburnEcr,
      interRegion: PRICING_SOURCES.redressInterRegion,
      scanning: PRICING_SOURCES.cloudburnEcr,
      interfaceEndpoint: PRICING_SOURCES.privateLinkPricing,
    },
    note: { interRegion: "to us-east-2 it is $0.01/GB; $0.02/GB is the rate to the other regions" },
  },
  "us-east-2": {
    name: "US East (Ohio)",
    egress: US_EU_EGRESS,
    nat: 0.045,
    interRegion: 0.02,
    verified: { nat: PRICING_SOURCES.pointfiveNat, interRegion: PRICING_SOURCES.redressInterRegion },
    note: { interRegion: "to us-east-1 it is $0.01/GB; $0.02/GB is the rate to the other regions" },
  },
  "us-west-1": {
    name: "US West (N. California)",
    egress: US_EU_EGRESS,
    nat: 0.048,
    interRegion: 0.02,
    verified: { interRegion: PRICING_SOURCES.redressInterRegion },
    note: { nat: "a third-party summary groups N. California with Oregon at ~$0.045; not settled" },
  },
  "us-west-2": {
    name: "US West (Oregon)",
    egress: US_EU_EGRESS,
    nat: 0.045,
    interRegion: 0.02,
    verified: { interRegion: PRICING_SOURCES.redressInterRegion },
  },
  "ca-central-1": { name: "Canada (Central)", egress: US_EU_EGRESS, nat: 0.05, interRegion: 0.02 },
  "eu-west-1": { name: "Europe (Ireland)", egress: US_EU_EGRESS, nat: 0.048, interRegion: 0.02 },
  "eu-west-2": { name: "Europe (London)", egress: US_EU_EGRESS, nat: 0.05, interRegion: 0.02 },
  "eu-central-1": { name: "Europe (Frankfurt)", egress: US_EU_EGRESS, nat: 0.052, interRegion: 0.02 },
  "eu-north-1": { name: "Europe (Stockholm)", egress: US_EU_EGRESS, nat: 0.046, interRegion: 0.02 },
  "ap-south-1": {
    name: "Asia Pacific (Mumbai)",
    egress: [0.1093, 0.085, 0.082, 0.08],
    nat: 0.056,
    interRegion: 0.086,
  },
  "ap-northeast-1": {
    name: "Asia Pacific (Tokyo)",
    egress: [0.114, 0.089, 0.086, 0.084],
    nat: 0.062,
    interRegion: 0.09,
    verified: { storage: PRICING_SOURCES.devjapanArchive },
  },
  "ap-southeast-1": {
    name: "Asia Pacific (Singapore)",
    egress: [0.12, 0.085, 0.082, 0.08],
    nat: 0.059,
    interRegion: 0.09,
    verified: { nat: PRICING_SOURCES.basavytixNat },
  },
  "ap-southeast-2": {
    name: "Asia Pacific (Sydney)",
    egress: [0.114, 0.098, 0.094, 0.092],
    nat: 0.059,
    interRegion: 0.098,
    note: { egress: "matches a 2020 third-party copy of the AWS table (chengqing.dev), not a 2026 one" },
  },
  "sa-east-1": {
    name: "South America (Sao Paulo)",
    egress: [0.15, 0.138, 0.126, 0.114],
    nat: 0.093,
    interRegion: 0.138,
    // Was $0.12 (issue 10): the AWS Price List lists $0.114 for sa-east-1 DataTransfer-Out-Bytes above 153600 GB.
    egressCorrections: [
      [
        3,
        PRICING_SOURCES.awsPriceList,
        "AWS Price List figure reported in issue 10 (was $0.12 here); not re-read from this environment",
      ],
    ],
  },
};

function rateCardFrom(facts: RegionFacts): RegionRateCard {
  const verified = facts.verified ?? {};
  const sourced = (primary: string, source: string | undefined, value: number, note?: string) =>
    figure(
      value,
      source ?? primary,
      source !== undefined,
      source !== undefined ? note : (note ?? UNCONFIRMED),
    );
  return {
    regionName: facts.name,
    storagePerGBMonth: sourced(PRICING_SOURCES.ecrPricing, verified.storage, STORAGE_PER_GB_MONTH),
    internetEgressTiers: facts.egress.map((perGB, tier) => {
      const correction = facts.egressCorrections?.find(([index]) => index === tier);
      return {
        upToGB: INTERNET_TIER_BOUNDS_GB[tier] ?? Infinity,
        perGB:
          correction === undefined
            ? sourced(PRICING_SOURCES.ec2DataTransfer, verified.egress?.[tier], perGB, facts.note?.egress)
            : figure(perGB, correction[1], false, correction[2], RECHECKED_ON),
      };
    }),
    // The allowance is one account-wide fact, not a per-region one; the same figure sits on every card.
    internetFreeGB: figure(
      INTERNET_FREE_GB,
      PRICING_SOURCES.freeTier,
      true,
      "account-wide, all services and regions",
    ),
    natPerGB: sourced(PRICING_SOURCES.vpcPricing, verified.nat, facts.nat, facts.note?.nat),
    interfaceEndpointPerGB: figure(
      INTERFACE_ENDPOINT_PER_GB,
      PRICING_SOURCES.privateLinkPricing,
      verified.interfaceEndpoint !== undefined,
      verified.interfaceEndpoint !== undefined
        ? "first tier (up to 1 PB a month in the region); endpoint hours are not counted"
        : "assumed equal to us-east-1's first tier; not read for this region",
      RECHECKED_ON,
    ),
    interRegionPerGB: sourced(
      PRICING_SOURCES.ec2DataTransfer,
      verified.interRegion,
      facts.interRegion,
      facts.note?.interRegion,
    ),
    enhancedScanPerImage: sourced(
      PRICING_SOURCES.inspectorPricing,
      verified.scanning,
      ENHANCED_SCAN_PER_IMAGE,
    ),
    enhancedRescanPerImage: sourced(
      PRICING_SOURCES.inspectorPricing,
      verified.scanning,
      ENHANCED_RESCAN_PER_IMAGE,
    ),
  };
}

function mapRegions<T, U>(table: Record<string, T>, convert: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(table).map(([region, value]) => [region, convert(value)]));
}

/** Region code → rate card with sources. */
export const ecrRateCards: Record<string, RegionRateCard> = mapRegions(REGION_FACTS, rateCardFrom);

/** Strips the sources: the plain numbers `estimateMonthlyCost` works with. */
export function toRegionPricing(card: RegionRateCard): RegionPricing {
  const tiers: EgressTier[] = card.internetEgressTiers.map((tier) => ({
    upToGB: tier.upToGB,
    perGB: tier.perGB.value,
  }));
  return Object.freeze({
    storagePerGBMonth: card.storagePerGBMonth.value,
    // Frozen at run time; typed as a plain array because component outputs cannot be readonly arrays
    // (Pulumi's component schema analyzer rejects them).
    internetEgressTiers: Object.freeze(tiers.map((tier) => Object.freeze(tier))) as EgressTier[],
    internetFreeGB: card.internetFreeGB.value,
    natPerGB: card.natPerGB.value,
    interfaceEndpointPerGB: card.interfaceEndpointPerGB.value,
    interRegionPerGB: card.interRegionPerGB.value,
    enhancedScanPerImage: card.enhancedScanPerImage.value,
    enhancedRescanPerImage: card.enhancedRescanPerImage.value,
  });
}

/** Region code → rate card (plain numbers, frozen). The default `pricing` of `estimateMonthlyCost`. */
export const ecrPricing: Record<string, RegionPricing> = Object.freeze(
  mapRegions(ecrRateCards, toRegionPricing),
);

function archiveStorageFigure(value: number, verifiedSource: string | undefined): SourcedFigure {
  return verifiedSource === undefined
    ? figure(value, PRICING_SOURCES.ecrPricing, false, UNCONFIRMED)
    : figure(value, verifiedSource, true);
}

function archiveFor(verifiedSource: string | undefined): ArchivePricing {
  const restoreNote = verifiedSource === PRICING_SOURCES.devjapanArchive ? undefined : UNCONFIRMED;
  return {
    storageTiers: [
      {
        upToGB: 150 * 1024,
        perGB: archiveStorageFigure(0.1, verifiedSource),
      },
      {
        upToGB: Infinity,
        perGB: archiveStorageFigure(0.07, verifiedSource),
      },
    ],
    restorePerGB: figure(
      0.03,
      restoreNote === undefined ? PRICING_SOURCES.devjapanArchive : PRICING_SOURCES.ecrPricing,
      restoreNote === undefined,
      restoreNote,
    ),
    minimumStorageDays: figure(90, PRICING_SOURCES.ecrArchiveDocs, true),
  };
}

/**
 * ECR archival storage class by region. Up to 150 TB it costs the same $0.10 per GB-month as standard
 * storage and adds a restore fee and a 90-day minimum, so archiving saves money only above 150 TB per
 * month (see docs/PRICING.md).
 */
export const ecrArchivePricing: Record<string, ArchivePricing> = Object.fromEntries(
  Object.keys(REGION_FACTS).map((region) => [
    region,
    archiveFor(
      region === "ap-northeast-1"
        ? PRICING_SOURCES.devjapanArchive
        : region === "us-east-1"
          ? PRICING_SOURCES.pointfiveArchive
          : undefined,
    ),
  ]),
);
