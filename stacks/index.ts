/**
 * The per-environment program: `pulumi up -s dev|staging|prod` from the project root.
 * Config is read once into a validated profile; a bad key stops the program before any resource exists.
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

const pipeline = new EcrImagePipeline(`app-${profile.environment}`, {
  repositoryName: profile.repositoryName,
  context: profile.context,
  dockerfile: profile.dockerfile,
  target: profile.target,
  platforms: profile.platforms as EcrPlatforms,
  compression: profile.compression,
  builderName: profile.builderName,
  kmsKeyArn: profile.kmsKeyArn,
  lifecyclePreset: profile.retention,
  scanningMode: profile.scanningMode,
  manageRegistryScanning: profile.manageRegistryScanning,
  extraTags: profile.extraTags,
  maxImageSizeBytes: profile.maxImageSizeBytes,
  onBudgetExceeded: profile.onBudgetExceeded,
  ...profile.usage,
  tags: { "ecr-pipeline:environment": profile.environment },
});

type EcrPlatforms = NonNullable<ConstructorParameters<typeof EcrImagePipeline>[1]["platforms"]>;

export const environment = profile.environment;
export const repositoryUrl = pipeline.repositoryUrl;
export const repositoryArn = pipeline.repositoryArn;
export const repositoryName = pipeline.repositoryName;
export const imageDigest = pipeline.imageDigest;
export const imageUri = pipeline.imageUri;
export const imageTags = pipeline.imageTags;
export const imageSizeBytes = pipeline.imageSizeBytes;
export const imageSize = pipeline.imageSize;
export const monthlyCost = pipeline.monthlyCost;
export const costReport = pipeline.costReport;
export const findings = pipeline.findings;
export const sizeBudget = pipeline.sizeBudget;
