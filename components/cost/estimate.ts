/**
 * estimateMonthlyCost: what one ECR repository costs per month, line by line. Pure.
 *
 * Billing model (sources in ./pricing.ts and docs/PRICING.md):
 * - Storage: ECR bills the compressed size of the unique layers in a repository; layers shared by
 *   several images count once ("you pay for the amount of data you store", ECR pricing). Successive
 *   builds share their base layers, so N retained images cost one image plus N − 1 increments. Images
 *   a lifecycle rule moved to the archive class are priced at the archive rates, with the 90-day minimum
 *   and the restores they are told about (ECR user guide, archive-image.html, archive_restore_image.html).
 * - Pulls: ECR serves each layer from Amazon S3 through a pre-signed URL (ECR API, GetDownloadUrlForLayer),
 *   so the bytes take the puller's path to S3. Same region they are free through an S3 gateway endpoint
 *   or from a public subnet; through an S3 interface endpoint they pay PrivateLink data processing per GB
 *   (https://aws.amazon.com/privatelink/pricing/); through a NAT gateway, NAT data processing (VPC
 *   pricing); to another region, the source region's inter-region rate; to the internet, the tiered
 *   "data transfer out" rates, whose tiers count the month's volume progressively.
 * - Replication: "you are charged for the storage in the destination and for data transfer out at
 *   inter-region rates" (ECR pricing). Each push sends every platform's new layers (and the new cache blobs:
 *   the cache is in the same repository, so the repository filter matches it). A replica keeps what the
 *   source keeps only if it has the same lifecycle policy; without one it keeps everything and is priced
 *   at the end of a stated horizon.
 * - Scanning: basic scanning is free; enhanced scanning is Amazon Inspector, per image manifest pushed
 *   (one per platform) and, with continuous scanning only, per rescan of an image it keeps monitoring
 *   (see `monitoredBuilds` in ./assumptions.ts). Whether enhanced scanning applies, and how often, is this
 *   stack's configuration or an assumption about the account, and each scanning line says which.
 */
import { pricingFor, resolveAssumptions } from "./assumptions";
import {
  ecrArchivePricing,
  ecrRateCards,
  PRICING_SOURCES,
  type RegionRateCard,
  type SourcedFigure,
} from "./pricing";
import type {
  CostAssumptions,
  CostEstimate,
  CostEstimateInput,
  CostLine,
  EgressTier,
  RegionPricing,
} from "./types";
import { DAYS_PER_MONTH } from "./types";
import type { SteadyStateStorage } from "./storage";

/** Bytes in a GB as AWS bills it: 2^30. */
export const BYTES_PER_GB = 2 ** 30;
const GB_PER_TB = 1024;
/** ECR's minimum archive storage duration: "Archived images have a minimum storage duration of 90 days". */
export const ARCHIVE_MINIMUM_DAYS = 90;
/**
 * Enhanced scanning's first activation picks up "images pushed within 30 days, or pulled within the last 90
 * days" (Inspector user guide, scanning-ecr.html).
 */
export const FIRST_ENABLE_PUSHED_DAYS = 30;
export const FIRST_ENABLE_PULLED_DAYS = 90;

/** The volume billed in one tier. */
export interface TierUsage {
  fromGB: number;
  toGB: number;
  gb: number;
  perGB: number;
  usd: number;
}

/** Spreads `gb` over progressive tiers; returns only the tiers that carry volume. */
export function applyTiers(gb: number, tiers: readonly EgressTier[]): TierUsage[] {
  const used: TierUsage[] = [];
  let fromGB = 0;
  for (const tier of tiers) {
    if (gb <= fromGB) break;
    const inTier = Math.min(gb, tier.upToGB) - fromGB;
    used.push({ fromGB, toGB: tier.upToGB, gb: inTier, perGB: tier.perGB, usd: inTier * tier.perGB });
    fromGB = tier.upToGB;
  }
  return used;
}

