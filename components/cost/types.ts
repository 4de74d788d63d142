/**
 * Types of the cost model. Plain values only: the estimate never sees a Pulumi Output.
 *
 * Units: a GB is 2^30 bytes and a TB is 1024 GB, the way AWS meters storage and data transfer
 * (the AWS Price List ranges for DataTransfer-Out-Bytes end at 10240, 51200 and 153600 GB).
 */
import type { SteadyStateStorage } from "./storage";

/**
 * Days in the month the estimate prices: AWS bills a 730-hour month (730 / 24 = 30.42 days), so a push
 * cadence per day is priced over 30.4 days, not 30.
 */
export const DAYS_PER_MONTH = 30.4;

/** One progressive tier: the rate applies to the volume between the previous tier's `upToGB` and this one. */
export interface EgressTier {
  /** Cumulative monthly GB at which this tier ends; `Infinity` for the open-ended last tier. */
  upToGB: number;
  /** USD per GB inside this tier. */
  perGB: number;
}

/**
 * The rates one estimate needs for one region, all in USD. `ecrPricing[region]` holds one per
 * region; a caller-supplied `pricing` of the same shape overrides every region of an estimate.
 */
export interface RegionPricing {
  /** ECR standard storage, per GB-month. */
  storagePerGBMonth: number;
  /** Data transfer out to the internet, progressive; the last tier's `upToGB` is `Infinity`. */
  internetEgressTiers: EgressTier[];
  /**
   * GB per month of internet egress that AWS does not bill (100 GB, aggregated across all services
   * and regions of the account). Only used when the estimate sets `applyFreeTier`.
   */
  internetFreeGB: number;
  /** NAT gateway data processing, per GB (a pull through NAT pays it; a VPC endpoint pull does not). */
  natPerGB: number;
  /**
   * AWS PrivateLink interface endpoint data processing, per GB (first tier, up to 1 PB a month in the
   * region). A pull whose layers reach S3 through an interface endpoint pays it; endpoint hours are not
   * counted (they are paid whether or not images are pulled).
   */
  interfaceEndpointPerGB: number;
  /** Data transfer from this region to another AWS region, per GB (billed by the source region). */
  interRegionPerGB: number;
  /** Amazon Inspector enhanced scanning: initial scan of an image pushed to ECR. */
  enhancedScanPerImage: number;
  /** Amazon Inspector enhanced scanning: one continuous-mode rescan of one image. */
  enhancedRescanPerImage: number;
}

/**
 * Image pulls per month, by the network path the bytes take. All default to 0.
 *
 * ECR hands out each layer as a pre-signed Amazon S3 URL (ECR API, GetDownloadUrlForLayer: "Retrieves the
 * pre-signed Amazon S3 download URL corresponding to an image layer",
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetDownloadUrlForLayer.html), so the bytes of
 * a pull take the path the puller's subnet has to S3, not to the ECR API.
 */
export interface PullsPerMonth {
  /** Same region, layers through an S3 gateway endpoint or from a public subnet: no charge. */
  sameRegion?: number;
  /** Same region, layers through an S3 interface endpoint (PrivateLink): data processing per GB. */
  viaInterfaceEndpoint?: number;
  /** Same region through a NAT gateway: NAT data processing per GB. */
  viaNat?: number;
  /** From compute in another AWS region: inter-region transfer per GB. */
  crossRegion?: number;
  /** From outside AWS: internet egress, tiered. */
  internet?: number;
}

/**
 * Image scanning mode: `basic` (free, on push) or `enhanced` (Amazon Inspector, billed). An `as const`
 * object rather than a bare union, so Pulumi's component schema analyzer sees an enum.
 */
export const ScanningMode = { Basic: "basic", Enhanced: "enhanced" } as const;
export type ScanningMode = (typeof ScanningMode)[keyof typeof ScanningMode];

