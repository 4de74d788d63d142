import assert from "node:assert/strict";
import { formatArgumentProblem } from "../../components/common/argument-problem";
import {
  promotionDecision,
  promotionIndexes,
  promotionPreviewNote,
  type PromotionInput,
} from "../../components/buildkit/promotion";

const MIB = 1024 ** 2;
const input = (overrides: Partial<PromotionInput>): PromotionInput => ({
  contentTag: "ctx-0123456789abcdef",
  contentRef: "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:ctx-0123456789abcdef@sha256:aa",
  tags: ["deployed-prod", "latest"],
  ecr: { bytes: 100 * MIB },
  budget: { maxImageSizeBytes: 200 * MIB, onBudgetExceeded: "fail" },
  ...overrides,
});
const errorOf = (overrides: Partial<PromotionInput>) => {
  const decision = promotionDecision(input(overrides));
  assert.equal(decision.promote, false);
  return formatArgumentProblem("EcrImagePipeline web", decision.error!);
};

describe("promotion gate: no promotion tag points at an image over budget (issue 18 item 3)", () => {
  it("within budget by ECR's size: promoted, every tag pushed", () =>
    assert.deepEqual(promotionDecision(input({})), {
      promote: true,
      size: { bytes: 100 * MIB, basis: "ecr" },
      push: { "deployed-prod": true, latest: true },
    }));

  it("the issue's case: over budget with onBudgetExceeded fail and no local estimate: nothing promoted", () =>
    assert.equal(
      errorOf({ ecr: { bytes: 300 * MIB } }),
      'EcrImagePipeline web: invalid argument "maxImageSizeBytes": ctx-0123456789abcdef is 314572800 bytes (ECR\'s imageSizeInBytes), over maxImageSizeBytes=209715200: deployed-prod, latest were not pointed at it and stay on the images they named (the image is pushed under ctx-0123456789abcdef only). Make the image smaller (the findings say where the bytes are), raise maxImageSizeBytes, or set onBudgetExceeded: "warn".',
    ));

  it("ECR's size wins over the estimate (the estimate said within, ECR says over): not promoted", () =>
    assert.equal(
      promotionDecision(input({ ecr: { bytes: 300 * MIB }, estimate: 100 * MIB })).promote,
      false,
    ));

  it("no ECR size but an estimate within budget: promoted on the estimate", () =>
    assert.deepEqual(
      promotionDecision(input({ ecr: { missing: "not found yet" }, estimate: 150 * MIB })).size,
      {
        bytes: 150 * MIB,
        basis: "estimate",
      },
    ));

  it("no size at all with fail: nothing promoted unchecked", () =>
    assert.equal(
      errorOf({ ecr: { missing: "aws.ecr.getImage returned no imageSizeInBytes for sha256:aa" } }),
      'EcrImagePipeline web: invalid argument "maxImageSizeBytes": the size of ctx-0123456789abcdef is not known (aws.ecr.getImage returned no imageSizeInBytes for sha256:aa; no local estimate), so deployed-prod, latest were not pointed at it: with onBudgetExceeded "fail" nothing is promoted unchecked (the image is pushed under ctx-0123456789abcdef only). Run the deployment again once ECR reports the image (getImage by digest), turn the local estimate on (estimateSize), or set onBudgetExceeded: "warn".',
    ));

  it("warn: promoted over budget, with the warning", () =>
    assert.deepEqual(
      promotionDecision(
        input({
          ecr: { bytes: 300 * MIB },
          budget: { maxImageSizeBytes: 200 * MIB, onBudgetExceeded: "warn" },
        }),
      ),
      {
        promote: true,
        size: { bytes: 300 * MIB, basis: "ecr" },
        push: { "deployed-prod": true, latest: true },
        warning:
          'ctx-0123456789abcdef is 314572800 bytes (ECR\'s imageSizeInBytes), over maxImageSizeBytes=209715200; promoted deployed-prod, latest anyway (onBudgetExceeded "warn")',
      },
    ));

  it("no budget: promoted whatever the size", () =>
    assert.equal(
      promotionDecision(
        input({ ecr: { missing: "x" }, budget: { maxImageSizeBytes: undefined, onBudgetExceeded: "fail" } }),
      ).promote,
      true,
    ));

  it("exactly the budget is within it", () =>
    assert.equal(promotionDecision(input({ ecr: { bytes: 200 * MIB } })).promote, true));

  it("a fixed tag already on this build is recorded, not pushed again (ECR refuses a second push)", () =>
    assert.deepEqual(
      promotionDecision(
        input({ tags: ["release-1.4.0", "deployed-prod"], fixedAlreadyHere: ["release-1.4.0"] }),
      ).push,
      {
        "release-1.4.0": false,
        "deployed-prod": true,
      },
    ));

  it("one Index per tag, named as several-platform extra tags already are, always retained on delete", () =>
    assert.deepEqual(promotionIndexes("web", "r.example/web", ["deployed-prod", "latest", "deployed-prod"]), [
      { childName: "web-tag-deployed-prod", tag: "r.example/web:deployed-prod", retainOnDelete: true },
      { childName: "web-tag-latest", tag: "r.example/web:latest", retainOnDelete: true },
    ]));

  const notes: [string, Parameters<typeof promotionPreviewNote>[0], string][] = [
    [
      "fail, no estimate (the issue's CI without Docker)",
      {
        contentTag: "ctx-1",
        tags: ["deployed-prod"],
        budget: { maxImageSizeBytes: 100, onBudgetExceeded: "fail" },
        imageChanges: true,
      },
      "ctx-1 is pushed; deployed-prod is pointed at it only after ECR reports its imageSizeInBytes and it is within maxImageSizeBytes=100 (no local estimate in this preview); otherwise the deployment stops and it stays where it is",
    ],
    [
      "fail, with an estimate",
      {
        contentTag: "ctx-1",
        tags: ["deployed-prod", "latest"],
        budget: { maxImageSizeBytes: 100, onBudgetExceeded: "fail" },
        imageChanges: true,
        estimate: 90,
      },
      "ctx-1 is pushed; deployed-prod, latest are pointed at it only after ECR reports its imageSizeInBytes and it is within maxImageSizeBytes=100 (the local estimate is 90 bytes, within it); otherwise the deployment stops and they stay where they are",
    ],
    [
      "warn",
      {
        contentTag: "ctx-1",
        tags: ["latest"],
        budget: { maxImageSizeBytes: 100, onBudgetExceeded: "warn" },
        imageChanges: true,
        estimate: 120,
      },
      "ctx-1 is pushed, then latest is pointed at it; ECR's imageSizeInBytes is compared with maxImageSizeBytes=100 and a warning logged when over (the local estimate is 120 bytes, over it)",
    ],
    [
      "unchanged image",
      {
        contentTag: "ctx-1",
        tags: ["latest"],
        budget: { maxImageSizeBytes: 100, onBudgetExceeded: "fail" },
        imageChanges: false,
      },
      "latest stays on ctx-1 (the image does not change)",
    ],
    [
      "no tags, no budget",
      {
        contentTag: "ctx-1",
        tags: [],
        budget: { maxImageSizeBytes: undefined, onBudgetExceeded: "warn" },
        imageChanges: true,
      },
      "no promotion tags; ctx-1 is pushed without a size budget",
    ],
  ];
  for (const [name, note, expected] of notes)
    it(`preview says: ${name}`, () => assert.equal(promotionPreviewNote(note), expected));
});
