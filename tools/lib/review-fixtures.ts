/**
 * Three stacks' cost documents built by the real cost model (estimateMonthlyCost, compareCosts) and the
 * guardrails, then wrapped the way Pulumi's CLI prints them (test/fixtures/pulumi/README.md):
 * - dev: `pulumi stack output --json` after `pulumi up` (the deployed build is this build);
 * - staging: a `pulumi preview --json` digest whose stack `newState.outputs` holds this preview's
 *   document (the case the digest's race allows);
 * - prod: the engine events of `PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true pulumi preview --json`, built
 *   from the golden stream of pulumi/pulumi's lifecycle tests with the stack's final outputs filled in.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { compareCosts, comparedImage } from "../../components/cost/comparison";
import { estimateMonthlyCost } from "../../components/cost/estimate";
import type { CostEstimate, CostEstimateInput } from "../../components/cost/types";
import { buildCostDocument, costJsonText, type CostDocument } from "../../components/review/document";
import { evaluateCostGuardrails, type CostGuardrailSettings } from "../../components/review/guardrails";
import type { KnownImageSize } from "../../components/common/size-basis";

export const MiB = 2 ** 20;
export const FIXTURES = path.join(__dirname, "..", "..", "test", "fixtures", "pulumi");
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function estimateFor(bytes: number, input: Omit<CostEstimateInput, "imageBytes">): CostEstimate {
  return estimateMonthlyCost({ ...input, imageBytes: bytes });
}

/** dev, after `pulumi up`: ECR's size of the deployed image, nothing changed, no guardrails. */
export function devDocument(): CostDocument {
  const size: KnownImageSize = {
    bytes: 47_185_920,
    basis: "ecr",
    note: "imageSizeInBytes of sha256:5d1e...9a0c in ECR",
  };
  const estimate = estimateFor(size.bytes, {
    region: "us-east-1",
    uniqueBytesPerImage: 4 * MiB,
    retainedImages: 10,
    cacheBytes: 120 * MiB,
    pushesPerMonth: 60.8,
    pulls: { sameRegion: 300 },
  });
  const change = {
    status: "unchanged" as const,
    note: "the deployed build has this build's context hash (ctx-3f2a9c1d0b7e6a54): nothing else to compare with",
  };
  const guardrails = evaluateCostGuardrails({ estimate, basis: size.basis, change });
  return buildCostDocument({
    stack: "dev",
    pipeline: "app-dev",
    computedIn: "update",
    size,
    estimate,
    change,
    guardrails,
  });
}

/** One build's image in a preview: the tag it is known by, its size and what of it each push renews. */
interface PreviewImage {
  contentTag: string;
  bytes: number;
  uniqueBytesPerImage: number;
  cacheBytes: number;
}

/**
 * A stack in preview: the deployed image as ECR sizes it against this build's local estimate, both priced
 * with the stack's usage, compared and judged by its guardrails.
 */
function previewDocument(spec: {
  stack: string;
  pipeline: string;
  usage: Omit<CostEstimateInput, "imageBytes" | "uniqueBytesPerImage" | "cacheBytes">;
  deployed: PreviewImage;
  current: PreviewImage;
  settings: CostGuardrailSettings;
}): CostDocument {
  const deployedSize: KnownImageSize = {
    bytes: spec.deployed.bytes,
    basis: "ecr",
    note: `imageSizeInBytes of ${spec.deployed.contentTag} in ECR (the deployed image)`,
  };
  const size: KnownImageSize = {
    bytes: spec.current.bytes,
    basis: "estimate",
    note: `local build of ${spec.current.contentTag}`,
  };
  const priced = ({ uniqueBytesPerImage, cacheBytes }: PreviewImage, bytes: number) =>
    estimateFor(bytes, { ...spec.usage, uniqueBytesPerImage, cacheBytes });
  const deployed = priced(spec.deployed, deployedSize.bytes);
  const estimate = priced(spec.current, size.bytes);
  const change = compareCosts(
    comparedImage(deployedSize, deployed),
    comparedImage(size, estimate),
    spec.deployed.contentTag,
  );
  const guardrails = evaluateCostGuardrails({
    ...spec.settings,
    estimate,
    basis: size.basis,
    change,
    deployedLines: deployed.lines,
  });
  return buildCostDocument({
    stack: spec.stack,
    pipeline: spec.pipeline,
    computedIn: "preview",
    size,
    estimate,
    change,
    deployedLines: deployed.lines,
    guardrails,
  });
}

/** staging, in preview: a bigger image than the deployed one, within its percent guardrail. */
export function stagingDocument(): CostDocument {
  return previewDocument({
    stack: "staging",
    pipeline: "app-staging",
    usage: {
      region: "eu-west-1",
      retainedImages: 20,
      pushesPerMonth: 30.4,
      pulls: { sameRegion: 100, viaNat: 240 },
    },
    deployed: {
      contentTag: "ctx-9b8c7d6e5f4a3b2c",
      bytes: 40 * MiB,
      uniqueBytesPerImage: 6 * MiB,
      cacheBytes: 150 * MiB,
    },
    current: {
      contentTag: "ctx-1a2b3c4d5e6f7a8b",
      bytes: 45 * MiB,
      uniqueBytesPerImage: 6 * MiB,
      cacheBytes: 150 * MiB,
    },
    settings: { maxMonthlyIncreasePercent: 15, onCostGuardrailExceeded: "warn" },
  });
}

