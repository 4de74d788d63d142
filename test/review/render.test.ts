import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { costJsonText } from "../../components/review/document";
import { readStackFile } from "../../components/review/read";
import { markdownText, mergeReview, renderMarkdown, renderText } from "../../components/review/render";
import {
  devDocument,
  engineEventsText,
  prodDocument,
  stackOutputJson,
  stagingDocument,
  threeStacks,
} from "./fixtures";
import { assertCostReview } from "./schema";

const EXPECTED = path.join(__dirname, "..", "fixtures", "review");
const expected = (name: string) => fs.readFileSync(path.join(EXPECTED, name), "utf8");

/*
 * test/fixtures/review/three-stacks.md and .txt, checked by hand against the cost model (USD per month):
 *   prod, this change: storage (130 + 100 x 9 + 420) MiB = 1.416 GB x 0.10 = 0.14; NAT 1500 x 130 MiB =
 *     190.430 GB x 0.045 = 8.57; cross-region 38.086 GB x 0.02 = 0.76; scans 60.8 x 0.09 = 5.47; rescans
 *     min(101, 60.8 / 30.4 x 14 + 1) = 29 x 0.01 = 0.29; replica 0.14 + 60.8 x 9 MiB = 0.534 GB x 0.02 = 0.01
 *     -> 15.39. Deployed (90 MiB, 5 MiB renewed, 400 MiB cache): 0.10 + 5.93 + 0.53 + 5.76 + 0.10 + 0.01
 *     = 12.42. Change +2.97, over the 2.50 guardrail (warn); NAT moved most (+2.64).
 *   staging: 40 -> 45 MiB, eu-west-1 (storage $0.10, NAT $0.048, both unverified): 0.48 -> 0.54, +12.5 %.
 *   dev: unchanged, 0.196 GB x 0.10 = 0.02.   Totals: 0.02 + 0.48 + 12.42 = 12.92; 0.02 + 0.54 + 15.39 = 15.95.
 */
