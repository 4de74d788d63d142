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
const repositoryOwnArgs = fc.record(
  {
    repositoryName: maybe(["team/web", "web"], ["Team/Web"]),
    scanOnPush: maybe<unknown>([true, false], ["false"]),
    forceDelete: maybe<unknown>([true, false], [0]),
    cacheTag: maybe<unknown>(["buildcache", "cache"], ["ctx-cache", "-bad", 0]),
    lifecyclePreset: maybe<unknown>(["dev", "staging", "prod"], ["qa"]),
    platformsPerImage: maybe<unknown>([1, 2, 3], [0, 1.5]),
    pullPrincipalArns: maybe<unknown>(
      [["210987654321"], ["arn:aws:iam::210987654321:role/deployer", "210987654321"]],
      [["*"], [], ["12345678901"]],
    ),
    // Issue 18: the moving tags the repository exempts from immutability.
    mutableTags: maybe<unknown>([["latest"], ["stable", "deployed-dev"]], [["release-1"], "latest"]),
  },
  { requiredKeys: [] },
);
/**
 * The scanning args, which only go together (issue 18 item 2): not managed; managed with basic scanning
 * (scan on push); managed enhanced with a frequency and maybe filters; and the bad ones: a bad mode or
 * flag, enhanced managed without a frequency, continuous with basic, filters ECR refuses.
 */
