// How a size is known: the basis contract, the content hash of a build context, the local
// preview-time estimate (plain modules) and the ImageSizeEstimate dynamic resource that wires it in.
export * from "../common/size-basis";
export * from "../buildkit/context-hash";
export { dockerEngineAvailable } from "./docker-cli";
export { ImageBuildError } from "../common/errors";
export {
  estimateImageSize,
  knownSizeFromEstimate,
  type EstimatedLayer,
  type EstimateImageSizeOptions,
  type ImageSizeEstimateResult,
} from "./local-estimate";
export { ImageSizeEstimate, type ImageSizeEstimateArgs } from "./estimate-resource";
export * from "./budget";
