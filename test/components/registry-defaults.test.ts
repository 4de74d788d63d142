/**
 * EcrRegistryDefaults under mocks (issue 20, items 1, 5, 6): the exact children and inputs it registers, in the
 * flow the README describes (a platform stack hands it the rules and templates its service stacks' pipelines
 * output), and every bad input stopped before anything is registered, naming the arg.
 *
 * What each input means to AWS (field names as @pulumi/aws 7.48.0 declares them):
 * - aws.ecr.ReplicationConfiguration: PutReplicationConfiguration "Creates or updates the replication
 *   configuration for a registry" with these rules, all of them
 *   (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutReplicationConfiguration.html); a rule's
 *   destinations and PREFIX_MATCH filters: API_ReplicationRule.html, API_RepositoryFilter.html.
 * - aws.ecr.RepositoryCreationTemplate: CreateRepositoryCreationTemplate (API_CreateRepositoryCreationTemplate.html):
 *   `prefix` a namespace ("a prefix of prod would apply to all repositories beginning with prod/"), `appliedFor`
 *   REPLICATION / PULL_THROUGH_CACHE / CREATE_ON_PUSH, `lifecyclePolicy`, `imageTagMutability` and its
 *   exclusion filters; registered in the region whose registry creates the repository (the replica's).
 * - aws.ecr.PullThroughCacheRule: CreatePullThroughCacheRule (API_CreatePullThroughCacheRule.html):
 *   `ecrRepositoryPrefix`, `upstreamRegistryUrl` (registry-1.docker.io, public.ecr.aws, …), `credentialArn`
 *   for the upstreams that need one.
 * - aws.ecr.AccountSetting: PutAccountSetting `BLOB_MOUNTING` = `ENABLED` (API_PutAccountSetting.html,
 *   userguide blob-mounting.html).
 * Mocks prove what is sent; what AWS does with it is cited, not run (no AWS account here).
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PROTECTED_TAG_PREFIXES } from "../../components/common/tags";
import { buildLifecyclePreset, renderLifecyclePolicy } from "../../components/lifecycle";
import { EcrImagePipeline } from "../../components/pipeline";
import { EcrRegistryDefaults } from "../../components/registry-defaults";
import type { EcrRegistryDefaultsArgs } from "../../components/settings/registry-defaults";
import {
  ACCOUNT,
  assertRejectedBeforeRegistration,
  installMocks,
  settle,
  valueOf,
  type Recorder,
} from "../helpers/pulumi-mocks";

const hello = path.join(__dirname, "..", "fixtures", "contexts", "hello");
const SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:ecr-pullthroughcache/docker-hub-AbCdEf`;
/** What `aws ecr describe-registry` shows of another stack's rule: payments/ replicated to eu-west-1. */
const PAYMENTS_RULE = {
  destinations: [{ region: "eu-west-1", registryId: ACCOUNT }],
  repositoryFilters: [{ filter: "payments", filterType: "PREFIX_MATCH" as const }],
};
/** The prod preset for a two-platform build, as EcrRepository renders it (3 images per build). */
const PROD_TWO_PLATFORMS = renderLifecyclePolicy(
  buildLifecyclePreset("prod", {
    cacheTag: "buildcache",
    protectedTagPrefixes: PROTECTED_TAG_PREFIXES,
    imagesPerBuild: 3,
  }),
);
const MUTABLE_TAGS = [
  { filter: "buildcache*", filterType: "WILDCARD" },
  { filter: "deployed-*", filterType: "WILDCARD" },
];

/** The two service pipelines, as their stacks would run them; their outputs as another stack reads them (plain). */
async function servicePipelines(): Promise<
  Pick<EcrRegistryDefaultsArgs, "replicationRules" | "replicationTemplates">
