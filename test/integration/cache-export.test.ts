/**
 * Issue 10: the local estimate measures the registry cache the pipeline writes. The component's build of
 * app/ (BuildKitImage's docker-build Image, recorded under mocks and run as pulumi-docker-build runs it,
 * ./lib/component-build.ts) pushes its mode=max registry cache to 127.0.0.1:5000/storage-cache-<run>;
 * the estimate (components/size/local-estimate.ts, `cache: true`) exports the same build's cache with
 * `type=local`. Per layer the two must agree (see the assertions for what an engine guarantees).
 *
 * Needs `bash scripts/test-infra.sh up`. Without it the suite is skipped with the reason, unless CI=true.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { cacheManifestBlobs } from "../../components/size/image-tar";
import { estimateImageSize } from "../../components/size/local-estimate";
import { benchVariant, prepareContext } from "../../tools/lib/bench-variants";
import {
  appArgs,
  COMPONENT_BUILD_BASES,
  pushBasesToRegistry,
  recordComponentBuild,
  removeCreatedImages,
  RUN_ID,
  runComponentBuild,
  WORK,
} from "../helpers/component-build";
import { requireInfrastructure } from "./lib/infrastructure";
import { BUILDKIT_CACHE_CONFIG, getManifest } from "../helpers/registry-manifests";

const sum = (blobs: ReadonlyArray<{ size: number }>) => blobs.reduce((total, blob) => total + blob.size, 0);
const PUSHED_TYPE = { gzip: /\.tar\+gzip$/, zstd: /\.tar\+zstd$/ } as const;

/** Manifest layers each digest once (a cache manifest may list a blob several times). */
function distinctBy<T extends { digest: string }>(layers: readonly T[]): T[] {
  return [...new Map(layers.map((layer) => [layer.digest, layer])).values()];
}

describe("registry cache blobs: local cache export vs the component's registry cache (integration)", function () {
  let context: string;

  before(async function () {
    await requireInfrastructure(this, { platforms: ["linux/amd64"], bases: COMPONENT_BUILD_BASES });
    context = prepareContext(benchVariant("optimized"), join(WORK, "cache-context"));
    await pushBasesToRegistry();
  });

  after(async function () {
    await removeCreatedImages();
    rmSync(WORK, { recursive: true, force: true });
  });

  for (const compression of ["gzip", "zstd"] as const) {
    it(`app/ with ${compression}: the same cache blobs (digests and bytes)`, async function () {
      const args = appArgs(context, { compression, platforms: ["linux/amd64"] });
      const measure = () =>
        estimateImageSize({
          context,
          dockerfile: join(context, "Dockerfile"),
          buildArgs: args.buildArgs as Record<string, string>,
          platforms: ["linux/amd64"],
          compression,
          cache: true,
          cacheDir: false,
        });
      // The preview's estimate runs first, as in a deployment, then the push, then the measurement
      // compared. Both sides force the push's compression (components/buildkit/compression.ts), so neither lists
      // another variant the engine happens to hold (the estimate's own uncompressed export adds `tar`).
      await measure();
      const build = await recordComponentBuild(args);
      const repository = `storage-cache-${RUN_ID}-${compression}`;
      await runComponentBuild(build, repository);
      const cacheManifest = await getManifest(repository, "buildcache");
      assert.equal(cacheManifest.config?.mediaType, BUILDKIT_CACHE_CONFIG, "the cache is an image manifest");
      const pushed = cacheManifest.layers ?? [];
      const estimate = await measure();
      assert.ok(estimate.cacheBlobs !== undefined, estimate.note);
      console.log(`      ${estimate.note}`);
      const measured = estimate.cacheBlobs;

      const ofType = (blobs: ReadonlyArray<{ digest: string; mediaType: string }>) =>
        [
          ...new Set(
            blobs.filter((blob) => PUSHED_TYPE[compression].test(blob.mediaType)).map((blob) => blob.digest),
          ),
        ].sort();
      const pushedBytes = sum(distinctBy(pushed).map((layer) => ({ size: layer.size })));
      const measuredBytes = sum(measured.map((blob) => ({ size: blob.bytes })));
      const onlyPushed = distinctBy(pushed).filter(
        (layer) => !measured.some((blob) => blob.digest === layer.digest),
      );
      const onlyMeasured = measured.filter((blob) => !pushed.some((layer) => layer.digest === blob.digest));
      console.log(
        `      ${compression}: registry cache ${distinctBy(pushed).length} blobs, ${pushedBytes} B; ` +
          `local cache export ${measured.length} blobs, ${measuredBytes} B; ` +
          `only pushed: ${onlyPushed.map((layer) => `${layer.digest.slice(7, 19)} ${layer.mediaType} ${layer.size}`).join(", ") || "none"}; ` +
          `only measured: ${onlyMeasured.map((blob) => `${blob.digest.slice(7, 19)} ${blob.mediaType} ${blob.bytes}`).join(", ") || "none"}`,
      );
      // Forced compression (gzip and zstd alike): the registry cache holds every layer once, in the pushed
      // compression, and the estimate measured exactly those blobs, to the byte. Before gzip was forced
      // (65cb82f) a gzip push listed whatever variants this shared engine held (zstd, `tar`), and this
      // could only be compared per layer.
      const pushedBlobs = cacheManifestBlobs(cacheManifest);
      const otherTypes = pushedBlobs.filter((blob) => !PUSHED_TYPE[compression].test(blob.mediaType));
      assert.deepEqual(
        otherTypes.map((blob) => `${blob.digest} ${blob.mediaType}`),
        [],
        `the registry cache holds blobs that are not ${compression}`,
      );
      assert.equal(
        new Set(pushedBlobs.map((blob) => blob.uncompressed)).size,
        pushedBlobs.length,
        "a layer is in the registry cache twice",
      );
      assert.deepEqual(ofType(measured), ofType(pushed));
      assert.equal(measured.length, pushedBlobs.length);
      assert.equal(measuredBytes, pushedBytes);
    });
  }
});
