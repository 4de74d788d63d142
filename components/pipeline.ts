import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { promotionDecision, promotionPreviewNote } from "./buildkit/promotion";
import { contentTagFromHash } from "./buildkit/refs";
import { allResolved, checkedInput, firstKnown } from "./common/outputs";
import { ReportTarget, ReportedError } from "./common/reported-error";
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
import { costFor, type CostForInput, type PipelineCost } from "./cost/pipeline-cost";
import type { MeasuredLayers } from "./cost/storage";
import type { CostLine } from "./cost/types";
import type { DockerfileFinding } from "./dockerfile";
import { analyzeBuildDockerfile } from "./dockerfile/build";
import { BuildKitImage, buildContextHashOf, dockerfileOf } from "./image";
import { EcrRepository } from "./repository";
import {
  buildCostDocument,
  costJsonText,
  evaluateCostGuardrails,
  type CostGuardrailStatus,
  type CostGuardrailsVerdict,
} from "./review";
import { resolvedSettings } from "./settings/arg-names";
import { checkReplicationRegion, regionFromProvider } from "./settings/cost";
import { pipelineCostInput } from "./settings/cost-input";
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
 * the image size as ECR bills it, a monthly cost estimate known in preview, Dockerfile findings, a size
 * budget and cost guardrails that gate the promotion tags. Its args and how they resolve:
 * ./settings/pipeline.ts.
 */
export class EcrImagePipeline extends pulumi.ComponentResource {
  public readonly repositoryUrl: pulumi.Output<string>;
  public readonly repositoryArn: pulumi.Output<string>;
  public readonly repositoryName: pulumi.Output<string>;
  public readonly imageDigest: pulumi.Output<string>;
  /** `<repositoryUrl>@sha256:…`: deploy this. */
  public readonly imageUri: pulumi.Output<string>;
  /** The content tag and the promotion tags (`extraTags`), without the repository. */
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
  /**
   * The cost guardrails (`maxMonthlyUsd`, `maxMonthlyIncreaseUsd`, `maxMonthlyIncreasePercent`) against
   * `costChange`: the worst verdict (`ok`, `warn`, `fail` or `unchecked`), one line per guardrail saying
   * why, and whether it keeps the promotion tags from moving. Each verdict in full: `costJson`. Known in
   * preview.
   */
  public readonly costGuardrails: pulumi.Output<CostGuardrailsSummary>;
  /**
   * The cost as a versioned JSON document (schema/cost.v1.schema.json, docs/REVIEW.md): every line item,
   * the totals, the deployed image next to this change and the guardrail verdicts, as JSON text for
   * `ecr-pipeline-cost-review`. Known in preview.
   */
  public readonly costJson: pulumi.Output<string>;
  /** Dockerfile analyzer findings for the built target (each is also logged on this component). */
  public readonly findings: pulumi.Output<DockerfileFinding[]>;
  /**
   * Size-budget verdict: `ok`, `warn`, `fail` or `unchecked`, with a message (in preview, also what the
   * promotion gate will check and when). A `fail` stops the deployment at the gate, never here.
   */
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
    // EcrImagePipeline; from here on only `settings` is read. An Output-valued arg is checked when it
    // resolves, its error then shown on this component (`report`).
    const report = new ReportTarget();
    const settings = resolvePipelineSettings(args, "EcrImagePipeline", name, report);
    // The image's settings (how it is built) and the size budget, as resolved.
    const { image: build, budget } = settings;
    super("ecr-pipeline:index:EcrImagePipeline", name, {}, opts);
    report.attach(this);
    // The one message of a gate that stops the deployment, shown on this component without a stack.
    const stop = (message: string): ReportedError =>
      new ReportedError(`EcrImagePipeline ${name}: ${message}`).reportedOn(this);

    // The region priced, and the repository's: `costRegion`, else the AWS provider's. The provider's
    // region may come back without a value too: regionFromProvider falls back with a note. Replicating
    // to it is refused when it resolves (a plain costRegion was checked by the resolver).
    const region = checkedInput(
      settings.costRegion ??
        pulumi.output(
          aws.getRegion({}, { parent: this }).then(
            (result) => providerRegion(regionFromProvider(result), this),
            () => providerRegion(regionFromProvider(undefined), this),
          ),
        ),
      (resolved) =>
        checkReplicationRegion(
          "EcrImagePipeline",
          resolved,
          settings.replicationRegions,
          settings.costRegion === undefined ? "the AWS provider's region" : "costRegion",
        ),
      report,
    );

