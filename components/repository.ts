import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { allResolved } from "./common/outputs";
import { ReportTarget } from "./common/reported-error";
import { formatLifecycleProblems } from "./lifecycle";
import { warningLine } from "./settings/args";
import { pullOnlyRepositoryPolicy } from "./settings/pull-policy";
import { scanFilterMatches } from "./settings/registry-scanning";
import { resolveRepositorySettings, type EcrRepositoryArgs } from "./settings/repository";

/**
 * An ECR repository with sound defaults: scan on push, immutable tags except the cache tag, `deployed-*`
 * and the moving names of `mutableTags`, AES256 (or KMS) encryption, no force delete, one validated
 * lifecycle policy, an optional pull-only repository policy and an optional registry scanning
 * configuration that keeps every repository scanned. Its args and how they resolve:
 * ./settings/repository.ts.
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
    const report = new ReportTarget();
    const settings = resolveRepositorySettings(args, "EcrRepository", name, { report });
    super("ecr-pipeline:index:EcrRepository", name, {}, opts);
    report.attach(this);

    const warnings = settings.lifecycleWarnings;
    const policyText = settings.lifecyclePolicyText;
    if (warnings.length > 0) {
      pulumi.log.warn(`lifecycle policy:\n${formatLifecycleProblems(warnings)}`, this);
    }
    for (const warning of settings.registryScanning.warnings) pulumi.log.warn(warningLine(warning), this);
    // An Output-valued arg is checked when it resolves: the repository waits for it, so nothing is
    // registered for a bad one (issue 18 item 4).
    const checked = allResolved([settings.pullPrincipalArns, settings.repositoryName]);

    this.repository = new aws.ecr.Repository(
      name,
      {
        name: settings.repositoryName,
        imageScanningConfiguration: { scanOnPush: settings.scanOnPush },
        // Immutable tags, except the tags that must move: the build caches (rewritten by every build;
        // `<cacheTag>*` includes the per-platform `<cacheTag>-<arch>`), deployed-* markers and the moving
        // names of mutableTags (./buildkit/tag-policy.ts). https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
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
      { parent: this, ...(checked === undefined ? {} : { dependsOn: checked }) },
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

    // The account-and-Region configuration, written whole (PutRegistryScanningConfiguration): it covers
    // every repository unless registryScanFilters names others (./settings/registry-scanning.ts).
    const scanning = settings.registryScanning.configuration;
    if (scanning !== undefined) {
      new aws.ecr.RegistryScanningConfiguration(`${name}-scanning`, scanning, { parent: this });
      // An auto-named repository: whether the filters cover it is known once the name is.
      if (typeof settings.repositoryName !== "string" && args.registryScanFilters !== undefined) {
        const filters = scanning.rules.flatMap((rule) => rule.repositoryFilters.map((f) => f.filter));
        this.repository.name.apply((repositoryName) => {
          if (!filters.some((filter) => scanFilterMatches(filter, repositoryName)))
            pulumi.log.warn(
              `registryScanFilters ${JSON.stringify(filters)} does not match this repository ${JSON.stringify(repositoryName)}, so its images will not be scanned. Add a filter that matches it, or leave registryScanFilters unset to scan every repository.`,
              this,
            );
          return repositoryName;
        });
      }
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
