/**
 * What EcrImagePipeline's monthly cost is priced from: the resolved settings (the push/pull profile, the
 * scanning the registry scanning plan prices, the replicas, archive restores and pull-through cache, the
 * platforms and the cache tag) plus what is only known later (the size, the region, the lifecycle policy
 * the repository applies, the measured layers). One function, called by the pipeline
 * (../pipeline.ts `costInputFor`) and by `npm start` (tools/report/environments.ts), so the offline
 * report prices exactly what `pulumi preview` prices for the same stack file and size: a setting the
 * pipeline prices cannot be left out by one of them (issues 20, 21). Plain values only, no Pulumi.
 */
import type { KnownImageSize } from "../common/size-basis";
import type { CostForInput } from "../cost/pipeline-cost";
import type { MeasuredLayers } from "../cost/storage";
import type { UsageProfile } from "../cost/usage";
import type { RegistryCostResolved } from "./registry-cost";
import type { ScanningPriced } from "./registry-scanning";

/**
 * The part of the pipeline's resolved settings (./pipeline.ts `resolvePipelineSettings`) the cost reads:
 * the usage profile, the image's platforms and cache tag, the scanning priced and the registry cost args.
 */
export interface CostInputSettings extends UsageProfile {
  image: { platforms: readonly string[]; cacheTag: string };
  scanningPriced: ScanningPriced;
  registryCost: Pick<
    RegistryCostResolved,
    "replicaRetention" | "replicaHorizonMonths" | "archiveRestoresPerMonth" | "pullThroughCacheBytes"
  >;
}

/** What is known only once the pipeline runs (or `npm start` has measured): size, region, policy, layers. */
export interface CostInputMeasured {
  /** The size priced, with its basis. */
  size: KnownImageSize;
  /** The region priced: `costRegion`, else the AWS provider's. */
  region: string;
  /** The lifecycle policy JSON the repository applies. */
  policy: string;
  /** The measured layer structure, if any; ignored for a size the budget stands in for. */
  layers: MeasuredLayers | undefined;
}

/** The push/pull profile of the settings, field by field (the settings carry much more than usage). */
export function usageProfileOf(settings: UsageProfile): UsageProfile {
  return {
    pushesPerDay: settings.pushesPerDay,
    pullsPerMonthSameRegion: settings.pullsPerMonthSameRegion,
    pullsPerMonthViaInterfaceEndpoint: settings.pullsPerMonthViaInterfaceEndpoint,
    pullsPerMonthViaNat: settings.pullsPerMonthViaNat,
    pullsPerMonthCrossRegion: settings.pullsPerMonthCrossRegion,
    pullsPerMonthInternet: settings.pullsPerMonthInternet,
    rescansPerMonth: settings.rescansPerMonth,
    rescanDuration: settings.rescanDuration,
    pullBytes: settings.pullBytes,
    replicationRegions: settings.replicationRegions,
    applyFreeTier: settings.applyFreeTier,
  };
}

/** The cost model's input (../cost/pipeline-cost.ts `costFor`) for the pipeline with these settings. */
export function pipelineCostInput(settings: CostInputSettings, measured: CostInputMeasured): CostForInput {
  const { size } = measured;
  return {
    size,
    region: measured.region,
    policy: measured.policy,
    usage: usageProfileOf(settings),
    scanningMode: settings.scanningPriced.mode,
    scanning: settings.scanningPriced.profile,
    platforms: settings.image.platforms.length,
    // Layers describe a measured build: not for a budget stand-in.
    layers: size.basis === "budget" ? undefined : measured.layers,
    cacheTag: settings.image.cacheTag,
    // Issue 20: replicas under their own lifecycle (or unbounded), archive restores, the cached bases.
    replicaRetention: settings.registryCost.replicaRetention,
    replicaHorizonMonths: settings.registryCost.replicaHorizonMonths,
    archiveRestoresPerMonth: settings.registryCost.archiveRestoresPerMonth,
    pullThroughCacheBytes: settings.registryCost.pullThroughCacheBytes,
  };
}