/**
 * Amazon Inspector's ECR re-scan duration (push date): how long after its push an image stays monitored
 * and rescanned. The values are the API's (Inspector2 `EcrConfiguration.rescanDuration`: LIFETIME | DAYS_30
 * | DAYS_180 | DAYS_14 | DAYS_60 | DAYS_90,
 * https://docs.aws.amazon.com/inspector/v2/APIReference/API_EcrConfiguration.html, read 2026-11-30). The
 * default for new accounts is 14 days (Inspector user guide, "Configuring the Amazon ECR re-scan duration",
 * https://docs.aws.amazon.com/inspector/latest/user/scanning_resources_configure_duration_setting_ecr.html,
 * read 2026-11-30).
 */
export const RescanDuration = {
  Days14: "DAYS_14",
  Days30: "DAYS_30",
  Days60: "DAYS_60",
  Days90: "DAYS_90",
  Days180: "DAYS_180",
  Lifetime: "LIFETIME",
} as const;
export type RescanDuration = (typeof RescanDuration)[keyof typeof RescanDuration];
/** Days each re-scan duration covers; LIFETIME never stops monitoring an image. */
export const RESCAN_DURATION_DAYS: Readonly<Record<RescanDuration, number>> = Object.freeze({
  DAYS_14: 14,
  DAYS_30: 30,
  DAYS_60: 60,
  DAYS_90: 90,
  DAYS_180: 180,
  LIFETIME: Infinity,
});
/** The re-scan duration of an account that never changed it. */
export const DEFAULT_RESCAN_DURATION: RescanDuration = RescanDuration.Days14;

/** Days each pull-date re-scan duration covers. */
export const PULL_DATE_RESCAN_DAYS: Readonly<Record<PullDateRescanDuration, number>> = Object.freeze({
  DAYS_14: 14,
  DAYS_30: 30,
  DAYS_60: 60,
  DAYS_90: 90,
  DAYS_180: 180,
});

/**
 * Amazon Inspector's ECR re-scan duration by pull date (Inspector2 `EcrConfiguration.pullDateRescanDuration`:
 * DAYS_14 | DAYS_30 | DAYS_60 | DAYS_90 | DAYS_180, no LIFETIME,
 * https://docs.aws.amazon.com/inspector/v2/APIReference/API_EcrConfiguration.html): an image stays monitored
 * while it was pulled (or in use, see {@link PullDateRescanMode}) within it, whatever its push date.
 */
export const PullDateRescanDuration = {
  Days14: "DAYS_14",
  Days30: "DAYS_30",
  Days60: "DAYS_60",
  Days90: "DAYS_90",
  Days180: "DAYS_180",
} as const;
export type PullDateRescanDuration = (typeof PullDateRescanDuration)[keyof typeof PullDateRescanDuration];

/**
 * What "pull date" means for {@link PullDateRescanDuration} (Inspector2 `EcrConfiguration.pullDateRescanMode`):
 * `LAST_PULL_DATE`, the image's last recorded pull; `LAST_IN_USE_AT`, the last time Inspector saw it running
 * on an Amazon ECS or EKS cluster.
 */
export const PullDateRescanMode = { LastPullDate: "LAST_PULL_DATE", LastInUseAt: "LAST_IN_USE_AT" } as const;
export type PullDateRescanMode = (typeof PullDateRescanMode)[keyof typeof PullDateRescanMode];

/**
 * Enhanced scanning frequency (ECR `RegistryScanningRule.scanFrequency`): `SCAN_ON_PUSH` scans each image once
 * when it is pushed; `CONTINUOUS_SCAN` also rescans the images Inspector still monitors when new
 * vulnerabilities are published ("For continuous scanning, Amazon Inspector initiates new vulnerability scans
 * ... whenever Amazon Inspector adds a new CVE to its database", Inspector user guide, scanning-ecr.html).
 * Only continuous scanning has rescans to price.
 */
