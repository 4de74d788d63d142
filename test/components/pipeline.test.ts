import assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { EcrImagePipeline } from "../../components/pipeline";
import type { EcrImagePipelineArgs } from "../../components/settings/pipeline";
import {
  buildLifecyclePreset,
  renderLifecyclePolicy,
  steadyStateRetention,
} from "../../components/lifecycle";
import {
  DEPLOYED_SIZE_BYTES,
  DIGEST,
  ECR_SIZE_BYTES,
  ESTIMATE_BYTES,
  REGISTRY,
  installMocks,
  isKnown,
  runReporting,
  settle,
  valueOf,
} from "../helpers/pulumi-mocks";

const fixtures = path.join(__dirname, "..", "fixtures", "contexts");
const hello = path.join(fixtures, "hello");
const MiB = 1024 * 1024;

function pipeline(
  args: Partial<EcrImagePipelineArgs> = {},
  transformations: pulumi.ResourceTransformation[] = [],
): EcrImagePipeline {
  return new EcrImagePipeline("web", { context: hello, repositoryName: "web", ...args }, { transformations });
}

async function settled(p: EcrImagePipeline): Promise<void> {
  await settle(p.imageTags, p.costReport, p.findings, p.imageSize);
}

const WHOLE_IMAGE_NOTE =
  "; storage: no layers measured, so the whole-image model (every kept build stores every platform's whole image, the cache as big as the image)";

