import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { formatLifecycleProblems } from "./lifecycle";
import { pullOnlyRepositoryPolicy } from "./settings/pull-policy";
import { resolveRepositorySettings, type EcrRepositoryArgs } from "./settings/repository";

/**
 * An ECR repository with sound defaults: scan on push, immutable tags except the cache tag and
 * `deployed-*`, AES256 (or KMS) encryption, no force delete, one validated lifecycle policy, an optional
 * pull-only repository policy and optional registry-level enhanced scanning. Its args and how they
 * resolve: ./settings/repository.ts.
 */
export class EcrRepository extends pulumi.ComponentResource {
  public readonly repository: aws.ecr.Repository;
  public readonly repositoryUrl: pulumi.Output<string>;
  public readonly repositoryArn: pulumi.Output<string>;
  public readonly repositoryName: pulumi.Output<string>;
  public readonly registryId: pulumi.Output<string>;
  /** The lifecycle policy JSON exactly as sent to ECR. */
  public readonly lifecyclePolicyText: pulumi.Output<string>;
  /** Validator warnings for the lifecycle policy (also logged). */
  public readonly lifecycleWarnings: pulumi.Output<string[]>;
  public readonly cacheTag: pulumi.Output<string>;

  constructor(name: string, args: EcrRepositoryArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    // Everything that can be wrong with plain args is found before the component is registered. Settings
    // EcrImagePipeline resolved and handed over resolve to themselves (idempotent), its errors named first.
    const settings = resolveRepositorySettings(args, "EcrRepository", name);
    super("ecr-pipeline:index:EcrRepository", name, {}, opts);

    const warnings = settings.lifecycleWarnings;
    const policyText = settings.lifecyclePolicyText;
    if (warnings.length > 0) {
      pulumi.log.warn(`lifecycle policy:\n${formatLifecycleProblems(warnings)}`, this);
    }

    this.repository = new aws.ecr.Repository(
      name,
      {
        name: settings.repositoryName,
        imageScanningConfiguration: { scanOnPush: settings.scanOnPush },
        // Immutable tags, except the tags that must move: the build caches (rewritten by every build;
        // `<cacheTag>*` includes the per-platform `<cacheTag>-<arch>`) and deployed-* markers. https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
        imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters: settings.mutableTagFilters.map((filter) => ({
          filter,
          filterType: "WILDCARD",
        })),
        encryptionConfigurations: [
          settings.kmsKeyArn === undefined
            ? { encryptionType: "AES256" }
            : { encryptionType: "KMS", kmsKey: settings.kmsKeyArn },
        ],
        forceDelete: settings.forceDelete,
        tags: settings.tags,
      },
      { parent: this },
    );

    new aws.ecr.LifecyclePolicy(
      `${name}-lifecycle`,
      { repository: this.repository.name, policy: policyText },
      { parent: this },
    );

    if (settings.pullPrincipalArns !== undefined) {
      new aws.ecr.RepositoryPolicy(
        `${name}-pull-policy`,
        {
          repository: this.repository.name,
          policy: pulumi.output(settings.pullPrincipalArns).apply((arns) => pullOnlyRepositoryPolicy(arns)),
        },
        { parent: this },
      );
    }

    if (settings.manageRegistryScanning && settings.scanningMode === "enhanced") {
      new aws.ecr.RegistryScanningConfiguration(
        `${name}-scanning`,
        {
          scanType: "ENHANCED",
          rules: [
            {
              scanFrequency: "SCAN_ON_PUSH",
              repositoryFilters: [{ filter: this.repository.name, filterType: "WILDCARD" }],
            },
          ],
        },
        { parent: this },
      );
    }

    this.repositoryUrl = this.repository.repositoryUrl;
    this.repositoryArn = this.repository.arn;
    this.repositoryName = this.repository.name;
    this.registryId = this.repository.registryId;
    this.lifecyclePolicyText = pulumi.output(policyText);
    this.lifecycleWarnings = pulumi.output(warnings.map((w) => formatLifecycleProblems([w])));
    this.cacheTag = pulumi.output(settings.cacheTag);

    this.registerOutputs({
      repositoryUrl: this.repositoryUrl,
      repositoryArn: this.repositoryArn,
      repositoryName: this.repositoryName,
      registryId: this.registryId,
      lifecyclePolicyText: this.lifecyclePolicyText,
      lifecycleWarnings: this.lifecycleWarnings,
      cacheTag: this.cacheTag,
    });
  }
}