> {
  const services = ["orders", "web"].map(
    (service) =>
      new EcrImagePipeline(service, {
        context: hello,
        repositoryName: `team/${service}`,
        platforms: ["linux/amd64", "linux/arm64"],
        replicationRegions: service === "orders" ? ["eu-west-1", "ap-northeast-1"] : ["eu-west-1"],
        replicaRetention: "policy",
      }),
  );
  await settle(...services.map((each) => each.replicationTemplate));
  const rules: NonNullable<EcrRegistryDefaultsArgs["replicationRules"]> = {};
  const templates: NonNullable<EcrRegistryDefaultsArgs["replicationTemplates"]> = {};
  for (const [index, service] of ["orders", "web"].entries()) {
    const pipeline = services[index] as EcrImagePipeline;
    rules[`${service} (prod)`] = (await valueOf(pipeline.replicationRule)) as never;
    templates[`${service} (prod)`] = (await valueOf(pipeline.replicationTemplate)) as never;
  }
  return { replicationRules: rules, replicationTemplates: templates };
}

/** Every resource the component registered, with its inputs, by name (the mocks see them in no set order). */
function children(rec: Recorder) {
  return rec.resources
    .filter((each) => each.name.startsWith("registry"))
    .map((each) => ({ type: each.type, name: each.name, inputs: each.inputs }))
    .sort((left, right) => left.name.localeCompare(right.name));
}
const byName = <T extends { name: string }>(list: T[]): T[] =>
  [...list].sort((left, right) => left.name.localeCompare(right.name));

