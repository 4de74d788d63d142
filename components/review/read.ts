/**
 * Reads the cost documents (./document.ts) out of what Pulumi's CLI prints, one file per stack, in any
 * of the three shapes below, and says clearly what is wrong with a file instead of failing the others.
 * Pure: text in, documents and problems out (./cli.ts reads the files).
 *
 * The shapes, as pulumi/pulumi writes them (read at commit 1b5949891b3cefcb9974752b24a5ecef0acc86c8):
 * - `pulumi stack output --json`: one object, output name to value; a secret value is "[secret]" unless
 *   `--show-secrets` is given. (Or one cost document on its own: a `costJson` output written to a file.)
 * - `pulumi preview --json` (the "preview digest", pkg/display/json.go `PreviewDigest`, written by
 *   pkg/backend/display/json.go `ShowPreviewDigest`): `{ config, steps: [{ op, urn, oldState, newState,
 *   ... }], diagnostics: [{ urn, message, severity }], duration, changeSummary }`, each state an
 *   apitype.ResourceV3 (`{ urn, type, outputs, ... }`). The stack's outputs are the `newState.outputs` of
 *   the step whose type is `pulumi:pulumi:Stack`. But the digest serializes a step's state when the step
 *   starts (`getPreviewMetadataStep` on the ResourcePreEvent), and the engine fills the stack's outputs in
 *   later: a "same" step copies the old outputs in `SameStep.Apply` (pkg/resource/deploy/step.go), after
 *   the pre-event (pkg/resource/deploy/step_executor.go, `OnResourceStepPre` then `step.Apply`), and the
 *   program's new outputs arrive last (`executeRegisterResourceOutputs`: `reg.New().Outputs = outs`,
 *   stack outputs deferred to the end). So the digest holds no outputs, or the deployed ones, or, by a
 *   race, the new ones (pulumi/pulumi#9571). A document written by `pulumi up` (computedIn "update") in a
 *   preview digest is therefore the deployed one, and is refused with the fix below.
 * - The engine events (`PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true pulumi preview --json`, and `pulumi up
 *   --json`; sdk/go/common/env/env.go `EnableStreamingJSONPreview`): one apitype.EngineEvent per line;
 *   the stack's registered outputs are in the `resOutputsEvent` whose `metadata.type` is
 *   `pulumi:pulumi:Stack`, under `metadata.new.outputs` (pkg/backend/display/events.go
 *   `convertStepEventStateMetadata`). This is the shape to use for a preview.
 * In both preview shapes a value not known until `up` is the string "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
 * (pkg/resource/stack/deployment.go `computedValuePlaceholder`) and a secret is "[secret]".
 */
import { COST_DOCUMENT_KIND, COST_SCHEMA_VERSION, type CostDocument } from "./document";

/** Pulumi's placeholder for a value not known until `up` (pkg/resource/stack/deployment.go). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** What Pulumi's JSON shows for a secret without --show-secrets. */
export const SECRET_VALUE = "[secret]";
const STACK_TYPE = "pulumi:pulumi:Stack";
/** The fix for a preview digest without this preview's outputs. */
export const STREAMING_FIX =
  "run the preview as `PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true pulumi preview --json`, whose resOutputsEvent carries the stack's outputs";

/** One input file: its name (for messages), its text, and the stack label the caller gave, if any. */
export interface StackFile {
  file: string;
  text: string;
  /** From `--stack NAME=FILE`; otherwise the stack comes from the file (URN, documents) or its name. */
  stack?: string;
}

/**
 * What a file held: `pulumi stack output --json`, a preview digest, engine events, or one cost document
 * on its own (the `costJson` step output pulumi/actions sets, written to a file).
 */
export type InputShape = "stack-outputs" | "preview-digest" | "engine-events" | "cost-document";

/** What one file gave: its documents, or why it gave none (or fewer than it should). */
export interface StackReading {
  file: string;
  stack: string;
  shape?: InputShape;
  documents: CostDocument[];
  problems: string[];
}

/** A parsed JSON value. */
type Json = unknown;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** "prod" from "urn:pulumi:prod::proj::pulumi:pulumi:Stack::proj-prod". */
function stackOfUrn(urn: unknown): string | undefined {
  if (typeof urn !== "string") return undefined;
  const match = /^urn:pulumi:([^:]+)::/.exec(urn);
  return match?.[1];
}

