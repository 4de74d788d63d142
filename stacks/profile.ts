/**
 * The per-environment profile: stack config is read ONCE into the EcrImagePipeline args, before any
 * resource is registered. Pure: it takes a key → string lookup (and the keys the stack sets, to catch a
 * misspelt one), so tests pass a plain map and the program passes `pulumi.Config` and
 * `pulumi.runtime.allConfig()`. It only reads and converts, by one table (`CONFIG_TABLE`: key → arg and
 * converter): the args' defaults and checks are the component's (components/settings/), and the
 * choices it accepts are that module's lists. A value that is not exactly what the key takes, or a key
 * the program does not read, stops the program with the key as written, the value and the fix.
 */
import type { EcrImagePipelineArgs } from "../components";
import {
  BUDGET_ACTIONS,
  IMAGE_PLATFORMS,
  LAYER_COMPRESSIONS,
  REGISTRY_SCAN_FREQUENCIES,
  type ImagePlatform,
} from "../components/common/enums";
import { CostGuardrailAction } from "../components/review/guardrails";
import { LIFECYCLE_PRESET_NAMES, SCANNING_MODES } from "../components/settings/repository";
import { USAGE_CHOICES, USAGE_COUNT_KEYS, type UsageCountKey } from "../components/cost/usage";
import { ReplicaRetention } from "../components/cost/types";
import { editDistance } from "../components/common/edit-distance";

const COST_GUARDRAIL_ACTIONS: readonly CostGuardrailAction[] = Object.values(CostGuardrailAction);

export type EnvironmentName = "dev" | "staging" | "prod";
const ENVIRONMENTS: readonly EnvironmentName[] = ["dev", "staging", "prod"];

export interface EnvironmentProfile {
  environment: EnvironmentName;
  /** The pipeline's args: what the stack sets, plus the environment's own defaults; the rest unset. */
  args: EcrImagePipelineArgs;
}

/** Thrown before any resource exists; names the key and the fix. */
export class StackConfigError extends Error {
  constructor(key: string, problem: string, fix: string) {
    super(`stack config "ecr-pipeline:${key}": ${problem}. ${fix}`);
    this.name = "StackConfigError";
  }
}

/** A converter: the raw config string to the arg's value; undefined leaves the arg unset. */
type Convert<T> = (raw: string, key: string) => T | undefined;
type ArgName = keyof EcrImagePipelineArgs;
interface ConfigEntry {
  arg: ArgName;
  convert: Convert<unknown>;
}
const entry = <A extends ArgName>(
  arg: A,
  convert: Convert<NonNullable<EcrImagePipelineArgs[A]>>,
): ConfigEntry => ({
  arg,
  convert,
});

const text: Convert<string> = (raw) => (raw === "" ? undefined : raw);

const choice =
  <T extends string>(allowed: readonly T[]): Convert<T> =>
  (raw, key) => {
    if (raw === "") return undefined;
    if (!(allowed as readonly string[]).includes(raw)) {
      throw new StackConfigError(
        key,
        `got ${JSON.stringify(raw)}`,
        `Set it to one of ${allowed.join(", ")}: pulumi config set ecr-pipeline:${key} ${allowed[0]}`,
      );
    }
    return raw as T;
  };

const flag: Convert<boolean> = (raw, key) => {
  if (raw === "") return undefined;
  if (raw !== "true" && raw !== "false") {
    throw new StackConfigError(key, `got ${JSON.stringify(raw)}`, `Set it to true or false.`);
  }
  return raw === "true";
};

/** A YAML list (Pulumi passes it as JSON) or a comma-separated string. */
const list: Convert<string[]> = (raw, key) => {
  if (raw === "") return undefined;
  if (raw.trim().startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === "string")) {
      throw new StackConfigError(
        key,
        `got ${raw}`,
        `Use a YAML list of strings or a comma-separated string.`,
      );
    }
    return parsed as string[];
  }
  return raw
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
};

