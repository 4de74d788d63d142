/**
 * EcrRepository's args: declared and documented (the README's tables are generated from these
 * interfaces), then resolved by one function, `resolveRepositorySettings`, which EcrRepository calls
 * before it registers anything and EcrImagePipeline calls for the repository it creates, naming itself.
 * Resolving is idempotent: the settings it returns, resolved again, are the same settings, so a parent
 * may hand them to the child as its args.
 */
import type * as pulumi from "@pulumi/pulumi";
import { planTagMutability } from "../buildkit/tag-policy";
import type { RegistryScanFrequency } from "../common/enums";
import type { ArgumentProblem } from "../common/argument-problem";
import { InvalidArgumentError } from "../common/errors";
import { checkedInput } from "../common/outputs";
import type { ReportTarget } from "../common/reported-error";
import { DEPLOYED_TAG_PREFIX, PROTECTED_TAG_PREFIXES } from "../common/tags";
import { ScanningMode } from "../cost/types";
import { describeValue } from "../cost/validate";
import {
  LifecyclePresetName,
  buildLifecyclePreset,
  formatLifecycleProblems,
  imagesPerBuild,
  renderLifecyclePolicy,
  validateLifecyclePolicy,
  type LifecyclePolicyProblem,
} from "../lifecycle";
import {
  booleanArg,
  isPositiveInteger,
  numberArg,
  oneOf,
  stringListArg,
  throwFirstProblem,
  validateCacheTag,
} from "./args";
import { resolvedSettings, unknownArgProblems } from "./arg-names";
import { tagConventions } from "./image";
import { autoNamedRepositoryProblems } from "./input-checks";
import { checkPullPrincipalArns } from "./pull-policy";
import { planRegistryScanning, type RegistryScanningPlan } from "./registry-scanning";

