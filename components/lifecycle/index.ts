// Lifecycle policy engine: typed ECR lifecycle rules, rendering, validation, presets, simulation and
// steady-state retention. Pure: no Pulumi runtime import.
export type {
  LifecycleAction,
  LifecycleCountType,
  LifecyclePolicyDocument,
  LifecyclePolicyProblem,
  LifecyclePolicyRule,
  LifecycleRule,
  LifecycleSelection,
  LifecycleStorageClass,
  LifecycleTagStatus,
  LifecycleValidationOptions,
} from "./types";
export {
  KEEP_FOREVER_IMAGE_COUNT,
  MAX_POLICY_TEXT_LENGTH,
  MIN_ARCHIVE_DAYS_BEFORE_EXPIRE,
  MIN_POLICY_TEXT_LENGTH,
} from "./types";
export { buildLifecyclePolicyDocument, normalizeLifecycleRules, renderLifecyclePolicy } from "./render";
export { validateLifecyclePolicy } from "./validate";
export { formatLifecycleProblems } from "./format";
export type { LifecyclePresetOptions, LifecyclePresetRetention } from "./presets";
export {
  buildLifecyclePreset,
  imagesPerBuild,
  LIFECYCLE_PRESET_RETENTION,
  LifecyclePresetName,
  lifecyclePresets,
} from "./presets";
export type {
  LifecycleImage,
  LifecycleImageAction,
  LifecycleImageOutcome,
  LifecyclePolicyInput,
  LifecycleSimulation,
} from "./simulate";
export { simulateLifecycle } from "./simulate";
export type { PushCadence, PushStream, SteadyStateRetention, SteadyStateRuleShare } from "./steady-state";
export { STEADY_STATE_LIMITS, steadyStateRetention } from "./steady-state";
