/**
 * EcrImagePipeline's args about the registry around its repository (issue 20): how its replicas are kept,
 * archive restores, the pull-through cache of its bases; declared and documented here (the README's table
 * reads them through EcrImagePipelineArgs), resolved by `resolveRegistryCostSettings`, which
 * `resolvePipelineSettings` calls before anything is registered. Also the pure step that turns the resolved
 * settings into the pipeline's `replicationRule` and `replicationTemplate` outputs, for the registry's owner
 * (EcrRegistryDefaults) to register: the pipeline itself never writes a registry-wide resource.
 */
import type * as pulumi from "@pulumi/pulumi";
import { InvalidArgumentError, InvalidInputError } from "../common/errors";
import { checkedInput } from "../common/outputs";
import { COST_LIMITS, describeValue } from "../cost/validate";
import { ReplicaRetention } from "../cost/types";
import {
  REPOSITORY_TAG_MUTABILITY,
  replicationRuleFor,
  replicationTemplateFor,
  type ReplicationRule,
  type RepositoryCreationTemplateInputs,
} from "../registry";
import { isFiniteNonNegative, numberArg, oneOf, throwFirstProblem } from "./args";
import { replicationRegionProblems } from "./cost";

/** The registry-level fields of EcrImagePipelineArgs. */
export interface RegistryCostSettings {
  /**
   * How the replicas in `replicationRegions` are kept. `policy`: a repository creation template
   * (appliedFor REPLICATION) in each destination region gives each replica this repository's lifecycle
   * policy, so it keeps what the source keeps (register the `replicationTemplate` output with
   * EcrRegistryDefaults before the first replicated push); needs a `repositoryName` with a namespace
   * (`team/app`), since a template's prefix is a namespace. `none`: no lifecycle policy acts on a replica
   * ("A lifecycle policy can only take an action on repositories in the Region it was created in"): it keeps
   * every replicated image and cache, priced at the end of `replicaHorizonMonths` and flagged UNBOUNDED.
   * @default "none"
   */
  replicaRetention?: ReplicaRetention;
  /** Months after which a replica without a lifecycle policy (`replicaRetention: "none"`) is priced, from 1 to 1200. @default 12 */
  replicaHorizonMonths?: number;
  /**
   * Images restored from the archive storage class per month (restore fee, an enhanced scan and the
   * replication of each restored image). Only with a lifecycle policy that archives (a `transition` rule).
   * @default 0
   */
  archiveRestoresPerMonth?: number;
  /**
   * Compressed bytes of the base images this pipeline pulls through a pull-through cache rule
   * (EcrRegistryDefaults `pullThroughCacheImages`), priced as `pull-through cache storage` and attributed
   * to this repository (EcrFleetCost counts the cache once when given its repositories). 0, or at least
   * 1 MiB (less is MiB or MB written as bytes).
   * @default 0
   */
  pullThroughCacheBytes?: number;
  /**
   * The ECR registry whose pull-through cache rules could serve this Dockerfile's public base images,
   * `<account>.dkr.ecr.<region>.amazonaws.com` (EcrRegistryDefaults' `registryHost` output): the
   * `base-image-pull-through-cache` finding then names, for each stage built FROM Docker Hub, ECR Public,
   * Quay, registry.k8s.io, GitHub or GitLab, the cached reference to build FROM instead.
   * @default undefined (the finding is not judged)
   */
  pullThroughCacheRegistry?: pulumi.Input<string>;
}

/** RegistryCostSettings resolved. */
export interface RegistryCostResolved {
  replicaRetention: ReplicaRetention;
  replicaHorizonMonths: number;
  archiveRestoresPerMonth: number;
  pullThroughCacheBytes: number;
  pullThroughCacheRegistry: pulumi.Input<string> | undefined;
}

/** What the checks need from the rest of the pipeline's args, resolved. */
export interface RegistryCostContext {
  /** `repositoryName` as given (plain, an Output, or unset: auto-named without a namespace). */
  repositoryName: unknown;
  /** The lifecycle policy the repository applies (resolved by its own resolver). */
  lifecyclePolicyText: string;
  replicationRegions: readonly string[];
  /** `costRegion` as given: when plain, the repository's region. */
  costRegion: unknown;
}

