import assert from "node:assert/strict";
import { costFor } from "../../components/cost/pipeline-cost";
import { defaultUsageProfile } from "../../components/cost/usage";
import { buildLifecyclePreset, imagesPerBuild, renderLifecyclePolicy } from "../../components/lifecycle";

describe("costFor", () => {
  const input = {
    size: { bytes: 50 * 1024 ** 2, basis: "estimate" as const, note: "local build" },
    policy: renderLifecyclePolicy(buildLifecyclePreset("dev")),
    usage: { ...defaultUsageProfile(), pushesPerDay: 10, pullsPerMonthViaNat: 100 },
    scanningMode: "basic" as const,
  };

  it("prices a provider region without a rate card with us-east-1 rates and says so, never failing", () => {
    const fallback = costFor({ ...input, region: "af-south-1" });
    const usEast = costFor({ ...input, region: "us-east-1" });
    assert.equal(fallback.estimate.assumptions.region, "us-east-1");
    assert.equal(fallback.estimate.totalUsd, usEast.estimate.totalUsd);
    assert.equal(
      fallback.report.split("\n")[0],
      "ECR monthly cost estimate: af-south-1, priced with us-east-1 rates (no rate card for af-south-1 in ecrPricing; see docs/PRICING.md)",
    );
    assert.equal(usEast.report.split("\n")[0], "ECR monthly cost estimate: us-east-1");
  });
});

describe("costFor: storage from layers", () => {
  const blob = (name: string, bytes: number) => ({ digest: `sha256:${name}`, bytes });
  const base = blob("base", 47_853_527);
  const armBase = blob("armbase", 47_600_000);
  const workdir = blob("workdir", 97);
  const dist = blob("dist", 2_582);
  const builderBase = blob("builder", 395_678_697);
  const modules = blob("modules", 10_209_056);
  const src = blob("src", 1_539);
  const prodPolicy = renderLifecyclePolicy(
    buildLifecyclePreset("prod", { imagesPerBuild: imagesPerBuild(2) }),
  );
  const input = {
    // One platform's image, as ECR sizes an index: the largest platform manifest.
    size: { bytes: 47_856_206, basis: "estimate" as const, note: "local build" },
    region: "us-east-1",
    policy: prodPolicy,
    usage: { ...defaultUsageProfile(), pushesPerDay: 1, pullsPerMonthViaNat: 500 },
    scanningMode: "basic" as const,
    platforms: 2,
  };
  const layers = {
    platforms: [
      { platform: "linux/amd64", layers: [base, workdir, dist], baseLayerCount: 1 },
      { platform: "linux/arm64", layers: [armBase, workdir, dist], baseLayerCount: 1 },
    ],
    cache: [builderBase, modules, src, base, workdir, dist, armBase],
    renewed: [workdir, dist],
    cacheRenewed: [src, dist],
  };

  it("prod, two platforms: image layers once, the cache's own blobs, renewed layers per kept build, superseded caches", () => {
    const { estimate, storage, renewedBytesPerPush, report } = costFor({ ...input, layers });
    assert.deepEqual(
      estimate.lines
        .filter((line) => line.item.startsWith("storage"))
        .map((line) => [line.item, line.explanation]),
      [
        ["storage image", "current image: every layer once: 4 layers, 95456206 bytes"],
        ["storage cache", "registry cache: layers not in the image: 3 layers, 405889292 bytes"],
        ["storage older builds", "100 older kept builds x renewed layers: 200 layers, 267900 bytes"],
        [
          "storage superseded caches",
          "14 superseded caches x renewed cache-only layers: 14 layers, 21546 bytes",
        ],
      ],
    );
    assert.equal(storage?.bytes, 501_634_944);
    assert.equal(estimate.assumptions.storedBytes, 501_634_944);
    assert.equal(estimate.storageUsd, (501_634_944 / 2 ** 30) * 0.1);
    assert.equal(renewedBytesPerPush, 2_679);
    // A pull moves one platform's image; the NAT line prices 500 of them.
    assert.equal(estimate.assumptions.bytesPerPull, 47_856_206);
    assert.match(report, /storage from measured layers/);
  });

  it("without layers: the whole-image model, every platform stored, and the report says so", () => {
    const { estimate, storage, renewedBytesPerPush, report } = costFor(input);
    assert.equal(storage, undefined);
    assert.equal(renewedBytesPerPush, 95_712_412);
    // 101 builds x both platforms' images + a cache as big as the image.
    assert.equal(estimate.assumptions.storedBytes, 95_712_412 * 102);
    assert.equal(estimate.assumptions.bytesPerPull, 47_856_206);
    assert.match(report, /storage: no layers measured, so the whole-image model/);
  });
});
