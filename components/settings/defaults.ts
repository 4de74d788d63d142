/**
 * The one resolver of the components' settings: defaults and plain-value validation for every arg, in one
 * pure module so the wiring files only wire. `resolvePipelineSettings` resolves EcrImagePipeline's args
 * once: its own settings and, with the same functions the children use on their own
 * (`resolveRepositorySettings`, `resolveImageSettings`), the settings it hands EcrRepository and
 * BuildKitImage, which take them as they are (`handedOver`). Nothing here sees an Output's value: Inputs
 * pass through untouched; only fields that must be plain (they decide which resources exist, or are
 * checked before any is registered) are validated, and every error names the argument and the fix.
 * Checks that need the disk or the rate cards are ./preflight.ts's.
 */
import {
  CONTENT_TAG_PREFIX,
  DEFAULT_CACHE_TAG,
  DEPLOYED_TAG_PREFIX,
  IMAGE_TAG_PATTERN,
  IMAGE_TAG_RULE,
  PROTECTED_TAG_PREFIXES,
} from "../common/tags";
import { PullBytes, RescanDuration, ScanningMode } from "../cost/types";
import { describeValue } from "../cost/validate";
import { USAGE_CHOICES, USAGE_COUNT_KEYS, defaultUsageProfile, type UsageProfile } from "../cost/usage";
import {
  LifecyclePresetName,
  STEADY_STATE_LIMITS,
  buildLifecyclePreset,
  formatLifecycleProblems,
  imagesPerBuild,
  renderLifecyclePolicy,
  validateLifecyclePolicy,
  type LifecyclePolicyProblem,
} from "../lifecycle";
import type { KnownImageSize } from "../common/size-basis";
import {
  BUDGET_ACTIONS,
  IMAGE_PLATFORMS,
  ImagePlatform,
  LAYER_COMPRESSIONS,
  type BudgetAction,
  type LayerCompression,
} from "../common/enums";
import { InvalidArgumentError } from "../common/errors";

export { PullBytes, RescanDuration, ScanningMode };
export const LIFECYCLE_PRESET_NAMES: readonly LifecyclePresetName[] = Object.values(LifecyclePresetName);
export const SCANNING_MODES: readonly ScanningMode[] = Object.values(ScanningMode);

/**
 * ECR repository names: 2–256 characters, lower case, digits and `._-/` separators
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html, repositoryName).
 */
const REPOSITORY_NAME = /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

function oneOf<T extends string>(
  component: string,
  argument: string,
  value: T | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) {
    throw new InvalidArgumentError(
      component,
      argument,
      `got ${describeValue(value)}`,
      `Use one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}.`,
    );
  }
  return value;
}

/** A plain number arg that must pass `accepts`; `rule` is the fix the error gives. */
function numberArg(
  component: string,
  argument: string,
  value: number | undefined,
  fallback: number,
  accepts: (value: number) => boolean,
  rule: string,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !accepts(value)) {
    throw new InvalidArgumentError(component, argument, `got ${describeValue(value)}`, rule);
  }
  return value;
}

/** A plain boolean arg; a string such as "false" would read as true, so anything else is rejected. */
function booleanArg(
  component: string,
  argument: string,
  value: boolean | undefined,
  fallback: boolean,
): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new InvalidArgumentError(
      component,
      argument,
      `got ${describeValue(value)}`,
      "Use true or false (a boolean, not a string).",
    );
  }
  return value;
}

/** A plain list of strings, e.g. region names. */
function stringListArg(
  component: string,
  argument: string,
  value: readonly string[] | undefined,
  fallback: readonly string[],
  example: string,
): string[] {
  if (value === undefined) return [...fallback];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new InvalidArgumentError(
      component,
      argument,
      `got ${describeValue(value)}`,
      `Use a list of strings, e.g. ${example}.`,
    );
  }
  return [...value];
}

/** Pushes a day a pipeline may declare: 1e12 image pushes (the retention model's limit) over 10 images per build. */
const MAX_PUSHES_PER_DAY_ARG = STEADY_STATE_LIMITS.pushesPerDay / 10;

const isPositiveInteger = (value: number): boolean => Number.isInteger(value) && value >= 1;
const isFiniteNonNegative = (value: number): boolean => Number.isFinite(value) && value >= 0;

