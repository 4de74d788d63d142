/**
 * Registry-level resource inputs (issue 20, items 1, 5, 6): exactly what a component would register for
 * `aws.ecr.ReplicationConfiguration`, `aws.ecr.RepositoryCreationTemplate` and `aws.ecr.PullThroughCacheRule`
 * (field names as @pulumi/aws 7.48.0 declares them), and exact errors naming the arg.
 */
import assert from "node:assert/strict";
import { InvalidInputError } from "../../components/common/errors";
import { buildLifecyclePreset, renderLifecyclePolicy } from "../../components/lifecycle";
import {
  BLOB_MOUNTING_SETTING,
  mergeCreationTemplates,
  mergeReplicationRules,
  pullThroughCacheFor,
  pullThroughCacheTemplateFor,
  pullThroughUpstreamOf,
  replicationRuleFor,
  replicationRulesFromDescribeRegistry,
  replicationTemplateFor,
  splitImageReference,
  type ReplicationRule,
} from "../../components/registry";

const ACCOUNT = "123456789012";
const rejects = (run: () => unknown, key: string, message: string) =>
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof InvalidInputError, String(error));
    assert.equal(error.key, key);
    assert.equal(error.message, message);
    return true;
  });

describe("replicationRuleFor: this repository's rule", () => {
  const args = {
    repositoryName: "team/orders",
    sourceRegion: "us-east-1",
    registryId: ACCOUNT,
    replicationRegions: ["eu-west-1", "ap-northeast-1"],
  };

  it("one PREFIX_MATCH filter on the repository name, one destination per region in the same account", () => {
    assert.deepEqual(replicationRuleFor(args), {
      rule: {
        destinations: [
          { region: "eu-west-1", registryId: ACCOUNT },
          { region: "ap-northeast-1", registryId: ACCOUNT },
        ],
        repositoryFilters: [{ filter: "team/orders", filterType: "PREFIX_MATCH" }],
      },
      warnings: [],
    });
  });

  it("warns when the prefix also matches other repositories it knows of", () => {
    const { warnings } = replicationRuleFor({
      ...args,
      knownRepositories: ["team/orders", "team/orders-v2", "team/payments"],
    });
    assert.deepEqual(warnings, [
      {
        key: "repositoryName",
        message:
          'the replication filter "team/orders" is a prefix (PREFIX_MATCH is the only filter type), so it also replicates "team/orders-v2". Fix: name the repository so that no other starts with its name (e.g. "team/orders/app"), or accept their replicas.',
      },
    ]);
  });

  it("rejects a region without a rate card, naming replicationRegions[i]", () => {
    rejects(
      () => replicationRuleFor({ ...args, replicationRegions: ["eu-west-1", "af-south-1"] }),
      "replicationRegions[1]",
      'replicationRegions[1] "af-south-1" has no rate card, so its replica could not be priced (prices are data in components/cost/pricing.ts, docs/PRICING.md). Use one of the priced regions: ap-northeast-1, ap-south-1, ap-southeast-1, ap-southeast-2, ca-central-1, eu-central-1, eu-north-1, eu-west-1, eu-west-2, sa-east-1, us-east-1, us-east-2, us-west-1, us-west-2.',
    );
  });

  it("rejects the source region in the same account, and a region listed twice", () => {
    rejects(
      () => replicationRuleFor({ ...args, replicationRegions: ["us-east-1"] }),
      "replicationRegions[0]",
      'replicationRegions[0] "us-east-1" is the repository\'s own region in the same account: replication needs another region or another account',
    );
    rejects(
      () => replicationRuleFor({ ...args, replicationRegions: ["eu-west-1", "eu-west-1"] }),
      "replicationRegions[1]",
      'replicationRegions[1] "eu-west-1" is listed twice',
    );
    // Another account may receive the source region.
    assert.equal(
      replicationRuleFor({
        ...args,
        replicationRegions: ["us-east-1"],
        destinationRegistryId: "210987654321",
      }).rule.destinations[0]?.registryId,
      "210987654321",
    );
  });

  it("rejects a repository name ECR would reject", () => {
    rejects(
      () => replicationRuleFor({ ...args, repositoryName: "Team/Orders" }),
      "repositoryName",
      'repositoryName "Team/Orders" is not an ECR repository name: 2-256 lowercase letters, digits and ._- separators, namespaces joined by "/" (e.g. "team/orders")',
    );
  });
});

