/**
 * The names each component's args interface declares, and the check that a component was given no
 * other: TypeScript refuses an unknown key in an object literal, but not in an args object built in a
 * variable (`const common = { extraTag: [...] }; new EcrImagePipeline("x", { ...common, context })`),
 * nor in JavaScript, nor from another language through the component provider (PulumiPlugin.yaml). A
 * misspelt arg (`extraTag`, `maxImageSizeMb`) was silently ignored: no tag, no budget, no error. Now it is
 * an error before anything is registered, naming the closest declared arg (new-user trial, 2026-12-06).
 *
 * The lists are data; test/settings/arg-names.test.ts reads the Args interfaces' fields with
 * tools/args-table.ts (the README's tables) and fails when a list and its interface differ.
 */
import type { ArgumentProblem } from "../common/argument-problem";
import { editDistance } from "../common/edit-distance";

const REPOSITORY_SETTINGS = [
  "repositoryName",
  "scanOnPush",
  "kmsKeyArn",
  "forceDelete",
  "cacheTag",
  "lifecyclePreset",
  "lifecyclePolicy",
  "pullPrincipalArns",
  "scanningMode",
  "manageRegistryScanning",
  "registryScanFrequency",
  "registryScanFilters",
  "tags",
] as const;

const IMAGE_BUILD_SETTINGS = [
  "context",
  "dockerfile",
  "target",
  "buildArgs",
  "nonSecretBuildArgs",
  "secrets",
  "platforms",
  "builderName",
  "platformBuilders",
  "network",
  "cache",
  "compression",
  "extraTags",
  "retainOnDelete",
  "buildOnPreview",
] as const;

/** The declared args of each component, by the name its errors use. */
export const ARG_NAMES: Readonly<Record<string, readonly string[]>> = {
  EcrImagePipeline: [
    "costRegion",
    ...REPOSITORY_SETTINGS,
    ...IMAGE_BUILD_SETTINGS,
    "estimateSize",
    "maxImageSizeBytes",
    "onBudgetExceeded",
    "pushesPerDay",
    "pullsPerMonthSameRegion",
    "pullsPerMonthViaInterfaceEndpoint",
    "pullsPerMonthViaNat",
    "pullsPerMonthCrossRegion",
    "pullsPerMonthInternet",
    "rescansPerMonth",
    "rescanDuration",
    "pullBytes",
    "replicationRegions",
    "applyFreeTier",
    "replicaRetention",
    "replicaHorizonMonths",
    "archiveRestoresPerMonth",
    "pullThroughCacheBytes",
    "pullThroughCacheRegistry",
    "maxMonthlyUsd",
    "maxMonthlyIncreaseUsd",
    "maxMonthlyIncreasePercent",
    "onCostGuardrailExceeded",
  ],
  EcrRepository: ["platformsPerImage", "mutableTags", ...REPOSITORY_SETTINGS],
  BuildKitImage: [
    "repositoryUrl",
    "registryId",
    "contentTag",
    "promoteWhen",
    "cacheTag",
    ...IMAGE_BUILD_SETTINGS,
  ],
  EcrRegistryDefaults: [
    "registryId",
    "region",
    "replicationRules",
    "existingReplicationRules",
    "replicationTemplates",
    "createOnPushPrefix",
    "lifecyclePreset",
    "lifecyclePolicy",
    "cacheTag",
    "platformsPerImage",
    "blobMounting",
    "pullThroughCacheImages",
    "pullThroughCacheCredentialArns",
    "pullThroughCacheUntaggedDays",
  ],
  EcrFleetCost: ["members", "registries", "pullThroughCacheRepositories", "applyFreeTier"],
};

/** The args each component cannot do without (the interface's fields without `?`). */
export const REQUIRED_ARG_NAMES: Readonly<Record<string, readonly string[]>> = {
  EcrImagePipeline: ["context"],
  EcrRepository: [],
  BuildKitImage: ["repositoryUrl", "context"],
  EcrRegistryDefaults: ["registryId", "region"],
  EcrFleetCost: ["members"],
};

const REQUIRED_EXAMPLES: Readonly<Record<string, string>> = {
  context:
    ' to the build context directory, e.g. context: "app" (relative to the directory the program runs in)',
  repositoryUrl: " to the repository's URL, e.g. an EcrRepository's repositoryUrl output",
  registryId: ", the 12-digit account id of the registry, e.g. (await aws.getCallerIdentity()).accountId",
  region: ", e.g. (await aws.getRegion()).region",
  members:
    ' to the pipelines\' fleetMember outputs keyed by name, e.g. { "orders (prod)": orders.fleetMember }',
};

/**
 * Settings a resolver returned, which EcrImagePipeline hands its children as their args (every key of
 * its own args and the resolved ones, ../pipeline.ts): marked with this, they are not checked again.
 */
const RESOLVED = Symbol("ecr-pipeline: resolved settings");

/** Marks `settings` as a resolver's result (not enumerable: never spread, compared or sent). */
export function resolvedSettings<T extends object>(settings: T): T {
  Object.defineProperty(settings, RESOLVED, { value: true, enumerable: false });
  return settings;
}

/**
 * Every required arg of `component` that `args` lacks (unset, undefined or null: a JavaScript caller, a
 * config value that is not there), then every key it does not declare, with the closest declared name
 * as the fix. Settings a resolver returned are not checked again.
 */
export function unknownArgProblems(component: string, given: unknown): ArgumentProblem[] {
  const args: object = given ?? {};
  if (typeof args !== "object") return [];
  if ((args as Record<symbol, unknown>)[RESOLVED] === true) return [];
  const known = ARG_NAMES[component] ?? [];
  const problems: ArgumentProblem[] = [];
  for (const name of REQUIRED_ARG_NAMES[component] ?? []) {
    const value = (args as Record<string, unknown>)[name];
    if (value === undefined || value === null) {
      problems.push({
        argument: name,
        problem: `is required and ${value === null ? "is null" : "not set"}`,
        fix: `Set ${name}${REQUIRED_EXAMPLES[name] ?? ""}.`,
      });
    }
  }
  for (const key of Object.keys(args)) {
    if (known.includes(key)) continue;
    // Set to undefined is what `{ ...defaults, x: cfg.get("x") }` gives for an absent key: still a typo.
    const closest = closestName(key, known);
    problems.push({
      argument: key,
      problem: `is not an argument of ${component}, so it would be ignored`,
      fix:
        closest === undefined
          ? `Remove it; ${component}'s arguments are listed in the README ("${component}").`
          : `Did you mean "${closest}"? Rename it, or remove it.`,
    });
  }
  return problems;
}

/**
 * The declared name closest to `key`: the same ignoring case, '_' and '-'; else the one sharing the
 * longest prefix of 8+ characters (`extraTag`, `maxImageSizeMb`, `lifecyclePrest`); else one within an
 * edit distance of a third of its length.
 */
export function closestName(key: string, known: readonly string[]): string | undefined {
  const fold = (name: string): string => name.toLowerCase().replace(/[_-]/g, "");
  const folded = fold(key);
  const same = known.find((name) => fold(name) === folded);
  if (same !== undefined) return same;
  let best: string | undefined;
  let longest = 7;
  for (const name of known) {
    const shared = commonPrefixLength(folded, fold(name));
    if (shared > longest) {
      best = name;
      longest = shared;
    }
  }
  if (best !== undefined) return best;
  let bestDistance = Math.max(1, Math.floor(folded.length / 3)) + 1;
  for (const name of known) {
    const distance = editDistance(folded, fold(name));
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