const scanningArgs = fc.oneof(
  { weight: 4, arbitrary: fc.record({ scanningMode: maybe<unknown>(["basic", "enhanced"], ["deep"]) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      manageRegistryScanning: fc.constant<unknown>(true),
      scanningMode: fc.constant<unknown>("enhanced"),
      registryScanFrequency: fc.constantFrom<unknown>("SCAN_ON_PUSH", "CONTINUOUS_SCAN"),
      registryScanFilters: maybe<unknown>([["*"], ["team-*", "web"]], [[], ["Team"]]),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ manageRegistryScanning: true as unknown }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Record<string, unknown>>(
      { manageRegistryScanning: "yes" },
      { manageRegistryScanning: true, scanningMode: "enhanced" },
      { manageRegistryScanning: true, registryScanFrequency: "CONTINUOUS_SCAN" },
      { registryScanFrequency: "DAILY" },
    ),
  },
);
const repositoryArgs = fc
  .tuple(repositoryOwnArgs, scanningArgs)
  .map(([own, scanning]) => ({ ...own, ...scanning }));
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
    // Issue 18: network modes, credentials in build args and their opt-out.
    network: maybe<unknown>(["default", "host", "none"], ["bridge"]),
    buildArgs: maybe<unknown>(
      [{ NODE_ENV: "production" }, { PUBLIC_KEY_URL: "https://example.com/k" }],
      [{ NPM_TOKEN: "x" }, { PIP_INDEX_URL: "https://u:p@pypi.example.com/simple" }],
    ),
    nonSecretBuildArgs: maybe<unknown>([[]], [["NOPE"]]),
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
    // Issue 21: the cost guardrails.
    maxMonthlyUsd: maybe<unknown>([50, 0], [-1]),
    maxMonthlyIncreaseUsd: maybe<unknown>([5, 2.5], [Number.NaN]),
    maxMonthlyIncreasePercent: maybe<unknown>([25], [2e6]),
    onCostGuardrailExceeded: maybe<unknown>(["warn", "fail"], ["stop"]),
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
    // Without EcrRepository's and BuildKitImage's own args (the pipeline sets them itself, and refuses
    // them as args it does not declare: settings/arg-names.ts).
    const arb = fc.tuple(repositoryArgs, imageArgs, pipelineOwnArgs).map(([repository, image, own]) => {
      const {
        platformsPerImage: _count,
        mutableTags: _moving,
        ...repositoryOnly
      } = repository as Record<string, unknown>;
      const { contentTag: _tag, ...imageOnly } = image as Record<string, unknown>;
      return { context: path.join(contexts, "hello"), ...repositoryOnly, ...imageOnly, ...own };
    });
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
    // Three groups of mostly-good values (about 40 keys, each bad in 6% of cases): about 0.94^40, some 9%,
    // pass every check; 5% (20 cases) must, which a resolver rejecting everything cannot meet.
    assertShare(resolved, 0.05);
  });

  it("each default is the one written in the resolver (platforms: buildkit/platforms.ts DEFAULT_PLATFORM)", () => {
    assert.deepEqual(resolveImageSettings({}, "EcrImagePipeline").platforms, [DEFAULT_PLATFORM]);
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
    'EcrImagePipeline: invalid argument "pullPrincipalArns[0]": "*" lets every AWS account pull: a public repository policy, not a pull grant to named principals. List the account ids or IAM ARNs that may pull; to grant a whole AWS Organization, write the policy yourself (aws.ecr.RepositoryPolicy with an aws:PrincipalOrgID condition) and leave pullPrincipalArns unset.';

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
    assert.equal(
      ((await settled(mixed.pullPrincipalArns)) as Error).message,
      PRINCIPAL.replace("pullPrincipalArns[0]", "pullPrincipalArns[1]"),
    );
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

  it("network, build args and contentTag: the same check plain or resolved; extraTags plain only", async () => {
    const network = 'invalid argument "network": "bridge" is a Docker network, not a build network mode';
    const byPipeline = resolveImageSettings({ network: pulumi.output("bridge") }, "EcrImagePipeline");
    const inChild = resolveImageSettings(byPipeline, "BuildKitImage");
    assert.ok(((await settled(inChild.network)) as Error).message.startsWith(`EcrImagePipeline: ${network}`));
    assert.throws(
      () => resolveImageSettings({ network: "bridge" as never }, "EcrImagePipeline"),
      (e: Error) => e.message.startsWith(`EcrImagePipeline: ${network}`),
    );
    const token =
      'EcrImagePipeline: invalid argument "buildArgs.PIP_INDEX_URL": its value looks like a URL with a password;';
    const url = "https://ci:s3cret@pypi.example.com/simple";
    const withOutput = resolveImageSettings(
      { buildArgs: { PIP_INDEX_URL: pulumi.output(url) } },
      "EcrImagePipeline",
    );
    assert.ok(((await settled(withOutput.buildArgs)) as Error).message.startsWith(token));
    assert.throws(
      () => resolveImageSettings({ buildArgs: { PIP_INDEX_URL: url } }, "EcrImagePipeline"),
      (e: Error) => e.message.startsWith(token),
    );
    // The value is never shown.
    assert.ok(!((await settled(withOutput.buildArgs)) as Error).message.includes("s3cret"));
    assert.throws(
      () => resolveImageSettings({ extraTags: pulumi.output(["deployed-dev"]) as never }, "EcrImagePipeline"),
      {
        message:
          'EcrImagePipeline: invalid argument "extraTags": got an Output (or a list holding one). Pass a plain list of strings, e.g. ["deployed-prod"]: each extra tag is its own image index, which the program must know before it runs.',
      },
    );
    const cacheTagged = resolveImageSettings(
      { contentTag: pulumi.output("buildcache-arm64"), repositoryUrl: "r", context: twoStage },
      "BuildKitImage",
    );
    assert.equal(
      ((await settled(cacheTagged.contentTag)) as Error).message,
      'BuildKitImage: invalid argument "contentTag": "buildcache-arm64" is a per-platform build-cache tag (buildcache-<arch>), which every build overwrites with cache metadata. Remove it from contentTag, or set cacheTag to another tag.',
    );
    assert.throws(() => resolveImageSettings({ extraTags: ["buildcache-arm64"] }, "EcrImagePipeline"), {
      message:
        'EcrImagePipeline: invalid argument "extraTags[0]": "buildcache-arm64" is a per-platform build-cache tag (buildcache-<arch>), which every build overwrites with cache metadata. Remove it from extraTags, or set cacheTag to another tag.',
    });
  });
});