describe("EcrRegistryDefaults: the registry-wide resources of one account and region", () => {
  it("registers the merged replication configuration, the replica templates in each destination, create-on-push, pull-through caches and blob mounting, with the exact inputs", async () => {
    const rec = installMocks();
    const requests = await servicePipelines();
    const dependsOn = new Map<string, string[]>();
    const retained = new Map<string, boolean | undefined>();
    const registry = new EcrRegistryDefaults(
      "registry",
      {
        registryId: ACCOUNT,
        region: "us-east-1",
        existingReplicationRules: [PAYMENTS_RULE],
        ...requests,
        createOnPushPrefix: "sandbox",
        lifecyclePreset: "dev",
        pullThroughCacheImages: ["python:3.12-slim", "public.ecr.aws/docker/library/node:22", "python:3.13"],
        pullThroughCacheCredentialArns: { "docker-hub": SECRET },
        blobMounting: true,
      },
      {
        transformations: [
          (args) => {
            const on = ([] as unknown[]).concat(args.opts.dependsOn ?? []) as pulumi.Resource[];
            dependsOn.set(
              args.name,
              on.map((resource) => (resource as unknown as { __name: string }).__name),
            );
            retained.set(args.name, args.opts.retainOnDelete);
            return undefined;
          },
        ],
      },
    );
    await settle(registry.registryHost, registry.warnings);

    const dev = renderLifecyclePolicy(
      buildLifecyclePreset("dev", {
        cacheTag: "buildcache",
        protectedTagPrefixes: PROTECTED_TAG_PREFIXES,
        imagesPerBuild: 1,
      }),
    );
    const ptcPolicy = JSON.stringify(
      {
        rules: [
          {
            rulePriority: 1,
            description: "expire cached images no tag points at any more after 7 days",
            selection: {
              tagStatus: "untagged",
              countType: "sinceImagePushed",
              countUnit: "days",
              countNumber: 7,
            },
            action: { type: "expire" },
          },
        ],
      },
      null,
      2,
    );
    const replicaTemplate = (region: string) => ({
      appliedFors: ["REPLICATION"],
      // The first requester's description; web's request is the same template and collapses into it.
      description: "Replicas of team/orders: its lifecycle policy and tag mutability (ecr-pipeline)",
      imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
      imageTagMutabilityExclusionFilters: MUTABLE_TAGS,
      lifecyclePolicy: PROD_TWO_PLATFORMS,
      prefix: "team",
      region,
    });
    assert.deepEqual(
      children(rec),
      byName([
        { type: "ecr-pipeline:index:EcrRegistryDefaults", name: "registry", inputs: {} },
        // Templates first, in the destination regions (one per region: orders and web share the namespace "team").
        {
          type: "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate",
          name: "registry-template-eu-west-1-team",
          inputs: replicaTemplate("eu-west-1"),
        },
        {
          type: "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate",
          name: "registry-template-ap-northeast-1-team",
          inputs: replicaTemplate("ap-northeast-1"),
        },
        {
          type: "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate",
          name: "registry-template-us-east-1-sandbox",
          inputs: {
            appliedFors: ["CREATE_ON_PUSH"],
            description: "Repositories created on push under sandbox/ (ecr-pipeline)",
            imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
            imageTagMutabilityExclusionFilters: MUTABLE_TAGS,
            lifecyclePolicy: dev,
            prefix: "sandbox",
            region: "us-east-1",
          },
        },
        {
          type: "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate",
          name: "registry-pull-through-docker-hub-template",
          inputs: {
            appliedFors: ["PULL_THROUGH_CACHE"],
            description: "Pull-through cache repositories under docker-hub/ (ecr-pipeline)",
            imageTagMutability: "MUTABLE",
            lifecyclePolicy: ptcPolicy,
            prefix: "docker-hub",
            region: "us-east-1",
          },
        },
        {
          type: "aws:ecr/pullThroughCacheRule:PullThroughCacheRule",
          name: "registry-pull-through-docker-hub",
          inputs: {
            credentialArn: SECRET,
            ecrRepositoryPrefix: "docker-hub",
            region: "us-east-1",
            upstreamRegistryUrl: "registry-1.docker.io",
          },
        },
        {
          type: "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate",
          name: "registry-pull-through-ecr-public-template",
          inputs: {
            appliedFors: ["PULL_THROUGH_CACHE"],
            description: "Pull-through cache repositories under ecr-public/ (ecr-pipeline)",
            imageTagMutability: "MUTABLE",
            lifecyclePolicy: ptcPolicy,
            prefix: "ecr-public",
            region: "us-east-1",
          },
        },
        {
          type: "aws:ecr/pullThroughCacheRule:PullThroughCacheRule",
          name: "registry-pull-through-ecr-public",
          inputs: {
            ecrRepositoryPrefix: "ecr-public",
            region: "us-east-1",
            upstreamRegistryUrl: "public.ecr.aws",
          },
        },
        {
          type: "aws:ecr/replicationConfiguration:ReplicationConfiguration",
          name: "registry-replication",
          inputs: {
            region: "us-east-1",
            replicationConfiguration: {
              rules: [
                // The rule the registry held stays first; web asks for exactly its destinations (eu-west-1), so
                // web's filter joins it: nothing of it is dropped or changed.
                {
                  destinations: [{ region: "eu-west-1", registryId: ACCOUNT }],
                  repositoryFilters: [
                    { filter: "payments", filterType: "PREFIX_MATCH" },
                    { filter: "team/web", filterType: "PREFIX_MATCH" },
                  ],
                },
                // orders asks for two regions, which no rule has: a new rule.
                {
                  destinations: [
                    { region: "eu-west-1", registryId: ACCOUNT },
                    { region: "ap-northeast-1", registryId: ACCOUNT },
                  ],
                  repositoryFilters: [{ filter: "team/orders", filterType: "PREFIX_MATCH" }],
                },
              ],
            },
          },
        },
        {
          type: "aws:ecr/accountSetting:AccountSetting",
          name: "registry-blob-mounting",
          inputs: { name: "BLOB_MOUNTING", region: "us-east-1", value: "ENABLED" },
        },
      ]),
    );
    // Replication waits for the replica templates ("only applied during repository creation"), and outlives
    // the component: the provider's delete would write rules: [] for the whole registry.
    assert.deepEqual(dependsOn.get("registry-replication"), [
      "registry-template-eu-west-1-team",
      "registry-template-ap-northeast-1-team",
      "registry-template-us-east-1-sandbox",
    ]);
    assert.equal(retained.get("registry-replication"), true);
    assert.deepEqual(dependsOn.get("registry-pull-through-docker-hub"), [
      "registry-pull-through-docker-hub-template",
    ]);
    assert.equal(retained.get("registry-template-eu-west-1-team"), undefined);

    assert.equal(await valueOf(registry.registryHost), `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`);
    assert.deepEqual(await valueOf(registry.cachedReferences), {
      "python:3.12-slim": `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/python:3.12-slim`,
      "public.ecr.aws/docker/library/node:22": `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/ecr-public/docker/library/node:22`,
      "python:3.13": `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/python:3.13`,
    });
    assert.deepEqual(await valueOf(registry.registrySetting), {
      registryId: ACCOUNT,
      region: "us-east-1",
      blobMounting: true,
    });
    // web's eu-west-1 overlaps nothing: orders' rule replicates team/orders, not team/web.
    assert.deepEqual(await valueOf(registry.warnings), []);
  });
});