export const ScanFrequency = { OnPush: "SCAN_ON_PUSH", Continuous: "CONTINUOUS_SCAN" } as const;
export type ScanFrequency = (typeof ScanFrequency)[keyof typeof ScanFrequency];

/**
 * Who says how the repository is scanned (issue 18, item 2): `stack`, this stack's own registry scanning
 * configuration (the estimate prices what it registers); `account`, a configuration made outside this stack,
 * which the estimate can only take as declared: every scanning line then says so as an assumption.
 */
export const ScanningSource = { Stack: "stack", Account: "account" } as const;
export type ScanningSource = (typeof ScanningSource)[keyof typeof ScanningSource];

/**
 * What one pull downloads: the whole image (a node or Fargate task without the layers, the default), or
 * only the layers each push renews (nodes that keep the previous image's layers; the runtime skips a layer
 * it already has: "GetDownloadUrlForLayer ... is called once per image layer that is not already cached").
 */
export const PullBytes = { Image: "image", RenewedLayers: "renewedLayers" } as const;
export type PullBytes = (typeof PullBytes)[keyof typeof PullBytes];

/** Where the rates of an estimate came from. */
export const PricingSource = { EcrPricing: "ecrPricing", Override: "override" } as const;
export type PricingSource = (typeof PricingSource)[keyof typeof PricingSource];

/** ECR image scanning. Basic scanning is free; enhanced scanning is billed by Amazon Inspector. */
export interface ScanningProfile {
  mode: ScanningMode;
  /**
   * Where the scanning configuration comes from. Default `account`: enhanced scanning configured outside
   * this stack, an assumption every scanning line states.
   */
  source?: ScanningSource;
  /**
   * The scan frequency that applies to the repository. Default: `CONTINUOUS_SCAN` when the source is
   * `account` and `rescansPerMonth` is above 0 (the usage setting declares rescans for an account configured
   * elsewhere), else `SCAN_ON_PUSH`. With `SCAN_ON_PUSH` no rescan is priced, whatever `rescansPerMonth` says.
   */
  frequency?: ScanFrequency;
  /**
   * Rescans per month of each image Inspector still monitors (continuous scanning only; default 0).
   * Monitored: see `monitoredBuilds` (./assumptions.ts), never more than are kept.
   */
  rescansPerMonth?: number;
  /** The account's Inspector re-scan duration (push date). Default `DAYS_14`, the default for new accounts. */
  rescanDuration?: RescanDuration;
  /** The account's re-scan duration by pull date; unset: only the push date and the image in use count. */
  pullDateRescanDuration?: PullDateRescanDuration;
  /** What the pull-date duration counts from. Default `LAST_IN_USE_AT`. */
  pullDateRescanMode?: PullDateRescanMode;
  /**
   * Image manifests one push adds that Inspector scans: one per platform (it scans image manifests, not
   * the image index that joins them). Default 1.
   */
  imagesPerPush?: number;
}

/**
 * How a replica (the repository ECR creates in each destination region) is kept:
 * - `policy`: it has this repository's lifecycle policy (a repository creation template with
 *   `appliedFor: ["REPLICATION"]` in the destination region, or a replica repository created with the policy
 *   before the first replicated push), so it keeps what the source keeps;
 * - `none`: no lifecycle policy acts on it ("A lifecycle policy can only take an action on repositories in the
 *   Region it was created in", ECR user guide, lp_creation.html), so it keeps every replicated image and grows
 *   without bound: priced at the end of `replicaHorizonMonths` and flagged.
 */
export const ReplicaRetention = { Policy: "policy", None: "none" } as const;
export type ReplicaRetention = (typeof ReplicaRetention)[keyof typeof ReplicaRetention];

/** The months an unbounded replica is priced after, when the estimate does not say: one year. */
export const DEFAULT_REPLICA_HORIZON_MONTHS = 12;

