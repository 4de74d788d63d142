import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { contentTagFromHash } from "./buildkit/refs";
import { firstKnown } from "./common/outputs";
import type { KnownImageSize } from "./common/size-basis";
import type { CostEstimate } from "./cost";
import {
  comparedImage,
  compareCosts,
  costChangeLines,
  deployedImageSize,
  deployedUnknown,
  planDeployedLookup,
  type CostChange,
  type DeployedLookup,
  type TagLookup,
} from "./cost/comparison";
import { costFor, type CostForInput } from "./cost/pipeline-cost";
import type { MeasuredLayers } from "./cost/storage";
import type { DockerfileFinding } from "./dockerfile";
import { analyzeBuildDockerfile } from "./dockerfile/build";
import { BuildKitImage, buildContextHashOf, dockerfileOf } from "./image";
import { EcrRepository } from "./repository";
import { regionFromProvider } from "./settings/cost";
import { resolvePipelineSettings, type EcrImagePipelineArgs } from "./settings/pipeline";
import { evaluateSizeBudget, type SizeBudgetVerdict } from "./size/budget";
import { ecrLookupFailed, ecrSizeLookup, withFallbackReason, type EcrSizeLookup } from "./size/ecr-size";
import { ImageSizeEstimate } from "./size/estimate-resource";
// Issue 20: what the registry's owner registers for this repository, and its place in the fleet bill.
import { fleetMemberOf, type FleetMemberOutput } from "./fleet";
import type { ReplicationRule, RepositoryCreationTemplateInputs } from "./registry";
import { pipelineReplication } from "./settings/registry-cost";

/**
 * The whole pipeline: an ECR repository with lifecycle policy, a BuildKit image pushed to it by digest,
 * the image size as ECR bills it, a monthly cost estimate known in preview, Dockerfile findings and a
 * size budget. Its args and how they resolve: ./settings/pipeline.ts.
 */
export class EcrImagePipeline extends pulumi.ComponentResource {
  public readonly repositoryUrl: pulumi.Output<string>;
  public readonly repositoryArn: pulumi.Output<string>;
  public readonly repositoryName: pulumi.Output<string>;
  public readonly imageDigest: pulumi.Output<string>;
  /** `<repositoryUrl>@sha256:…`: deploy this. */
  public readonly imageUri: pulumi.Output<string>;
  public readonly imageTags: pulumi.Output<string[]>;
  /**
   * Compressed size ECR reports for the pushed digest (what ECR bills). Unknown in preview for a changed
   * image; undefined when getImage reports no size or cannot find the digest (imageSize then says why).
   */
  public readonly imageSizeBytes: pulumi.Output<number | undefined>;
  /** The best size known now, with its basis (`ecr`, `estimate` or `budget`). Known in preview. */
  public readonly imageSize: pulumi.Output<KnownImageSize>;
  /** Estimated monthly ECR cost (storage, transfer, scanning, replication). Known in preview. */
  public readonly monthlyCost: pulumi.Output<CostEstimate>;
  /**
   * `monthlyCost` as a readable table with its assumptions and size basis, then `costChange` (one line
   * each for size, stored bytes and monthly USD when compared). Known in preview.
   */
  public readonly costReport: pulumi.Output<string>;
  /**
   * The deployed image (basis `ecr`) next to this change (basis `estimate`), each priced alike, with the
   * differences (`change − deployed`), when a preview changes the image; otherwise `status` and `note`
   * say why nothing is compared (unchanged, first deployment, deployed image not found). Known in preview.
   */
  public readonly costChange: pulumi.Output<CostChange>;
  /** Dockerfile analyzer findings for the built target (each is also logged on this component). */
  public readonly findings: pulumi.Output<DockerfileFinding[]>;
  /** Size-budget verdict: `ok`, `warn`, `fail` (the program stops) or `unchecked`, with a message. */
  public readonly sizeBudget: pulumi.Output<SizeBudgetVerdict>;
  /**
   * The replication rule this repository needs (its name as the PREFIX_MATCH filter, one destination per
   * `replicationRegions` entry), for EcrRegistryDefaults' `replicationRules`; undefined without replication.
   */
  public readonly replicationRule: pulumi.Output<ReplicationRule | undefined>;
  /**
   * The REPLICATION creation template that gives the replicas this repository's lifecycle policy and tag
   * mutability (prefix: the repository's namespace), for EcrRegistryDefaults' `replicationTemplates`;
   * undefined without replication or without a namespace.
   */
  public readonly replicationTemplate: pulumi.Output<RepositoryCreationTemplateInputs | undefined>;
  /** This repository (blobs by digest, its own bytes) and its estimate, for EcrFleetCost's `members`. */
  public readonly fleetMember: pulumi.Output<FleetMemberOutput>;

