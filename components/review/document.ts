/**
 * The `costJson` document (issue 21, item 2): one pipeline's monthly cost as a stable, versioned JSON
 * object that a program can read: every line item with its quantity, unit, rate, amount, the basis of
 * its quantity and whether its rate is verified; the totals; the deployed image next to this change; the
 * guardrail verdicts. Its JSON Schema ships in the package (schema/cost.v1.schema.json) and docs/REVIEW.md
 * documents every field.
 *
 * Versioning: `schemaVersion` is a whole number. Within one version fields are only added (readers
 * ignore what they do not know; the schema allows it); removing or renaming a field, or changing what
 * one means, makes the next version, and the review command (./cli.ts) refuses a version it does not know
 * with a message naming the file and the stack.
 *
 * Built from the cost line type generically: a line the cost model adds later appears with its own
 * label, unit and amount, its basis from its unit, and the `verified` and `source` the cost model gave it
 * (../cost/types.ts CostLine, set where each line is made, ../cost/estimate.ts): one source of truth.
 */
import { CostChangeStatus, type ComparedImage, type CostChange } from "../cost/comparison";
import { BYTES_PER_GB } from "../cost/estimate";
import type { CostEstimate, CostLine } from "../cost/types";
import { InvalidInputError } from "../common/errors";
import type { KnownImageSize, SizeBasis } from "../common/size-basis";
import { lineMovements, type LineMovement } from "./drivers";
import type { CostGuardrailsVerdict, CostGuardrailVerdict } from "./guardrails";

/** `kind` of every cost document: how a reader tells one from any other stack output. */
export const COST_DOCUMENT_KIND = "ecr-pipeline/cost";
/** The version this package writes and reads. */
export const COST_SCHEMA_VERSION = 1;
/** `$id` of the JSON Schema of this version (schema/cost.v1.schema.json). */
export const COST_SCHEMA_ID = "urn:ecr-pipeline:schema:cost:1";

/** Where a line's quantity comes from: the image size's basis for bytes, the usage settings for counts. */
export type LineBasis = SizeBasis | "usage";

export interface CostDocumentLine {
  item: string;
  quantity: number;
  unit: string;
  rateUsd: number;
  /** quantity × rateUsd, USD per month, unrounded. */
  amountUsd: number;
  basis: LineBasis;
  /** True when a retrievable source states this rate (docs/PRICING.md): the cost line's `verified`. */
  verified: boolean;
  /**
   * URL of that source, or "pricing override" for a caller's rate card: the cost line's `source`. The
   * schema allows null (no source known); this package does not write it, every cost line names one.
   */
  rateSource: string | null;
  explanation: string;
  /**
   * The assumption about the account this line prices, when it is one (the cost line's `assumption`:
   * e.g. enhanced scanning enabled by the account's registry scanning configuration, managed outside this
   * stack). Absent when the line prices only what this stack configures. Added within version 1.
   */
  assumption?: string;
}

export interface CostDocumentImage {
  basis: SizeBasis;
  sizeBytes: number;
  storedBytes: number;
  monthlyUsd: number;
  note: string;
}

export interface CostDocumentComparison {
  status: CostChangeStatus;
  note: string;
  deployed: CostDocumentImage | null;
  change: CostDocumentImage | null;
  difference: {
    sizeBytes: number;
    storedBytes: number;
    monthlyUsd: number;
    /** Percent of the deployed monthly USD; null when that prints as $0.00. */
    monthlyPercent: number | null;
  } | null;
  /** Line items whose amount moved, largest increase first; empty without the deployed lines. */
  drivers: LineMovement[];
}

export interface CostDocumentVerdict {
  guardrail: CostGuardrailVerdict["guardrail"];
  limit: number;
  unit: CostGuardrailVerdict["unit"];
  action: CostGuardrailVerdict["action"];
  status: CostGuardrailVerdict["status"];
  figure: number | null;
  message: string;
}

