import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, closestKey, readEnvironmentProfile, type ConfigKey } from "../../stacks/profile";
import { readConsumerConfig } from "../../stacks/consumer/settings";
import { readStackConfig } from "../../stacks/stack-files";
import { EcrImagePipeline } from "../../components";
import type { KnownImageSize } from "../../components/common/size-basis";
import type { CostEstimate } from "../../components/cost";
import type { MeasuredLayers } from "../../components/cost/storage";
import { buildLifecyclePreset, renderLifecyclePolicy } from "../../components/lifecycle";
import type { EcrImagePipelineArgs } from "../../components/settings/pipeline";
import {
  priceWorkload,
  stackWorkload,
  workloadOf,
  type EnvironmentWorkload,
} from "../../tools/report/environments";
import { USAGE_COUNT_KEYS } from "../../components/cost/usage";
import { resolveImageSettings } from "../../components/settings/image";
import { resolvePipelineSettings } from "../../components/settings/pipeline";
import { resolveRepositorySettings } from "../../components/settings/repository";
import {
  DIGEST,
  INDEX_DIGEST,
  REGISTRY,
  installMocks,
  isKnown,
  settle,
  valueOf,
} from "../helpers/pulumi-mocks";

const root = path.join(__dirname, "..", "..");

/** Lets any registration the program queued reach the mocks (registration is asynchronous). */
const drained = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 100));

/** Runs a stack program module fresh (as `pulumi up` would) and returns its exports. */
function runProgram(modulePath: string): Record<string, pulumi.Output<unknown>> {
  const resolved = require.resolve(modulePath);
  delete require.cache[resolved];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(resolved) as Record<string, pulumi.Output<unknown>>;
}