/** "0-10 TB", "10-50 TB", "over 150 TB"; GB when a bound is not a whole TB. */
export function tierLabel(fromGB: number, toGB: number): string {
  const inTB = fromGB % GB_PER_TB === 0 && (toGB === Infinity || toGB % GB_PER_TB === 0);
  const show = (gb: number) => String(inTB ? gb / GB_PER_TB : gb);
  const unit = inTB ? "TB" : "GB";
  return toGB === Infinity ? `over ${show(fromGB)} ${unit}` : `${show(fromGB)}-${show(toGB)} ${unit}`;
}

/** Where a rate comes from and whether it was confirmed: the two fields every line carries. */
interface RateSource {
  verified: boolean;
  source: string;
}

const OVERRIDE: RateSource = { verified: false, source: "pricing override" };
const documented = (source: string): RateSource => ({ verified: true, source });

/** The rate cards an estimate reads its sources from: the built-in card, or none for an override. */
interface Cards {
  /** The card of a region, or undefined when the caller's override prices every region. */
  of(region: string): RegionRateCard | undefined;
}

function figureSource(figure: SourcedFigure | undefined): RateSource {
  return figure === undefined ? OVERRIDE : { verified: figure.verified, source: figure.source };
}

function line(
  item: string,
  quantity: number,
  unit: string,
  rate: number,
  explanation: string,
  from: RateSource,
  assumption?: string,
): CostLine {
  const made: CostLine = {
    item,
    quantity,
    unit,
    rate,
    usd: quantity * rate,
    explanation,
    verified: from.verified,
    source: from.source,
  };
  if (assumption !== undefined) made.assumption = assumption;
  return made;
}

const sum = (lines: readonly CostLine[]) => lines.reduce((total, each) => total + each.usd, 0);

/** A count for an explanation: whole numbers as they are, others to 2 decimals. */
function formatCount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** GB to 3 decimals, for explanations. */
function formatGB(bytes: number): string {
  return (bytes / BYTES_PER_GB).toFixed(3);
}

function storageLines(a: CostAssumptions, cards: Cards): CostLine[] {
  const archived = a.archive?.archivedBytes ?? 0;
  const gb = (a.storedBytes - archived) / BYTES_PER_GB;
  const increments = a.retainedImages - 1;
  return [
    line(
      "storage",
      gb,
      "GB-month",
      a.pricing.storagePerGBMonth,
      `1 image + ${increments} x unique bytes per build + cache: shared layers are stored once` +
        (archived > 0 ? ` (less ${archived} archived bytes, priced below)` : ""),
      figureSource(cards.of(a.region)?.storagePerGBMonth),
    ),
  ];
}

/**
 * One line per layer-based storage line: what it counts, its distinct layers and bytes. Archived bytes
 * (older builds a transition rule moved) come out of the `older builds` line and are priced as archive.
 */
function layerStorageLines(storage: SteadyStateStorage, a: CostAssumptions, cards: Cards): CostLine[] {
  let archived = a.archive?.archivedBytes ?? 0;
  const from = figureSource(cards.of(a.region)?.storagePerGBMonth);
  return storage.lines.map((each) => {
    const moved = each.key === "older builds" ? Math.min(archived, each.bytes) : 0;
    archived -= moved;
    return line(
      each.key === undefined ? "storage" : `storage ${each.key}`,
      (each.bytes - moved) / BYTES_PER_GB,
      "GB-month",
      a.pricing.storagePerGBMonth,
      `${each.what}: ${each.layers} layers, ${each.bytes} bytes` +
        (moved > 0 ? ` (${moved} of them archived, priced below)` : ""),
      from,
    );
  });
}

/**
 * Archive class lines: the archived bytes at the archive tiers, the 90-day minimum when the policy expires
 * archived images sooner, and restores. Archive rates exist only for the regions of `ecrArchivePricing`;
 * elsewhere (and with an override) the standard storage rate stands in, marked unverified.
 */
