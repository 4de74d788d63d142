/**
 * The environments `npm start`'s report prices, read from the stack files (stacks/Pulumi.<env>.yaml)
 * through the same profile reader the Pulumi program uses, resolved by the pipeline's own resolver
 * (components/settings/pipeline.ts) and priced through the pipeline's own cost-input builder
 * (components/settings/cost-input.ts `pipelineCostInput`), so the offline report and `pulumi preview`
 * price the same month for the same size (test/stacks/stacks.test.ts compares them per stack file).
 */
import * as path from "node:path";
import type { EcrImagePipelineArgs } from "../../components";
import type { KnownImageSize } from "../../components/common/size-basis";
import { costFor, FALLBACK_PRICING_REGION, type PipelineCost } from "../../components/cost/pipeline-cost";
import type { MeasuredLayers } from "../../components/cost/storage";
import type { LifecyclePresetName } from "../../components/lifecycle";
import { pipelineCostInput } from "../../components/settings/cost-input";
import { resolvePipelineSettings, type PipelineSettings } from "../../components/settings/pipeline";
import { readEnvironmentProfile, type ConfigKey } from "../../stacks/profile";
import { readStackConfig } from "../../stacks/stack-files";

/** One environment as the pipeline would price it: its resolved settings and the region priced. */
export interface EnvironmentWorkload {
  /** The environment (the lifecycle preset of the same name, unless the stack sets another). */
  name: LifecyclePresetName;
  /** The region priced: `costRegion` when the args give one, else the stack's `aws:region`. */
  region: string;
  /** The platforms a build pushes (`linux/amd64`, …), measured for this environment. */
  platformList: string[];
  /** EcrImagePipeline's settings for this stack, as `resolvePipelineSettings` returns them. */
  settings: PipelineSettings<EcrImagePipelineArgs>;
}

const ENVIRONMENTS: readonly LifecyclePresetName[] = ["dev", "staging", "prod"];

/**
 * The workload of pipeline args: resolved as EcrImagePipeline resolves them (errors name `source`, e.g.
 * the stack file), the region as the pipeline prices it (a plain `costRegion`, else `providerRegion`, the
 * AWS provider's: the stack's `aws:region`).
 */
export function workloadOf(
  args: EcrImagePipelineArgs,
  providerRegion: string | undefined,
  source: string,
  name: string,
): EnvironmentWorkload {
  const settings = resolvePipelineSettings(args, source, name);
  return {
    name: settings.repository.lifecyclePreset,
    region:
      typeof settings.costRegion === "string"
        ? settings.costRegion
        : (providerRegion ?? FALLBACK_PRICING_REGION),
    platformList: [...settings.image.platforms],
    settings,
  };
}

/** The workload of one stack's config (`pulumi config` as stacks/stack-files.ts reads it). */
export function stackWorkload(
  config: Readonly<Record<string, string>>,
  stackName: string,
  source: string,
): EnvironmentWorkload {
  const profile = readEnvironmentProfile(
    (key: ConfigKey) => config[`ecr-pipeline:${key}`],
    stackName,
    config,
  );
  return workloadOf(profile.args, config["aws:region"], source, `app-${profile.environment}`);
}

/** dev, staging and prod, from `stacksDir`/Pulumi.<env>.yaml. */
export function loadEnvironmentWorkloads(stacksDir: string): EnvironmentWorkload[] {
  return ENVIRONMENTS.map((name) => {
    const file = path.join(stacksDir, `Pulumi.${name}.yaml`);
    return stackWorkload(readStackConfig(file), name, file);
  });
}

/**
 * The month of `workload` at `size` (one platform's image, as ECR sizes an index) with these measured
 * layers: the pipeline's cost input (the repository's lifecycle policy, the scanning plan, replicas,
 * archive restores, pull-through cache, platforms, cache tag), priced by the pipeline's `costFor`.
 */
export function priceWorkload(
  workload: EnvironmentWorkload,
  size: KnownImageSize,
  layers: MeasuredLayers | undefined,
): PipelineCost {
  return costFor(
    pipelineCostInput(workload.settings, {
      size,
      region: workload.region,
      policy: workload.settings.repository.lifecyclePolicyText,
      layers,
    }),
  );
}
