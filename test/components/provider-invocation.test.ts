// The argv test/helpers/docker-build-invocation.ts derives from the docker-build Image inputs the
// component registers: exact values, for the inputs BuildKitImage really sends (recorded under mocks)
// and for the provider's rules on their own (table-driven).
import assert from "node:assert/strict";
import * as path from "node:path";
import { BuildKitImage } from "../../components/image";
import type { BuildKitImageArgs } from "../../components/settings/image";
import {
  digestFromMetadata,
  providerBuildInvocation,
  withProviderDefaults,
  type RecordedImageInputs,
} from "../helpers/docker-build-invocation";
import { buildSteps } from "../helpers/component-build";
import { REGISTRY, installMocks, settle, unwrapSecrets } from "../helpers/pulumi-mocks";

const context = path.join(__dirname, "..", "fixtures", "contexts", "hello");
const twoStage = path.join(__dirname, "..", "fixtures", "contexts", "two-stage");
const repositoryUrl = `${REGISTRY}/web`;
const METADATA = "/tmp/metadata.json";

/** The inputs of every docker-build Image the component registers, in registration order. */
async function recordedAllImageInputs(
  args: Omit<BuildKitImageArgs, "repositoryUrl">,
): Promise<RecordedImageInputs[]> {
  const rec = installMocks();
  const image = new BuildKitImage("web", { repositoryUrl, contentTag: "ctx-0123456789abcdef", ...args });
  await settle(image.imageUri);
  const built = rec.resources.filter((resource) => resource.type === "docker-build:index:Image");
  assert.ok(built.length > 0, "no docker-build Image registered");
  return built.map((resource) => unwrapSecrets(resource.inputs) as RecordedImageInputs);
}

async function recordedImageInputs(
  args: Omit<BuildKitImageArgs, "repositoryUrl">,
): Promise<RecordedImageInputs> {
  const all = await recordedAllImageInputs(args);
  assert.equal(all.length, 1, "expected one docker-build Image");
  return all[0]!;
}

/** Value of every occurrence of `flag` in argv. */
function flagValues(argv: string[], flag: string): string[] {
  return argv.flatMap((arg, index) => (arg === flag ? [argv[index + 1] as string] : []));
}

