/**
 * estimateMonthlyCost: what one ECR repository costs per month, line by line. Pure.
 *
 * Billing model (sources in ./pricing.ts and docs/PRICING.md):
 * - Storage: ECR bills the compressed size of the unique layers in a repository; layers shared by
 *   several images count once ("you pay for the amount of data you store", ECR pricing). Successive
 *   builds share their base layers, so N retained images cost one image plus N − 1 increments.
 * - Pulls: ECR serves each layer from Amazon S3 through a pre-signed URL (ECR API, GetDownloadUrlForLayer),
 *   so the bytes take the puller's path to S3. Same region they are free through an S3 gateway endpoint
 *   or from a public subnet; through an S3 interface endpoint they pay PrivateLink data processing per GB
 *   (https://aws.amazon.com/privatelink/pricing/); through a NAT gateway, NAT data processing (VPC
 *   pricing); to another region, the source region's inter-region rate; to the internet, the tiered
 *   "data transfer out" rates, whose tiers count the month's volume progressively.
 * - Replication: "you are charged for the storage in the destination and for data transfer out at
 *   inter-region rates" (ECR pricing); only the new layers of each push cross regions.
 * - Scanning: basic scanning is free; enhanced scanning is Amazon Inspector, per image manifest pushed
 *   (one per platform) and per rescan of an image it keeps monitoring: those pushed within the account's
 *   re-scan duration or in use on a running container (see `monitoredBuilds` in ./assumptions.ts).
 */
import { pricingFor, resolveAssumptions } from "./assumptions";
import type {
  CostAssumptions,
  CostEstimate,
  CostEstimateInput,
  CostLine,
  EgressTier,
  RegionPricing,
} from "./types";
import type { SteadyStateStorage } from "./storage";

/** Bytes in a GB as AWS bills it: 2^30. */
export const BYTES_PER_GB = 2 ** 30;
const GB_PER_TB = 1024;

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

function line(item: string, quantity: number, unit: string, rate: number, explanation: string): CostLine {
  return { item, quantity, unit, rate, usd: quantity * rate, explanation };
}

const sum = (lines: readonly CostLine[]) => lines.reduce((total, each) => total + each.usd, 0);

function storageLines(a: CostAssumptions): CostLine[] {
  const gb = a.storedBytes / BYTES_PER_GB;
  const increments = a.retainedImages - 1;
  return [
    line(
      "storage",
      gb,
      "GB-month",
      a.pricing.storagePerGBMonth,
      `1 image + ${increments} x unique bytes per build + cache: shared layers are stored once`,
    ),
  ];
}

/** One line per layer-based storage line: what it counts, its distinct layers and bytes. */
function layerStorageLines(storage: SteadyStateStorage, a: CostAssumptions): CostLine[] {
  return storage.lines.map((each) =>
    line(
      each.key === undefined ? "storage" : `storage ${each.key}`,
      each.bytes / BYTES_PER_GB,
      "GB-month",
      a.pricing.storagePerGBMonth,
      `${each.what}: ${each.layers} layers, ${each.bytes} bytes`,
    ),
  );
}

function transferLines(a: CostAssumptions): CostLine[] {
  const gbFor = (pulls: number) => (pulls * a.bytesPerPull) / BYTES_PER_GB;
  const lines: CostLine[] = [];
  // Flat-rate paths, in report order: [item, pulls, USD per GB, explanation].
  const flatPaths: [string, number, number, string][] = [
    [
      "pulls same region",
      a.pulls.sameRegion,
      0,
      `${a.pulls.sameRegion} pulls; free: layers come from S3 through an S3 gateway endpoint or a public subnet`,
    ],
    [
      "pulls via interface endpoint",
      a.pulls.viaInterfaceEndpoint,
      a.pricing.interfaceEndpointPerGB,
      `${a.pulls.viaInterfaceEndpoint} pulls; layers come from S3 through an interface endpoint: PrivateLink data processing (endpoint hours not counted)`,
    ],
    [
      "pulls via NAT gateway",
      a.pulls.viaNat,
      a.pricing.natPerGB,
      `${a.pulls.viaNat} pulls; NAT data processing (an S3 gateway endpoint avoids it for the layers)`,
    ],
    [
      "pulls cross-region",
      a.pulls.crossRegion,
      a.pricing.interRegionPerGB,
      `${a.pulls.crossRegion} pulls from other regions; inter-region transfer`,
    ],
  ];
  for (const [item, pulls, rate, explanation] of flatPaths) {
    if (pulls > 0) lines.push(line(item, gbFor(pulls), "GB", rate, explanation));
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
        ),
      );
    }
    for (const tier of applyTiers(totalGB - freeGB, a.pricing.internetEgressTiers)) {
      lines.push(
        line(
          `internet egress ${tierLabel(tier.fromGB, tier.toGB)}`,
          tier.gb,
          "GB",
          tier.perGB,
          `${a.pulls.internet} pulls from outside AWS; tiers count the month's billed volume`,
        ),
      );
    }
  }
  return lines;
}

