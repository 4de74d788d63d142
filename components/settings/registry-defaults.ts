/**
 * EcrRegistryDefaults' args: declared and documented (the README's table is generated from this interface),
 * then resolved by one function, `resolveRegistryDefaultsSettings`, before the component registers anything.
 * The create-on-push template's lifecycle policy and tag mutability come from EcrRepository's own resolver
 * (./repository.ts), so a repository ECR creates on push is shaped exactly like one EcrRepository creates;
 * everything else is planned by ../registry/defaults.ts `registryDefaultsPlan`, whose errors are turned into
 * InvalidArgumentErrors naming the arg here.
 */
import { InvalidArgumentError, InvalidInputError } from "../common/errors";
import type { LifecyclePresetName } from "../lifecycle";
import { describeValue } from "../cost/validate";
import {
  createOnPushTemplateFor,
  registryDefaultsPlan,
  type RegistryDefaultsPlan,
  type ReplicationRule,
  type RepositoryCreationTemplateInputs,
} from "../registry";
import { resolvedSettings, unknownArgProblems } from "./arg-names";
import { booleanArg, isPositiveInteger, numberArg, throwFirstProblem } from "./args";
import { resolveRepositorySettings } from "./repository";

/**
 * Registry-wide settings of one account and region, owned by one stack: the replication configuration,
 * repository creation templates, pull-through cache rules and the blob-mounting account setting.
 */
export interface EcrRegistryDefaultsArgs {
  /** The registry's AWS account id (12 digits): the account of the AWS provider. */
  registryId: string;
  /**
   * The registry's region: every resource is registered there (the provider's `region` argument), except the
   * REPLICATION templates, which go to their destination regions.
   */
  region: string;
  /**
   * The rules the registry's replication configuration holds now, as `aws ecr describe-registry` prints them
   * (its `replicationConfiguration.rules`; `[]` when there are none). They are kept as they are, and
   * `replicationRules` is merged into them: the configuration is written whole, so a rule missing here would
   * be deleted. Setting it makes this component own the configuration (`retainOnDelete`: removing the
   * component leaves replication as it is). Read them again before each `pulumi up`.
   * @default undefined (the replication configuration is not managed here)
   */
  existingReplicationRules?: ReplicationRule[];
  /**
   * The rules pipelines need (each EcrImagePipeline's `replicationRule` output), keyed by who asks (e.g.
   * `"orders (prod)"`): added to `existingReplicationRules` (a filter joins a rule with the same destinations,
   * otherwise a new rule), never replacing one. Another stack's outputs are plain values with
   * `(await stackRef.getOutputDetails("replicationRule")).value`. Needs `existingReplicationRules`.
   * @default {}
   */
  replicationRules?: Record<string, ReplicationRule>;
  /**
   * The REPLICATION creation templates pipelines need (each EcrImagePipeline's `replicationTemplate` output),
   * keyed like `replicationRules`: each is registered in every destination region of the rule with the same
   * key, before the replication configuration, so that a replica is created with its source's lifecycle
   * policy and tag mutability. Two requests for one prefix and region must be identical (ECR keeps one
   * template per prefix).
   * @default {}
   */
  replicationTemplates?: Record<string, RepositoryCreationTemplateInputs>;
  /**
   * Prefix (a namespace, or `ROOT` for every repository no other template matches) of a CREATE_ON_PUSH
   * creation template: a push to a repository that does not exist creates it with the lifecycle policy and
   * tag mutability EcrRepository would give it (`lifecyclePreset` or `lifecyclePolicy`, `cacheTag`,
   * `platformsPerImage`).
   * @default undefined (no create-on-push template)
   */
  createOnPushPrefix?: string;
  /** Lifecycle preset of the create-on-push template (docs/LIFECYCLE.md); needs `createOnPushPrefix`. @default "prod" */
  lifecyclePreset?: LifecyclePresetName;
  /** Lifecycle policy JSON of the create-on-push template, replacing the preset; needs `createOnPushPrefix`. @default undefined (use `lifecyclePreset`) */
  lifecyclePolicy?: string;
  /** Cache tag the create-on-push template exempts from tag immutability and keep counts. @default "buildcache" */
  cacheTag?: string;
  /** Platforms each build pushes to a repository created on push (the preset counts an index plus one image each). @default 1 */
  platformsPerImage?: number;
  /**
   * Base images to serve through pull-through cache rules (e.g. `python:3.12-slim`,
   * `public.ecr.aws/docker/library/node:22`): one rule per upstream registry, with a PULL_THROUGH_CACHE
   * creation template for the repositories it creates; `cachedReferences` gives each one's reference to
   * build FROM.
   * @default []
   */
  pullThroughCacheImages?: string[];
  /**
   * Secrets Manager secret ARNs (names beginning `ecr-pullthroughcache/`) by upstream, for the upstreams that
   * need a credential: `docker-hub`, `github-container-registry`, `gitlab-container-registry`,
   * `azure-container-registry`.
   * @default {}
   */
  pullThroughCacheCredentialArns?: Record<string, string>;
  /** Days after which a cached image that no tag points at any more expires (the pull-through cache template's lifecycle policy). @default 7 */
  pullThroughCacheUntaggedDays?: number;
  /**
   * Turn on the `BLOB_MOUNTING` account setting: repositories of this registry with the same encryption share
   * identical layers instead of storing them each (not layers from a pull-through cache). Deleting the
   * setting's resource leaves it as it is.
   * @default false (the setting is not managed here)
   */
  blobMounting?: boolean;
}

