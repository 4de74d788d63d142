import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { handedOver, resolveRepositorySettings, type ScanningMode } from "./settings/defaults";
import { formatLifecycleProblems, type LifecyclePresetName } from "./lifecycle";
import { pullOnlyRepositoryPolicy } from "./settings/pull-policy";

/** How the repository is set up: shared by EcrRepository and EcrImagePipeline (one definition, one doc). */
export interface RepositorySettings {
  /**
   * Repository name (lower case; `/` groups it into a namespace, e.g. `team/app`).
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
   * Principals (account ids or IAM ARNs) allowed to pull (and only pull) from this repository.
   * @default undefined (no repository policy: only the owning account's IAM policies apply)
   */
  pullPrincipalArns?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Scanning mode the team pays for. `enhanced` (Amazon Inspector) is a registry-wide setting; it is
   * only created here when `manageRegistryScanning` is true.
   * @default "basic"
   */
  scanningMode?: ScanningMode;
  /**
   * Create the account-and-region-wide `aws.ecr.RegistryScanningConfiguration` for `scanningMode`,
   * with a filter on this repository. Only one stack per account and region may own it.
   * @default false
   */
  manageRegistryScanning?: boolean;
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
}

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
    // Everything that can be wrong with plain args is found before the component is registered; settings
    // EcrImagePipeline resolved and handed over are taken as they are (./defaults.ts `handedOver`).
    const settings = handedOver("repository", args, (own) =>
      resolveRepositorySettings(own, "EcrRepository", name),
    );
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
