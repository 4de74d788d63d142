// Cost review (issue 21): guardrails on the monthly cost, the versioned costJson document, and the
// pull-request review of several stacks (the ecr-pipeline-cost-review command, ./cli.ts).
export {
  CostGuardrail,
  CostGuardrailAction,
  CostGuardrailStatus,
  MAX_GUARDRAIL_PERCENT,
  checkCostGuardrailSettings,
  evaluateCostGuardrails,
  type CostGuardrailInput,
  type CostGuardrailSettings,
  type CostGuardrailVerdict,
  type CostGuardrailsVerdict,
} from "./guardrails";
export {
  COST_DOCUMENT_KIND,
  COST_SCHEMA_ID,
  COST_SCHEMA_VERSION,
  buildCostDocument,
  costJsonText,
  type CostDocument,
  type CostDocumentComparison,
  type CostDocumentImage,
  type CostDocumentInput,
  type CostDocumentLine,
  type CostDocumentVerdict,
  type LineBasis,
} from "./document";
export { lineMovements, type LineMovement } from "./drivers";
export { readStackFile, type InputShape, type StackFile, type StackReading } from "./read";
export {
  COST_REVIEW_KIND,
  COST_REVIEW_SCHEMA_ID,
  mergeReview,
  renderMarkdown,
  renderText,
  type CostReview,
} from "./render";
