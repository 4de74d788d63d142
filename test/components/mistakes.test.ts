/**
 * A new user's mistakes (the trial of 2026-12-06, docs/USER-PATHS.md "New-user trial"): the ones that were
 * accepted silently or failed late, each now stopped with one message naming the arg, the value and the
 * fix. Plain values throw before anything is registered; Output values fail when they resolve, with the
 * error on the pipeline and nothing registered but the pipeline. The other mistakes of the trial were
 * already covered (test/components/inputs.test.ts, preflight.test.ts, pipeline-registry.test.ts).
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { InvalidArgumentError } from "../../components/common/errors";
import { BuildKitImage } from "../../components/image";
import { EcrFleetCost } from "../../components/fleet-cost";
import { EcrImagePipeline } from "../../components/pipeline";
import { EcrRegistryDefaults } from "../../components/registry-defaults";
import { EcrRepository } from "../../components/repository";
import { installMocks, runReporting, settle } from "../helpers/pulumi-mocks";

const contexts = path.join(__dirname, "..", "fixtures", "contexts");
const hello = path.join(contexts, "hello");
const twoStage = path.join(contexts, "two-stage");
const PRICED =
  "ap-northeast-1, ap-south-1, ap-southeast-1, ap-southeast-2, ca-central-1, eu-central-1, eu-north-1, eu-west-1, eu-west-2, sa-east-1, us-east-1, us-east-2, us-west-1, us-west-2";

/** Args built in a variable (a shared base spread in): TypeScript checks no excess property there. */
function loose(args: Record<string, unknown>): never {
  return { context: hello, repositoryName: "web", estimateSize: false, ...args } as never;
}

