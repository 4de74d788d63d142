/**
 * Issue 9 item 3: the builds the component SENDS, run for real the way pulumi-docker-build runs them.
 *
 * BuildKitImage is constructed under mocks (test/helpers/pulumi-mocks.ts) for app/; the docker-build Image
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
 * form); a fresh engine gets every step before the changed COPY from the registry cache; a two-platform
 * build is one Image per platform (each with its own cache) and an Index run as the provider runs it
 * (`docker buildx imagetools create`), the index lists both pushed digests, and its arm64 image runs
 * under emulation and answers /healthz.
 *
 * Needs the engine, the registry, arm64 emulation and the test bases (bash scripts/test-infra.sh up);
 * without them the suite is skipped with the reason, or fails with CI=true.
 */
import assert from "node:assert/strict";
import { readlinkSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DIGEST, INDEX_DIGEST } from "../helpers/pulumi-mocks";
import { benchVariant, prepareContext, setAppVersion } from "../../tools/lib/bench-variants";
import { runCommand } from "../../tools/lib/process";
import { LOCAL_REGISTRY } from "../../tools/lib/registry";
import { waitForJson } from "../../tools/lib/docker";
import {
  appArgs,
  buildSteps,
  DOCKER,
  ECR_REPOSITORY_URL,
  COMPONENT_BUILD_BASES,
  pushBasesToRegistry,
  recordComponentBuild,
  removeCreatedImages,
  repositoryFor,
  removeAfterRun,
  RUN_ID,
  runComponentBuild,
  runProviderBuild,
  WORK,
  type ComponentBuild,
  type ProviderBuildRun,
} from "../helpers/component-build";
import { requireInfrastructure } from "./lib/infrastructure";
import {
  privateEngineDir,
  privateEngineUnavailable,
  startPrivateEngine,
} from "../../tools/lib/private-engine";
import {
  BUILDKIT_CACHE_CONFIG,
  DOCKER_LIST,
  getJsonBlob,
  getManifest,
  OCI_INDEX,
  OCI_MANIFEST,
  platformManifests,
} from "../helpers/registry-manifests";

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

  await assertCacheInEcrForm(run.repository, "buildcache");
}

/** The registry cache under `tag` is one OCI image manifest with a BuildKit cache config (ECR's form). */
async function assertCacheInEcrForm(repository: string, tag: string): Promise<void> {
  const cache = await getManifest(repository, tag);
  assert.equal(cache.mediaType, OCI_MANIFEST, `the cache ${tag} is not a single OCI image manifest`);
  assert.equal(cache.contentType, OCI_MANIFEST);
  assert.equal(cache.manifests, undefined, `the cache ${tag} is an index (ECR rejects it)`);
  assert.equal(cache.config?.mediaType, BUILDKIT_CACHE_CONFIG);
  assert.ok((cache.layers?.length ?? 0) > 0, `the cache manifest ${tag} lists no layers`);
}

/** The values of every `flag <value>` pair in an argv. */
function flagValues(argv: string[], flag: string): string[] {
  return argv.flatMap((arg, index) => (arg === flag ? [argv[index + 1] ?? ""] : []));
}

function layerMediaTypes(manifest: { layers?: Array<{ mediaType: string }> }): string[] {
  return [...new Set((manifest.layers ?? []).map((layer) => layer.mediaType))].sort();
}

