/**
 * The resource dump: the proof that a refactoring changed no behaviour. It runs the per-environment
 * program (stacks/index.ts with stacks/Pulumi.<env>.yaml, as `pulumi up -s <env>` would) and a set of
 * representative component configurations under `pulumi.runtime.setMocks`, each in preview and in up
 * mode, and prints, sorted, every registered resource (type, name, parent, inputs and options), every
 * invoke, every log line, the components' output values and the errors of a set of bad inputs.
 *
 *   npm run resource-dump > /tmp/before.txt      # before a change
 *   npm run resource-dump > /tmp/after.txt       # after it
 *   diff /tmp/before.txt /tmp/after.txt          # empty: same resources, inputs, invokes and errors
 *
 * Deterministic: the mocks return fixed ids and values, the build context is the repository's own app/,
 * the repository root is printed as <root>, and the dynamic provider's serialized code (`__provider`) as
 * its length and SHA-256. Its own mocks, so that it depends on no test file; the deployment they describe
 * (account, registry, digests, sizes, the outputs both mock sets give alike) is tools/lib/mock-deployment.ts,
 * which the tests' mocks use too.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "../stacks/stack-files";
import {
  ACCOUNT,
  AUTHORIZATION_TOKEN,
  DIGEST,
  ECR_SIZE_BYTES,
  ESTIMATE_BYTES,
  REGION,
  REGISTRY,
  indexRef,
  pushedImageRef,
  repositoryOutputs,
  tagNotFound,
} from "./lib/mock-deployment";

const ROOT = path.join(__dirname, "..");

interface Recording {
  resources: { type: string; name: string; inputs: unknown }[];
  options: { type: string; name: string; parent: string | undefined; opts: Record<string, unknown> }[];
  invokes: { token: string; inputs: unknown }[];
  logs: string[];
  errors: string[];
}

let current: Recording | undefined;
const recording = (): Recording => {
  if (current === undefined) throw new Error("resource-dump: no scenario is running");
  return current;
};

/** Mocks with the outputs a real deployment gives (fixed ids, digests and sizes). */
function installMocks(preview: boolean, stack: string): void {
  void pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs): {
        id: string | undefined;
        state: Record<string, unknown>;
      } {
        recording().resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state: Record<string, unknown> = { ...args.inputs };
        switch (args.type) {
          case "aws:ecr/repository:Repository":
            Object.assign(state, repositoryOutputs(args.inputs, args.name));
            break;
          case "docker-build:index:Image":
            if (!preview) Object.assign(state, { digest: DIGEST, ref: pushedImageRef(args.inputs) });
            break;
          case "docker-build:index:Index":
            Object.assign(state, { ref: indexRef(args.inputs, !preview) });
            break;
          case "pulumi-nodejs:dynamic/ecr-pipeline:ImageSizeEstimate":
            Object.assign(state, {
              sizeBytes: ESTIMATE_BYTES,
              uncompressedBytes: null,
              note: "local build of the context",
              storedBytes: null,
              platformLayers: null,
              cacheBlobs: null,
              renewedLayers: null,
              renewedCacheBlobs: null,
              deployedContextHash: args.inputs.contextHash,
              deployedCompression: (args.inputs.compression as string | undefined) ?? "gzip",
              deployedLayers: null,
            });
            break;
        }
        return { id: args.type.startsWith("pulumi:pulumi") ? args.name : `${args.name}-id`, state };
      },
      call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        recording().invokes.push({ token: args.token, inputs: args.inputs });
        switch (args.token) {
          case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
            return { ...AUTHORIZATION_TOKEN };
          case "aws:ecr/getImage:getImage":
            // A tag (a fixed extra tag, or the content tag, looked up before the push) is not in ECR yet.
            if (typeof args.inputs.imageTag === "string") throw tagNotFound(args.inputs.imageTag);
            return { imageSizeInBytes: ECR_SIZE_BYTES, imageDigest: args.inputs.imageDigest };
          case "aws:index/getRegion:getRegion":
            return { region: REGION, name: REGION };
          default:
            return args.inputs;
        }
      },
    },
    "ecr-pipeline",
    stack,
    preview,
  );
}

/** `[type] name` of a resource, or undefined. */
function describeResource(resource: unknown): string | undefined {
  if (!pulumi.Resource.isInstance(resource)) return undefined;
  const internals = resource as unknown as { __pulumiType?: string; __name?: string };
  return `${internals.__pulumiType ?? "?"} ${internals.__name ?? "?"}`;
}

