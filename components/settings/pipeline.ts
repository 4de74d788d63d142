/**
 * EcrImagePipeline's args: declared and documented (the README's tables are generated from these
 * interfaces; the pipeline takes the repository's and the image's args too, ./repository.ts and
 * ./image.ts), then resolved by one function, `resolvePipelineSettings`, before the pipeline registers
 * anything: its own settings (size, budget, usage, cost region) and, with the children's own resolvers,
 * the settings of the repository and the image, every error naming EcrImagePipeline. The children are
 * handed those settings as their args and resolve them again to the same settings (idempotent), so no
 * child needs to know who created it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { BUDGET_ACTIONS, type BudgetAction } from "../common/enums";
import { checkedInput } from "../common/outputs";
import type { ReportTarget } from "../common/reported-error";
import type { KnownImageSize } from "../common/size-basis";
import { MAX_REPORTED_AMOUNT } from "../cost/report";
import type { PullBytes, RescanDuration } from "../cost/types";
import { USAGE_CHOICES, USAGE_COUNT_KEYS, defaultUsageProfile, type UsageProfile } from "../cost/usage";
import { STEADY_STATE_LIMITS } from "../lifecycle";
import { CostGuardrailAction, MAX_GUARDRAIL_PERCENT, checkCostGuardrailSettings } from "../review/guardrails";
import { unknownArgProblems } from "./arg-names";
import { booleanArg, isFiniteNonNegative, numberArg, oneOf, stringListArg, throwFirstProblem } from "./args";
import { PRICED_REGIONS, checkCostRegions } from "./cost";
import { budgetProblems, costRegionProblems } from "./input-checks";
import { scanningPriced, type ScanningPriced } from "./registry-scanning";
import {
  resolveImageSettings,
  type ImageBuildSettings,
  type ImageDefaultsInput,
  type ImageSettingsResolved,
} from "./image";
// Issue 20: the registry around the repository (replicas, archive restores, pull-through cache).
import {
  resolveRegistryCostSettings,
  type RegistryCostResolved,
  type RegistryCostSettings,
} from "./registry-cost";
import {
  resolveRepositorySettings,
  type RepositoryDefaultsInput,
  type RepositorySettings,
  type RepositorySettingsResolved,
} from "./repository";

/**
 * Everything EcrRepository and BuildKitImage take (minus what the pipeline wires itself: the repository
 * URL, registry id and content tag), plus how the image is sized, budgeted and priced.
 */
export interface EcrImagePipelineArgs
  extends
    RepositorySettings,
    ImageBuildSettings,
    SizeAndCostSettings,
    RegistryCostSettings,
    CostGuardrailArgs {
  /**
   * Region whose prices apply. It must have a rate card (components/cost/pricing.ts): a plain region
   * without one is rejected before anything is registered, an Output when it resolves, before any
   * child is registered. Unset, the AWS provider's region is priced; one without a rate card is priced
   * with us-east-1 rates and the cost report says so.
   * @default the AWS provider's region
   */
  costRegion?: pulumi.Input<string>;
}

// ---- Cost guardrails (issue 21): limits on the monthly cost, checked against costChange. ----

/**
 * Limits on the monthly cost a change may have or add (components/review/guardrails.ts, docs/REVIEW.md),
 * checked in preview against `costChange` (the deployed image next to this change); a limit left unset
 * is not checked. An exceeded one warns, or with `onCostGuardrailExceeded: "fail"` stops the preview
 * before anything is pushed and never lets a promotion tag move. A figure that is not known (no
 * estimate, a size priced from the budget, nothing deployed to compare) leaves it `unchecked`, never ok.
 */
export interface CostGuardrailArgs {
  /** Highest estimated monthly cost of the repository in USD, e.g. 50. @default undefined (no limit) */
  maxMonthlyUsd?: number;
  /**
   * Highest increase of the monthly cost over the deployed image's, in USD a month, e.g. 5.
   * @default undefined (no limit)
   */
  maxMonthlyIncreaseUsd?: number;
  /**
   * Highest increase of the monthly cost over the deployed image's, in percent of it, e.g. 25.
   * @default undefined (no limit)
   */
  maxMonthlyIncreasePercent?: number;
  /**
   * What an exceeded cost guardrail does: log a warning, or fail (the preview stops with one message
   * naming the guardrail, its limit, the figure and the line items that moved most).
   * @default "warn"
   */
  onCostGuardrailExceeded?: CostGuardrailAction;
}

/** The guardrails resolved: each limit as given (checked), the action defaulted. */
export interface CostGuardrailSettings {
  maxMonthlyUsd?: number;
  maxMonthlyIncreaseUsd?: number;
  maxMonthlyIncreasePercent?: number;
  onCostGuardrailExceeded: CostGuardrailAction;
}

