import assert from "node:assert/strict";
import * as path from "node:path";
import type { MeasuredLayers } from "../../components/cost/storage";
import { pipelineCostInput, usageProfileOf } from "../../components/settings/cost-input";
import { resolvePipelineSettings } from "../../components/settings/pipeline";

const context = path.join(__dirname, "..", "fixtures", "contexts", "hello");

/** Plain args that set every field the cost input reads to something other than its default. */
const ARGS = {
  context,
  repositoryName: "platform/app",
  lifecyclePreset: "staging" as const,
  scanningMode: "enhanced" as const,
  manageRegistryScanning: true,
  registryScanFrequency: "CONTINUOUS_SCAN" as const,
  platforms: ["linux/amd64" as const, "linux/arm64" as const],
  cacheTag: "ci-cache",
  pushesPerDay: 3,
  pullsPerMonthSameRegion: 200,
  pullsPerMonthViaInterfaceEndpoint: 7,
  pullsPerMonthViaNat: 100,
  pullsPerMonthCrossRegion: 5,
  pullsPerMonthInternet: 2,
  rescansPerMonth: 4,
  rescanDuration: "DAYS_30" as const,
  pullBytes: "renewedLayers" as const,
  replicationRegions: ["eu-west-1"],
  applyFreeTier: true,
  replicaRetention: "policy" as const,
  replicaHorizonMonths: 6,
  pullThroughCacheBytes: 80 * 1024 ** 2,
  estimateSize: false,
};

const LAYERS: MeasuredLayers = {
  platforms: [{ platform: "linux/amd64", layers: [{ digest: "sha256:a", bytes: 10 }] }],
  cache: [],
  renewed: [{ digest: "sha256:a", bytes: 10 }],
  cacheRenewed: [],
};

describe("the cost input of EcrImagePipeline and npm start (settings/cost-input.ts)", () => {
  const settings = resolvePipelineSettings(ARGS, "EcrImagePipeline", "app");
  const policy = settings.repository.lifecyclePolicyText;

  it("takes every priced setting from the resolved settings, the rest from what was measured", () => {
    const size = { bytes: 1000, basis: "estimate" as const, note: "measured" };
    assert.deepEqual(pipelineCostInput(settings, { size, region: "us-east-2", policy, layers: LAYERS }), {
      size,
      region: "us-east-2",
      policy,
      usage: {
        pushesPerDay: 3,
        pullsPerMonthSameRegion: 200,
        pullsPerMonthViaInterfaceEndpoint: 7,
        pullsPerMonthViaNat: 100,
        pullsPerMonthCrossRegion: 5,
        pullsPerMonthInternet: 2,
        rescansPerMonth: 4,
        rescanDuration: "DAYS_30",
        pullBytes: "renewedLayers",
        replicationRegions: ["eu-west-1"],
        applyFreeTier: true,
      },
      scanningMode: "enhanced",
      scanning: { source: "stack", frequency: "CONTINUOUS_SCAN" },
      platforms: 2,
      layers: LAYERS,
      cacheTag: "ci-cache",
      replicaRetention: "policy",
      replicaHorizonMonths: 6,
      archiveRestoresPerMonth: 0,
      pullThroughCacheBytes: 80 * 1024 ** 2,
    });
  });

  it("a size the budget stands in for is priced without layers (they describe a measured build)", () => {
    const size = { bytes: 1000, basis: "budget" as const, note: "the budget" };
    const input = pipelineCostInput(settings, { size, region: "us-east-1", policy, layers: LAYERS });
    assert.equal(input.layers, undefined);
    const ecr = { bytes: 1000, basis: "ecr" as const, note: "ECR" };
    assert.equal(
      pipelineCostInput(settings, { size: ecr, region: "us-east-1", policy, layers: LAYERS }).layers,
      LAYERS,
    );
  });

  it("the defaults: scanning as the account declares it, no replicas, no archive restores, no cached bases", () => {
    const defaults = resolvePipelineSettings({ context, estimateSize: false }, "EcrImagePipeline", "app");
    const size = { bytes: 1, basis: "ecr" as const, note: "" };
    const input = pipelineCostInput(defaults, { size, region: "us-east-1", policy: "{}", layers: undefined });
    assert.deepEqual(
      [input.scanningMode, input.scanning, input.platforms, input.cacheTag, input.replicaRetention],
      ["basic", { source: "account" }, 1, "buildcache", "none"],
    );
    assert.deepEqual(
      [input.replicaHorizonMonths, input.archiveRestoresPerMonth, input.pullThroughCacheBytes],
      [12, 0, 0],
    );
  });

  it("usageProfileOf: the push/pull profile only, not the rest of the settings", () => {
    assert.deepEqual(Object.keys(usageProfileOf(settings)).sort(), [
      "applyFreeTier",
      "pullBytes",
      "pullsPerMonthCrossRegion",
      "pullsPerMonthInternet",
      "pullsPerMonthSameRegion",
      "pullsPerMonthViaInterfaceEndpoint",
      "pullsPerMonthViaNat",
      "pushesPerDay",
      "replicationRegions",
      "rescanDuration",
      "rescansPerMonth",
    ]);
  });
});
