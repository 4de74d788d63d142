// Registry-level resource inputs (issue 20): replication rules merged without dropping another stack's,
// repository creation templates, pull-through cache rules. Pure: plain values in, plain values out; a
// component registers them.
export {
  REPLICATION_LIMITS,
  REPOSITORY_NAME,
  checkRepositoryName,
  mergeReplicationRules,
  replicationRuleFor,
  replicationRulesFromDescribeRegistry,
  type RegistryWarning,
  type ReplicationDestination,
  type ReplicationRepositoryFilter,
  type ReplicationRule,
  type ReplicationRuleArgs,
  type RequestedRule,
} from "./replication";
export {
  REPOSITORY_TAG_MUTABILITY,
  TemplateAppliedFor,
  createOnPushTemplateFor,
  mergeCreationTemplates,
  pullThroughCacheLifecycleRules,
  pullThroughCacheTemplateFor,
  replicationTemplateFor,
  type ImageTagMutability,
  type ReplicationTemplateArgs,
  type RepositoryCreationTemplateInputs,
  type RequestedTemplate,
  type TemplateEncryption,
} from "./templates";
export {
  cachedReferenceOf,
  pullThroughCacheFor,
  pullThroughUpstreamOf,
  splitImageReference,
  type PullThroughCachePlan,
  type PullThroughCacheRuleInputs,
  type PullThroughUpstream,
  type SplitReference,
} from "./pull-through-cache";

export {
  PULL_THROUGH_UPSTREAMS,
  registryDefaultsPlan,
  type PlannedPullThroughCache,
  type PlannedTemplate,
  type RegistryDefaultsInput,
  type RegistryDefaultsPlan,
} from "./defaults";

/** `aws.ecr.AccountSetting` inputs that turn blob mounting on (ECR API PutAccountSetting, name BLOB_MOUNTING). */
export const BLOB_MOUNTING_SETTING = Object.freeze({ name: "BLOB_MOUNTING", value: "ENABLED" } as const);
