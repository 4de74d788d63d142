/**
 * Issue 9 item 3: the builds the component SENDS, run for real the way pulumi-docker-build runs them.
 *
 * BuildKitImage is constructed under mocks (test/components/harness.ts) for app/; the docker-build Image
 * inputs it registers become the `docker buildx build` argv the provider makes from them
 * (./lib/provider-invocation.ts, which cites the provider's code), and that argv runs against the
 * engine and the local registry. Two changes, both for the test registry and nothing else: the ECR
 * repository URL in the inputs is replaced by 127.0.0.1:5000/proof-<run>-<case>, and
 * `registry.insecure=true` is added to the registry export and the registry caches (plain HTTP on
 * loopback). The bases come from the registry too (proof-<run>-bases/…), so a fresh engine can pull them.
 *
 * Asserted: the content tag is pushed and resolves to the digest buildx reports as
 * `containerimage.digest` (what the provider stores as `digest`, which `imageUri` pins); layer media
 * types (tar+gzip / tar+zstd); the cache is one OCI image manifest with a BuildKit cache config (ECR's
 * form); a fresh engine gets every step before the changed COPY from the registry cache; the arm64
 * image of a two-platform build runs under emulation and answers /healthz.
 *
 * Needs the engine, the registry, arm64 emulation and the test bases (bash scripts/test-infra.sh up);
 * without them the suite is skipped with the reason, or fails with CI=true.
 */
import assert from "node:assert/strict";
import { readlinkSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DIGEST } from "../components/harness";
import { benchVariant, prepareContext, setAppVersion } from "../../tools/lib/bench-variants";
import { runCommand } from "../../tools/lib/process";
import { LOCAL_REGISTRY } from "../../tools/lib/registry";
import { waitForJson } from "../../tools/lib/docker";
import {
  appArgs,
  buildSteps,
  DOCKER,
  ECR_REPOSITORY_URL,
  missingInfrastructure,
  pushBasesToRegistry,
  recordComponentBuild,
  removeCreatedImages,
  repositoryFor,
  RUN_ID,
  runProviderBuild,
  WORK,
  type ComponentBuild,
  type ProviderBuildRun,
} from "./lib/component-build";
import { CACHE_ROOT, privateEngineUnavailable, startPrivateEngine } from "./lib/private-engine";
import {
  BUILDKIT_CACHE_CONFIG,
  DOCKER_LIST,
  getJsonBlob,
  getManifest,
  OCI_INDEX,
  OCI_MANIFEST,
  platformManifests,
} from "./lib/registry-manifests";

const PORT = 18900 + Math.floor(Math.random() * 90);

/** Registry checks shared by every case: tag → digest → imageUri, and the cache in ECR's form. */
async function assertPushedAsProviderWould(build: ComponentBuild, run: ProviderBuildRun): Promise<void> {
  // Under mocks imageUri is `<repositoryUrl>@<Image.digest>` (the mock returns DIGEST as the digest).
  assert.equal(build.mockImageUri, `${ECR_REPOSITORY_URL}@${DIGEST}`);
  // For real, the provider's digest is containerimage.digest (image.go:762): the tag must resolve to it.
  const tagged = await getManifest(run.repository, build.contentTag);
  assert.equal(tagged.digest, run.digest, "the content tag does not resolve to containerimage.digest");
  const pinned = await getManifest(run.repository, run.digest);
  assert.equal(
    pinned.digest,
    run.digest,
    `${LOCAL_REGISTRY}/${run.repository}@${run.digest} does not resolve`,
  );

  const cache = await getManifest(run.repository, "buildcache");
  assert.equal(cache.mediaType, OCI_MANIFEST, "the cache is not a single OCI image manifest");
  assert.equal(cache.contentType, OCI_MANIFEST);
  assert.equal(cache.manifests, undefined, "the cache is an index (ECR rejects it)");
  assert.equal(cache.config?.mediaType, BUILDKIT_CACHE_CONFIG);
  assert.ok((cache.layers?.length ?? 0) > 0, "the cache manifest lists no layers");
}

function layerMediaTypes(manifest: { layers?: Array<{ mediaType: string }> }): string[] {
  return [...new Set((manifest.layers ?? []).map((layer) => layer.mediaType))].sort();
}