function archiveLines(a: CostAssumptions, cards: Cards): CostLine[] {
  const archive = a.archive;
  if (archive === undefined || (archive.archivedBytes === 0 && archive.restoresPerMonth === 0)) return [];
  const card = cards.of(a.region) === undefined ? undefined : ecrArchivePricing[a.region];
  const lines: CostLine[] = [];
  const archivedGB = archive.archivedBytes / BYTES_PER_GB;
  const tiers: EgressTier[] =
    card === undefined
      ? [{ upToGB: Infinity, perGB: a.pricing.storagePerGBMonth }]
      : card.storageTiers.map((tier) => ({ upToGB: tier.upToGB, perGB: tier.perGB.value }));
  const tierSources = card?.storageTiers.map((tier) => figureSource(tier.perGB)) ?? [];
  applyTiers(archivedGB, tiers).forEach((tier, index) => {
    lines.push(
      line(
        tiers.length === 1 ? "archive storage" : `archive storage ${tierLabel(tier.fromGB, tier.toGB)}`,
        tier.gb,
        "GB-month",
        tier.perGB,
        "older builds a transition rule moved to the archive class (same price as standard up to 150 TB a month)",
        tierSources[index] ?? OVERRIDE,
      ),
    );
  });
  const days = archive.daysInArchive;
  if (days !== undefined && days < ARCHIVE_MINIMUM_DAYS && archivedGB > 0) {
    // At steady state an archived image lives `days`; AWS bills 90, i.e. (90 / days − 1) more of the same bytes.
    const extraGB = archivedGB * (ARCHIVE_MINIMUM_DAYS / days - 1);
    const rate = tiers[0]?.perGB ?? a.pricing.storagePerGBMonth;
    lines.push(
      line(
        "archive minimum duration",
        extraGB,
        "GB-month",
        rate,
        `archived images expire after ${days} days; AWS bills at least ${ARCHIVE_MINIMUM_DAYS} days each, ` +
          `so ${formatCount(ARCHIVE_MINIMUM_DAYS / days - 1)} x the archived bytes more`,
        card === undefined ? OVERRIDE : figureSource(card.minimumStorageDays),
      ),
    );
  }
  if (archive.restoresPerMonth > 0) {
    const restoredGB = (archive.restoresPerMonth * archive.bytesPerRestore) / BYTES_PER_GB;
    lines.push(
      line(
        "archive restores",
        restoredGB,
        "GB",
        card?.restorePerGB.value ?? 0,
        `${formatCount(archive.restoresPerMonth)} restores x ${formatGB(archive.bytesPerRestore)} GB; a restore takes up to 20 minutes` +
          (card === undefined ? " (no archive rate card for this region: restore fee not priced)" : ""),
        card === undefined ? OVERRIDE : figureSource(card.restorePerGB),
      ),
    );
  }
  return lines;
}

function pullThroughCacheLines(a: CostAssumptions, cards: Cards): CostLine[] {
  if (a.pullThroughCacheBytes === 0) return [];
  return [
    line(
      "pull-through cache storage",
      a.pullThroughCacheBytes / BYTES_PER_GB,
      "GB-month",
      a.pricing.storagePerGBMonth,
      "base images cached by a pull-through cache rule, stored once in the registry",
      figureSource(cards.of(a.region)?.storagePerGBMonth),
      "attributed to this repository: the cache's repositories are shared by every repository of the registry that pulls the same bases (the fleet view counts them once)",
    ),
  ];
}

