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

describe("costFor: pushes, scans and pulls of one pipeline (issue 10)", () => {
  const MiB = 1024 ** 2;
  const base = {
    size: { bytes: 100 * MiB, basis: "ecr" as const, note: "imageSizeInBytes" },
    region: "us-east-1",
    policy: renderLifecyclePolicy(buildLifecyclePreset("prod")),
    usage: { ...defaultUsageProfile(), pushesPerDay: 1, rescansPerMonth: 4 },
    scanningMode: "enhanced" as const,
  };

  // Measured layers whose push renews one `bytes` blob (both platforms share the base).
  const renewedOnly = (bytes: number) => ({
    platforms: [
      { platform: "linux/amd64", layers: [{ digest: "sha256:base", bytes: 92 * MiB }], baseLayerCount: 1 },
      { platform: "linux/arm64", layers: [{ digest: "sha256:base", bytes: 92 * MiB }], baseLayerCount: 1 },
    ],
    cache: [],
    renewed: [{ digest: "sha256:renewed", bytes }],
    cacheRenewed: [],
  });

  // [what, input change, pushes per month, scans on push, rescans (scans), bytes per pull]
  const cases: [string, Partial<Parameters<typeof costFor>[0]>, number, number, number, number][] = [
    // 1 push a day x 30.4 days (AWS bills a 730-hour month); DAYS_14: 14 pushed within, the deployed one (the
    // newest) among them (issue 18: it was counted again, 15).
    ["one platform, the default DAYS_14", {}, 30.4, 30.4, 4 * 14, 100 * MiB],
    // Two platforms: Inspector scans each platform's image manifest (not the index); a pull moves one platform
    // (`size.bytes` is one platform's image: ECR sizes an index by its largest manifest).
    ["two platforms", { platforms: 2 }, 30.4, 60.8, 4 * 14 * 2, 100 * MiB],
    // DAYS_30: 30 pushed within.
    ["DAYS_30", { usage: { ...base.usage, rescanDuration: "DAYS_30" } }, 30.4, 30.4, 4 * 30, 100 * MiB],
    // 3 pushes a day: 91.2 pushes a month; DAYS_14: 42 builds (prod keeps more).
    ["3 pushes a day", { usage: { ...base.usage, pushesPerDay: 3 } }, 91.2, 91.2, 4 * 42, 100 * MiB],
    // Nodes that keep layers pull only the renewed layers of one platform: 8 MiB / 2 platforms.
    [
      "renewedLayers with a measurement",
      { platforms: 2, usage: { ...base.usage, pullBytes: "renewedLayers" }, layers: renewedOnly(8 * MiB) },
      30.4,
      60.8,
      4 * 14 * 2,
      4 * MiB,
    ],
  ];
  for (const [what, change, pushes, scansOnPush, rescans, bytesPerPull] of cases) {
    it(`${what}: ${pushes} pushes, ${scansOnPush} scans on push, ${rescans} rescans, ${bytesPerPull} bytes per pull`, () => {
      const { estimate } = costFor({ ...base, ...change });
      const quantity = (item: string) => estimate.lines.find((line) => line.item === item)?.quantity;
      // Equal up to float rounding (3 x 30.4 is 91.19999999999999 in binary).
      const near = (actual: number | undefined, expected: number, name: string) =>
        assert.ok(
          actual !== undefined && Math.abs(actual - expected) < 1e-9,
          `${name}: ${actual} vs ${expected}`,
        );
      near(estimate.assumptions.pushesPerMonth, pushes, "pushes per month");
      near(quantity("enhanced scans on push"), scansOnPush, "scans on push");
      near(quantity("enhanced rescans"), rescans, "rescans");
      assert.equal(estimate.assumptions.bytesPerPull, bytesPerPull);
    });
  }

  it("prices interface endpoint pulls per GB: 1000 pulls x 100 MiB x $0.01", () => {
    const { estimate } = costFor({
      ...base,
      usage: { ...base.usage, pullsPerMonthViaInterfaceEndpoint: 1000 },
    });
    const line = estimate.lines.find((each) => each.item === "pulls via interface endpoint");
    assert.equal(line?.quantity, (1000 * 100 * MiB) / 2 ** 30);
    assert.equal(line?.rate, 0.01);
    assert.equal(Math.round((line?.usd ?? 0) * 1e6), Math.round(((1000 * 100) / 1024) * 0.01 * 1e6));
  });

  it("renewedLayers without a measurement prices the whole image and says so in the report", () => {
    const { estimate, report } = costFor({ ...base, usage: { ...base.usage, pullBytes: "renewedLayers" } });
    assert.equal(estimate.assumptions.bytesPerPull, 100 * MiB);
    assert.ok(
      report.includes(
        '\n  pullBytes "renewedLayers": no measurement of the layers a push renews yet, so each pull is priced as the whole image\n',
      ),
      report,
    );
    assert.ok(!costFor(base).report.includes("pullBytes"));
  });

  it("rejects what the models below it would reject, under costFor's own keys (bench:fuzz limit case)", () => {
    // Before, these surfaced as pushesPerDay[0].perDay (the retention replay's key) and imageBytes or
    // cacheBytes (estimateMonthlyCost's), which no caller of costFor writes.
    assert.throws(() => costFor({ ...base, platforms: 3, usage: { ...base.usage, pushesPerDay: 2.6e11 } }), {
      key: "pushesPerDay",
      message:
        "pushesPerDay is 260000000000: a build of 3 platform(s) pushes 4 image(s), and at most 1000000000000 image pushes a day are modelled",
    });
    assert.throws(() => costFor({ ...base, platforms: 2, size: { ...base.size, bytes: 2 ** 50 } }), {
      key: "size.bytes",
      message:
        "size.bytes is 1125899906842624: x 2 platform(s) it must stay within the 1125899906842624 bytes (1 PiB) the cost model prices",
    });
    assert.throws(() => costFor({ ...base, platforms: 1.5 }), {
      key: "platforms",
      message: "platforms is 1.5: the platforms of one image are a whole number from 1 to 64",
    });
    const huge = Array.from({ length: 2 }, (_, i) => ({ digest: `sha256:h${i}`, bytes: 2 ** 50 }));
    assert.throws(
      () =>
        costFor({
          ...base,
          layers: {
            platforms: [{ platform: "linux/amd64", layers: huge, baseLayerCount: 0 }],
            cache: [],
            renewed: huge,
            cacheRenewed: [],
          },
        }),
      { key: "layers" },
    );
  });

  it("rejects a renewed layer whose size is not a size, naming it", () => {
    for (const bad of [-1, Number.NaN, Infinity]) {
      assert.throws(
        () =>
          costFor({
            ...base,
            usage: { ...base.usage, pullBytes: "renewedLayers" },
            layers: renewedOnly(bad),
          }),
        {
          message: `blob sha256:renewed has size ${bad}: a blob size is a finite number of bytes from 0 to 1125899906842624 (1 PiB)`,
        },
      );
    }
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
        // prod keeps 100 builds, the deployed one the newest among them (issue 18: it was a 101st).
        ["storage older builds", "99 older kept builds x renewed layers: 198 layers, 265221 bytes"],
        [
          "storage superseded caches",
          "14 superseded caches x renewed cache-only layers: 14 layers, 21546 bytes",
        ],
      ],
    );
    assert.equal(storage?.bytes, 501_632_265);
    assert.equal(estimate.assumptions.storedBytes, 501_632_265);
    // The registry cache's own blobs: the cache line and the superseded caches' line.
    assert.equal(estimate.assumptions.cacheBytes, 405_889_292 + 21_546);
    // The sum of the four lines, each priced on its own: equal up to float rounding.
    assert.ok(
      Math.abs(estimate.storageUsd - (501_632_265 / 2 ** 30) * 0.1) < 1e-15,
      String(estimate.storageUsd),
    );
    assert.equal(renewedBytesPerPush, 2_679);
    // A pull moves one platform's image; the NAT line prices 500 of them.
    assert.equal(estimate.assumptions.bytesPerPull, 47_856_206);
    assert.match(report, /storage from measured layers/);
  });

  it("without layers: the whole-image model, every platform stored, and the report says so", () => {
    const { estimate, storage, renewedBytesPerPush, report } = costFor(input);
    assert.equal(storage, undefined);
    assert.equal(renewedBytesPerPush, 95_712_412);
    // 100 builds x both platforms' images + a cache as big as the image.
    assert.equal(estimate.assumptions.storedBytes, 95_712_412 * 101);
    assert.equal(estimate.assumptions.bytesPerPull, 47_856_206);
    assert.match(report, /storage: no layers measured, so the whole-image model/);
  });
});