/** Records each resource's options (parent, dependsOn, retainOnDelete, …) as it is constructed. */
const recordOptions: pulumi.ResourceTransformation = (args) => {
  const opts: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args.opts)) {
    if (value === undefined || key === "parent") continue;
    opts[key] = value;
  }
  recording().options.push({
    type: args.type,
    name: args.name,
    parent: describeResource(args.opts.parent),
    opts,
  });
  return undefined;
};

const UNKNOWN = "<unknown>";

/** An Output's value, or `<unknown>` when it is unknown (preview). */
async function valueOf(output: pulumi.Output<unknown>): Promise<unknown> {
  // `promise()` is the Output's value (Node SDK OutputImpl); unlike `apply`, it also settles when the Output fails.
  const internals = output as unknown as { isKnown: Promise<boolean>; promise(): Promise<unknown> };
  try {
    return (await internals.isKnown) ? await internals.promise() : UNKNOWN;
  } catch (error) {
    return `<rejected: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}>`;
  }
}

/** Plain JSON with resources named, Outputs resolved, keys sorted, the repository root and the provider code hidden. */
async function plain(value: unknown, key = ""): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) return plain(await valueOf(value), key);
  if (value instanceof Promise) return plain(await value, key);
  const resource = describeResource(value);
  if (resource !== undefined) return `<resource ${resource}>`;
  if (typeof value === "string") {
    if (key === "__provider") {
      const text = value.split(ROOT).join("<root>");
      return `<serialized provider: ${text.length} chars, sha256 ${createHash("sha256").update(text).digest("hex")}>`;
    }
    return value.split(ROOT).join("<root>");
  }
  if (typeof value === "function") return `<function ${value.name}>`;
  if (Array.isArray(value)) return Promise.all(value.map((item) => plain(item)));
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) out[k] = await plain(v, k);
    return out;
  }
  return value;
}

const json = (value: unknown): string => JSON.stringify(value);

/** Waits until the mocks have seen every registration and invoke the program queued. */
async function settle(): Promise<void> {
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }; // eslint-disable-line @typescript-eslint/no-require-imports
  let quiet = 0;
  let last = "";
  while (quiet < 3) {
    await settings.waitForRPCs();
    await new Promise((resolve) => setTimeout(resolve, 25));
    const rec = recording();
    const now = `${rec.resources.length}/${rec.invokes.length}/${rec.logs.length}/${rec.errors.length}`;
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
}

type Program = () => Record<string, unknown> | undefined;

/** Runs one program in a fresh stack under the mocks and prints what it registered. */
async function run(title: string, preview: boolean, program: Program, stack = "dev"): Promise<string[]> {
  current = { resources: [], options: [], invokes: [], logs: [], errors: [] };
  installMocks(preview, stack);
  let exported: Record<string, unknown> | undefined;
  let thrown: string | undefined;
  const done = pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation(recordOptions);
    try {
      exported = program();
    } catch (error) {
      thrown = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    return undefined;
  });
  await done.catch((error: unknown) => recording().errors.push(`stack: ${String(error)}`));
  await settle();
  const rec = recording();
  const outputs = exported === undefined ? undefined : await plain(exported);
  await settle();

  const lines = [`=== ${title} (${preview ? "preview" : "up"})`];
  if (thrown !== undefined) lines.push(`throws: ${thrown.split(ROOT).join("<root>")}`);
  const options = new Map(rec.options.map((o) => [`${o.type} ${o.name}`, o]));
  const resources = await Promise.all(
    rec.resources.map(async (r) => {
      const o = options.get(`${r.type} ${r.name}`);
      return `resource ${r.type} ${r.name}\n  parent: ${o?.parent ?? "-"}\n  options: ${json(await plain(o?.opts ?? {}))}\n  inputs: ${json(await plain(r.inputs))}`;
    }),
  );
  lines.push(...resources.sort());
  const invokes = await Promise.all(
    rec.invokes.map(async (i) => `invoke ${i.token} ${json(await plain(i.inputs))}`),
  );
  lines.push(...invokes.sort());
  lines.push(...[...rec.logs].sort().map((line) => `log ${line.split(ROOT).join("<root>")}`));
  // Once each: how many consumers of a failed Output report it depends on the wiring, not on behaviour.
  lines.push(...[...new Set(rec.errors)].sort().map((line) => `error ${line.split(ROOT).join("<root>")}`));
  if (outputs !== undefined) lines.push(`outputs ${json(outputs)}`);
  current = undefined;
  return lines;
}