describe("stack program (stacks/index.ts) per environment", () => {
  afterEach(() => pulumi.runtime.setAllConfig({}));

  for (const env of ["dev", "staging", "prod"] as const) {
    it(`${env}: builds app/ with the ${env} profile and exports the digest-pinned image and cost`, async () => {
      const rec = installMocks({ stack: env });
      const config = readStackConfig(path.join(root, "stacks", `Pulumi.${env}.yaml`));
      pulumi.runtime.setAllConfig(config);
      const outputs = runProgram("../../stacks/index");
      await settle(outputs.imageUri!, outputs.costReport!, outputs.findings!);

      assert.equal(outputs.environment as unknown, env);
      const platforms = JSON.parse(config["ecr-pipeline:platforms"]!) as string[];
      // Several platforms: one Image per platform joined by an Index, whose digest imageUri pins.
      const pinned = platforms.length > 1 ? INDEX_DIGEST : DIGEST;
      assert.equal(await valueOf(outputs.imageUri!), `${REGISTRY}/ecr-pipeline-${env}@${pinned}`);
      const repository = rec.resources.find((r) => r.type === "aws:ecr/repository:Repository");
      assert.equal(repository?.inputs.name, `ecr-pipeline-${env}`);
      const images = rec.resources.filter((r) => r.type === "docker-build:index:Image");
      assert.equal(images.length, platforms.length);
      for (const image of images) {
        assert.deepEqual(image.inputs.context, { location: "app" });
        assert.deepEqual(image.inputs.dockerfile, { location: "app/Dockerfile" });
      }
      assert.deepEqual(
        images.map((image) => image.inputs.platforms),
        platforms.map((platform) => [platform]),
      );
      const lifecycle = rec.resources.find((r) => r.type === "aws:ecr/lifecyclePolicy:LifecyclePolicy");
      assert.equal(
        lifecycle?.inputs.policy,
        renderLifecyclePolicy(
          buildLifecyclePreset(env, { imagesPerBuild: platforms.length > 1 ? platforms.length + 1 : 1 }),
        ),
      );
      for (const key of [
        "imageUri",
        "imageSizeBytes",
        "monthlyCost",
        "costReport",
        "findings",
        "sizeBudget",
        "costChange",
        "costGuardrails",
        "costJson",
      ]) {
        assert.equal(await isKnown(outputs[key]!), true, key);
      }
      // The program exports the cost document for ecr-pipeline-cost-review (docs/REVIEW.md).
      const document = JSON.parse(String(await valueOf(outputs.costJson!))) as {
        stack: string;
        pipeline: string;
      };
      assert.deepEqual([document.stack, document.pipeline], [env, `app-${env}`]);
      // The sample app's own Dockerfile gives no warning-level finding.
      const findings =
        (await valueOf(outputs.findings as pulumi.Output<{ id: string; severity: string }[]>)) ?? [];
      assert.deepEqual(
        findings.filter((f) => f.severity !== "info").map((f) => f.id),
        [],
      );
    });
  }

  it("a misspelt config key in a real stack file stops the program before any resource is registered", async () => {
    const rec = installMocks({ stack: "dev" });
    const config = readStackConfig(path.join(root, "stacks", "Pulumi.dev.yaml"));
    const { "ecr-pipeline:pushesPerDay": pushes, ...rest } = config;
    assert.equal(pushes, "10", "the dev stack file sets pushesPerDay");
    pulumi.runtime.setAllConfig({ ...rest, "ecr-pipeline:pushesPerday": pushes! });
    assert.throws(() => runProgram("../../stacks/index"), {
      message:
        'stack config "ecr-pipeline:pushesPerday": is set to "10", but it is not a key this program reads, so it would be ignored. Did you mean ecr-pipeline:pushesPerDay? Rename it: pulumi config rm ecr-pipeline:pushesPerday && pulumi config set ecr-pipeline:pushesPerDay <value> (known keys: Pulumi.yaml `config`).',
    });
    await drained();
    assert.deepEqual(rec.resources, []);
  });

  for (const [key, value, fix] of [
    [
      "pushesPerDay",
      "   ",
      "Set it to a whole number >= 0 in decimal: pulumi config set ecr-pipeline:pushesPerDay 10",
    ],
    [
      "pullsPerMonthViaNat",
      "0x10",
      "Set it to a whole number >= 0 in decimal: pulumi config set ecr-pipeline:pullsPerMonthViaNat 10",
    ],
    [
      "rescansPerMonth",
      "2.5",
      "Set it to a whole number >= 0 in decimal: pulumi config set ecr-pipeline:rescansPerMonth 10",
    ],
    [
      "maxImageSizeMiB",
      "150.5",
      "Set a whole number of MiB > 0 in decimal: pulumi config set ecr-pipeline:maxImageSizeMiB 150",
    ],
    [
      "scanningMode",
      "paranoid",
      "Set it to one of basic, enhanced: pulumi config set ecr-pipeline:scanningMode basic",
    ],
  ] as const) {
    it(`a bad value ${JSON.stringify(value)} for ${key} over a real stack file stops the program before any resource is registered`, async () => {
      const rec = installMocks({ stack: "dev" });
      const config = readStackConfig(path.join(root, "stacks", "Pulumi.dev.yaml"));
      pulumi.runtime.setAllConfig({ ...config, [`ecr-pipeline:${key}`]: value });
      assert.throws(() => runProgram("../../stacks/index"), {
        message: `stack config "ecr-pipeline:${key}": got ${JSON.stringify(value)}. ${fix}`,
      });
      await drained();
      assert.deepEqual(rec.resources, []);
    });
  }
});

/** A build as the size estimate measures it, per platform: base, dependencies, app; the builder in the cache. */
function measuredBuild(platforms: readonly string[]): Record<string, unknown> {
  const MiB = 1024 * 1024;
  const blob = (name: string, bytes: number) => ({ digest: `sha256:${name}`, bytes });
  const arch = (platform: string) => platform.split("/")[1] ?? platform;
  return {
    platformLayers: platforms.map((platform, index) => ({
      platform,
      layers: [
        blob(`base-${arch(platform)}`, (40 - index) * MiB),
        blob(`deps-${arch(platform)}`, (30 - index) * MiB),
        blob(`app-${arch(platform)}`, 2 * MiB),
      ],
      baseLayerCount: 1,
    })),
    cacheBlobs: platforms.flatMap((platform, index) => [
      blob(`builder-${arch(platform)}`, (150 - 5 * index) * MiB),
      blob(`deps-${arch(platform)}`, (30 - index) * MiB),
      blob(`tools-${arch(platform)}`, 3 * MiB),
    ]),
    renewedLayers: platforms.map((platform) => blob(`app-${arch(platform)}`, 2 * MiB)),
    renewedCacheBlobs: platforms.map((platform) => blob(`tools-${arch(platform)}`, 3 * MiB)),
  };
}

