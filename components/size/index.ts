// How a size is known: the basis contract, the content hash of a build context, the local
// preview-time estimate (plain modules) and the ImageSizeEstimate dynamic resource that wires it in.
export * from "../common/size-basis";
export * from "../buildkit/context-hash";
export { dockerEngineAvailable } from "./docker-cli";
// LayerCompression is defined once, in ../defaults.ts (an `as const` enum the schema analyzer reads).
export type { LayerCompression } from "../settings/defaults";
export {
  estimateImageSize,
  knownSizeFromEstimate,
  ImageBuildError,
  type EstimatedLayer,
  type EstimateImageSizeOptions,
  type ImageSizeEstimateResult,
} from "./local-estimate";
export { ImageSizeEstimate, type ImageSizeEstimateArgs } from "./estimate-resource";
export * from "./budget";