/**
 * The archive storage class at steady state (lifecycle rules with `action.type: "transition"`): what the
 * estimate prices at the archive rates instead of the standard one, and the restores it is told about.
 */
export interface ArchiveProfile {
  /** Bytes of the kept images that sit in the archive class (part of the stored bytes, not added to them). */
  archivedBytes: number;
  /**
   * Days an image stays archived before the policy expires it (its `sinceImageTransitioned` rule); undefined
   * when nothing expires archived images. Below 90 the 90-day minimum is billed (ECR user guide, archive-image.html).
   */
  daysInArchive?: number;
  /** Images restored from archive per month (each restore is billed per GB and rescanned). Default 0. */
  restoresPerMonth?: number;
  /** Bytes one restore brings back. Default: `archivedBytes` / archived images is unknown here, so `imageBytes`. */
  bytesPerRestore?: number;
}

export interface CostEstimateInput {
  /** Region of the repository, e.g. "us-east-1". */
  region: string;
  /** Compressed bytes of one image (all platforms), as ECR stores and bills it. */
  imageBytes: number;
  /** Bytes that differ between successive builds (new layers per push). Default `imageBytes`. */
  uniqueBytesPerImage?: number;
  /** Images kept in the repository at steady state (from the lifecycle policy); at least 1. */
  retainedImages: number;
  /** Bytes of the BuildKit registry cache stored in the repository. Default 0. */
  cacheBytes?: number;
  /** Images pushed per month. */
  pushesPerMonth: number;
  /** Pulls per month by path. Default: no pulls. */
  pulls?: PullsPerMonth;
  /**
   * Bytes one pull moves. Default `imageBytes`: Fargate pulls whole images; nodes that cache
   * layers pull only the changed ones, so pass `uniqueBytesPerImage` for them.
   */
  bytesPerPull?: number;
  /** Default `{ mode: "basic" }`. */
  scanning?: ScanningProfile;
  /** Destination regions of ECR cross-region replication. Default none. */
  replicationRegions?: readonly string[];
  /** How the replicas are kept. Default `none`: no lifecycle policy acts on a replica unless one is set up. */
  replicaRetention?: ReplicaRetention;
  /** Months after which an unbounded replica (`replicaRetention: "none"`) is priced. Default 12. */
  replicaHorizonMonths?: number;
  /**
   * Bytes one push sends to each destination: every platform's new layers and manifests, plus the new cache
   * blobs when the replication filters match the cache (it is in the same repository). Default
   * `uniqueBytesPerImage`.
   */
  replicatedBytesPerPush?: number;
  /**
   * Bytes a replica holds after the first replicated push (the image of every platform and the cache): where an
   * unbounded replica starts. Default `imageBytes + cacheBytes`.
   */
  replicaInitialBytes?: number;
  /** The archive storage class, when the lifecycle policy archives images. Default none. */
  archive?: ArchiveProfile;
  /**
   * Bytes of base images this repository's builds pull through a pull-through cache rule, stored once in the
   * cache's repositories (attributed here; a fleet view counts them once per registry). Default 0.
   */
  pullThroughCacheBytes?: number;
  /** Subtract the account-wide free internet egress allowance. Default false: it is shared. */
  applyFreeTier?: boolean;
  /** A rate card that, when given, replaces `ecrPricing` for every region of the estimate. */
  pricing?: RegionPricing;
  /**
   * Stored bytes computed from layers (./storage.ts `steadyStateStorage`). When given, the storage
   * cost is one line per StorageLine and `storedBytes` is its total, instead of the whole-image formula.
   */
  storage?: SteadyStateStorage;
}