describe("new-user mistakes, plain values: one message, nothing registered", () => {
  const cases: [string, () => unknown, string][] = [
    [
      "a misspelt arg in a shared args object (extraTag): was ignored, no tag and no error",
      () => new EcrImagePipeline("web", loose({ extraTag: ["latest"] })),
      'EcrImagePipeline: invalid argument "extraTag": is not an argument of EcrImagePipeline, so it would be ignored. Did you mean "extraTags"? Rename it, or remove it.',
    ],
    [
      "a budget under an invented name (maxImageSizeMb): was ignored, no budget",
      () => new EcrImagePipeline("web", loose({ maxImageSizeMb: 300 })),
      'EcrImagePipeline: invalid argument "maxImageSizeMb": is not an argument of EcrImagePipeline, so it would be ignored. Did you mean "maxImageSizeBytes"? Rename it, or remove it.',
    ],
    [
      "contentTag on the pipeline (a BuildKitImage arg the pipeline sets itself): was ignored",
      () => new EcrImagePipeline("web", loose({ contentTag: "v1" })),
      'EcrImagePipeline: invalid argument "contentTag": is not an argument of EcrImagePipeline, so it would be ignored. Remove it; EcrImagePipeline\'s arguments are listed in the README ("EcrImagePipeline").',
    ],
    [
      "no context (JavaScript): failed late in the context hash, 4 resources registered",
      () => new EcrImagePipeline("web", { repositoryName: "web" } as never),
      'EcrImagePipeline: invalid argument "context": is required and not set. Set context to the build context directory, e.g. context: "app" (relative to the directory the program runs in).',
    ],
    [
      "a budget given as an Output: the message quoted the SDK's toJSON warning",
      () => new EcrImagePipeline("web", loose({ maxImageSizeBytes: pulumi.output(300 * 1024 ** 2) })),
      'EcrImagePipeline: invalid argument "maxImageSizeBytes": got an Output (its value is only known when it resolves; this argument takes a plain value). Use a positive number of bytes, e.g. 200 * 1024 ** 2 for 200 MiB, or leave it unset for no budget.',
    ],
    [
      "platforms given as an Output",
      () => new EcrImagePipeline("web", loose({ platforms: pulumi.output(["linux/amd64"]) })),
      'EcrImagePipeline: invalid argument "platforms": got an Output (its value is only known when it resolves; this argument takes a plain value). List at least one platform, e.g. ["linux/amd64"], or leave it unset.',
    ],
    [
      "the repository URL pasted as repositoryName: ECR would have created a repository of that name",
      () =>
        new EcrImagePipeline(
          "web",
          loose({ repositoryName: "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/orders" }),
        ),
      'EcrImagePipeline: invalid argument "repositoryName": "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/orders" is a repository URL (registry 123456789012.dkr.ecr.us-east-1.amazonaws.com), not a repository name: ECR would name a repository with the whole string. Use the name after the registry host, "team/orders".',
    ],
    [
      "a build arg that is a number: went to the provider as a number",
      () => new EcrImagePipeline("web", loose({ buildArgs: { PYTHON_VERSION: 3.12 } })),
      'EcrImagePipeline: invalid argument "buildArgs.PYTHON_VERSION": got 3.12, not a string. Write the value as a string ("3.12"): build args are passed as text (--build-arg NAME=<value>).',
    ],
    [
      "pullThroughCacheBytes of 200 (MiB meant): priced 200 bytes of cache",
      () => new EcrImagePipeline("web", loose({ pullThroughCacheBytes: 200 })),
      'EcrImagePipeline: invalid argument "pullThroughCacheBytes": 200 bytes is under 1 MiB, smaller than any base image: MiB or MB written as bytes, most likely. Write it in bytes: 200 * 1024 ** 2 (209715200) for 200 MiB, or 200 * 1000 ** 2 (200000000) for 200 MB; 0 when nothing is pulled through the cache.',
    ],
    [
      "a replication region without a rate card: the fix said to unset costRegion",
      () => new EcrImagePipeline("web", loose({ replicationRegions: ["eu-west-9"] })),
      `EcrImagePipeline: invalid argument "replicationRegions": "eu-west-9" has no rate card (prices are data in components/cost/pricing.ts, docs/PRICING.md). Replicate to one of the priced regions: ${PRICED}; a replica in a region without a rate card could not be priced.`,
    ],
    [
      "EcrRepository: a misspelt arg",
      () => new EcrRepository("r", { repositoryName: "web", lifecyclePrest: "dev" } as never),
      'EcrRepository: invalid argument "lifecyclePrest": is not an argument of EcrRepository, so it would be ignored. Did you mean "lifecyclePreset"? Rename it, or remove it.',
    ],
    [
      "BuildKitImage without repositoryUrl (JavaScript)",
      () => new BuildKitImage("i", { context: hello } as never),
      "BuildKitImage: invalid argument \"repositoryUrl\": is required and not set. Set repositoryUrl to the repository's URL, e.g. an EcrRepository's repositoryUrl output.",
    ],
    [
      "EcrRegistryDefaults: an arg in the wrong case",
      () =>
        new EcrRegistryDefaults("reg", {
          registryId: "123456789012",
          region: "us-east-1",
          BlobMounting: true,
        } as never),
      'EcrRegistryDefaults: invalid argument "BlobMounting": is not an argument of EcrRegistryDefaults, so it would be ignored. Did you mean "blobMounting"? Rename it, or remove it.',
    ],
    [
      "EcrFleetCost: a misspelt arg",
      () =>
        new EcrFleetCost("fleet", {
          members: { a: pulumi.output({}) },
          applyFreeTeir: true,
        } as never),
      'EcrFleetCost: invalid argument "applyFreeTeir": is not an argument of EcrFleetCost, so it would be ignored. Did you mean "applyFreeTier"? Rename it, or remove it.',
    ],
  ];
  for (const [what, construct, message] of cases) {
    it(what, async () => {
      const rec = installMocks();
      assert.throws(construct, (error: unknown) => {
        assert.ok(error instanceof InvalidArgumentError, String(error));
        assert.equal(error.message, message);
        return true;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(rec.resources, []);
    });
  }
});

describe("new-user mistakes, Output values: one error on the pipeline when they resolve, nothing else registered", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      "repositoryName an Output that ECR rejects: 6 resources registered, ECR refused it at create",
      { repositoryName: pulumi.output("Team/Orders") },
      "EcrImagePipeline: invalid argument \"repositoryName\": \"Team/Orders\" is not a valid ECR repository name. Use 2-256 lower-case letters, digits and '.', '_', '-' or '/' separators (e.g. \"team/app\").",
    ],
    [
      'context an Output that does not exist: `error serializing property "outputs": … "cacheFrom"`, 5 registered',
      { context: pulumi.output(path.join(contexts, "no-such-context")) },
      `EcrImagePipeline: invalid argument "context": ${JSON.stringify(path.join(contexts, "no-such-context"))} is not a directory (resolved from ${process.cwd()} to ${path.join(contexts, "no-such-context")}). Pass the build context directory, relative to the directory the program runs in, or absolute.`,
    ],
    [
      'target an Output the Dockerfile lacks: `error serializing property "outputs"`, 6 registered',
      { context: twoStage, target: pulumi.output("prod") },
      `EcrImagePipeline: invalid argument "target": "prod" is not a stage of ${path.join(twoStage, "Dockerfile")} (its named stages: builder). Name one of those stages, or leave target unset to build the last stage.`,
    ],
    [
      "replication to the AWS provider's own region: 6 registered, then two errors",
      { replicationRegions: ["us-east-1"] },
      'EcrImagePipeline: invalid argument "replicationRegions": "us-east-1" is the repository\'s own region (the AWS provider\'s region). Replicate to other regions only: ECR replication within one account needs another region.',
    ],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const rec = installMocks();
      const { errors, result } = await runReporting(rec, () => new EcrImagePipeline("web", loose(args)));
      assert.equal(errors.length, 1, errors.map(String).join("\n"));
      const error = errors[0] as InvalidArgumentError;
      assert.ok(error instanceof InvalidArgumentError, String(error));
      assert.equal(error.message, message);
      assert.equal(error.resource, result, "shown on the EcrImagePipeline the user called");
      assert.deepEqual(
        rec.resources.map((r) => r.type),
        ["ecr-pipeline:index:EcrImagePipeline"],
      );
    });
  }

  it("good Output values for the same args: everything registered as usual", async () => {
    const rec = installMocks();
    const p = new EcrImagePipeline(
      "web",
      loose({
        repositoryName: pulumi.output("team/orders"),
        context: pulumi.output(twoStage),
        target: pulumi.output("builder"),
        replicationRegions: ["eu-west-1"],
        buildArgs: { PYTHON_VERSION: "3.12" },
      }),
    );
    await settle(p.imageUri, p.costReport, p.replicationRule);
    assert.deepEqual(rec.resources.map((r) => `${r.type}::${r.name}`).sort(), [
      "aws:ecr/lifecyclePolicy:LifecyclePolicy::web-repo-lifecycle",
      "aws:ecr/repository:Repository::web-repo",
      "docker-build:index:Image::web-image",
      "ecr-pipeline:index:BuildKitImage::web-image",
      "ecr-pipeline:index:EcrImagePipeline::web",
      "ecr-pipeline:index:EcrRepository::web-repo",
    ]);
    const image = rec.resources.find((r) => r.type === "docker-build:index:Image");
    assert.equal(image?.inputs.target, "builder");
    assert.deepEqual((image?.inputs.context as { location?: string }).location, twoStage);
    assert.equal(
      rec.resources.find((r) => r.type === "aws:ecr/repository:Repository")?.inputs.name,
      "team/orders",
    );
  });
});