/** A requested rule: `filter` replicated to `regions` in this account. */
const rule = (filter: string, ...regions: string[]) => ({
  destinations: regions.map((region) => ({ region, registryId: ACCOUNT })),
  repositoryFilters: [{ filter, filterType: "PREFIX_MATCH" as const }],
});
const untaggedAfter = (days: number) =>
  renderLifecyclePolicy([
    {
      selection: {
        tagStatus: "untagged",
        countType: "sinceImagePushed",
        countUnit: "days",
        countNumber: days,
      },
    },
  ]);
const ONE_DAY = untaggedAfter(1);
/** A REPLICATION template request, as a pipeline outputs one. */
const template = (prefix: string, lifecyclePolicy = untaggedAfter(14)) => ({
  prefix,
  appliedFors: ["REPLICATION" as const],
  description: "Replicas (test)",
  lifecyclePolicy,
  imageTagMutability: "IMMUTABLE_WITH_EXCLUSION" as const,
  imageTagMutabilityExclusionFilters: [{ filter: "buildcache*", filterType: "WILDCARD" as const }],
});
const TEN_RULES = [
  "eu-west-1",
  "eu-west-2",
  "eu-central-1",
  "eu-north-1",
  "ap-south-1",
  "ap-northeast-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "sa-east-1",
  "ca-central-1",
].map((region, index) => rule(`service-${index}`, region));

