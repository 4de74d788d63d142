/**
 * The promotion gate and the tags that move and stay, wired (issue 18 items 1 and 3): EcrImagePipeline
 * pushes the image under its content tag only and points each promotion tag (`extraTags`) at it with a
 * docker-build Index of its own, whose source is given only once the size is known and within the budget
 * (ECR's imageSizeInBytes, else the local estimate). Under mocks: every child and the inputs that decide
 * what moves, for one and two platforms, with and without a local estimate. The mechanism on a real
 * registry: test/integration/promotion.test.ts.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ReportedError } from "../../components/common/reported-error";
import { InvalidArgumentError } from "../../components/common/errors";
import { EcrImagePipeline } from "../../components/pipeline";
import type { EcrImagePipelineArgs } from "../../components/settings/pipeline";
import {
  DIGEST,
  ECR_SIZE_BYTES,
  INDEX_DIGEST,
  REGISTRY,
  installMocks,
  runReporting,
  settle,
  valueOf,
  type MockScenario,
  type Recorder,
} from "../helpers/pulumi-mocks";

const hello = path.join(__dirname, "..", "fixtures", "contexts", "hello");
const MiB = 1024 * 1024;
const URL = `${REGISTRY}/web`;
const TAGS = ["deployed-prod", "latest"];
const PLATFORMS = {
  one: ["linux/amd64"],
  two: ["linux/amd64", "linux/arm64"],
} as const;

function pipeline(args: Partial<EcrImagePipelineArgs>, rec: Recorder): EcrImagePipeline {
  return new EcrImagePipeline(
    "web",
    { context: hello, repositoryName: "web", ...args },
    { transformations: rec.transformations },
  );
}

/** Runs a pipeline under the mocks of `scenario`; returns the recorder, the component and the errors reported. */
async function run(scenario: MockScenario, args: Partial<EcrImagePipelineArgs>) {
  const rec = installMocks(scenario);
  const logs = { warn: [] as string[], info: [] as string[] };
  const { warn, info } = pulumi.log;
  pulumi.log.warn = (message: string) => (logs.warn.push(message), Promise.resolve());
  pulumi.log.info = (message: string) => (logs.info.push(message), Promise.resolve());
  try {
    const { errors, result } = await runReporting(rec, () => pipeline(args, rec));
    return { rec, p: result as EcrImagePipeline, errors, logs };
  } finally {
    pulumi.log.warn = warn;
    pulumi.log.info = info;
  }
}

const names = (rec: Recorder, type: string): string[] =>
  rec.resources.filter((r) => r.type === type).map((r) => r.name);
const indexes = (rec: Recorder) => rec.resources.filter((r) => r.type === "docker-build:index:Index");
/** The content tag a pipeline with these args names (it hashes the build inputs, extra tags left out). */
async function contentTagOf(args: Partial<EcrImagePipelineArgs>): Promise<string> {
  const rec = installMocks();
  const p = pipeline({ ...args, estimateSize: false }, rec);
  await settle(p.imageTags);
  return ((await valueOf(p.imageTags)) ?? [])[0] ?? "";
}

/** The one error of a run: a ReportedError shown on the pipeline, with exactly this message. */
function assertOneError(errors: unknown[], p: EcrImagePipeline, message: string | RegExp): void {
  assert.equal(errors.length, 1, errors.map(String).join("\n"));
  const [error] = errors as ReportedError[];
  assert.ok(error instanceof ReportedError, String(error));
  if (typeof message === "string") assert.equal(error.message, message);
  else assert.match(error.message, message);
  assert.equal(error.resource, p, "shown on the EcrImagePipeline the user called");
  assert.equal(error.hideStack, true);
}