function transferLines(a: CostAssumptions, cards: Cards): CostLine[] {
  const gbFor = (pulls: number) => (pulls * a.bytesPerPull) / BYTES_PER_GB;
  const card = cards.of(a.region);
  const lines: CostLine[] = [];
  // Flat-rate paths, in report order: [item, pulls, USD per GB, explanation, source].
  const flatPaths: [string, number, number, string, RateSource][] = [
    [
      "pulls same region",
      a.pulls.sameRegion,
      0,
      `${a.pulls.sameRegion} pulls; free: layers come from S3 through an S3 gateway endpoint or a public subnet`,
      documented(PRICING_SOURCES.containerTransfer),
    ],
    [
      "pulls via interface endpoint",
      a.pulls.viaInterfaceEndpoint,
      a.pricing.interfaceEndpointPerGB,
      `${a.pulls.viaInterfaceEndpoint} pulls; layers come from S3 through an interface endpoint: PrivateLink data processing (endpoint hours not counted)`,
      card === undefined ? OVERRIDE : figureSource(card.interfaceEndpointPerGB),
    ],
    [
      "pulls via NAT gateway",
      a.pulls.viaNat,
      a.pricing.natPerGB,
      `${a.pulls.viaNat} pulls; NAT data processing (an S3 gateway endpoint avoids it for the layers)`,
      card === undefined ? OVERRIDE : figureSource(card.natPerGB),
    ],
    [
      "pulls cross-region",
      a.pulls.crossRegion,
      a.pricing.interRegionPerGB,
      `${a.pulls.crossRegion} pulls from other regions; inter-region transfer`,
      card === undefined ? OVERRIDE : figureSource(card.interRegionPerGB),
    ],
  ];
  for (const [item, pulls, rate, explanation, from] of flatPaths) {
    if (pulls > 0) lines.push(line(item, gbFor(pulls), "GB", rate, explanation, from));
  }
  if (a.pulls.internet > 0) {
    const totalGB = gbFor(a.pulls.internet);
    const freeGB = a.applyFreeTier ? Math.min(totalGB, a.pricing.internetFreeGB) : 0;
    if (a.applyFreeTier) {
      lines.push(
        line(
          "internet egress free allowance",
          freeGB,
          "GB",
          0,
          "account-wide free allowance, applied to this estimate",
          card === undefined ? OVERRIDE : figureSource(card.internetFreeGB),
          `the account's ${formatCount(a.pricing.internetFreeGB)} GB a month of free internet egress (shared by every service and region) is not used by anything else`,
        ),
      );
    }
    applyTiers(totalGB - freeGB, a.pricing.internetEgressTiers).forEach((tier, index) => {
      lines.push(
        line(
          `internet egress ${tierLabel(tier.fromGB, tier.toGB)}`,
          tier.gb,
          "GB",
          tier.perGB,
          `${a.pulls.internet} pulls from outside AWS; tiers count the month's billed volume`,
          card === undefined ? OVERRIDE : figureSource(card.internetEgressTiers[index]?.perGB),
        ),
      );
    });
  }
  return lines;
}

/** The scanning configuration a line rests on: this stack's, or the account's as declared. */
function scanningAssumption(a: CostAssumptions): string | undefined {
  if (a.scanning.source === "stack") return undefined;
  return a.scanning.frequency === "CONTINUOUS_SCAN"
    ? "enhanced scanning with continuous rescans is enabled for this repository by the account's registry scanning configuration, managed outside this stack (declared by the usage settings)"
    : "enhanced scanning is enabled for this repository by the account's registry scanning configuration, managed outside this stack (declared by the usage settings)";
}

