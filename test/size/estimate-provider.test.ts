import assert from "node:assert/strict";
import {
  checkEstimate,
  diffEstimate,
  UNKNOWN_VALUE,
  type EstimateInputs,
  type Estimator,
} from "../../components/size/estimate-provider";
import type { ImageSizeEstimateResult } from "../../components/size/local-estimate";
import { ImageSizeEstimate } from "../../components/size/estimate-resource";
import { hostedAsComponentProvider, resolvePipelineDefaults } from "../../components/defaults";
import { installMocks, isKnown, valueOf } from "../components/harness";

const inputs: EstimateInputs = {
  context: "/src/app",
  dockerfile: "/src/app/Dockerfile",
  target: "runtime",
  contextHash: "aa".repeat(32),
};
const measured: ImageSizeEstimateResult = {
  contextHash: inputs.contextHash,
  sizeBytes: 50_000_000,
  uncompressedBytes: 140_000_000,
  layers: [
    { createdBy: "COPY dist /app # buildkit", compressedBytes: 50_000_000, uncompressedBytes: 140_000_000 },
  ],
  note: "local build",
  cached: false,
};

/** An estimator that records its calls and answers with a fixed result. */
function recordingEstimator(result: ImageSizeEstimateResult | Error): {
  estimator: Estimator;
  calls: EstimateInputs[];
} {
  const calls: EstimateInputs[] = [];
  return {
    calls,
    estimator: async (received) => {
      calls.push(received);
      if (result instanceof Error) throw result;
      return result;
    },
  };
}

describe("checkEstimate", () => {
  it("measures a new build and returns inputs plus measured outputs", async () => {
    const { estimator, calls } = recordingEstimator(measured);
    const state = await checkEstimate(undefined, inputs, estimator);
    assert.deepEqual(calls, [inputs]);
    assert.deepEqual(state, {
      ...inputs,
      sizeBytes: 50_000_000,
      uncompressedBytes: 140_000_000,
      layers: measured.layers,
      note: "local build",
    });
  });

  it("reuses the measured state for the same content hash without calling the estimator", async () => {
    const { estimator, calls } = recordingEstimator(new Error("must not be called"));
    const olds = { ...inputs, sizeBytes: 42, uncompressedBytes: 84, layers: [], note: "earlier" };
    const state = await checkEstimate(olds, { ...inputs, context: "/elsewhere/app" }, estimator);
    assert.equal(calls.length, 0);
    assert.deepEqual(state, {
      ...inputs,
      context: "/elsewhere/app",
      sizeBytes: 42,
      uncompressedBytes: 84,
      layers: [],
      note: "earlier",
    });
  });

  it("measures again when the content hash changed", async () => {
    const { estimator, calls } = recordingEstimator(measured);
    const olds = { ...inputs, sizeBytes: 42, layers: [], note: "earlier" };
    await checkEstimate(olds, { ...inputs, contextHash: "bb".repeat(32) }, estimator);
    assert.equal(calls.length, 1);
  });

  it("turns an estimator failure into a note, never an error", async () => {
    const { estimator } = recordingEstimator(new Error("docker build failed (exit 1):\nstep 3 ..."));
    const state = await checkEstimate(undefined, inputs, estimator);
    assert.deepEqual(state, {
      ...inputs,
      layers: [],
      note: "size estimate failed: docker build failed (exit 1): | step 3 ...",
    });
    assert.equal("sizeBytes" in state, false);
  });

  it("stops waiting after timeoutSeconds and says so", async () => {
    const never: Estimator = () => new Promise(() => undefined);
    const state = await checkEstimate(undefined, { ...inputs, timeoutSeconds: 0.05 }, never);
    assert.equal(
      state.note,
      "size estimate failed: no result within 0.05 s (timeoutSeconds); the build was stopped",
    );
    assert.equal("sizeBytes" in state, false);
  });

  it("aborts the estimator's signal when timeoutSeconds runs out (what kills its docker commands)", async () => {
    let received: AbortSignal | undefined;
    const never: Estimator = (_, signal) => {
      received = signal;
      return new Promise(() => undefined);
    };
    await checkEstimate(undefined, { ...inputs, timeoutSeconds: 0.05 }, never);
    assert.equal(received?.aborted, true);
    assert.equal(
      (received?.reason as Error).message,
      "no result within 0.05 s (timeoutSeconds); the build was stopped",
    );
  });

  it("leaves the outputs unknown when an input is unknown", async () => {
    const { estimator, calls } = recordingEstimator(measured);
    const state = await checkEstimate(undefined, { ...inputs, contextHash: UNKNOWN_VALUE }, estimator);
    assert.equal(calls.length, 0);
    assert.equal(state.sizeBytes as unknown, UNKNOWN_VALUE);
    assert.equal(state.note, UNKNOWN_VALUE);
  });
});

describe("diffEstimate", () => {
  const state = { ...inputs, sizeBytes: 1, layers: [], note: "" };
  it("no change for the same hash and compression, even from another checkout path", () => {
    assert.deepEqual(diffEstimate(state, { ...state, context: "/other" }), { changes: false });
  });
  it("changes with the hash, the compression, or when a size is measured at last", () => {
    assert.deepEqual(diffEstimate(state, { ...state, contextHash: "cc".repeat(32) }), { changes: true });
    assert.deepEqual(diffEstimate(state, { ...state, compression: "zstd" }), { changes: true });
    const { sizeBytes: _unmeasured, ...withoutSize } = state;
    void _unmeasured;
    assert.deepEqual(diffEstimate(withoutSize, state), { changes: true });
  });
});

describe("ImageSizeEstimate outputs in preview", () => {
  it("no size is a known undefined in preview, not unknown", async () => {
    installMocks({ preview: true, estimateBytes: undefined });
    const estimate = new ImageSizeEstimate("web-size-estimate", {
      context: "/src/app",
      contextHash: "ab".repeat(32),
    });
    assert.equal(await isKnown(estimate.sizeBytes), true);
    assert.equal(await valueOf(estimate.sizeBytes), undefined);
    assert.equal(await valueOf(estimate.note), "no Docker engine reachable: size not estimated");
  });
});

describe("estimateSize default", () => {
  it("is off when the package is hosted as a component provider for another language (pulumi/pulumi#5455)", () => {
    const runPlugin = ["/usr/bin/node", "/p/node_modules/@pulumi/pulumi/cmd/run-plugin", "/p"];
    const program = ["/usr/bin/node", "/p/node_modules/@pulumi/pulumi/cmd/run", "stacks/index.ts"];
    assert.equal(hostedAsComponentProvider(runPlugin), true);
    assert.equal(hostedAsComponentProvider(program), false);
    assert.equal(
      resolvePipelineDefaults({}, "EcrImagePipeline", { componentProvider: true }).estimateSize,
      false,
    );
    assert.equal(
      resolvePipelineDefaults({}, "EcrImagePipeline", { componentProvider: false }).estimateSize,
      true,
    );
    assert.equal(
      resolvePipelineDefaults({ estimateSize: true }, "EcrImagePipeline", { componentProvider: true })
        .estimateSize,
      true,
    );
  });
});