describe("the promotion gate, wired: no promotion tag points at an image over budget (issue 18 item 3)", () => {
  for (const [count, platforms] of Object.entries(PLATFORMS)) {
    for (const estimating of [true, false]) {
      const label = `${count} platform${count === "one" ? "" : "s"}, ${estimating ? "with" : "without"} a local estimate`;
      const base = {
        platforms: [...platforms],
        extraTags: TAGS,
        estimateSize: estimating,
        onBudgetExceeded: "fail" as const,
      };

      it(`${label}: within budget, each promotion tag is its own Index over the pushed content image`, async () => {
        const { rec, p, errors } = await run({}, { ...base, maxImageSizeBytes: 100 * MiB });
        assert.deepEqual(errors, []);
        const tag = ((await valueOf(p.imageTags)) ?? [])[0]!;
        const images = platforms.length === 1 ? ["web-image"] : ["web-image-amd64", "web-image-arm64"];
        assert.deepEqual(rec.resources.map((r) => `${r.type}::${r.name}`).sort(), [
          "aws:ecr/lifecyclePolicy:LifecyclePolicy::web-repo-lifecycle",
          "aws:ecr/repository:Repository::web-repo",
          ...images.map((name) => `docker-build:index:Image::${name}`),
          ...(platforms.length === 1 ? [] : ["docker-build:index:Index::web-image"]),
          "docker-build:index:Index::web-image-tag-deployed-prod",
          "docker-build:index:Index::web-image-tag-latest",
          "ecr-pipeline:index:BuildKitImage::web-image",
          "ecr-pipeline:index:EcrImagePipeline::web",
          "ecr-pipeline:index:EcrRepository::web-repo",
          ...(estimating ? ["pulumi-nodejs:dynamic/ecr-pipeline:ImageSizeEstimate::web-size-estimate"] : []),
        ]);
        // The Images carry the content tag only (one per platform: `<tag>-<arch>`).
        assert.deepEqual(
          rec.resources.filter((r) => r.type === "docker-build:index:Image").map((r) => r.inputs.tags),
          platforms.length === 1 ? [[`${URL}:${tag}`]] : [[`${URL}:${tag}-amd64`], [`${URL}:${tag}-arm64`]],
        );
        // Each promotion Index: its one source the pushed content image (the Image's ref, or the content
        // tag's Index), pushed, always retained (Index.Delete deletes by digest: index.go 292-311).
        const source = platforms.length === 1 ? `${URL}:${tag}@${DIGEST}` : `${URL}:${tag}@${INDEX_DIGEST}`;
        const promotions = indexes(rec).filter((r) => r.name.startsWith("web-image-tag-"));
        assert.deepEqual(
          promotions.map((r) => [r.name, r.inputs.tag, r.inputs.sources, r.inputs.push]),
          TAGS.map((t) => [`web-image-tag-${t}`, `${URL}:${t}`, [source], true]),
        );
        for (const promotion of promotions)
          assert.equal(rec.options.find((o) => o.name === promotion.name)?.retainOnDelete, true);
        // latest moves: the repository exempts it from immutability (deployed-* already is).
        assert.deepEqual(
          rec.resources.find((r) => r.type === "aws:ecr/repository:Repository")?.inputs
            .imageTagMutabilityExclusionFilters,
          ["buildcache*", "deployed-*", "latest"].map((filter) => ({ filter, filterType: "WILDCARD" })),
        );
        assert.equal((await valueOf(p.sizeBudget))?.status, "ok");
      });

      it(`${label}: ECR's size over a failing budget: the content tag is pushed, no promotion tag moves, one error`, async () => {
        // ECR reports 50 MiB for the pushed digest, over 48 MiB (the estimate's 45 MiB is within it).
        const { rec, p, errors } = await run({}, { ...base, maxImageSizeBytes: 48 * MiB });
        const tag = ((await valueOf(p.imageTags)) ?? [])[0]!;
        assertOneError(
          errors,
          p,
          `EcrImagePipeline web: ${tag} is ${ECR_SIZE_BYTES} bytes (ECR's imageSizeInBytes), over maxImageSizeBytes=${48 * MiB}: deployed-prod, latest were not pointed at it and stay on the images they named (the image is pushed under ${tag} only). Make the image smaller (the findings say where the bytes are), raise maxImageSizeBytes, or set onBudgetExceeded: "warn".`,
        );
        // Planted: an ungated Index source (sources: [contentRef]): both promotion Indexes were registered.
        assert.deepEqual(
          indexes(rec).map((r) => r.name),
          platforms.length === 1 ? [] : ["web-image"],
          "no promotion Index is created or updated",
        );
        assert.equal(
          names(rec, "docker-build:index:Image").length,
          platforms.length,
          "the content tag is pushed",
        );
        // sizeBudget says so, and no longer throws: the gate is the one error.
        assert.equal((await valueOf(p.sizeBudget))?.status, "fail");
      });

      it(`${label}: preview of a changed image says what will be checked and when, and stops nothing yet`, async () => {
        const { p, errors, logs } = await run(
          { preview: true, imageChanged: true },
          { ...base, maxImageSizeBytes: 48 * MiB },
        );
        assert.deepEqual(errors, []);
        const tag = ((await valueOf(p.imageTags)) ?? [])[0]!;
        const estimate = estimating
          ? `the local estimate is ${45 * MiB} bytes, within it`
          : "no local estimate in this preview";
        const note = `${tag} is pushed; deployed-prod, latest are pointed at it only after ECR reports its imageSizeInBytes and it is within maxImageSizeBytes=${48 * MiB} (${estimate}); otherwise the deployment stops and they stay where they are`;
        assert.deepEqual(
          logs.info.filter((line) => line.startsWith("promotion: ")),
          [`promotion: ${note}`],
        );
        assert.ok((await valueOf(p.sizeBudget))?.message.endsWith(`\nPromotion: ${note}.`));
      });
    }

    it(`${count} platform(s): an estimate over a failing budget stops the deployment before the push: nothing built, nothing promoted`, async () => {
      const { rec, p, errors } = await run(
        {},
        { platforms: [...platforms], extraTags: TAGS, onBudgetExceeded: "fail", maxImageSizeBytes: 40 * MiB },
      );
      assertOneError(
        errors,
        p,
        /^EcrImagePipeline web: not pushing the image: Image size 47,185,920 bytes \(45\.0 MiB, basis: estimate\) exceeds the size budget of 41,943,040 bytes/,
      );
      assert.deepEqual(names(rec, "docker-build:index:Image"), []);
      assert.deepEqual(names(rec, "docker-build:index:Index"), []);
    });

    it(`${count} platform(s): warn: promoted over budget, with a warning`, async () => {
      const { rec, errors, logs } = await run(
        {},
        {
          platforms: [...platforms],
          extraTags: TAGS,
          maxImageSizeBytes: 48 * MiB,
        },
      );
      assert.deepEqual(errors, []);
      assert.equal(indexes(rec).filter((r) => r.name.startsWith("web-image-tag-")).length, 2);
      assert.ok(
        logs.warn.some((line) =>
          line.endsWith(
            `over maxImageSizeBytes=${48 * MiB}; promoted deployed-prod, latest anyway (onBudgetExceeded "warn")`,
          ),
        ),
        logs.warn.join("\n"),
      );
    });

    it(`${count} platform(s): no size at all (ECR reports none, no estimate) with fail: nothing promoted unchecked`, async () => {
      const { rec, p, errors } = await run(
        { ecrImage: "not-found" },
        {
          platforms: [...platforms],
          extraTags: TAGS,
          onBudgetExceeded: "fail",
          maxImageSizeBytes: 100 * MiB,
          estimateSize: false,
        },
      );
      assertOneError(
        errors,
        p,
        /^EcrImagePipeline web: the size of ctx-[0-9a-f]{16} is not known \(aws\.ecr\.getImage could not read sha256:[0-9a-f]+ in web \(no detail from the provider\); no local estimate\), so deployed-prod, latest were not pointed at it: with onBudgetExceeded "fail" nothing is promoted unchecked/,
      );
      assert.deepEqual(
        indexes(rec).map((r) => r.name),
        platforms.length === 1 ? [] : ["web-image"],
      );
    });
  }

  it("no promotion tag: an image over a failing budget still fails the run after the push, naming both sizes", async () => {
    const { p, errors } = await run({}, { maxImageSizeBytes: 48 * MiB, onBudgetExceeded: "fail" });
    assertOneError(
      errors,
      p,
      /^EcrImagePipeline web: Image size 52,428,800 bytes \(50\.0 MiB, basis: ecr\) exceeds the size budget of 50,331,648 bytes/,
    );
  });
});

