/**
 * Issue 23 item 4: no cross-talk on a shared engine. Two pipelines' size estimates
 * (components/size/local-estimate.ts), one gzip on linux/amd64 and one zstd on linux/amd64 + linux/arm64,
 * both measuring their registry cache too, run at the same time on ONE engine (started empty, so they
 * build everything at once), must measure exactly what each then measures alone on that engine, and so
 * must a sequence zstd, gzip, zstd (the order in which the gzip-after-zstd defect leaked zstd blobs into
 * a gzip push). The two builds share their base and one COPY layer, so the engine holds the same
 * layers in both compressions. Every layer must also have its uncompressed size (the estimate reads it
 * from a second export of the same build, matched by diff ID).
 *
 * Seen before the fix (local-estimate.ts: one estimate at a time per engine in a process): run at the
 * same time, the gzip estimate's last layer had no uncompressed size (its diff ID was not in the
 * second export: the concurrent builds made two snapshots of the shared COPY, and the two exports of
 * one estimate used different ones).
 *
 * Needs `bash scripts/test-infra.sh up` (engine binaries, arm64 emulation, the slim base in the registry).
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { estimateImageSize, type ImageSizeEstimateResult } from "../../components/size/local-estimate";
import type { LayerCompression } from "../../components/size/image-tar";
import { REPO_ROOT, TEST_BASE_IMAGES } from "../../tools/lib/bench-variants";
import { engineClient } from "../../tools/lib/engine";
import {
  privateEngineDir,
  privateEngineUnavailable,
  startPrivateEngine,
  type PrivateEngine,
} from "../../tools/lib/private-engine";
import { LOCAL_REGISTRY } from "../../tools/lib/registry";
import { requireInfrastructure } from "./lib/infrastructure";

const RUN = `p${process.pid}`;
const WORK = join(REPO_ROOT, ".work", "estimate-concurrency", RUN);
const FIXED_TIME = new Date("2026-01-01T00:00:00Z");

interface Pipeline {
  name: string;
  compression: LayerCompression;
  platforms: string[];
  context: string;
}

/** A context with a shared file (same layer in both pipelines) and one of its own; fixed mtimes. */
function makeContext(name: string): string {
  const context = join(WORK, name);
  mkdirSync(context, { recursive: true });
  const files: Record<string, string | Buffer> = {
    Dockerfile: [
      `FROM ${LOCAL_REGISTRY}/${TEST_BASE_IMAGES.slim}`,
      "COPY shared.bin /opt/shared.bin",
      "COPY own.txt /opt/own.txt",
      "",
    ].join("\n"),
    // ~256 KiB that compress differently with gzip and zstd (a repeating but not trivial pattern)
    "shared.bin": Buffer.from(Array.from({ length: 262_144 }, (_, i) => (i * 7919) % 251)),
    "own.txt": `${name}\n`,
  };
  for (const [file, content] of Object.entries(files)) {
    writeFileSync(join(context, file), content);
    utimesSync(join(context, file), FIXED_TIME, FIXED_TIME);
  }
  return context;
}

/** What an estimate measured: everything but the note's wording and the on-disk cache flag. */
function measured(result: ImageSizeEstimateResult) {
  return {
    sizeBytes: result.sizeBytes,
    uncompressedBytes: result.uncompressedBytes,
    storedBytes: result.storedBytes,
    platforms: result.platforms,
    cacheBlobs: [...(result.cacheBlobs ?? [])].sort((a, b) => a.digest.localeCompare(b.digest)),
  };
}

describe("size estimates of two pipelines on one engine: no cross-talk (integration)", function () {
  this.timeout(900_000);
  const pipelines: Pipeline[] = [];
  const together = new Map<string, ReturnType<typeof measured>>();
  const alone = new Map<string, ReturnType<typeof measured>>();
  let engine: PrivateEngine | undefined;

  before(async function () {
    await requireInfrastructure(this, { platforms: ["linux/arm64"] });
    const unavailable = privateEngineUnavailable();
    if (unavailable !== undefined) {
      if (process.env.CI === "true") throw new Error(unavailable);
      console.log(`      skipped: ${unavailable}`);
      this.skip();
    }
    pipelines.push(
      {
        name: "gzip-amd64",
        compression: "gzip",
        platforms: ["linux/amd64"],
        context: makeContext("gzip-amd64"),
      },
      {
        name: "zstd-multi",
        compression: "zstd",
        platforms: ["linux/amd64", "linux/arm64"],
        context: makeContext("zstd-multi"),
      },
    );
    engine = await startPrivateEngine(privateEngineDir(`estimate-concurrency-${RUN}`));
  });

  after(async () => {
    await engine?.remove();
    rmSync(WORK, { recursive: true, force: true });
  });

  const estimate = (pipeline: Pipeline) =>
    estimateImageSize({
      context: pipeline.context,
      platforms: pipeline.platforms,
      compression: pipeline.compression,
      cache: true,
      cacheDir: false,
      docker: { command: engineClient(), env: engine!.env },
    });

  it("both at the same time on an empty engine: complete measurements, in each pipeline's compression", async () => {
    const results = await Promise.all(pipelines.map((pipeline) => estimate(pipeline)));
    pipelines.forEach((pipeline, index) => {
      const result = results[index]!;
      assert.ok(result.sizeBytes !== undefined, result.note);
      assert.deepEqual(
        result.platforms?.map((platform) => platform.platform),
        pipeline.platforms,
      );
      for (const platform of result.platforms ?? [])
        for (const layer of platform.layers)
          assert.ok(
            layer.uncompressedBytes > 0,
            `${pipeline.name} ${platform.platform}: ${layer.createdBy} has no uncompressed size`,
          );
      // The cache's layers are in the pipeline's compression only (the config blob is not a layer).
      const layerTypes = new Set(
        (result.cacheBlobs ?? []).map((blob) => blob.mediaType).filter((type) => type.includes("layer")),
      );
      assert.deepEqual([...layerTypes], [`application/vnd.oci.image.layer.v1.tar+${pipeline.compression}`]);
      together.set(pipeline.name, measured(result));
    });
    const [gzip, zstd] = pipelines.map((pipeline) => together.get(pipeline.name));
    assert.notDeepEqual(
      gzip?.platforms?.[0]?.layers,
      zstd?.platforms?.[0]?.layers,
      "same blobs in both compressions",
    );
  });

  it("each alone afterwards on the same engine measures exactly what it measured together", async () => {
    assert.equal(together.size, 2, "the first test did not measure both pipelines");
    for (const pipeline of pipelines) {
      alone.set(pipeline.name, measured(await estimate(pipeline)));
      assert.deepEqual(alone.get(pipeline.name), together.get(pipeline.name), `${pipeline.name} differs`);
    }
  });

  it("one after the other (zstd, gzip, zstd): the same again", async () => {
    assert.equal(alone.size, 2, "the second test did not measure both pipelines");
    const [gzip, zstd] = pipelines as [Pipeline, Pipeline];
    for (const pipeline of [zstd, gzip, zstd])
      assert.deepEqual(
        measured(await estimate(pipeline)),
        alone.get(pipeline.name),
        `${pipeline.name} differs`,
      );
  });
});
