// The pure parts of tools/bench-storage.ts: which blobs a local export says a push stores, the lifecycle
// input, the blob store's bytes on disk and the table's error column. No engine, no registry.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OciLayout } from "../../components/size/image-tar";
import {
  cacheBlobsFromLayoutDir,
  errorPercent,
  imageBlobsFromLayout,
  lifecycleImagesOf,
  registryBlobBytes,
  renderStorageTable,
} from "../../tools/lib/storage-bench";

const digest = (hex: string) => `sha256:${hex.repeat(64).slice(0, 64)}`;

function layout(blobs: Array<[string, number]>, configBytes = 300): OciLayout {
  return {
    images: [
      {
        platform: "linux/amd64",
        manifestDigest: digest("m"),
        layers: [
          { digest: digest("a"), mediaType: "x", size: 1000, diffId: undefined },
          { digest: digest("b"), mediaType: "x", size: 20, diffId: undefined },
        ],
        config: {},
        configBytes,
      },
    ],
    blobSizes: new Map(blobs),
  };
}

describe("bench:storage helpers", () => {
  it("imageBlobsFromLayout: layers, then the config blob, then the manifest blob", () => {
    const blobs = imageBlobsFromLayout(
      layout([
        [digest("m"), 500],
        [digest("c"), 300],
        [digest("a"), 1000],
        [digest("b"), 20],
      ]),
    );
    assert.equal(blobs.manifestDigest, digest("m"));
    assert.deepEqual(blobs.layers, [
      { digest: digest("a"), bytes: 1000 },
      { digest: digest("b"), bytes: 20 },
    ]);
    assert.deepEqual(blobs.blobs.slice(2), [
      { digest: digest("c"), bytes: 300 },
      { digest: digest("m"), bytes: 500 },
    ]);
  });

  it("imageBlobsFromLayout: refuses a layout with a blob it cannot place (no guessing)", () => {
    assert.throws(
      () =>
        imageBlobsFromLayout(
          layout([
            [digest("m"), 500],
            [digest("c"), 300],
            [digest("d"), 7],
            [digest("a"), 1000],
            [digest("b"), 20],
          ]),
        ),
      /one config blob of 300 bytes and the manifest; other blobs: sha256:c{64} \(300 B\), sha256:d{64} \(7 B\)/,
    );
  });

  it("cacheBlobsFromLayoutDir: a layer listed twice is one blob; sizes checked against the descriptors", () => {
    const dir = mkdtempSync(join(tmpdir(), "storage-bench-"));
    try {
      const blob = (hex: string, bytes: number) => {
        mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
        writeFileSync(join(dir, "blobs", "sha256", digest(hex).slice(7)), Buffer.alloc(bytes));
        return { mediaType: "x", digest: digest(hex), size: bytes };
      };
      const layerA = blob("a", 40);
      const layerB = blob("b", 3);
      const config = blob("c", 9);
      const manifest = JSON.stringify({ config, layers: [layerA, layerB, layerA] });
      writeFileSync(join(dir, "blobs", "sha256", digest("e").slice(7)), manifest);
      const entry = { digest: digest("e"), size: Buffer.byteLength(manifest) };
      writeFileSync(join(dir, "index.json"), JSON.stringify({ manifests: [entry] }));
      const cache = cacheBlobsFromLayoutDir(dir);
      assert.deepEqual(
        cache.blobs.map((b) => b.bytes),
        [40, 3, 9, Buffer.byteLength(manifest)],
      );
      writeFileSync(join(dir, "blobs", "sha256", digest("b").slice(7)), Buffer.alloc(4));
      assert.throws(() => cacheBlobsFromLayoutDir(dir), /sha256:b{64} is 4 B in .*, its descriptor says 3 B/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("registryBlobBytes: every blobs/sha256/<2>/<hex>/data, nothing else", () => {
    const root = mkdtempSync(join(tmpdir(), "storage-bench-"));
    try {
      const blobs = join(root, "docker", "registry", "v2", "blobs", "sha256");
      for (const [hex, bytes] of [
        ["ab12", 100],
        ["ab34", 5],
        ["cd56", 1_000],
      ] as const) {
        mkdirSync(join(blobs, hex.slice(0, 2), hex), { recursive: true });
        writeFileSync(join(blobs, hex.slice(0, 2), hex, "data"), Buffer.alloc(bytes));
      }
      mkdirSync(join(blobs, "ef", "ef78"), { recursive: true }); // emptied by GC
      const uploads = join(root, "docker", "registry", "v2", "repositories", "r", "_uploads", "u");
      mkdirSync(uploads, { recursive: true });
      writeFileSync(join(uploads, "data"), Buffer.alloc(777));
      assert.deepEqual(registryBlobBytes(root), { blobs: 3, bytes: 1_105 });
      assert.deepEqual(registryBlobBytes(join(root, "nothing")), { blobs: 0, bytes: 0 });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("lifecycleImagesOf: tags as the registry reports them now; a superseded cache is untagged", () => {
    const pushedAt = new Date("2026-01-01T00:00:00Z");
    const images = lifecycleImagesOf(
      [
        { digest: "sha256:old-cache", pushedAt, sizeBytes: 1 },
        { digest: "sha256:build", pushedAt, sizeBytes: 2 },
        { digest: "sha256:cache", pushedAt, sizeBytes: 3 },
      ],
      new Map([
        ["buildcache", "sha256:cache"],
        ["ctx-2", "sha256:build"],
        ["ctx-1", "sha256:build"],
      ]),
    );
    assert.deepEqual(
      images.map((image) => [image.digest, image.tags]),
      [
        ["sha256:old-cache", []],
        ["sha256:build", ["ctx-1", "ctx-2"]],
        ["sha256:cache", ["buildcache"]],
      ],
    );
  });

  it("errorPercent and the table's closing line (max over the steps, one decimal)", () => {
    assert.equal(errorPercent(1_020, 1_000), 2);
    assert.equal(errorPercent(980, 1_000), 2);
    assert.equal(errorPercent(0, 0), 0);
    assert.equal(errorPercent(1, 0), Infinity);
    const row = {
      change: "code-only",
      keptBuilds: 1,
      keptCaches: 1,
      expired: 0,
      registryBlobs: 4,
      modelBlobs: 4,
    };
    const { table, summary, maxError } = renderStorageTable([
      { ...row, step: 1, registryBytes: 1_000, modelBytes: 1_000, formulaBytes: 1_000 },
      { ...row, step: 2, registryBytes: 2_000, modelBytes: 2_061, formulaBytes: 1_500 },
    ]);
    assert.equal(maxError, 3.05);
    assert.equal(summary, "storage model vs registry: max error 3.0% over 2 steps");
    assert.equal(
      table.split("\n")[3],
      "| 2 | code-only | 1 | 1 | 0 | 4 | 4 | 2,000 | 2,061 | 3.05% | 1,500 | 25.00% |",
    );
  });
});