describe("EcrImagePipeline", () => {
  it("wires exactly a repository, its lifecycle policy, the image and the size estimate", async () => {
    const rec = installMocks();
    const p = pipeline({}, rec.transformations);
    await settled(p);
    assert.deepEqual(rec.resources.map((r) => `${r.type}::${r.name}`).sort(), [
      "aws:ecr/lifecyclePolicy:LifecyclePolicy::web-repo-lifecycle",
      "aws:ecr/repository:Repository::web-repo",
      "docker-build:index:Image::web-image",
      "ecr-pipeline:index:BuildKitImage::web-image",
      "ecr-pipeline:index:EcrImagePipeline::web",
      "ecr-pipeline:index:EcrRepository::web-repo",
      "pulumi-nodejs:dynamic/ecr-pipeline:ImageSizeEstimate::web-size-estimate",
    ]);
    const parents = new Map(rec.options.map((o) => [`${o.type}::${o.name}`, o.parentName]));
    assert.equal(parents.get("ecr-pipeline:index:EcrRepository::web-repo"), "web");
    assert.equal(parents.get("ecr-pipeline:index:BuildKitImage::web-image"), "web");
    assert.equal(
      parents.get("pulumi-nodejs:dynamic/ecr-pipeline:ImageSizeEstimate::web-size-estimate"),
      "web",
    );
    assert.equal(parents.get("aws:ecr/repository:Repository::web-repo"), "web-repo");
    assert.equal(parents.get("docker-build:index:Image::web-image"), "web-image");
    assert.deepEqual([...new Set(rec.calls.map((c) => c.token))].sort(), [
      "aws:ecr/getAuthorizationToken:getAuthorizationToken",
      "aws:ecr/getImage:getImage",
      "aws:index/getRegion:getRegion",
    ]);
    const getImage = rec.calls.find((c) => c.token === "aws:ecr/getImage:getImage");
    assert.deepEqual(getImage?.inputs, { repositoryName: "web", imageDigest: DIGEST });
  });

  it("after deploy: digest-pinned URI, ECR's size, and a cost from the preset's steady state", async () => {
    installMocks();
    const p = pipeline({ lifecyclePreset: "dev", pushesPerDay: 10, pullsPerMonthViaNat: 100 });
    await settled(p);
    assert.equal(await valueOf(p.imageUri), `${REGISTRY}/web@${DIGEST}`);
    assert.equal(await valueOf(p.imageDigest), DIGEST);
    assert.equal(await valueOf(p.imageSizeBytes), ECR_SIZE_BYTES);
    const size = await valueOf(p.imageSize);
    assert.deepEqual(size, {
      bytes: ECR_SIZE_BYTES,
      basis: "ecr",
      note: `imageSizeInBytes of ${DIGEST} in ECR`,
    });

    const cost = await valueOf(p.monthlyCost);
    assert.ok(cost);
    const retention = steadyStateRetention(renderLifecyclePolicy(buildLifecyclePreset("dev")), {
      pushesPerDay: [{ tag: "ctx-0000000000000000", perDay: 10 }],
      deployedImages: 0,
      imageBytes: ECR_SIZE_BYTES,
    });
    assert.equal(cost.assumptions.retainedImages, retention.retainedImages);
    assert.equal(
      cost.assumptions.retainedImages,
      10,
      "dev keeps the last 10 builds, the deployed-tagged one the newest of them (issue 18: counted once)",
    );
    assert.equal(cost.assumptions.region, "us-east-1");
    assert.equal(cost.assumptions.imageBytes, ECR_SIZE_BYTES);
    // 10 pushes a day over the 30.4-day month AWS bills (730 hours), not 30 days.
    assert.equal(cost.assumptions.pushesPerMonth, 304);
    assert.deepEqual(cost.assumptions.pulls, {
      sameRegion: 0,
      viaInterfaceEndpoint: 0,
      viaNat: 100,
      crossRegion: 0,
      internet: 0,
    });
    // 50 MiB × (10 retained + 1 cache) = 550 MiB stored at $0.10/GB-month; 100 NAT pulls × 50 MiB at $0.045/GB.
    const gb = ECR_SIZE_BYTES / 2 ** 30;
    assert.ok(Math.abs(cost.storageUsd - 11 * gb * 0.1) < 1e-9, `storage ${cost.storageUsd}`);
    assert.ok(Math.abs(cost.transferUsd - 100 * gb * 0.045) < 1e-9, `transfer ${cost.transferUsd}`);
    const report = (await valueOf(p.costReport)) ?? "";
    // The report prices ECR's own size and says so (its last line), in us-east-1.
    assert.equal(
      report.split("\n").at(-1),
      `size basis: ecr - imageSizeInBytes of ${DIGEST} in ECR${WHOLE_IMAGE_NOTE}`,
    );
    assert.equal(report.split("\n")[0], "ECR monthly cost estimate: us-east-1");
  });

  it("a multi-platform image: ECR's size is one (the largest) platform, each stored, each pull one platform", async () => {
    installMocks();
    const p = pipeline({ platforms: ["linux/amd64", "linux/arm64"], pullsPerMonthViaNat: 100 });
    const cost = await valueOf(p.monthlyCost);
    assert.ok(cost);
    // imageSizeInBytes of an index is "the max size of all manifests in the list" (ECR API, ImageDetail).
    assert.equal(cost.assumptions.bytesPerPull, ECR_SIZE_BYTES);
    // The keep rule counts index + 2 platform images per build (platformsPerImage): as many builds are
    // retained as for one platform; without measured layers each stores both platforms' whole images.
    installMocks();
    const single = await valueOf(pipeline({ pullsPerMonthViaNat: 100 }).monthlyCost);
    assert.equal(cost.assumptions.retainedImages, single?.assumptions.retainedImages);
    assert.ok(
      Math.abs(cost.storageUsd - 2 * (single?.storageUsd ?? 0)) < 1e-12,
      `storage ${cost.storageUsd}`,
    );
    // 100 pulls × 50 MiB through NAT at $0.045/GB.
    assert.ok(Math.abs(cost.transferUsd - ((100 * ECR_SIZE_BYTES) / 2 ** 30) * 0.045) < 1e-9);
  });

  it("prices storage from the estimate's layers, in preview and after deploy (basis ecr)", async () => {
    const blob = (name: string, bytes: number) => ({ digest: `sha256:${name}`, bytes });
    const estimateLayers = {
      platformLayers: [
        {
          platform: "linux/amd64",
          layers: [blob("base", 40 * MiB), blob("dist", 10 * MiB)],
          baseLayerCount: 1,
        },
      ],
      cacheBlobs: [blob("builder", 300 * MiB), blob("base", 40 * MiB), blob("dist", 10 * MiB)],
      renewedLayers: [blob("dist", 10 * MiB)],
      renewedCacheBlobs: [blob("dist", 10 * MiB)],
    };
    for (const scenario of [{ preview: true, imageChanged: true }, { preview: false }]) {
      installMocks({ ...scenario, estimateLayers });
      const p = pipeline({ pullsPerMonthViaNat: 100 });
      await settled(p);
      const cost = await valueOf(p.monthlyCost);
      assert.ok(cost, JSON.stringify(scenario));
      assert.deepEqual(
        cost.lines.filter((line) => line.item.startsWith("storage")).map((line) => line.explanation),
        [
          `current image: every layer once: 2 layers, ${50 * MiB} bytes`,
          `registry cache: layers not in the image: 1 layers, ${300 * MiB} bytes`,
          // The default preset keeps 100 builds, the deployed one the newest: 99 older builds, 10 MiB each.
          `99 older kept builds x renewed layers: 99 layers, ${990 * MiB} bytes`,
        ],
        JSON.stringify(scenario),
      );
      assert.equal(cost.assumptions.storedBytes, 1340 * MiB);
      assert.match((await valueOf(p.costReport)) ?? "", /storage from measured layers/);
    }
  });

  it("costChange prices the deployed image from the deployed build's own layers, this change from its own", async () => {
    const blob = (name: string, bytes: number) => ({ digest: `sha256:${name}`, bytes });
    const measured = (dist: number) => ({
      platforms: [
        {
          platform: "linux/amd64",
          layers: [blob("base", 40 * MiB), blob(`dist${dist}`, dist * MiB)],
          baseLayerCount: 1,
        },
      ],
      cache: [blob("builder", 300 * MiB), blob("base", 40 * MiB), blob(`dist${dist}`, dist * MiB)],
      renewed: [blob(`dist${dist}`, dist * MiB)],
      cacheRenewed: [blob(`dist${dist}`, dist * MiB)],
    });
    const current = measured(10);
    installMocks({
      preview: true,
      imageChanged: true,
      deployedBuild: "other",
      estimateLayers: {
        platformLayers: current.platforms,
        cacheBlobs: current.cache,
        renewedLayers: current.renewed,
        renewedCacheBlobs: current.cacheRenewed,
      },
      // The deployed build renewed 20 MiB per push: its 99 older kept builds hold twice as much.
      deployedLayers: measured(20),
    });
    const p = pipeline();
    await settled(p);
    const change = await valueOf(p.costChange);
    assert.equal(change?.status, "compared");
    // This change: 50 MiB image + 300 MiB cache-only + 99 x 10 MiB; deployed: 60 + 300 + 99 x 20 MiB.
    assert.equal(change?.change?.storedBytes, 1340 * MiB);
    assert.equal(change?.deployed?.storedBytes, 2340 * MiB);
    assert.equal(change?.difference?.storedBytes, -1000 * MiB);
  });

  it("an estimate state from before the layer outputs (keys absent, unknown in preview): cost known, whole-image model", async () => {
    installMocks({ preview: true, estimateLayers: {} });
    const p = pipeline();
    await settled(p);
    assert.equal(await isKnown(p.monthlyCost), true);
    assert.equal(await isKnown(p.costReport), true);
    assert.match(
      (await valueOf(p.costReport)) ?? "",
      /storage: no layers measured, so the whole-image model/,
    );
  });

  it("preview of an unchanged image: everything known, size basis ecr", async () => {
    installMocks({ preview: true });
    const p = pipeline();
    await settled(p);
    for (const output of [
      p.imageUri,
      p.imageSizeBytes,
      p.imageSize,
      p.monthlyCost,
      p.costReport,
      p.findings,
    ]) {
      assert.equal(await isKnown(output), true);
    }
    assert.equal((await valueOf(p.imageSize))?.basis, "ecr");
  });

  it("preview with the estimate's outputs unknown (its state has none yet): sizes, budget, guardrails and costJson still known", async () => {
    // What the consumer smoke test's mocks give: the dynamic resource's state without its outputs.
    installMocks({ preview: true, imageChanged: true, estimateState: async (inputs) => ({ ...inputs }) });
    const p = pipeline({ maxImageSizeBytes: 150 * MiB, maxMonthlyUsd: 100 });
    await settled(p);
    // Planted: sizeBudget over the estimate's Output itself (not firstKnown): it stayed unknown.
    for (const output of [p.imageSize, p.sizeBudget, p.monthlyCost, p.costGuardrails, p.costJson])
      assert.equal(await isKnown(output), true);
    assert.equal((await valueOf(p.sizeBudget))?.status, "unchecked");
  });

  it("preview of a changed image: URI and ECR size unknown, cost known from the local estimate", async () => {
    installMocks({ preview: true, imageChanged: true });
    const p = pipeline();
    await settled(p);
    assert.equal(await isKnown(p.imageUri), false);
    assert.equal(await isKnown(p.imageDigest), false);
    assert.equal(await isKnown(p.imageSizeBytes), false);
    assert.equal(await isKnown(p.imageTags), true);
    assert.equal(await isKnown(p.monthlyCost), true);
    assert.equal(await isKnown(p.costReport), true);
    assert.deepEqual(await valueOf(p.imageSize), {
      bytes: ESTIMATE_BYTES,
      basis: "estimate",
      note: "local build of the context, gzip layers summed",
    });
    assert.equal((await valueOf(p.monthlyCost))?.assumptions.imageBytes, ESTIMATE_BYTES);
    assert.equal(
      ((await valueOf(p.costReport)) ?? "").split("\n").at(-1),
      `size basis: estimate - local build of the context, gzip layers summed${WHOLE_IMAGE_NOTE}`,
    );
  });

  it("preview of a changed image with no Docker engine: the budget stands in, never an error", async () => {
    installMocks({ preview: true, imageChanged: true, estimateBytes: undefined });
    const p = pipeline({ maxImageSizeBytes: 150 * MiB });
    await settled(p);
    assert.equal(await isKnown(p.monthlyCost), true);
    const size = await valueOf(p.imageSize);
    assert.equal(size?.basis, "budget");
    assert.equal(size?.bytes, 150 * MiB);
    assert.equal(
      size?.note,
      "no ECR size or local estimate is available: using the size budget maxImageSizeBytes=157286400",
    );
    assert.equal((await valueOf(p.sizeBudget))?.status, "unchecked");
  });

  it("without a budget or estimate, assumes 1 GiB and says so", async () => {
    const rec = installMocks({ preview: true, imageChanged: true });
    const p = pipeline({ estimateSize: false });
    await settled(p);
    // The estimate's real type (the first test lists it when estimateSize is on): none registered here.
    assert.deepEqual(
      rec.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic")).map((r) => r.type),
      [],
    );
    assert.ok(
      rec.resources.some((r) => r.type === "docker-build:index:Image"),
      "the rest is registered",
    );
    assert.deepEqual(await valueOf(p.imageSize), {
      bytes: 1024 ** 3,
      basis: "budget",
      note: "size estimation is off and no maxImageSizeBytes is set: assuming 1073741824 bytes",
    });
  });

  it("an estimate over a failing budget stops the deployment before the image is pushed", async () => {
    // Like any error raised while resolving inputs, the gate's error reaches the Pulumi runtime as an
    // unhandled rejection, which fails `pulumi preview`/`up` with its message; here it is captured.
    const errors: Error[] = [];
    const capture = (error: unknown): void => void errors.push(error as Error);
    process.on("unhandledRejection", capture);
    try {
      const rec = installMocks();
      pipeline({ maxImageSizeBytes: 10 * MiB, onBudgetExceeded: "fail" });
      for (let waited = 0; errors.length === 0 && waited < 5000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.ok(errors.length > 0, "the deployment fails");
      // Newer SDKs (3.276.0, not 3.248.0) wrap it as `error serializing property "outputs": … "imageDigest": <message>`.
      assert.match(errors[0]!.message, /(^|: )EcrImagePipeline web: not pushing the image: /);
      assert.match(errors[0]!.message, /size budget of 10,485,760 bytes/);
      assert.match(errors[0]!.message, /47,185,920 bytes \(45\.0 MiB, basis: estimate\)/);
      assert.ok(
        !rec.resources.some((r) => r.type === "docker-build:index:Image"),
        "the docker-build Image is never registered, so nothing is built for push",
      );
    } finally {
      process.off("unhandledRejection", capture);
    }
  });

  it("an ECR size over a failing budget fails the deployment after the push, naming both, at the promotion gate", async () => {
    const rec = installMocks();
    // The estimate (45 MiB) passes the 48 MiB budget; ECR then reports 50 MiB.
    const { errors, result } = await runReporting(rec, () =>
      pipeline({ maxImageSizeBytes: 48 * MiB, onBudgetExceeded: "fail" }),
    );
    assert.equal(errors.length, 1, errors.map(String).join("\n"));
    const message = (errors[0] as Error).message;
    assert.match(message, /^EcrImagePipeline web: /);
    assert.match(message, /size budget of 50,331,648 bytes/);
    assert.match(message, /52,428,800 bytes \(50\.0 MiB, basis: ecr\)/);
    // sizeBudget reports it and no longer throws: the gate is the one error (issue 18 item 3).
    const verdict = await valueOf((result as EcrImagePipeline).sizeBudget);
    assert.equal(verdict?.status, "fail");
  });

  it("an image within budget is ok; over a warning budget it warns", async () => {
    installMocks();
    const ok = pipeline({ maxImageSizeBytes: 100 * MiB, onBudgetExceeded: "fail" });
    assert.equal((await valueOf(ok.sizeBudget))?.status, "ok");
    installMocks();
    const warn = pipeline({ maxImageSizeBytes: 10 * MiB });
    assert.equal((await valueOf(warn.sizeBudget))?.status, "warn");
  });

  it("reports Dockerfile findings of the final image", async () => {
    installMocks();
    const naive = pipeline({ context: path.join(fixtures, "naive") });
    const findings = (await valueOf(naive.findings)) ?? [];
    const ids = findings.map((f) => f.id);
    for (const id of ["full-base-image", "root-user", "copy-whole-context", "npm-dev-deps"]) {
      assert.ok(ids.includes(id), `${id} in ${ids.join(", ")}`);
    }
    installMocks();
    const clean = pipeline();
    const cleanFindings = (await valueOf(clean.findings)) ?? [];
    assert.deepEqual(
      cleanFindings.filter((f) => f.severity !== "info").map((f) => f.id),
      [],
    );
  });

  it("judges the stage that is built: a full base in a builder stage matters only when it is the target", async () => {
    const context = path.join(fixtures, "two-stage");
    installMocks();
    const final = pipeline({ context });
    assert.deepEqual(
      ((await valueOf(final.findings)) ?? []).filter((f) => f.severity !== "info").map((f) => f.id),
      [],
    );
    installMocks();
    const builder = pipeline({ context, target: "builder" });
    const ids = ((await valueOf(builder.findings)) ?? []).map((f) => f.id);
    assert.ok(ids.includes("full-base-image"), ids.join(", "));
  });

  describe("a size AWS leaves out falls back to the next basis, saying why (issue 13)", () => {
    const noSize = `aws.ecr.getImage returned no imageSizeInBytes for ${DIGEST}`;
    // The mock's error reaches the program as `new Error(err.details)` (runtime/invoke.js): no message.
    const notFound = `aws.ecr.getImage could not read ${DIGEST} in web (no detail from the provider)`;
    const estimateNote = "local build of the context, gzip layers summed";
    const budgetNote =
      "no ECR size or local estimate is available: using the size budget maxImageSizeBytes=157286400";
    const cases = [
      { ecrImage: "no-size", reason: noSize },
      { ecrImage: "not-found", reason: notFound },
    ] as const;
    for (const { ecrImage, reason } of cases) {
      for (const preview of [false, true]) {
        it(`${ecrImage}, preview=${preview}: basis estimate, then budget`, async () => {
          const rec = installMocks({ preview, ecrImage });
          const p = pipeline({ maxImageSizeBytes: 150 * MiB });
          await settled(p);
          assert.ok(
            rec.calls.some((c) => c.token === "aws:ecr/getImage:getImage"),
            "getImage was asked",
          );
          assert.deepEqual(await valueOf(p.imageSize), {
            bytes: ESTIMATE_BYTES,
            basis: "estimate",
            note: `${reason}, so using basis estimate: ${estimateNote}`,
          });
          assert.equal(await isKnown(p.imageSizeBytes), true);
          assert.equal(await valueOf(p.imageSizeBytes), undefined);
          assert.equal(await valueOf(p.imageUri), `${REGISTRY}/web@${DIGEST}`);
          assert.equal((await valueOf(p.monthlyCost))?.assumptions.imageBytes, ESTIMATE_BYTES);
          assert.match((await valueOf(p.costReport)) ?? "", /estimate/);
          assert.equal((await valueOf(p.sizeBudget))?.status, "ok");

          installMocks({ preview, ecrImage, estimateBytes: undefined });
          const noEngine = pipeline({ maxImageSizeBytes: 150 * MiB });
          await settled(noEngine);
          assert.deepEqual(await valueOf(noEngine.imageSize), {
            bytes: 150 * MiB,
            basis: "budget",
            note: `${reason}, so using basis budget: ${budgetNote}`,
          });
          assert.equal(await isKnown(noEngine.costReport), true);
        });
      }
    }

    it("a region aws.getRegion leaves out prices us-east-1 and says so", async () => {
      installMocks({ regionAbsent: true });
      const p = pipeline();
      await settled(p);
      assert.equal((await valueOf(p.monthlyCost))?.assumptions.region, "us-east-1");
    });
  });

  describe("costChange: the deployed image next to this change, known in preview (issue 10 item 5)", () => {
    const DEPLOYED_TAG = "ctx-a1a1a1a1a1a1a1a1";
    const estimateNote = "local build of the context, gzip layers summed";
    const tagLookups = (rec: ReturnType<typeof installMocks>) =>
      rec.calls
        .filter((c) => c.token === "aws:ecr/getImage:getImage" && "imageTag" in c.inputs)
        .map((c) => c.inputs);
    const reportTail = async (p: EcrImagePipeline, lines: number): Promise<string[]> =>
      ((await valueOf(p.costReport)) ?? "").split("\n").slice(-lines);

    it("preview of a changed image, deployed image found: both priced alike, exact differences, four report lines", async () => {
      const rec = installMocks({ preview: true, imageChanged: true, deployedBuild: "other" });
      const p = pipeline();
      await settled(p);
      assert.equal(await isKnown(p.costChange), true);
      assert.equal(await isKnown(p.costReport), true);
      // The default preset keeps 100 builds (the deployed one the newest, issue 18), plus the cache: 101
      // images' worth stored, at $0.10/GB-month in us-east-1. 57,671,680 × 101 = 5,824,839,680 bytes.
      const change = await valueOf(p.costChange);
      assert.deepEqual(change, {
        status: "compared",
        note: `deployed image ${DEPLOYED_TAG} (basis ecr) next to this change (basis estimate)`,
        deployed: {
          basis: "ecr",
          sizeBytes: DEPLOYED_SIZE_BYTES,
          storedBytes: 5_824_839_680,
          monthlyUsd: 0.54248046875,
          note: `imageSizeInBytes of ${DEPLOYED_TAG} in ECR (the deployed image)`,
        },
        change: {
          basis: "estimate",
          sizeBytes: ESTIMATE_BYTES,
          storedBytes: 4_765_777_920,
          monthlyUsd: 0.44384765625,
          note: estimateNote,
        },
        difference: { sizeBytes: -10_485_760, storedBytes: -1_059_061_760, monthlyUsd: -0.0986328125 },
      });
      // The change side is the pipeline's own monthlyCost.
      const cost = await valueOf(p.monthlyCost);
      assert.equal(change?.change?.storedBytes, cost?.assumptions.storedBytes);
      assert.equal(change?.change?.monthlyUsd, cost?.totalUsd);
      assert.deepEqual(tagLookups(rec), [{ repositoryName: "web", imageTag: DEPLOYED_TAG }]);
      assert.deepEqual(await reportTail(p, 5), [
        `size basis: estimate - ${estimateNote}${WHOLE_IMAGE_NOTE}`,
        `change vs deployed image: deployed image ${DEPLOYED_TAG} (basis ecr) next to this change (basis estimate)`,
        "  image size: 57,671,680 -> 47,185,920 bytes (-10,485,760, -18.2%)",
        "  stored bytes: 5,824,839,680 -> 4,765,777,920 bytes (-1,059,061,760, -18.2%)",
        "  monthly USD: 0.54 -> 0.44 (-0.10, -18.2%)",
      ]);
    });

    it("a deployed build with this hash but another compression (gzip -> zstd) is looked up and compared, never called unchanged", async () => {
      const rec = installMocks({ preview: true, imageChanged: true, deployedCompression: "gzip" });
      const p = pipeline({ compression: "zstd" });
      await settled(p);
      const change = await valueOf(p.costChange);
      const [lookup] = tagLookups(rec);
      const tag = String(lookup?.imageTag);
      assert.match(tag, /^ctx-[0-9a-f]{16}$/);
      assert.notEqual(tag, DEPLOYED_TAG, "this build's own content tag");
      assert.equal(change?.status, "compared");
      assert.equal(
        change?.note,
        `deployed image ${tag} (gzip layers; this change: zstd) (basis ecr) next to this change (basis estimate)`,
      );
      assert.deepEqual(change?.difference?.sizeBytes, ESTIMATE_BYTES - DEPLOYED_SIZE_BYTES);
      // Outside a preview, update recorded zstd: nothing to compare.
      installMocks({ preview: false, deployedCompression: "gzip" });
      assert.equal((await valueOf(pipeline({ compression: "zstd" }).costChange))?.status, "unchanged");
    });

    it("several platforms: the deployed platforms' images are read by their tags, the largest counts (as ECR sizes an index)", async () => {
      const rec = installMocks({ preview: true, imageChanged: true, deployedBuild: "other" });
      const p = pipeline({ platforms: ["linux/amd64", "linux/arm64"] });
      await settled(p);
      const change = await valueOf(p.costChange);
      assert.deepEqual(change?.deployed?.sizeBytes, 30_000_000);
      assert.equal(
        change?.deployed?.note,
        `imageSizeInBytes of ${DEPLOYED_TAG}-amd64 + ${DEPLOYED_TAG}-arm64 in ECR, the largest (one platform's image, as ECR sizes an index)`,
      );
      assert.equal(change?.difference?.sizeBytes, ESTIMATE_BYTES - 30_000_000);
      assert.deepEqual(tagLookups(rec), [
        { repositoryName: "web", imageTag: `${DEPLOYED_TAG}-amd64` },
        { repositoryName: "web", imageTag: `${DEPLOYED_TAG}-arm64` },
      ]);
    });

    for (const deployedImage of ["not-found", "no-size"] as const) {
      it(`preview of a changed image, deployed image ${deployedImage}: this change alone and why, never an error`, async () => {
        installMocks({ preview: true, imageChanged: true, deployedBuild: "other", deployedImage });
        const p = pipeline();
        await settled(p);
        const reason =
          deployedImage === "not-found"
            ? // The mock's error reaches the program as `new Error(err.details)` (runtime/invoke.js): no message.
              `aws.ecr.getImage could not read the deployed image ${DEPLOYED_TAG} in web (no detail from the provider)`
            : `aws.ecr.getImage returned no imageSizeInBytes for the deployed image ${DEPLOYED_TAG}`;
        const change = await valueOf(p.costChange);
        assert.deepEqual(change, {
          status: "deployed-unknown",
          note: `${reason}: this change is not compared`,
          change: {
            basis: "estimate",
            sizeBytes: ESTIMATE_BYTES,
            storedBytes: 4_765_777_920,
            monthlyUsd: 0.44384765625,
            note: estimateNote,
          },
        });
        assert.deepEqual(await reportTail(p, 2), [
          `size basis: estimate - ${estimateNote}${WHOLE_IMAGE_NOTE}`,
          `change vs deployed image: ${reason}: this change is not compared`,
        ]);
        assert.equal((await valueOf(p.monthlyCost))?.assumptions.imageBytes, ESTIMATE_BYTES);
      });
    }

    for (const preview of [true, false]) {
      it(`unchanged image, preview=${preview}: no lookup, no comparison, the report as before`, async () => {
        const rec = installMocks({ preview });
        const p = pipeline();
        await settled(p);
        assert.equal(await isKnown(p.costChange), true);
        const change = await valueOf(p.costChange);
        assert.equal(change?.status, "unchanged");
        assert.match(
          change?.note ?? "",
          /^the deployed build has this build's context hash \(ctx-[0-9a-f]{16}\): nothing else to compare with$/,
        );
        assert.deepEqual(tagLookups(rec), []);
        assert.deepEqual(await reportTail(p, 1), [
          `size basis: ecr - imageSizeInBytes of ${DIGEST} in ECR; storage: no layers measured, so the whole-image model (every kept build stores every platform's whole image, the cache as big as the image)`,
        ]);
      });
    }

    it("after `up` of a changed image: the estimate records this build as deployed, so nothing is compared", async () => {
      // preview=false: the provider's update wrote this build's hash (test/size/deployed-context-hash.test.ts).
      const rec = installMocks({ preview: false, deployedBuild: "other" });
      const p = pipeline();
      await settled(p);
      assert.equal((await valueOf(p.costChange))?.status, "unchanged");
      assert.deepEqual(tagLookups(rec), []);
    });

    for (const preview of [true, false]) {
      it(`first deployment, preview=${preview}: nothing deployed, said so in preview`, async () => {
        const rec = installMocks({ preview, imageChanged: true, deployedBuild: "none" });
        const p = pipeline();
        await settled(p);
        assert.equal(await isKnown(p.costChange), true);
        assert.deepEqual(tagLookups(rec), []);
        if (preview) {
          const note = "nothing is deployed yet (first deployment): no deployed image to compare with";
          assert.deepEqual(await valueOf(p.costChange), { status: "first-deployment", note });
          assert.deepEqual(await reportTail(p, 1), [`change vs deployed image: ${note}`]);
        } else {
          // create wrote this build's hash: the deployed image is this one.
          assert.equal((await valueOf(p.costChange))?.status, "unchanged");
        }
      });
    }

    for (const preview of [true, false]) {
      it(`an estimate state from before deployedContextHash, preview=${preview}: known, not compared, report unchanged`, async () => {
        const rec = installMocks({ preview, deployedBuild: "absent" });
        const p = pipeline();
        await settled(p);
        assert.equal(await isKnown(p.costChange), true);
        assert.deepEqual(await valueOf(p.costChange), {
          status: "not-compared",
          note: "the size estimate does not say which build is deployed (its state predates deployedContextHash, which the next change records): nothing compared",
        });
        assert.deepEqual(tagLookups(rec), []);
        assert.deepEqual(await reportTail(p, 1), [
          `size basis: ecr - imageSizeInBytes of ${DIGEST} in ECR; storage: no layers measured, so the whole-image model (every kept build stores every platform's whole image, the cache as big as the image)`,
        ]);
      });
    }

    it("size estimation off: not compared, and says why", async () => {
      installMocks({ preview: true, imageChanged: true });
      const p = pipeline({ estimateSize: false });
      await settled(p);
      assert.deepEqual(await valueOf(p.costChange), {
        status: "not-compared",
        note: "size estimation is off (estimateSize: false): the deployed build is not known, so nothing is compared",
      });
    });
  });

  it("rejects bad size and profile args before registering anything", () => {
    const rec = installMocks();
    assert.throws(() => pipeline({ maxImageSizeBytes: -1 }), {
      message:
        'EcrImagePipeline: invalid argument "maxImageSizeBytes": got -1. Use a positive number of bytes, e.g. 200 * 1024 ** 2 for 200 MiB, or leave it unset for no budget.',
    });
    const pushesRule =
      "Use a finite number from 0 to 100000000000 (the cost model counts at most 1000000000000 image pushes a day, and a build pushes an image per platform plus an index).";
    assert.throws(() => pipeline({ pushesPerDay: Number.NaN }), {
      message: `EcrImagePipeline: invalid argument "pushesPerDay": got NaN. ${pushesRule}`,
    });
    // Past the bound costFor would have rejected it during the preview, under the retention model's own key.
    assert.throws(() => pipeline({ pushesPerDay: 5e11 }), {
      message: `EcrImagePipeline: invalid argument "pushesPerDay": got 500000000000. ${pushesRule}`,
    });
    assert.throws(() => pipeline({ onBudgetExceeded: "stop" as never }), {
      message:
        'EcrImagePipeline: invalid argument "onBudgetExceeded": got "stop". Use one of "warn", "fail".',
    });
    assert.throws(() => pipeline({ pullsPerMonthViaInterfaceEndpoint: -1 }), {
      message:
        'EcrImagePipeline: invalid argument "pullsPerMonthViaInterfaceEndpoint": got -1. Use a finite number >= 0.',
    });
    assert.throws(() => pipeline({ pullsPerMonthViaInterfaceEndpoint: Number.POSITIVE_INFINITY }), {
      message:
        'EcrImagePipeline: invalid argument "pullsPerMonthViaInterfaceEndpoint": got Infinity. Use a finite number >= 0.',
    });
    assert.throws(() => pipeline({ rescanDuration: "DAYS_7" as never }), {
      message:
        'EcrImagePipeline: invalid argument "rescanDuration": got "DAYS_7". Use one of "DAYS_14", "DAYS_30", "DAYS_60", "DAYS_90", "DAYS_180", "LIFETIME".',
    });
    assert.throws(() => pipeline({ pullBytes: "layers" as never }), {
      message:
        'EcrImagePipeline: invalid argument "pullBytes": got "layers". Use one of "image", "renewedLayers".',
    });
    assert.deepEqual(rec.resources, []);
  });
});