  constructor(name: string, args: EcrImagePipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every arg resolved and checked before anything is registered (./settings/pipeline.ts), errors named
    // EcrImagePipeline; from here on only `settings` is read.
    const settings = resolvePipelineSettings(args, "EcrImagePipeline", name);
    // The image's settings (how it is built) and the size budget, as resolved.
    const { image: build, budget } = settings;
    super("ecr-pipeline:index:EcrImagePipeline", name, {}, opts);

    // Children are not exposed as properties: component outputs must be values or provider resources
    // (Pulumi's component schema analyzer cannot describe a local component as an output). Each is handed
    // its settings as resolved above as its args, and resolves them to the same settings.
    const repository = new EcrRepository(`${name}-repo`, settings.repository, { parent: this });

    const dockerfile = dockerfileOf(build);
    // The context hash names the content tag and keys the size estimate; computed once here, from the
    // settings handed to BuildKitImage, as BuildKitImage would compute it on its own.
    const contextHash = buildContextHashOf(build, dockerfile);

    // The pull-through cache registry, when given (issue 20); unknown counts as not given.
    const pullThroughCacheRegistry = firstKnown<string | undefined>(
      [settings.registryCost.pullThroughCacheRegistry],
      undefined,
    );
    this.findings = pulumi
      .all([build.context, dockerfile, build.target, pullThroughCacheRegistry])
      .apply(([context, file, target, cacheRegistry]) => {
        const findings = analyzeBuildDockerfile(context, file, target, build.platforms, undefined, {
          pullThroughCacheRegistry: cacheRegistry,
        });
        // Shown in `pulumi preview` on this component: warnings and errors as warnings, hints as info.
        for (const finding of findings) {
          const line = `${file}:${finding.line} [${finding.id}] ${finding.message} Fix: ${finding.fix}`;
          if (finding.severity === "info") pulumi.log.info(line, this);
          else pulumi.log.warn(line, this);
        }
        return findings;
      });

    // The size budget's verdict on a size (size/budget.ts), with the rule as resolved.
    const budgetVerdict = (size: KnownImageSize, findings: DockerfileFinding[]): SizeBudgetVerdict =>
      evaluateSizeBudget({ sizeBytes: size.bytes, basis: size.basis, ...budget.rule, findings });

    const estimate = settings.estimateSize
      ? new ImageSizeEstimate(
          `${name}-size-estimate`,
          {
            context: build.context,
            dockerfile,
            target: build.target,
            buildArgs: build.buildArgs,
            platforms: settings.estimatePlatforms,
            compression: build.compression,
            contextHash,
            cache: build.cache,
          },
          { parent: this },
        )
      : undefined;

    // A failing budget stops the deployment before anything is pushed: the image waits for this gate,
    // which rejects when the pre-push estimate is over budget (the ECR size is only known after the push).
    const pushGate =
      estimate === undefined
        ? undefined
        : pulumi
            .all([estimatedSize(estimate.sizeBytes, estimate.note), this.findings])
            .apply(([size, findings]) => {
              if (size === undefined) return [estimate];
              const verdict = budgetVerdict(size, findings);
              if (verdict.status === "fail") {
                throw new Error(`EcrImagePipeline ${name}: not pushing the image: ${verdict.message}`);
              }
              return [estimate];
            });

    const image = new BuildKitImage(
      `${name}-image`,
      {
        ...build,
        repositoryUrl: repository.repositoryUrl,
        registryId: repository.registryId,
        dockerfile,
        contentTag: contextHash.apply(contentTagFromHash),
      },
      { parent: this, dependsOn: pushGate },
    );

    this.repositoryUrl = repository.repositoryUrl;
    this.repositoryArn = repository.repositoryArn;
    this.repositoryName = repository.repositoryName;
    this.imageDigest = image.digest;
    this.imageUri = image.imageUri;
    this.imageTags = image.imageTags;

    // What ECR bills: imageSizeInBytes of the pushed digest. Known in preview when the image is unchanged
    // (its digest comes from state), unknown when it is about to be rebuilt. Read with the promise form of
    // the invoke inside an apply on the digest, so a lookup that fails can fall back: the Output form
    // (getImageOutput) resolves the Output itself with the invoke's error (invokeOutput's `.catch` in
    // @pulumi/pulumi runtime/invoke.js), which fails every output built on it and the component's
    // registerOutputs, while the promise form (`invoke`) simply rejects (a provider error becomes
    // `new Error(err.details)`, engine failures `Invoke of '<tok>' failed: …`), and is caught here.
    const ecrLookup = pulumi
      .all([repository.repositoryName, image.digest])
      .apply(([repositoryName, imageDigest]) =>
        aws.ecr.getImage({ repositoryName, imageDigest }, { parent: this }).then(
          (found): EcrSizeLookup => ecrSizeLookup(imageDigest, found.imageSizeInBytes),
          (error: unknown) => ecrLookupFailed(repositoryName, imageDigest, error),
        ),
      );
    this.imageSizeBytes = ecrLookup.apply((lookup) => lookup.size?.bytes);
    // Why ECR's size is not used, once the lookup ran (unknown lookups, e.g. a changed image in preview,
    // give no reason: the fallback notes already say so).
    const ecrMissing = firstKnown<string | undefined>(
      [ecrLookup.apply((lookup) => lookup.missing)],
      undefined,
    );
    const bestKnown = firstKnown<KnownImageSize | undefined>(
      [
        ecrLookup.apply((lookup) => lookup.size),
        estimate === undefined ? undefined : estimatedSize(estimate.sizeBytes, estimate.note),
      ],
      undefined,
    );
    this.imageSize = pulumi
      .all([bestKnown, ecrMissing])
      .apply(([size, missing]) => withFallbackReason(size ?? budget.standIn, missing));

    // The provider's region may come back without a value too: regionFromProvider falls back with a note.
    const region =
      settings.costRegion ??
      pulumi.output(
        aws.getRegion({}, { parent: this }).then(
          (result) => providerRegion(regionFromProvider(result), this),
          () => providerRegion(regionFromProvider(undefined), this),
        ),
      );
    // The estimate's layer structure (kept in its state, so the `ecr` basis after deploy uses it too).
    // Unknown (an estimate state written before these outputs existed keeps its old outputs for an unchanged
    // image, and a missing output is unknown in preview, @pulumi/pulumi runtime/rpc.js) counts as "not
    // measured": the whole-image model, never an unknown cost.
    const measuredLayers: pulumi.Output<MeasuredLayers | undefined> =
      estimate === undefined
        ? pulumi.output(undefined)
        : firstKnown<MeasuredLayers | undefined>(
            [
              pulumi
                .all([
                  estimate.platformLayers,
                  estimate.cacheBlobs,
                  estimate.renewedLayers,
                  estimate.renewedCacheBlobs,
                ])
                .apply(([platformLayers, cacheBlobs, renewed, cacheRenewed]) =>
                  platformLayers === undefined ||
                  platformLayers === null ||
                  renewed === undefined ||
                  renewed === null
                    ? undefined
                    : {
                        platforms: platformLayers,
                        cache: cacheBlobs ?? [],
                        renewed,
                        cacheRenewed: cacheRenewed ?? [],
                      },
                ),
            ],
            undefined,
          );
    const costInput = pulumi
      .all([this.imageSize, region, repository.lifecyclePolicyText, measuredLayers])
      .apply(([size, costRegion, policy, layers]): CostForInput => ({
        size,
        region: costRegion,
        policy,
        usage: settings,
        scanningMode: settings.repository.scanningMode,
        platforms: build.platforms.length,
        // Layers describe a measured build: not for a budget stand-in.
        layers: size.basis === "budget" ? undefined : layers,
        cacheTag: build.cacheTag,
        // Issue 20: replicas under their own lifecycle (or unbounded), archive restores, the cached bases.
        replicaRetention: settings.registryCost.replicaRetention,
        replicaHorizonMonths: settings.registryCost.replicaHorizonMonths,
        archiveRestoresPerMonth: settings.registryCost.archiveRestoresPerMonth,
        pullThroughCacheBytes: settings.registryCost.pullThroughCacheBytes,
      }));
    const cost = costInput.apply(costFor);
    this.monthlyCost = cost.estimate;

    // What a reviewer sees in preview when the image changes (issue 10, item 5): the deployed image next
    // to this change. The image's digest is unknown then, but the size estimate's `deployedContextHash`
    // is known: its provider's `check` returns it, and a preview shows what check returns
    // (components/size/estimate-resource.ts). Unknown (or a state written before it existed) means
    // "not compared", never an unknown report: firstKnown turns it into undefined.
    const deployedContextHash = firstKnown<string | undefined>([estimate?.deployedContextHash], undefined);
    const deployedCompression = firstKnown<string | undefined>([estimate?.deployedCompression], undefined);
    // The deployed build's own layers price its storage; none known (older state) means the whole-image model.
    const deployedLayers = firstKnown<MeasuredLayers | null | undefined>(
      [estimate?.deployedLayers],
      undefined,
    );
    const plan = pulumi
      .all([deployedContextHash, deployedCompression, contextHash])
      .apply(([deployed, compression, hash]) =>
        planDeployedLookup(deployed, hash, build.platforms, settings.estimateSize, {
          deployed: compression,
          current: build.compression,
        }),
      );
    this.costChange = plan.apply((next): pulumi.Output<CostChange> =>
      next.lookup === undefined
        ? pulumi.output(next.result)
        : pulumi
            .all([repository.repositoryName, costInput, cost.estimate, deployedLayers])
            .apply(([repositoryName, input, changeEstimate, layers]) =>
              deployedCostChange(repositoryName, next.lookup, input, changeEstimate, layers, this),
            ),
    );
    this.costReport = pulumi
      .all([cost.report, firstKnown<CostChange | undefined>([this.costChange], undefined)])
      .apply(([report, change]) =>
        change === undefined ? report : [report, ...costChangeLines(change)].join("\n"),
      );

    this.sizeBudget = pulumi.all([this.imageSize, this.findings]).apply(([size, findings]) => {
      const verdict = budgetVerdict(size, findings);
      if (verdict.status === "fail") throw new Error(`EcrImagePipeline ${name}: ${verdict.message}`);
      if (verdict.status === "warn") pulumi.log.warn(verdict.message, this);
      return verdict;
    });

    // Issue 20: what the registry's owner registers for this repository (EcrRegistryDefaults), and this
    // repository in the fleet bill (EcrFleetCost). Computed once the repository's name and account are known.
    const replication = pulumi
      .all([repository.repositoryName, repository.registryId, region])
      .apply(([repositoryName, registryId, repositoryRegion]) =>
        pipelineReplication("EcrImagePipeline", {
          repositoryName,
          registryId,
          region: repositoryRegion,
          replicationRegions: settings.replicationRegions,
          replicaRetention: settings.registryCost.replicaRetention,
          lifecyclePolicyText: settings.repository.lifecyclePolicyText,
          mutableTagFilters: settings.repository.mutableTagFilters,
        }),
      );
    this.replicationRule = replication.apply((each) => each.rule);
    this.replicationTemplate = replication.apply((each) => each.template);
    // The layers only, not costInput itself: pulumi.all unwraps nested Outputs deeply, and costInput's `usage`
    // is the whole settings object (pullPrincipalArns, extraTags, …): their failures are not this output's.
    const pricedLayers = costInput.apply((input) => input.layers ?? null);
    this.fleetMember = pulumi
      .all([
        repository.repositoryName,
        repository.registryId,
        settings.repository.kmsKeyArn,
        pricedLayers,
        cost,
      ])
      .apply(([repositoryName, registryId, kmsKeyArn, layers, pipelineCost]) =>
        fleetMemberOf({
          repositoryName,
          registryId,
          ...(kmsKeyArn === undefined ? {} : { kmsKeyArn }),
          ...(layers === null ? {} : { layers }),
          cost: pipelineCost,
        }),
      );

    this.registerOutputs({
      repositoryUrl: this.repositoryUrl,
      repositoryArn: this.repositoryArn,
      repositoryName: this.repositoryName,
      imageDigest: this.imageDigest,
      imageUri: this.imageUri,
      imageTags: this.imageTags,
      imageSizeBytes: this.imageSizeBytes,
      imageSize: this.imageSize,
      monthlyCost: this.monthlyCost,
      costReport: this.costReport,
      costChange: this.costChange,
      findings: this.findings,
      sizeBudget: this.sizeBudget,
      replicationRule: this.replicationRule,
      replicationTemplate: this.replicationTemplate,
      fleetMember: this.fleetMember,
    });
  }
}