function scanningLines(a: CostAssumptions): CostLine[] {
  if (a.scanning.mode === "basic") {
    return [line("scanning basic", a.pushesPerMonth, "scan", 0, "basic scanning is free")];
  }
  const perPush = a.scanning.imagesPerPush;
  const lines = [
    line(
      "enhanced scans on push",
      a.pushesPerMonth * perPush,
      "scan",
      a.pricing.enhancedScanPerImage,
      perPush === 1
        ? `${formatCount(a.pushesPerMonth)} pushes; Amazon Inspector scans each pushed image once`
        : `${formatCount(a.pushesPerMonth)} pushes x ${perPush} platform images; Amazon Inspector scans each image manifest once (not the index)`,
    ),
  ];
  const rescans = a.scanning.rescansPerMonth * a.monitoredImages;
  if (rescans > 0) {
    const duration = a.scanning.rescanDuration;
    const builds = a.monitoredImages / perPush;
    const within =
      duration === "LIFETIME"
        ? `every kept build (${duration})`
        : `pushed within ${duration} plus the deployed one, at most the ${formatCount(a.retainedImages)} kept`;
    lines.push(
      line(
        "enhanced rescans",
        rescans,
        "scan",
        a.pricing.enhancedRescanPerImage,
        `${formatCount(a.scanning.rescansPerMonth)} rescans per month x ${formatCount(a.monitoredImages)} monitored images ` +
          `(${formatCount(builds)} builds: ${within}${perPush === 1 ? "" : `; x ${perPush} platform images`})`,
      ),
    );
  }
  return lines;
}

/** A count for an explanation: whole numbers as they are, others to 2 decimals. */
function formatCount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function replicationLines(a: CostAssumptions, override: RegionPricing | undefined): CostLine[] {
  const storedGB = a.storedBytes / BYTES_PER_GB;
  const pushedGB = (a.pushesPerMonth * a.uniqueBytesPerImage) / BYTES_PER_GB;
  return a.replicationRegions.flatMap((destination) => {
    const destinationPricing = pricingFor(destination, "replicationRegions", override);
    return [
      line(
        `replication storage ${destination}`,
        storedGB,
        "GB-month",
        destinationPricing.storagePerGBMonth,
        `a full copy of the repository's storage in ${destination}`,
      ),
      line(
        `replication transfer ${destination}`,
        pushedGB,
        "GB",
        a.pricing.interRegionPerGB,
        `${formatCount(a.pushesPerMonth)} pushes x unique bytes per build, at ${a.region}'s inter-region rate`,
      ),
    ];
  });
}

/** Monthly cost of one ECR repository; throws an Error naming the field on invalid input. */
export function estimateMonthlyCost(input: CostEstimateInput): CostEstimate {
  const assumptions = resolveAssumptions(input);
  const override = assumptions.pricingSource === "override" ? assumptions.pricing : undefined;
  const storage =
    input.storage === undefined ? storageLines(assumptions) : layerStorageLines(input.storage, assumptions);
  const transfer = transferLines(assumptions);
  const scanning = scanningLines(assumptions);
  const replication = replicationLines(assumptions, override);
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
  };
}