/** prod, in preview: the image grew; the total is within its limit, the increase over its limit (warn). */
export function prodDocument(): CostDocument {
  return previewDocument({
    stack: "prod",
    pipeline: "app-prod",
    usage: {
      region: "us-east-1",
      retainedImages: 101,
      pushesPerMonth: 60.8,
      pulls: { sameRegion: 2000, viaNat: 1500, crossRegion: 300 },
      scanning: { mode: "enhanced", rescansPerMonth: 1 },
      replicationRegions: ["us-west-2"],
    },
    deployed: {
      contentTag: "ctx-0f1e2d3c4b5a6978",
      bytes: 90 * MiB,
      uniqueBytesPerImage: 5 * MiB,
      cacheBytes: 400 * MiB,
    },
    current: {
      contentTag: "ctx-8796a5b4c3d2e1f0",
      bytes: 130 * MiB,
      uniqueBytesPerImage: 9 * MiB,
      cacheBytes: 420 * MiB,
    },
    settings: { maxMonthlyUsd: 100, maxMonthlyIncreaseUsd: 2.5, onCostGuardrailExceeded: "warn" },
  });
}

/** What `pulumi stack output --json` prints for a program exporting these outputs (2-space indent). */
export function stackOutputJson(outputs: Record<string, unknown>): string {
  return `${JSON.stringify(outputs, null, 2)}\n`;
}

const stackUrn = (stack: string, project = "app") =>
  `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;

/** A preview digest (pkg/display/json.go PreviewDigest, 4-space MarshalIndent) whose stack step has these new outputs. */
export function previewDigestJson(
  stack: string,
  newOutputs: Record<string, unknown> | undefined,
  oldOutputs?: Record<string, unknown>,
): string {
  const urn = stackUrn(stack);
  const state = (outputs: Record<string, unknown> | undefined) => ({
    urn,
    custom: false,
    type: "pulumi:pulumi:Stack",
    ...(outputs === undefined ? {} : { outputs }),
    customTimeouts: {},
  });
  const digest = {
    steps: [
      {
        op: "same",
        urn,
        ...(oldOutputs === undefined ? {} : { oldState: state(oldOutputs) }),
        newState: state(newOutputs),
        detailedDiff: null,
      },
    ],
    duration: 8_312_004_117,
    changeSummary: { same: 12 },
  };
  return `${JSON.stringify(digest, null, 4)}\n`;
}

/**
 * Engine events of a preview: pulumi/pulumi's golden lifecycle-test stream with its stack renamed, the
 * stack's first resOutputsEvent (its "same" step) repeating `deployedOutputs` and its last one carrying
 * `outputs`; `errors` become error diagnosticEvents, and with `outputs` undefined the last event is
 * dropped (a preview a failing guardrail stopped registers no outputs).
 */
export function engineEventsText(
  stack: string,
  outputs: Record<string, unknown> | undefined,
  errors: string[] = [],
  deployedOutputs: Record<string, unknown> = {},
): string {
  const golden = fs.readFileSync(path.join(FIXTURES, "lifecycletest-preview-eventstream.ndjson"), "utf8");
  const lines = golden
    .trim()
    .split("\n")
    .map((line) =>
      line
        .replaceAll("urn:pulumi:test::test::pulumi:pulumi:Stack::test-test", stackUrn(stack))
        .replaceAll("urn:pulumi:test::test::", `urn:pulumi:${stack}::app::`),
    );
  let last = lines.length - 1;
  while (
    last >= 0 &&
    !(lines[last]!.includes('"resOutputsEvent"') && lines[last]!.includes('"type":"pulumi:pulumi:Stack"'))
  )
    last--;
  type StackEvent = {
    resOutputsEvent: { metadata: { old: { outputs: unknown }; new: { outputs: unknown } } };
  };
  // The stack's first resOutputsEvent (its "same" step) repeats the deployed outputs, old and new.
  const first = lines.findIndex(
    (line) => line.includes('"resOutputsEvent"') && line.includes('"type":"pulumi:pulumi:Stack"'),
  );
  const repeated = JSON.parse(lines[first]!) as StackEvent;
  repeated.resOutputsEvent.metadata.old.outputs = deployedOutputs;
  repeated.resOutputsEvent.metadata.new.outputs = deployedOutputs;
  lines[first] = JSON.stringify(repeated);
  const event = JSON.parse(lines[last]!) as StackEvent;
  event.resOutputsEvent.metadata.old.outputs = deployedOutputs;
  if (outputs === undefined) {
    lines.splice(last, 1);
  } else {
    event.resOutputsEvent.metadata.new.outputs = outputs;
    lines[last] = JSON.stringify(event);
  }
  const diagnostics = errors.map((message) =>
    JSON.stringify({
      sequence: 0,
      timestamp: 0,
      diagnosticEvent: {
        urn: stackUrn(stack),
        prefix: "error: ",
        message,
        color: "never",
        severity: "error",
      },
    }),
  );
  lines.splice(lines.length - 2, 0, ...diagnostics);
  return `${lines.join("\n")}\n`;
}

/** The three stacks' files, as the review command reads them. */
export function threeStacks(): { file: string; text: string }[] {
  return [
    {
      file: "dev.json",
      text: stackOutputJson({
        repositoryUrl: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app-dev",
        costJson: costJsonText(devDocument()),
      }),
    },
    {
      file: "staging.json",
      text: previewDigestJson("staging", { costJson: costJsonText(stagingDocument()) }),
    },
    { file: "prod.ndjson", text: engineEventsText("prod", { costJson: costJsonText(prodDocument()) }) },
  ];
}