const REPLICA_RETENTIONS: readonly ReplicaRetention[] = Object.values(ReplicaRetention);
/** An ECR registry host: `<12-digit account>.dkr.ecr.<region>.amazonaws.com` (`.com.cn` in China). */
const REGISTRY_HOST = /^\d{12}\.dkr\.ecr\.[a-z]{2}(?:-[a-z]+)+-\d{1,2}\.amazonaws\.com(?:\.cn)?$/;

/** Whether a lifecycle policy has a rule that moves images to the archive class. */
function archives(policy: string): boolean {
  try {
    const rules = (JSON.parse(policy) as { rules?: unknown }).rules;
    return (
      Array.isArray(rules) &&
      rules.some((rule) => (rule as { action?: { type?: unknown } })?.action?.type === "transition")
    );
  } catch {
    return false;
  }
}

function checkRegistryHost(caller: string, host: unknown): void {
  if (typeof host !== "string" || !REGISTRY_HOST.test(host)) {
    throw new InvalidArgumentError(
      caller,
      "pullThroughCacheRegistry",
      `${describeValue(host)} is not an ECR registry host`,
      'Use "<account>.dkr.ecr.<region>.amazonaws.com", e.g. EcrRegistryDefaults\' registryHost output.',
    );
  }
}

/** The namespace check of `replicaRetention: "policy"` on a known repository name. */
function checkNamespace(caller: string, repositoryName: string): void {
  if (!repositoryName.includes("/")) {
    throw new InvalidArgumentError(
      caller,
      "replicaRetention",
      `"policy" needs a repository creation template to reach the replicas of "${repositoryName}", and a template's prefix is a namespace ("p" applies to "p/..." only), so only a ROOT template, which shapes every repository ECR creates there, would`,
      `Name the repository with a namespace (repositoryName "team/${repositoryName}"), or set replicaRetention "none" (priced as unbounded growth).`,
    );
  }
}

/**
 * The registry-level args, resolved: defaults, and every plain value checked now, naming `caller`. Errors:
 * a value of the wrong kind or range; `replicaRetention: "policy"` with replication regions and a repository
 * name without a namespace (or none: auto-naming gives none); a replication region that is the plain
 * `costRegion` (replication needs another region); archive restores with a policy that archives nothing; a
 * `pullThroughCacheRegistry` that is not an ECR registry host (an Output: when it resolves).
 */
