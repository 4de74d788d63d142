import assert from "node:assert/strict";
import * as path from "node:path";
import { BuildKitImage } from "../../components/image";
import { EcrImagePipeline } from "../../components/pipeline";
import { EcrRepository } from "../../components/repository";
import { stageNames } from "../../components/settings/build-files";
import { PRICED_REGIONS } from "../../components/settings/cost";
import type { BuildKitImageArgs } from "../../components/settings/image";
import type { EcrImagePipelineArgs } from "../../components/settings/pipeline";
import type { EcrRepositoryArgs } from "../../components/settings/repository";
import { REGISTRY, assertRejectedBeforeRegistration, installMocks } from "../helpers/pulumi-mocks";

const contexts = path.join(__dirname, "..", "fixtures", "contexts");
const hello = path.join(contexts, "hello");
const twoStage = path.join(contexts, "two-stage");
const missing = path.join(contexts, "does-not-exist");
const TAG_RULE = "Use 1-128 characters of letters, digits, '_', '.' and '-', not starting with '.' or '-'.";
const priced = PRICED_REGIONS.join(", ");

/** Lets any registration the constructor queued reach the mocks (registration is asynchronous). */
const drained = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 100));

type Case<A> = [what: string, args: Partial<A>, message: string];

const pipelineCases: Case<EcrImagePipelineArgs>[] = [
  [
    "a cost region without a rate card",
    { costRegion: "af-south-1" },
    `EcrImagePipeline: invalid argument "costRegion": "af-south-1" has no rate card (prices are data in components/cost/pricing.ts, docs/PRICING.md). Use one of the priced regions: ${priced}; or leave costRegion unset to price the AWS provider's region.`,
  ],
  [
    "a replication region without a rate card",
    { replicationRegions: ["us-west-2", "af-south-1"] },
    `EcrImagePipeline: invalid argument "replicationRegions": "af-south-1" has no rate card (prices are data in components/cost/pricing.ts, docs/PRICING.md). Replicate to one of the priced regions: ${priced}; a replica in a region without a rate card could not be priced.`,
  ],
  [
    "an invalid extra tag",
    { extraTags: ["release-1", "bad tag!"] },
    `EcrImagePipeline: invalid argument "extraTags[1]": "bad tag!" is not a valid image tag. ${TAG_RULE}`,
  ],
  [
    "an extra tag equal to the cache tag",
    { extraTags: ["buildcache"] },
    'EcrImagePipeline: invalid argument "extraTags[0]": "buildcache" is the build-cache tag (cacheTag), which every build overwrites with cache metadata. Remove it from extraTags, or set cacheTag to another tag.',
  ],
  [
    "an extra tag equal to a custom cache tag",
    { cacheTag: "cache", extraTags: ["cache"] },
    'EcrImagePipeline: invalid argument "extraTags[0]": "cache" is the build-cache tag (cacheTag), which every build overwrites with cache metadata. Remove it from extraTags, or set cacheTag to another tag.',
  ],
  [
    "a target the Dockerfile does not define",
    { context: twoStage, target: "runtime" },
    `EcrImagePipeline: invalid argument "target": "runtime" is not a stage of ${path.join(twoStage, "Dockerfile")} (its named stages: builder). Name one of those stages, or leave target unset to build the last stage.`,
  ],
  [
    "a context directory that does not exist",
    { context: missing },
    `EcrImagePipeline: invalid argument "context": ${JSON.stringify(missing)} is not a directory (resolved from ${process.cwd()} to ${missing}). Pass the build context directory, relative to the directory the program runs in, or absolute.`,
  ],
  [
    "a Dockerfile that does not exist",
    { dockerfile: path.join(hello, "Dockerfile.missing") },
    `EcrImagePipeline: invalid argument "dockerfile": ${JSON.stringify(path.join(hello, "Dockerfile.missing"))} is not a readable file. Pass the Dockerfile's path, relative to the directory the program runs in, or absolute.`,
  ],
  [
    "an invalid repository name (named on the pipeline, not EcrRepository)",
    { repositoryName: "Web App" },
    "EcrImagePipeline: invalid argument \"repositoryName\": \"Web App\" is not a valid ECR repository name. Use 2-256 lower-case letters, digits and '.', '_', '-' or '/' separators (e.g. \"team/app\").",
  ],
  [
    "an unknown lifecycle preset",
    { lifecyclePreset: "forever" as never },
    'EcrImagePipeline: invalid argument "lifecyclePreset": got "forever". Use one of "dev", "staging", "prod".',
  ],
  [
    "an unknown compression",
    { compression: "brotli" as never },
    'EcrImagePipeline: invalid argument "compression": got "brotli". Use one of "gzip", "zstd".',
  ],
  // Found by test/fuzz/pipeline-args.test.ts: each threw a TypeError, or was taken as it was.
  [
    "platforms that are not a list",
    { platforms: 0 as never },
    'EcrImagePipeline: invalid argument "platforms": got 0. List at least one platform, e.g. ["linux/amd64"], or leave it unset.',
  ],
  [
    "replication regions that are not a list",
    { replicationRegions: false as never },
    'EcrImagePipeline: invalid argument "replicationRegions": got false. Use a list of strings, e.g. ["eu-west-1"].',
  ],
  [
    'forceDelete as the string "false" (passed on as it was: a string where the provider takes a boolean)',
    { forceDelete: "false" as never },
    'EcrImagePipeline: invalid argument "forceDelete": got "false". Use true or false (a boolean, not a string).',
  ],
  [
    "a cache tag that is a number",
    { cacheTag: 0 as never },
    'EcrImagePipeline: invalid argument "cacheTag": 0 is not a valid image tag. ' + TAG_RULE,
  ],
  [
    "a cache tag with the content tags' prefix (the lifecycle would expire it as a build)",
    { cacheTag: "ctx-cache" },
    'EcrImagePipeline: invalid argument "cacheTag": "ctx-cache" starts with "ctx-", the prefix of the content tags the lifecycle policy keeps a number of. Use a tag that does not start with "ctx-", e.g. "buildcache".',
  ],
  [
    "platform builders that are not a map",
    { platformBuilders: "arm-builder" as never },
    'EcrImagePipeline: invalid argument "platformBuilders": got "arm-builder". Map platforms to builder names, e.g. { "linux/arm64": "arm-builder" }, or leave it unset.',
  ],
  [
    "a budget whose value cannot even be printed",
    { maxImageSizeBytes: { toString: 0 } as never },
    'EcrImagePipeline: invalid argument "maxImageSizeBytes": got {"toString":0}. Use a positive number of bytes, e.g. 200 * 1024 ** 2 for 200 MiB, or leave it unset for no budget.',
  ],
];