    // The Output-valued args, checked as they resolve: every child waits for them, so nothing is
    // registered for a bad one (issue 18 item 4). The region only with replication (its only check).
    const inputsChecked = allResolved([
      settings.repository.pullPrincipalArns,
      settings.repository.repositoryName,
      build.network,
      build.buildArgs,
      build.secrets,
      settings.costRegion,
      build.context,
      build.dockerfile,
      build.target,
      ...(settings.replicationRegions.length > 0 ? [region] : []),
    ]);

    // Children are not exposed as properties: component outputs must be values or provider resources
    // (Pulumi's component schema analyzer cannot describe a local component as an output). Each is handed
    // its settings as resolved above as its args, and resolves them to the same settings.
    const waitForInputs = inputsChecked === undefined ? {} : { dependsOn: inputsChecked };
    const repository = new EcrRepository(`${name}-repo`, settings.repository, {
      parent: this,
      ...waitForInputs,
    });

    const dockerfile = dockerfileOf(build);
    // The context hash names the content tag and keys the size estimate; computed once here, from the
    // settings handed to BuildKitImage, as BuildKitImage would compute it on its own.
    const contextHash = buildContextHashOf(build, dockerfile);
    const contentTag = contextHash.apply(contentTagFromHash);

    // The pull-through cache registry, when given (issue 20); unknown counts as not given.
    const pullThroughCacheRegistry = firstKnown<string | undefined>(
      [settings.registryCost.pullThroughCacheRegistry],
      undefined,
    );
    this.findings = pulumi
      .all([build.context, dockerfile, build.target, pullThroughCacheRegistry])
      .apply(([context, file, target, cacheRegistry]) => {
        const findings = analyzeBuildDockerfile(
          context,
          file,
          target,
          build.platforms,
          build.platformBuilders,
          {
            pullThroughCacheRegistry: cacheRegistry,
          },
        );
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
            // The image's build secrets, so an install from a private registry is measured (issue 18 item 5).
            secrets: build.secrets,
          },
          { parent: this, ...waitForInputs },
        )
      : undefined;
    const estimated = estimate === undefined ? undefined : estimatedSize(estimate.sizeBytes, estimate.note);

    // ---- What the cost is priced from (issue 10, 18 item 2): region, layers, scanning. ----

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
    // One builder for the pipeline and `npm start` (./settings/cost-input.ts): both price the same input.
    const costInputFor = (size: pulumi.Output<KnownImageSize>): pulumi.Output<CostForInput> =>
      pulumi
        .all([size, region, repository.lifecyclePolicyText, measuredLayers])
        .apply(([known, costRegion, policy, layers]) =>
          pipelineCostInput(settings, { size: known, region: costRegion, policy, layers }),
        );

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
    // The deployed image's size in ECR, read once (by its content tag) for every comparison below.
    const deployedImage: pulumi.Output<DeployedImage> = plan.apply((next): pulumi.Output<DeployedImage> =>
      next.lookup === undefined
        ? pulumi.output({ result: next.result })
        : repository.repositoryName.apply((repositoryName) =>
            lookUpDeployedImage(repositoryName, next.lookup, this),
          ),
    );
    /** The cost of `size`, and the deployed image next to it (with the deployed line items). */
    const pricedAt = (size: pulumi.Output<KnownImageSize>): Priced => {
      const input = costInputFor(size);
      const cost = input.apply((costInput) => ({ ...costFor(costInput), basis: costInput.size.basis }));
      // The cost input holds plain values only (./settings/cost-input.ts copies the usage fields, not the
      // settings object with its Outputs), so all() has nothing nested to wait for: an arg unknown in preview
      // does not make the comparison unknown.
      const compared = pulumi
        .all([deployedImage, input, cost, deployedLayers])
        .apply(([deployed, costInput, priced, layers]) =>
          compareWithDeployed(deployed, costInput, priced, layers),
        );
      return { input, cost, compared };
    };

