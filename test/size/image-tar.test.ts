import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import { measureOciLayout, measureSavedImage, readTarEntries } from "../../components/size/image-tar";
import { createHash } from "node:crypto";

/** One ustar entry: a 512-byte header (checksum computed as POSIX says) and the padded body. */
function tarEntry(name: string, body: Buffer, type = "0"): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, "utf8");
  header.write("0000644\0", 100, "latin1");
  header.write("0000000\0", 108, "latin1");
  header.write("0000000\0", 116, "latin1");
  header.write(body.length.toString(8).padStart(11, "0") + "\0", 124, "latin1");
  header.write("00000000000\0", 136, "latin1");
  header.write(type, 156, "latin1");
  header.write("ustar\0" + "00", 257, "latin1");
  header.fill(" ", 148, 156);
  const checksum = header.reduce((total, byte) => total + byte, 0);
  header.write(checksum.toString(8).padStart(6, "0") + "\0 ", 148, "latin1");
  const padding = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([header, body, padding]);
}

function paxEntry(path: string): Buffer {
  const record = (length: number): string => `${length} path=${path}\n`;
  let length = record(0).length;
  while (record(length).length !== length) length = record(length).length;
  return tarEntry("PaxHeader", Buffer.from(record(length)), "x");
}

function archive(...entries: Buffer[]): Buffer {
  return Buffer.concat([...entries, Buffer.alloc(1024)]);
}

/** Feeds a buffer in awkward chunk sizes, as a pipe would. */
async function* chunked(buffer: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < buffer.length; offset += size) yield buffer.subarray(offset, offset + size);
}

describe("readTarEntries", () => {
  it("reads names, sizes and bodies across chunk boundaries, with PAX long names", async () => {
    const longName = `${"d".repeat(120)}/layer.tar`;
    const tar = archive(
      tarEntry("a.txt", Buffer.from("hello")),
      tarEntry("dir/", Buffer.alloc(0), "5"),
      paxEntry(longName),
      tarEntry("ignored-short-name", Buffer.alloc(700, 7)),
    );
    const seen: Array<[string, string, number, string]> = [];
    for await (const entry of readTarEntries(chunked(tar, 97))) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry.body()) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      seen.push([
        entry.header.name,
        entry.header.type,
        entry.header.size,
        body.subarray(0, 5).toString("hex"),
      ]);
    }
    assert.deepEqual(seen, [
      ["a.txt", "0", 5, Buffer.from("hello").toString("hex")],
      ["dir/", "5", 0, ""],
      [longName, "0", 700, "0707070707"],
    ]);
  });

  it("skips bodies the caller does not read", async () => {
    const tar = archive(tarEntry("one", Buffer.alloc(1500, 1)), tarEntry("two", Buffer.from("x")));
    const names: string[] = [];
    for await (const entry of readTarEntries(chunked(tar, 512))) names.push(entry.header.name);
    assert.deepEqual(names, ["one", "two"]);
  });

  it("reads its source to the end after the end-of-archive marker (a child's stdout must end)", async () => {
    let sourceEnded = false;
    async function* source(): AsyncGenerator<Buffer> {
      yield archive(tarEntry("a.txt", Buffer.from("hello")));
      yield Buffer.alloc(8192); // record padding after the marker, in a later chunk
      sourceEnded = true;
    }
    const names: string[] = [];
    for await (const entry of readTarEntries(source())) names.push(entry.header.name);
    assert.deepEqual(names, ["a.txt"]);
    assert.equal(sourceEnded, true);
  });

  it("fails on a truncated archive", async () => {
    const tar = tarEntry("cut", Buffer.alloc(2000, 1)).subarray(0, 1200);
    await assert.rejects(async () => {
      for await (const entry of readTarEntries(chunked(tar, 300))) await entry.skip();
    }, /truncated/);
  });
});

