// Public entry of the ecr-pipeline package: the components and the pure functions behind them.
export { EcrImagePipeline, type EcrImagePipelineArgs } from "./pipeline";
export { EcrRepository, type EcrRepositoryArgs } from "./repository";
export { BuildKitImage, type BuildKitImageArgs } from "./image";
export { BudgetAction, BuildNetworkMode, ImagePlatform, LayerCompression } from "./common/enums";
export { InvalidArgumentError } from "./common/errors";
export { firstKnown } from "./common/outputs";
export * from "./common/tags";
export * from "./lifecycle";
export * from "./cost";
export * from "./dockerfile";
export * from "./size";