/** Version 1 of the document. */
export interface CostDocument {
  kind: typeof COST_DOCUMENT_KIND;
  schemaVersion: typeof COST_SCHEMA_VERSION;
  /** The Pulumi stack, or null when not known. */
  stack: string | null;
  /** The EcrImagePipeline's name. */
  pipeline: string;
  /** `preview` (pulumi preview) or `update` (pulumi up): a reader can tell a preview's figures from a deployment's. */
  computedIn: "preview" | "update";
  currency: "USD";
  /** Bytes in a GB as AWS bills storage and data transfer: 2^30 (docs/REVIEW.md, "Units"). */
  bytesPerGB: number;
  /** The region whose rates priced the estimate. */
  region: string;
  /** "ecrPricing" (the package's rate cards) or "override". */
  pricing: CostEstimate["assumptions"]["pricingSource"];
  /** The image size priced, with its basis. */
  size: { bytes: number; basis: SizeBasis; note: string };
  /** Bytes the repository stores at steady state. */
  storedBytes: number;
  lines: CostDocumentLine[];
  totals: {
    monthlyUsd: number;
    storageUsd: number;
    transferUsd: number;
    scanningUsd: number;
    replicationUsd: number;
  };
  /** The deployed image next to this change; null when no comparison is known. */
  comparison: CostDocumentComparison | null;
  guardrails: {
    status: CostGuardrailsVerdict["status"];
    message: string;
    blocksPromotion: boolean;
    verdicts: CostDocumentVerdict[];
  };
  /** Notes on the estimate as a whole (e.g. a region priced with another region's rates). */
  notes: string[];
}

export interface CostDocumentInput {
  stack?: string;
  pipeline: string;
  computedIn: "preview" | "update";
  size: KnownImageSize;
  estimate: CostEstimate;
  /** `costChange`; undefined when not known. */
  change?: CostChange;
  /** The deployed image's line items, priced like this change (to list what moved). */
  deployedLines?: readonly CostLine[];
  guardrails: CostGuardrailsVerdict;
  notes?: readonly string[];
}

const BASES: readonly string[] = ["ecr", "estimate", "budget"];

function fail(key: string, what: string): never {
  throw new InvalidInputError(key, `${key} must be ${what}.`);
}

function checkInput(input: CostDocumentInput): void {
  if (typeof input !== "object" || input === null)
    fail("input", "{ pipeline, computedIn, size, estimate, guardrails }");
  if (typeof input.pipeline !== "string" || input.pipeline === "") fail("pipeline", "the component's name");
  if (input.stack !== undefined && typeof input.stack !== "string")
    fail("stack", "a stack name or undefined");
  if (input.computedIn !== "preview" && input.computedIn !== "update")
    fail("computedIn", '"preview" or "update"');
  const size = input.size;
  if (typeof size !== "object" || size === null || !Number.isFinite(size.bytes) || size.bytes < 0) {
    fail("size.bytes", "a finite number of bytes >= 0");
  }
  if (!BASES.includes(size.basis)) fail("size.basis", '"ecr", "estimate" or "budget"');
  const estimate = input.estimate;
  if (typeof estimate !== "object" || estimate === null || !Array.isArray(estimate.lines)) {
    fail("estimate", "the CostEstimate estimateMonthlyCost returns");
  }
  estimate.lines.forEach((line, i) => {
    for (const key of ["quantity", "rate", "usd"] as const) {
      if (!Number.isFinite(line[key])) fail(`estimate.lines[${i}].${key}`, "a finite number");
    }
    // The document writes them as they are: a hand-built line without them would break the schema.
    if (typeof line.verified !== "boolean") fail(`estimate.lines[${i}].verified`, "true or false");
    if (typeof line.source !== "string") fail(`estimate.lines[${i}].source`, "the URL of the rate's source");
  });
  if (
    typeof input.guardrails !== "object" ||
    input.guardrails === null ||
    !Array.isArray(input.guardrails.verdicts)
  ) {
    fail("guardrails", "the verdict evaluateCostGuardrails returns");
  }
}