describe("mergeReplicationRules: another stack's rules are never dropped", () => {
  const other: ReplicationRule = {
    destinations: [{ region: "eu-west-1", registryId: ACCOUNT }],
    repositoryFilters: [{ filter: "billing/", filterType: "PREFIX_MATCH" }],
  };
  const everything: ReplicationRule = { destinations: [{ region: "us-west-2", registryId: ACCOUNT }] };
  const ours = (regions: string[]) =>
    replicationRuleFor({
      repositoryName: "team/orders",
      sourceRegion: "us-east-1",
      registryId: ACCOUNT,
      replicationRegions: regions,
    }).rule;

  it("the same destinations: our filter joins that rule; the other rules stay as they are", () => {
    const { rules, warnings } = mergeReplicationRules(
      [other, everything],
      [{ requestedBy: "orders (prod)", rule: ours(["eu-west-1"]) }],
    );
    assert.deepEqual(rules, [
      {
        destinations: [{ region: "eu-west-1", registryId: ACCOUNT }],
        repositoryFilters: [
          { filter: "billing/", filterType: "PREFIX_MATCH" },
          { filter: "team/orders", filterType: "PREFIX_MATCH" },
        ],
      },
      everything,
    ]);
    assert.deepEqual(warnings, []);
  });

  it("other destinations: a new rule, appended", () => {
    const { rules } = mergeReplicationRules(
      [other],
      [{ requestedBy: "orders (prod)", rule: ours(["ap-northeast-1"]) }],
    );
    assert.equal(rules.length, 2);
    assert.deepEqual(rules[0], other);
  });

  it("warns when another rule already replicates the repository to one of the same regions (overlapping filters)", () => {
    const { warnings } = mergeReplicationRules(
      [everything],
      [{ requestedBy: "orders (prod)", rule: ours(["us-west-2", "eu-west-1"]) }],
    );
    assert.deepEqual(warnings, [
      {
        key: "requested[0].rule.repositoryFilters",
        message:
          'orders (prod): "team/orders" is already replicated to us-west-2 by rule 1 (no filter: every repository); the two rules overlap. Fix: drop those destinations from one of them.',
      },
    ]);
  });

  it("the same request twice adds nothing; an eleventh rule is an error naming the request", () => {
    const once = mergeReplicationRules([], [{ requestedBy: "a", rule: ours(["eu-west-1"]) }]);
    const twice = mergeReplicationRules(once.rules, [{ requestedBy: "a", rule: ours(["eu-west-1"]) }]);
    assert.deepEqual(twice.rules, once.rules);
    const ten = [
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
    ].map((region): ReplicationRule => ({
      destinations: [{ region, registryId: ACCOUNT }],
      repositoryFilters: [{ filter: `x-${region}`, filterType: "PREFIX_MATCH" }],
    }));
    rejects(
      () => mergeReplicationRules(ten, [{ requestedBy: "orders (prod)", rule: ours(["us-west-2"]) }]),
      "requested[0]",
      "orders (prod): the registry's replication configuration would have 11 rules; ECR allows 10. Fix: replicate to the same set of regions as an existing rule (its filters take up to 100 repositories), or remove a rule.",
    );
  });

  it("reads the rules a registry holds from `aws ecr describe-registry`, naming a bad field", () => {
    const described = {
      registryId: ACCOUNT,
      replicationConfiguration: {
        rules: [
          {
            destinations: [{ region: "eu-west-1", registryId: ACCOUNT }],
            repositoryFilters: [{ filter: "billing/", filterType: "PREFIX_MATCH" }],
          },
        ],
      },
    };
    assert.deepEqual(replicationRulesFromDescribeRegistry(described), [other]);
    assert.deepEqual(replicationRulesFromDescribeRegistry({ registryId: ACCOUNT }), []);
    rejects(
      () =>
        replicationRulesFromDescribeRegistry({
          replicationConfiguration: { rules: [{ destinations: [{ region: "eu-west-1", registryId: "x" }] }] },
        }),
      "replicationConfiguration.rules[0].destinations[0].registryId",
      'replicationConfiguration.rules[0].destinations[0].registryId must be a 12-digit account id, got "x"',
    );
  });
});