/** One billed (or explicitly free) item of the estimate. */
export interface CostLine {
  /** Stable label, e.g. "storage", "internet egress 0-10 TB", "replication storage eu-west-1". */
  item: string;
  quantity: number;
  /** Unit of `quantity` and of `rate`, e.g. "GB-month", "GB", "scan". */
  unit: string;
  /** USD per unit. */
  rate: number;
  /** quantity × rate, unrounded. */
  usd: number;
  /** One line saying where the quantity comes from. */
  explanation: string;
  /**
   * Whether a retrievable source confirmed `rate` for this region (the rate card figure's `verified`,
   * ./pricing.ts; docs/PRICING.md marks the others `*`). false for a caller's `pricing` override, which this
   * model cannot confirm. A free line is verified when the documentation says it is free.
   */
  verified: boolean;
  /** URL of the page the rate comes from ("pricing override" for a caller's rate card). */
  source: string;
  /**
   * The assumption about the account this line prices, when it is one (issue 18: enhanced scanning enabled
   * outside this stack, the shared free allowance, a replica without a lifecycle policy): the report prints
   * each on its own line. Absent when the line follows from this stack's own configuration.
   */
  assumption?: string;
}

/** The archive profile after defaults. */
export interface ResolvedArchive {
  archivedBytes: number;
  /** Absent when nothing expires archived images. */
  daysInArchive?: number;
  restoresPerMonth: number;
  bytesPerRestore: number;
}

/** The scanning profile after defaults. */
export interface ResolvedScanning {
  mode: ScanningMode;
  source: ScanningSource;
  frequency: ScanFrequency;
  rescansPerMonth: number;
  rescanDuration: RescanDuration;
  /** Absent when the account has no pull-date duration (only the push date and the image in use count). */
  pullDateRescanDuration?: PullDateRescanDuration;
  pullDateRescanMode: PullDateRescanMode;
  imagesPerPush: number;
}

/** The inputs after defaults, echoed back so a report can print what the numbers assume. */
export interface CostAssumptions {
  region: string;
  imageBytes: number;
  uniqueBytesPerImage: number;
  retainedImages: number;
  cacheBytes: number;
  /** `storage.bytes` when layer-based storage was given, else imageBytes + (retainedImages − 1) × uniqueBytesPerImage + cacheBytes. */
  storedBytes: number;
  pushesPerMonth: number;
  pulls: Required<PullsPerMonth>;
  bytesPerPull: number;
  scanning: ResolvedScanning;
  /**
   * Images Inspector monitors and rescans (continuous enhanced scanning): see `monitoredBuilds`
   * (./assumptions.ts), at most `retainedImages`, times `scanning.imagesPerPush`. 0 when nothing is rescanned.
   */
  monitoredImages: number;
  replicationRegions: string[];
  replicaRetention: ReplicaRetention;
  replicaHorizonMonths: number;
  replicatedBytesPerPush: number;
  replicaInitialBytes: number;
  /** The archive profile as priced; absent when nothing is archived. */
  archive?: ResolvedArchive;
  pullThroughCacheBytes: number;
  applyFreeTier: boolean;
  /** "ecrPricing" when the built-in rate cards were used, "override" when `pricing` was passed. */
  pricingSource: PricingSource;
  /** The rate card used for the repository's region. */
  pricing: RegionPricing;
}

export interface CostEstimate {
  /** Storage in the repository's region (replica storage is in `replicationUsd`). */
  storageUsd: number;
  /** Pull traffic: interface endpoint and NAT processing, inter-region and internet egress. */
  transferUsd: number;
  /** Amazon Inspector enhanced scanning. */
  scanningUsd: number;
  /** Replica storage at each destination plus the replication transfer. */
  replicationUsd: number;
  /** storageUsd + transferUsd + scanningUsd + replicationUsd, unrounded. */
  totalUsd: number;
  lines: CostLine[];
  assumptions: CostAssumptions;
  /**
   * What the monthly total leaves out on purpose, one sentence each: one-off charges (the images enhanced
   * scanning picks up when it is first turned on) and choices that were not priced (rescans of a scan-on-push
   * configuration). The report prints them under the notes. Always set by estimateMonthlyCost.
   */
  notes?: string[];
}
