/**
 * The per-environment profile: stack config is read ONCE into this typed, validated object before any
 * resource is registered. Pure: it takes a key → string lookup (and the keys the stack sets, to catch a
 * misspelt one), so tests pass a plain map and the program passes `pulumi.Config` and
 * `pulumi.runtime.allConfig()`. Strict: a value that is not exactly what the key takes, or a key the
 * program does not read, stops the program with the key as written, the value and the fix.
 */
import {
  USAGE_CHOICES,
  USAGE_COUNT_DEFAULTS,
  USAGE_COUNT_KEYS,
  defaultUsageProfile,
  type UsageProfile,
} from "../components/cost/usage";

export type EnvironmentName = "dev" | "staging" | "prod";
const ENVIRONMENTS: readonly EnvironmentName[] = ["dev", "staging", "prod"];

export interface EnvironmentProfile {
  environment: EnvironmentName;
  repositoryName: string;
  context: string;
  dockerfile: string;
  target: string | undefined;
  retention: EnvironmentName;
  scanningMode: "basic" | "enhanced";
  manageRegistryScanning: boolean;
  platforms: string[];
  compression: "gzip" | "zstd";
  builderName: string | undefined;
  kmsKeyArn: string | undefined;
  maxImageSizeBytes: number | undefined;
  onBudgetExceeded: "warn" | "fail";
  /** The push/pull profile the environment is priced with (field names as the component args). */
  usage: UsageProfile;
  extraTags: string[];
}

/** Thrown before any resource exists; names the key and the fix. */
export class StackConfigError extends Error {
  constructor(key: string, problem: string, fix: string) {
    super(`stack config "ecr-pipeline:${key}": ${problem}. ${fix}`);
    this.name = "StackConfigError";
  }
}

/** Every key the program reads, with its default (documented in Pulumi.yaml too). */
export const CONFIG_KEYS = [
  "environment",
  "repositoryName",
  "context",
  "dockerfile",
  "target",
  "retention",
  "scanningMode",
  "manageRegistryScanning",
  "platforms",
  "compression",
  "builderName",
  "kmsKeyArn",
  "maxImageSizeMiB",
  "onBudgetExceeded",
  ...USAGE_COUNT_KEYS,
  "rescanDuration",
  "pullBytes",
  "extraTags",
] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

/** The namespace of the project's own keys (Pulumi.yaml `name`). */
export const CONFIG_NAMESPACE = "ecr-pipeline";

/** A whole number written in decimal, as Pulumi.yaml's `type: integer` keys take ("0x10", "2.5", " " are not). */
const WHOLE_NUMBER = /^(0|[1-9][0-9]*)$/;

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

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

const PLATFORM = /^linux\/(amd64|arm64|arm|386|ppc64le|s390x|riscv64)$/;

export function readEnvironmentProfile(
  get: (key: ConfigKey) => string | undefined,
  stackName: string,
  stackConfig: Readonly<Record<string, string>> = {},
): EnvironmentProfile {
  checkConfigKeys(stackConfig);
  const choice = <T extends string>(key: ConfigKey, allowed: readonly T[], fallback: T): T => {
    const raw = get(key);
    if (raw === undefined || raw === "") return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      throw new StackConfigError(
        key,
        `got ${JSON.stringify(raw)}`,
        `Set it to one of ${allowed.join(", ")}: pulumi config set ecr-pipeline:${key} ${allowed[0]}`,
      );
    }
    return raw as T;
  };
  // Number() would read "   " as 0, "0x10" as 16 and "1e3" as 1000, and let "2.5" through for an
  // integer key: only a plain decimal whole number is accepted.
  const count = (key: ConfigKey, fallback: number): number => {
    const raw = get(key);
    if (raw === undefined) return fallback;
    if (!WHOLE_NUMBER.test(raw)) {
      throw new StackConfigError(
        key,
        `got ${JSON.stringify(raw)}`,
        `Set it to a whole number >= 0 in decimal: pulumi config set ecr-pipeline:${key} 10`,
      );
    }
    return Number(raw);
  };
  const flag = (key: ConfigKey, fallback: boolean): boolean => {
    const raw = get(key);
    if (raw === undefined || raw === "") return fallback;
    if (raw !== "true" && raw !== "false") {
      throw new StackConfigError(key, `got ${JSON.stringify(raw)}`, `Set it to true or false.`);
    }
    return raw === "true";
  };
  const list = (key: ConfigKey, fallback: string[]): string[] => {
    const raw = get(key);
    if (raw === undefined || raw === "") return fallback;
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
  const text = (key: ConfigKey): string | undefined => {
    const raw = get(key);
    return raw === undefined || raw === "" ? undefined : raw;
  };

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
  const environment = choice("environment", ENVIRONMENTS, defaultEnvironment ?? "dev");

  const platforms = list("platforms", ["linux/amd64"]);
  if (platforms.length === 0) {
    throw new StackConfigError("platforms", "is empty", "List at least one platform, e.g. linux/amd64.");
  }
  for (const platform of platforms) {
    if (!PLATFORM.test(platform)) {
      throw new StackConfigError(
        "platforms",
        `${JSON.stringify(platform)} is not a Linux platform ECR-based runtimes run`,
        "Use e.g. linux/amd64 or linux/arm64.",
      );
    }
  }

  const maxImageSizeMiB = get("maxImageSizeMiB");
  let maxImageSizeBytes: number | undefined;
  if (maxImageSizeMiB !== undefined) {
    if (!WHOLE_NUMBER.test(maxImageSizeMiB) || maxImageSizeMiB === "0") {
      throw new StackConfigError(
        "maxImageSizeMiB",
        `got ${JSON.stringify(maxImageSizeMiB)}`,
        "Set a whole number of MiB > 0 in decimal: pulumi config set ecr-pipeline:maxImageSizeMiB 150",
      );
    }
    maxImageSizeBytes = Number(maxImageSizeMiB) * 1024 * 1024;
  }

  const usage = defaultUsageProfile();
  for (const key of USAGE_COUNT_KEYS) usage[key] = count(key, USAGE_COUNT_DEFAULTS[key]);
  usage.rescanDuration = choice(
    "rescanDuration",
    USAGE_CHOICES.rescanDuration.values,
    USAGE_CHOICES.rescanDuration.fallback,
  );
  usage.pullBytes = choice("pullBytes", USAGE_CHOICES.pullBytes.values, USAGE_CHOICES.pullBytes.fallback);

  const context = text("context") ?? "app";
  return {
    environment,
    repositoryName: text("repositoryName") ?? `ecr-pipeline-${environment}`,
    context,
    dockerfile: text("dockerfile") ?? `${context}/Dockerfile`,
    target: text("target"),
    retention: choice("retention", ENVIRONMENTS, environment),
    scanningMode: choice("scanningMode", ["basic", "enhanced"] as const, "basic"),
    manageRegistryScanning: flag("manageRegistryScanning", false),
    platforms,
    compression: choice("compression", ["gzip", "zstd"] as const, "gzip"),
    builderName: text("builderName"),
    kmsKeyArn: text("kmsKeyArn"),
    maxImageSizeBytes,
    onBudgetExceeded: choice("onBudgetExceeded", ["warn", "fail"] as const, "warn"),
    usage,
    extraTags: list("extraTags", []),
  };
}