describe("providerBuildInvocation (what pulumi-docker-build runs for the recorded inputs)", () => {
  it("BuildKitImage with gzip on one platform: the whole argv", async () => {
    const inputs = await recordedImageInputs({ context, network: "host" });
    const invocation = providerBuildInvocation(inputs, { metadataFile: METADATA });
    const cacheRef = `${repositoryUrl}:buildcache`;
    assert.deepEqual(invocation.argv, [
      "buildx",
      "build",
      "--progress",
      "plain",
      "--metadata-file",
      METADATA,
      "--builder",
      "default",
      "--provenance=false",
      "--cache-from",
      `type=registry,ref=${cacheRef}`,
      "--cache-to",
      `type=registry,ref=${cacheRef},mode=max,ignore-error=true,oci-mediatypes=true,image-manifest=true,` +
        "compression=gzip,compression-level=6,force-compression=true",
      "--output",
      "type=image,push=true,store=true,oci-mediatypes=false,compression=gzip,compression-level=6,force-compression=true",
      "--network",
      "host",
      "--platform",
      "linux/amd64",
      "--tag",
      `${repositoryUrl}:ctx-0123456789abcdef`,
      "-f",
      `${context}/Dockerfile`,
      context,
    ]);
    assert.deepEqual(invocation.env, {});
    assert.deepEqual(invocation.warnings, []);
  });

  it("zstd: the compression level the component sends makes the provider pass zstd to BuildKit (export.go:519-521)", async () => {
    const inputs = await recordedImageInputs({ context, compression: "zstd" });
    const argv = providerBuildInvocation(inputs, { metadataFile: METADATA }).argv;
    // Without compressionLevel the provider drops the compression and the image is pushed gzip (issue 9).
    assert.deepEqual(flagValues(argv, "--output"), [
      "type=image,push=true,store=true,oci-mediatypes=true,compression=zstd,compression-level=3,force-compression=true",
    ]);
    assert.match(
      flagValues(argv, "--cache-to")[0] ?? "",
      /,compression=zstd,compression-level=3,force-compression=true/,
    );
  });

  it("two platforms: one build per platform, each with one --platform, its own cache and no multi-platform cache warning", async () => {
    const all = await recordedAllImageInputs({ context, platforms: ["linux/amd64", "linux/arm64"] });
    const invocations = all.map((inputs) => providerBuildInvocation(inputs, { metadataFile: METADATA }));
    assert.deepEqual(
      invocations.map((invocation) => flagValues(invocation.argv, "--platform")),
      [["linux/amd64"], ["linux/arm64"]],
    );
    assert.deepEqual(
      invocations.map((invocation) => flagValues(invocation.argv, "--cache-from")),
      [
        [`type=registry,ref=${repositoryUrl}:buildcache-amd64`],
        [`type=registry,ref=${repositoryUrl}:buildcache-arm64`],
      ],
    );
    assert.deepEqual(
      invocations.map((invocation) => invocation.warnings),
      [[], []],
    );
  });

  it("target, build args, secrets (by environment variable), builder and network", async () => {
    const inputs = await recordedImageInputs({
      context: twoStage,
      target: "builder",
      buildArgs: { NODE_VERSION: "22" },
      secrets: { npmrc: "//registry.npmjs.org/:_authToken=t0ken" },
      builderName: "ci",
      network: "none",
    });
    const invocation = providerBuildInvocation(inputs, { metadataFile: METADATA });
    assert.deepEqual(flagValues(invocation.argv, "--build-arg"), ["NODE_VERSION=22"]);
    assert.deepEqual(flagValues(invocation.argv, "--target"), ["builder"]);
    assert.deepEqual(flagValues(invocation.argv, "--builder"), ["ci"]);
    assert.deepEqual(flagValues(invocation.argv, "--network"), ["none"]);
    assert.deepEqual(flagValues(invocation.argv, "--secret"), ["id=npmrc,env=PULUMI_DOCKER_SECRET_0"]);
    assert.deepEqual(invocation.env, { PULUMI_DOCKER_SECRET_0: "//registry.npmjs.org/:_authToken=t0ken" });
    assert.ok(!invocation.argv.join(" ").includes("t0ken"), "a secret value is on the command line");
  });

  it("for the local registry: the ECR URL rewritten and registry.insecure=true on registry exports and caches", async () => {
    const inputs = await recordedImageInputs({ context });
    const invocation = providerBuildInvocation(inputs, {
      metadataFile: METADATA,
      rewriteRepository: { from: repositoryUrl, to: "127.0.0.1:5000/proof-x" },
      insecureRegistry: true,
    });
    assert.deepEqual(flagValues(invocation.argv, "--tag"), ["127.0.0.1:5000/proof-x:ctx-0123456789abcdef"]);
    assert.deepEqual(flagValues(invocation.argv, "--cache-from"), [
      "type=registry,ref=127.0.0.1:5000/proof-x:buildcache,registry.insecure=true",
    ]);
    assert.deepEqual(flagValues(invocation.argv, "--output"), [
      "type=image,push=true,store=true,oci-mediatypes=false,compression=gzip,compression-level=6,force-compression=true,registry.insecure=true",
    ]);
    assert.ok(!invocation.argv.join(" ").includes(REGISTRY), "an ECR URL is left in the argv");
  });

  const table: Array<{ name: string; inputs: RecordedImageInputs; flag: string; expected: string[] }> = [
    {
      name: "compression with a level: type, level, force",
      inputs: {
        exports: [{ registry: { compression: "zstd", compressionLevel: 3, forceCompression: true } }],
      },
      flag: "--output",
      expected: [
        "type=image,push=true,store=true,oci-mediatypes=false,compression=zstd,compression-level=3,force-compression=true",
      ],
    },
    {
      name: "a level above 22 is capped (export.go:527-530)",
      inputs: { exports: [{ registry: { compression: "zstd", compressionLevel: 40 } }] },
      flag: "--output",
      expected: [
        "type=image,push=true,store=true,oci-mediatypes=false,compression=zstd,compression-level=22,force-compression=false",
      ],
    },
    {
      name: "push: true appends type=registry (image.go:436)",
      inputs: { push: true },
      flag: "--output",
      expected: ["type=image,push=true"],
    },
    {
      name: "a disabled export is skipped (image.go:579-581)",
      inputs: { exports: [{ registry: {}, disabled: true }] },
      flag: "--output",
      expected: [],
    },
    {
      name: "raw export passes through, registry becomes image with push=true",
      inputs: { exports: [{ raw: "type=registry,name=x/y:1" }] },
      flag: "--output",
      expected: ["type=image,name=x/y:1,push=true"],
    },
    {
      name: "cacheTo registry defaults: mode min, oci media types, no image manifest (cache.go:133-134, 339, 359)",
      inputs: { cacheTo: [{ registry: { ref: "r/c:1" } }] },
      flag: "--cache-to",
      expected: [
        "type=registry,ref=r/c:1,mode=min,ignore-error=false,oci-mediatypes=true,image-manifest=false",
      ],
    },
    {
      name: "network unset is passed as default (network.go:51-56)",
      inputs: {},
      flag: "--network",
      expected: ["default"],
    },
  ];
  for (const row of table) {
    it(row.name, () => {
      const invocation = providerBuildInvocation(
        { context: { location: "/ctx" }, ...row.inputs },
        { metadataFile: METADATA },
      );
      assert.deepEqual(flagValues(invocation.argv, row.flag), row.expected);
    });
  }

  it("a preview build does not push (export.go:237-239)", () => {
    const invocation = providerBuildInvocation(
      { context: { location: "/ctx" }, exports: [{ registry: {} }] },
      { metadataFile: METADATA, preview: true },
    );
    assert.deepEqual(flagValues(invocation.argv, "--output"), [
      "type=image,push=false,store=true,oci-mediatypes=false",
    ]);
  });

  it("refuses inputs it does not model instead of dropping them", () => {
    assert.throws(
      () =>
        providerBuildInvocation(
          { context: { location: "/c" }, ssh: [{ id: "default" }] },
          { metadataFile: METADATA },
        ),
      { message: 'Image input "ssh" is not modelled by provider-invocation.ts' },
    );
    assert.throws(
      () =>
        providerBuildInvocation(
          { context: { location: "/c" }, exports: [{ s3: {} }] },
          { metadataFile: METADATA },
        ),
      { message: "exports[0].s3 is not modelled by provider-invocation.ts" },
    );
  });

  it("withProviderDefaults keeps what the user gave", () => {
    assert.deepEqual(
      withProviderDefaults({ exports: [{ registry: { push: false, compression: "zstd" } }] }),
      {
        exports: [
          {
            registry: {
              push: false,
              store: true,
              ociMediaTypes: false,
              compression: "zstd",
              compressionLevel: 0,
              forceCompression: false,
            },
          },
        ],
      },
    );
  });

  it("digestFromMetadata reads containerimage.digest and rejects metadata without one", () => {
    const digest = "sha256:" + "0f".repeat(32);
    assert.equal(
      digestFromMetadata(JSON.stringify({ "containerimage.digest": digest, "image.name": "x" })),
      digest,
    );
    assert.throws(() => digestFromMetadata("{}"), {
      message: "no containerimage.digest in the build metadata: {}",
    });
  });
});