/**
 * The deployed image, read from ECR by its content tag(s), priced with this change's cost inputs (only
 * the size differs), next to this change. The promise form of getImage inside an apply, for the reason
 * written at `ecrLookup` above: a failed lookup (an expired tag, no permission) is caught and becomes
 * the note, and never fails the preview.
 */
async function deployedCostChange(
  repositoryName: string,
  lookup: DeployedLookup,
  input: CostForInput,
  changeEstimate: CostEstimate,
  deployedLayers: MeasuredLayers | null | undefined,
  component: pulumi.Resource,
): Promise<CostChange> {
  const change = comparedImage(input.size, changeEstimate);
  const lookups = await Promise.all(
    lookup.tags.map((tag) =>
      aws.ecr.getImage({ repositoryName, imageTag: tag }, { parent: component }).then(
        (found): TagLookup => ({ tag, imageSizeInBytes: found.imageSizeInBytes }),
        (error: unknown): TagLookup => ({ tag, error }),
      ),
    ),
  );
  const deployed = deployedImageSize(repositoryName, lookups);
  if (deployed.size === undefined) return deployedUnknown(change, deployed.missing);
  // Priced like this change (region, policy, usage), but from the deployed build's own measured layers.
  const deployedCost = costFor({ ...input, size: deployed.size, layers: deployedLayers ?? undefined });
  return compareCosts(comparedImage(deployed.size, deployedCost.estimate), change, lookup.label);
}

/** The region to price, logging the note when the provider reported none. */
function providerRegion(found: { region: string; note?: string }, component: pulumi.Resource): string {
  if (found.note !== undefined) pulumi.log.warn(found.note, component);
  return found.region;
}

/** The local estimate as a KnownImageSize, or undefined when no engine could measure it. */
function estimatedSize(
  bytes: pulumi.Output<number | undefined>,
  note: pulumi.Output<string>,
): pulumi.Output<KnownImageSize | undefined> {
  return pulumi
    .all([bytes, note])
    .apply(([sizeBytes, estimateNote]) =>
      sizeBytes === undefined
        ? undefined
        : { bytes: sizeBytes, basis: "estimate" as const, note: estimateNote },
    );
}
