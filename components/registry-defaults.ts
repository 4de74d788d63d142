import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BLOB_MOUNTING_SETTING, type ReplicationRule } from "./registry";
import { resolveRegistryDefaultsSettings, type EcrRegistryDefaultsArgs } from "./settings/registry-defaults";
import type { RegistrySetting } from "./fleet";

/**
 * The registry-wide settings of one account and region, owned by one platform stack (issue 20, items 1, 5,
 * 6): the replication configuration (the rules the registry holds now plus the rules pipelines need, never
 * dropping one), the REPLICATION creation templates that give replicas their source's lifecycle policy, an
 * optional CREATE_ON_PUSH template shaped like EcrRepository, pull-through cache rules for public base images
 * with their templates, and the BLOB_MOUNTING account setting. Its args and how they resolve:
 * ./settings/registry-defaults.ts; what it registers, exactly: ./registry/defaults.ts.
 */
export class EcrRegistryDefaults extends pulumi.ComponentResource {
  /** The replication configuration's rules as registered (empty when it is not managed here). */
  public readonly replicationRules: pulumi.Output<ReplicationRule[]>;
  /** `<account>.dkr.ecr.<region>.amazonaws.com`: pipelines' `pullThroughCacheRegistry`. */
  public readonly registryHost: pulumi.Output<string>;
  /** Each `pullThroughCacheImages` reference → the reference to build FROM through its cache rule. */
  public readonly cachedReferences: pulumi.Output<Record<string, string>>;
  /** The blob-mounting setting of this registry, as EcrFleetCost's `registries` takes it. */
  public readonly registrySetting: pulumi.Output<RegistrySetting>;
  /** Problems that do not block (a rule overlapping another, a ROOT template), naming the arg; also logged. */
  public readonly warnings: pulumi.Output<string[]>;

  constructor(name: string, args: EcrRegistryDefaultsArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every arg checked and every resource planned before anything is registered.
    const settings = resolveRegistryDefaultsSettings(args, "EcrRegistryDefaults", name);
    const { plan, region } = settings;
    super("ecr-pipeline:index:EcrRegistryDefaults", name, {}, opts);

    const warnings = plan.warnings.map((warning) => `${warning.key}: ${warning.message}`);
    for (const warning of warnings) pulumi.log.warn(warning, this);

    // Templates first: "The settings in a repository creation template are only applied during repository
    // creation" (repository-creation-templates.html), so a replica or cached repository created before its
    // template would keep ECR's defaults (no lifecycle policy) for good. The configuration and the cache rules
    // wait for them.
    const templates = plan.templates.map(
      (template) =>
        new aws.ecr.RepositoryCreationTemplate(
          `${name}-template-${template.region}-${template.inputs.prefix}`,
          { ...template.inputs, region: template.region },
          { parent: this },
        ),
    );
    for (const cache of plan.pullThroughCaches) {
      const prefix = cache.rule.ecrRepositoryPrefix;
      const template = new aws.ecr.RepositoryCreationTemplate(
        `${name}-pull-through-${prefix}-template`,
        { ...cache.template, region },
        { parent: this },
      );
      new aws.ecr.PullThroughCacheRule(
        `${name}-pull-through-${prefix}`,
        { ...cache.rule, region },
        { parent: this, dependsOn: [template] },
      );
    }
    if (plan.replicationRules !== undefined) {
      // One configuration per registry, written whole (PutReplicationConfiguration). retainOnDelete: the
      // provider's delete writes `rules: []` (terraform-provider-aws replication_configuration.go), which
      // would stop replication for every repository of the registry, other stacks' included.
      new aws.ecr.ReplicationConfiguration(
        `${name}-replication`,
        { region, replicationConfiguration: { rules: plan.replicationRules } },
        { parent: this, retainOnDelete: true, dependsOn: templates },
      );
    }
    if (plan.blobMounting) {
      // PutAccountSetting (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutAccountSetting.html);
      // the provider's delete is a no-op (terraform-provider-aws account_setting.go, framework.WithNoOpDelete).
      new aws.ecr.AccountSetting(
        `${name}-blob-mounting`,
        { region, name: BLOB_MOUNTING_SETTING.name, value: BLOB_MOUNTING_SETTING.value },
        { parent: this },
      );
    }

    this.replicationRules = pulumi.output(plan.replicationRules ?? []);
    this.registryHost = pulumi.output(plan.registryHost);
    this.cachedReferences = pulumi.output(plan.cachedReferences);
    this.registrySetting = pulumi.output({
      registryId: settings.registryId,
      region,
      blobMounting: plan.blobMounting,
    });

    this.warnings = pulumi.output(warnings);

    this.registerOutputs({
      replicationRules: this.replicationRules,
      registryHost: this.registryHost,
      cachedReferences: this.cachedReferences,
      registrySetting: this.registrySetting,
      warnings: this.warnings,
    });
  }
}
