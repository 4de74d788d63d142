/**
 * The workload each environment is priced with in `npm start`'s report, read from the stack files
 * (stacks/Pulumi.<env>.yaml) through the same profile reader the Pulumi program uses, and resolved by the
 * pipeline's own resolver (components/settings/pipeline.ts), so the offline report and `pulumi preview` price the
 * same month.
 */
import * as path from "node:path";
import { FALLBACK_PRICING_REGION } from "../../components/cost/pipeline-cost";
import type { ScanningMode } from "../../components/cost/types";
import { resolvePipelineSettings } from "../../components/settings/pipeline";
import type { UsageProfile } from "../../components/cost/usage";
import type { LifecyclePresetName } from "../../components/lifecycle";
import { readEnvironmentProfile, type ConfigKey } from "../../stacks/profile";
import { readStackConfig } from "../../stacks/stack-files";

/** What prices a month: the preset, region, scanning mode, platform count and push/pull profile. */
export interface EnvironmentWorkload {
  name: LifecyclePresetName;
  region: string;
  scanningMode: ScanningMode;
  /** How many platforms a build pushes. */
  platforms: number;
  /** The platforms themselves (`linux/amd64`, …), measured for this environment. */
  platformList: string[];
  usage: UsageProfile;
}

const ENVIRONMENTS: readonly LifecyclePresetName[] = ["dev", "staging", "prod"];

export function loadEnvironmentWorkloads(stacksDir: string): EnvironmentWorkload[] {
  return ENVIRONMENTS.map((name) => {
    const file = path.join(stacksDir, `Pulumi.${name}.yaml`);
    const config = readStackConfig(file);
    const profile = readEnvironmentProfile((key: ConfigKey) => config[`ecr-pipeline:${key}`], name, config);
    const settings = resolvePipelineSettings(profile.args, file, `app-${profile.environment}`);
    return {
      name: settings.repository.lifecyclePreset,
      region: config["aws:region"] ?? FALLBACK_PRICING_REGION,
      scanningMode: settings.repository.scanningMode,
      platforms: settings.image.platforms.length,
      platformList: [...settings.image.platforms],
      usage: settings,
    };
  });
}
