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
} from "../../tools/lib/review-fixtures";
import { assertCostReview } from "../helpers/cost-schema";

const EXPECTED = path.join(__dirname, "..", "fixtures", "review");
const expected = (name: string) => fs.readFileSync(path.join(EXPECTED, name), "utf8");

/*
 * test/fixtures/review/three-stacks.md and .txt, checked by hand against the cost model (components/cost/
 * estimate.ts, assumptions.ts; docs/PRICING.md). USD per month; GB = 1024 MiB; 60.8 pushes = 2 a day.
 *   prod, this change (us-east-1; 130 MiB image, 9 MiB new per build, 420 MiB cache, 101 kept):
 *     storage         (130 + 100 x 9 + 420) MiB = 1450 MiB = 1.416 GB x 0.10          = 0.1416
 *     same region     2000 x 130 MiB = 253.906 GB, free                                 = 0
 *     NAT             1500 x 130 MiB = 190.430 GB x 0.045                               = 8.5693
 *     cross-region     300 x 130 MiB =  38.086 GB x 0.02                                = 0.7617
 *     scans on push   60.8 x 0.09 (account's enhanced scanning, declared)               = 5.4720
 *     rescans         rescansPerMonth 1 > 0 declares CONTINUOUS_SCAN; monitored builds =
 *                     min(101 kept, max(2 a day x 14 days = 28, 1 in use)) = 28 x 1 x 0.01 = 0.2800
 *     replica         no lifecycle policy (replicaRetention "none"), priced at month 12:
 *                     (130 + 420) MiB + (60.8 x 12 - 1) x 9 MiB = 7107.4 MiB = 6.941 GB x 0.10* = 0.6941
 *     replication     60.8 x 9 MiB (replicatedBytesPerPush defaults to the new bytes)
 *                     = 0.534 GB x 0.02                                                 = 0.0107
 *     -> 15.9294 = $15.93.
 *   prod, deployed (90 MiB, 5 MiB new, 400 MiB cache): storage 990 MiB = 0.967 GB -> 0.0967; NAT 131.836 GB
 *     -> 5.9326; cross-region 26.367 GB -> 0.5273; scans 5.4720; rescans 0.2800; replica (90 + 400) MiB +
 *     728.6 x 5 MiB = 4133 MiB = 4.036 GB -> 0.4036; replication 0.297 GB -> 0.0059 -> 12.7182 = $12.72.
 *   Change +3.2112 = +$3.21, over the 2.50 guardrail (warn). Moved most: NAT +2.64, replica +0.29
 *     (0.4036 -> 0.6941), cross-region +0.23; then storage +0.04; rescans did not move.
 *   staging (eu-west-1: storage $0.10, NAT $0.048, both unverified; 20 kept, 6 MiB new, 150 MiB cache):
 *     deployed 40 MiB: (40 + 19 x 6 + 150) MiB = 0.297 GB -> 0.0297, NAT 240 x 40 MiB = 9.375 GB -> 0.4500:
 *     0.4797 = $0.48; this change 45 MiB: 0.302 GB -> 0.0302, 10.547 GB -> 0.5063: 0.5364 = $0.54;
 *     +12.5 % as printed (0.06 / 0.48: guardrails compare the figures as they print), within 15 %.
 *   dev: unchanged, (45 + 9 x 4 + 120) MiB = 0.196 GB x 0.10 = $0.02; same-region pulls and basic scans free.
 *   Totals: 0.02 + 0.48 + 12.72 = 13.22; 0.02 + 0.54 + 15.93 = 16.49; +3.27.
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
          monthlyUsd: 16.49,
          deployedMonthlyUsd: 13.22,
          differenceUsd: 3.27,
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
      "EcrImagePipeline app-prod: maxMonthlyIncreaseUsd: this change raises the monthly cost by $3.21 ($12.72 -> $15.93), over the limit of $2.50. Moved most: pulls via NAT gateway +$2.64 ($5.93 -> $8.57).";
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
        "- prod.ndjson (stack prod): the run reported an error: EcrImagePipeline app-prod: maxMonthlyIncreaseUsd: this change raises the monthly cost by $3.21 ($12.72 → $15.93), over the limit of $2.50. Moved most: pulls via NAT gateway +$2.64 ($5.93 → $8.57).",
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
        "| p\\|q | app\\|&lt;b&gt;prod&lt;/b&gt; | estimate | $12.72 | $15.93 | +$3.21 | warn |",
      ),
      markdown,
    );
  });
});
