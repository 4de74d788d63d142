import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { makeProvider, typeScriptLoaderFor } from "../../components/size/estimate-resource";
import {
  PROVIDER_KEY,
  serializeProvider,
  startDynamicProviderHost,
  type DynamicProviderHost,
} from "../../tools/lib/dynamic-provider-host";

/**
 * ImageSizeEstimate's `deployedContextHash` (issue 10, item 5: the deployed image the preview compares
 * with) in Pulumi's real dynamic-provider host, over gRPC, as the engine drives it: Check gets the state's
 * inputs as `olds` and its result is what a preview shows; Create and Update write the outputs a later
 * unchanged run keeps. The engine is dead on purpose: the hash must not depend on a measurement.
 */
describe("ImageSizeEstimate deployedContextHash in the real dynamic-provider host", function () {
  this.timeout(120_000);
  const root = path.join(__dirname, "..", "..");
  const logicTs = require.resolve("../../components/size/estimate-provider");
  const deadEngine = { ...process.env, DOCKER_HOST: "unix:///nonexistent/ecr-pipeline-deployed.sock" };
  const deployedHash = "a1".repeat(32);
  const changedHash = "b2".repeat(32);
  let workDir: string;
  let host: DynamicProviderHost;
  let news: Record<string, unknown>;

  before(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "deployed-hash-"));
    fs.mkdirSync(path.join(workDir, "context"));
    fs.writeFileSync(path.join(workDir, "context", "Dockerfile"), "FROM scratch\nCOPY Dockerfile /\n");
    host = await startDynamicProviderHost(deadEngine, root);
    news = {
      context: path.join(workDir, "context"),
      contextHash: changedHash,
      cacheDir: path.join(workDir, "cache"),
      [PROVIDER_KEY]: await serializeProvider(makeProvider(logicTs, typeScriptLoaderFor(logicTs))),
    };
  });
  after(async () => {
    await host.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  /** The inputs a state holds after a check of `contextHash` (measured, as a deployed estimate is). */
  function stateOf(contextHash: string): Record<string, unknown> {
    return { ...news, contextHash, sizeBytes: 1000, uncompressedBytes: 2000, layers: [], note: "measured" };
  }

  it("check with the state of another build returns that build's hash: the deployed one", async () => {
    const checked = await host.check(stateOf(deployedHash), news);
    assert.equal(checked.deployedContextHash, deployedHash);
    assert.equal(checked.deployedCompression, "gzip", "no compression in the state: gzip");
    assert.equal(checked.contextHash, changedHash);
  });

  it("check with the state of the same context in another compression names that compression", async () => {
    const checked = await host.check(
      { ...stateOf(changedHash), compression: "gzip" },
      { ...news, compression: "zstd" },
    );
    assert.equal(checked.deployedContextHash, changedHash);
    assert.equal(checked.deployedCompression, "gzip");
    assert.equal(checked.compression, "zstd");
  });

  it("check with the state of the same build returns this build's hash: nothing else deployed", async () => {
    const checked = await host.check(stateOf(changedHash), news);
    assert.equal(checked.deployedContextHash, changedHash);
    assert.equal(checked.sizeBytes, 1000, "the measurement in the state is reused");
  });

  it("check without a state (a create) returns an empty string, not an absent key", async () => {
    const checked = await host.check({}, news);
    assert.equal(checked.deployedContextHash, "");
    assert.equal(checked.deployedCompression, "");
  });

  it("create and update record this build as the deployed one", async () => {
    const checked = await host.check(stateOf(deployedHash), news);
    assert.equal(checked.deployedContextHash, deployedHash);
    const updated = await host.update(stateOf(deployedHash), checked);
    assert.equal(updated.deployedContextHash, changedHash);
    assert.equal(updated.deployedCompression, "gzip");
    assert.equal(updated.contextHash, changedHash);
    const created = await host.create(await host.check({}, { ...news, compression: "zstd" }));
    assert.equal(created.properties.deployedContextHash, changedHash);
    assert.equal(created.properties.deployedCompression, "zstd");
  });
});
