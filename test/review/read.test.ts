import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { costJsonText } from "../../components/review/document";
import { readStackFile, STREAMING_FIX, type StackReading } from "../../components/review/read";
import {
  devDocument,
  engineEventsText,
  FIXTURES,
  previewDigestJson,
  prodDocument,
  stackOutputJson,
  stagingDocument,
  threeStacks,
  UNKNOWN,
} from "../../tools/lib/review-fixtures";
import { assertCostDocument } from "../helpers/cost-schema";

const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), "utf8");

function summary(reading: StackReading) {
  return {
    stack: reading.stack,
    shape: reading.shape,
    pipelines: reading.documents.map((document) => document.pipeline),
    problems: reading.problems,
  };
}

const EXPORT_FIX =
  "export the pipeline's costJson from the program (export const costJson = pipeline.costJson).";

describe("readStackFile", () => {
  it("reads the three shapes Pulumi prints: stack output, preview digest, engine events", () => {
    const readings = threeStacks().map(readStackFile);
    assert.deepEqual(readings.map(summary), [
      { stack: "dev", shape: "stack-outputs", pipelines: ["app-dev"], problems: [] },
      { stack: "staging", shape: "preview-digest", pipelines: ["app-staging"], problems: [] },
      { stack: "prod", shape: "engine-events", pipelines: ["app-prod"], problems: [] },
    ]);
    assert.deepEqual(readings[2]!.documents[0], prodDocument());
    for (const reading of readings) reading.documents.forEach(assertCostDocument);
  });

  it("pulumi/pulumi's stack_outputs program: outputs without a cost document, named with the fix", () => {
    assert.deepEqual(
      summary(readStackFile({ file: "stack-outputs.json", text: fixture("stack-outputs.json") })),
      {
        stack: "stack-outputs",
        shape: "stack-outputs",
        pipelines: [],
        problems: [
          `stack-outputs.json (stack stack-outputs): no cost output (an object of kind "ecr-pipeline/cost") among the outputs foo, xyz; ${EXPORT_FIX}`,
        ],
      },
    );
    assert.equal(
      readStackFile({ file: "out.json", text: fixture("stack-outputs.json"), stack: "dev" }).stack,
      "dev",
    );
  });

  it("pulumi/pulumi's stack_outputs program previewed with --json: the digest holds no new outputs, and says how to get them", () => {
    const reading = readStackFile({
      file: "preview.json",
      text: fixture("stack-outputs-preview-digest.json"),
    });
    assert.deepEqual(summary(reading), {
      stack: "dev",
      shape: "preview-digest",
      pipelines: [],
      problems: [
        `preview.json (stack dev): this preview digest has no outputs for the stack (its newState.outputs is empty): \`pulumi preview --json\` writes the stack's state before the program registers its outputs; ${STREAMING_FIX}.`,
      ],
    });
  });

  it("pulumi/pulumi's golden preview event stream: a stack that registers no outputs", () => {
    const reading = readStackFile({
      file: "events.ndjson",
      text: fixture("lifecycletest-preview-eventstream.ndjson"),
    });
    assert.deepEqual(summary(reading), {
      stack: "test",
      shape: "engine-events",
      pipelines: [],
      problems: [
        `events.ndjson (stack test): no cost output (an object of kind "ecr-pipeline/cost") among no outputs; ${EXPORT_FIX}`,
      ],
    });
  });

  it("a document of another schema version: named with the file, stack and output", () => {
    const document = { ...devDocument(), schemaVersion: 2 };
    const reading = readStackFile({
      file: "dev.json",
      text: stackOutputJson({ costJson: JSON.stringify(document) }),
    });
    assert.deepEqual(reading.problems, [
      "dev.json (stack dev), output costJson: schemaVersion 2 is not 1, the version this review command reads; run the review command of the ecr-pipeline version that wrote it.",
    ]);
    assert.deepEqual(reading.documents, []);
  });

  it("a preview whose cost output is unknown until `up`: says so, with Pulumi's placeholder", () => {
    const reading = readStackFile({
      file: "prod.ndjson",
      text: engineEventsText("prod", { costJson: UNKNOWN, imageUri: UNKNOWN }),
    });
    assert.deepEqual(reading.problems, [
      `prod.ndjson (stack prod): no cost output is known yet: costJson, imageUri are not known until \`pulumi up\` (Pulumi's placeholder ${UNKNOWN}).`,
    ]);
  });

  it("a cost document with one unknown field: names the field", () => {
    const document = JSON.parse(costJsonText(prodDocument())) as { totals: Record<string, unknown> };
    document.totals.monthlyUsd = UNKNOWN;
    const reading = readStackFile({
      file: "prod.ndjson",
      text: engineEventsText("prod", { costJson: document }),
    });
    assert.deepEqual(reading.problems, [
      `prod.ndjson (stack prod), output costJson: costJson.totals.monthlyUsd is not known until \`pulumi up\` (Pulumi's placeholder ${UNKNOWN}), so this preview's cost is incomplete.`,
    ]);
  });

  it("a preview digest holding the deployed stack's document (computedIn update): refused, with the fix", () => {
    const reading = readStackFile({
      file: "dev.json",
      text: previewDigestJson("dev", { costJson: costJsonText(devDocument()) }),
    });
    assert.deepEqual(reading.problems, [
      `dev.json (stack dev), output costJson: this is the deployed stack's cost (computedIn "update"), which the preview digest copied, not this preview's; ${STREAMING_FIX}.`,
    ]);
  });

  it("a preview a failing guardrail stopped: no outputs, and the run's error says why", () => {
    const error =
      "EcrImagePipeline app-prod: maxMonthlyIncreaseUsd: this change raises the monthly cost by $3.21 ($12.72 -> $15.93), over the limit of $2.50. Moved most: pulls via NAT gateway +$2.64 ($5.93 -> $8.57).";
    const deployed = { costJson: costJsonText({ ...prodDocument(), computedIn: "update" }) };
    const reading = readStackFile({
      file: "prod.ndjson",
      text: engineEventsText("prod", undefined, [error], deployed),
    });
    assert.deepEqual(reading.problems, [
      "prod.ndjson (stack prod), output costJson: this is the deployed stack's cost (computedIn \"update\"), which the preview's events repeat before the program registers its outputs; this preview registered none.",
      `prod.ndjson (stack prod): the run reported an error: ${error}`,
    ]);
    const firstStack = readStackFile({
      file: "prod.ndjson",
      text: engineEventsText("prod", undefined, [error]),
    });
    assert.deepEqual(firstStack.problems, [
      `prod.ndjson (stack prod): no cost output (an object of kind "ecr-pipeline/cost") among no outputs; ${EXPORT_FIX}`,
      `prod.ndjson (stack prod): the run reported an error: ${error}`,
    ]);
  });

  it("secret outputs: says to show them", () => {
    const reading = readStackFile({
      file: "prod.json",
      text: stackOutputJson({ costJson: "[secret]" }),
      stack: "prod",
    });
    assert.deepEqual(reading.problems, [
      'prod.json (stack prod): no cost output found; costJson is secret ("[secret]"): run `pulumi stack output --json --show-secrets`.',
    ]);
  });

  it("a document missing a field the review reads", () => {
    const { lines: _lines, ...document } = stagingDocument();
    const reading = readStackFile({ file: "s.json", text: stackOutputJson({ costJson: document }) });
    assert.deepEqual(reading.problems, [
      "s.json (stack staging), output costJson: field lines is missing or malformed; the document does not match schema version 1.",
    ]);
  });

  it("not JSON, and JSON of another kind", () => {
    assert.deepEqual(readStackFile({ file: "x.json", text: "Previewing update (prod):\n" }).problems, [
      "x.json (stack x): not JSON: Unexpected token 'P', \"Previewing\"... is not valid JSON.",
    ]);
    assert.deepEqual(readStackFile({ file: "y.json", text: "[1, 2]" }).problems, [
      "y.json (stack y): a JSON array, but not Pulumi engine events; expected the output of `pulumi stack output --json` or `pulumi preview --json`.",
    ]);
  });

  it("one cost document on its own: the costJson step output of pulumi/actions written to a file", () => {
    const reading = readStackFile({
      file: "cost-prod.json",
      text: costJsonText({ ...prodDocument(), computedIn: "update" }),
    });
    assert.deepEqual(summary(reading), {
      stack: "prod",
      shape: "cost-document",
      pipelines: ["app-prod"],
      problems: [],
    });
  });

  it("several pipelines in one stack, as objects or JSON text", () => {
    const reading = readStackFile({
      file: "prod.json",
      text: stackOutputJson({
        api: prodDocument(),
        worker: costJsonText({ ...prodDocument(), pipeline: "worker-prod" }),
      }),
    });
    assert.deepEqual(summary(reading), {
      stack: "prod",
      shape: "stack-outputs",
      pipelines: ["app-prod", "worker-prod"],
      problems: [],
    });
  });
});