describe("buildSteps (which steps BuildKit re-ran, from --progress=plain)", () => {
  it("lists RUN/COPY/WORKDIR steps once each; CACHED, or only loaded from the registry cache, counts as cached", () => {
    const digest = (n: string) => `sha256:${n.repeat(64)}`;
    const log = [
      "#5 [deps 1/4] FROM 127.0.0.1:5000/b/node:22-slim@sha256:00",
      "#6 [deps 2/4] WORKDIR /app",
      "#6 CACHED",
      "#7 [deps 3/4] COPY package.json package-lock.json ./",
      "#7 CACHED",
      // BuildKit 0.13 on a fresh engine: the step's layers come from the registry cache, nothing runs and
      // no CACHED line is printed (seen in test/integration/provider-equivalence.test.ts's fresh engine).
      "#8 [deps 4/4] RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund",
      `#8 ${digest("b")} 10.21MB / 10.21MB 0.1s done`,
      `#8 extracting ${digest("b")} 0.3s done`,
      "#8 DONE 4.3s",
      "#9 [build 1/2] COPY src ./src",
      "#9 DONE 0.1s",
      "#10 [build 2/2] RUN ./node_modules/.bin/esbuild src/server.ts",
      "#10 0.412 done",
      "#10 DONE 0.6s",
    ].join("\n");
    assert.deepEqual(buildSteps(log), [
      { name: "[deps 2/4] WORKDIR /app", cached: true },
      { name: "[deps 3/4] COPY package.json package-lock.json ./", cached: true },
      {
        name: "[deps 4/4] RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund",
        cached: true,
      },
      { name: "[build 1/2] COPY src ./src", cached: false },
      { name: "[build 2/2] RUN ./node_modules/.bin/esbuild src/server.ts", cached: false },
    ]);
  });
});