/** EcrRegistryDefaults' args, resolved: the plan of what it registers. */
export interface RegistryDefaultsSettings extends EcrRegistryDefaultsArgs {
  blobMounting: boolean;
  pullThroughCacheUntaggedDays: number;
  plan: RegistryDefaultsPlan;
}

/** Whether `value` holds an Output or a Promise (duck-typed: settings/ does not import the Pulumi runtime). */
function holdsPending(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== "object" || depth > 8) return false;
  if ((value as { __pulumiOutput?: unknown }).__pulumiOutput === true || value instanceof Promise)
    return true;
  return Object.values(value).some((item) => holdsPending(item, depth + 1));
}

const PLAIN_ARGS = [
  "existingReplicationRules",
  "replicationRules",
  "replicationTemplates",
  "pullThroughCacheImages",
  "pullThroughCacheCredentialArns",
] as const;

function record(caller: string, argument: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(
      caller,
      argument,
      `got ${describeValue(value)}`,
      'Use an object keyed by who asks, e.g. { "orders (prod)": <value> }.',
    );
  }
  return value as Record<string, unknown>;
}

/**
 * Resolves EcrRegistryDefaults' args into the plan of its resources; every error is an InvalidArgumentError
 * naming `caller` and the arg as written (`replicationTemplates["orders (prod)"].prefix`), thrown before
 * anything is registered. The args that decide which resources exist must be plain values.
 */