/** The guardrail args checked before anything is registered (review/guardrails.ts's own check last). */
export function resolveCostGuardrails(args: CostGuardrailArgs, caller: string): CostGuardrailSettings {
  const usd = (key: "maxMonthlyUsd" | "maxMonthlyIncreaseUsd", example: string) =>
    numberArg(
      caller,
      key,
      args[key],
      Number.NaN,
      (value) => Number.isFinite(value) && value >= 0 && value <= MAX_REPORTED_AMOUNT,
      `Use a number of USD a month >= 0 (e.g. ${example}), or leave it unset for no limit.`,
    );
  const settings: CostGuardrailSettings = {
    onCostGuardrailExceeded: oneOf(
      caller,
      "onCostGuardrailExceeded",
      args.onCostGuardrailExceeded,
      COST_GUARDRAIL_ACTIONS,
      CostGuardrailAction.Warn,
    ),
  };
  if (args.maxMonthlyUsd !== undefined) settings.maxMonthlyUsd = usd("maxMonthlyUsd", "50 for $50.00");
  if (args.maxMonthlyIncreaseUsd !== undefined)
    settings.maxMonthlyIncreaseUsd = usd("maxMonthlyIncreaseUsd", "5 for $5.00");
  if (args.maxMonthlyIncreasePercent !== undefined)
    settings.maxMonthlyIncreasePercent = numberArg(
      caller,
      "maxMonthlyIncreasePercent",
      args.maxMonthlyIncreasePercent,
      Number.NaN,
      (value) => Number.isFinite(value) && value >= 0 && value <= MAX_GUARDRAIL_PERCENT,
      `Use a percentage from 0 to ${MAX_GUARDRAIL_PERCENT} (e.g. 25 for 25%), or leave it unset for no limit.`,
    );
  // The guardrails' own check (what evaluateCostGuardrails checks first): passes once the above did.
  checkCostGuardrailSettings(settings);
  return settings;
}

// ---- end of cost guardrails ----

/** Pushes a day a pipeline may declare: 1e12 image pushes (the retention model's limit) over 10 images per build. */
const MAX_PUSHES_PER_DAY_ARG = STEADY_STATE_LIMITS.pushesPerDay / 10;

/** The size budget, resolved: the rule the verdict applies, and the size it stands in with. */
export interface SizeBudgetSettings {
  /** What size/budget.ts `evaluateSizeBudget` checks: the budget and what exceeding it does. */
  rule: { maxImageSizeBytes: number | undefined; onBudgetExceeded: BudgetAction };
  /** The size priced (basis `budget`) when neither ECR nor the local estimate knows one. */
  standIn: KnownImageSize;
}

/** Size-budget and usage-profile fields of EcrImagePipelineArgs, resolved. */
export interface PipelineDefaults extends UsageProfile {
  estimateSize: boolean;
  budget: SizeBudgetSettings;
}

/** How the pipeline's image is sized, budgeted and priced: the plain-valued fields of EcrImagePipelineArgs. */
export interface SizeAndCostSettings {
  /**
   * Measure a changed image during preview with the local Docker engine (basis `estimate`). Off by
   * default when the package runs as a component provider for another language (PulumiPlugin.yaml):
   * Node dynamic providers then fail to start (pulumi/pulumi#5455).
   * @default true (false when used from Python, Go, .NET or YAML)
   */
  estimateSize?: boolean;
  /**
   * Size budget in compressed bytes (as ECR reports `imageSizeInBytes`), a whole number from 1 MiB
   * (1048576; less is MiB or MB written as bytes) to 1 PiB, e.g. `200 * 1024 ** 2` for 200 MiB.
   * @default undefined (no budget)
   */
  maxImageSizeBytes?: number;
  /**
   * What a size over budget does: log a warning, or fail. With `fail` no promotion tag (`extraTags`)
   * ever points at an image over budget or of unknown size: the local estimate stops the preview
   * before the push, and after the push ECR's `imageSizeInBytes` decides whether the tags move.
   * @default "warn"
   */
  onBudgetExceeded?: BudgetAction;
  /** Builds pushed per day (drives retention and push cost), from 0 to 1e11. @default 1 */
  pushesPerDay?: number;
  /**
   * Pulls per month from the same region whose layers come through an S3 gateway endpoint or a public
   * subnet (free: ECR serves layers from S3 through pre-signed URLs). @default 0
   */
  pullsPerMonthSameRegion?: number;
  /**
   * Pulls per month from the same region whose layers come through an S3 interface endpoint (AWS
   * PrivateLink data processing per GB; endpoint hours not counted). @default 0
   */
  pullsPerMonthViaInterfaceEndpoint?: number;
  /** Pulls per month through a NAT gateway (NAT data processing). @default 0 */
  pullsPerMonthViaNat?: number;
  /** Pulls per month from other regions. @default 0 */
  pullsPerMonthCrossRegion?: number;
  /** Pulls per month from the internet. @default 0 */
  pullsPerMonthInternet?: number;
  /** Enhanced-scanning rescans per month of each image Amazon Inspector monitors. @default 0 */
  rescansPerMonth?: number;
  /**
   * The account's Amazon Inspector ECR re-scan duration (push date): Inspector monitors and rescans the
   * images pushed within it plus those in use on a running container, so rescans are priced for the builds
   * pushed within it plus the deployed one (at most the builds kept). Prices only; it is not set here.
   * @default "DAYS_14" (the default for new accounts)
   */
  rescanDuration?: RescanDuration;
  /**
   * What one pull downloads: `image` (the whole image, e.g. Fargate or a fresh node) or `renewedLayers`
   * (nodes that keep the previous image's layers download only the layers a push renews; priced as the
   * whole image, with a note, until the renewed layers are measured).
   * @default "image"
   */
  pullBytes?: PullBytes;
  /**
   * Regions the repository is replicated to: priced, and the rule (`replicationRule` output) and replica
   * template (`replicationTemplate` output) that EcrRegistryDefaults registers; the pipeline itself never
   * writes the registry-wide replication configuration.
   * @default []
   */
  replicationRegions?: string[];
  /** Subtract the account-wide 100 GB/month free internet egress. @default false */
  applyFreeTier?: boolean;
}