/** The public Outputs of a component, by name. */
function outputsOf(component: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(component).filter(
      ([key, value]) => !key.startsWith("__") && pulumi.Output.isInstance(value),
    ),
  );
}

// Loaded after the mocks are defined; each scenario constructs its components afresh.
/* eslint-disable @typescript-eslint/no-require-imports */
const load = () => require("../components") as typeof import("../components");
/* eslint-enable @typescript-eslint/no-require-imports */

const url = `${REGISTRY}/web`;
/** Representative configurations, each run in preview and in up mode. */
function scenarios(): [string, Program][] {
  const { EcrImagePipeline, EcrRepository, BuildKitImage } = load();
  const out = <T>(value: T) => pulumi.output(value);
  return [
    [
      "pipeline: defaults (one platform, none given)",
      () => outputsOf(new EcrImagePipeline("web", { context: "app" })),
    ],
    [
      "pipeline: two platforms, extraTags, pullPrincipalArns, enhanced scanning managed",
      () =>
        outputsOf(
          new EcrImagePipeline("web", {
            context: "app",
            platforms: ["linux/amd64", "linux/arm64"],
            extraTags: ["deployed-dev", "release-1.4.0"],
            pullPrincipalArns: ["arn:aws:iam::210987654321:role/deployer", "210987654321"],
            scanningMode: "enhanced",
            manageRegistryScanning: true,
            registryScanFrequency: "SCAN_ON_PUSH",
            lifecyclePreset: "staging",
            maxImageSizeBytes: 150 * 1024 ** 2,
            onBudgetExceeded: "fail",
            pushesPerDay: 3,
            pullsPerMonthViaNat: 100,
          }),
        ),
    ],
    [
      "pipeline: cache off, zstd, costRegion, replication, estimate off",
      () =>
        outputsOf(
          new EcrImagePipeline("web", {
            context: "app",
            cache: false,
            compression: "zstd",
            costRegion: "eu-west-1",
            replicationRegions: ["us-west-2"],
            estimateSize: false,
            retainOnDelete: false,
            cacheTag: "cache",
            forceDelete: true,
            scanOnPush: false,
            kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abc",
            tags: { team: "web" },
          }),
        ),
    ],
    [
      "pipeline: Output args (repositoryName, pullPrincipalArns, buildArgs, target)",
      () =>
        outputsOf(
          new EcrImagePipeline("web", {
            context: "app",
            repositoryName: out("team/web"),
            extraTags: ["deployed-dev"],
            pullPrincipalArns: out(["210987654321"]),
            buildArgs: out({ NODE_ENV: "production" }),
            secrets: { npmrc: pulumi.secret("token") },
            network: "host",
            builderName: "remote",
            buildOnPreview: false,
            target: "runtime",
          }),
        ),
    ],
    [
      "pipeline: two platforms with a builder per platform, dockerfile given",
      () =>
        outputsOf(
          new EcrImagePipeline("web", {
            context: "app",
            dockerfile: "app/Dockerfile",
            platforms: ["linux/amd64", "linux/arm64"],
            platformBuilders: { "linux/arm64": "arm-native" },
            extraTags: ["deployed-prod"],
            compression: "zstd",
          }),
        ),
    ],
    [
      "pipeline: one platform, moving and fixed extraTags, a failing budget and cost guardrails (issue 18, 21)",
      () =>
        outputsOf(
          new EcrImagePipeline("web", {
            context: "app",
            extraTags: ["deployed-prod", "latest", "release-1.4.0"],
            maxImageSizeBytes: 150 * 1024 ** 2,
            onBudgetExceeded: "fail",
            maxMonthlyUsd: 100,
            maxMonthlyIncreaseUsd: 5,
            maxMonthlyIncreasePercent: 25,
            onCostGuardrailExceeded: "fail",
          }),
        ),
    ],
    [
      "pipeline: secrets with an opt-out build arg, network and costRegion as Outputs, scanning filters",
      () =>
        outputsOf(
          new EcrImagePipeline("web", {
            context: "app",
            secrets: { npmrc: pulumi.secret("token") },
            buildArgs: { PUBLIC_KEY_URL: "https://example.com/key.pub" },
            nonSecretBuildArgs: ["PUBLIC_KEY_URL"],
            network: out("host" as const),
            costRegion: out("eu-west-1"),
            scanningMode: "enhanced",
            manageRegistryScanning: true,
            registryScanFrequency: "CONTINUOUS_SCAN",
            registryScanFilters: ["web", "team-*"],
            rescansPerMonth: 4,
          }),
        ),
    ],
    [
      "pipeline: lifecyclePolicy given",
      () =>
        outputsOf(
          new EcrImagePipeline("web", {
            context: "app",
            lifecyclePolicy: JSON.stringify({
              rules: [
                {
                  rulePriority: 1,
                  selection: {
                    tagStatus: "untagged",
                    countType: "sinceImagePushed",
                    countUnit: "days",
                    countNumber: 1,
                  },
                  action: { type: "expire" },
                },
              ],
            }),
          }),
        ),
    ],
    [
      "BuildKitImage alone: one platform, contentTag given",
      () =>
        outputsOf(
          new BuildKitImage("img", { context: "app", repositoryUrl: url, contentTag: "git-0123abc" }),
        ),
    ],
    [
      "BuildKitImage alone: two platforms, extraTags, hashed tag",
      () =>
        outputsOf(
          new BuildKitImage("img", {
            context: "app",
            repositoryUrl: out(url),
            registryId: ACCOUNT,
            platforms: ["linux/amd64", "linux/arm64"],
            extraTags: ["deployed-prod"],
            compression: "zstd",
          }),
        ),
    ],
    ["EcrRepository alone: defaults", () => outputsOf(new EcrRepository("repo", {}))],
    [
      "EcrRepository alone: pull policy, platformsPerImage, dev preset",
      () =>
        outputsOf(
          new EcrRepository("repo", {
            repositoryName: "team/repo",
            pullPrincipalArns: out(["arn:aws:iam::210987654321:root"]),
            platformsPerImage: 2,
            lifecyclePreset: "dev",
            scanningMode: "enhanced",
            manageRegistryScanning: true,
            registryScanFrequency: "CONTINUOUS_SCAN",
            mutableTags: ["latest"],
          }),
        ),
    ],
  ];
}