function baseName(file: string): string {
  const name = file.split(/[\\/]/).pop() ?? file;
  return name.replace(/\.(ndjson|jsonl|json)$/i, "") || file;
}

/** The error diagnostics of a failed preview, shortened: a failed guardrail says so there. */
function errorsOf(messages: unknown[]): string[] {
  return messages
    .filter((message): message is string => typeof message === "string" && message.trim() !== "")
    .map((message) => {
      const line = message.trim().replace(/\s+/g, " ");
      return line.length > 400 ? `${line.slice(0, 397)}...` : line;
    })
    .slice(0, 3);
}

interface Outputs {
  shape: InputShape;
  outputs?: Record<string, unknown>;
  stack?: string;
  /** Why there are no outputs to read. */
  missing?: string;
  /** Error diagnostics of the run (a preview a guardrail stopped has no outputs, but says why). */
  errors: string[];
  /** The run is a preview (engine events marked `planning`, or a summary with `isPreview`). */
  preview?: boolean;
}

function fromDigest(digest: Record<string, unknown>): Outputs {
  const steps = Array.isArray(digest.steps) ? digest.steps : [];
  const diagnostics = Array.isArray(digest.diagnostics) ? digest.diagnostics : [];
  const errors = errorsOf(
    diagnostics
      .filter((d) => isObject(d) && d.severity === "error")
      .map((d) => (d as Record<string, unknown>).message),
  );
  const step = steps.find(
    (s): s is Record<string, unknown> =>
      isObject(s) &&
      (isObject(s.newState) ? s.newState.type === STACK_TYPE : String(s.urn).includes(`::${STACK_TYPE}::`)),
  );
  const stack = stackOfUrn(step?.urn);
  const outputs = isObject(step?.newState) ? step.newState.outputs : undefined;
  if (!isObject(outputs) || Object.keys(outputs).length === 0) {
    return {
      shape: "preview-digest",
      stack,
      errors,
      missing: `this preview digest has no outputs for the stack (${step === undefined ? "no pulumi:pulumi:Stack step" : "its newState.outputs is empty"}): \`pulumi preview --json\` writes the stack's state before the program registers its outputs; ${STREAMING_FIX}`,
    };
  }
  return { shape: "preview-digest", outputs, stack, errors };
}

function fromEvents(events: Record<string, unknown>[]): Outputs {
  let outputs: Record<string, unknown> | undefined;
  let stack: string | undefined;
  let preview = false;
  const errorMessages: unknown[] = [];
  for (const event of events) {
    const summaryEvent = event.summaryEvent;
    if (isObject(summaryEvent) && summaryEvent.isPreview === true) preview = true;
    const diagnostic = event.diagnosticEvent;
    if (isObject(diagnostic) && diagnostic.severity === "error") errorMessages.push(diagnostic.message);
    const resOutputs = event.resOutputsEvent;
    if (!isObject(resOutputs) || !isObject(resOutputs.metadata)) continue;
    if (resOutputs.planning === true) preview = true;
    const metadata = resOutputs.metadata;
    if (metadata.type !== STACK_TYPE) continue;
    // The last one: a "same" stack step first repeats the deployed outputs, the program's own come last.
    stack = stackOfUrn(metadata.urn) ?? stack;
    if (isObject(metadata.new) && isObject(metadata.new.outputs)) outputs = metadata.new.outputs;
  }
  const errors = errorsOf(errorMessages);
  if (outputs === undefined) {
    return {
      shape: "engine-events",
      stack,
      errors,
      preview,
      missing:
        "these engine events have no resOutputsEvent for the stack (pulumi:pulumi:Stack): the run ended before the program registered its outputs",
    };
  }
  return { shape: "engine-events", outputs, stack, errors, preview };
}