const platformList: Convert<ImagePlatform[]> = (raw, key) => {
  const platforms = list(raw, key);
  if (platforms === undefined) return undefined;
  if (platforms.length === 0) {
    throw new StackConfigError(key, "is empty", "List at least one platform, e.g. linux/amd64.");
  }
  for (const platform of platforms) {
    if (!(IMAGE_PLATFORMS as readonly string[]).includes(platform)) {
      throw new StackConfigError(
        key,
        `${JSON.stringify(platform)} is not a Linux platform ECR-based runtimes run`,
        "Use e.g. linux/amd64 or linux/arm64.",
      );
    }
  }
  return platforms as ImagePlatform[];
};

/** A whole number written in decimal, as Pulumi.yaml's `type: integer` keys take ("0x10", "2.5", " " are not). */
const WHOLE_NUMBER = /^(0|[1-9][0-9]*)$/;

// Number() would read "   " as 0, "0x10" as 16 and "1e3" as 1000, and let "2.5" through for an
// integer key: only a plain decimal whole number is accepted.
const count: Convert<number> = (raw, key) => {
  if (!WHOLE_NUMBER.test(raw)) {
    throw new StackConfigError(
      key,
      `got ${JSON.stringify(raw)}`,
      `Set it to a whole number >= 0 in decimal: pulumi config set ecr-pipeline:${key} 10`,
    );
  }
  return Number(raw);
};

const mebibytesAsBytes: Convert<number> = (raw, key) => {
  if (!WHOLE_NUMBER.test(raw) || raw === "0") {
    throw new StackConfigError(
      key,
      `got ${JSON.stringify(raw)}`,
      `Set a whole number of MiB > 0 in decimal: pulumi config set ecr-pipeline:${key} 150`,
    );
  }
  return Number(raw) * 1024 * 1024;
};

/** A decimal amount >= 0 (USD, a percentage): "12.5" and "0" pass, "1e3", "0x10", "-1" and " " do not. */
const DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

const amount: Convert<number> = (raw, key) => {
  if (!DECIMAL.test(raw)) {
    throw new StackConfigError(
      key,
      `got ${JSON.stringify(raw)}`,
      `Set a number >= 0 in decimal (e.g. 12.5): pulumi config set ecr-pipeline:${key} 10`,
    );
  }
  return Number(raw);
};

const usageCounts = Object.fromEntries(USAGE_COUNT_KEYS.map((key) => [key, entry(key, count)])) as Record<
  UsageCountKey,
  ConfigEntry
>;

/**
 * Every key the program reads (besides `environment`), the pipeline arg it sets and how its value is
 * converted. A key named like its arg passes the value on; `retention` and `maxImageSizeMiB` keep the
 * stack files' names. A usage count added to components/cost/usage.ts is read with no edit here.
 */
export const CONFIG_TABLE = {
  repositoryName: entry("repositoryName", text),
  context: entry("context", text),
  dockerfile: entry("dockerfile", text),
  target: entry("target", text),
  retention: entry("lifecyclePreset", choice(LIFECYCLE_PRESET_NAMES)),
  scanningMode: entry("scanningMode", choice(SCANNING_MODES)),
  manageRegistryScanning: entry("manageRegistryScanning", flag),
  registryScanFrequency: entry("registryScanFrequency", choice(REGISTRY_SCAN_FREQUENCIES)),
  registryScanFilters: entry("registryScanFilters", list),
  platforms: entry("platforms", platformList),
  compression: entry("compression", choice(LAYER_COMPRESSIONS)),
  builderName: entry("builderName", text),
  kmsKeyArn: entry("kmsKeyArn", text),
  maxImageSizeMiB: entry("maxImageSizeBytes", mebibytesAsBytes),
  onBudgetExceeded: entry("onBudgetExceeded", choice(BUDGET_ACTIONS)),
  maxMonthlyUsd: entry("maxMonthlyUsd", amount),
  maxMonthlyIncreaseUsd: entry("maxMonthlyIncreaseUsd", amount),
  maxMonthlyIncreasePercent: entry("maxMonthlyIncreasePercent", amount),
  onCostGuardrailExceeded: entry("onCostGuardrailExceeded", choice(COST_GUARDRAIL_ACTIONS)),
  ...usageCounts,
  rescanDuration: entry("rescanDuration", choice(USAGE_CHOICES.rescanDuration.values)),
  pullBytes: entry("pullBytes", choice(USAGE_CHOICES.pullBytes.values)),
  extraTags: entry("extraTags", list),
  // Issue 20: replicas, priced under their own lifecycle policy or as unbounded growth.
  replicationRegions: entry("replicationRegions", list),
  replicaRetention: entry("replicaRetention", choice(Object.values(ReplicaRetention))),
} satisfies Record<string, ConfigEntry>;

