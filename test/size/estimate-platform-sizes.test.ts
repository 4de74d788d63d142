// The per-platform sizes of the estimate (local-estimate.ts `platforms`) reach the ImageSizeEstimate's
// state as `platformSizes`, and survive a check that reuses the state.
import assert from "node:assert/strict";
import { checkEstimate, type EstimateInputs } from "../../components/size/estimate-provider";
import type { ImageSizeEstimateResult } from "../../components/size/local-estimate";

const inputs: EstimateInputs = {
  context: "/src/app",
  platforms: ["linux/amd64", "linux/arm64"],
  compression: "zstd",
  contextHash: "bb".repeat(32),
};
const layer = { createdBy: "COPY dist /app # buildkit", compressedBytes: 1000, uncompressedBytes: 4000 };
const measured: ImageSizeEstimateResult = {
  contextHash: inputs.contextHash,
  sizeBytes: 1900,
  uncompressedBytes: 7000,
  layers: [layer],
  platforms: [
    { platform: "linux/amd64", sizeBytes: 1000, uncompressedBytes: 4000, layers: [layer] },
    { platform: "linux/arm64", sizeBytes: 900, uncompressedBytes: 3000, layers: [] },
  ],
  note: "local build",
  cached: false,
};
const platformSizes = [
  { platform: "linux/amd64", sizeBytes: 1000, uncompressedBytes: 4000 },
  { platform: "linux/arm64", sizeBytes: 900, uncompressedBytes: 3000 },
];

describe("ImageSizeEstimate per-platform sizes", () => {
  it("a measurement's platforms become platformSizes (layers left out), inputs untouched", async () => {
    const state = await checkEstimate(undefined, inputs, async () => measured);
    assert.deepEqual(state.platformSizes, platformSizes);
    assert.deepEqual(state.platforms, ["linux/amd64", "linux/arm64"]);
    assert.equal(state.sizeBytes, 1900);
  });

  it("a check that reuses the state keeps them", async () => {
    const first = await checkEstimate(undefined, inputs, async () => measured);
    const again = await checkEstimate(first, inputs, async () => {
      throw new Error("must not measure again");
    });
    assert.deepEqual(again.platformSizes, platformSizes);
  });

  it("a measurement without platforms (no engine) has none", async () => {
    const state = await checkEstimate(undefined, inputs, async () => ({
      ...measured,
      sizeBytes: undefined,
      platforms: [],
      note: "no Docker engine reachable",
    }));
    assert.equal(state.platformSizes, undefined);
  });
});
