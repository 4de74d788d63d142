import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { imageSizeEstimateProvider } from "../../components/size/estimate-resource";

/**
 * Serializes the provider exactly as pulumi.dynamic.Resource does (runtime.serializeFunction of a
 * function returning it) and runs the text in a plain `node` process — no tsx — the way Pulumi's
 * dynamic-provider host loads it (require-from-string, then `.handler()`).
 */
describe("ImageSizeEstimate provider, serialized as Pulumi ships it", function () {
  this.timeout(60_000);
  let workDir: string;
  let providerFile: string;

  before(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "estimate-provider-"));
    const provider = imageSizeEstimateProvider();
    const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    providerFile = path.join(workDir, "provider.js");
    fs.writeFileSync(providerFile, serialized.text);
    fs.mkdirSync(path.join(workDir, "context"));
    fs.writeFileSync(path.join(workDir, "context", "Dockerfile"), "FROM scratch\n");
  });
  after(() => fs.rmSync(workDir, { recursive: true, force: true }));

  function runInPlainNode(call: string, env: NodeJS.ProcessEnv): unknown {
    const script = `
      const requireFromString = require(${JSON.stringify(require.resolve("require-from-string"))});
      const text = require("fs").readFileSync(${JSON.stringify(providerFile)}, "utf8");
      const provider = requireFromString(text).handler();
      (async () => { process.stdout.write(JSON.stringify(await ${call})); })()
        .catch((error) => { console.error(error); process.exit(1); });`;
    const result = spawnSync(process.execPath, ["-e", script], { env, encoding: "utf8", timeout: 50_000 });
    assert.equal(result.status, 0, result.stderr);
    return JSON.parse(result.stdout);
  }

  const deadEngineEnv = { ...process.env, DOCKER_HOST: "unix:///nonexistent/ecr-pipeline-test.sock" };

  it("check without an engine returns the inputs, no size and a note — no error", () => {
    const news = {
      context: path.join(workDir, "context"),
      contextHash: "ef".repeat(32),
      cacheDir: path.join(workDir, "cache"),
    };
    const checked = runInPlainNode(`provider.check({}, ${JSON.stringify(news)})`, deadEngineEnv) as {
      inputs: Record<string, unknown>;
    };
    assert.deepEqual(Object.keys(checked.inputs).sort(), [
      "cacheBlobs",
      "cacheDir",
      "context",
      "contextHash",
      "deployedCompression",
      "deployedContextHash",
      "deployedLayers",
      "layers",
      "note",
      "platformLayers",
      "renewedCacheBlobs",
      "renewedLayers",
      "sizeBytes",
      "storedBytes",
      "uncompressedBytes",
    ]);
    // The layer structure the cost reads is a known "none" too (null), or the cost would be unknown.
    assert.equal(checked.inputs.platformLayers, null);
    assert.equal(checked.inputs.sizeBytes, null, "no size: null on the wire, known (not unknown) in preview");
    assert.match(String(checked.inputs.note), /^no Docker engine reachable/);
  });

  it("check answers from the content-hash cache, so the size is known in preview", () => {
    const contextHash = "12".repeat(32);
    const cacheDir = path.join(workDir, "cache");
    fs.mkdirSync(cacheDir, { recursive: true });
    const layers = [{ createdBy: "COPY x /x # buildkit", compressedBytes: 777, uncompressedBytes: 2048 }];
    fs.writeFileSync(
      path.join(cacheDir, `${contextHash}.gzip.json`),
      JSON.stringify({
        format: 4,
        result: { sizeBytes: 777, uncompressedBytes: 2048, layers, note: "local build" },
      }),
    );
    const news = { context: path.join(workDir, "context"), contextHash, cacheDir };
    const checked = runInPlainNode(`provider.check({}, ${JSON.stringify(news)})`, deadEngineEnv) as {
      inputs: Record<string, unknown>;
    };
    assert.deepEqual(checked.inputs, {
      ...news,
      sizeBytes: 777,
      uncompressedBytes: 2048,
      // No layer structure in this entry: sent as null, known "none" in preview.
      storedBytes: null,
      platformLayers: null,
      cacheBlobs: null,
      renewedLayers: null,
      renewedCacheBlobs: null,
      layers,
      note: "local build (cached)",
      // No state: nothing deployed yet (a first deployment); create records this build as deployed.
      deployedContextHash: "",
      deployedCompression: "",
      // Nor its layers.
      deployedLayers: null,
    });
    const created = runInPlainNode(`provider.create(${JSON.stringify(checked.inputs)})`, deadEngineEnv);
    assert.deepEqual(created, {
      id: contextHash,
      outs: { ...checked.inputs, deployedContextHash: contextHash, deployedCompression: "gzip" },
    });
  });
});