const COST_GUARDRAIL_ACTIONS: readonly CostGuardrailAction[] = Object.values(CostGuardrailAction);

/** Size assumed for cost when nothing better is known and no budget is set: 1 GiB. */
export const DEFAULT_ASSUMED_IMAGE_BYTES = 1024 ** 3;

/**
 * True in the process Pulumi starts to serve this package's components to a program in another language:
 * pulumi-language-nodejs `RunPlugin` runs `node @pulumi/pulumi/cmd/run-plugin <dir>` (sdk/nodejs/cmd/
 * pulumi-language-nodejs/main.go, `defaultRunPluginPath`), which hosts the components with
 * `componentProviderHost` (@pulumi/pulumi cmd/run-plugin/run.js). The dynamic provider a component
 * registers there is started by the engine in the *program's* directory, where `@pulumi/pulumi` is not
 * installed, and fails to start (pulumi/pulumi#5455, open): so the preview-time estimate is off by default.
 */
export function hostedAsComponentProvider(argv: readonly string[]): boolean {
  return /[\\/]@pulumi[\\/]pulumi[\\/]cmd[\\/]run-plugin(?:[\\/]index\.js)?$/.test(argv[1] ?? "");
}

/** The pipeline's own settings: how its image is sized, budgeted and priced. */
export function resolvePipelineDefaults(
  args: SizeAndCostSettings,
  caller = "EcrImagePipeline",
  host: { componentProvider: boolean } = { componentProvider: hostedAsComponentProvider(process.argv) },
): PipelineDefaults {
  const budget = args.maxImageSizeBytes;
  // Positive whole bytes, at least 1 MiB (less is MiB or MB written as bytes), at most 1 PiB.
  throwFirstProblem(caller, budgetProblems(budget));
  const usage = defaultUsageProfile();
  for (const key of USAGE_COUNT_KEYS) {
    usage[key] =
      key === "pushesPerDay"
        ? numberArg(
            caller,
            key,
            args[key],
            usage[key],
            (value) => isFiniteNonNegative(value) && value <= MAX_PUSHES_PER_DAY_ARG,
            `Use a finite number from 0 to ${MAX_PUSHES_PER_DAY_ARG} (the cost model counts at most ${STEADY_STATE_LIMITS.pushesPerDay} image pushes a day, and a build pushes an image per platform plus an index).`,
          )
        : numberArg(caller, key, args[key], usage[key], isFiniteNonNegative, "Use a finite number >= 0.");
  }
  const estimateSize = booleanArg(caller, "estimateSize", args.estimateSize, !host.componentProvider);
  return {
    ...usage,
    replicationRegions: stringListArg(
      caller,
      "replicationRegions",
      args.replicationRegions,
      usage.replicationRegions,
      '["eu-west-1"]',
    ),
    applyFreeTier: booleanArg(caller, "applyFreeTier", args.applyFreeTier, usage.applyFreeTier),
    rescanDuration: oneOf(
      caller,
      "rescanDuration",
      args.rescanDuration,
      USAGE_CHOICES.rescanDuration.values,
      USAGE_CHOICES.rescanDuration.fallback,
    ),
    pullBytes: oneOf(
      caller,
      "pullBytes",
      args.pullBytes,
      USAGE_CHOICES.pullBytes.values,
      USAGE_CHOICES.pullBytes.fallback,
    ),
    estimateSize,
    budget: {
      rule: {
        maxImageSizeBytes: budget,
        onBudgetExceeded: oneOf(caller, "onBudgetExceeded", args.onBudgetExceeded, BUDGET_ACTIONS, "warn"),
      },
      standIn: budgetStandIn(budget, estimateSize),
    },
  };
}

