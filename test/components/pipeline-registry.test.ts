/**
 * EcrImagePipeline's registry-level args and outputs (issue 20, phase 2): the replication rule and replica
 * template it hands the registry's owner (EcrRegistryDefaults), the replicas priced under their own lifecycle
 * policy or as unbounded growth (the replicated prod stack, before and after), archive restores, the
 * pull-through cache finding and storage, and the fleet member. Bad input stops the program before anything
 * is registered, naming the arg; a value only known later (the provider's region, an Output name) fails the
 * output it concerns, naming the arg too.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { InvalidArgumentError } from "../../components/common/errors";
import { PROTECTED_TAG_PREFIXES } from "../../components/common/tags";
import type { CostEstimate, CostLine } from "../../components/cost";
import { buildLifecyclePreset, renderLifecyclePolicy } from "../../components/lifecycle";
import { EcrImagePipeline } from "../../components/pipeline";
import type { EcrImagePipelineArgs } from "../../components/settings/pipeline";
import { readEnvironmentProfile } from "../../stacks/profile";
import { readStackConfig } from "../../stacks/stack-files";
import {
  ACCOUNT,
  assertRejectedBeforeRegistration,
  installMocks,
  settle,
  valueOf,
} from "../helpers/pulumi-mocks";

const root = path.join(__dirname, "..", "..");
const hello = path.join(__dirname, "..", "fixtures", "contexts", "hello");
const MiB = 1024 * 1024;
const blob = (name: string, bytes: number) => ({ digest: `sha256:${name}`, bytes });
/**
 * A two-platform build as the size estimate measures it: each platform's base, dependencies and app layer,
 * the builder stages in the registry cache, and the app layers each push renews (2 MiB per platform).
 */
const LAYERS = {
  platformLayers: [
    {
      platform: "linux/amd64",
      layers: [blob("base-amd64", 40 * MiB), blob("deps-amd64", 30 * MiB), blob("app-amd64", 2 * MiB)],
      baseLayerCount: 1,
    },
    {
      platform: "linux/arm64",
      layers: [blob("base-arm64", 38 * MiB), blob("deps-arm64", 29 * MiB), blob("app-arm64", 2 * MiB)],
      baseLayerCount: 1,
    },
  ],
  cacheBlobs: [
    blob("builder-amd64", 150 * MiB),
    blob("builder-arm64", 145 * MiB),
    blob("deps-amd64", 30 * MiB),
    blob("deps-arm64", 29 * MiB),
  ],
  renewedLayers: [blob("app-amd64", 2 * MiB), blob("app-arm64", 2 * MiB)],
  renewedCacheBlobs: [],
};

/** stacks/Pulumi.prod.yaml as the program reads it, replicated to eu-west-1 under `replicaRetention`. */
function replicatedProdArgs(replicaRetention: "none" | "policy"): EcrImagePipelineArgs {
  const config = Object.fromEntries(
    Object.entries(readStackConfig(path.join(root, "stacks", "Pulumi.prod.yaml")))
      .filter(([key]) => key.startsWith("ecr-pipeline:"))
      .map(([key, value]) => [key.slice("ecr-pipeline:".length), value]),
  );
  Object.assign(config, {
    // A namespace, so that a template's prefix ("platform") reaches the replica.
    repositoryName: "platform/app-prod",
    replicationRegions: '["eu-west-1"]',
    replicaRetention,
  });
  const profile = readEnvironmentProfile((key) => config[key], "prod");
  return { ...profile.args, context: path.join(root, "app") };
}

