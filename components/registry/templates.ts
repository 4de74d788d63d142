/**
 * Inputs of `aws.ecr.RepositoryCreationTemplate`: the settings ECR gives a repository it creates itself (on
 * replication, pull through cache, create on push). Pure, no Pulumi (issue 20, items 1, 5 and 6).
 *
 * What decides the design (ECR API CreateRepositoryCreationTemplate,
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepositoryCreationTemplate.html, and the
 * user guide, repository-creation-templates.html; read 2026-12-06):
 * - `prefix` is a namespace: "a prefix of prod would apply to all repositories beginning with prod/ ... There is
 *   always an assumed / applied to the end of the prefix"; `ROOT` applies "to all repositories in your registry
 *   that don't have an associated creation template". A repository named `orders` (no namespace) can only be
 *   reached by ROOT.
 * - A template is a resource of one registry, and replication creates the replica in the DESTINATION registry,
 *   so the template must be registered in each destination region (pulumi-aws v7: the resource's `region`
 *   argument), before the first replicated push: "The settings in a repository creation template are only
 *   applied during repository creation and don't have any effect on existing repositories".
 * - Tag immutability "is evaluated in each region/registry separately" (aws/containers-roadmap#140, tested by a
 *   user): a replica created IMMUTABLE without this repository's exclusions would refuse the moving tags
 *   (`buildcache`, `deployed-*`), so the template carries the repository's own mutability and filters.
 * - KMS encryption or resource tags need `customRoleArn` ("Required if using repository tags or KMS
 *   encryption", @pulumi/aws RepositoryCreationTemplateArgs).
 * - terraform-provider-aws (repository_creation_template.go): `prefix` 2-256 characters matching
 *   `ROOT|(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*`, forces replacement; `description`
 *   at most 255; at most 5 exclusion filters; create fails if a template with the prefix exists (one template
 *   per prefix, so two stacks cannot silently share one).
 */
import { InvalidInputError } from "../common/errors";
import { renderLifecyclePolicy, type LifecycleRule } from "../lifecycle";
import { MAX_POLICY_TEXT_LENGTH } from "../lifecycle";
import { describeValue } from "../cost/validate";
import { checkRepositoryName, type RegistryWarning } from "./replication";

/** Where a template applies (ECR API, RCTAppliedFor). */
export const TemplateAppliedFor = {
  Replication: "REPLICATION",
  PullThroughCache: "PULL_THROUGH_CACHE",
  CreateOnPush: "CREATE_ON_PUSH",
} as const;
export type TemplateAppliedFor = (typeof TemplateAppliedFor)[keyof typeof TemplateAppliedFor];

/** The tag mutability settings a template copies (the values `aws.ecr.Repository` takes). */
export const ImageTagMutability = {
  Mutable: "MUTABLE",
  Immutable: "IMMUTABLE",
  ImmutableWithExclusion: "IMMUTABLE_WITH_EXCLUSION",
  MutableWithExclusion: "MUTABLE_WITH_EXCLUSION",
} as const;
export type ImageTagMutability = (typeof ImageTagMutability)[keyof typeof ImageTagMutability];

/** Exclusion filter types (ECR API ImageTagMutabilityExclusionFilter `filterType`: `WILDCARD` only). */
export const TagFilterType = { Wildcard: "WILDCARD" } as const;
export type TagFilterType = (typeof TagFilterType)[keyof typeof TagFilterType];

/** Encryption types of a template (ECR API EncryptionConfigurationForRepositoryCreationTemplate). */
export const TemplateEncryptionType = { Aes256: "AES256", Kms: "KMS", KmsDsse: "KMS_DSSE" } as const;
export type TemplateEncryptionType = (typeof TemplateEncryptionType)[keyof typeof TemplateEncryptionType];

/** A tag that keeps the other mutability (ECR API ImageTagMutabilityExclusionFilter). */
export interface TagExclusionFilter {
  filter: string;
  /**
   * Always `WILDCARD` ({@link TagFilterType}). Typed `string`: this type reaches component outputs, and
   * Pulumi's schema analyzer in the lowest SDK we support (3.248) refuses a one-member enum.
   */
  filterType: string;
}

export interface TemplateEncryption {
  encryptionType: TemplateEncryptionType;
  kmsKey?: string;
}