describe("builds the component sends, run as pulumi-docker-build runs them (integration)", function () {
  let context: string;

  before(async function () {
    await requireInfrastructure(this, {
      platforms: ["linux/amd64", "linux/arm64"],
      bases: COMPONENT_BUILD_BASES,
    });
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

  it("gzip after zstd on one engine: every layer of the image and of the cache is still tar+gzip", async function () {
    // A runner that builds several stacks (or changed `compression`) holds the layers as zstd first. A
    // gzip export without force-compression reuses those zstd blobs: on main at 65cb82f the pushed
    // "gzip" image had tar+zstd layers and the cache listed them too (components/buildkit/compression.ts).
    const own = prepareContext(benchVariant("optimized"), join(WORK, "context-gzip-after-zstd"));
    setAppVersion(own, `gzip-after-zstd-${RUN_ID}`);
    const zstd = await recordComponentBuild(appArgs(own, { compression: "zstd" }));
    await runProviderBuild(zstd.inputs, repositoryFor("first-zstd"));
    const build = await recordComponentBuild(appArgs(own, { compression: "gzip" }));
    const run = await runProviderBuild(build.inputs, repositoryFor("then-gzip"));
    await assertPushedAsProviderWould(build, run);
    const gzipTypes = [
      "application/vnd.docker.image.rootfs.diff.tar.gzip",
      "application/vnd.oci.image.layer.v1.tar+gzip",
    ];
    const image = await getManifest(run.repository, build.contentTag);
    const cache = await getManifest(run.repository, "buildcache");
    for (const [what, manifest] of [
      ["image", image],
      ["cache", cache],
    ] as const) {
      const other = layerMediaTypes(manifest).filter((type) => !gzipTypes.includes(type));
      assert.deepEqual(other, [], `the ${what} has layers that are not gzip: ${other.join(", ")}`);
    }
    // The cache holds the image's own blobs (one variant per layer), so the repository stores them once.
    const imageBlobs = new Set((image.layers ?? []).map((layer) => layer.digest));
    const cacheBlobs = (cache.layers ?? []).map((layer) => layer.digest);
    assert.ok(
      [...imageBlobs].every((digest) => cacheBlobs.includes(digest)),
      "a layer of the image is not in the cache as the same blob",
    );
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

    const engine = await startPrivateEngine(privateEngineDir(`proof-engine-${RUN_ID}`));
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
      await engine.remove();
    }
  });

  it("amd64+arm64: one Image per platform (own --platform and cache, no multi-platform warning) joined by an Index; the arm64 image, pulled through the index, answers /healthz under emulation", async function () {
    const platforms = ["linux/amd64", "linux/arm64"] as const;
    const arches = ["amd64", "arm64"] as const;
    const build = await recordComponentBuild(appArgs(context, { platforms: [...platforms] }));
    // What the component sends: two Images and one Index over their refs (components/image.ts).
    assert.deepEqual(
      build.images.map((image) => image.name),
      arches.map((arch) => `web-${arch}`),
    );
    assert.deepEqual(
      build.indexes.map((index) => index.name),
      ["web"],
    );
    const [index] = build.indexes;
    assert.ok(index);
    assert.equal(index.inputs.tag, `${ECR_REPOSITORY_URL}:${build.contentTag}`);
    assert.equal(index.inputs.push, true);
    // Under mocks the sources are the Images' `ref` (`<first tag>@<digest>`), and imageUri pins the index.
    assert.deepEqual(
      index.inputs.sources,
      arches.map((arch) => `${ECR_REPOSITORY_URL}:${build.contentTag}-${arch}@${DIGEST}`),
    );
    assert.equal(build.mockImageUri, `${ECR_REPOSITORY_URL}@${INDEX_DIGEST}`);

    const run = await runComponentBuild(build, repositoryFor("multi"));
    const local = `${LOCAL_REGISTRY}/${run.repository}`;
    for (const [position, arch] of arches.entries()) {
      const image = run.images[position];
      assert.ok(image);
      // One platform and its own cache per build: the provider has nothing to warn about (image.go:518-522).
      assert.deepEqual(flagValues(image.argv, "--platform"), [platforms[position]]);
      assert.deepEqual(flagValues(image.argv, "--tag"), [`${local}:${build.contentTag}-${arch}`]);
      const cacheRefs = [
        ...flagValues(image.argv, "--cache-from"),
        ...flagValues(image.argv, "--cache-to"),
      ].map((entry) => /(?:^|,)ref=([^,]+)/.exec(entry)?.[1]);
      assert.deepEqual(cacheRefs, [`${local}:buildcache-${arch}`, `${local}:buildcache-${arch}`]);
      assert.deepEqual(image.warnings, []);
      // The per-platform tag is one image manifest at the build's containerimage.digest.
      const tagged = await getManifest(run.repository, `${build.contentTag}-${arch}`);
      assert.equal(tagged.digest, image.digest, `${arch}: the tag does not resolve to containerimage.digest`);
      assert.equal(tagged.manifests, undefined, `${arch}: the per-platform tag is an index`);
      await assertCacheInEcrForm(run.repository, `buildcache-${arch}`);
    }

    // The Index: `imagetools create` over the two pushed refs; the content tag lists exactly both.
    const [created] = run.indexes;
    assert.ok(created);
    assert.deepEqual(
      created.sources,
      run.images.map(
        (image) => `${local}:${build.contentTag}-${image.name.replace("web-", "")}@${image.digest}`,
      ),
    );
    const pushedIndex = await getManifest(run.repository, build.contentTag);
    assert.equal(pushedIndex.digest, run.digest);
    // gzip (the default) sends ociMediaTypes: false, so the sources are Docker manifests and the index a list.
    assert.ok(
      pushedIndex.mediaType === OCI_INDEX || pushedIndex.mediaType === DOCKER_LIST,
      `the content tag is not an image index: ${pushedIndex.mediaType}`,
    );
    assert.deepEqual(
      (pushedIndex.manifests ?? []).map((entry) => [
        `${entry.platform?.os}/${entry.platform?.architecture}`,
        entry.digest,
      ]),
      run.images.map((image, position) => [platforms[position], image.digest]),
    );
    const perPlatform = await platformManifests(run.repository, build.contentTag);
    const arm64 = perPlatform.get("linux/arm64");
    assert.ok(arm64?.config);
    const config = (await getJsonBlob(run.repository, arm64.config.digest)) as { architecture: string };
    assert.equal(config.architecture, "arm64");

    // imageUri for real: <repository>@<index digest>; the engine picks the arm64 image from the index.
    const reference = `${local}@${run.digest}`;
    removeAfterRun(reference);
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
