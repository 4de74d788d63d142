/**
 * The push/pull profile a pipeline is priced with: one type and one table of defaults, used by the
 * component args resolver (../settings/pipeline.ts), the stack config reader (stacks/profile.ts), the stack program,
 * the cost glue (./pipeline-cost.ts) and `npm start`'s report. Field names are the component args' names,
 * unchanged on the way. No Pulumi here.
 */
import { DEFAULT_RESCAN_DURATION, PullBytes, RescanDuration } from "./types";

/** How often the image is pushed and pulled, and what else is billed per month. */
export interface UsageProfile {
  /** Builds pushed per day (drives retention and push cost). */
  pushesPerDay: number;
  /** Pulls per month from the same region whose layers come through an S3 gateway endpoint or a public subnet (free). */
  pullsPerMonthSameRegion: number;
  /** Pulls per month from the same region whose layers come through an S3 interface endpoint (PrivateLink, per GB). */
  pullsPerMonthViaInterfaceEndpoint: number;
  /** Pulls per month through a NAT gateway (NAT data processing). */
  pullsPerMonthViaNat: number;
  /** Pulls per month from other regions. */
  pullsPerMonthCrossRegion: number;
  /** Pulls per month from the internet. */
  pullsPerMonthInternet: number;
  /** Enhanced-scanning rescans per month of each image Inspector monitors. */
  rescansPerMonth: number;
  /** The account's Amazon Inspector ECR re-scan duration (push date). */
  rescanDuration: RescanDuration;
  /** What one pull downloads: the whole image, or only the layers each push renews. */
  pullBytes: PullBytes;
  /** Regions the repository is replicated to (priced; the rule and replica template are the pipeline's outputs for EcrRegistryDefaults). */
  replicationRegions: string[];
  /** Subtract the account-wide 100 GB/month free internet egress. */
  applyFreeTier: boolean;
}

/** The counts of a profile: non-negative numbers, each with a default. */
export const USAGE_COUNT_DEFAULTS = {
  pushesPerDay: 1,
  pullsPerMonthSameRegion: 0,
  pullsPerMonthViaInterfaceEndpoint: 0,
  pullsPerMonthViaNat: 0,
  pullsPerMonthCrossRegion: 0,
  pullsPerMonthInternet: 0,
  rescansPerMonth: 0,
} as const satisfies Partial<Record<keyof UsageProfile, number>>;
export type UsageCountKey = keyof typeof USAGE_COUNT_DEFAULTS;
export const USAGE_COUNT_KEYS = Object.keys(USAGE_COUNT_DEFAULTS) as UsageCountKey[];

/** The choices of a profile (string enums), with their allowed values and defaults. */
export const USAGE_CHOICES = {
  rescanDuration: { values: Object.values(RescanDuration), fallback: DEFAULT_RESCAN_DURATION },
  pullBytes: { values: Object.values(PullBytes), fallback: PullBytes.Image as PullBytes },
} as const;

/**
 * The whole default profile: one push a day, no pulls billed, no rescans (14-day re-scan duration, the
 * default for new accounts), whole-image pulls, no replication, no free tier.
 */
export function defaultUsageProfile(): UsageProfile {
  return {
    ...USAGE_COUNT_DEFAULTS,
    rescanDuration: USAGE_CHOICES.rescanDuration.fallback,
    pullBytes: USAGE_CHOICES.pullBytes.fallback,
    replicationRegions: [],
    applyFreeTier: false,
  };
}
