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
import { hostedAsComponentProvider, resolvePipelineDefaults } from "../../components/settings/pipeline";
import { installMocks, isKnown, valueOf } from "../helpers/pulumi-mocks";

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

  describe("layers, cache blobs and what a push renews (kept in state)", () => {
    const layer = (digest: string, bytes: number, createdBy = "") => ({
      createdBy,
      digest: `sha256:${digest}`,
      compressedBytes: bytes,
      uncompressedBytes: bytes * 3,
    });
    const build = (dist: string, src: string): ImageSizeEstimateResult => {
      const layers = [
        layer("base", 47_853_527),
        layer("workdir", 97, "WORKDIR /app"),
        layer(dist, 2_582, "COPY"),
      ];
      return {
        ...measured,
        sizeBytes: 47_856_206,
        uncompressedBytes: 143_568_618,
        storedBytes: 47_856_206,
        layers,
        platforms: [
          {
            platform: "linux/amd64",
            sizeBytes: 47_856_206,
            uncompressedBytes: 143_568_618,
            layers,
            baseLayerCount: 1,
          },
        ],
        cacheBlobs: [
          {
            digest: "sha256:builder",
            bytes: 395_678_697,
            mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
          },
          { digest: `sha256:${src}`, bytes: 1_539, mediaType: "application/vnd.oci.image.layer.v1.tar+gzip" },
          {
            digest: `sha256:${dist}`,
            bytes: 2_582,
            mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
          },
        ],
      };
    };
    const blob = (digest: string, bytes: number) => ({ digest: `sha256:${digest}`, bytes });

    it("first build: the layers above the base, and the cache blobs among them", async () => {
      const state = await checkEstimate(
        undefined,
        { ...inputs, cache: true },
        recordingEstimator(build("dist1", "src1")).estimator,
      );
      assert.deepEqual(state.platformLayers, [
        {
          platform: "linux/amd64",
          layers: [blob("base", 47_853_527), blob("workdir", 97), blob("dist1", 2_582)],
          baseLayerCount: 1,
        },
      ]);
      assert.equal(state.storedBytes, 47_856_206);
      assert.deepEqual(state.renewedLayers, [blob("workdir", 97), blob("dist1", 2_582)]);
      assert.deepEqual(state.renewedCacheBlobs, [
        { digest: "sha256:dist1", bytes: 2_582, mediaType: "application/vnd.oci.image.layer.v1.tar+gzip" },
      ]);
      // Digests live in platformLayers; `layers` stays the per-layer table it was.
      assert.deepEqual(state.layers[1], {
        createdBy: "WORKDIR /app",
        compressedBytes: 97,
        uncompressedBytes: 291,
      });
    });

    it("next build: by digest against the previous state (nulls from the wire included)", async () => {
      const first = await checkEstimate(
        undefined,
        { ...inputs, cache: true },
        recordingEstimator(build("dist1", "src1")).estimator,
      );
      const olds = { ...first, renewedLayers: null, platformSizes: undefined } as unknown as typeof first;
      const next = await checkEstimate(
        olds,
        { ...inputs, cache: true, contextHash: "bb".repeat(32) },
        recordingEstimator(build("dist2", "src2")).estimator,
      );
      assert.deepEqual(next.renewedLayers, [blob("dist2", 2_582)]);
      assert.deepEqual(
        next.renewedCacheBlobs?.map((each) => each.digest),
        ["sha256:src2", "sha256:dist2"],
      );
    });

    it("the same build again: the state's layers and renewal reused as they are", async () => {
      const first = await checkEstimate(
        undefined,
        { ...inputs, cache: true },
        recordingEstimator(build("dist1", "src1")).estimator,
      );
      const again = await checkEstimate(
        first,
        { ...inputs, cache: true },
        recordingEstimator(new Error("not called")).estimator,
      );
      assert.deepEqual(again, first);
    });

    it("measures again when the cache is switched on", async () => {
      const { estimator, calls } = recordingEstimator(build("dist1", "src1"));
      const first = await checkEstimate(undefined, inputs, estimator);
      await checkEstimate(first, { ...inputs, cache: true }, estimator);
      assert.equal(calls.length, 2);
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
