/**
 * The settings resolvers (components/settings/): one per component, idempotent, so EcrImagePipeline can
 * hand its children the settings it resolved as their args, with no marker saying they were resolved;
 * and every error, also an Output's checked when it resolves, names the component the user called.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_PLATFORM } from "../../components/buildkit/platforms";
import { InvalidArgumentError } from "../../components/common/errors";
import { resolveImageSettings } from "../../components/settings/image";
import { resolvePipelineSettings } from "../../components/settings/pipeline";
import { resolveRepositorySettings } from "../../components/settings/repository";

const contexts = path.join(__dirname, "..", "fixtures", "contexts");
const RUNS = 400;
/** Share of generated cases that must resolve: a resolver that rejected everything would pass the rest. */
const MIN_RESOLVED = 0.25;

/** Each key unset a third of the time, else a good value nine times in ten, a bad one the tenth. */
const maybe = <T>(good: T[], bad: T[]) =>
  fc.option(
    bad.length === 0
      ? fc.constantFrom(...good)
      : fc.oneof(
          { weight: 9, arbitrary: fc.constantFrom(...good) },
          { weight: 1, arbitrary: fc.constantFrom(...bad) },
        ),
    { nil: undefined, freq: 3 },
  );
const twoStage = path.join(contexts, "two-stage");
const repositoryArgs = fc.record(
  {
    repositoryName: maybe(["team/web", "web"], ["Team/Web"]),
    scanOnPush: maybe<unknown>([true, false], ["false"]),
    forceDelete: maybe<unknown>([true, false], [0]),
    cacheTag: maybe<unknown>(["buildcache", "cache"], ["ctx-cache", "-bad", 0]),
    lifecyclePreset: maybe<unknown>(["dev", "staging", "prod"], ["qa"]),
    scanningMode: maybe<unknown>(["basic", "enhanced"], ["deep"]),
    manageRegistryScanning: maybe<unknown>([true, false], ["yes"]),
    platformsPerImage: maybe<unknown>([1, 2, 3], [0, 1.5]),
    pullPrincipalArns: maybe<unknown>(
      [["210987654321"], ["arn:aws:iam::210987654321:role/deployer", "210987654321"]],
      [["*"], []],
    ),
  },
  { requiredKeys: [] },
);
const imageArgs = fc.record(
  {
    context: maybe([twoStage], [path.join(contexts, "none")]),
    target: maybe(["builder"], ["runtime"]),
    platforms: maybe<unknown>([["linux/amd64"], ["linux/amd64", "linux/arm64"]], [[], ["linux/x"], 0]),
    platformBuilders: maybe<unknown>(
      [{}, { "linux/amd64": "amd-native" }],
      [{ "linux/amd64": "bad name!" }, "x"],
    ),
    builderName: maybe<unknown>(["remote", "ci.builder-1"], ["bad name!"]),
    compression: maybe<unknown>(["gzip", "zstd"], ["brotli"]),
    cache: maybe<unknown>([true, false], [1]),
    retainOnDelete: maybe<unknown>([true, false], ["true"]),
    cacheTag: maybe<unknown>(["buildcache", "cache"], ["ctx-cache"]),
    extraTags: maybe<unknown>(
      [["deployed-dev"], ["release-1.4.0", "deployed-prod"]],
      [["bad tag!"], ["buildcache-amd64"]],
    ),
    contentTag: maybe<unknown>(["git-0123abc"], ["bad tag!"]),
    buildOnPreview: maybe<unknown>([true, false], []),
  },
  { requiredKeys: [] },
);
const pipelineOwnArgs = fc.record(
  {
    maxImageSizeBytes: maybe<unknown>([150 * 1024 ** 2, 1], [-1]),
    onBudgetExceeded: maybe<unknown>(["warn", "fail"], ["stop"]),
    pushesPerDay: maybe<unknown>([0, 3], [1e12]),
    pullsPerMonthViaNat: maybe<unknown>([0, 100], [-1]),
    replicationRegions: maybe<unknown>([["us-west-2"], []], [["af-south-1"], "eu-west-1"]),
    costRegion: maybe<unknown>(["eu-west-1", "us-east-1"], ["xx-east-9"]),
    estimateSize: maybe<unknown>([true, false], ["no"]),
    pullBytes: maybe<unknown>(["image", "renewedLayers"], ["all"]),
    // Issue 20 (components/settings/registry-cost.ts).
    replicaRetention: maybe<unknown>(["none", "policy"], ["forever"]),
    replicaHorizonMonths: maybe<unknown>([1, 24], [0, 1201]),
    pullThroughCacheBytes: maybe<unknown>([0, 80 * 1024 ** 2], [-1]),
    pullThroughCacheRegistry: maybe<unknown>(["123456789012.dkr.ecr.us-east-1.amazonaws.com"], ["docker.io"]),
  },
  { requiredKeys: [] },
);