/** Parses the text as one JSON value, or as one JSON value per line (engine events); undefined if neither. */
function parse(text: string): { value: Json } | { lines: Json[] } | { error: string } {
  try {
    return { value: JSON.parse(text) as Json };
  } catch (error) {
    const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
    if (lines.length > 1) {
      try {
        return { lines: lines.map((line) => JSON.parse(line) as Json) };
      } catch {
        // Not line-delimited JSON either: report the whole-document error, the likelier intent.
      }
    }
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function outputsOf(parsed: { value: Json } | { lines: Json[] }): Outputs | { notJson: string } {
  if ("lines" in parsed) {
    const events = parsed.lines.filter(isObject);
    if (events.length === parsed.lines.length && events.some((event) => "sequence" in event))
      return fromEvents(events);
    return { notJson: "one JSON value per line, but not Pulumi engine events" };
  }
  const value = parsed.value;
  if (Array.isArray(value)) {
    const events = value.filter(isObject);
    if (events.length === value.length && events.some((event) => "sequence" in event))
      return fromEvents(events);
    return { notJson: "a JSON array, but not Pulumi engine events" };
  }
  if (!isObject(value)) return { notJson: "not a JSON object" };
  if (Array.isArray(value.steps) || "changeSummary" in value) return fromDigest(value);
  if (
    "sequence" in value &&
    ("resOutputsEvent" in value || "summaryEvent" in value || "preludeEvent" in value)
  ) {
    return fromEvents([value]);
  }
  // One document on its own (a step output of pulumi/actions written to a file): read as one output.
  if (value.kind === COST_DOCUMENT_KIND)
    return { shape: "cost-document", outputs: { costJson: value }, errors: [] };
  return { shape: "stack-outputs", outputs: value, errors: [] };
}

/** The path of the first value in `value` that is Pulumi's unknown placeholder, or undefined. */
function unknownPath(value: unknown, path: string): string | undefined {
  if (value === UNKNOWN_VALUE) return path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unknownPath(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
  } else if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const found = unknownPath(child, `${path}.${key}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/** The first field the review reads that is missing or of the wrong type, as a path; undefined if none. */
export function documentProblem(document: Record<string, unknown>): string | undefined {
  if (typeof document.pipeline !== "string") return "pipeline";
  if (!isObject(document.size) || !isNumber(document.size.bytes) || typeof document.size.basis !== "string")
    return "size";
  if (!isObject(document.totals) || !isNumber(document.totals.monthlyUsd)) return "totals.monthlyUsd";
  if (!Array.isArray(document.lines)) return "lines";
  for (const [i, line] of document.lines.entries()) {
    if (
      !isObject(line) ||
      typeof line.item !== "string" ||
      typeof line.unit !== "string" ||
      typeof line.basis !== "string" ||
      typeof line.verified !== "boolean" ||
      !isNumber(line.quantity) ||
      !isNumber(line.rateUsd) ||
      !isNumber(line.amountUsd)
    ) {
      return `lines[${i}]`;
    }
  }
  const comparison = document.comparison;
  if (comparison !== null) {
    if (
      !isObject(comparison) ||
      typeof comparison.status !== "string" ||
      typeof comparison.note !== "string"
    ) {
      return "comparison";
    }
    if (
      comparison.status === "compared" &&
      (!isObject(comparison.deployed) || !isNumber(comparison.deployed.monthlyUsd))
    ) {
      return "comparison.deployed";
    }
    if (!Array.isArray(comparison.drivers)) return "comparison.drivers";
  }
  const guardrails = document.guardrails;
  if (!isObject(guardrails) || typeof guardrails.status !== "string" || !Array.isArray(guardrails.verdicts)) {
    return "guardrails";
  }
  for (const [i, verdict] of guardrails.verdicts.entries()) {
    if (!isObject(verdict) || typeof verdict.status !== "string" || typeof verdict.message !== "string") {
      return `guardrails.verdicts[${i}]`;
    }
  }
  return undefined;
}

/** A cost document in an output value: the object itself, or JSON text of one (the `costJson` string). */
function asDocument(value: unknown): Record<string, unknown> | undefined {
  if (isObject(value) && value.kind === COST_DOCUMENT_KIND) return value;
  if (typeof value === "string" && value.startsWith("{") && value.includes(COST_DOCUMENT_KIND)) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (isObject(parsed) && parsed.kind === COST_DOCUMENT_KIND) return parsed;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Reads one file. Never throws for bad input: every problem is a sentence naming the file and the stack
 * (and the output), and whatever documents the file holds are still returned.
 */
export function readStackFile(input: StackFile): StackReading {
  const parsed = parse(input.text);
  if ("error" in parsed) {
    const stack = input.stack ?? baseName(input.file);
    return {
      file: input.file,
      stack,
      documents: [],
      problems: [`${input.file} (stack ${stack}): not JSON: ${parsed.error}.`],
    };
  }
  const found = outputsOf(parsed);
  if ("notJson" in found) {
    const stack = input.stack ?? baseName(input.file);
    return {
      file: input.file,
      stack,
      documents: [],
      problems: [
        `${input.file} (stack ${stack}): ${found.notJson}; expected the output of \`pulumi stack output --json\` or \`pulumi preview --json\`.`,
      ],
    };
  }
  const documents: CostDocument[] = [];
  const problems: string[] = [];
  const candidates: [string, Record<string, unknown>][] = [];
  const unknown: string[] = [];
  const secret: string[] = [];
  for (const [name, value] of Object.entries(found.outputs ?? {})) {
    if (value === UNKNOWN_VALUE) unknown.push(name);
    else if (value === SECRET_VALUE) secret.push(name);
    else {
      const document = asDocument(value);
      if (document !== undefined) candidates.push([name, document]);
    }
  }
  const fromDocuments = candidates.map(([, document]) => document.stack).find((s) => typeof s === "string");
  const stack = input.stack ?? found.stack ?? (fromDocuments as string | undefined) ?? baseName(input.file);
  const where = `${input.file} (stack ${stack})`;
  for (const [name, document] of candidates) {
    if (document.schemaVersion !== COST_SCHEMA_VERSION) {
      problems.push(
        `${where}, output ${name}: schemaVersion ${JSON.stringify(document.schemaVersion) ?? "missing"} is not ${COST_SCHEMA_VERSION}, the version this review command reads; run the review command of the ecr-pipeline version that wrote it.`,
      );
      continue;
    }
    const unknownField = unknownPath(document, name);
    if (unknownField !== undefined) {
      problems.push(
        `${where}, output ${name}: ${unknownField} is not known until \`pulumi up\` (Pulumi's placeholder ${UNKNOWN_VALUE}), so this preview's cost is incomplete.`,
      );
      continue;
    }
    const bad = documentProblem(document);
    if (bad !== undefined) {
      problems.push(
        `${where}, output ${name}: field ${bad} is missing or malformed; the document does not match schema version ${COST_SCHEMA_VERSION}.`,
      );
      continue;
    }
    if (found.shape === "preview-digest" && document.computedIn === "update") {
      problems.push(
        `${where}, output ${name}: this is the deployed stack's cost (computedIn "update"), which the preview digest copied, not this preview's; ${STREAMING_FIX}.`,
      );
      continue;
    }
    if (found.shape === "engine-events" && found.preview === true && document.computedIn === "update") {
      problems.push(
        `${where}, output ${name}: this is the deployed stack's cost (computedIn "update"), which the preview's events repeat before the program registers its outputs; this preview registered none.`,
      );
      continue;
    }
    documents.push(document as unknown as CostDocument);
  }
  if (candidates.length === 0) {
    if (found.missing !== undefined) {
      problems.push(`${where}: ${found.missing}.`);
    } else if (unknown.length > 0) {
      problems.push(
        `${where}: no cost output is known yet: ${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not known until \`pulumi up\` (Pulumi's placeholder ${UNKNOWN_VALUE}).`,
      );
    } else if (secret.length > 0) {
      problems.push(
        `${where}: no cost output found; ${secret.join(", ")} ${secret.length === 1 ? "is" : "are"} secret ("[secret]"): run \`pulumi stack output --json --show-secrets\`.`,
      );
    } else {
      const names = Object.keys(found.outputs ?? {});
      problems.push(
        `${where}: no cost output (an object of kind "${COST_DOCUMENT_KIND}") among ${names.length === 0 ? "no outputs" : `the outputs ${names.join(", ")}`}; export the pipeline's costJson from the program (export const costJson = pipeline.costJson).`,
      );
    }
  }
  if (found.errors.length > 0 && documents.length === 0) {
    problems.push(
      `${where}: the run reported ${found.errors.length === 1 ? "an error" : "errors"}: ${found.errors.join(" | ")}`,
    );
  }
  return { file: input.file, stack, shape: found.shape, documents, problems };
}