describe("tags that stay: a version tag pointed at another build is caught before the push (issue 18 item 1)", () => {
  const RELEASE = ["deployed-prod", "release-1.4.0"];
  const OTHER = { imageDigest: `sha256:${"ee".repeat(32)}`, imageSizeInBytes: 40_000_000 };

  for (const [count, platforms] of Object.entries(PLATFORMS)) {
    it(`${count} platform(s): release-1.4.0 names another build and this run builds a new one: stopped in preview, nothing built`, async () => {
      const args = { platforms: [...platforms], extraTags: RELEASE };
      const { rec, p, errors } = await run(
        { preview: true, imageChanged: true, ecrTags: { "release-1.4.0": OTHER } },
        args,
      );
      const tag = await contentTagOf(args);
      assertOneError(
        errors,
        p,
        `EcrImagePipeline: invalid argument "extraTags[1]": "release-1.4.0" already names another image in web (sha256:eeeeeeeeeeee…), and this run builds a new one (${tag}, not in ECR yet); ECR keeps "release-1.4.0" immutable, so moving it would fail with ImageTagAlreadyExistsException after the push. Tag this build with a new version (e.g. "release-1.4.1"), or remove "release-1.4.0" from extraTags to leave it on the image it names.`,
      );
      assert.ok(errors[0] instanceof InvalidArgumentError);
      // Planted: the fixed-tag check out of the Images' dependsOn: the Images were registered.
      assert.deepEqual(names(rec, "docker-build:index:Image"), []);
      // The content tag and the fixed tag were looked up, by tag, in this repository.
      const lookups = rec.calls
        .filter((c) => c.token === "aws:ecr/getImage:getImage" && "imageTag" in c.inputs)
        .map((c) => c.inputs.imageTag);
      assert.deepEqual(lookups.sort(), [tag, "release-1.4.0"].sort());
    });

    it(`${count} platform(s): release-1.4.0 already names this build: recorded (push false), not pushed again`, async () => {
      const args = { platforms: [...platforms], extraTags: RELEASE };
      const tag = await contentTagOf(args);
      const here = { imageDigest: `sha256:${"12".repeat(32)}`, imageSizeInBytes: 30_000_000 };
      // One platform: the version tag names the one-entry index that wraps the image (another digest,
      // the same imageSizeInBytes); several: the content tag's own index (the same digest).
      const release = platforms.length === 1 ? { ...here, imageDigest: `sha256:${"34".repeat(32)}` } : here;
      const { rec, errors } = await run({ ecrTags: { [tag]: here, "release-1.4.0": release } }, args);
      assert.deepEqual(errors, []);
      assert.deepEqual(
        indexes(rec)
          .filter((r) => r.name.startsWith("web-image-tag-"))
          .map((r) => [r.name, r.inputs.push]),
        [
          ["web-image-tag-deployed-prod", true],
          ["web-image-tag-release-1.4.0", false],
        ],
      );
    });
  }

  it("a version tag not in ECR yet is created; a lookup that fails is a warning, not an error", async () => {
    const created = await run({ ecrTags: {} }, { extraTags: ["release-2.0.0"] });
    assert.deepEqual(created.errors, []);
    assert.deepEqual(
      indexes(created.rec).map((r) => [r.name, r.inputs.push]),
      [["web-image-tag-release-2.0.0", true]],
    );
    const failed = await run({ ecrTags: { "release-2.0.0": "error" } }, { extraTags: ["release-2.0.0"] });
    assert.deepEqual(failed.errors, []);
    assert.ok(
      failed.logs.warn.some((line) =>
        line.startsWith(
          'could not check whether extraTags[0] "release-2.0.0" already names another image in web (AccessDeniedException',
        ),
      ),
      failed.logs.warn.join("\n"),
    );
  });

  it("moving tags are never looked up: they are exempt from immutability and follow every build", async () => {
    const { rec, errors } = await run({ ecrTags: {} }, { extraTags: ["deployed-prod", "latest", "main"] });
    assert.deepEqual(errors, []);
    assert.deepEqual(
      rec.calls.filter((c) => c.token === "aws:ecr/getImage:getImage" && "imageTag" in c.inputs),
      [],
    );
  });
});