/** Runs `resolve` on each generated case; returns how many resolved. A rejection must be an InvalidArgumentError naming `caller`. */
function property<A>(arb: fc.Arbitrary<A>, caller: string, resolve: (args: A) => void): number {
  let resolved = 0;
  fc.assert(
    fc.property(arb, (args) => {
      try {
        resolve(args);
      } catch (error) {
        if (error instanceof InvalidArgumentError && error.component === caller) return;
        throw error;
      }
      resolved += 1;
    }),
    { numRuns: RUNS, seed: 19 },
  );
  return resolved;
}

function assertShare(resolved: number, min = MIN_RESOLVED): void {
  assert.ok(resolved >= RUNS * min, `only ${resolved} of ${RUNS} cases resolved`);
  console.log(`      ${resolved} of ${RUNS} resolved, the others rejected naming the arg`);
}

describe("settings resolvers: resolving twice gives the same settings (fast-check)", () => {
  it("resolveRepositorySettings(resolveRepositorySettings(args)) equals resolveRepositorySettings(args)", () => {
    const resolved = property(repositoryArgs, "EcrImagePipeline", (args) => {
      const once = resolveRepositorySettings(args as never, "EcrImagePipeline", "web");
      assert.deepEqual(resolveRepositorySettings(once, "EcrRepository", "web-repo"), once);
    });
    assertShare(resolved);
  });

  it("resolveImageSettings(resolveImageSettings(args)) equals resolveImageSettings(args)", () => {
    const resolved = property(imageArgs, "EcrImagePipeline", (args) => {
      const once = resolveImageSettings(args as never, "EcrImagePipeline");
      assert.deepEqual(resolveImageSettings(once, "BuildKitImage"), once);
    });
    assertShare(resolved);
  });

  it("the settings EcrImagePipeline hands its children resolve to themselves in the children", () => {
    const arb = fc.tuple(repositoryArgs, imageArgs, pipelineOwnArgs).map(([repository, image, own]) => ({
      context: path.join(contexts, "hello"),
      ...repository,
      ...image,
      ...own,
    }));
    const resolved = property(arb, "EcrImagePipeline", (args) => {
      const settings = resolvePipelineSettings(args as never, "EcrImagePipeline", "web");
      assert.deepEqual(resolvePipelineSettings(args as never, "EcrImagePipeline", "web"), settings);
      assert.deepEqual(
        resolveRepositorySettings(settings.repository, "EcrRepository", "web-repo"),
        settings.repository,
      );
      assert.deepEqual(resolveImageSettings(settings.image, "BuildKitImage"), settings.image);
      // The repository counts the image's platforms (an index plus one image each, for several).
      assert.equal(settings.repository.platformsPerImage, settings.image.platforms.length);
    });
    // Three groups of mostly-good values: fewer cases pass every check, but a good share must.
    assertShare(resolved, 0.1);
  });

  it("each default is the one written in the resolver (platforms: buildkit/platforms.ts DEFAULT_PLATFORM)", () => {
    assert.deepEqual(resolveImageSettings({}, "BuildKitImage").platforms, [DEFAULT_PLATFORM]);
    const settings = resolvePipelineSettings(
      { context: path.join(contexts, "hello") },
      "EcrImagePipeline",
      "web",
    );
    assert.deepEqual(settings.image.platforms, [DEFAULT_PLATFORM]);
    assert.equal(settings.repository.lifecyclePreset, "prod");
    assert.equal(settings.image.compression, "gzip");
    assert.equal(settings.budget.rule.maxImageSizeBytes, undefined);
  });
});