/** Bad inputs: the error each raises (before registration, or when an Output resolves). */
function failures(): [string, Program][] {
  const { EcrImagePipeline, EcrRepository, BuildKitImage } = load();
  const out = <T>(value: T) => pulumi.output(value);
  const pipeline = (args: Record<string, unknown>) => () =>
    outputsOf(new EcrImagePipeline("web", { context: "app", ...args } as never));
  return [
    ["pipeline: platforms []", pipeline({ platforms: [] })],
    ["pipeline: compression brotli", pipeline({ compression: "brotli" })],
    ["pipeline: lifecyclePreset qa", pipeline({ lifecyclePreset: "qa" })],
    ["pipeline: maxImageSizeBytes -1", pipeline({ maxImageSizeBytes: -1 })],
    ["pipeline: extraTags bad tag", pipeline({ extraTags: ["bad tag!"] })],
    ["pipeline: extraTags cache tag", pipeline({ extraTags: ["buildcache"] })],
    ["pipeline: costRegion unpriced", pipeline({ costRegion: "xx-east-9" })],
    ["pipeline: context missing", pipeline({ context: "no-such-dir" })],
    ["pipeline: target not a stage", pipeline({ target: "nope" })],
    [
      "pipeline: repositoryName and extraTags both bad",
      pipeline({ repositoryName: "Bad", extraTags: ["bad tag!"] }),
    ],
    ["pipeline: pullPrincipalArns [*] (plain)", pipeline({ pullPrincipalArns: ["*"] })],
    ["pipeline: pullPrincipalArns Output [*]", pipeline({ pullPrincipalArns: out(["*"]) })],
    ["pipeline: extraTags Output bad tag", pipeline({ extraTags: out(["bad tag!"]) })],
    ["pipeline: extraTags Output buildcache-amd64", pipeline({ extraTags: out(["buildcache-amd64"]) })],
    ["pipeline: extraTags plain buildcache-amd64", pipeline({ extraTags: ["buildcache-amd64"] })],
    ["pipeline: extraTags four moving names", pipeline({ extraTags: ["latest", "stable", "main", "prod"] })],
    ["pipeline: extraTags ctx-1", pipeline({ extraTags: ["ctx-1"] })],
    ["pipeline: pullPrincipalArns 11-digit account", pipeline({ pullPrincipalArns: ["12345678901"] })],
    ["pipeline: network bridge", pipeline({ network: "bridge" })],
    ["pipeline: network Output bridge", pipeline({ network: out("bridge") })],
    ["pipeline: maxImageSizeBytes 150 (MiB meant)", pipeline({ maxImageSizeBytes: 150 })],
    [
      "pipeline: a capitalised name without repositoryName",
      () => outputsOf(new EcrImagePipeline("Orders", { context: "app" })),
    ],
    ["pipeline: costRegion Output us-east-9", pipeline({ costRegion: out("us-east-9") })],
    ["pipeline: buildArgs AWS_SECRET_ACCESS_KEY", pipeline({ buildArgs: { AWS_SECRET_ACCESS_KEY: "x" } })],
    [
      "pipeline: buildArgs Output value with a password in a URL",
      pipeline({ buildArgs: { PIP_INDEX_URL: out("https://user:pa55@pypi.example.com/simple") } }),
    ],
    ["pipeline: nonSecretBuildArgs not a build arg", pipeline({ nonSecretBuildArgs: ["NOPE"] })],
    [
      "pipeline: enhanced managed scanning without registryScanFrequency",
      pipeline({ scanningMode: "enhanced", manageRegistryScanning: true }),
    ],
    [
      "pipeline: registryScanFilters without manageRegistryScanning",
      pipeline({ registryScanFilters: ["*"] }),
    ],
    ["pipeline: maxMonthlyIncreaseUsd -1", pipeline({ maxMonthlyIncreaseUsd: -1 })],
    ["pipeline: onCostGuardrailExceeded stop", pipeline({ onCostGuardrailExceeded: "stop" })],
    [
      "EcrRepository: mutableTags release-1",
      () => outputsOf(new EcrRepository("repo", { mutableTags: ["release-1"] })),
    ],
    [
      "EcrRepository: scanningMode deep",
      () => outputsOf(new EcrRepository("repo", { scanningMode: "deep" as never })),
    ],
    [
      "EcrRepository: pullPrincipalArns [*]",
      () => outputsOf(new EcrRepository("repo", { pullPrincipalArns: ["*"] })),
    ],
    [
      "BuildKitImage: platformBuilders for a platform not built",
      () =>
        outputsOf(
          new BuildKitImage("img", {
            context: "app",
            repositoryUrl: url,
            platformBuilders: { "linux/arm64": "arm" },
          }),
        ),
    ],
    [
      "BuildKitImage: contentTag Output bad",
      () =>
        outputsOf(
          new BuildKitImage("img", { context: "app", repositoryUrl: url, contentTag: out("bad tag!") }),
        ),
    ],
  ];
}