const line = (estimate: CostEstimate | undefined, item: string): CostLine => {
  const found = estimate?.lines.find((each) => each.item === item);
  assert.ok(found, `no line ${item}`);
  return found;
};
const near = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} != ${expected}`);

describe("EcrImagePipeline: the replicated prod stack, replicas priced under their own lifecycle", () => {
  it("before (replicaRetention none): the replica keeps every push, priced at month 12 and flagged UNBOUNDED", async () => {
    installMocks({ stack: "prod", estimateLayers: LAYERS });
    const p = new EcrImagePipeline("app-prod", replicatedProdArgs("none"));
    await settle(p.costReport, p.replicationTemplate);
    const cost = await valueOf(p.monthlyCost);
    const storage = line(cost, "replication storage eu-west-1");
    // The first push's image and cache (141 + 295 MiB), then 364.8 - 1 pushes x 4 MiB renewed.
    near(storage.quantity * 2 ** 30, 436 * MiB + (30.4 * 12 - 1) * 4 * MiB, "replica bytes");
    assert.equal(
      storage.explanation,
      "UNBOUNDED: the replica keeps every replicated image and cache; it grows 0.119 GB a month, priced at the end of month 12 (364.80 pushes)",
    );
    assert.equal(
      storage.assumption,
      "no lifecycle policy acts on the replica in eu-west-1: no repository creation template (appliedFor REPLICATION) or replica repository gives it one",
    );
    assert.match(
      (await valueOf(p.costReport)) ?? "",
      /replication storage eu-west-1 +1\.847 +GB-month +0\.1000 +0\.18/,
    );
  });

  it("after (replicaRetention policy): the replica keeps what the source keeps, and the template that makes it so is an output", async () => {
    installMocks({ stack: "prod", estimateLayers: LAYERS });
    const p = new EcrImagePipeline("app-prod", replicatedProdArgs("policy"));
    await settle(p.costReport, p.replicationTemplate);
    const cost = await valueOf(p.monthlyCost);
    const storage = line(cost, "replication storage eu-west-1");
    // Exactly the source's stored bytes: image 141 MiB + cache-only 295 MiB + 99 older builds x 4 MiB.
    assert.equal(cost?.assumptions.storedBytes, (141 + 295 + 99 * 4) * MiB);
    near(storage.quantity * 2 ** 30, (141 + 295 + 99 * 4) * MiB, "replica bytes");
    assert.equal(
      storage.explanation,
      "the replica keeps what the source keeps: its own copy of this repository's lifecycle policy (https://docs.aws.amazon.com/AmazonECR/latest/userguide/lp_creation.html)",
    );
    assert.equal(
      storage.assumption,
      "a repository creation template (appliedFor REPLICATION) in eu-west-1 gives the replica this repository's lifecycle policy: registered by the registry's owner (EcrRegistryDefaults replicationTemplates) before the first replicated push",
    );
    // Transfer: every platform's renewed layers per push (the cache renews nothing here), 30.4 pushes.
    near(line(cost, "replication transfer eu-west-1").quantity * 2 ** 30, 30.4 * 4 * MiB, "transfer bytes");
    const report = (await valueOf(p.costReport)) ?? "";
    assert.match(report, /replication storage eu-west-1 +0\.813 +GB-month +0\.1000 +0\.08/);
    assert.match(report, /replication: eu-west-1, replicas under this repository's lifecycle policy/);

    // What the registry's owner registers for it: the rule (its name as the filter) and the template (its
    // namespace, the prod preset for two platforms, the repository's mutable tags).
    assert.deepEqual(await valueOf(p.replicationRule), {
      destinations: [{ region: "eu-west-1", registryId: ACCOUNT }],
      repositoryFilters: [{ filter: "platform/app-prod", filterType: "PREFIX_MATCH" }],
    });
    assert.deepEqual(await valueOf(p.replicationTemplate), {
      prefix: "platform",
      appliedFors: ["REPLICATION"],
      description: "Replicas of platform/app-prod: its lifecycle policy and tag mutability (ecr-pipeline)",
      lifecyclePolicy: renderLifecyclePolicy(
        buildLifecyclePreset("prod", {
          cacheTag: "buildcache",
          protectedTagPrefixes: PROTECTED_TAG_PREFIXES,
          imagesPerBuild: 3,
        }),
      ),
      imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
      imageTagMutabilityExclusionFilters: [
        { filter: "buildcache*", filterType: "WILDCARD" },
        { filter: "deployed-*", filterType: "WILDCARD" },
      ],
    });
  });

  it("no replication: no rule, no template, no replication lines", async () => {
    installMocks();
    const p = new EcrImagePipeline("web", { context: hello, repositoryName: "team/web" });
    await settle(p.costReport, p.replicationTemplate);
    assert.equal(await valueOf(p.replicationRule), undefined);
    assert.equal(await valueOf(p.replicationTemplate), undefined);
    assert.deepEqual(
      (await valueOf(p.monthlyCost))?.lines.filter((each) => each.item.startsWith("replication")),
      [],
    );
  });

  it("replicaRetention none without a namespace: the rule, but no template (none could reach the replica)", async () => {
    installMocks();
    const p = new EcrImagePipeline("web", {
      context: hello,
      repositoryName: "web",
      replicationRegions: ["eu-west-1"],
    });
    await settle(p.replicationTemplate);
    assert.deepEqual((await valueOf(p.replicationRule))?.repositoryFilters, [
      { filter: "web", filterType: "PREFIX_MATCH" },
    ]);
    assert.equal(await valueOf(p.replicationTemplate), undefined);
  });
});

const BAD: [what: string, args: Record<string, unknown>, message: string][] = [
  [
    '"policy" for a repository without a namespace (a template prefix could not reach its replica)',
    { repositoryName: "web", replicationRegions: ["eu-west-1"], replicaRetention: "policy" },
    'EcrImagePipeline: invalid argument "replicaRetention": "policy" needs a repository creation template to reach the replicas of "web", and a template\'s prefix is a namespace ("p" applies to "p/..." only), so only a ROOT template, which shapes every repository ECR creates there, would. Name the repository with a namespace (repositoryName "team/web"), or set replicaRetention "none" (priced as unbounded growth).',
  ],
  [
    '"policy" for an auto-named repository',
    { replicationRegions: ["eu-west-1"], replicaRetention: "policy" },
    'EcrImagePipeline: invalid argument "replicaRetention": "policy" needs a repository creation template to reach the replicas, and an auto-named repository has no namespace for its prefix. Set repositoryName with a namespace (e.g. "team/app"), or set replicaRetention "none" (priced as unbounded growth).',
  ],
  [
    "a replication region that is the repository's own",
    { repositoryName: "team/web", costRegion: "eu-west-1", replicationRegions: ["eu-west-1"] },
    'EcrImagePipeline: invalid argument "replicationRegions": "eu-west-1" is the repository\'s own region (costRegion). Replicate to other regions only: ECR replication within one account needs another region.',
  ],
  [
    "a replication region without a rate card",
    { replicationRegions: ["af-south-1"] },
    'EcrImagePipeline: invalid argument "replicationRegions": "af-south-1" has no rate card (prices are data in components/cost/pricing.ts, docs/PRICING.md). Replicate to one of the priced regions: ap-northeast-1, ap-south-1, ap-southeast-1, ap-southeast-2, ca-central-1, eu-central-1, eu-north-1, eu-west-1, eu-west-2, sa-east-1, us-east-1, us-east-2, us-west-1, us-west-2; a replica in a region without a rate card could not be priced.',
  ],
  [
    "archive restores with a lifecycle policy that archives nothing",
    { archiveRestoresPerMonth: 3 },
    'EcrImagePipeline: invalid argument "archiveRestoresPerMonth": got 3, but the lifecycle policy archives no images (no rule with action "transition"). Leave it at 0, or give a lifecyclePolicy that archives images.',
  ],
  [
    "a horizon of no months",
    { replicaHorizonMonths: 0 },
    'EcrImagePipeline: invalid argument "replicaHorizonMonths": got 0. Use a number of months from 1 to 1200.',
  ],
  [
    "negative pull-through cache bytes",
    { pullThroughCacheBytes: -1 },
    'EcrImagePipeline: invalid argument "pullThroughCacheBytes": got -1. Use a number of bytes from 0 to 1125899906842624 (1 PiB).',
  ],
  [
    "a pull-through cache registry that is not an ECR registry",
    { pullThroughCacheRegistry: "docker.io" },
    'EcrImagePipeline: invalid argument "pullThroughCacheRegistry": "docker.io" is not an ECR registry host. Use "<account>.dkr.ecr.<region>.amazonaws.com", e.g. EcrRegistryDefaults\' registryHost output.',
  ],
  [
    "a replica retention that does not exist",
    { replicaRetention: "forever" },
    'EcrImagePipeline: invalid argument "replicaRetention": got "forever". Use one of "policy", "none".',
  ],
];

/** Rejection of an Output (the SDK's internal promise, test-only). */
const rejectionOf = async (output: pulumi.Output<unknown>): Promise<unknown> => {
  try {
    await (output as unknown as { promise(): Promise<unknown> }).promise();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe("EcrImagePipeline: registry-level args checked before anything is registered", () => {
  for (const [what, args, message] of BAD) {
    it(what, () =>
      assertRejectedBeforeRegistration(
        () => new EcrImagePipeline("web", { context: hello, ...args } as EcrImagePipelineArgs),
        message,
      ),
    );
  }

  it("the provider's region as a replication region: fails when the region is known, naming replicationRegions, before any child", async () => {
    const rec = installMocks();
    const p = new EcrImagePipeline("web", {
      context: hello,
      repositoryName: "team/web",
      replicationRegions: ["us-east-1"],
    });
    const error = await rejectionOf(p.replicationRule);
    assert.ok(error instanceof InvalidArgumentError, String(error));
    // The same message as for a plain costRegion (above); before the new-user trial of 2026-12-06 it was
    // found only when the rule was computed, after the repository and the image were registered.
    assert.equal(
      error.message,
      'EcrImagePipeline: invalid argument "replicationRegions": "us-east-1" is the repository\'s own region (the AWS provider\'s region). Replicate to other regions only: ECR replication within one account needs another region.',
    );
    assert.deepEqual(
      rec.resources.map((r) => r.type),
      ["ecr-pipeline:index:EcrImagePipeline"],
    );
  });

  it('"policy" with a repository name from an Output: checked when it resolves, naming replicaRetention', async () => {
    installMocks();
    const p = new EcrImagePipeline("web", {
      context: hello,
      repositoryName: pulumi.output("web"),
      replicationRegions: ["eu-west-1"],
      replicaRetention: "policy",
    });
    const error = await rejectionOf(p.replicationTemplate);
    assert.ok(error instanceof InvalidArgumentError, String(error));
    assert.match(
      error.message,
      /^EcrImagePipeline: invalid argument "replicaRetention": "policy" needs a repository creation template to reach the replicas of "web"/,
    );
  });
});

describe("EcrImagePipeline: pull-through cache, archive restores and the fleet member", () => {
  it("pullThroughCacheRegistry: the finding names the cached reference; pullThroughCacheBytes is priced, attributed", async () => {
    installMocks();
    const p = new EcrImagePipeline("web", {
      context: hello,
      repositoryName: "team/web",
      pullThroughCacheRegistry: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`,
      pullThroughCacheBytes: 80 * MiB,
    });
    await settle(p.findings, p.costReport);
    const finding = (await valueOf(p.findings))?.find((each) => each.id === "base-image-pull-through-cache");
    assert.deepEqual(finding, {
      id: "base-image-pull-through-cache",
      severity: "info",
      line: 1,
      message:
        "Stage 0 pulls node:22-bookworm-slim from registry-1.docker.io on every build whose builder lacks it: its compressed size through a NAT gateway each time and counts against Docker Hub's pull rate limit.",
      fix: `FROM ${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/node:22-bookworm-slim, with an ECR pull-through cache rule (prefix docker-hub, upstream registry-1.docker.io, a Secrets Manager credential named ecr-pullthroughcache/...): the layers then come from ECR in the region, free through an S3 gateway endpoint.`,
      stage: "0",
    });
    const cached = line(await valueOf(p.monthlyCost), "pull-through cache storage");
    near(cached.quantity, 80 / 1024, "GB");
    assert.equal(
      cached.assumption,
      "attributed to this repository: the cache's repositories are shared by every repository of the registry that pulls the same bases (the fleet view counts them once)",
    );
  });

  it("without pullThroughCacheRegistry the finding is not judged", async () => {
    installMocks();
    const p = new EcrImagePipeline("web", { context: hello, repositoryName: "team/web" });
    await settle(p.findings);
    assert.deepEqual(
      (await valueOf(p.findings))?.filter((each) => each.id === "base-image-pull-through-cache"),
      [],
    );
  });

  it("archiveRestoresPerMonth with a policy that archives: restores priced", async () => {
    installMocks();
    const lifecyclePolicy = renderLifecyclePolicy([
      {
        selection: {
          tagStatus: "tagged",
          tagPrefixList: ["ctx-"],
          countType: "imageCountMoreThan",
          countNumber: 10,
        },
        action: { type: "transition", targetStorageClass: "archive" },
      },
    ]);
    const p = new EcrImagePipeline("web", {
      context: hello,
      repositoryName: "team/web",
      lifecyclePolicy,
      archiveRestoresPerMonth: 2,
    });
    await settle(p.costReport);
    const restores = line(await valueOf(p.monthlyCost), "archive restores");
    assert.equal(restores.unit, "GB");
    assert.ok(restores.quantity > 0);
  });

  it("fleetMember: the current image's and cache's blobs by digest, the older builds as the repository's own bytes", async () => {
    installMocks({ estimateLayers: LAYERS });
    const p = new EcrImagePipeline("web", {
      context: hello,
      repositoryName: "team/web",
      platforms: ["linux/amd64", "linux/arm64"],
      kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/abc`,
    });
    await settle(p.fleetMember, p.costReport);
    const member = await valueOf(p.fleetMember);
    assert.deepEqual(member?.repository, {
      name: "team/web",
      registryId: ACCOUNT,
      region: "us-east-1",
      encryption: { type: "KMS", kmsKey: `arn:aws:kms:us-east-1:${ACCOUNT}:key/abc` },
      blobs: [
        blob("base-amd64", 40 * MiB),
        blob("deps-amd64", 30 * MiB),
        blob("app-amd64", 2 * MiB),
        blob("base-arm64", 38 * MiB),
        blob("deps-arm64", 29 * MiB),
        blob("app-arm64", 2 * MiB),
        blob("builder-amd64", 150 * MiB),
        blob("builder-arm64", 145 * MiB),
      ],
      // 99 older builds x 4 MiB renewed; the prod preset's untagged rule keeps no superseded cache that renews anything.
      ownBytes: 99 * 4 * MiB,
    });
    // blobs + ownBytes = what the pipeline's own estimate stores.
    assert.equal(member?.estimate.assumptions.storedBytes, (141 + 295 + 99 * 4) * MiB);
  });
});
