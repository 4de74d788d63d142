// How big the image is: the local preview-time estimate (plain modules), the ImageSizeEstimate dynamic
// resource that wires it in, the size ECR reports and the size budget.
export { dockerEngineAvailable } from "./docker-cli";
export {
  estimateImageSize,
  knownSizeFromEstimate,
  type EstimatedLayer,
  type EstimateImageSizeOptions,
  type ImageSizeEstimateResult,
} from "./local-estimate";
export { ImageSizeEstimate, type ImageSizeEstimateArgs } from "./estimate-resource";
export * from "./budget";
export * from "./ecr-size";