/** stacks/index.ts with the stack file's config, as `pulumi up -s <env>` runs it. */
function stackProgram(env: string): Program {
  return () => {
    pulumi.runtime.setAllConfig(readStackConfig(path.join(ROOT, "stacks", `Pulumi.${env}.yaml`)));
    const modulePath = require.resolve("../stacks/index");
    delete require.cache[modulePath];
    return require(modulePath) as Record<string, unknown>; // eslint-disable-line @typescript-eslint/no-require-imports
  };
}

async function main(): Promise<void> {
  process.chdir(ROOT);
  // Errors raised where nothing awaits them (an apply that rejects an Output value) are part of the dump.
  process.on("unhandledRejection", (reason) => {
    const message = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
    if (current !== undefined) current.errors.push(`unhandled: ${message}`);
    else console.log(`error outside a scenario: ${message}`);
  });
  const log = pulumi.log as unknown as Record<string, (message: string, resource?: pulumi.Resource) => void>;
  for (const severity of ["debug", "info", "warn", "error"]) {
    log[severity] = (message: string, resource?: pulumi.Resource) => {
      if (severity !== "debug")
        current?.logs.push(`${severity} ${describeResource(resource) ?? "-"}: ${message}`);
    };
  }
  const out: string[] = [];
  for (const env of ["dev", "staging", "prod"]) {
    for (const preview of [true, false])
      out.push(...(await run(`stack ${env}`, preview, stackProgram(env), env)));
  }
  pulumi.runtime.setAllConfig({});
  for (const [title, program] of scenarios()) {
    for (const preview of [true, false]) out.push(...(await run(title, preview, program)));
  }
  for (const [title, program] of failures()) out.push(...(await run(`bad input: ${title}`, false, program)));
  console.log(out.join("\n"));
}

void main();