export function resolveRegistryDefaultsSettings(
  args: EcrRegistryDefaultsArgs,
  caller: string,
  name: string,
): RegistryDefaultsSettings {
  throwFirstProblem(caller, unknownArgProblems("EcrRegistryDefaults", args));
  for (const argument of PLAIN_ARGS) {
    if (holdsPending(args[argument])) {
      throw new InvalidArgumentError(
        caller,
        argument,
        "holds an Output: which rules, templates and caches exist must be known before anything is registered",
        `Pass plain values; read another stack's outputs with \`(await stackRef.getOutputDetails("<output>")).value\`.`,
      );
    }
  }
  const blobMounting = booleanArg(caller, "blobMounting", args.blobMounting, false);
  const pullThroughCacheUntaggedDays = numberArg(
    caller,
    "pullThroughCacheUntaggedDays",
    args.pullThroughCacheUntaggedDays,
    7,
    (value) => isPositiveInteger(value) && value <= 3650,
    "Use a whole number of days from 1 to 3650.",
  );
  if (args.pullThroughCacheImages !== undefined && !Array.isArray(args.pullThroughCacheImages)) {
    throw new InvalidArgumentError(
      caller,
      "pullThroughCacheImages",
      `got ${describeValue(args.pullThroughCacheImages)}`,
      'Use a list of image references, e.g. ["python:3.12-slim"].',
    );
  }
  const credentials = record(caller, "pullThroughCacheCredentialArns", args.pullThroughCacheCredentialArns);
  for (const [upstream, arn] of Object.entries(credentials)) {
    if (typeof arn !== "string") {
      throw new InvalidArgumentError(
        caller,
        `pullThroughCacheCredentialArns[${JSON.stringify(upstream)}]`,
        `got ${describeValue(arn)}`,
        "Use the ARN of a Secrets Manager secret whose name begins with ecr-pullthroughcache/.",
      );
    }
  }

  // The create-on-push template, shaped by EcrRepository's own resolver.
  let createOnPush: RepositoryCreationTemplateInputs | undefined;
  const repositoryArgs = {
    lifecyclePreset: args.lifecyclePreset,
    lifecyclePolicy: args.lifecyclePolicy,
    cacheTag: args.cacheTag,
    platformsPerImage: args.platformsPerImage,
  };
  if (args.createOnPushPrefix === undefined) {
    const stray = Object.entries(repositoryArgs).find(([, value]) => value !== undefined);
    if (stray !== undefined) {
      throw new InvalidArgumentError(
        caller,
        stray[0],
        "applies only to the create-on-push template, and createOnPushPrefix is unset",
        'Set createOnPushPrefix (a namespace such as "team", or "ROOT"), or leave it out.',
      );
    }
  } else {
    const repository = resolveRepositorySettings(repositoryArgs, caller, name);
    createOnPush = wrapped(caller, () =>
      createOnPushTemplateFor(
        args.createOnPushPrefix as string,
        repository.lifecyclePolicyText,
        repository.mutableTagFilters,
      ),
    );
  }

  const plan = wrapped(caller, () =>
    registryDefaultsPlan({
      registryId: args.registryId,
      region: args.region,
      ...(args.existingReplicationRules === undefined
        ? {}
        : { existingReplicationRules: args.existingReplicationRules }),
      replicationRules: record(caller, "replicationRules", args.replicationRules),
      replicationTemplates: record(caller, "replicationTemplates", args.replicationTemplates),
      ...(createOnPush === undefined ? {} : { createOnPush }),
      pullThroughCacheImages: args.pullThroughCacheImages ?? [],
      pullThroughCacheCredentialArns: credentials as Record<string, string>,
      pullThroughCacheUntaggedDays,
      blobMounting,
    }),
  );
  // Marked resolved: resolving it again (its own keys and `plan`) checks no arg names.
  return resolvedSettings({ ...args, blobMounting, pullThroughCacheUntaggedDays, plan });
}

/** Runs a pure step, turning its InvalidInputError into an InvalidArgumentError for `caller`. */
function wrapped<T>(caller: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    const [problem, fix] = splitFix(error.message);
    throw new InvalidArgumentError(caller, error.key, problem, fix);
  }
}

/** A pure module's message as InvalidArgumentError's problem and fix ("… Fix: …"). */
function splitFix(message: string): [string, string] {
  const at = message.lastIndexOf(" Fix: ");
  if (at < 0)
    return [message.replace(/\.$/, ""), "See the argument's documentation (README, EcrRegistryDefaults)."];
  const fix = message.slice(at + " Fix: ".length);
  return [
    message.slice(0, at).replace(/\.$/, ""),
    `${fix.charAt(0).toUpperCase()}${fix.slice(1)}${fix.endsWith(".") ? "" : "."}`,
  ];
}