export function resolveRegistryCostSettings(
  args: RegistryCostSettings,
  caller: string,
  context: RegistryCostContext,
): RegistryCostResolved {
  const replicaRetention = oneOf(
    caller,
    "replicaRetention",
    args.replicaRetention,
    REPLICA_RETENTIONS,
    "none",
  );
  const replicating = context.replicationRegions.length > 0;
  if (replicating && replicaRetention === "policy") {
    if (context.repositoryName === undefined) {
      throw new InvalidArgumentError(
        caller,
        "replicaRetention",
        '"policy" needs a repository creation template to reach the replicas, and an auto-named repository has no namespace for its prefix',
        'Set repositoryName with a namespace (e.g. "team/app"), or set replicaRetention "none" (priced as unbounded growth).',
      );
    }
    if (typeof context.repositoryName === "string") checkNamespace(caller, context.repositoryName);
  }
  if (typeof context.costRegion === "string") {
    throwFirstProblem(
      caller,
      replicationRegionProblems(context.costRegion, context.replicationRegions, "costRegion"),
    );
  }
  const replicaHorizonMonths = numberArg(
    caller,
    "replicaHorizonMonths",
    args.replicaHorizonMonths,
    12,
    (value) => Number.isFinite(value) && value >= 1 && value <= COST_LIMITS.horizonMonths,
    `Use a number of months from 1 to ${COST_LIMITS.horizonMonths}.`,
  );
  const archiveRestoresPerMonth = numberArg(
    caller,
    "archiveRestoresPerMonth",
    args.archiveRestoresPerMonth,
    0,
    (value) => isFiniteNonNegative(value) && value <= COST_LIMITS.count,
    "Use a finite number >= 0.",
  );
  if (archiveRestoresPerMonth > 0 && !archives(context.lifecyclePolicyText)) {
    throw new InvalidArgumentError(
      caller,
      "archiveRestoresPerMonth",
      `got ${archiveRestoresPerMonth}, but the lifecycle policy archives no images (no rule with action "transition")`,
      "Leave it at 0, or give a lifecyclePolicy that archives images.",
    );
  }
  const pullThroughCacheBytes = numberArg(
    caller,
    "pullThroughCacheBytes",
    args.pullThroughCacheBytes,
    0,
    (value) => isFiniteNonNegative(value) && value <= COST_LIMITS.bytes,
    `Use a number of bytes from 0 to ${COST_LIMITS.bytes} (1 PiB).`,
  );
  // Compressed base images are megabytes: under 1 MiB is MiB written as bytes, as for maxImageSizeBytes
  // (new-user trial, 2026-12-06: pullThroughCacheBytes: 200 priced 200 bytes of cache).
  if (pullThroughCacheBytes > 0 && pullThroughCacheBytes < 2 ** 20) {
    const amount = pullThroughCacheBytes;
    throw new InvalidArgumentError(
      caller,
      "pullThroughCacheBytes",
      `${amount} bytes is under 1 MiB, smaller than any base image: MiB or MB written as bytes, most likely`,
      `Write it in bytes: ${amount} * 1024 ** 2 (${Math.round(amount * 2 ** 20)}) for ${amount} MiB, or ${amount} * 1000 ** 2 (${Math.round(amount * 1e6)}) for ${amount} MB; 0 when nothing is pulled through the cache.`,
    );
  }
  return {
    replicaRetention,
    replicaHorizonMonths,
    archiveRestoresPerMonth,
    pullThroughCacheBytes,
    pullThroughCacheRegistry: checkedInput(args.pullThroughCacheRegistry, (host) =>
      checkRegistryHost(caller, host),
    ) as pulumi.Input<string> | undefined,
  };
}

/** What the pipeline's replication outputs are computed from, once the repository exists. */
export interface PipelineReplicationInput {
  repositoryName: string;
  registryId: string;
  /** The repository's region. */
  region: string;
  replicationRegions: readonly string[];
  replicaRetention: ReplicaRetention;
  lifecyclePolicyText: string;
  /** The repository's mutable tags (`mutableTagFilters`, WILDCARD), which must move in the replica too. */
  mutableTagFilters: readonly string[];
}

/**
 * The rule this repository needs in the registry's replication configuration (its name as the PREFIX_MATCH
 * filter, one destination per region) and the REPLICATION creation template that gives its replicas its
 * lifecycle policy and tag mutability; both undefined without replication regions, the template undefined
 * when the name has no namespace and `replicaRetention` is `none`. Errors name `caller` and the arg:
 * `replicationRegions` (the repository's own region, found once the provider's region is known) and
 * `replicaRetention` (`policy` for a name without a namespace, found once an Output name resolves).
 */
export function pipelineReplication(
  caller: string,
  input: PipelineReplicationInput,
): { rule: ReplicationRule | undefined; template: RepositoryCreationTemplateInputs | undefined } {
  if (input.replicationRegions.length === 0) return { rule: undefined, template: undefined };
  if (input.replicaRetention === "policy") checkNamespace(caller, input.repositoryName);
  let rule: ReplicationRule;
  try {
    rule = replicationRuleFor({
      repositoryName: input.repositoryName,
      sourceRegion: input.region,
      registryId: input.registryId,
      replicationRegions: input.replicationRegions,
    }).rule;
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    throw new InvalidArgumentError(
      caller,
      error.key.startsWith("replicationRegions") ? "replicationRegions" : error.key,
      error.message,
      "Replicate to other priced regions only.",
    );
  }
  if (!input.repositoryName.includes("/")) return { rule, template: undefined };
  const { inputs } = replicationTemplateFor({
    repositoryName: input.repositoryName,
    lifecyclePolicy: input.lifecyclePolicyText,
    imageTagMutability: REPOSITORY_TAG_MUTABILITY,
    imageTagMutabilityExclusionFilters: input.mutableTagFilters,
  });
  return { rule, template: inputs };
}