/** The size priced when nothing better is known: the budget, or 1 GiB with no budget; the note says why. */
function budgetStandIn(budget: number | undefined, estimating: boolean): KnownImageSize {
  const why = estimating ? "no ECR size or local estimate is available" : "size estimation is off";
  return budget === undefined
    ? {
        bytes: DEFAULT_ASSUMED_IMAGE_BYTES,
        basis: "budget",
        note: `${why} and no maxImageSizeBytes is set: assuming ${DEFAULT_ASSUMED_IMAGE_BYTES} bytes`,
      }
    : { bytes: budget, basis: "budget", note: `${why}: using the size budget maxImageSizeBytes=${budget}` };
}

/** Everything EcrImagePipeline's args resolve to: its own settings and each child's. */
export type PipelineDefaultsInput = RepositoryDefaultsInput &
  ImageDefaultsInput &
  SizeAndCostSettings &
  RegistryCostSettings &
  CostGuardrailArgs & { costRegion?: unknown };

/** The pipeline's own settings resolved, and its children's, which it hands them as their args. */
export interface PipelineSettings<A extends PipelineDefaultsInput> extends PipelineDefaults {
  repository: RepositorySettingsResolved<A & { platformsPerImage: number; mutableTags: string[] }>;
  image: ImageSettingsResolved<A>;
  /** `costRegion` with a rate card: plain as given, an Output checked when it resolves; unset: the AWS provider's. */
  costRegion: A["costRegion"];
  /** The cost guardrails, checked (issue 21). */
  guardrails: CostGuardrailSettings;
  /** The scanning the cost prices, from the repository's registry scanning plan (issue 18 item 2). */
  scanningPriced: ScanningPriced;
  /**
   * The platforms handed to the preview-time size estimate: as the user gave them. The estimate builds
   * the same default as the image for none (DEFAULT_PLATFORM, ../buildkit/platforms.ts); handing it
   * the resolved list would change the stored inputs of every deployed estimate that has none.
   */
  estimatePlatforms: A["platforms"];
  /** Issue 20: replicas, archive restores and the pull-through cache (./registry-cost.ts). */
  registryCost: RegistryCostResolved;
}

/**
 * The one resolver of EcrImagePipeline's args: its own settings and, with the resolvers the children
 * use on their own, the settings it hands EcrRepository and BuildKitImage; then the regions priced.
 * Every error names `caller`, the component the user called.
 */
export function resolvePipelineSettings<A extends PipelineDefaultsInput>(
  args: A,
  caller: string,
  name: string,
  report?: ReportTarget,
): PipelineSettings<A> {
  throwFirstProblem(caller, unknownArgProblems("EcrImagePipeline", args));
  const own = resolvePipelineDefaults(args, caller);
  const image = resolveImageSettings(args, caller, report);
  // One build pushes an image per platform (plus an index): the lifecycle preset counts them all. The
  // moving extra tags (`latest`, …) are exempt from tag immutability on the repository (mutableTags).
  const repository = resolveRepositorySettings(
    { ...args, platformsPerImage: image.platforms.length, mutableTags: image.movingTags },
    caller,
    name,
    { logicalName: `${name}-repo`, report },
  );
  checkCostRegions({ replicationRegions: args.replicationRegions }, caller);
  // A region without a rate card is never priced with another region's rates: now when plain, when it
  // resolves when an Output (the pipeline keeps its children waiting on it).
  const costRegion = checkedInput(
    args.costRegion,
    (region) => throwFirstProblem(caller, costRegionProblems(region, PRICED_REGIONS)),
    report,
  );
  const guardrails = resolveCostGuardrails(args, caller);
  const registryCost = resolveRegistryCostSettings(args, caller, {
    repositoryName: args.repositoryName,
    lifecyclePolicyText: repository.lifecyclePolicyText,
    replicationRegions: own.replicationRegions,
    costRegion: args.costRegion,
  });
  return {
    ...own,
    repository,
    image,
    costRegion: costRegion as A["costRegion"],
    guardrails,
    scanningPriced: scanningPriced(repository.registryScanning.pricing),
    estimatePlatforms: args.platforms,
    registryCost,
  };
}
