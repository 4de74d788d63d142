import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dockerEngineAvailable } from "../../components/size/docker-cli";
import {
  buildFailureReason,
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
        format: 4,
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

  // An entry of an older format measured something else, and a corrupt one nothing: either, used as a
  // cache hit, would report a wrong size; each is ignored (and, with no engine, nothing is measured).
  const oldEntry = (format: number) =>
    JSON.stringify({ format, result: { sizeBytes: 2468, uncompressedBytes: 8192, layers: [], note: "x" } });
  for (const [what, contextHash, entry] of [
    ["of format 1 (one platform × the platform count)", "ef".repeat(32), oldEntry(1)],
    ["of format 2 (no layer digests, size = all platforms' distinct layers)", "e2".repeat(32), oldEntry(2)],
    ["that is corrupt", "cd".repeat(32), "{ not json"],
  ] as const) {
    it(`ignores a cache entry ${what}`, async () => {
      const cacheDir = path.join(workDir, "cache");
      fs.mkdirSync(cacheDir);
      fs.writeFileSync(path.join(cacheDir, `${contextHash}.gzip.json`), entry);
      const result = await estimateImageSize({
        context: path.join(workDir, "context"),
        contextHash,
        cacheDir,
        docker: deadEngine,
      });
      assert.equal(result.sizeBytes, undefined);
      assert.equal(result.cached, false);
    });
  }

  it("keeps a measurement with the cache apart from one without (file name), and returns its cache blobs", async () => {
    const contextHash = "c3".repeat(32);
    const cacheDir = path.join(workDir, "cache");
    fs.mkdirSync(cacheDir);
    const cacheBlobs = [{ digest: "sha256:builder", bytes: 395_678_697, mediaType: "x" }];
    fs.writeFileSync(
      path.join(cacheDir, `${contextHash}.gzip.cache.json`),
      JSON.stringify({
        format: 4,
        result: { sizeBytes: 10, uncompressedBytes: 20, storedBytes: 15, cacheBlobs, layers: [], note: "m" },
      }),
    );
    const options = { context: path.join(workDir, "context"), contextHash, cacheDir, docker: deadEngine };
    assert.equal((await estimateImageSize(options)).sizeBytes, undefined);
    const withCache = await estimateImageSize({ ...options, cache: true });
    assert.equal(withCache.sizeBytes, 10);
    assert.equal(withCache.storedBytes, 15);
    assert.deepEqual(withCache.cacheBlobs, cacheBlobs);
  });
});

describe("ociExportAttributes (the layers the component's registry export pushes)", () => {
  it("gzip: level 6 (BuildKit's default level) and forced, as the component's export sends it", () => {
    assert.deepEqual(ociExportAttributes("gzip"), [
      "compression=gzip",
      "compression-level=6",
      "force-compression=true",
    ]);
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

describe("buildFailureReason (the note of a failed build)", () => {
  // `--progress plain` output of buildx 0.13 for `RUN echo settings-marker-7 && exit 3`, as measured here.
  const failedRun = [
    '#0 building with "default" instance using docker driver',
    "",
    "#1 [internal] load build definition from Dockerfile",
    "#1 transferring dockerfile: 130B done",
    "#1 DONE 0.0s",
    "",
    "#5 [2/2] RUN echo settings-marker-7 && exit 3",
    "#5 0.092 settings-marker-7",
    '#5 ERROR: process "/bin/sh -c echo settings-marker-7 && exit 3" did not complete successfully: exit code: 3',
    "------",
    " > [2/2] RUN echo settings-marker-7 && exit 3:",
    "0.092 settings-marker-7",
    "------",
    "Dockerfile:2",
    "--------------------",
    "   1 |     FROM ecr-pipeline-test/node:22-slim",
    "   2 | >>> RUN echo settings-marker-7 && exit 3",
    "   3 |     ",
    "--------------------",
    'ERROR: failed to solve: process "/bin/sh -c echo settings-marker-7 && exit 3" did not complete successfully: exit code: 3',
    "",
  ].join("\n");
  const cases: Array<{ name: string; output: string; maxLines?: number; reason: string }> = [
    {
      name: "a failing RUN: the step, its output, the excerpt's marked line and the ERROR, no progress log",
      output: failedRun,
      reason: [
        " > [2/2] RUN echo settings-marker-7 && exit 3:",
        "0.092 settings-marker-7",
        "Dockerfile:2",
        "   2 | >>> RUN echo settings-marker-7 && exit 3",
        'ERROR: failed to solve: process "/bin/sh -c echo settings-marker-7 && exit 3" did not complete successfully: exit code: 3',
      ].join("\n"),
    },
    {
      name: "bounded to the last maxLines lines",
      output: failedRun,
      maxLines: 1,
      reason:
        'ERROR: failed to solve: process "/bin/sh -c echo settings-marker-7 && exit 3" did not complete successfully: exit code: 3',
    },
    {
      name: "only progress lines (no summary): the last lines are kept",
      output: "#1 [internal] load build definition\n#1 ERROR: broken pipe\n",
      reason: "#1 [internal] load build definition\n#1 ERROR: broken pipe",
    },
    { name: "CRLF and blank lines", output: "\r\nERROR: no builder\r\n\r\n", reason: "ERROR: no builder" },
  ];
  for (const { name, output, maxLines, reason } of cases)
    it(name, () => assert.equal(buildFailureReason(output, maxLines), reason));
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