/** How the repository is set up: shared by EcrRepository and EcrImagePipeline (one definition, one doc). */
export interface RepositorySettings {
  /**
   * Repository name (lower case; `/` groups it into a namespace, e.g. `team/app`), not its URL
   * (`<account>.dkr.ecr.<region>.amazonaws.com/…` is refused with the name to use). An Output is checked
   * when it resolves, before the repository is registered.
   * @default the component name plus a random suffix (Pulumi auto-naming)
   */
  repositoryName?: pulumi.Input<string>;
  /**
   * Scan every pushed image for vulnerabilities (basic scanning is free).
   * @default true
   */
  scanOnPush?: boolean;
  /**
   * KMS key ARN for encryption at rest. When set, the repository uses `KMS`; otherwise `AES256`.
   * The encryption type cannot be changed after creation (ECR replaces the repository).
   * @default undefined (AES256)
   */
  kmsKeyArn?: pulumi.Input<string>;
  /**
   * Let `pulumi destroy` delete the repository even when it still holds images.
   * Off by default so a destroy never silently deletes images that may still be running.
   * @default false
   */
  forceDelete?: boolean;
  /**
   * Tag the BuildKit registry cache is written to. It is exempt from tag immutability and from
   * keep-N lifecycle counts, so it must not start with `ctx-`, the content tags' prefix.
   * @default "buildcache"
   */
  cacheTag?: string;
  /**
   * Lifecycle preset (see docs/LIFECYCLE.md): how many builds and untagged images each environment
   * keeps. Ignored when `lifecyclePolicy` is given.
   * @default "prod" (the preset that keeps the most)
   */
  lifecyclePreset?: LifecyclePresetName;
  /**
   * Lifecycle policy JSON replacing the preset (write it with `renderLifecyclePolicy(rules)` from typed
   * rules, or by hand). A plain string, not an Output, so it is validated before any resource is
   * registered: errors stop the program with the rule and the fix, warnings are logged.
   * @default undefined (use `lifecyclePreset`)
   */
  lifecyclePolicy?: string;
  /**
   * Principals allowed to pull (and only pull) from this repository: 12-digit account ids (as strings)
   * or IAM root, role, user or assumed-role ARNs. `*` (a public policy) and IAM groups are rejected;
   * an Output is checked when it resolves, before the repository is registered.
   * @default undefined (no repository policy: only the owning account's IAM policies apply)
   */
  pullPrincipalArns?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Scanning mode the team pays for. `enhanced` (Amazon Inspector) is a registry-wide setting: priced as
   * configured elsewhere in the account (the cost report says so) unless `manageRegistryScanning` is true.
   * @default "basic"
   */
  scanningMode?: ScanningMode;
  /**
   * Have this stack own the account-and-Region-wide `aws.ecr.RegistryScanningConfiguration` for
   * `scanningMode`. It replaces the whole configuration, so it covers every repository (`*`) unless
   * `registryScanFilters` names others; with `enhanced`, `registryScanFrequency` must be chosen. Only one
   * stack per account and Region may own it; destroying it reverts the registry to basic scanning.
   * @default false
   */
  manageRegistryScanning?: boolean;
  /**
   * How often the managed configuration scans (needs `manageRegistryScanning`): `SCAN_ON_PUSH` (each image
   * once, when pushed) or `CONTINUOUS_SCAN` (enhanced only: Amazon Inspector rescans as new
   * vulnerabilities are published, and bills each rescan). No default with enhanced scanning: the choice
   * has a cost. Basic scanning only scans on push.
   * @default undefined (required with manageRegistryScanning and scanningMode "enhanced"; "SCAN_ON_PUSH" with basic)
   */
  registryScanFrequency?: RegistryScanFrequency;
  /**
   * The repositories the managed configuration scans (needs `manageRegistryScanning`): ECR scanning
   * filters (a name matches repositories containing it, `*` any run of characters), at most 100. Every
   * repository of the account and Region that matches none is not scanned; a list that leaves this
   * repository out is logged as a warning.
   * @default ["*"] (every repository)
   */
  registryScanFilters?: string[];
  /**
   * Tags for the AWS resources.
   * @default undefined
   */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * An ECR repository with sound defaults: scan on push, immutable tags except the cache tag and
 * `deployed-*`, AES256 (or KMS) encryption, no force delete, one validated lifecycle policy, an optional
 * pull-only repository policy and optional registry-level enhanced scanning.
 */
export interface EcrRepositoryArgs extends RepositorySettings {
  /**
   * Platforms each build pushes (EcrImagePipeline sets it from `platforms`). With more than one, a build
   * is an image index (the content tag) plus one image per platform (`<content tag>-<arch>`), all `ctx-*`,
   * so the preset's keep rule counts `platformsPerImage + 1` images per build: it keeps as many builds,
   * and no child of a kept index is expired by count.
   * @default 1
   */
  platformsPerImage?: number;
  /**
   * Tags that move from image to image besides `deployed-*` and the cache tag (which always do): names
   * teams re-point to each build such as `latest` or `stable` (the list in BuildKitImage's `extraTags`),
   * each an exact exclusion filter from tag immutability, at most three (ECR allows five filters). Any
   * other name is rejected: a version tag stays immutable. EcrImagePipeline sets it from `extraTags`.
   * @default []
   */
  mutableTags?: string[];
}

export const LIFECYCLE_PRESET_NAMES: readonly LifecyclePresetName[] = Object.values(LifecyclePresetName);
export const SCANNING_MODES: readonly ScanningMode[] = Object.values(ScanningMode);

/**
 * ECR repository names: 2–256 characters, lower case, digits and `._-/` separators
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html, repositoryName).
 */
const REPOSITORY_NAME = /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** The plain-valued part of EcrRepositoryArgs, resolved. */
export interface RepositoryDefaults {
  scanOnPush: boolean;
  forceDelete: boolean;
  cacheTag: string;
  lifecyclePreset: LifecyclePresetName;
  scanningMode: ScanningMode;
  manageRegistryScanning: boolean;
  platformsPerImage: number;
  /**
   * Tags exempt from immutability (WILDCARD filters, ../buildkit/tag-policy.ts `planTagMutability`): the
   * cache tags, `deployed-*`, and each moving name of `mutableTags`.
   */
  mutableTagFilters: string[];
  /** The registry scanning configuration to register (or none), what the cost may price, and warnings. */
  registryScanning: Pick<RegistryScanningPlan, "configuration" | "pricing" | "warnings">;
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
  mutableTags?: unknown;
  registryScanFrequency?: unknown;
  registryScanFilters?: unknown;
  pullPrincipalArns?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Who resolves: the logical name the repository is registered under, and where later errors show. */
export interface RepositoryResolveOptions {
  /** The `aws.ecr.Repository`'s logical name (auto-named from it): `<name>-repo` under EcrImagePipeline. */
  logicalName?: string;
  report?: ReportTarget;
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
  caller: string,
  name: string,
  options: RepositoryResolveOptions = {},
): RepositorySettingsResolved<A> {
  // Its own args only when EcrRepository is what the user called (EcrImagePipeline checks its own).
  if (caller === "EcrRepository") throwFirstProblem(caller, unknownArgProblems(caller, args));
  // Unset: Pulumi auto-names it from the logical name, case kept; ECR rejects upper case.
  throwFirstProblem(
    caller,
    autoNamedRepositoryProblems(name, options.logicalName ?? name, args.repositoryName),
  );
  // Checked now when plain, when it resolves when an Output (EcrImagePipeline's children and the
  // repository wait for it): ECR would refuse it at CreateRepository, after the other resources.
  const repositoryName = checkedInput(
    args.repositoryName,
    (value) => throwFirstProblem(caller, repositoryNameProblems(value)),
    options.report,
  );
  const cacheTag = validateCacheTag(caller, args.cacheTag);
  const platformsPerImage = numberArg(
    caller,
    "platformsPerImage",
    args.platformsPerImage,
    1,
    isPositiveInteger,
    "Use a whole number >= 1.",
  );
  const lifecyclePreset = oneOf(
    caller,
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
      caller,
      given ? "lifecyclePolicy" : "lifecyclePreset",
      `${name}'s lifecycle policy would be rejected:\n${formatLifecycleProblems(errors)}\n`,
      given
        ? "Fix the rules listed, or leave lifecyclePolicy unset to use lifecyclePreset."
        : "Use another lifecyclePreset or cacheTag, or give lifecyclePolicy.",
    );
  }
  const scanningMode = oneOf(caller, "scanningMode", args.scanningMode, SCANNING_MODES, "basic");
  const manageRegistryScanning = booleanArg(
    caller,
    "manageRegistryScanning",
    args.manageRegistryScanning,
    false,
  );
  const scanning = planRegistryScanning({
    manage: manageRegistryScanning,
    scanningMode,
    frequency: args.registryScanFrequency,
    filters: args.registryScanFilters,
    repositoryName: typeof args.repositoryName === "string" ? args.repositoryName : undefined,
  });
  throwFirstProblem(caller, scanning.errors);
  const resolved: RepositoryDefaults = {
    scanOnPush: booleanArg(caller, "scanOnPush", args.scanOnPush, true),
    forceDelete: booleanArg(caller, "forceDelete", args.forceDelete, false),
    cacheTag,
    lifecyclePreset,
    scanningMode,
    manageRegistryScanning,
    platformsPerImage,
    mutableTagFilters: mutableTagFilters(caller, args.mutableTags, cacheTag),
    registryScanning: {
      configuration: scanning.configuration,
      pricing: scanning.pricing,
      warnings: scanning.warnings,
    },
    imagesPerBuild: imagesPerBuildOfPreset,
    lifecyclePolicyText,
    lifecycleWarnings: problems.filter((p) => p.severity === "warning"),
  };
  // Marked resolved: handed to EcrRepository as its args, its keys are not checked as arg names again.
  return resolvedSettings({
    ...args,
    ...resolved,
    repositoryName: repositoryName as A["repositoryName"],
    // Checked now when plain, when it resolves when an Output: named for the caller, shown on its component.
    pullPrincipalArns: checkedInput(
      args.pullPrincipalArns,
      (arns) => checkPullPrincipalArns(caller, arns),
      options.report,
    ),
  });
}

/**
 * `repositoryName` as ECR's CreateRepository accepts it (REPOSITORY_NAME), and not a repository URL or
 * image reference pasted in: `123456789012.dkr.ecr.us-east-1.amazonaws.com/orders` matches ECR's
 * pattern (dots are separators), so ECR would create a repository with that whole string as its name
 * and every push to `<registry>/orders` would miss it (new-user trial, 2026-12-06).
 */
export function repositoryNameProblems(value: unknown): ArgumentProblem[] {
  const fix = "Use 2-256 lower-case letters, digits and '.', '_', '-' or '/' separators (e.g. \"team/app\").";
  if (typeof value !== "string" || !REPOSITORY_NAME.test(value)) {
    return [
      {
        argument: "repositoryName",
        problem: `${describeValue(value)} is not a valid ECR repository name`,
        fix,
      },
    ];
  }
  const registry = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\//.exec(value);
  if (registry !== null) {
    const name = value.slice(registry[0].length);
    return [
      {
        argument: "repositoryName",
        problem: `${JSON.stringify(value)} is a repository URL (registry ${registry[0].slice(0, -1)}), not a repository name: ECR would name a repository with the whole string`,
        fix: `Use the name after the registry host, ${JSON.stringify(name)}.`,
      },
    ];
  }
  return [];
}

/**
 * The tag-mutability exclusion filters (../buildkit/tag-policy.ts `planTagMutability`): `<cacheTag>*`
 * (it covers the per-platform caches `<cacheTag>-amd64`, …), `deployed-*`, and one exact filter per moving
 * name of `mutableTags`. A name that does not move (a version) is rejected: it would stay immutable anyway.
 */
function mutableTagFilters(caller: string, mutableTags: unknown, cacheTag: string): string[] {
  const tags = stringListArg(caller, "mutableTags", mutableTags as string[] | undefined, [], '["latest"]');
  const plan = planTagMutability(tags, tagConventions(cacheTag), "mutableTags");
  throwFirstProblem(caller, plan.problems);
  const [fixed] = plan.fixed;
  if (fixed !== undefined) {
    throw new InvalidArgumentError(
      caller,
      `mutableTags[${tags.indexOf(fixed)}]`,
      `${JSON.stringify(fixed)} is not a tag that moves (deployed-* or a name teams re-point to each build, e.g. latest, stable, main, prod), so it stays immutable: a version names one build for good`,
      `Use "${DEPLOYED_TAG_PREFIX}${fixed}" (every ${DEPLOYED_TAG_PREFIX}* tag moves), or remove it from mutableTags.`,
    );
  }
  return plan.filters.map((filter) => filter.filter);
}