/** `aws.ecr.RepositoryCreationTemplate` arguments, as plain values. */
export interface RepositoryCreationTemplateInputs {
  prefix: string;
  appliedFors: TemplateAppliedFor[];
  description: string;
  lifecyclePolicy: string;
  imageTagMutability: ImageTagMutability;
  imageTagMutabilityExclusionFilters?: TagExclusionFilter[];
  encryptionConfigurations?: TemplateEncryption[];
  customRoleArn?: string;
}

const PREFIX = /^(?:ROOT|(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)$/;
const EXCLUSION_FILTER = /^[a-zA-Z0-9._*-]{1,128}$/;
const MAX_DESCRIPTION = 255;
const MAX_EXCLUSION_FILTERS = 5;

function checkPrefix(prefix: unknown, key: string): string {
  if (typeof prefix !== "string" || prefix.length < 2 || prefix.length > 256 || !PREFIX.test(prefix)) {
    throw new InvalidInputError(
      key,
      `${key} ${describeValue(prefix)} is not a template prefix: "ROOT", or a repository namespace of lowercase letters, digits and ._- separators joined by "/" (2-256 characters)`,
    );
  }
  return prefix;
}

function checkPolicy(policy: unknown, key: string): string {
  if (typeof policy !== "string" || policy.length > MAX_POLICY_TEXT_LENGTH) {
    throw new InvalidInputError(
      key,
      `${key} must be a lifecycle policy JSON text of at most ${MAX_POLICY_TEXT_LENGTH} characters`,
    );
  }
  try {
    const parsed = JSON.parse(policy) as { rules?: unknown };
    if (!Array.isArray(parsed.rules)) throw new Error("no rules");
  } catch {
    throw new InvalidInputError(
      key,
      `${key} must be a lifecycle policy JSON text with "rules" (renderLifecyclePolicy's output)`,
    );
  }
  return policy;
}

export interface ReplicationTemplateArgs {
  /** The source repository, whose replicas the template shapes. */
  repositoryName: string;
  /** The repository's lifecycle policy text (what its `aws.ecr.LifecyclePolicy` applies). */
  lifecyclePolicy: string;
  /** The repository's tag mutability, so that its moving tags also move in the replica. */
  imageTagMutability: ImageTagMutability;
  imageTagMutabilityExclusionFilters?: readonly string[];
  /** The replicas' encryption. Default AES256 (ECR's default). */
  encryption?: TemplateEncryption;
  /** Required with KMS encryption. */
  customRoleArn?: string;
  /**
   * The template prefix. Default: the repository's namespace (the name up to its last "/"). `ROOT` only when
   * given: it reaches every repository ECR creates in the destination registry.
   */
  prefix?: string;
}

/**
 * The creation template that gives this repository's replicas its lifecycle policy and tag mutability
 * (`appliedFors: ["REPLICATION"]`), to register in each destination region. Errors (InvalidInputError
 * naming the arg): a repository without a namespace and no explicit prefix, a prefix that is not the
 * repository's namespace (it would not reach the replica), KMS without `customRoleArn`, more than 5
 * exclusion filters or a filter ECR rejects. A ROOT prefix warns: it shapes every repository ECR creates there.
 */
export function replicationTemplateFor(args: ReplicationTemplateArgs): {
  inputs: RepositoryCreationTemplateInputs;
  warnings: RegistryWarning[];
} {
  const repositoryName = checkRepositoryName(args.repositoryName, "repositoryName");
  const slash = repositoryName.lastIndexOf("/");
  if (args.prefix === undefined && slash < 0) {
    throw new InvalidInputError(
      "prefix",
      `repositoryName "${repositoryName}" has no namespace: a creation template's prefix "p" applies only to repositories named "p/...", so only a ROOT template would reach its replica, and it would shape every repository ECR creates in that registry. Fix: name the repository "<team>/${repositoryName}", pass prefix "ROOT" knowingly, or create the replica repository in each destination with this lifecycle policy before replicating.`,
    );
  }
  const prefix = checkPrefix(args.prefix ?? repositoryName.slice(0, slash), "prefix");
  if (prefix !== "ROOT" && !repositoryName.startsWith(`${prefix}/`)) {
    throw new InvalidInputError(
      "prefix",
      `prefix "${prefix}" does not reach "${repositoryName}": a template applies to repositories named "${prefix}/..." only. Fix: use the repository's namespace "${slash < 0 ? "ROOT" : repositoryName.slice(0, slash)}".`,
    );
  }
  const lifecyclePolicy = checkPolicy(args.lifecyclePolicy, "lifecyclePolicy");
  const filters = args.imageTagMutabilityExclusionFilters ?? [];
  if (filters.length > MAX_EXCLUSION_FILTERS) {
    throw new InvalidInputError(
      "imageTagMutabilityExclusionFilters",
      `imageTagMutabilityExclusionFilters has ${filters.length} filters; a template takes at most ${MAX_EXCLUSION_FILTERS}`,
    );
  }
  filters.forEach((filter, index) => {
    if (
      typeof filter !== "string" ||
      !EXCLUSION_FILTER.test(filter) ||
      (filter.match(/\*/g) ?? []).length > 2
    ) {
      throw new InvalidInputError(
        `imageTagMutabilityExclusionFilters[${index}]`,
        `imageTagMutabilityExclusionFilters[${index}] ${describeValue(filter)} is not an exclusion filter: 1-128 of a-z A-Z 0-9 . _ - *, at most 2 "*"`,
      );
    }
  });
  const withExclusions = args.imageTagMutability.endsWith("_WITH_EXCLUSION");
  if (withExclusions !== filters.length > 0) {
    throw new InvalidInputError(
      "imageTagMutabilityExclusionFilters",
      withExclusions
        ? `imageTagMutability ${args.imageTagMutability} needs the exclusion filters the repository uses`
        : `imageTagMutabilityExclusionFilters apply only with IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION, not ${args.imageTagMutability}`,
    );
  }
  const encryption = args.encryption;
  if (
    encryption !== undefined &&
    encryption.encryptionType !== "AES256" &&
    args.customRoleArn === undefined
  ) {
    throw new InvalidInputError(
      "customRoleArn",
      `encryption ${encryption.encryptionType} needs customRoleArn: ECR creates the replica with that role ("Required if using repository tags or KMS encryption"). Fix: pass an IAM role ARN the template may use (ECR user guide, repository-creation-templates-create-iam.html).`,
    );
  }
  const inputs: RepositoryCreationTemplateInputs = {
    prefix,
    appliedFors: [TemplateAppliedFor.Replication],
    description:
      `Replicas of ${repositoryName}: its lifecycle policy and tag mutability (ecr-pipeline)`.slice(
        0,
        MAX_DESCRIPTION,
      ),
    lifecyclePolicy,
    imageTagMutability: args.imageTagMutability,
  };
  if (filters.length > 0)
    inputs.imageTagMutabilityExclusionFilters = filters.map((filter) => ({ filter, filterType: "WILDCARD" }));
  if (encryption !== undefined) inputs.encryptionConfigurations = [{ ...encryption }];
  if (args.customRoleArn !== undefined) inputs.customRoleArn = args.customRoleArn;
  const warnings: RegistryWarning[] =
    prefix === "ROOT"
      ? [
          {
            key: "prefix",
            message: `prefix "ROOT" gives ${repositoryName}'s lifecycle policy to every repository ECR creates by replication in the destination registry that no other template matches, not only to ${repositoryName}'s replica.`,
          },
        ]
      : [];
  return { inputs, warnings };
}

/** A template a pipeline asks for, named after who asked. */
export interface RequestedTemplate {
  requestedBy: string;
  /** The destination region the template is registered in. */
  region: string;
  inputs: RepositoryCreationTemplateInputs;
}

/**
 * One template per region and prefix, as ECR allows: identical requests collapse into one; requests for the
 * same prefix and region that differ in anything are an error naming both requesters (two pipelines cannot
 * both decide what their namespace's replicas keep).
 */
export function mergeCreationTemplates(requested: readonly RequestedTemplate[]): RequestedTemplate[] {
  const byKey = new Map<string, RequestedTemplate>();
  requested.forEach((request, index) => {
    const key = `${request.region} ${request.inputs.prefix}`;
    const first = byKey.get(key);
    if (first === undefined) {
      byKey.set(key, request);
      return;
    }
    const same =
      JSON.stringify({ ...first.inputs, description: "" }) ===
      JSON.stringify({ ...request.inputs, description: "" });
    if (!same) {
      throw new InvalidInputError(
        `requested[${index}]`,
        `${request.requestedBy} and ${first.requestedBy} both need the creation template "${request.inputs.prefix}" in ${request.region} with different settings; ECR keeps one template per prefix. Fix: give each its own namespace, or the same lifecycle policy and mutability.`,
      );
    }
  });
  return [...byKey.values()];
}

/**
 * The tag mutability EcrRepository gives the repositories it creates (components/repository.ts): immutable,
 * except the tags that must move (`mutableTagFilters` of ../settings/repository.ts: the cache tags and
 * `deployed-*`). A template copies it so that a repository ECR creates behaves the same way.
 */
export const REPOSITORY_TAG_MUTABILITY = "IMMUTABLE_WITH_EXCLUSION" satisfies ImageTagMutability;

/**
 * The creation template for repositories ECR creates when an image is pushed to a repository that does not
 * exist (`appliedFors: ["CREATE_ON_PUSH"]`, ECR API RCTAppliedFor; create on push since 2025-12-19,
 * aws/containers-roadmap#853): the lifecycle policy and tag mutability EcrRepository would give it, as the
 * repository's own resolver renders them. The settings apply only when ECR creates the repository ("don't
 * have any effect on existing repositories", repository-creation-templates.html). Errors (InvalidInputError
 * naming the arg): a bad prefix or policy, more than 5 exclusion filters.
 */
export function createOnPushTemplateFor(
  prefix: string,
  lifecyclePolicy: string,
  mutableTagFilters: readonly string[],
): RepositoryCreationTemplateInputs {
  const checkedPrefix = checkPrefix(prefix, "createOnPushPrefix");
  if (mutableTagFilters.length > MAX_EXCLUSION_FILTERS) {
    throw new InvalidInputError(
      "createOnPushPrefix",
      `the create-on-push template would take ${mutableTagFilters.length} exclusion filters; a template takes at most ${MAX_EXCLUSION_FILTERS}`,
    );
  }
  return {
    prefix: checkedPrefix,
    appliedFors: [TemplateAppliedFor.CreateOnPush],
    description:
      `Repositories created on push under ${prefix === "ROOT" ? "any prefix no other template matches" : `${prefix}/`} (ecr-pipeline)`.slice(
        0,
        MAX_DESCRIPTION,
      ),
    lifecyclePolicy: checkPolicy(lifecyclePolicy, "lifecyclePolicy"),
    imageTagMutability: REPOSITORY_TAG_MUTABILITY,
    imageTagMutabilityExclusionFilters: mutableTagFilters.map((filter) => ({
      filter,
      filterType: "WILDCARD" as const,
    })),
  };
}

/**
 * The lifecycle rule a pull-through cache repository gets by default: untagged images (versions a moving
 * upstream tag left behind when the cache refreshed it) expire after `untaggedDays` days. Tags stay: a build
 * may pin any of them.
 */
export function pullThroughCacheLifecycleRules(untaggedDays = 7): LifecycleRule[] {
  return [
    {
      rulePriority: 1,
      description: `expire cached images no tag points at any more after ${untaggedDays} days`,
      selection: {
        tagStatus: "untagged",
        countType: "sinceImagePushed",
        countUnit: "days",
        countNumber: untaggedDays,
      },
      action: { type: "expire" },
    },
  ];
}

/**
 * The creation template for the repositories a pull-through cache rule creates under `prefix`
 * ("When using a pull through cache rule, the repository prefix you specify during rule creation is what you
 * should specify as your repository creation template prefix as well", CreateRepositoryCreationTemplate):
 * MUTABLE (the cache moves a tag when upstream moves it) and a lifecycle policy, by default
 * `pullThroughCacheLifecycleRules()`.
 */
export function pullThroughCacheTemplateFor(
  prefix: string,
  lifecyclePolicy: string = renderLifecyclePolicy(pullThroughCacheLifecycleRules()),
): RepositoryCreationTemplateInputs {
  return {
    prefix: checkPrefix(prefix, "prefix"),
    appliedFors: [TemplateAppliedFor.PullThroughCache],
    description: `Pull-through cache repositories under ${prefix}/ (ecr-pipeline)`.slice(0, MAX_DESCRIPTION),
    lifecyclePolicy: checkPolicy(lifecyclePolicy, "lifecyclePolicy"),
    imageTagMutability: "MUTABLE",
  };
}