describe("replicationTemplateFor: the replica gets this repository's lifecycle policy and mutability", () => {
  const policy = renderLifecyclePolicy(buildLifecyclePreset("prod"));
  const args = {
    repositoryName: "team/orders",
    lifecyclePolicy: policy,
    imageTagMutability: "IMMUTABLE_WITH_EXCLUSION" as const,
    imageTagMutabilityExclusionFilters: ["buildcache*", "deployed-*"],
  };

  it("prefix = the namespace, appliedFors REPLICATION, the policy and exclusions as the repository has them", () => {
    assert.deepEqual(replicationTemplateFor(args), {
      inputs: {
        prefix: "team",
        appliedFors: ["REPLICATION"],
        description: "Replicas of team/orders: its lifecycle policy and tag mutability (ecr-pipeline)",
        lifecyclePolicy: policy,
        imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters: [
          { filter: "buildcache*", filterType: "WILDCARD" },
          { filter: "deployed-*", filterType: "WILDCARD" },
        ],
      },
      warnings: [],
    });
  });

  it("a repository without a namespace needs an explicit prefix, and ROOT warns", () => {
    rejects(
      () => replicationTemplateFor({ ...args, repositoryName: "orders" }),
      "prefix",
      'repositoryName "orders" has no namespace: a creation template\'s prefix "p" applies only to repositories named "p/...", so only a ROOT template would reach its replica, and it would shape every repository ECR creates in that registry. Fix: name the repository "<team>/orders", pass prefix "ROOT" knowingly, or create the replica repository in each destination with this lifecycle policy before replicating.',
    );
    const root = replicationTemplateFor({ ...args, repositoryName: "orders", prefix: "ROOT" });
    assert.equal(root.inputs.prefix, "ROOT");
    assert.deepEqual(
      root.warnings.map((warning) => warning.key),
      ["prefix"],
    );
  });

  it("rejects a prefix that does not reach the repository, KMS without a role, a bad exclusion filter", () => {
    rejects(
      () => replicationTemplateFor({ ...args, prefix: "payments" }),
      "prefix",
      'prefix "payments" does not reach "team/orders": a template applies to repositories named "payments/..." only. Fix: use the repository\'s namespace "team".',
    );
    rejects(
      () =>
        replicationTemplateFor({
          ...args,
          encryption: { encryptionType: "KMS", kmsKey: "arn:aws:kms:eu-west-1:123456789012:key/k" },
        }),
      "customRoleArn",
      'encryption KMS needs customRoleArn: ECR creates the replica with that role ("Required if using repository tags or KMS encryption"). Fix: pass an IAM role ARN the template may use (ECR user guide, repository-creation-templates-create-iam.html).',
    );
    rejects(
      () => replicationTemplateFor({ ...args, imageTagMutabilityExclusionFilters: ["a*b*c*"] }),
      "imageTagMutabilityExclusionFilters[0]",
      'imageTagMutabilityExclusionFilters[0] "a*b*c*" is not an exclusion filter: 1-128 of a-z A-Z 0-9 . _ - *, at most 2 "*"',
    );
  });

  it("two pipelines may share a namespace template only with the same settings", () => {
    const mine = replicationTemplateFor(args).inputs;
    const same = replicationTemplateFor({ ...args, repositoryName: "team/payments" }).inputs;
    assert.equal(
      mergeCreationTemplates([
        { requestedBy: "orders", region: "eu-west-1", inputs: mine },
        { requestedBy: "payments", region: "eu-west-1", inputs: same },
      ]).length,
      1,
    );
    const other = replicationTemplateFor({
      ...args,
      repositoryName: "team/payments",
      lifecyclePolicy: renderLifecyclePolicy(buildLifecyclePreset("dev")),
    }).inputs;
    rejects(
      () =>
        mergeCreationTemplates([
          { requestedBy: "orders", region: "eu-west-1", inputs: mine },
          { requestedBy: "payments", region: "eu-west-1", inputs: other },
        ]),
      "requested[1]",
      'payments and orders both need the creation template "team" in eu-west-1 with different settings; ECR keeps one template per prefix. Fix: give each its own namespace, or the same lifecycle policy and mutability.',
    );
  });
});