function scanningLines(a: CostAssumptions, cards: Cards): CostLine[] {
  if (a.scanning.mode === "basic") {
    return [
      line(
        "scanning basic",
        a.pushesPerMonth,
        "scan",
        0,
        "basic scanning is free",
        documented(PRICING_SOURCES.ecrEnhancedScanning),
      ),
    ];
  }
  const card = cards.of(a.region);
  const scanSource = card === undefined ? OVERRIDE : figureSource(card.enhancedScanPerImage);
  const assumption = scanningAssumption(a);
  const by =
    a.scanning.source === "stack"
      ? "this stack's registry scanning configuration"
      : "the account's configuration (declared)";
  const perPush = a.scanning.imagesPerPush;
  const lines = [
    line(
      "enhanced scans on push",
      a.pushesPerMonth * perPush,
      "scan",
      a.pricing.enhancedScanPerImage,
      (perPush === 1
        ? `${formatCount(a.pushesPerMonth)} pushes; Amazon Inspector scans each pushed image once`
        : `${formatCount(a.pushesPerMonth)} pushes x ${perPush} platform images; Amazon Inspector scans each image manifest once (not the index)`) +
        `; ${a.scanning.frequency} by ${by}`,
      scanSource,
      assumption,
    ),
  ];
  const rescans = a.scanning.rescansPerMonth * a.monitoredImages;
  if (rescans > 0) {
    const duration = a.scanning.rescanDuration;
    const builds = a.monitoredImages / perPush;
    const pullDate =
      a.scanning.pullDateRescanDuration === undefined
        ? "the one in use"
        : `those ${a.scanning.pullDateRescanMode === "LAST_PULL_DATE" ? "pulled" : "in use"} within ${a.scanning.pullDateRescanDuration} (each build is deployed until the next replaces it)`;
    const within =
      duration === "LIFETIME"
        ? `every kept build (${duration})`
        : `pushed within ${duration} or ${pullDate}, at most the ${formatCount(a.retainedImages)} kept`;
    lines.push(
      line(
        "enhanced rescans",
        rescans,
        "scan",
        a.pricing.enhancedRescanPerImage,
        `${formatCount(a.scanning.rescansPerMonth)} rescans per month x ${formatCount(a.monitoredImages)} monitored images ` +
          `(${formatCount(builds)} builds: ${within}${perPush === 1 ? "" : `; x ${perPush} platform images`}); CONTINUOUS_SCAN by ${by}`,
        card === undefined ? OVERRIDE : figureSource(card.enhancedRescanPerImage),
        assumption,
      ),
    );
  }
  const restores = a.archive?.restoresPerMonth ?? 0;
  if (restores > 0) {
    lines.push(
      line(
        "enhanced scans of restored images",
        restores * perPush,
        "scan",
        a.pricing.enhancedScanPerImage,
        `${formatCount(restores)} restores a month; "restored images behave like newly pushed images" and are scanned again`,
        scanSource,
        assumption,
      ),
    );
  }
  return lines;
}

/** Notes on what the monthly total leaves out: the first-enable backfill, rescans not configured. */
function scanningNotes(a: CostAssumptions): string[] {
  if (a.scanning.mode !== "enhanced") return [];
  const notes: string[] = [];
  if (a.scanning.frequency === "SCAN_ON_PUSH" && a.scanning.rescansPerMonth > 0) {
    notes.push(
      `rescans not priced: ${a.scanning.source === "stack" ? "this stack's registry scanning configuration" : "the declared account configuration"} scans on push only ` +
        `(SCAN_ON_PUSH), so rescansPerMonth ${formatCount(a.scanning.rescansPerMonth)} does not apply`,
    );
  }
  if (a.scanning.source === "stack") {
    // First activation: the images pushed within 30 days or pulled within 90 (every build is deployed, and
    // pulled until the next one replaces it), at most those kept.
    const perDay = a.pushesPerMonth / DAYS_PER_MONTH;
    const builds = Math.min(
      a.retainedImages,
      Math.max(perDay * FIRST_ENABLE_PUSHED_DAYS, perDay * FIRST_ENABLE_PULLED_DAYS + 1),
    );
    const images = builds * a.scanning.imagesPerPush;
    notes.push(
      `one-off, not in the monthly total: when this stack first turns enhanced scanning on, Amazon Inspector also scans the ` +
        `images pushed within ${FIRST_ENABLE_PUSHED_DAYS} days or pulled within ${FIRST_ENABLE_PULLED_DAYS} days: up to ` +
        `${formatCount(images)} images x ${a.pricing.enhancedScanPerImage} USD = ${(images * a.pricing.enhancedScanPerImage).toFixed(2)} USD once (${PRICING_SOURCES.inspectorEcrScanning})`,
    );
  }
  return notes;
}

/**
 * Per destination: the replica's storage (under its own lifecycle policy, or without one over the horizon)
 * and the replication transfer (every replicated byte of each push, and the restores, which replicate
 * again), at the source region's inter-region rate.
 */