describe("measureSavedImage", () => {
  it("returns layers in manifest order with gzip sizes equal to zlib's default level", async () => {
    const base = Buffer.from("base layer ".repeat(5000));
    const app = Buffer.from(Array.from({ length: 3000 }, (_, index) => `line ${index}\n`).join(""));
    const config = {
      rootfs: { diff_ids: ["sha256:base", "sha256:app", "sha256:base"] },
      history: [
        { created_by: "ADD rootfs" },
        { created_by: "ENV X=1", empty_layer: true },
        { created_by: "COPY app" },
      ],
    };
    const manifest = [
      { Config: "cfg.json", RepoTags: ["t:1"], Layers: ["b/layer.tar", "a/layer.tar", "b/layer.tar"] },
    ];
    const tar = archive(
      tarEntry("a/layer.tar", app),
      tarEntry("b/layer.tar", base),
      tarEntry("cfg.json", Buffer.from(JSON.stringify(config))),
      tarEntry("manifest.json", Buffer.from(JSON.stringify(manifest))),
    );
    const saved = await measureSavedImage(chunked(tar, 4096), { compression: "gzip" });
    const gz = (data: Buffer): number => zlib.gzipSync(data).length;
    assert.deepEqual(saved.layers, [
      { archivePath: "b/layer.tar", uncompressedBytes: base.length, compressedBytes: gz(base) },
      { archivePath: "a/layer.tar", uncompressedBytes: app.length, compressedBytes: gz(app) },
      { archivePath: "b/layer.tar", uncompressedBytes: base.length, compressedBytes: gz(base) },
    ]);
    assert.deepEqual(saved.config, config);
    assert.equal(saved.configBytes, JSON.stringify(config).length);
  });

  it("measures the OCI layout of the containerd image store: gzip and plain tar blobs, JSON blobs as files", async () => {
    // docker save on Docker 26 with the containerd store: manifest.json points at blobs/sha256/<digest>,
    // and the layers are the store's compressed blobs, which must be measured uncompressed.
    const appTar = archive(tarEntry("app/server.js", Buffer.from("console.log(1);\n".repeat(4000))));
    const baseTar = archive(tarEntry("etc/os-release", Buffer.from("ID=debian\n".repeat(300))));
    const config = { rootfs: { diff_ids: ["sha256:base", "sha256:app"] }, history: [] };
    const manifest = [
      { Config: "blobs/sha256/c0", RepoTags: ["t:1"], Layers: ["blobs/sha256/b1", "blobs/sha256/a1"] },
    ];
    const tar = archive(
      tarEntry("blobs/sha256/a1", zlib.gzipSync(appTar, { level: 9 })),
      tarEntry("blobs/sha256/b1", baseTar),
      tarEntry("blobs/sha256/c0", Buffer.from(JSON.stringify(config))),
      tarEntry("blobs/sha256/i0", Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [] }))),
      tarEntry("index.json", Buffer.from("{}")),
      tarEntry("manifest.json", Buffer.from(JSON.stringify(manifest))),
    );
    const saved = await measureSavedImage(chunked(tar, 333), { compression: "gzip" });
    const gz = (data: Buffer): number => zlib.gzipSync(data).length;
    assert.deepEqual(saved.layers, [
      { archivePath: "blobs/sha256/b1", uncompressedBytes: baseTar.length, compressedBytes: gz(baseTar) },
      { archivePath: "blobs/sha256/a1", uncompressedBytes: appTar.length, compressedBytes: gz(appTar) },
    ]);
    assert.deepEqual(saved.config, config);
  });

  it("names what is missing from a malformed archive", async () => {
    const noManifest = archive(tarEntry("x/layer.tar", Buffer.from("x")));
    await assert.rejects(
      measureSavedImage(chunked(noManifest, 512), { compression: "gzip" }),
      /no manifest\.json/,
    );
    const missingLayer = archive(
      tarEntry("cfg.json", Buffer.from("{}")),
      tarEntry(
        "manifest.json",
        Buffer.from(JSON.stringify([{ Config: "cfg.json", Layers: ["gone/layer.tar"] }])),
      ),
    );
    await assert.rejects(
      measureSavedImage(chunked(missingLayer, 512), { compression: "gzip" }),
      /no layer gone\/layer\.tar/,
    );
  });
});