const BAD: [what: string, args: Record<string, unknown>, message: string][] = [
  [
    "requested rules without the rules the registry holds (they would be overwritten)",
    { replicationRules: { "orders (prod)": rule("team/orders", "eu-west-1") } },
    'EcrRegistryDefaults: invalid argument "existingReplicationRules": existingReplicationRules is unset while replicationRules asks for "orders (prod)": the replication configuration is written whole, so the rules the registry holds now would be deleted. Pass them (the "rules" of `aws ecr describe-registry --query replicationConfiguration`), or [] when it holds none.',
  ],
  [
    "a template without a rule under its key (its regions are the rule's)",
    { existingReplicationRules: [], replicationTemplates: { "orders (prod)": template("team") } },
    'EcrRegistryDefaults: invalid argument "replicationTemplates["orders (prod)"]": replicationTemplates["orders (prod)"] has no replicationRules entry "orders (prod)": a template is registered in the destination regions of the rule with the same key. Pass the pipeline\'s replicationRule under the same key.',
  ],
  [
    "a template whose prefix does not reach its rule's repository",
    {
      existingReplicationRules: [],
      replicationRules: { o: rule("team/orders", "eu-west-1") },
      replicationTemplates: { o: template("other") },
    },
    'EcrRegistryDefaults: invalid argument "replicationTemplates["o"].prefix": replicationTemplates["o"].prefix "other" does not reach the repositories its rule replicates ("team/orders"): ECR would create those replicas without this lifecycle policy. Use the pipeline\'s replicationTemplate output unchanged.',
  ],
  [
    "two templates for one prefix and region with different policies",
    {
      existingReplicationRules: [],
      replicationRules: { a: rule("team/a", "eu-west-1"), b: rule("team/b", "eu-west-1") },
      replicationTemplates: { a: template("team"), b: template("team", ONE_DAY) },
    },
    'EcrRegistryDefaults: invalid argument "replicationTemplates["b"]": b and a both need the creation template "team" in eu-west-1 with different settings; ECR keeps one template per prefix. Give each its own namespace, or the same lifecycle policy and mutability.',
  ],
  [
    "an eleventh rule",
    { existingReplicationRules: TEN_RULES, replicationRules: { o: rule("team/orders", "us-west-2") } },
    'EcrRegistryDefaults: invalid argument "replicationRules["o"]": o: the registry\'s replication configuration would have 11 rules; ECR allows 10. Replicate to the same set of regions as an existing rule (its filters take up to 100 repositories), or remove a rule.',
  ],
  [
    "an existing rule that describe-registry would not print",
    { existingReplicationRules: [{ destinations: [{ region: "eu-west-1", registryId: "1" }] }] },
    'EcrRegistryDefaults: invalid argument "existingReplicationRules[0].destinations[0].registryId": existingReplicationRules[0].destinations[0].registryId must be a 12-digit account id, got "1". Pass the rules as `aws ecr describe-registry` prints them: { destinations: [{ region, registryId }], repositoryFilters?: [{ filter, filterType: "PREFIX_MATCH" }] }.',
  ],
  [
    "a requested rule without destinations",
    { existingReplicationRules: [], replicationRules: { o: { destinations: [] } } },
    'EcrRegistryDefaults: invalid argument "replicationRules["o"].destinations": replicationRules["o"].destinations must be a non-empty list, got []. Pass the pipeline\'s replicationRule output unchanged.',
  ],
  [
    "a base image no pull-through cache rule can serve",
    { pullThroughCacheImages: ["gcr.io/distroless/static"] },
    'EcrRegistryDefaults: invalid argument "pullThroughCacheImages[0]": pullThroughCacheImages[0] "gcr.io/distroless/static" is not in a registry a pull-through cache rule can serve (Docker Hub, ECR Public, Quay, registry.k8s.io, GitHub, GitLab or Azure container registries). Leave it out, or copy the image into an ECR repository yourself.',
  ],
  [
    "a Docker Hub base without its credential",
    { pullThroughCacheImages: ["python:3.12"] },
    'EcrRegistryDefaults: invalid argument "pullThroughCacheCredentialArns["docker-hub"]": pullThroughCacheImages[0] "python:3.12": docker-hub (registry-1.docker.io) needs credentialArn: a pull-through cache rule for it authenticates with a Secrets Manager secret. Store the upstream\'s username and access token in a secret named "ecr-pullthroughcache/<name>" and pass its ARN.',
  ],
  [
    "a credential for an upstream that does not exist",
    { pullThroughCacheCredentialArns: { dockerhub: "arn" } },
    'EcrRegistryDefaults: invalid argument "pullThroughCacheCredentialArns["dockerhub"]": pullThroughCacheCredentialArns is keyed by upstream; "dockerhub" is not one. Use one of docker-hub, ecr-public, quay, k8s, github-container-registry, gitlab-container-registry, azure-container-registry.',
  ],
  [
    "a create-on-push prefix that a pull-through cache template has",
    { pullThroughCacheImages: ["public.ecr.aws/docker/library/node:22"], createOnPushPrefix: "ecr-public" },
    'EcrRegistryDefaults: invalid argument "createOnPushPrefix": createOnPushPrefix "ecr-public" is also the prefix of the pull-through cache rule for public.ecr.aws: ECR keeps one creation template per prefix. Use another prefix for repositories created on push.',
  ],
  [
    "a lifecycle preset without the create-on-push template it shapes",
    { lifecyclePreset: "dev" },
    'EcrRegistryDefaults: invalid argument "lifecyclePreset": applies only to the create-on-push template, and createOnPushPrefix is unset. Set createOnPushPrefix (a namespace such as "team", or "ROOT"), or leave it out.',
  ],
  [
    "rules held in an Output (which resources exist must be plain)",
    { existingReplicationRules: [], replicationRules: { o: pulumi.output(rule("team/o", "eu-west-1")) } },
    'EcrRegistryDefaults: invalid argument "replicationRules": holds an Output: which rules, templates and caches exist must be known before anything is registered. Pass plain values; read another stack\'s outputs with `(await stackRef.getOutputDetails("<output>")).value`.',
  ],
  [
    "an account id that is not one",
    { registryId: "12" },
    'EcrRegistryDefaults: invalid argument "registryId": registryId must be the registry\'s 12-digit account id, got "12". Pass the AWS provider\'s account, e.g. (await aws.getCallerIdentity()).accountId.',
  ],
  [
    "a template for a destination in another account",
    {
      existingReplicationRules: [],
      replicationRules: {
        o: {
          destinations: [{ region: "eu-west-1", registryId: "210987654321" }],
          repositoryFilters: [{ filter: "team/o", filterType: "PREFIX_MATCH" }],
        },
      },
      replicationTemplates: { o: template("team") },
    },
    'EcrRegistryDefaults: invalid argument "replicationTemplates["o"]": replicationTemplates["o"]: the rule replicates to account 210987654321 (eu-west-1), and this component registers templates in account 123456789012 only. Register the template with an EcrRegistryDefaults in that account, or drop it from replicationTemplates.',
  ],
  [
    "a create-on-push prefix ECR would reject",
    { createOnPushPrefix: "Sandbox" },
    'EcrRegistryDefaults: invalid argument "createOnPushPrefix": createOnPushPrefix "Sandbox" is not a template prefix: "ROOT", or a repository namespace of lowercase letters, digits and ._- separators joined by "/" (2-256 characters). See the argument\'s documentation (README, EcrRegistryDefaults).',
  ],
  [
    "a create-on-push preset that does not exist (EcrRepository's own check)",
    { createOnPushPrefix: "sandbox", lifecyclePreset: "qa" },
    'EcrRegistryDefaults: invalid argument "lifecyclePreset": got "qa". Use one of "dev", "staging", "prod".',
  ],
];