/** The estimate's outputs (what the mocks hand the pipeline) as the MeasuredLayers `npm start` prices. */
function layersOf(measured: Record<string, unknown>): MeasuredLayers {
  return {
    platforms: measured.platformLayers,
    cache: measured.cacheBlobs,
    renewed: measured.renewedLayers,
    cacheRenewed: measured.renewedCacheBlobs,
  } as MeasuredLayers;
}

describe("npm start prices each stack file as the pipeline does (tools/report/environments.ts, issues 20 and 21)", () => {
  afterEach(() => pulumi.runtime.setAllConfig({}));

  /**
   * The stack files as written, and with the registry keys that change the price (issue 20: replicas under
   * this repository's lifecycle policy; issue 18: a scanning configuration this stack manages, on push), so
   * that a report that left any of them out would price another month.
   */
  const overlays: Record<string, (env: string) => Record<string, string>> = {
    "as written": () => ({}),
    "replicated under its policy, scanning managed on push": (env) => ({
      "ecr-pipeline:repositoryName": `platform/app-${env}`,
      "ecr-pipeline:replicationRegions": '["eu-west-1"]',
      "ecr-pipeline:replicaRetention": "policy",
      "ecr-pipeline:manageRegistryScanning": "true",
      "ecr-pipeline:registryScanFrequency": "SCAN_ON_PUSH",
    }),
  };

  for (const env of ["dev", "staging", "prod"] as const) {
    for (const [variant, overlay] of Object.entries(overlays)) {
      it(`${env}, ${variant}: the report's month is the program's monthlyCost and costJson totals`, async () => {
        const file = path.join(root, "stacks", `Pulumi.${env}.yaml`);
        const config = { ...readStackConfig(file), ...overlay(env) };
        const workload = stackWorkload(config, env, file);
        const measured = measuredBuild(workload.platformList);
        installMocks({ stack: env, estimateLayers: measured });
        pulumi.runtime.setAllConfig(config);
        const outputs = runProgram("../../stacks/index");
        await settle(outputs.monthlyCost!, outputs.costJson!, outputs.costReport!);
        await samePrice(
          {
            imageSize: outputs.imageSize as pulumi.Output<KnownImageSize>,
            monthlyCost: outputs.monthlyCost as pulumi.Output<CostEstimate>,
            costJson: outputs.costJson as pulumi.Output<string>,
            costReport: outputs.costReport as pulumi.Output<string>,
          },
          workload,
          layersOf(measured),
        );
      });
    }

    it(`${env}, with the args no stack key sets (cache tag, unbounded replicas over 6 months, pull-through cache, archive restores, renewed-layer pulls)`, async () => {
      const file = path.join(root, "stacks", `Pulumi.${env}.yaml`);
      const config = readStackConfig(file);
      const { args } = readEnvironmentProfile((key) => config[`ecr-pipeline:${key}`], env, config);
      const archiving = renderLifecyclePolicy([
        // The deployed and released builds kept first, as the presets do; older builds archived.
        ...["deployed-", "release-"].map((prefix) => ({
          selection: {
            tagStatus: "tagged" as const,
            tagPrefixList: [prefix],
            countType: "imageCountMoreThan" as const,
            countNumber: 100000,
          },
          action: { type: "expire" as const },
        })),
        {
          selection: {
            tagStatus: "tagged",
            tagPrefixList: ["ctx-"],
            countType: "imageCountMoreThan",
            countNumber: 5,
          },
          action: { type: "transition", targetStorageClass: "archive" },
        },
      ]);
      const extended: EcrImagePipelineArgs = {
        ...args,
        cacheTag: "ci-cache",
        lifecyclePolicy: archiving,
        archiveRestoresPerMonth: 2,
        replicationRegions: ["eu-west-1"],
        replicaHorizonMonths: 6,
        pullThroughCacheBytes: 80 * 1024 * 1024,
        pullBytes: "renewedLayers",
        rescanDuration: "DAYS_30",
      };
      const workload = workloadOf(extended, config["aws:region"], file, `app-${env}`);
      const measured = measuredBuild(workload.platformList);
      installMocks({ stack: env, estimateLayers: measured });
      const pipeline = new EcrImagePipeline(`app-${env}`, extended);
      await settle(pipeline.monthlyCost, pipeline.costJson, pipeline.costReport);
      const estimate = await samePrice(pipeline, workload, layersOf(measured));
      // Each of these args priced a line of its own, so leaving one out would change the month.
      for (const item of [
        "archive restores",
        "pull-through cache storage",
        "replication storage eu-west-1",
        "replication transfer eu-west-1",
      ])
        assert.ok(
          estimate.lines.some((line) => line.item === item),
          `${item}: ${estimate.lines.map((line) => line.item).join(", ")}`,
        );
    });
  }

  /** The pipeline's month at its own size, next to `npm start`'s priceWorkload at that size. */
  async function samePrice(
    pipeline: {
      imageSize: pulumi.Output<KnownImageSize>;
      monthlyCost: pulumi.Output<CostEstimate>;
      costJson: pulumi.Output<string>;
      costReport: pulumi.Output<string>;
    },
    workload: EnvironmentWorkload,
    layers: MeasuredLayers,
  ): Promise<CostEstimate> {
    const size = await valueOf(pipeline.imageSize);
    assert.ok(size !== undefined && size.basis === "ecr", JSON.stringify(size));
    const report = priceWorkload(workload, size, layers);
    const estimate = await valueOf(pipeline.monthlyCost);
    assert.deepEqual(estimate, report.estimate);
    // From measured layers, not the whole-image model: the layers reached both.
    assert.ok(report.storage !== undefined);
    const document = JSON.parse(String(await valueOf(pipeline.costJson))) as {
      totals: Record<string, number>;
      lines: { item: string; amountUsd: number }[];
    };
    assert.deepEqual(document.totals, {
      monthlyUsd: report.estimate.totalUsd,
      storageUsd: report.estimate.storageUsd,
      transferUsd: report.estimate.transferUsd,
      scanningUsd: report.estimate.scanningUsd,
      replicationUsd: report.estimate.replicationUsd,
    });
    assert.deepEqual(
      document.lines.map((line) => [line.item, line.amountUsd]),
      report.estimate.lines.map((line) => [line.item, line.usd]),
    );
    // The text npm start prints is the costReport's, before the comparison's lines.
    assert.ok(String(await valueOf(pipeline.costReport)).startsWith(report.report));
    return report.estimate;
  }
});