describe("the cost review of several stacks", () => {
  const readings = threeStacks().map(readStackFile);

  it("turns three stacks (stack output, preview digest, engine events) into one exact Markdown comment", () => {
    assert.equal(renderMarkdown(readings), expected("three-stacks.md"));
  });

  it("and into one exact plain table for a terminal", () => {
    assert.equal(renderText(readings), expected("three-stacks.txt"));
  });

  it("and merges them into one JSON that matches its schema", () => {
    const review = mergeReview(readings);
    assertCostReview(review);
    assert.deepEqual(
      {
        ...review,
        stacks: review.stacks.map(({ stack, file, shape, problems }) => ({ stack, file, shape, problems })),
      },
      {
        kind: "ecr-pipeline/cost-review",
        schemaVersion: 1,
        status: "warn",
        blocksPromotion: false,
        notReported: [],
        totals: {
          pipelines: 3,
          compared: 3,
          monthlyUsd: 15.95,
          deployedMonthlyUsd: 12.92,
          differenceUsd: 3.03,
        },
        stacks: [
          { stack: "dev", file: "dev.json", shape: "stack-outputs", problems: [] },
          { stack: "staging", file: "staging.json", shape: "preview-digest", problems: [] },
          { stack: "prod", file: "prod.ndjson", shape: "engine-events", problems: [] },
        ],
      },
    );
    assert.deepEqual(review.stacks[1]!.documents, [stagingDocument()]);
  });

  describe("with bad input, the other stacks are still reported", () => {
    const guardrailError =
      "EcrImagePipeline app-prod: maxMonthlyIncreaseUsd: this change raises the monthly cost by $2.97 ($12.42 -> $15.39), over the limit of $2.50. Moved most: pulls via NAT gateway +$2.64 ($5.93 -> $8.57).";
    const mixed = [
      { file: "dev.json", text: stackOutputJson({ costJson: costJsonText(devDocument()) }) },
      {
        file: "staging.json",
        text: stackOutputJson({
          costJson: costJsonText({ ...stagingDocument(), schemaVersion: 2 } as never),
        }),
      },
      { file: "prod.ndjson", text: engineEventsText("prod", undefined, [guardrailError]) },
      { file: "qa.json", text: stackOutputJson({ repositoryUrl: "x" }), stack: "qa" },
    ].map(readStackFile);

    it("names each bad file and stack in the terminal table", () => {
      assert.equal(
        renderText(mixed),
        `ECR cost review: 4 stacks, 1 pipeline (USD per month)

stack                  pipeline      basis  deployed  this change   change  guardrails
---------------------  ------------  -----  --------  -----------  -------  ----------
dev                    app-dev       ecr        0.02         0.02     0.00  none
staging                not reported          unknown      unknown  unknown  unknown
prod                   not reported          unknown      unknown  unknown  fail
qa                     not reported          unknown      unknown  unknown  unknown
---------------------  ------------  -----  --------  -----------  -------  ----------
total (1 of 4 stacks)  1 pipeline               0.02         0.02     0.00

not reported:
  staging.json (stack staging), output costJson: schemaVersion 2 is not 1, the version this review command reads; run the review command of the ecr-pipeline version that wrote it.
  prod.ndjson (stack prod): no cost output (an object of kind "ecr-pipeline/cost") among no outputs; export the pipeline's costJson from the program (export const costJson = pipeline.costJson).
  prod.ndjson (stack prod): the run reported an error: ${guardrailError}
  qa.json (stack qa): no cost output (an object of kind "ecr-pipeline/cost") among the outputs repositoryUrl; export the pipeline's costJson from the program (export const costJson = pipeline.costJson).
`,
      );
    });

    it("lists them in the Markdown table and under Not reported, a guardrail's stop as a failure", () => {
      const markdown = renderMarkdown(mixed);
      const lines = markdown.split("\n");
      assert.deepEqual(lines.slice(0, 11), [
        "### ECR cost review: $0.00 a month (1 of 4 stacks reported)",
        "",
        "4 stacks, 1 pipeline: **$0.02 a month** with this change, $0.02 deployed. Guardrails: 1 without guardrails. Not reported: staging, prod (stopped by a cost guardrail), qa; see below.",
        "",
        "| Stack | Pipeline | Basis | Deployed | This change | Change | Guardrails |",
        "| :--- | :--- | :--- | ---: | ---: | ---: | :--- |",
        "| dev | app-dev | ecr | $0.02 | $0.02 | $0.00 | none |",
        "| staging | not reported |  | unknown | unknown | unknown | unknown |",
        "| prod | not reported |  | unknown | unknown | unknown | **fail** |",
        "| qa | not reported |  | unknown | unknown | unknown | unknown |",
        "| **Total** (1 of 4 stacks) | 1 pipeline |  | **$0.02** | **$0.02** | **$0.00** | **fail** |",
      ]);
      const notReported = lines.slice(lines.indexOf("#### Not reported"));
      assert.deepEqual(notReported.slice(0, 7), [
        "#### Not reported",
        "",
        "- staging.json (stack staging), output costJson: schemaVersion 2 is not 1, the version this review command reads; run the review command of the ecr-pipeline version that wrote it.",
        '- prod.ndjson (stack prod): no cost output (an object of kind "ecr-pipeline/cost") among no outputs; export the pipeline\'s costJson from the program (export const costJson = pipeline.costJson).',
        "- prod.ndjson (stack prod): the run reported an error: EcrImagePipeline app-prod: maxMonthlyIncreaseUsd: this change raises the monthly cost by $2.97 ($12.42 → $15.39), over the limit of $2.50. Moved most: pulls via NAT gateway +$2.64 ($5.93 → $8.57).",
        '- qa.json (stack qa): no cost output (an object of kind "ecr-pipeline/cost") among the outputs repositoryUrl; export the pipeline\'s costJson from the program (export const costJson = pipeline.costJson).',
        "",
      ]);
      const review = mergeReview(mixed);
      assertCostReview(review);
      assert.deepEqual(
        [review.status, review.blocksPromotion, review.notReported],
        ["fail", true, ["staging", "prod", "qa"]],
      );
    });
  });

  it("a review of nothing reportable says so, and totals nothing", () => {
    const readings = [readStackFile({ file: "x.json", text: "{}" })];
    const lines = renderMarkdown(readings).split("\n");
    assert.equal(lines[0], "### ECR cost review: no cost reported");
    assert.equal(
      lines[7],
      "| **Total** (0 of 1 stack) | 0 pipelines |  | unknown | unknown | unknown | unchecked |",
    );
    assert.equal(
      renderText(readings).split("\n")[6],
      "total (0 of 1 stacks)  0 pipelines           unknown      unknown  unknown",
    );
    assertCostReview(mergeReview(readings));
  });

  it("markdownText keeps user text from turning into markup", () => {
    assert.equal(
      markdownText("a|b <script> *x* _y_ [z](u) `c` # -> \\"),
      "a\\|b &lt;script&gt; \\*x\\* \\_y\\_ \\[z\\](u) \\`c\\` \\# → \\\\",
    );
  });

  it("a stack whose name holds markup stays one cell", () => {
    const document = { ...prodDocument(), pipeline: "app|<b>prod</b>" };
    const markdown = renderMarkdown([
      readStackFile({ file: "p.json", text: stackOutputJson({ costJson: document }), stack: "p|q" }),
    ]);
    assert.ok(
      markdown.includes(
        "| p\\|q | app\\|&lt;b&gt;prod&lt;/b&gt; | estimate | $12.42 | $15.39 | +$2.97 | warn |",
      ),
      markdown,
    );
  });
});