describe("builds the component sends, run as pulumi-docker-build runs them (integration)", function () {
  let context: string;

  before(async function () {
    const missing = await missingInfrastructure(["linux/amd64", "linux/arm64"]);
    if (missing) {
      const hint = "start it with: bash scripts/test-infra.sh up";
      if (process.env.CI === "true") throw new Error(`CI=true but ${missing}; ${hint}`);
      console.log(`      skipped: ${missing} (${hint})`);
      this.skip();
    }
    context = prepareContext(benchVariant("optimized"), join(WORK, "context"));
    await pushBasesToRegistry();
  });

  after(async function () {
    await removeCreatedImages();
    rmSync(WORK, { recursive: true, force: true });
  });

  it("gzip: content tag pushed at containerimage.digest, tar+gzip layers, cache in ECR's form", async function () {
    const build = await recordComponentBuild(appArgs(context, { compression: "gzip" }));
    const run = await runProviderBuild(build.inputs, repositoryFor("gzip"));
    await assertPushedAsProviderWould(build, run);
    const image = await getManifest(run.repository, build.contentTag);
    assert.deepEqual(
      layerMediaTypes(image).map((type) =>
        type.replace("application/vnd.docker.image.rootfs.diff.tar.gzip", "gzip"),
      ),
      ["gzip"],
      `layers: ${layerMediaTypes(image).join(", ")}`,
    );
  });

  it("zstd: every layer tar+zstd (base layers too), OCI manifest, cache in ECR's form", async function () {
    const build = await recordComponentBuild(appArgs(context, { compression: "zstd" }));
    const run = await runProviderBuild(build.inputs, repositoryFor("zstd"));
    await assertPushedAsProviderWould(build, run);
    const image = await getManifest(run.repository, build.contentTag);
    assert.equal(image.mediaType, OCI_MANIFEST);
    assert.deepEqual(layerMediaTypes(image), ["application/vnd.oci.image.layer.v1.tar+zstd"]);
  });

  it("a fresh engine gets every step before the changed COPY from the registry cache", async function () {
    const unavailable = privateEngineUnavailable();
    if (unavailable !== undefined) {
      if (process.env.CI === "true") throw new Error(unavailable);
      console.log(`      skipped: ${unavailable}`);
      this.skip();
    }
    const repository = repositoryFor("fresh");
    const first = await recordComponentBuild(appArgs(context));
    await runProviderBuild(first.inputs, repository); // writes <repository>:buildcache
    setAppVersion(context, `fresh-${RUN_ID}`); // a code-only change: COPY src ./src changes
    const second = await recordComponentBuild(appArgs(context));
    assert.notEqual(second.contentTag, first.contentTag, "the code change did not change the content tag");

    const engine = await startPrivateEngine(join(CACHE_ROOT, `proof-engine-${RUN_ID}`));
    try {
      const { stdout: images } = await runCommand(DOCKER, ["image", "ls", "-q"], { env: engine.env });
      assert.equal(images.trim(), "", "the private engine is not fresh");
      const run = await runProviderBuild(second.inputs, repository, engine.env);
      const steps = buildSteps(run.log);
      const ran = steps.filter((step) => !step.cached).map((step) => step.name.replace(/\s+/g, " "));
      const cached = steps.filter((step) => step.cached).map((step) => step.name.replace(/\s+/g, " "));
      console.log(`      fresh engine, ${run.seconds.toFixed(1)} s: CACHED ${cached.join(" | ")}`);
      console.log(`      fresh engine: ran ${ran.join(" | ")}`);
      // app/Dockerfile: deps (WORKDIR, COPY package*.json, RUN npm ci) come before `COPY src ./src`.
      assert.deepEqual(
        cached.filter((name) => name.startsWith("[deps")).length,
        3,
        `cached: ${cached.join(" | ")}\nran: ${ran.join(" | ")}`,
      );
      assert.ok(
        ran.some((name) => /^\[build \d+\/\d+\] COPY src \.\/src$/.test(name)),
        `the changed COPY did not run: ran ${ran.join(" | ")}`,
      );
      assert.ok(
        ran.every((name) => !name.startsWith("[deps")),
        `a step before the changed COPY re-ran: ${ran.join(" | ")}`,
      );
      const tagged = await getManifest(repository, second.contentTag);
      assert.equal(tagged.digest, run.digest);
    } finally {
      await engine.stop();
    }
  });

  it("amd64+arm64 in one Image: an index of both; the arm64 image runs under emulation and answers /healthz", async function () {
    const build = await recordComponentBuild(appArgs(context, { platforms: ["linux/amd64", "linux/arm64"] }));
    const run = await runProviderBuild(build.inputs, repositoryFor("multi"));
    // The provider logs this for the single-Image form (image.go:518-522); the builds helper's Index form avoids it.
    assert.deepEqual(run.warnings, ["Caching doesn't work reliably with multi-platform builds"]);
    await assertPushedAsProviderWould(build, run);
    const index = await getManifest(run.repository, build.contentTag);
    // gzip (the default) sends ociMediaTypes: false, so BuildKit writes a Docker manifest list.
    assert.ok(
      index.mediaType === OCI_INDEX || index.mediaType === DOCKER_LIST,
      `the content tag is not an image index: ${index.mediaType}`,
    );
    const perPlatform = await platformManifests(run.repository, build.contentTag);
    assert.deepEqual([...perPlatform.keys()].sort(), ["linux/amd64", "linux/arm64"]);
    const arm64 = perPlatform.get("linux/arm64");
    assert.ok(arm64?.config);
    const config = (await getJsonBlob(run.repository, arm64.config.digest)) as { architecture: string };
    assert.equal(config.architecture, "arm64");

    const reference = `${LOCAL_REGISTRY}/${run.repository}@${run.digest}`;
    const { stdout } = await runCommand(DOCKER, [
      "run",
      "-d",
      "--network=host",
      "--platform",
      "linux/arm64",
      "-e",
      "HOST=127.0.0.1",
      "-e",
      `PORT=${PORT}`,
      reference,
    ]);
    const container = stdout.trim();
    try {
      const health = (await waitForJson(`http://127.0.0.1:${PORT}/healthz`, 90_000)) as { status?: string };
      assert.equal(health.status, "ok");
      const { stdout: pid } = await runCommand(DOCKER, ["inspect", "-f", "{{.State.Pid}}", container]);
      // binfmt_misc runs an arm64 binary through the registered interpreter: the process IS qemu.
      const exe = readlinkSync(`/proc/${pid.trim()}/exe`);
      assert.match(exe, /qemu-aarch64/, `the container's process is ${exe}, not an emulated arm64 one`);
    } finally {
      await runCommand(DOCKER, ["rm", "-f", container]).catch(() => undefined);
    }
  });
});