describe("measureOciLayout", () => {
  const digestOf = (body: Buffer): string => `sha256:${createHash("sha256").update(body).digest("hex")}`;
  const blob = (body: Buffer): Buffer => tarEntry(`blobs/sha256/${digestOf(body).slice(7)}`, body);
  const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

  it("follows index.json through the image index to one manifest per platform, attestations left out", async () => {
    const shared = Buffer.alloc(3000, 1); // a layer both platforms share (one blob)
    const amd64Only = Buffer.alloc(700, 2);
    const arm64Only = Buffer.alloc(900, 3);
    const configFor = (architecture: string) =>
      json({
        os: "linux",
        architecture,
        rootfs: { diff_ids: ["sha256:" + "a".repeat(64), "sha256:" + "b".repeat(64)] },
        history: [
          { created_by: "FROM" },
          { created_by: "ENV x=1", empty_layer: true },
          { created_by: "COPY" },
        ],
      });
    const amd64Config = configFor("amd64");
    const arm64Config = configFor("arm64");
    const layer = (body: Buffer) => ({
      mediaType: "application/vnd.oci.image.layer.v1.tar+zstd",
      digest: digestOf(body),
      size: body.length,
    });
    const manifestFor = (config: Buffer, own: Buffer) =>
      json({
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: {
          mediaType: "application/vnd.oci.image.config.v1+json",
          digest: digestOf(config),
          size: config.length,
        },
        layers: [layer(shared), layer(own)],
      });
    const amd64Manifest = manifestFor(amd64Config, amd64Only);
    const arm64Manifest = manifestFor(arm64Config, arm64Only);
    const attestation = json({
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: layer(shared),
      layers: [],
    });
    const describe = (body: Buffer, platform: object) => ({
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: digestOf(body),
      size: body.length,
      platform,
    });
    const imageIndex = json({
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [
        describe(amd64Manifest, { os: "linux", architecture: "amd64" }),
        describe(arm64Manifest, { os: "linux", architecture: "arm64" }),
        describe(attestation, { os: "unknown", architecture: "unknown" }),
      ],
    });
    const indexJson = json({
      manifests: [
        {
          mediaType: "application/vnd.oci.image.index.v1+json",
          digest: digestOf(imageIndex),
          size: imageIndex.length,
        },
      ],
    });
    const layout = await measureOciLayout(
      chunked(
        archive(
          tarEntry("oci-layout", json({ imageLayoutVersion: "1.0.0" })),
          ...[
            shared,
            amd64Only,
            arm64Only,
            amd64Config,
            arm64Config,
            amd64Manifest,
            arm64Manifest,
            attestation,
            imageIndex,
          ].map(blob),
          tarEntry("index.json", indexJson),
        ),
        777,
      ),
    );
    assert.deepEqual(
      layout.images.map((image) => ({
        platform: image.platform,
        manifestDigest: image.manifestDigest,
        sizes: image.layers.map((entry) => entry.size),
        diffIds: image.layers.map((entry) => entry.diffId?.slice(0, 8)),
        configBytes: image.configBytes,
      })),
      [
        {
          platform: "linux/amd64",
          manifestDigest: digestOf(amd64Manifest),
          sizes: [3000, 700],
          diffIds: ["sha256:a", "sha256:b"],
          configBytes: amd64Config.length,
        },
        {
          platform: "linux/arm64",
          manifestDigest: digestOf(arm64Manifest),
          sizes: [3000, 900],
          diffIds: ["sha256:a", "sha256:b"],
          configBytes: arm64Config.length,
        },
      ],
    );
    assert.equal(layout.blobSizes.get(digestOf(shared)), 3000);
  });

  it("names what is missing", async () => {
    await assert.rejects(measureOciLayout(chunked(archive(tarEntry("oci-layout", json({}))), 512)), {
      message: "OCI layout has no index.json",
    });
    const missing = "sha256:" + "c".repeat(64);
    await assert.rejects(
      measureOciLayout(
        chunked(archive(tarEntry("index.json", json({ manifests: [{ digest: missing, size: 1 }] }))), 512),
      ),
      { message: `OCI layout has no blob ${missing}` },
    );
  });
});