describe("EcrRegistryDefaults: a bad input stops the program before anything is registered, naming the arg", () => {
  for (const [what, args, message] of BAD) {
    it(what, () =>
      assertRejectedBeforeRegistration(
        () =>
          new EcrRegistryDefaults("registry", { registryId: ACCOUNT, region: "us-east-1", ...args } as never),
        message,
      ),
    );
  }

  it("a rule that overlaps another (the same repository to the same region twice) is registered with a warning naming it", async () => {
    const rec = installMocks();
    const registry = new EcrRegistryDefaults("registry", {
      registryId: ACCOUNT,
      region: "us-east-1",
      // A rule without a filter replicates every repository to eu-west-1 already.
      existingReplicationRules: [{ destinations: [{ region: "eu-west-1", registryId: ACCOUNT }] }],
      replicationRules: { "orders (prod)": rule("team/orders", "eu-west-1", "us-west-2") },
    });
    assert.deepEqual(await valueOf(registry.warnings), [
      'replicationRules["orders (prod)"].repositoryFilters: orders (prod): "team/orders" is already replicated to eu-west-1 by rule 1 (no filter: every repository); the two rules overlap. Fix: drop those destinations from one of them.',
    ]);
    await settle(registry.replicationRules);
    const configuration = rec.resources.find((each) => each.name === "registry-replication");
    assert.deepEqual(configuration?.inputs.replicationConfiguration, {
      rules: [
        { destinations: [{ region: "eu-west-1", registryId: ACCOUNT }] },
        rule("team/orders", "eu-west-1", "us-west-2"),
      ],
    });
  });

  it("existing rules alone: the configuration is adopted as it is (what `pulumi import` then shows unchanged)", async () => {
    const rec = installMocks();
    const registry = new EcrRegistryDefaults("registry", {
      registryId: ACCOUNT,
      region: "us-east-1",
      existingReplicationRules: [PAYMENTS_RULE],
    });
    await settle(registry.replicationRules);
    assert.deepEqual(rec.resources.map((each) => `${each.type}::${each.name}`).sort(), [
      "aws:ecr/replicationConfiguration:ReplicationConfiguration::registry-replication",
      "ecr-pipeline:index:EcrRegistryDefaults::registry",
    ]);
    assert.deepEqual(await valueOf(registry.replicationRules), [PAYMENTS_RULE]);
  });

  it("nothing asked: the component registers nothing but itself (no configuration is written)", async () => {
    const rec = installMocks();
    // A pipeline without replication outputs undefined rule and template: nothing asked either.
    const registry = new EcrRegistryDefaults("registry", {
      registryId: ACCOUNT,
      region: "us-east-1",
      replicationRules: { "web (dev)": undefined as never },
      replicationTemplates: { "web (dev)": undefined as never },
    });
    await settle(registry.registryHost);
    assert.deepEqual(
      rec.resources.map((each) => each.name),
      ["registry"],
    );
    assert.deepEqual(await valueOf(registry.replicationRules), []);
  });
});
