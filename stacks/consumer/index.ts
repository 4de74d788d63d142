/**
 * A second project that deploys what the ecr-pipeline stack built: it reads `imageUri`
 * (`<repositoryUrl>@sha256:…`) through a StackReference, so a task always runs the exact bytes that were
 * scanned and measured, never whatever a tag points at today.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { readConsumerConfig } from "./settings";

const config = new pulumi.Config();
const settings = readConsumerConfig((key) => config.get(key), pulumi.getStack());

const pipeline = new pulumi.StackReference(settings.pipelineStack);
const imageUri = pipeline.requireOutput("imageUri") as pulumi.Output<string>;

const cluster = new aws.ecs.Cluster("app");

const service = new awsx.ecs.FargateService("app", {
  cluster: cluster.arn,
  desiredCount: settings.desiredCount,
  assignPublicIp: false,
  taskDefinitionArgs: {
    container: {
      name: "app",
      image: imageUri,
      cpu: 256,
      memory: 512,
      essential: true,
      environment: [{ name: "PORT", value: String(settings.containerPort) }],
      portMappings: [{ containerPort: settings.containerPort }],
      readonlyRootFilesystem: true,
    },
  },
});

export const deployedImageUri = imageUri;
export const serviceName = service.service.name;
export const pipelineMonthlyCostUsd = pipeline
  .getOutput("monthlyCost")
  .apply((cost) => (cost === undefined ? undefined : (cost as { totalUsd: number }).totalUsd));