describe("consumer project (stacks/consumer)", () => {
  afterEach(() => pulumi.runtime.setAllConfig({}));

  it("deploys the pipeline's imageUri, pinned by digest, as a Fargate service", async () => {
    const imageUri = `${REGISTRY}/ecr-pipeline-dev@${DIGEST}`;
    const rec = installMocks({
      stack: "dev",
      stackReferenceOutputs: { imageUri, monthlyCost: { totalUsd: 1.25 } },
    });
    pulumi.runtime.setAllConfig(readStackConfig(path.join(root, "stacks", "consumer", "Pulumi.dev.yaml")));
    const outputs = runProgram("../../stacks/consumer/index");
    await settle(outputs.deployedImageUri!, outputs.pipelineMonthlyCostUsd!);

    const reference = rec.resources.find((r) => r.type === "pulumi:pulumi:StackReference");
    assert.equal(reference?.inputs.name, "organization/ecr-pipeline/dev");
    const service = rec.resources.find((r) => r.type === "awsx:ecs:FargateService");
    assert.ok(service, rec.resources.map((r) => r.type).join(", "));
    const container = (service.inputs.taskDefinitionArgs as { container: Record<string, unknown> }).container;
    assert.equal(container.image, imageUri);
    assert.match(String(container.image), /@sha256:[0-9a-f]{64}$/);
    assert.equal(await valueOf(outputs.deployedImageUri!), imageUri);
    assert.equal(await valueOf(outputs.pipelineMonthlyCostUsd!), 1.25);
  });
});

