/**
 * The workload each environment is priced with in `npm start`'s report, read from the stack files
 * (stacks/Pulumi.<env>.yaml) through the same profile reader the Pulumi program uses, so the offline
 * report and `pulumi preview` price the same month.
 */
import * as path from "node:path";
import type { LifecyclePresetName } from "../../components/lifecycle";
import { readEnvironmentProfile, type ConfigKey, type EnvironmentProfile } from "../../stacks/profile";
import { readStackConfig } from "../../stacks/stack-files";

/** The profile fields that price a month, plus the preset, region and platform count. */
export type EnvironmentWorkload = Pick<EnvironmentProfile, "scanningMode" | "usage"> & {
  name: LifecyclePresetName;
  region: string;
  /** How many platforms a build pushes. */
  platforms: number;
  /** The platforms themselves (`linux/amd64`, …), measured for this environment. */
  platformList: string[];
};

const ENVIRONMENTS: readonly LifecyclePresetName[] = ["dev", "staging", "prod"];

export function loadEnvironmentWorkloads(stacksDir: string): EnvironmentWorkload[] {
  return ENVIRONMENTS.map((name) => {
    const config = readStackConfig(path.join(stacksDir, `Pulumi.${name}.yaml`));
    const profile = readEnvironmentProfile((key: ConfigKey) => config[`ecr-pipeline:${key}`], name, config);
    return {
      name: profile.retention,
      region: config["aws:region"] ?? "us-east-1",
      scanningMode: profile.scanningMode,
      platforms: profile.platforms.length,
      platformList: [...profile.platforms],
      usage: profile.usage,
    };
  });
}
