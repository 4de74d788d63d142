/**
 * Issue 10: the local estimate measures the registry cache the pipeline writes. The component's build of
 * app/ (BuildKitImage's docker-build Image, recorded under mocks and run as pulumi-docker-build runs it,
 * ./lib/component-build.ts) pushes its mode=max registry cache to 127.0.0.1:5000/storage-cache-<run>;
 * the estimate (components/size/local-estimate.ts, `cache: true`) exports the same build's cache with
 * `type=local`. The cache manifest in the registry must list exactly the blobs the local export lists:
 * the same digest set and the same byte total.
 *
 * Needs `bash scripts/test-infra.sh up`. Without it the suite is skipped with the reason, unless CI=true.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
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
} from "./lib/component-build";
import { requireInfrastructure } from "./lib/infrastructure";
import { BUILDKIT_CACHE_CONFIG, getManifest } from "./lib/registry-manifests";

const sum = (blobs: ReadonlyArray<{ size: number }>) => blobs.reduce((total, blob) => total + blob.size, 0);

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
      // A cache export without force-compression lists every compression variant of a layer the
      // engine's content store holds at that moment (gzip here: the estimate's own uncompressed export
      // adds `tar` variants). So the preview's estimate runs first, as in a deployment, then the push,
      // then the measurement compared, with nothing of ours in between that adds variants.
      await measure();
      const build = await recordComponentBuild(args);
      const repository = `storage-cache-${RUN_ID}-${compression}`;
      await runComponentBuild(build, repository);
      const cacheManifest = await getManifest(repository, "buildcache");
      assert.equal(cacheManifest.config?.mediaType, BUILDKIT_CACHE_CONFIG, "the cache is an image manifest");
      const pushed = new Map((cacheManifest.layers ?? []).map((layer) => [layer.digest, layer.size]));

      const estimate = await measure();
      assert.ok(estimate.cacheBlobs !== undefined, estimate.note);
      const measured = new Map(estimate.cacheBlobs.map((blob) => [blob.digest, blob.bytes]));
      const pushedBytes = sum([...pushed.values()].map((size) => ({ size })));
      const measuredBytes = sum([...measured.values()].map((size) => ({ size })));
      console.log(
        `      ${compression}: registry cache ${pushed.size} blobs, ${pushedBytes} B; ` +
          `local cache export ${measured.size} blobs, ${measuredBytes} B`,
      );
      assert.deepEqual([...measured.keys()].sort(), [...pushed.keys()].sort());
      assert.equal(measuredBytes, pushedBytes);
    });
  }
});
