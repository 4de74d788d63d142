// Public entry of the ecr-pipeline package: the components and the pure functions behind them.
export { EcrImagePipeline } from "./pipeline";
export { EcrRepository } from "./repository";
export { BuildKitImage } from "./image";
export type { EcrImagePipelineArgs } from "./settings/pipeline";
export type { EcrRepositoryArgs } from "./settings/repository";
export type { BuildKitImageArgs } from "./settings/image";
export { BudgetAction, BuildNetworkMode, ImagePlatform, LayerCompression } from "./common/enums";
export { InvalidArgumentError } from "./common/errors";
export { firstKnown } from "./common/outputs";
export * from "./common/tags";
export * from "./lifecycle";
export * from "./cost";
export * from "./dockerfile";
export * from "./size";