    // ---- The gate before the push (issue 18 item 3, issue 21): nothing is built or pushed past it. ----

    // The size estimate over a failing budget, or a failing cost guardrail on the figures known before the
    // push (the estimate's size, or the budget standing in for it), stops the deployment before the image
    // is built: the image waits for this gate. (ECR's size is only known after the push: the promotion
    // gate below checks it.)
    const guardrails = settings.guardrails;
    const guardrailsFail =
      guardrails.onCostGuardrailExceeded === "fail" &&
      [guardrails.maxMonthlyUsd, guardrails.maxMonthlyIncreaseUsd, guardrails.maxMonthlyIncreasePercent].some(
        (limit) => limit !== undefined,
      );
    const prePush = guardrailsFail
      ? pricedAt((estimated ?? pulumi.output(undefined)).apply((size) => size ?? budget.standIn))
      : undefined;
    const pushChecks: pulumi.Output<unknown>[] = [];
    if (estimate !== undefined && estimated !== undefined)
      pushChecks.push(
        pulumi.all([estimated, this.findings]).apply(([size, findings]) => {
          if (size === undefined) return;
          const verdict = budgetVerdict(size, findings);
          if (verdict.status === "fail") throw stop(`not pushing the image: ${verdict.message}`);
        }),
      );
    if (prePush !== undefined)
      pushChecks.push(
        pulumi.all([prePush.cost, prePush.compared]).apply(([cost, compared]) => {
          const verdict = guardrailVerdict(cost, compared);
          if (verdict.blocksPromotion) throw stop(`not pushing the image: ${failedGuardrails(verdict)}`);
        }),
      );
    const pushGate =
      pushChecks.length === 0
        ? undefined
        : pulumi.all(pushChecks).apply(() => (estimate === undefined ? [] : [estimate]));

    // The promotion gate (issue 18 item 3): the promotion tags move only once this resolves to true
    // (BuildKitImage `promoteWhen`); it is set below, once the pushed image's size and cost are known.
    const [promoteWhen, resolvePromoteWhen] = pulumi.deferredOutput<boolean>();

    const image = new BuildKitImage(
      `${name}-image`,
      resolvedSettings({
        ...build,
        repositoryUrl: repository.repositoryUrl,
        registryId: repository.registryId,
        dockerfile,
        contentTag,
        promoteWhen,
      }),
      { parent: this, dependsOn: dependsOnAll(inputsChecked, pushGate) },
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
      [ecrLookup.apply((lookup) => lookup.size), estimated],
      undefined,
    );
    this.imageSize = pulumi
      .all([bestKnown, ecrMissing])
      .apply(([size, missing]) => withFallbackReason(size ?? budget.standIn, missing));

    const priced = pricedAt(this.imageSize);
    this.monthlyCost = priced.cost.estimate;
    this.costChange = priced.compared.apply((compared) => compared.change);
    this.costReport = pulumi
      .all([priced.cost.report, firstKnown<CostChange | undefined>([this.costChange], undefined)])
      .apply(([text, change]) =>
        change === undefined ? text : [text, ...costChangeLines(change)].join("\n"),
      );

    // ---- Cost guardrails and the cost document (issue 21). ----
    const finalVerdict = pulumi
      .all([priced.cost, priced.compared])
      .apply(([cost, compared]) => guardrailVerdict(cost, compared));
    // An exceeded guardrail that warns is logged once, on the figures the outputs show; a failing one
    // stops the run at a gate (before the push, or before the promotion), not here.
    this.costGuardrails = finalVerdict.apply(({ status, message, blocksPromotion, verdicts }) => {
      for (const each of verdicts) if (each.status === "warn") pulumi.log.warn(each.message, this);
      return { status, message, blocksPromotion };
    });
    this.costJson = pulumi
      .all([this.imageSize, priced.cost, priced.compared, finalVerdict])
      .apply(([size, cost, compared, verdict]) =>
        costJsonText(
          buildCostDocument({
            stack: pulumi.getStack(),
            pipeline: name,
            computedIn: pulumi.runtime.isDryRun() ? "preview" : "update",
            size,
            estimate: cost.estimate,
            ...(compared.change === undefined ? {} : { change: compared.change }),
            ...(compared.deployedLines === undefined ? {} : { deployedLines: compared.deployedLines }),
            guardrails: verdict,
            notes: cost.estimate.notes ?? [],
          }),
        ),
      );
    // ---- end of cost guardrails and the cost document ----

