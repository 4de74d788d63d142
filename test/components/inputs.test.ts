/**
 * Every input checked where it is written, wired (issue 18 items 4 and 5, item 7's platformBuilders):
 * plain values stop EcrImagePipeline before anything is registered; Output-valued args are checked when
 * they resolve, the error shown on the pipeline (one diagnostic), and the pipeline's children wait for
 * them, so nothing is registered for a bad one. Secrets: credentials refused as build args, secret mounts
 * cross-checked with the Dockerfile, and the size estimate built with the image's secrets.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { InvalidArgumentError } from "../../components/common/errors";
import { EcrImagePipeline } from "../../components/pipeline";
import type { EcrImagePipelineArgs } from "../../components/settings/pipeline";
import {
  installMocks,
  runReporting,
  secretValue,
  settle,
  valueOf,
  type Recorder,
} from "../helpers/pulumi-mocks";

const hello = path.join(__dirname, "..", "fixtures", "contexts", "hello");

function build(args: Partial<EcrImagePipelineArgs>, rec: Recorder, name = "web"): EcrImagePipeline {
  return new EcrImagePipeline(
    name,
    { context: hello, repositoryName: "web", ...args },
    { transformations: rec.transformations },
  );
}

describe("Output-valued args: checked when they resolve, nothing registered, one diagnostic on the pipeline", () => {
  const cases: [string, Partial<EcrImagePipelineArgs>, string][] = [
    [
      'the issue\'s pullPrincipalArns ["*"]',
      { pullPrincipalArns: pulumi.output(["*"]) },
      'EcrImagePipeline: invalid argument "pullPrincipalArns[0]": "*" lets every AWS account pull: a public repository policy, not a pull grant to named principals. List the account ids or IAM ARNs that may pull; to grant a whole AWS Organization, write the policy yourself (aws.ecr.RepositoryPolicy with an aws:PrincipalOrgID condition) and leave pullPrincipalArns unset.',
    ],
    [
      "network bridge",
      { network: pulumi.output("bridge") as never },
      'EcrImagePipeline: invalid argument "network": "bridge" is a Docker network, not a build network mode: RUN steps get "default" (BuildKit\'s own sandbox network, the bridge-like one), "host" or "none". Use "default" (or leave it unset), "host" or "none".',
    ],
    [
      "the issue's costRegion us-east-9 (never priced with us-east-1 rates)",
      { costRegion: pulumi.output("us-east-9") },
      'EcrImagePipeline: invalid argument "costRegion": "us-east-9" has no rate card (prices are data in components/cost/pricing.ts, docs/PRICING.md). Use one of the priced regions: ap-northeast-1, ap-south-1, ap-southeast-1, ap-southeast-2, ca-central-1, eu-central-1, eu-north-1, eu-west-1, eu-west-2, sa-east-1, us-east-1, us-east-2, us-west-1, us-west-2; or leave costRegion unset to price the AWS provider\'s region.',
    ],
    [
      "a build arg whose value (an Output) is a URL with a token",
      { buildArgs: { PIP_INDEX_URL: pulumi.output("https://ci:t0ken@pypi.example.com/simple") } },
      'EcrImagePipeline: invalid argument "buildArgs.PIP_INDEX_URL": its value looks like a URL with a password; build args are recorded in the image\'s history, readable by anyone who can pull it, and kept in plain text in the Pulumi state. Pass it in secrets (secrets: { "PIP_INDEX_URL": … }) and read it in the Dockerfile with RUN --mount=type=secret,id=PIP_INDEX_URL (the value is then at /run/secrets/PIP_INDEX_URL for that RUN only); if it is not a credential, add "PIP_INDEX_URL" to nonSecretBuildArgs.',
    ],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const rec = installMocks();
      const { errors, result } = await runReporting(rec, () => build(args, rec));
      assert.equal(errors.length, 1, errors.map(String).join("\n"));
      const error = errors[0] as InvalidArgumentError;
      assert.ok(error instanceof InvalidArgumentError, String(error));
      assert.equal(error.message, message);
      assert.ok(!error.message.includes("t0ken"), "a credential is never shown");
      assert.equal(error.resource, result, "shown on the EcrImagePipeline the user called");
      assert.equal(error.hideStack, true);
      // Planted: the children without dependsOn on the checked Outputs: the repository, its lifecycle
      // policy and the estimate were registered (6 resources for pullPrincipalArns, as the issue found).
      assert.deepEqual(
        rec.resources.map((r) => r.type),
        ["ecr-pipeline:index:EcrImagePipeline"],
      );
    });
  }

  it("good Output values: the children wait for them, then everything is registered as usual", async () => {
    const rec = installMocks();
    const p = build(
      {
        pullPrincipalArns: pulumi.output(["210987654321"]),
        network: pulumi.output("host" as const),
        costRegion: pulumi.output("eu-west-1"),
      },
      rec,
    );
    await settle(p.costReport, p.imageUri);
    assert.equal((await valueOf(p.monthlyCost))?.assumptions.region, "eu-west-1");
    assert.equal(rec.resources.find((r) => r.type === "docker-build:index:Image")?.inputs.network, "host");
    assert.ok(rec.resources.some((r) => r.type === "aws:ecr/repositoryPolicy:RepositoryPolicy"));
  });
});

describe("plain values: stopped before anything is registered, under the arg the user wrote", () => {
  const cases: [string, () => unknown, string][] = [
    [
      "a component named Orders without repositoryName (ECR rejects the upper-case auto-name)",
      () => new EcrImagePipeline("Orders", { context: hello }),
      'EcrImagePipeline: invalid argument "repositoryName": not set, so the repository is auto-named from the component name "Orders" as "Orders-repo-<7 random hex digits>", which ECR rejects (repository names are 2-256 lower-case letters and digits with single \'.\', \'_\' or \'-\' between them, \'/\' for namespaces). Set repositoryName (e.g. "orders"), or name the component in lower case ("orders").',
    ],
    [
      "a budget of 150 (MiB meant)",
      () => new EcrImagePipeline("web", { context: hello, maxImageSizeBytes: 150 }),
      'EcrImagePipeline: invalid argument "maxImageSizeBytes": 150 bytes is under 1 MiB, smaller than any image with a base layer: a budget in MiB or MB written as bytes, most likely. Write it in bytes: 150 * 1024 ** 2 (157286400) for 150 MiB, or 150 * 1000 ** 2 (150000000) for 150 MB.',
    ],
    [
      "an 11-digit account in pullPrincipalArns",
      () => new EcrImagePipeline("web", { context: hello, pullPrincipalArns: ["12345678901"] }),
      'EcrImagePipeline: invalid argument "pullPrincipalArns[0]": "12345678901" is not an account id: AWS account ids are exactly 12 digits (it has 11). Copy the 12-digit id (aws sts get-caller-identity --query Account in that account); keep leading zeros.',
    ],
    [
      "the issue's AWS_SECRET_ACCESS_KEY build arg (the value never shown)",
      () =>
        new EcrImagePipeline("web", {
          context: hello,
          buildArgs: { AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
        }),
      'EcrImagePipeline: invalid argument "buildArgs.AWS_SECRET_ACCESS_KEY": its name looks like a credential; build args are recorded in the image\'s history, readable by anyone who can pull it, and kept in plain text in the Pulumi state. Pass it in secrets (secrets: { "AWS_SECRET_ACCESS_KEY": … }) and read it in the Dockerfile with RUN --mount=type=secret,id=AWS_SECRET_ACCESS_KEY (the value is then at /run/secrets/AWS_SECRET_ACCESS_KEY for that RUN only); if it is not a credential, add "AWS_SECRET_ACCESS_KEY" to nonSecretBuildArgs.',
    ],
    [
      "the issue's extraTags [\"latest\"] beyond ECR's five filters",
      () => new EcrImagePipeline("web", { context: hello, extraTags: ["latest", "stable", "main", "edge"] }),
      'EcrImagePipeline: invalid argument "extraTags[3]": "edge" is re-pointed to every new build, so the repository must exempt it from tag immutability, but ECR allows 5 exclusion filters per repository and they are taken (buildcache*, deployed-*, latest, stable, main). Use "deployed-edge" instead: every deployed-* tag moves through the one deployed-* filter, and the lifecycle presets keep the images it names.',
    ],
    [
      "managed enhanced scanning without a frequency",
      () =>
        new EcrImagePipeline("web", {
          context: hello,
          scanningMode: "enhanced",
          manageRegistryScanning: true,
        }),
      'EcrImagePipeline: invalid argument "registryScanFrequency": not set; with manageRegistryScanning and scanningMode "enhanced" this stack sets how often Amazon Inspector scans every repository it covers. Choose one: "SCAN_ON_PUSH" (each image scanned once, when pushed) or "CONTINUOUS_SCAN" (images rescanned as new vulnerabilities are published; each rescan is billed by Inspector).',
    ],
    [
      "a cost guardrail below zero",
      () => new EcrImagePipeline("web", { context: hello, maxMonthlyIncreaseUsd: -1 }),
      'EcrImagePipeline: invalid argument "maxMonthlyIncreaseUsd": got -1. Use a number of USD a month >= 0 (e.g. 5 for $5.00), or leave it unset for no limit.',
    ],
    [
      "a cost guardrail action the enum does not have",
      () => new EcrImagePipeline("web", { context: hello, onCostGuardrailExceeded: "stop" as never }),
      'EcrImagePipeline: invalid argument "onCostGuardrailExceeded": got "stop". Use one of "warn", "fail".',
    ],
  ];
  for (const [what, construct, message] of cases) {
    it(what, async () => {
      const rec = installMocks();
      assert.throws(construct, (error: unknown) => {
        assert.ok(error instanceof InvalidArgumentError);
        assert.equal(error.message, message);
        assert.ok(!error.message.includes("wJalrXUtnFEMI"));
        return true;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(rec.resources, []);
    });
  }

  it("the registry scanning configuration covers every repository and prices what it says", async () => {
    const rec = installMocks();
    const p = build(
      {
        scanningMode: "enhanced",
        manageRegistryScanning: true,
        registryScanFrequency: "SCAN_ON_PUSH",
        rescansPerMonth: 4,
      },
      rec,
    );
    await settle(p.monthlyCost);
    assert.deepEqual(
      rec.resources.find(
        (r) => r.type === "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
      )?.inputs,
      {
        scanType: "ENHANCED",
        rules: [
          { scanFrequency: "SCAN_ON_PUSH", repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }] },
        ],
      },
    );
    // Scan on push by this stack's own configuration: no rescans priced, whatever rescansPerMonth says,
    // and the lines carry no assumption about the account (docs/PRICING.md "Enhanced scanning").
    const cost = await valueOf(p.monthlyCost);
    assert.deepEqual(
      cost?.lines
        .filter((line) => line.item.startsWith("enhanced"))
        .map((line) => [line.item, line.assumption]),
      [["enhanced scans on push", undefined]],
    );
    // Continuous, chosen: rescans priced, still no assumption.
    const continuous = installMocks();
    const q = build(
      {
        scanningMode: "enhanced",
        manageRegistryScanning: true,
        registryScanFrequency: "CONTINUOUS_SCAN",
        rescansPerMonth: 4,
      },
      continuous,
    );
    const priced = await valueOf(q.monthlyCost);
    assert.deepEqual(
      priced?.lines
        .filter((line) => line.item.startsWith("enhanced"))
        .map((line) => [line.item, line.assumption]),
      [
        ["enhanced scans on push", undefined],
        ["enhanced rescans", undefined],
      ],
    );
  });
});

describe("secrets: mounts cross-checked with the Dockerfile, and the estimate builds with them (issue 18 item 5)", () => {
  let context: string;
  before(() => {
    context = fs.mkdtempSync(path.join(os.tmpdir(), "wire-secrets-"));
    fs.writeFileSync(
      path.join(context, "Dockerfile"),
      [
        "FROM node:22-bookworm-slim AS deps",
        "WORKDIR /app",
        "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc,required=true npm ci --omit=dev",
        "FROM node:22-bookworm-slim",
        "COPY --from=deps /app /app",
        "USER node",
        'CMD ["node", "/app/server.js"]',
        "",
      ].join("\n"),
    );
  });
  after(() => fs.rmSync(context, { recursive: true, force: true }));

  it("mounted but not passed: an error before anything is registered", async () => {
    const rec = installMocks();
    assert.throws(() => build({ context }, rec), {
      message: `EcrImagePipeline: invalid argument "secrets": ${path.join(context, "Dockerfile")} mounts the secret "npmrc" (RUN --mount=type=secret on line 3, stage deps) but secrets has no "npmrc": the build fails there (required=true). Add it: secrets: { "npmrc": … }, or remove the mount.`,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(rec.resources, []);
  });

  it("passed: the image and the size estimate get it, as a secret; one passed but never mounted is a warning", async () => {
    const rec = installMocks();
    const warnings: { message: string; on: string | undefined }[] = [];
    const warn = pulumi.log.warn;
    pulumi.log.warn = (message: string, resource?: pulumi.Resource) => (
      warnings.push({ message, on: (resource as unknown as { __name?: string } | undefined)?.__name }),
      Promise.resolve()
    );
    try {
      const p = build(
        { context, secrets: { npmrc: pulumi.secret("//registry/:_authToken=s3cret"), unused: "x" } },
        rec,
      );
      await settle(p.imageUri, p.costReport);
    } finally {
      pulumi.log.warn = warn;
    }
    const estimate = rec.resources.find((r) => r.type.endsWith("ImageSizeEstimate"));
    // Planted: the estimate without `secrets`: this failed (undefined).
    assert.deepEqual(secretValue(estimate?.inputs.secrets), {
      npmrc: "//registry/:_authToken=s3cret",
      unused: "x",
    });
    assert.deepEqual(
      warnings.filter((w) => w.message.startsWith("secrets.")),
      [
        {
          message:
            "secrets.unused is passed to the build, but no RUN of the stages built mounts it, so nothing reads it. Mount it where it is needed (RUN --mount=type=secret,id=unused …), or remove it from secrets.",
          on: "web-image",
        },
      ],
    );
  });

  it("a secrets map that is an Output: its ids checked when it resolves; nothing registered when one is missing", async () => {
    const rec = installMocks();
    const { errors } = await runReporting(rec, () =>
      build({ context, secrets: pulumi.output({ other: "x" }) }, rec),
    );
    assert.equal(errors.length, 1, errors.map(String).join("\n"));
    assert.match(
      (errors[0] as Error).message,
      /^EcrImagePipeline: invalid argument "secrets": .* mounts the secret "npmrc"/,
    );
    assert.deepEqual(
      rec.resources.map((r) => r.type),
      ["ecr-pipeline:index:EcrImagePipeline"],
    );
  });
});

describe("the analyzer is handed platformBuilders (issue 18 item 7)", () => {
  let context: string;
  before(() => {
    context = fs.mkdtempSync(path.join(os.tmpdir(), "wire-builders-"));
    fs.writeFileSync(
      path.join(context, "Dockerfile"),
      "FROM node:22-bookworm-slim AS build\nWORKDIR /src\nRUN echo built > out\nFROM node:22-bookworm-slim\nCOPY --from=build /src/out /out\nUSER node\n",
    );
  });
  after(() => fs.rmSync(context, { recursive: true, force: true }));

  it("a builder stage that RUNs on both platforms is emulated on the default builder, not when arm64 has its own", async () => {
    const platforms = ["linux/amd64", "linux/arm64"] as const;
    const ids = async (args: Partial<EcrImagePipelineArgs>) => {
      const rec = installMocks();
      const p = build({ context, platforms: [...platforms], ...args }, rec);
      return ((await valueOf(p.findings)) ?? []).map((finding) => finding.id);
    };
    assert.ok((await ids({})).includes("emulated-build-stage"));
    // Planted: analyzeBuildDockerfile without platformBuilders: the finding stayed.
    assert.ok(
      !(await ids({ platformBuilders: { "linux/arm64": "arm-native" } })).includes("emulated-build-stage"),
    );
  });
});