/** An Output's value, or what it rejected with. */
async function settled(value: unknown): Promise<unknown> {
  try {
    return await (pulumi.output(value) as unknown as { promise(): Promise<unknown> }).promise();
  } catch (error) {
    return error;
  }
}

describe("an Output arg is checked when it resolves, named for the component the user called", () => {
  const PRINCIPAL =
    'EcrImagePipeline: invalid argument "pullPrincipalArns": "*" is not an account id or an IAM root, role or user ARN. Use e.g. arn:aws:iam::123456789012:role/deployer or 123456789012.';

  it("pullPrincipalArns: the pipeline's check fails first, also after the child resolves it again", async () => {
    const byPipeline = resolveRepositorySettings(
      { pullPrincipalArns: pulumi.output(["*"]) },
      "EcrImagePipeline",
      "web",
    );
    const inChild = resolveRepositorySettings(byPipeline, "EcrRepository", "web-repo");
    const error = await settled(inChild.pullPrincipalArns);
    assert.ok(error instanceof InvalidArgumentError, String(error));
    assert.equal(error.message, PRINCIPAL);
    // A list holding an Output is checked once all of it is known.
    const mixed = resolveRepositorySettings(
      { pullPrincipalArns: ["210987654321", pulumi.output("*")] },
      "EcrImagePipeline",
      "web",
    );
    assert.equal(((await settled(mixed.pullPrincipalArns)) as Error).message, PRINCIPAL);
    // A good one resolves to itself.
    const good = resolveRepositorySettings(
      { pullPrincipalArns: pulumi.output(["210987654321"]) },
      "EcrRepository",
      "r",
    );
    assert.deepEqual(await settled(good.pullPrincipalArns), ["210987654321"]);
  });

  it("a plain value is checked before anything is registered, under the same message", () => {
    assert.throws(() => resolveRepositorySettings({ pullPrincipalArns: ["*"] }, "EcrImagePipeline", "web"), {
      message: PRINCIPAL,
    });
  });

  it("extraTags and contentTag: the same check plain or resolved", async () => {
    const byPipeline = resolveImageSettings({ extraTags: pulumi.output(["bad tag!"]) }, "EcrImagePipeline");
    const inChild = resolveImageSettings(byPipeline, "BuildKitImage");
    assert.equal(
      ((await settled(inChild.extraTags)) as Error).message,
      "EcrImagePipeline: invalid argument \"extraTags\": \"bad tag!\" is not a valid image tag. Use 1-128 characters of letters, digits, '_', '.' and '-', not starting with '.' or '-'.",
    );
    const cacheTagged = resolveImageSettings(
      { contentTag: pulumi.output("buildcache-arm64") },
      "BuildKitImage",
    );
    assert.equal(
      ((await settled(cacheTagged.contentTag)) as Error).message,
      'BuildKitImage: invalid argument "contentTag": "buildcache-arm64" is a per-platform build-cache tag (buildcache-<arch>), which every build overwrites with cache metadata. Remove it from contentTag, or set cacheTag to another tag.',
    );
    assert.throws(() => resolveImageSettings({ extraTags: ["buildcache-arm64"] }, "EcrImagePipeline"), {
      message:
        'EcrImagePipeline: invalid argument "extraTags": "buildcache-arm64" is a per-platform build-cache tag (buildcache-<arch>), which every build overwrites with cache metadata. Remove it from extraTags, or set cacheTag to another tag.',
    });
  });
});