function replicationLines(a: CostAssumptions, override: RegionPricing | undefined, cards: Cards): CostLine[] {
  const pushedGB = (a.pushesPerMonth * a.replicatedBytesPerPush) / BYTES_PER_GB;
  const restoredGB = ((a.archive?.restoresPerMonth ?? 0) * (a.archive?.bytesPerRestore ?? 0)) / BYTES_PER_GB;
  const sourceCard = cards.of(a.region);
  const unbounded = a.replicaRetention === "none";
  const horizonPushes = a.pushesPerMonth * a.replicaHorizonMonths;
  const replicaBytes = unbounded
    ? a.replicaInitialBytes + Math.max(0, horizonPushes - 1) * a.replicatedBytesPerPush
    : a.storedBytes;
  const growthGB = (a.pushesPerMonth * a.replicatedBytesPerPush) / BYTES_PER_GB;
  return a.replicationRegions.flatMap((destination) => {
    const destinationPricing = pricingFor(destination, "replicationRegions", override);
    const storage = line(
      `replication storage ${destination}`,
      replicaBytes / BYTES_PER_GB,
      "GB-month",
      destinationPricing.storagePerGBMonth,
      unbounded
        ? `UNBOUNDED: the replica keeps every replicated image and cache; it grows ${growthGB.toFixed(3)} GB a month, ` +
            `priced at the end of month ${formatCount(a.replicaHorizonMonths)} (${formatCount(horizonPushes)} pushes)`
        : `the replica keeps what the source keeps: its own copy of this repository's lifecycle policy (${PRICING_SOURCES.ecrLifecyclePolicyRegion})`,
      figureSource(cards.of(destination)?.storagePerGBMonth),
      // Either way an assumption about the destination registry, which this stack does not configure: the
      // template is registered by the registry's owner (EcrRegistryDefaults, the pipeline's replicationTemplate).
      unbounded
        ? `no lifecycle policy acts on the replica in ${destination}: no repository creation template (appliedFor REPLICATION) or replica repository gives it one`
        : `a repository creation template (appliedFor REPLICATION) in ${destination} gives the replica this repository's lifecycle policy: registered by the registry's owner (EcrRegistryDefaults replicationTemplates) before the first replicated push`,
    );
    const transfer = line(
      `replication transfer ${destination}`,
      pushedGB + restoredGB,
      "GB",
      a.pricing.interRegionPerGB,
      `${formatCount(a.pushesPerMonth)} pushes x ${formatGB(a.replicatedBytesPerPush)} GB replicated per push (every platform's new layers and the cache's)` +
        (restoredGB > 0 ? ` + ${restoredGB.toFixed(3)} GB of restored images` : "") +
        `, at ${a.region}'s inter-region rate`,
      sourceCard === undefined ? OVERRIDE : figureSource(sourceCard.interRegionPerGB),
    );
    return [storage, transfer];
  });
}

/** Monthly cost of one ECR repository; throws an Error naming the field on invalid input. */
export function estimateMonthlyCost(input: CostEstimateInput): CostEstimate {
  const assumptions = resolveAssumptions(input);
  const override = assumptions.pricingSource === "override" ? assumptions.pricing : undefined;
  const cards: Cards = {
    of: (region) =>
      override !== undefined || !Object.prototype.hasOwnProperty.call(ecrRateCards, region)
        ? undefined
        : ecrRateCards[region],
  };
  const storage = [
    ...(input.storage === undefined
      ? storageLines(assumptions, cards)
      : layerStorageLines(input.storage, assumptions, cards)),
    ...archiveLines(assumptions, cards),
    ...pullThroughCacheLines(assumptions, cards),
  ];
  const transfer = transferLines(assumptions, cards);
  const scanning = scanningLines(assumptions, cards);
  const replication = replicationLines(assumptions, override, cards);
  const storageUsd = sum(storage);
  const transferUsd = sum(transfer);
  const scanningUsd = sum(scanning);
  const replicationUsd = sum(replication);
  return {
    storageUsd,
    transferUsd,
    scanningUsd,
    replicationUsd,
    totalUsd: storageUsd + transferUsd + scanningUsd + replicationUsd,
    lines: [...storage, ...transfer, ...scanning, ...replication],
    assumptions,
    notes: scanningNotes(assumptions),
  };
}
