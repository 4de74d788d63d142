import assert from "node:assert/strict";
import { EcrRepository } from "../../components/repository";
import { renderLifecyclePolicy, buildLifecyclePreset } from "../../components/lifecycle";
import { checkPullPrincipalArns, pullOnlyRepositoryPolicy } from "../../components/settings/pull-policy";
import { installMocks, settle, valueOf } from "../helpers/pulumi-mocks";

describe("EcrRepository", () => {
  it("creates exactly the repository and its lifecycle policy, with secure defaults", async () => {
    const rec = installMocks();
    const repo = new EcrRepository("web", {}, { transformations: [] });
    await settle(repo.repositoryUrl, repo.lifecyclePolicyText);

    assert.deepEqual(
      rec.resources.map((r) => `${r.type}::${r.name}`),
      [
        "ecr-pipeline:index:EcrRepository::web",
        "aws:ecr/repository:Repository::web",
        "aws:ecr/lifecyclePolicy:LifecyclePolicy::web-lifecycle",
      ],
    );
    const repository = rec.resources.find((r) => r.type === "aws:ecr/repository:Repository");
    assert.ok(repository);
    assert.deepEqual(repository.inputs.imageScanningConfiguration, { scanOnPush: true });
    assert.equal(repository.inputs.imageTagMutability, "IMMUTABLE_WITH_EXCLUSION");
    assert.deepEqual(repository.inputs.imageTagMutabilityExclusionFilters, [
      { filter: "buildcache*", filterType: "WILDCARD" },
      { filter: "deployed-*", filterType: "WILDCARD" },
    ]);
    assert.deepEqual(repository.inputs.encryptionConfigurations, [{ encryptionType: "AES256" }]);
    assert.equal(repository.inputs.forceDelete, false);

    const lifecycle = rec.resources.find((r) => r.type === "aws:ecr/lifecyclePolicy:LifecyclePolicy");
    assert.ok(lifecycle);
    const expectedPolicy = renderLifecyclePolicy(buildLifecyclePreset("prod"));
    assert.equal(lifecycle.inputs.policy, expectedPolicy);
    assert.equal(await valueOf(repo.lifecyclePolicyText), expectedPolicy);
    const priorities = (JSON.parse(expectedPolicy) as { rules: { rulePriority: number }[] }).rules.map(
      (r) => r.rulePriority,
    );
    assert.deepEqual(
      priorities,
      [...priorities].sort((a, b) => a - b),
      "rules sorted by rulePriority",
    );
    assert.equal(
      await valueOf(repo.repositoryUrl),
      "123456789012.dkr.ecr.us-east-1.amazonaws.com/web-a1b2c3d",
    );
  });

  it("applies a hand-written policy as given and logs its warnings", async () => {
    const rec = installMocks();
    const policy = renderLifecyclePolicy([
      { selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 20 } },
    ]);
    const repo = new EcrRepository("web", { lifecyclePolicy: policy });
    await settle(repo.repositoryUrl);
    const lifecycle = rec.resources.find((r) => r.type === "aws:ecr/lifecyclePolicy:LifecyclePolicy");
    assert.equal(lifecycle?.inputs.policy, policy);
    const warnings = (await valueOf(repo.lifecycleWarnings)) ?? [];
    assert.ok(
      warnings.some((w) => w.includes("buildcache")),
      `a keep-20 rule over "any" counts the cache image: ${warnings.join(" / ")}`,
    );
  });

  it("uses KMS when a key is given, and the chosen preset and cache tag", async () => {
    const rec = installMocks();
    const repo = new EcrRepository("web", {
      repositoryName: "team/web",
      kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abc",
      lifecyclePreset: "dev",
      cacheTag: "cache",
    });
    await settle(repo.repositoryUrl);
    const repository = rec.resources.find((r) => r.type === "aws:ecr/repository:Repository");
    assert.ok(repository);
    assert.equal(repository.inputs.name, "team/web");
    assert.deepEqual(repository.inputs.encryptionConfigurations, [
      { encryptionType: "KMS", kmsKey: "arn:aws:kms:us-east-1:123456789012:key/abc" },
    ]);
    assert.deepEqual(repository.inputs.imageTagMutabilityExclusionFilters, [
      { filter: "cache*", filterType: "WILDCARD" },
      { filter: "deployed-*", filterType: "WILDCARD" },
    ]);
    const lifecycle = rec.resources.find((r) => r.type === "aws:ecr/lifecyclePolicy:LifecyclePolicy");
    assert.equal(
      lifecycle?.inputs.policy,
      renderLifecyclePolicy(buildLifecyclePreset("dev", { cacheTag: "cache" })),
    );
  });

  it("adds a pull-only repository policy and registry enhanced scanning when asked", async () => {
    const rec = installMocks();
    const repo = new EcrRepository("web", {
      pullPrincipalArns: ["arn:aws:iam::210987654321:role/deployer", "210987654321"],
      scanningMode: "enhanced",
      manageRegistryScanning: true,
    });
    await settle(repo.repositoryUrl);
    assert.deepEqual(
      rec.resources.map((r) => r.type),
      [
        "ecr-pipeline:index:EcrRepository",
        "aws:ecr/repository:Repository",
        "aws:ecr/lifecyclePolicy:LifecyclePolicy",
        "aws:ecr/repositoryPolicy:RepositoryPolicy",
        "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
      ],
    );
    const policy = rec.resources.find((r) => r.type === "aws:ecr/repositoryPolicy:RepositoryPolicy");
    assert.deepEqual(JSON.parse(policy?.inputs.policy as string), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "PullOnly",
          Effect: "Allow",
          Principal: { AWS: ["210987654321", "arn:aws:iam::210987654321:role/deployer"] },
          Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        },
      ],
    });
    const scanning = rec.resources.find((r) => r.type.endsWith("RegistryScanningConfiguration"));
    assert.deepEqual(scanning?.inputs, {
      scanType: "ENHANCED",
      rules: [
        {
          scanFrequency: "SCAN_ON_PUSH",
          repositoryFilters: [{ filter: "web-a1b2c3d", filterType: "WILDCARD" }],
        },
      ],
    });
  });

  it("rejects an invalid lifecycle policy before registering anything, naming the rule", () => {
    const rec = installMocks();
    assert.throws(
      () =>
        new EcrRepository("web", {
          lifecyclePolicy: renderLifecyclePolicy([
            {
              rulePriority: 1,
              selection: { tagStatus: "tagged", countType: "imageCountMoreThan", countNumber: 5 },
            },
          ]),
        }),
      (error: Error) => {
        assert.match(
          error.message,
          /^EcrRepository: invalid argument "lifecyclePolicy": web's lifecycle policy would be rejected:\n/,
        );
        assert.match(
          error.message,
          /\n\. Fix the rules listed, or leave lifecyclePolicy unset to use lifecyclePreset\.$/,
        );
        assert.match(error.message, /rule 1/);
        assert.match(error.message, /tagPrefixList|tagPatternList/);
        return true;
      },
    );
    assert.deepEqual(rec.resources, []);
  });

  const badArgs: [string, ConstructorParameters<typeof EcrRepository>[1], string][] = [
    [
      "repository name",
      { repositoryName: "Team/Web" },
      "EcrRepository: invalid argument \"repositoryName\": \"Team/Web\" is not a valid ECR repository name. Use 2-256 lower-case letters, digits and '.', '_', '-' or '/' separators (e.g. \"team/app\").",
    ],
    [
      "cache tag",
      { cacheTag: "-cache" },
      "EcrRepository: invalid argument \"cacheTag\": \"-cache\" is not a valid image tag. Use 1-128 characters of letters, digits, '_', '.' and '-', not starting with '.' or '-'.",
    ],
    [
      "preset",
      { lifecyclePreset: "qa" as never },
      'EcrRepository: invalid argument "lifecyclePreset": got "qa". Use one of "dev", "staging", "prod".',
    ],
    [
      "scanning mode",
      { scanningMode: "deep" as never },
      'EcrRepository: invalid argument "scanningMode": got "deep". Use one of "basic", "enhanced".',
    ],
  ];
  for (const [what, args, message] of badArgs) {
    it(`rejects a bad ${what} with the argument and the fix, before any resource`, () => {
      const rec = installMocks();
      assert.throws(() => new EcrRepository("web", args), { message });
      assert.deepEqual(rec.resources, []);
    });
  }

  it("checkPullPrincipalArns rejects what is not a principal, naming the component the user called", () => {
    assert.throws(() => checkPullPrincipalArns("EcrRepository", ["bob"]), {
      message:
        'EcrRepository: invalid argument "pullPrincipalArns": "bob" is not an account id or an IAM root, role or user ARN. Use e.g. arn:aws:iam::123456789012:role/deployer or 123456789012.',
    });
    assert.throws(() => checkPullPrincipalArns("EcrImagePipeline", []), {
      message:
        'EcrImagePipeline: invalid argument "pullPrincipalArns": the list is empty. Leave it unset for no repository policy.',
    });
    assert.equal(
      pullOnlyRepositoryPolicy(["210987654321", "210987654321"]),
      '{"Version":"2012-10-17","Statement":[{"Sid":"PullOnly","Effect":"Allow","Principal":{"AWS":["210987654321"]},"Action":["ecr:BatchCheckLayerAvailability","ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}',
    );
  });

  it("a plain pullPrincipalArns that is not a principal is rejected before any resource", async () => {
    const rec = installMocks();
    assert.throws(() => new EcrRepository("web", { pullPrincipalArns: ["*"] }), {
      message:
        'EcrRepository: invalid argument "pullPrincipalArns": "*" is not an account id or an IAM root, role or user ARN. Use e.g. arn:aws:iam::123456789012:role/deployer or 123456789012.',
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(rec.resources, []);
  });
});
