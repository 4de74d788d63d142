/**
 * The per-environment profile: stack config is read ONCE into this typed, validated object before any
 * resource is registered. Pure: it takes a key → string lookup, so tests pass a plain map and the
 * program passes `pulumi.Config`.
 */

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
  pushesPerDay: number;
  pullsPerMonthSameRegion: number;
  pullsPerMonthViaNat: number;
  pullsPerMonthCrossRegion: number;
  pullsPerMonthInternet: number;
  rescansPerMonth: number;
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
  "pushesPerDay",
  "pullsPerMonthSameRegion",
  "pullsPerMonthViaNat",
  "pullsPerMonthCrossRegion",
  "pullsPerMonthInternet",
  "rescansPerMonth",
  "extraTags",
] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

const PLATFORM = /^linux\/(amd64|arm64|arm|386|ppc64le|s390x|riscv64)$/;

export function readEnvironmentProfile(
  get: (key: ConfigKey) => string | undefined,
  stackName: string,
): EnvironmentProfile {
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
  const count = (key: ConfigKey, fallback: number): number => {
    const raw = get(key);
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) {
      throw new StackConfigError(
        key,
        `got ${JSON.stringify(raw)}`,
        `Set it to a number >= 0: pulumi config set ecr-pipeline:${key} 10`,
      );
    }
    return value;
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
  if (maxImageSizeMiB !== undefined && maxImageSizeMiB !== "") {
    const mib = Number(maxImageSizeMiB);
    if (!Number.isFinite(mib) || mib <= 0) {
      throw new StackConfigError(
        "maxImageSizeMiB",
        `got ${JSON.stringify(maxImageSizeMiB)}`,
        "Set a positive number of MiB: pulumi config set ecr-pipeline:maxImageSizeMiB 150",
      );
    }
    maxImageSizeBytes = Math.round(mib * 1024 * 1024);
  }

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
    pushesPerDay: count("pushesPerDay", 1),
    pullsPerMonthSameRegion: count("pullsPerMonthSameRegion", 0),
    pullsPerMonthViaNat: count("pullsPerMonthViaNat", 0),
    pullsPerMonthCrossRegion: count("pullsPerMonthCrossRegion", 0),
    pullsPerMonthInternet: count("pullsPerMonthInternet", 0),
    rescansPerMonth: count("rescansPerMonth", 0),
    extraTags: list("extraTags", []),
  };
}