export function validateCacheTag(component: string, cacheTag: string | undefined): string {
  const tag: unknown = cacheTag ?? DEFAULT_CACHE_TAG;
  // A regex test coerces: `cacheTag: 0` matched as "0" and then failed as a number further on.
  if (typeof tag !== "string" || !IMAGE_TAG_PATTERN.test(tag)) {
    throw new InvalidArgumentError(
      component,
      "cacheTag",
      `${describeValue(tag)} is not a valid image tag`,
      `Use ${IMAGE_TAG_RULE}.`,
    );
  }
  if (tag.startsWith(CONTENT_TAG_PREFIX)) {
    // The lifecycle's keep-N rule selects the content tags by this prefix: the cache would count as a
    // build, and be expired like one (components/lifecycle/presets.ts refuses to build that policy).
    throw new InvalidArgumentError(
      component,
      "cacheTag",
      `${JSON.stringify(tag)} starts with "${CONTENT_TAG_PREFIX}", the prefix of the content tags the lifecycle policy keeps a number of`,
      `Use a tag that does not start with "${CONTENT_TAG_PREFIX}", e.g. "${DEFAULT_CACHE_TAG}".`,
    );
  }
  return tag;
}

/**
 * Settings objects the resolvers below returned, one set per child kind. A parent (EcrImagePipeline)
 * hands its child such an object as the child's args, and the child takes it as it is instead of
 * resolving again (`handedOver`): every default is applied, and every plain value checked, once. Frozen,
 * so nothing changes between the check and the use; membership is by identity, so an object that merely
 * looks resolved (a copy, or a user's args) is resolved like any other args.
 */
const resolvedSettings = { repository: new WeakSet<object>(), image: new WeakSet<object>() };
type SettingsKind = keyof typeof resolvedSettings;

function sealed<T extends object>(kind: SettingsKind, settings: T): Readonly<T> {
  resolvedSettings[kind].add(Object.freeze(settings));
  return settings;
}

/**
 * The child's settings: `args` itself when a resolver of this module made it (handed over by a parent),
 * else `resolve(args)`, the same resolver the parent used.
 */
export function handedOver<A extends object, S>(kind: SettingsKind, args: A, resolve: (args: A) => S): S {
  return resolvedSettings[kind].has(args) ? (args as unknown as S) : resolve(args);
}

/** The plain-valued part of EcrRepositoryArgs, resolved. */
export interface RepositoryDefaults {
  scanOnPush: boolean;
  forceDelete: boolean;
  cacheTag: string;
  lifecyclePreset: LifecyclePresetName;
  scanningMode: ScanningMode;
  manageRegistryScanning: boolean;
  platformsPerImage: number;
  /** Tags exempt from immutability (WILDCARD filters): the cache tags, and `deployed-*`, which move. */
  mutableTagFilters: string[];
  /** `ctx-*` images one build pushes: 1, or an index plus one image per platform. */
  imagesPerBuild: number;
  /** The lifecycle policy sent to ECR: `lifecyclePolicy` as given, or the preset rendered; validated. */
  lifecyclePolicyText: string;
  /** Validator warnings for that policy (errors stop the resolver). */
  lifecycleWarnings: LifecyclePolicyProblem[];
}

export interface RepositoryDefaultsInput {
  repositoryName?: unknown;
  scanOnPush?: boolean;
  forceDelete?: boolean;
  cacheTag?: string;
  lifecyclePreset?: LifecyclePresetName;
  lifecyclePolicy?: string;
  scanningMode?: ScanningMode;
  manageRegistryScanning?: boolean;
  platformsPerImage?: number;
}

/** EcrRepository's args with every default applied and every plain value checked. */
export type RepositorySettingsResolved<A extends RepositoryDefaultsInput> = Readonly<
  Omit<A, keyof RepositoryDefaults> & RepositoryDefaults
>;

/**
 * Resolves the repository's args: name, cache tag, preset, scanning mode, and the lifecycle policy
 * (the preset rendered, or the JSON given) validated; errors stop here, warnings are returned for the
 * component to log. Inputs it does not resolve (an Output name, the KMS key, tags) pass through.
 */
