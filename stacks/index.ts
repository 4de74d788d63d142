/**
 * The per-environment program: `pulumi up -s dev|staging|prod` from the project root.
 * Config is read once into the pipeline's args; a bad key or value stops the program before any resource exists.
 */
import * as pulumi from "@pulumi/pulumi";
import { EcrImagePipeline } from "../components";
import { CONFIG_NAMESPACE, readEnvironmentProfile } from "./profile";

const config = new pulumi.Config(CONFIG_NAMESPACE);
// allConfig(): every key the stack sets (@pulumi/pulumi runtime/config.js), so a misspelt key is an error.
const profile = readEnvironmentProfile(
  (key) => config.get(key),
  pulumi.getStack(),
  pulumi.runtime.allConfig(),
);

// The profile is the pipeline's args as the stack sets them (stacks/profile.ts reads and converts them by
// one table); defaults and checks are the component's own (components/settings/).
const pipeline = new EcrImagePipeline(`app-${profile.environment}`, profile.args);

export const environment = profile.environment;
// The stack outputs: the pipeline's outputs under their own names.
export const {
  repositoryUrl,
  repositoryArn,
  repositoryName,
  imageDigest,
  imageUri,
  imageTags,
  imageSizeBytes,
  imageSize,
  monthlyCost,
  costReport,
  costChange,
  costGuardrails,
  // The cost document for `ecr-pipeline-cost-review` (docs/REVIEW.md).
  costJson,
  findings,
  sizeBudget,
  // Issue 20: read by the platform stack (EcrRegistryDefaults, EcrFleetCost; README "Registry defaults").
  replicationRule,
  replicationTemplate,
  fleetMember,
} = pipeline;
