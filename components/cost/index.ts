// Cost model: rate cards as data (with sources) and the pure monthly estimate and its report.
export type {
  ArchiveProfile,
  CostAssumptions,
  CostEstimate,
  CostEstimateInput,
  CostLine,
  EgressTier,
  PullsPerMonth,
  RegionPricing,
  ResolvedArchive,
  ResolvedScanning,
  ScanningProfile,
} from "./types";
export {
  DEFAULT_REPLICA_HORIZON_MONTHS,
  DEFAULT_RESCAN_DURATION,
  PULL_DATE_RESCAN_DAYS,
  PricingSource,
  PullBytes,
  PullDateRescanDuration,
  PullDateRescanMode,
  RESCAN_DURATION_DAYS,
  ReplicaRetention,
  RescanDuration,
  ScanFrequency,
  ScanningMode,
  ScanningSource,
} from "./types";
export { monitoredBuilds } from "./assumptions";
export type { ArchivePricing, RegionRateCard, SourcedEgressTier, SourcedFigure } from "./pricing";
export {
  CHECKED_ON as PRICING_CHECKED_ON,
  RECHECKED_ON as PRICING_RECHECKED_ON,
  INTERNET_TIER_BOUNDS_GB,
  PRICING_SOURCES,
  ecrArchivePricing,
  ecrPricing,
  ecrRateCards,
  toRegionPricing,
} from "./pricing";
export {
  ARCHIVE_MINIMUM_DAYS,
  BYTES_PER_GB,
  FIRST_ENABLE_PULLED_DAYS,
  FIRST_ENABLE_PUSHED_DAYS,
  applyTiers,
  estimateMonthlyCost,
  tierLabel,
  type TierUsage,
} from "./estimate";
export {
  ECR_FREE_TIER_NOTE,
  PULL_PATH_NOTE,
  formatCostReport,
  roundToCents,
  type CostReportContext,
} from "./report";
export {
  USAGE_CHOICES,
  USAGE_COUNT_DEFAULTS,
  USAGE_COUNT_KEYS,
  defaultUsageProfile,
  type UsageCountKey,
  type UsageProfile,
} from "./usage";
export {
  DAYS_PER_MONTH,
  FALLBACK_PRICING_REGION,
  PRICED_REGIONS,
  bytesPerPullFor,
  costFor,
  hasRateCard,
  type CostForInput,
} from "./pipeline-cost";
export {
  CostChangeStatus,
  compareCosts,
  comparedImage,
  costChangeLines,
  deployedImageSize,
  planDeployedLookup,
  type ComparedImage,
  type CostChange,
  type CostDifference,
} from "./comparison";
