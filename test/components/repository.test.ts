import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { InvalidArgumentError } from "../../components/common/errors";
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
      registryScanFrequency: "SCAN_ON_PUSH",
    });
    await settle(repo.repositoryUrl);
    // The scanning configuration no longer names the repository, so it may be registered first.
    assert.deepEqual(rec.resources.map((r) => r.type).sort(), [
      "aws:ecr/lifecyclePolicy:LifecyclePolicy",
      "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
      "aws:ecr/repository:Repository",
      "aws:ecr/repositoryPolicy:RepositoryPolicy",
      "ecr-pipeline:index:EcrRepository",
    ]);
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
    // One rule over every repository (issue 18 item 2): the configuration replaces the account's whole
    // configuration, and a rule on this repository alone stopped the scanning of every other one.
    // Planted: the old filter on this repository's name: this failed.
    const scanning = rec.resources.find((r) => r.type.endsWith("RegistryScanningConfiguration"));
    assert.equal(scanning?.name, "web-scanning");
    assert.deepEqual(scanning?.inputs, {
      scanType: "ENHANCED",
      rules: [
        { scanFrequency: "SCAN_ON_PUSH", repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }] },
      ],
    });
  });

  it("registry scanning: the frequency chosen, filters named on purpose, a warning when they leave this repository out", async () => {
    const warnings: string[] = [];
    const warn = pulumi.log.warn;
    pulumi.log.warn = (message: string) => (warnings.push(message), Promise.resolve());
    try {
      const rec = installMocks();
      const repo = new EcrRepository("web", {
        repositoryName: "web",
        scanningMode: "enhanced",
        manageRegistryScanning: true,
        registryScanFrequency: "CONTINUOUS_SCAN",
        registryScanFilters: ["team-*", "shared"],
      });
      await settle(repo.repositoryUrl);
      const scanning = rec.resources.find((r) => r.type.endsWith("RegistryScanningConfiguration"));
      assert.deepEqual(scanning?.inputs, {
        scanType: "ENHANCED",
        rules: [
          {
            scanFrequency: "CONTINUOUS_SCAN",
            repositoryFilters: [
              { filter: "team-*", filterType: "WILDCARD" },
              { filter: "shared", filterType: "WILDCARD" },
            ],
          },
        ],
      });
      assert.deepEqual(warnings, [
        'registryScanFilters ["team-*","shared"] does not match this repository "web", so its images will not be scanned (scanning disabled). Add a filter that matches it, e.g. "web", or leave registryScanFilters unset to scan every repository.',
      ]);
      // Basic scanning managed: scan on push on every repository, the only frequency basic has.
      const basic = installMocks();
      await settle(new EcrRepository("web", { manageRegistryScanning: true }).repositoryUrl);
      assert.deepEqual(
        basic.resources.find((r) => r.type.endsWith("RegistryScanningConfiguration"))?.inputs,
        {
          scanType: "BASIC",
          rules: [
            { scanFrequency: "SCAN_ON_PUSH", repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }] },
          ],
        },
      );
    } finally {
      pulumi.log.warn = warn;
    }
    const rec = installMocks();
    assert.throws(
      () => new EcrRepository("web", { scanningMode: "enhanced", manageRegistryScanning: true }),
      {
        message:
          'EcrRepository: invalid argument "registryScanFrequency": not set; with manageRegistryScanning and scanningMode "enhanced" this stack sets how often Amazon Inspector scans every repository it covers. Choose one: "SCAN_ON_PUSH" (each image scanned once, when pushed) or "CONTINUOUS_SCAN" (images rescanned as new vulnerabilities are published; each rescan is billed by Inspector).',
      },
    );
    assert.deepEqual(rec.resources, []);
  });

  it("mutableTags: one exact exclusion filter per moving name; a version is rejected; a fourth name too", async () => {
    const rec = installMocks();
    const repo = new EcrRepository("web", { mutableTags: ["latest", "deployed-prod", "stable", "latest"] });
    await settle(repo.repositoryUrl);
    const repository = rec.resources.find((r) => r.type === "aws:ecr/repository:Repository");
    assert.deepEqual(repository?.inputs.imageTagMutabilityExclusionFilters, [
      { filter: "buildcache*", filterType: "WILDCARD" },
      { filter: "deployed-*", filterType: "WILDCARD" },
      { filter: "latest", filterType: "WILDCARD" },
      { filter: "stable", filterType: "WILDCARD" },
    ]);
    assert.throws(() => new EcrRepository("web", { mutableTags: ["release-1.4.0"] }), {
      message:
        'EcrRepository: invalid argument "mutableTags[0]": "release-1.4.0" is not a tag that moves (deployed-* or a name teams re-point to each build, e.g. latest, stable, main, prod), so it stays immutable: a version names one build for good. Use "deployed-release-1.4.0" (every deployed-* tag moves), or remove it from mutableTags.',
    });
    assert.throws(() => new EcrRepository("web", { mutableTags: ["latest", "stable", "main", "prod"] }), {
      message:
        'EcrRepository: invalid argument "mutableTags[3]": "prod" is re-pointed to every new build, so the repository must exempt it from tag immutability, but ECR allows 5 exclusion filters per repository and they are taken (buildcache*, deployed-*, latest, stable, main). Use "deployed-prod" instead: every deployed-* tag moves through the one deployed-* filter, and the lifecycle presets keep the images it names.',
    });
  });

  it("pullPrincipalArns as an Output: checked when it resolves, before the repository is registered, shown on the component", async () => {
    const errors: unknown[] = [];
    const capture = (error: unknown): void => void errors.push(error);
    process.on("unhandledRejection", capture);
    try {
      const rec = installMocks();
      const repo = new EcrRepository("web", { pullPrincipalArns: pulumi.output(["12345678901"]) });
      for (let waited = 0; errors.length === 0 && waited < 3000; waited += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Planted: the check's Output not in the Repository's dependsOn: the repository was registered.
      assert.deepEqual(
        rec.resources.map((r) => r.type),
        ["ecr-pipeline:index:EcrRepository"],
      );
      const distinct = [...new Set(errors)];
      assert.equal(distinct.length, 1, distinct.map(String).join("\n"));
      const error = distinct[0] as InvalidArgumentError;
      assert.ok(error instanceof InvalidArgumentError);
      assert.equal(
        error.message,
        'EcrRepository: invalid argument "pullPrincipalArns[0]": "12345678901" is not an account id: AWS account ids are exactly 12 digits (it has 11). Copy the 12-digit id (aws sts get-caller-identity --query Account in that account); keep leading zeros.',
      );
      assert.equal(error.resource, repo, "reported on the EcrRepository the user called");
    } finally {
      process.off("unhandledRejection", capture);
    }
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
        'EcrRepository: invalid argument "pullPrincipalArns[0]": "bob" is not an account id or an IAM root, role, user or assumed-role ARN. Use e.g. 123456789012, arn:aws:iam::123456789012:root or arn:aws:iam::123456789012:role/deployer.',
    });
    assert.throws(() => checkPullPrincipalArns("EcrImagePipeline", []), {
      message:
        'EcrImagePipeline: invalid argument "pullPrincipalArns": the list is empty (a repository policy needs at least one principal). Leave it unset for no repository policy, or list the account ids or IAM ARNs that may pull.',
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
        'EcrRepository: invalid argument "pullPrincipalArns[0]": "*" lets every AWS account pull: a public repository policy, not a pull grant to named principals. List the account ids or IAM ARNs that may pull; to grant a whole AWS Organization, write the policy yourself (aws.ecr.RepositoryPolicy with an aws:PrincipalOrgID condition) and leave pullPrincipalArns unset.',
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(rec.resources, []);
  });
});