describe("validation before registration", () => {
  for (const [what, args, message] of pipelineCases) {
    it(`EcrImagePipeline: ${what} is rejected, nothing registered`, () =>
      assertRejectedBeforeRegistration(
        () => new EcrImagePipeline("web", { context: hello, repositoryName: "web", ...args }),
        message,
      ));
  }

  it("EcrImagePipeline: a lifecycle policy error names the pipeline, nothing registered", async () => {
    const rec = installMocks();
    assert.throws(
      () => new EcrImagePipeline("web", { context: hello, lifecyclePolicy: "{not json" }),
      (error: Error) =>
        error.message.startsWith(
          `EcrImagePipeline: invalid argument "lifecyclePolicy": web's lifecycle policy would be rejected:\n`,
        ),
    );
    await drained();
    assert.deepEqual(rec.resources, []);
  });

  const repositoryCases: Case<EcrRepositoryArgs>[] = [
    [
      "an invalid repository name",
      { repositoryName: "-web" },
      "EcrRepository: invalid argument \"repositoryName\": \"-web\" is not a valid ECR repository name. Use 2-256 lower-case letters, digits and '.', '_', '-' or '/' separators (e.g. \"team/app\").",
    ],
    [
      "an invalid cache tag",
      { cacheTag: ".cache" },
      `EcrRepository: invalid argument "cacheTag": ".cache" is not a valid image tag. ${TAG_RULE}`,
    ],
  ];
  for (const [what, args, message] of repositoryCases) {
    it(`EcrRepository: ${what} is rejected, nothing registered`, () =>
      assertRejectedBeforeRegistration(() => new EcrRepository("web", args), message));
  }

  const imageCases: Case<BuildKitImageArgs>[] = [
    [
      "an invalid extra tag",
      { extraTags: ["bad tag!"] },
      `BuildKitImage: invalid argument "extraTags[0]": "bad tag!" is not a valid image tag. ${TAG_RULE}`,
    ],
    [
      "a content tag equal to the cache tag",
      { contentTag: "buildcache" },
      'BuildKitImage: invalid argument "contentTag": "buildcache" is the build-cache tag (cacheTag), which every build overwrites with cache metadata. Remove it from contentTag, or set cacheTag to another tag.',
    ],
    [
      "a target the Dockerfile does not define",
      { context: hello, target: "builder" },
      `BuildKitImage: invalid argument "target": "builder" is not a stage of ${path.join(hello, "Dockerfile")} (its named stages: none). Name one of those stages, or leave target unset to build the last stage.`,
    ],
    [
      "a context directory that does not exist",
      { context: missing },
      `BuildKitImage: invalid argument "context": ${JSON.stringify(missing)} is not a directory (resolved from ${process.cwd()} to ${missing}). Pass the build context directory, relative to the directory the program runs in, or absolute.`,
    ],
  ];
  for (const [what, args, message] of imageCases) {
    it(`BuildKitImage: ${what} is rejected, nothing registered`, () =>
      assertRejectedBeforeRegistration(
        () => new BuildKitImage("web", { repositoryUrl: `${REGISTRY}/web`, context: hello, ...args }),
        message,
      ));
  }

  it("a target matches stage names case-insensitively, as BuildKit does", async () => {
    installMocks();
    assert.doesNotThrow(() => new EcrImagePipeline("web", { context: twoStage, target: "BUILDER" }));
    assert.deepEqual(stageNames("FROM a AS One\nFROM b\nFROM c as two\n"), ["one", "two"]);
    await drained();
  });
});
