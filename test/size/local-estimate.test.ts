import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dockerEngineAvailable } from "../../components/size/docker-cli";
import {
  estimateImageSize,
  knownSizeFromEstimate,
  ociExportAttributes,
} from "../../components/size/local-estimate";

/** A Docker CLI that talks to a socket nobody listens on: the "no engine reachable" case. */
const deadEngine = { env: { ...process.env, DOCKER_HOST: "unix:///nonexistent/ecr-pipeline-test.sock" } };

describe("local size estimate without a Docker engine", () => {
  let workDir: string;
  beforeEach(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "estimate-"));
    fs.mkdirSync(path.join(workDir, "context"));
    fs.writeFileSync(path.join(workDir, "context", "Dockerfile"), "FROM scratch\nCOPY . /\n");
  });
  afterEach(() => fs.rmSync(workDir, { recursive: true, force: true }));

  it("reports no engine for a dead DOCKER_HOST and for a missing CLI", async () => {
    assert.equal(await dockerEngineAvailable(deadEngine), false);
    assert.equal(await dockerEngineAvailable({ command: path.join(workDir, "no-such-docker") }), false);
  });

  it("returns an undefined size with a note instead of throwing", async () => {
    const result = await estimateImageSize({
      context: path.join(workDir, "context"),
      cacheDir: path.join(workDir, "cache"),
      docker: deadEngine,
    });
    assert.equal(result.sizeBytes, undefined);
    assert.equal(result.uncompressedBytes, undefined);
    assert.deepEqual(result.layers, []);
    assert.deepEqual(result.platforms, []);
    assert.equal(result.cached, false);
    assert.match(result.note, /^no Docker engine reachable/);
    assert.match(result.contextHash, /^[0-9a-f]{64}$/);
    // Nothing is cached for a failed measurement: the next run with an engine must measure.
    assert.equal(fs.existsSync(path.join(workDir, "cache")), false);
  });

  it("answers from the content-hash cache without an engine", async () => {
    const contextHash = "ab".repeat(32);
    const cacheDir = path.join(workDir, "cache");
    fs.mkdirSync(cacheDir);
    const layers = [{ createdBy: "COPY . / # buildkit", compressedBytes: 1234, uncompressedBytes: 4096 }];
    const platforms = [
      { platform: "linux/amd64", sizeBytes: 1234, uncompressedBytes: 4096, layers },
      { platform: "linux/arm64", sizeBytes: 1234, uncompressedBytes: 4096, layers },
    ];
    fs.writeFileSync(
      path.join(cacheDir, `${contextHash}.gzip.json`),
      JSON.stringify({
        format: 2,
        result: { sizeBytes: 1234, uncompressedBytes: 4096, layers, platforms, note: "measured" },
      }),
    );
    const result = await estimateImageSize({
      context: path.join(workDir, "context"),
      contextHash,
      cacheDir,
      docker: deadEngine,
    });
    assert.deepEqual(result, {
      contextHash,
      sizeBytes: 1234,
      uncompressedBytes: 4096,
      layers,
      platforms,
      note: "measured (cached)",
      cached: true,
    });
    // A different compression is a different cache entry: not found, so no engine, no size.
    const zstd = await estimateImageSize({
      context: path.join(workDir, "context"),
      contextHash,
      cacheDir,
      docker: deadEngine,
      compression: "zstd",
    });
    assert.equal(zstd.sizeBytes, undefined);
  });

  it("ignores a cache entry of format 1 (one platform × the platform count)", async () => {
    const contextHash = "ef".repeat(32);
    const cacheDir = path.join(workDir, "cache");
    fs.mkdirSync(cacheDir);
    fs.writeFileSync(
      path.join(cacheDir, `${contextHash}.gzip.json`),
      JSON.stringify({
        format: 1,
        result: { sizeBytes: 2468, uncompressedBytes: 8192, layers: [], note: "x" },
      }),
    );
    const result = await estimateImageSize({
      context: path.join(workDir, "context"),
      contextHash,
      cacheDir,
      docker: deadEngine,
    });
    assert.equal(result.sizeBytes, undefined);
  });

  it("ignores a corrupt cache entry", async () => {
    const contextHash = "cd".repeat(32);
    const cacheDir = path.join(workDir, "cache");
    fs.mkdirSync(cacheDir);
    fs.writeFileSync(path.join(cacheDir, `${contextHash}.gzip.json`), "{ not json");
    const result = await estimateImageSize({
      context: path.join(workDir, "context"),
      contextHash,
      cacheDir,
      docker: deadEngine,
    });
    assert.equal(result.sizeBytes, undefined);
    assert.equal(result.cached, false);
  });
});

describe("ociExportAttributes (the layers the component's registry export pushes)", () => {
  it("gzip: none, BuildKit's default gzip as for the component's export", () => {
    assert.deepEqual(ociExportAttributes("gzip"), []);
  });
  it("zstd: level 3, forced onto base layers, OCI media types", () => {
    assert.deepEqual(ociExportAttributes("zstd"), [
      "compression=zstd",
      "compression-level=3",
      "force-compression=true",
      "oci-mediatypes=true",
    ]);
  });
});

describe("knownSizeFromEstimate", () => {
  it("uses the estimate with basis estimate when there is one", () => {
    assert.deepEqual(
      knownSizeFromEstimate({ sizeBytes: 52_000_000, note: "local build of abc" }, 200_000_000),
      {
        bytes: 52_000_000,
        basis: "estimate",
        note: "local build of abc",
      },
    );
  });

  it("falls back to the budget with basis budget and says why", () => {
    assert.deepEqual(
      knownSizeFromEstimate({ sizeBytes: undefined, note: "no Docker engine reachable" }, 200_000_000),
      {
        bytes: 200_000_000,
        basis: "budget",
        note: "no Docker engine reachable; using the size budget",
      },
    );
  });
});