export function resolveRepositorySettings<A extends RepositoryDefaultsInput>(
  args: A,
  component: string,
  name: string,
): RepositorySettingsResolved<A> {
  if (typeof args.repositoryName === "string" && !REPOSITORY_NAME.test(args.repositoryName)) {
    throw new InvalidArgumentError(
      component,
      "repositoryName",
      `${JSON.stringify(args.repositoryName)} is not a valid ECR repository name`,
      "Use 2-256 lower-case letters, digits and '.', '_', '-' or '/' separators (e.g. \"team/app\").",
    );
  }
  const cacheTag = validateCacheTag(component, args.cacheTag);
  const platformsPerImage = numberArg(
    component,
    "platformsPerImage",
    args.platformsPerImage,
    1,
    isPositiveInteger,
    "Use a whole number >= 1.",
  );
  const lifecyclePreset = oneOf(
    component,
    "lifecyclePreset",
    args.lifecyclePreset,
    LIFECYCLE_PRESET_NAMES,
    "prod",
  );
  // Several platforms: an index (the content tag) plus one image per platform (`<content tag>-<arch>`).
  const imagesPerBuildOfPreset = imagesPerBuild(platformsPerImage);
  const policyContext = { cacheTag, protectedTagPrefixes: PROTECTED_TAG_PREFIXES };
  const lifecyclePolicyText =
    args.lifecyclePolicy ??
    renderLifecyclePolicy(
      buildLifecyclePreset(lifecyclePreset, { ...policyContext, imagesPerBuild: imagesPerBuildOfPreset }),
    );
  const problems = validateLifecyclePolicy(lifecyclePolicyText, policyContext);
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length > 0) {
    // Named as the user wrote it: their policy, or the preset that this cacheTag and these platforms shaped.
    const given = args.lifecyclePolicy !== undefined;
    throw new InvalidArgumentError(
      component,
      given ? "lifecyclePolicy" : "lifecyclePreset",
      `${name}'s lifecycle policy would be rejected:\n${formatLifecycleProblems(errors)}\n`,
      given
        ? "Fix the rules listed, or leave lifecyclePolicy unset to use lifecyclePreset."
        : "Use another lifecyclePreset or cacheTag, or give lifecyclePolicy.",
    );
  }
  const resolved: RepositoryDefaults = {
    scanOnPush: booleanArg(component, "scanOnPush", args.scanOnPush, true),
    forceDelete: booleanArg(component, "forceDelete", args.forceDelete, false),
    cacheTag,
    lifecyclePreset,
    scanningMode: oneOf(component, "scanningMode", args.scanningMode, SCANNING_MODES, "basic"),
    manageRegistryScanning: booleanArg(
      component,
      "manageRegistryScanning",
      args.manageRegistryScanning,
      false,
    ),
    platformsPerImage,
    // `<cacheTag>*` covers the per-platform caches (`<cacheTag>-amd64`, …) of a multi-platform build.
    mutableTagFilters: [`${cacheTag}*`, `${DEPLOYED_TAG_PREFIX}*`],
    imagesPerBuild: imagesPerBuildOfPreset,
    lifecyclePolicyText,
    lifecycleWarnings: problems.filter((p) => p.severity === "warning"),
  };
  return sealed("repository", { ...args, ...resolved });
}

/** The plain-valued part of BuildKitImageArgs, resolved. */
export interface ImageDefaults {
  cacheTag: string;
  cache: boolean;
  compression: LayerCompression;
  retainOnDelete: boolean;
  /** Target platforms, deduplicated only by rejecting duplicates; at least one. */
  platforms: ImagePlatform[];
  /** Builder per platform (only platforms in `platforms`); others use `builderName`. */
  platformBuilders: Record<string, string>;
  /** Extra tags as plain strings when several platforms are built (one Index each); else []. */
  extraTagIndexes: string[];
}

export interface ImageDefaultsInput {
  cacheTag?: string;
  cache?: boolean;
  compression?: LayerCompression;
  retainOnDelete?: boolean;
  platforms?: readonly ImagePlatform[];
  platformBuilders?: Record<string, string>;
  builderName?: unknown;
  extraTags?: unknown;
  buildOnPreview?: unknown;
}

/** BuildKitImage's args with every default applied and every plain value checked. */
export type ImageSettingsResolved<A extends ImageDefaultsInput> = Readonly<
  Omit<A, keyof ImageDefaults | "buildOnPreview"> &
    ImageDefaults & {
      /** Build a changed image in `pulumi preview`: on unless turned off. */
      buildOnPreview: Exclude<A["buildOnPreview"], undefined> | true;
    }
