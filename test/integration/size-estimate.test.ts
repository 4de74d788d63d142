/**
 * Issue 9 item 6: the preview-time estimate measures what will be pushed. For app/ on linux/amd64 and
 * linux/arm64, with gzip and with zstd: the component's builds (one Image per platform and the Index
 * joining them) are recorded under mocks and run as pulumi-docker-build runs them
 * (./lib/component-build.ts), pushing to the local registry; the estimate
 * (components/size/local-estimate.ts) measures the same inputs; each platform's manifest `layers[].size`
 * sum, and the distinct layers of both, must be within 1% of the estimate.
 *
 * Needs `bash scripts/test-infra.sh up` (engine with arm64 emulation, registry on 127.0.0.1:5000, the
 * test bases). Without them the suite is skipped with the reason, unless CI=true, where it fails.
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
  repositoryFor,
  runComponentBuild,
  WORK,
} from "../helpers/component-build";
import { requireInfrastructure } from "./lib/infrastructure";
import { platformManifests } from "../helpers/registry-manifests";

const TOLERANCE = 0.01;
const PLATFORMS = ["linux/amd64", "linux/arm64"];
const LAYER_MEDIA_TYPE = {
  gzip: /^application\/vnd\.(oci\.image\.layer\.v1\.tar\+gzip|docker\.image\.rootfs\.diff\.tar\.gzip)$/,
  zstd: /^application\/vnd\.oci\.image\.layer\.v1\.tar\+zstd$/,
} as const;

function percent(estimate: number, actual: number): string {
  return `${(((estimate - actual) / actual) * 100).toFixed(3)}%`;
}

describe("preview-time size estimate vs what the registry stores (integration)", function () {
  let context: string;

  before(async function () {
    await requireInfrastructure(this, { platforms: PLATFORMS, bases: COMPONENT_BUILD_BASES });
    context = prepareContext(benchVariant("optimized"), join(WORK, "size-context"));
    await pushBasesToRegistry();
  });

  after(async function () {
    await removeCreatedImages();
    rmSync(WORK, { recursive: true, force: true });
  });

  for (const compression of ["gzip", "zstd"] as const) {
    it(`app/ with ${compression} on ${PLATFORMS.join(" + ")}: each platform and the total within ${TOLERANCE * 100}%`, async function () {
      const args = appArgs(context, { compression, platforms: PLATFORMS as ["linux/amd64", "linux/arm64"] });
      const build = await recordComponentBuild(args);
      // One Image per platform joined by an Index (components/image.ts): run them all, then read the index.
      const run = await runComponentBuild(build, repositoryFor(`size-${compression}`));
      const pushed = await platformManifests(run.repository, build.contentTag);

      const estimate = await estimateImageSize({
        context,
        dockerfile: join(context, "Dockerfile"),
        buildArgs: args.buildArgs as Record<string, string>,
        platforms: PLATFORMS,
        compression,
        cacheDir: false,
      });
      assert.ok(estimate.sizeBytes !== undefined, estimate.note);
      assert.deepEqual(
        (estimate.platforms ?? []).map((platform) => platform.platform),
        PLATFORMS,
      );

      const distinct = new Map<string, number>();
      for (const platform of PLATFORMS) {
        const manifest = pushed.get(platform);
        assert.ok(manifest?.layers, `no ${platform} manifest pushed`);
        for (const layer of manifest.layers) {
          assert.match(layer.mediaType, LAYER_MEDIA_TYPE[compression], `${platform} layer ${layer.digest}`);
          distinct.set(layer.digest, layer.size);
        }
        const registryBytes = manifest.layers.reduce((total, layer) => total + layer.size, 0);
        const measured = estimate.platforms?.find((candidate) => candidate.platform === platform);
        assert.ok(measured);
        console.log(
          `      ${compression} ${platform}: estimate ${measured.sizeBytes} B, registry ${registryBytes} B ` +
            `(${manifest.layers.length} layers), error ${percent(measured.sizeBytes, registryBytes)}`,
        );
        assert.equal(measured.layers.length, manifest.layers.length, `${platform} layer count`);
        assert.ok(
          Math.abs(measured.sizeBytes - registryBytes) <= TOLERANCE * registryBytes,
          `${platform}: estimate ${measured.sizeBytes} B vs registry ${registryBytes} B (${percent(measured.sizeBytes, registryBytes)})`,
        );
      }
      const registryTotal = [...distinct.values()].reduce((total, size) => total + size, 0);
      const stored = estimate.storedBytes ?? 0;
      console.log(
        `      ${compression} total (distinct layers once): estimate ${stored} B, registry ${registryTotal} B ` +
          `(${distinct.size} layers), error ${percent(stored, registryTotal)}`,
      );
      assert.ok(
        Math.abs(stored - registryTotal) <= TOLERANCE * registryTotal,
        `total: estimate ${stored} B vs registry ${registryTotal} B`,
      );
      // sizeBytes is the image as ECR sizes an index: its largest platform manifest.
      assert.equal(
        estimate.sizeBytes,
        Math.max(...(estimate.platforms ?? []).map((platform) => platform.sizeBytes)),
      );
      // Every layer's digest is the pushed blob's.
      for (const platform of estimate.platforms ?? []) {
        assert.deepEqual(
          platform.layers.map((layer) => layer.digest),
          pushed.get(platform.platform)?.layers?.map((layer) => layer.digest),
          platform.platform,
        );
      }
    });
  }
});