/** A quantity in GB or GB-month depends on the image size; any other unit counts pushes, pulls or scans. */
function lineBasis(unit: string, sizeBasis: SizeBasis): LineBasis {
  return /^GB(\b|-)/.test(unit) ? sizeBasis : "usage";
}

function documentImage(image: ComparedImage | undefined): CostDocumentImage | null {
  return image === undefined
    ? null
    : {
        basis: image.basis,
        sizeBytes: image.sizeBytes,
        storedBytes: image.storedBytes,
        monthlyUsd: image.monthlyUsd,
        note: image.note,
      };
}

function comparisonOf(input: CostDocumentInput): CostDocumentComparison | null {
  const change = input.change;
  if (change === undefined) return null;
  const { deployed, difference } = change;
  const compared =
    change.status === CostChangeStatus.Compared && deployed !== undefined && difference !== undefined;
  return {
    status: change.status,
    note: change.note,
    deployed: documentImage(deployed),
    change: documentImage(change.change),
    difference: compared
      ? {
          sizeBytes: difference.sizeBytes,
          storedBytes: difference.storedBytes,
          monthlyUsd: difference.monthlyUsd,
          // Below half a cent the deployed cost prints as $0.00: a percentage of it means nothing.
          monthlyPercent:
            deployed.monthlyUsd < 0.005 ? null : (difference.monthlyUsd / deployed.monthlyUsd) * 100,
        }
      : null,
    drivers:
      compared && input.deployedLines !== undefined
        ? lineMovements(input.estimate.lines, input.deployedLines)
        : [],
  };
}

/** The `costJson` document of one pipeline. Throws InvalidInputError naming the field for a malformed input. */
export function buildCostDocument(input: CostDocumentInput): CostDocument {
  checkInput(input);
  const { estimate, size, guardrails } = input;
  const a = estimate.assumptions;
  return {
    kind: COST_DOCUMENT_KIND,
    schemaVersion: COST_SCHEMA_VERSION,
    stack: input.stack ?? null,
    pipeline: input.pipeline,
    computedIn: input.computedIn,
    currency: "USD",
    bytesPerGB: BYTES_PER_GB,
    region: a.region,
    pricing: a.pricingSource,
    size: { bytes: size.bytes, basis: size.basis, note: size.note },
    storedBytes: a.storedBytes,
    lines: estimate.lines.map((line) => ({
      item: line.item,
      quantity: line.quantity,
      unit: line.unit,
      rateUsd: line.rate,
      amountUsd: line.usd,
      basis: lineBasis(line.unit, size.basis),
      verified: line.verified,
      rateSource: line.source,
      explanation: line.explanation,
      ...(line.assumption === undefined ? {} : { assumption: line.assumption }),
    })),
    totals: {
      monthlyUsd: estimate.totalUsd,
      storageUsd: estimate.storageUsd,
      transferUsd: estimate.transferUsd,
      scanningUsd: estimate.scanningUsd,
      replicationUsd: estimate.replicationUsd,
    },
    comparison: comparisonOf(input),
    guardrails: {
      status: guardrails.status,
      message: guardrails.message,
      blocksPromotion: guardrails.blocksPromotion,
      verdicts: guardrails.verdicts.map((verdict) => ({
        guardrail: verdict.guardrail,
        limit: verdict.limit,
        unit: verdict.unit,
        action: verdict.action,
        status: verdict.status,
        figure: verdict.figure ?? null,
        message: verdict.message,
      })),
    },
    notes: [...(input.notes ?? [])],
  };
}

/**
 * The document as the `costJson` output carries it: JSON text, keys in the order above, so the same
 * estimate always gives the same text (a string output also keeps it intact through Pulumi's schema for
 * other languages).
 */
export function costJsonText(document: CostDocument): string {
  return JSON.stringify(document);
}