>;

/** A buildx builder name: `docker buildx create --name` accepts letters, digits, '.', '_' and '-'. */
const BUILDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkBuilderName(component: string, argument: string, value: unknown): void {
  if (typeof value !== "string") return; // an Output: checked by the build itself
  if (!BUILDER_NAME.test(value)) {
    throw new InvalidArgumentError(
      component,
      argument,
      `${JSON.stringify(value)} is not a buildx builder name`,
      "Use the name `docker buildx ls` shows (letters, digits, '.', '_', '-'), or leave it unset for the default builder.",
    );
  }
}

/** Resolves the image's plain-valued args; Inputs it does not resolve (context, build args, …) pass through. */
export function resolveImageSettings<A extends ImageDefaultsInput>(
  args: A,
  component: string,
): ImageSettingsResolved<A> {
  // Checked before it is spread: `platforms: 0` threw a TypeError ("not iterable") instead of naming it.
  const platforms = Array.isArray(args.platforms ?? [])
    ? [...(args.platforms ?? [ImagePlatform.LinuxAmd64])]
    : [];
  if (platforms.length === 0) {
    throw new InvalidArgumentError(
      component,
      "platforms",
      `got ${describeValue(args.platforms)}`,
      'List at least one platform, e.g. ["linux/amd64"], or leave it unset.',
    );
  }
  for (const platform of platforms) {
    oneOf(component, "platforms", platform, IMAGE_PLATFORMS, ImagePlatform.LinuxAmd64);
    if (platforms.indexOf(platform) !== platforms.lastIndexOf(platform)) {
      throw new InvalidArgumentError(
        component,
        "platforms",
        `${describeValue(platform)} is listed twice`,
        "List each platform once.",
      );
    }
  }
  checkBuilderName(component, "builderName", args.builderName);
  const givenBuilders: unknown = args.platformBuilders ?? {};
  if (typeof givenBuilders !== "object" || givenBuilders === null || Array.isArray(givenBuilders)) {
    throw new InvalidArgumentError(
      component,
      "platformBuilders",
      `got ${describeValue(givenBuilders)}`,
      'Map platforms to builder names, e.g. { "linux/arm64": "arm-builder" }, or leave it unset.',
    );
  }
  const platformBuilders = { ...(givenBuilders as Record<string, string>) };
  for (const [platform, builder] of Object.entries(platformBuilders)) {
    if (!platforms.includes(platform as ImagePlatform)) {
      throw new InvalidArgumentError(
        component,
        "platformBuilders",
        `${describeValue(platform)} is not one of the platforms built (${platforms.join(", ")})`,
        'Key it by a platform listed in platforms, e.g. { "linux/arm64": "arm-builder" }.',
      );
    }
    checkBuilderName(component, `platformBuilders["${platform}"]`, builder);
  }
  let extraTagIndexes: string[] = [];
  if (platforms.length > 1 && args.extraTags !== undefined) {
    const tags = args.extraTags;
    if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === "string")) {
      throw new InvalidArgumentError(
        component,
        "extraTags",
        "got Outputs while building several platforms",
        "Pass plain strings: each extra tag becomes its own image index, created when the program runs.",
      );
    }
    extraTagIndexes = [...new Set(tags as string[])];
  }
  const resolved: ImageDefaults = {
    cacheTag: validateCacheTag(component, args.cacheTag),
    cache: booleanArg(component, "cache", args.cache, true),
    compression: oneOf(component, "compression", args.compression, LAYER_COMPRESSIONS, "gzip"),
    retainOnDelete: booleanArg(component, "retainOnDelete", args.retainOnDelete, true),
    platforms,
    platformBuilders,
    extraTagIndexes,
  };
  return sealed("image", {
    ...args,
    ...resolved,
    buildOnPreview: (args.buildOnPreview ?? true) as Exclude<A["buildOnPreview"], undefined> | true,
  });
}

/**
 * Resolved image settings plus what the parent wires in after resolving (the repository URL and registry
 * id, the content tag, the Dockerfile path): still resolved, so the child does not resolve them again.
 * The wiring cannot replace a resolved field.
 */
