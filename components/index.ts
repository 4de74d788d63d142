// The public entry of the ecr-pipeline package: every name here is documented (README.md, "What the
// package exports"), and test/components/public-api.test.ts pins this list. Names only, no `export *`,
// so the public API reads in one place; anything else under components/ is internal.

// The components and their args.
export { EcrImagePipeline } from "./pipeline";
export { EcrRepository } from "./repository";
export { BuildKitImage } from "./image";
export { EcrRegistryDefaults } from "./registry-defaults";
export { EcrFleetCost } from "./fleet-cost";
export type { EcrImagePipelineArgs } from "./settings/pipeline";
export type { EcrRepositoryArgs } from "./settings/repository";
export type { BuildKitImageArgs } from "./settings/image";
export type { EcrRegistryDefaultsArgs } from "./settings/registry-defaults";
export type { EcrFleetCostArgs } from "./settings/fleet-cost";

// The string enums the args take.
export {
  BudgetAction,
  BuildNetworkMode,
  ImagePlatform,
  LayerCompression,
  RegistryScanFrequency,
} from "./common/enums";
export { CostGuardrailAction } from "./review";
export { LifecyclePresetName } from "./lifecycle";
export { PullBytes, ReplicaRetention, RescanDuration, ScanningMode } from "./cost";

// What the outputs hold.
export { SizeBasis, type KnownImageSize } from "./common/size-basis";
export type { CostChange, CostEstimate } from "./cost";
export type { CostGuardrailsSummary } from "./pipeline";
export type { DockerfileFinding } from "./dockerfile";
export type { SizeBudgetVerdict } from "./size";
export type { ReplicationRule, RepositoryCreationTemplateInputs } from "./registry";
export type { FleetBill, FleetMemberOutput, FleetRepository, RegistrySetting } from "./fleet";

// Every error class.
export {
  BuildContextError,
  DockerfileParseError,
  ImageBuildError,
  InternalError,
  InvalidArgumentError,
  InvalidInputError,
  ReportedError,
} from "./common/errors";

// The pure functions behind the components (and the size estimate's resource).
export {
  buildLifecyclePreset,
  formatLifecycleProblems,
  imagesPerBuild,
  lifecyclePresets,
  renderLifecyclePolicy,
  simulateLifecycle,
  steadyStateRetention,
  validateLifecyclePolicy,
  type LifecyclePolicyProblem,
  type LifecycleRule,
} from "./lifecycle";
export {
  ecrArchivePricing,
  ecrPricing,
  ecrRateCards,
  estimateMonthlyCost,
  formatCostReport,
  type CostEstimateInput,
} from "./cost";
export { analyzeDockerfile, dockerfileRules } from "./dockerfile";
export { hashBuildContext } from "./buildkit/context-hash";
export { estimateImageSize, evaluateSizeBudget, ImageSizeEstimate } from "./size";
