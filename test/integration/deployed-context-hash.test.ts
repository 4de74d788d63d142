import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROVIDER_KEY } from "../../tools/lib/dynamic-provider-host";
import { useEstimateHost } from "../helpers/estimate-host";

/**
 * The preview of a changed build, as the engine drives ImageSizeEstimate in Pulumi's real
 * dynamic-provider host with a real Docker engine: Check measures the new build AND names the deployed
 * one (`deployedContextHash`, issue 10 item 5), Update then records the new build as deployed, and the
 * next Check of the same build measures nothing and names this build. (The dead-engine variant, without
 * a measurement: test/size/deployed-context-hash.test.ts.)
 */
describe("ImageSizeEstimate names the deployed build next to a real measurement", function () {
  this.timeout(300_000);
  const estimate = useEstimateHost({ prefix: "deployed-hash-build-" });

  it("check of a changed build: measured, and the state's hash as deployedContextHash; update and the next check agree", async () => {
    const context = path.join(estimate.workDir, "context");
    fs.mkdirSync(context);
    // No base to pull: one layer of this Dockerfile and a 64 KiB file of random bytes (not compressible).
    fs.writeFileSync(path.join(context, "Dockerfile"), "FROM scratch\nCOPY . /app/\n");
    fs.writeFileSync(
      path.join(context, "payload.bin"),
      Buffer.from(Array.from({ length: 65536 }, () => Math.floor(Math.random() * 256))),
    );
    const deployedHash = `d0${process.pid}`.padEnd(64, "0");
    const changedHash = `c1${process.pid}`.padEnd(64, "0");
    const news = {
      [PROVIDER_KEY]: estimate.provider,
      context,
      contextHash: changedHash,
      cacheDir: path.join(estimate.workDir, "cache"),
    };
    const deployedState = {
      ...news,
      contextHash: deployedHash,
      sizeBytes: 1234,
      layers: [],
      note: "the deployed build",
    };

    const checked = await estimate.host.check(deployedState, news);
    assert.equal(typeof checked.sizeBytes, "number", `measured: ${String(checked.note)}`);
    assert.ok((checked.sizeBytes as number) > 65536, `at least the payload: ${String(checked.sizeBytes)}`);
    assert.equal(checked.deployedContextHash, deployedHash);
    assert.equal(checked.deployedCompression, "gzip");

    const updated = await estimate.host.update(deployedState, checked);
    assert.equal(updated.deployedContextHash, changedHash);
    assert.equal(updated.sizeBytes, checked.sizeBytes);

    const again = await estimate.host.check(checked, news);
    assert.equal(again.deployedContextHash, changedHash);
    assert.equal(again.sizeBytes, checked.sizeBytes, "the same build: the state's measurement");
  });
});