    // ---- The promotion gate (issue 18 item 3): after the push, before any promotion tag moves. ----
    // The size ECR reports for the pushed digest (else the local estimate) within the budget, and no
    // failing cost guardrail on the figures the outputs show. It waits for the push gate, so an error
    // there is the one error (the same object: reported once).
    const imageChanges = firstKnown([image.digest.apply(() => false)], true);
    resolvePromoteWhen(
      pulumi
        .all([pushGate ?? [], ecrLookup, estimated, contentTag, finalVerdict, this.findings])
        .apply(([, lookup, size, tag, verdict, findings]) => {
          const decision = promotionDecision({
            contentTag: tag,
            contentRef: tag,
            tags: build.promotionTags,
            ecr: lookup.size === undefined ? { missing: lookup.missing } : { bytes: lookup.size.bytes },
            estimate: size?.bytes,
            budget: budget.rule,
          });
          if (decision.warning !== undefined && build.promotionTags.length > 0)
            pulumi.log.warn(decision.warning, this);
          if (!decision.promote && decision.error !== undefined) {
            const { problem, fix } = decision.error;
            // With no promotion tag nothing can move to this image: an image over budget still fails
            // the deployment (after the push, as sizeBudget says); one of unknown size has nothing to
            // keep from moving. A preview of an image not rebuilt whose size ECR does not report: `up`
            // checks again.
            if (build.promotionTags.length === 0) {
              if (decision.size !== undefined)
                throw stop(budgetVerdict({ ...decision.size, note: "" }, findings).message);
            } else if (decision.size !== undefined || !pulumi.runtime.isDryRun()) {
              throw stop(`${problem}. ${fix}`);
            } else {
              pulumi.log.warn(`${problem}. ${fix}`, this);
            }
          }
          if (verdict.blocksPromotion)
            throw stop(
              `${build.promotionTags.length === 0 ? "the image" : build.promotionTags.join(", ")} not promoted: ${failedGuardrails(verdict)}`,
            );
          return true;
        }),
    );