describe("pull-through cache: the rule, the cached reference and its template", () => {
  const host = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;
  const secret = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:ecr-pullthroughcache/dockerhub-AbCdEf`;

  // [reference, upstream, cached reference]
  const cases: [string, string | undefined, string | undefined][] = [
    ["node:22-bookworm-slim", "docker-hub", `${host}/docker-hub/library/node:22-bookworm-slim`],
    ["docker.io/library/python:3.12-slim", "docker-hub", `${host}/docker-hub/library/python:3.12-slim`],
    ["bitnami/redis@sha256:abc", "docker-hub", `${host}/docker-hub/bitnami/redis@sha256:abc`],
    ["public.ecr.aws/docker/library/node:22", "ecr-public", `${host}/ecr-public/docker/library/node:22`],
    ["quay.io/prometheus/node-exporter:v1.8.0", "quay", `${host}/quay/prometheus/node-exporter:v1.8.0`],
    ["registry.k8s.io/pause:3.9", "k8s", `${host}/kubernetes/pause:3.9`],
    ["gcr.io/distroless/static-debian12", undefined, undefined],
    ["localhost:5000/base:1", undefined, undefined],
  ];
  for (const [reference, upstream, cached] of cases) {
    it(`${reference} -> ${cached ?? "no rule serves it"}`, () => {
      assert.equal(pullThroughUpstreamOf(reference)?.upstream, upstream);
      assert.equal(pullThroughCacheFor(reference, host, { credentialArn: secret })?.cachedReference, cached);
    });
  }

  it("Docker Hub: the rule with its credential; without one, an error naming credentialArn", () => {
    assert.deepEqual(pullThroughCacheFor("node:22", host, { credentialArn: secret })?.rule, {
      ecrRepositoryPrefix: "docker-hub",
      upstreamRegistryUrl: "registry-1.docker.io",
      credentialArn: secret,
    });
    rejects(
      () => pullThroughCacheFor("node:22", host),
      "credentialArn",
      'docker-hub (registry-1.docker.io) needs credentialArn: a pull-through cache rule for it authenticates with a Secrets Manager secret. Fix: store the upstream\'s username and access token in a secret named "ecr-pullthroughcache/<name>" and pass its ARN.',
    );
    rejects(
      () =>
        pullThroughCacheFor("node:22", host, {
          credentialArn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:dockerhub`,
        }),
      "credentialArn",
      `credentialArn "arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:dockerhub" is not a Secrets Manager secret whose name begins with "ecr-pullthroughcache/", as ECR requires`,
    );
    // ECR Public needs no credential.
    assert.deepEqual(pullThroughCacheFor("public.ecr.aws/docker/library/node:22", host)?.rule, {
      ecrRepositoryPrefix: "ecr-public",
      upstreamRegistryUrl: "public.ecr.aws",
    });
  });

  it("splits references as registry clients do", () => {
    assert.deepEqual(splitImageReference("node"), { host: undefined, path: "library/node", suffix: "" });
    assert.deepEqual(splitImageReference("my.registry:5000/team/app:1.0@sha256:x"), {
      host: "my.registry:5000",
      path: "team/app",
      suffix: ":1.0@sha256:x",
    });
  });

  it("the cache's creation template: PULL_THROUGH_CACHE, MUTABLE, untagged cached images expire after 7 days", () => {
    const template = pullThroughCacheTemplateFor("docker-hub");
    assert.deepEqual(
      { ...template, lifecyclePolicy: JSON.parse(template.lifecyclePolicy) as unknown },
      {
        prefix: "docker-hub",
        appliedFors: ["PULL_THROUGH_CACHE"],
        description: "Pull-through cache repositories under docker-hub/ (ecr-pipeline)",
        imageTagMutability: "MUTABLE",
        lifecyclePolicy: {
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
      },
    );
  });

  it("blob mounting's account setting, as aws.ecr.AccountSetting takes it", () => {
    assert.deepEqual(BLOB_MOUNTING_SETTING, { name: "BLOB_MOUNTING", value: "ENABLED" });
  });
});