/** Every key the program reads, documented in Pulumi.yaml. */
export const CONFIG_KEYS = [
  "environment",
  ...(Object.keys(CONFIG_TABLE) as (keyof typeof CONFIG_TABLE)[]),
] as const;
export type ConfigKey = "environment" | keyof typeof CONFIG_TABLE;

/** The namespace of the project's own keys (Pulumi.yaml `name`). */
export const CONFIG_NAMESPACE = "ecr-pipeline";

/**
 * Rejects a key in the project's namespace that the program does not read (a misspelling such as
 * `ecr-pipeline:pushesPerday` would otherwise be ignored and the default used), suggesting the closest
 * known key. `stackConfig` is the whole config of the stack, as `pulumi.runtime.allConfig()` returns it
 * (@pulumi/pulumi runtime/config.js `allConfig()`: a copy of the map the language host passes in
 * PULUMI_CONFIG, keys `<namespace>:<key>`). Keys of other namespaces (`aws:region`) are not ours to judge.
 */
export function checkConfigKeys(stackConfig: Readonly<Record<string, string>>): void {
  const known: readonly string[] = CONFIG_KEYS;
  for (const [full, value] of Object.entries(stackConfig)) {
    if (!full.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    const key = full.slice(CONFIG_NAMESPACE.length + 1);
    if (known.includes(key)) continue;
    const closest = closestKey(key, known);
    throw new StackConfigError(
      key,
      `is set to ${JSON.stringify(value)}, but it is not a key this program reads, so it would be ignored`,
      `Did you mean ecr-pipeline:${closest}? Rename it: pulumi config rm ${full} && pulumi config set ecr-pipeline:${closest} <value> (known keys: Pulumi.yaml \`config\`).`,
    );
  }
}

/** The known key nearest to `key` by edit distance, ignoring case. */
export function closestKey(key: string, known: readonly string[]): string {
  let best = known[0] ?? "";
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/**
 * The stack's config as EcrImagePipeline args. The environment (config, else the stack name) sets the
 * stack's own defaults: the repository name `ecr-pipeline-<environment>`, the lifecycle preset of the
 * same name, the context `app`, and a tag naming it; every other arg the config leaves unset keeps the
 * component's default.
 */
export function readEnvironmentProfile(
  get: (key: ConfigKey) => string | undefined,
  stackName: string,
  stackConfig: Readonly<Record<string, string>> = {},
): EnvironmentProfile {
  checkConfigKeys(stackConfig);
  const defaultEnvironment = (ENVIRONMENTS as readonly string[]).includes(stackName)
    ? (stackName as EnvironmentName)
    : undefined;
  const environmentRaw = get("environment");
  if ((environmentRaw === undefined || environmentRaw === "") && defaultEnvironment === undefined) {
    throw new StackConfigError(
      "environment",
      `is not set and the stack name ${JSON.stringify(stackName)} is not dev, staging or prod`,
      "Set it: pulumi config set ecr-pipeline:environment dev",
    );
  }
  const environment =
    choice(ENVIRONMENTS)(environmentRaw ?? "", "environment") ?? defaultEnvironment ?? "dev";

  const args: EcrImagePipelineArgs = {
    repositoryName: `ecr-pipeline-${environment}`,
    context: "app",
    lifecyclePreset: environment,
    tags: { "ecr-pipeline:environment": environment },
  };
  const set = args as unknown as Record<ArgName, unknown>;
  for (const [key, { arg, convert }] of Object.entries(CONFIG_TABLE) as [ConfigKey, ConfigEntry][]) {
    const raw = get(key);
    const value = raw === undefined ? undefined : convert(raw, key);
    if (value !== undefined) set[arg] = value;
  }
  return { environment, args };
}