describe("readEnvironmentProfile", () => {
  const lookup =
    (values: Partial<Record<ConfigKey, string>>) =>
    (key: ConfigKey): string | undefined =>
      values[key];

  it("defaults the environment and retention to the stack name; leaves every other arg to the component", () => {
    const profile = readEnvironmentProfile(lookup({}), "staging");
    assert.equal(profile.environment, "staging");
    // Exactly the stack's own defaults: the component resolves the rest (components/settings/).
    assert.deepEqual(profile.args, {
      repositoryName: "ecr-pipeline-staging",
      context: "app",
      lifecyclePreset: "staging",
      tags: { "ecr-pipeline:environment": "staging" },
    });
  });

  it("passes each key to its arg, converted: the MiB budget as bytes, retention as lifecyclePreset", () => {
    const profile = readEnvironmentProfile(
      lookup({ retention: "dev", maxImageSizeMiB: "150", scanningMode: "enhanced", pushesPerDay: "3" }),
      "prod",
    );
    assert.equal(profile.args.lifecyclePreset, "dev");
    assert.equal(profile.args.maxImageSizeBytes, 150 * 1024 * 1024);
    assert.equal(profile.args.scanningMode, "enhanced");
    assert.equal(profile.args.pushesPerDay, 3);
    assert.equal(profile.args.repositoryName, "ecr-pipeline-prod");
  });

  it("reads every usage count of components/cost/usage.ts, with no per-count code", () => {
    const values = Object.fromEntries(USAGE_COUNT_KEYS.map((key, i) => [key, String(i + 2)]));
    const profile = readEnvironmentProfile(lookup(values), "dev");
    for (const [i, key] of USAGE_COUNT_KEYS.entries()) assert.equal(profile.args[key], i + 2, key);
    for (const key of USAGE_COUNT_KEYS) assert.ok((CONFIG_KEYS as readonly string[]).includes(key), key);
  });

  it("reads lists as YAML lists or comma-separated strings and MiB budgets as bytes", () => {
    const profile = readEnvironmentProfile(
      lookup({
        platforms: '["linux/amd64","linux/arm64"]',
        extraTags: "deployed-dev, release-1",
        maxImageSizeMiB: "150",
      }),
      "dev",
    );
    assert.deepEqual(profile.args.platforms, ["linux/amd64", "linux/arm64"]);
    assert.deepEqual(profile.args.extraTags, ["deployed-dev", "release-1"]);
    assert.equal(profile.args.maxImageSizeBytes, 150 * 1024 * 1024);
  });

  const bad: [string, Partial<Record<ConfigKey, string>>, string, string][] = [
    [
      "environment for an unknown stack name",
      {},
      "feature-x",
      'stack config "ecr-pipeline:environment": is not set and the stack name "feature-x" is not dev, staging or prod. Set it: pulumi config set ecr-pipeline:environment dev',
    ],
    [
      "retention",
      { retention: "forever" },
      "dev",
      'stack config "ecr-pipeline:retention": got "forever". Set it to one of dev, staging, prod: pulumi config set ecr-pipeline:retention dev',
    ],
    [
      "platform",
      { platforms: "windows/amd64" },
      "dev",
      'stack config "ecr-pipeline:platforms": "windows/amd64" is not a Linux platform ECR-based runtimes run. Use e.g. linux/amd64 or linux/arm64.',
    ],
    [
      "budget",
      { maxImageSizeMiB: "-5" },
      "dev",
      'stack config "ecr-pipeline:maxImageSizeMiB": got "-5". Set a whole number of MiB > 0 in decimal: pulumi config set ecr-pipeline:maxImageSizeMiB 150',
    ],
    [
      "pull count",
      { pullsPerMonthViaNat: "lots" },
      "dev",
      'stack config "ecr-pipeline:pullsPerMonthViaNat": got "lots". Set it to a whole number >= 0 in decimal: pulumi config set ecr-pipeline:pullsPerMonthViaNat 10',
    ],
    [
      "interface endpoint pull count",
      { pullsPerMonthViaInterfaceEndpoint: "-3" },
      "dev",
      'stack config "ecr-pipeline:pullsPerMonthViaInterfaceEndpoint": got "-3". Set it to a whole number >= 0 in decimal: pulumi config set ecr-pipeline:pullsPerMonthViaInterfaceEndpoint 10',
    ],
    [
      "re-scan duration",
      { rescanDuration: "DAYS_7" },
      "dev",
      'stack config "ecr-pipeline:rescanDuration": got "DAYS_7". Set it to one of DAYS_14, DAYS_30, DAYS_60, DAYS_90, DAYS_180, LIFETIME: pulumi config set ecr-pipeline:rescanDuration DAYS_14',
    ],
    [
      "pull-bytes choice",
      { pullBytes: "layers" },
      "dev",
      'stack config "ecr-pipeline:pullBytes": got "layers". Set it to one of image, renewedLayers: pulumi config set ecr-pipeline:pullBytes image',
    ],
    [
      "flag",
      { manageRegistryScanning: "yes" },
      "dev",
      'stack config "ecr-pipeline:manageRegistryScanning": got "yes". Set it to true or false.',
    ],
  ];
  it("reads the cost guardrails (decimal amounts, strictly) and the registry scanning keys (issue 18, 21)", () => {
    const profile = readEnvironmentProfile(
      lookup({
        maxMonthlyUsd: "12.5",
        maxMonthlyIncreaseUsd: "5",
        maxMonthlyIncreasePercent: "0",
        onCostGuardrailExceeded: "fail",
        manageRegistryScanning: "true",
        registryScanFrequency: "CONTINUOUS_SCAN",
        registryScanFilters: '["*"]',
      }),
      "prod",
    );
    assert.deepEqual(
      [
        profile.args.maxMonthlyUsd,
        profile.args.maxMonthlyIncreaseUsd,
        profile.args.maxMonthlyIncreasePercent,
        profile.args.onCostGuardrailExceeded,
        profile.args.registryScanFrequency,
        profile.args.registryScanFilters,
      ],
      [12.5, 5, 0, "fail", "CONTINUOUS_SCAN", ["*"]],
    );
    for (const raw of ["", " 5", "1e3", "0x10", "-1", "5.", ".5", "$5"]) {
      assert.throws(() => readEnvironmentProfile(lookup({ maxMonthlyIncreaseUsd: raw }), "dev"), {
        message: `stack config "ecr-pipeline:maxMonthlyIncreaseUsd": got ${JSON.stringify(raw)}. Set a number >= 0 in decimal (e.g. 12.5): pulumi config set ecr-pipeline:maxMonthlyIncreaseUsd 10`,
      });
    }
    assert.throws(() => readEnvironmentProfile(lookup({ onCostGuardrailExceeded: "stop" }), "dev"), {
      message:
        'stack config "ecr-pipeline:onCostGuardrailExceeded": got "stop". Set it to one of warn, fail: pulumi config set ecr-pipeline:onCostGuardrailExceeded warn',
    });
    assert.throws(() => readEnvironmentProfile(lookup({ registryScanFrequency: "DAILY" }), "dev"), {
      message:
        'stack config "ecr-pipeline:registryScanFrequency": got "DAILY". Set it to one of SCAN_ON_PUSH, CONTINUOUS_SCAN: pulumi config set ecr-pipeline:registryScanFrequency SCAN_ON_PUSH',
    });
  });

  it("reads whole numbers strictly: what Number() would accept is rejected", () => {
    for (const raw of ["", "   ", "0x10", "2.5", "1e3", "-0", "+3", "010", " 7"]) {
      assert.throws(() => readEnvironmentProfile(lookup({ pushesPerDay: raw }), "dev"), {
        message: `stack config "ecr-pipeline:pushesPerDay": got ${JSON.stringify(raw)}. Set it to a whole number >= 0 in decimal: pulumi config set ecr-pipeline:pushesPerDay 10`,
      });
    }
    assert.equal(readEnvironmentProfile(lookup({ pushesPerDay: "0" }), "dev").args.pushesPerDay, 0);
    assert.equal(readEnvironmentProfile(lookup({ pushesPerDay: "120" }), "dev").args.pushesPerDay, 120);
  });

  it("rejects a key of the project's namespace it does not read, suggesting the closest; other namespaces pass", () => {
    const profile = readEnvironmentProfile(lookup({}), "dev", {
      "aws:region": "us-east-1",
      "ecr-pipeline:retention": "dev",
    });
    assert.equal(profile.args.lifecyclePreset, "dev");
    assert.throws(() => readEnvironmentProfile(lookup({}), "dev", { "ecr-pipeline:maxImageSizeMb": "200" }), {
      message:
        'stack config "ecr-pipeline:maxImageSizeMb": is set to "200", but it is not a key this program reads, so it would be ignored. Did you mean ecr-pipeline:maxImageSizeMiB? Rename it: pulumi config rm ecr-pipeline:maxImageSizeMb && pulumi config set ecr-pipeline:maxImageSizeMiB <value> (known keys: Pulumi.yaml `config`).',
    });
    assert.equal(closestKey("pulsPerMonthViaNAT", CONFIG_KEYS), "pullsPerMonthViaNat");
  });

  for (const [what, values, stack, message] of bad) {
    it(`names the key and the fix for a bad ${what}`, () => {
      assert.throws(() => readEnvironmentProfile(lookup(values), stack), { message });
    });
  }

  it("every key the program reads is documented in Pulumi.yaml, and no other", () => {
    const project = yaml.load(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
      config: Record<string, unknown>;
      stackConfigDir: string;
    };
    assert.deepEqual(Object.keys(project.config).sort(), [...CONFIG_KEYS].sort());
    assert.equal(project.stackConfigDir, "stacks");
  });

  it("Pulumi.yaml's defaults are the ones the program applies when a key is unset (no second set of defaults)", () => {
    const project = yaml.load(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
      config: Record<string, { default?: unknown }>;
    };
    // The resolved settings only (the children's objects also carry the args they pass through).
    const repositoryKeys = Object.keys(resolveRepositorySettings({}, "t", "t"));
    const imageKeys = Object.keys(resolveImageSettings({}, "t"));
    const pick = (settings: object, keys: string[]): unknown =>
      Object.fromEntries(keys.map((key) => [key, (settings as Record<string, unknown>)[key]]));
    const resolvedWith = (values: Partial<Record<ConfigKey, string>>): unknown => {
      const { args } = readEnvironmentProfile(lookup(values), "dev");
      const { repository, image, estimatePlatforms, ...own } = resolvePipelineSettings(
        args,
        "EcrImagePipeline",
        "app-dev",
      );
      // The build context, and the platforms the size estimate is handed, are passed through, not
      // resolved: compared as the args give them (image.platforms is the resolved list).
      void estimatePlatforms;
      return {
        own,
        repository: pick(repository, repositoryKeys),
        image: pick(image, imageKeys),
        context: args.context,
      };
    };
    const unset = resolvedWith({});
    const defaults = Object.entries(project.config).filter(([, spec]) => spec.default !== undefined);
    assert.ok(defaults.length >= 5, "Pulumi.yaml declares defaults");
    for (const [key, spec] of defaults) {
      assert.deepEqual(resolvedWith({ [key]: String(spec.default) }), unset, `ecr-pipeline:${key}`);
    }
  });

  it("readConsumerConfig names the key and the fix", () => {
    assert.deepEqual(
      readConsumerConfig(() => undefined, "prod"),
      {
        pipelineStack: "organization/ecr-pipeline/prod",
        desiredCount: 1,
        containerPort: 8080,
      },
    );
    assert.throws(() => readConsumerConfig((k) => (k === "containerPort" ? "70000" : undefined), "dev"), {
      message:
        'stack config "ecr-pipeline-consumer:containerPort": got "70000". Set an integer from 1 to 65535.',
    });
  });
});