export function withWiring<S extends ImageSettingsResolved<ImageDefaultsInput>, W extends object>(
  settings: S,
  wiring: W & { [K in keyof ImageDefaults | "buildOnPreview"]?: never },
): Readonly<S & W> {
  return sealed("image", { ...settings, ...wiring });
}

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
  /** Size budget in compressed bytes. @default undefined (no budget) */
  maxImageSizeBytes?: number;
  /** What a size over budget does: log a warning, or fail the deployment. @default "warn" */
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
  /** Regions the repository is replicated to (priced; replication itself is not created here). @default [] */
  replicationRegions?: string[];
  /** Subtract the account-wide 100 GB/month free internet egress. @default false */
  applyFreeTier?: boolean;
}

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

export function resolvePipelineDefaults(
  args: SizeAndCostSettings,
  component = "EcrImagePipeline",
  host: { componentProvider: boolean } = { componentProvider: hostedAsComponentProvider(process.argv) },
): PipelineDefaults {
  const budget = args.maxImageSizeBytes;
  if (budget !== undefined && (!Number.isFinite(budget) || budget <= 0)) {
    throw new InvalidArgumentError(
      component,
      "maxImageSizeBytes",
      `got ${describeValue(budget)}`,
      "Use a positive number of bytes (e.g. 200 * 1024 ** 2 for 200 MiB), or leave it unset for no budget.",
    );
  }
  const usage = defaultUsageProfile();
  for (const key of USAGE_COUNT_KEYS) {
    usage[key] =
      key === "pushesPerDay"
        ? numberArg(
            component,
            key,
            args[key],
            usage[key],
            (value) => isFiniteNonNegative(value) && value <= MAX_PUSHES_PER_DAY_ARG,
            `Use a finite number from 0 to ${MAX_PUSHES_PER_DAY_ARG} (the cost model counts at most ${STEADY_STATE_LIMITS.pushesPerDay} image pushes a day, and a build pushes an image per platform plus an index).`,
          )
        : numberArg(component, key, args[key], usage[key], isFiniteNonNegative, "Use a finite number >= 0.");
  }
  const estimateSize = booleanArg(component, "estimateSize", args.estimateSize, !host.componentProvider);
  return {
    ...usage,
    replicationRegions: stringListArg(
      component,
      "replicationRegions",
      args.replicationRegions,
      usage.replicationRegions,
      '["eu-west-1"]',
    ),
    applyFreeTier: booleanArg(component, "applyFreeTier", args.applyFreeTier, usage.applyFreeTier),
    rescanDuration: oneOf(
      component,
      "rescanDuration",
      args.rescanDuration,
      USAGE_CHOICES.rescanDuration.values,
      USAGE_CHOICES.rescanDuration.fallback,
    ),
    pullBytes: oneOf(
      component,
      "pullBytes",
      args.pullBytes,
      USAGE_CHOICES.pullBytes.values,
      USAGE_CHOICES.pullBytes.fallback,
    ),
    estimateSize,
    budget: {
      rule: {
        maxImageSizeBytes: budget,
        onBudgetExceeded: oneOf(component, "onBudgetExceeded", args.onBudgetExceeded, BUDGET_ACTIONS, "warn"),
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
export type PipelineDefaultsInput = RepositoryDefaultsInput & ImageDefaultsInput & SizeAndCostSettings;

/** The pipeline's own settings resolved, and its children's, to hand them as their args. */
export interface PipelineSettings<A extends PipelineDefaultsInput> extends PipelineDefaults {
  repository: RepositorySettingsResolved<A & { platformsPerImage: number }>;
  image: ImageSettingsResolved<A>;
}

/**
 * The one resolver of EcrImagePipeline's args: its own settings and, with the same resolvers the children
 * use on their own, the settings it hands EcrRepository and BuildKitImage. Errors name `component`.
 */
export function resolvePipelineSettings<A extends PipelineDefaultsInput>(
  args: A,
  component: string,
  name: string,
): PipelineSettings<A> {
  const own = resolvePipelineDefaults(args, component);
  const image = resolveImageSettings(args, component);
  // One build pushes an image per platform (plus an index): the lifecycle preset counts them all.
  const repository = resolveRepositorySettings(
    { ...args, platformsPerImage: image.platforms.length },
    component,
    name,
  );
  return { ...own, repository, image };
}
