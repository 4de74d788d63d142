// Dockerfile analysis: parser-based rules with the bytes they cost, and the rule catalog as data.
export { analyzeDockerfile } from "./analyze";
export { DockerfileParseError } from "../common/errors";
export { dockerfileRules } from "./rules";
export { baseImageSizes, baseImageFamilies } from "./base-images";
export type { BaseImageSize, BaseImageFamily } from "./base-images";
export { FindingSeverity } from "./types";
export type { DockerfileFinding, DockerfileRule, AnalyzeDockerfileOptions, RuleScope } from "./types";