    // The estimate as known now (unknown, e.g. an estimate whose inputs are not known yet: none), so
    // that sizeBudget stays known in preview.
    const estimateNow = firstKnown<KnownImageSize | undefined>([estimated], undefined);
    this.sizeBudget = pulumi
      .all([this.imageSize, this.findings, imageChanges, estimateNow, contentTag])
      .apply(([size, findings, changes, estimateSize, tag]) => {
        const verdict = budgetVerdict(size, findings);
        if (verdict.status === "warn") pulumi.log.warn(verdict.message, this);
        if (!pulumi.runtime.isDryRun()) return verdict;
        // What the promotion gate will check, and when (docs/USER-PATHS.md "What the preview says").
        const note = promotionPreviewNote({
          contentTag: tag,
          tags: build.promotionTags,
          budget: budget.rule,
          imageChanges: changes,
          estimate: estimateSize?.bytes,
        });
        pulumi.log.info(`promotion: ${note}`, this);
        return { ...verdict, message: `${verdict.message}\nPromotion: ${note}.` };
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
    // The layers only, not costInput itself: pulumi.all unwraps nested Outputs deeply, and this output needs
    // nothing else of it.
    const pricedLayers = priced.input.apply((input) => input.layers ?? null);
    this.fleetMember = pulumi
      .all([
        repository.repositoryName,
        repository.registryId,
        settings.repository.kmsKeyArn,
        pricedLayers,
        priced.cost,
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
      costGuardrails: this.costGuardrails,
      costJson: this.costJson,
      findings: this.findings,
      sizeBudget: this.sizeBudget,
      replicationRule: this.replicationRule,
      replicationTemplate: this.replicationTemplate,
      fleetMember: this.fleetMember,
    });

    /** The guardrails on a cost and its comparison with the deployed image (components/review/guardrails.ts). */
    function guardrailVerdict(cost: PricedCost, compared: Compared): CostGuardrailsVerdict {
      return evaluateCostGuardrails({
        ...guardrails,
        estimate: cost.estimate,
        basis: cost.basis,
        change: compared.change,
        ...(compared.deployedLines === undefined ? {} : { deployedLines: compared.deployedLines }),
      });
    }
  }
}

/**
 * The cost guardrails' overall verdict, as the `costGuardrails` output carries it (each guardrail's own
 * verdict, with its limit and figure, is in `costJson`; components/review/guardrails.ts).
 */
export interface CostGuardrailsSummary {
  /** The worst verdict: `fail`, then `warn`, `unchecked`, `ok`; `unchecked` when no guardrail is set. */
  status: CostGuardrailStatus;
  /** One line per guardrail set: its limit, the figure and, when exceeded, the items that moved most. */
  message: string;
  /** True when a guardrail failed: no promotion tag moves to this image. */
  blocksPromotion: boolean;
}

/** A cost, with the basis of the size it priced. */
type PricedCost = PipelineCost & { basis: KnownImageSize["basis"] };

/** A cost and its comparison with the deployed image. */
interface Priced {
  input: pulumi.Output<CostForInput>;
  cost: pulumi.Output<PricedCost>;
  compared: pulumi.Output<Compared>;
}

/** This change next to the deployed image, and the deployed image's line items (what moved). */
interface Compared {
  change: CostChange;
  deployedLines?: CostLine[];
}

/** What is known of the deployed image: why nothing is compared, or its size read from ECR. */
type DeployedImage =
  { result: CostChange } | { lookup: DeployedLookup; found: ReturnType<typeof deployedImageSize> };

/**
 * The deployed image, read from ECR by its content tag(s). The promise form of getImage inside an apply,
 * for the reason written at `ecrLookup` above: a failed lookup (an expired tag, no permission) is caught
 * and becomes the note, and never fails the preview.
 */
async function lookUpDeployedImage(
  repositoryName: string,
  lookup: DeployedLookup,
  component: pulumi.Resource,
): Promise<DeployedImage> {
  const lookups = await Promise.all(
    lookup.tags.map((tag) =>
      aws.ecr.getImage({ repositoryName, imageTag: tag }, { parent: component }).then(
        (found): TagLookup => ({ tag, imageSizeInBytes: found.imageSizeInBytes }),
        (error: unknown): TagLookup => ({ tag, error }),
      ),
    ),
  );
  return { lookup, found: deployedImageSize(repositoryName, lookups) };
}

/**
 * The deployed image priced with this change's cost inputs (only the size and layers differ) next to this
 * change, with the deployed line items; or why nothing is compared.
 */
function compareWithDeployed(
  deployed: DeployedImage,
  input: CostForInput,
  priced: PipelineCost,
  deployedLayers: MeasuredLayers | null | undefined,
): Compared {
  if ("result" in deployed) return { change: deployed.result };
  const change = comparedImage(input.size, priced.estimate);
  if (deployed.found.size === undefined) return { change: deployedUnknown(change, deployed.found.missing) };
  // Priced like this change (region, policy, usage), but from the deployed build's own measured layers.
  const deployedCost = costFor({ ...input, size: deployed.found.size, layers: deployedLayers ?? undefined });
  return {
    change: compareCosts(
      comparedImage(deployed.found.size, deployedCost.estimate),
      change,
      deployed.lookup.label,
    ),
    deployedLines: deployedCost.estimate.lines,
  };
}

/** The failing guardrails' messages (each names the guardrail, the limit, the figure and the drivers). */
function failedGuardrails(verdict: CostGuardrailsVerdict): string {
  return verdict.verdicts
    .filter((each) => each.status === "fail")
    .map((each) => each.message)
    .join(" ");
}

/** Two optional dependsOn lists as one. */
function dependsOnAll(
  ...lists: (pulumi.Output<pulumi.Resource[]> | undefined)[]
): pulumi.Output<pulumi.Resource[]> | undefined {
  const given = lists.filter((list): list is pulumi.Output<pulumi.Resource[]> => list !== undefined);
  if (given.length <= 1) return given[0];
  return pulumi.all(given).apply((all) => all.flat());
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
