/**
 * BuildKitImage's args: declared and documented (the README's tables are generated from these
 * interfaces), then resolved by one function, `resolveImageSettings`, which BuildKitImage calls before it
 * registers anything and EcrImagePipeline calls for the image it builds, naming itself. Resolving is
 * idempotent: the settings it returns, resolved again, are the same settings, so a parent may hand them
 * to the child as its args.
 */
import type * as pulumi from "@pulumi/pulumi";
import { DEFAULT_PLATFORM } from "../buildkit/platforms";
import {
  IMAGE_PLATFORMS,
  LAYER_COMPRESSIONS,
  type BuildNetworkMode,
  type ImagePlatform,
  type LayerCompression,
} from "../common/enums";
import type { ArgumentProblem } from "../common/argument-problem";
import { InvalidArgumentError } from "../common/errors";
import { checkedInput, isPending } from "../common/outputs";
import type { ReportTarget } from "../common/reported-error";
import { CONTENT_TAG_PREFIX, DEPLOYED_TAG_PREFIX, IMAGE_TAG_PATTERN, IMAGE_TAG_RULE } from "../common/tags";
import { planTagMutability, type TagConventions, type TagMutabilityPlan } from "../buildkit/tag-policy";
import { describeValue } from "../cost/validate";
import { resolvedSettings, unknownArgProblems } from "./arg-names";
import { booleanArg, oneOf, stringListArg, throwFirstProblem, validateCacheTag } from "./args";
import { checkBuildFiles } from "./build-files";
import { credentialBuildArgProblems, secretMountProblems, type SecretMountCheck } from "./build-secrets";
import { networkProblems } from "./input-checks";

/** How the image is built: shared by BuildKitImage and EcrImagePipeline (one definition, one doc). */
export interface ImageBuildSettings {
  /**
   * Build context directory (relative to the directory the program runs in, or absolute). Required. It
   * must exist: checked before anything is registered, or when it resolves if an Output (with
   * `dockerfile` and `target`), before any child is registered.
   */
  context: pulumi.Input<string>;
  /**
   * Path of the Dockerfile; it must be a readable file (an Output: checked when it resolves).
   * @default "<context>/Dockerfile"
   */
  dockerfile?: pulumi.Input<string>;
  /**
   * Stage of a multi-stage Dockerfile to build; it must be one of its named stages (an Output: checked
   * when it resolves).
   * @default undefined (the last stage)
   */
  target?: pulumi.Input<string>;
  /**
   * Build arguments (`ARG`), each value a string. They end up in the image's history and in plain text in the Pulumi state,
   * so one whose name or value looks like a credential (a name with TOKEN, SECRET, PASSWORD or ending in
   * `_KEY`; a URL with a password; a token or AWS secret key shape) is rejected: pass it in `secrets`
   * and read it with `RUN --mount=type=secret`, or list a false positive in `nonSecretBuildArgs`.
   * @default {}
   */
  buildArgs?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Build args that only look like credentials (e.g. `PUBLIC_KEY_URL`), exempt from the credential
   * check of `buildArgs` by name. A name here that is not a build arg is an error.
   * @default []
   */
  nonSecretBuildArgs?: string[];
  /**
   * Build secrets by id, mounted with `RUN --mount=type=secret,id=<id>`; never stored in the image (the
   * preview-time size estimate builds with them too). A secret the Dockerfile's built stages mount but
   * that is not passed here is an error; one passed but mounted nowhere is a warning.
   * @default {}
   */
  secrets?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Target platforms (a plain list: it decides which resources exist). One builds one image. More than
   * one builds each platform on its own, with its own registry cache `<cacheTag>-<arch>` and an image
   * tagged `<content tag>-<arch>`, and joins them in an image index (docker-build `Index`) that carries
   * the content tag and the extra tags; `imageUri` pins the index's digest. A platform the builder
   * cannot run (no native node, no binfmt emulation) fails its build at the first `RUN` of a stage on
   * that platform with BuildKit's `exec /bin/sh: exec format error`; with `buildOnPreview` that is in `pulumi preview`.
   * @default ["linux/amd64"]
   */
  platforms?: ImagePlatform[];
  /**
   * Name of an existing buildx builder (e.g. a remote or Kubernetes BuildKit created with
   * `docker buildx create --name ci --driver remote tcp://buildkitd:1234`). A name that does not exist
   * fails the build (in preview with `buildOnPreview`) with buildx's "no builder … found".
   * @default undefined (the default builder)
   */
  builderName?: pulumi.Input<string>;
  /**
   * Builder per platform, e.g. `{ "linux/arm64": "arm-native" }`, so a platform builds on a native
   * machine instead of under emulation. Platforms not listed use `builderName`.
   * @default {}
   */
  platformBuilders?: Record<string, string>;
  /**
   * Network mode for `RUN` instructions: `default` (BuildKit's sandbox network), `host` or `none`
   * (docker-build's NetworkMode; Docker's `bridge` is not one). Checked when it resolves if an Output.
   * @default "default"
   */
  network?: pulumi.Input<BuildNetworkMode>;
  /**
   * Tag of the registry cache in the same repository.
   * @default "buildcache"
   */
  cacheTag?: string;
  /**
   * Read and write a BuildKit registry cache at `<repositoryUrl>:<cacheTag>` (mode max, image manifest,
   * OCI media types: the form ECR accepts). Cache export errors are ignored so a cache outage never fails
   * a deploy. A preview that builds (`buildOnPreview`) writes it too.
   * @default true
   */
  cache?: boolean;
  /**
   * Layer compression of the pushed image and the registry cache, forced onto every layer (so a runner
   * that holds the layers in another compression still pushes this one). `zstd` decompresses faster and
   * is usually smaller; it is sent with level 3 and OCI media types, recompresses the base layers too,
   * and needs a runtime that reads zstd layers (containerd 1.5+, Fargate platform 1.4).
   * @default "gzip"
   */
  compression?: LayerCompression;
  /**
   * Promotion tags, pointed at the image once it is pushed under its content tag (and, in
   * EcrImagePipeline, once its size and cost are within their limits): each is its own docker-build
   * Index (`<name>-tag-<tag>`, kept in ECR when removed from this list). Which tags move: `deployed-*`
   * and the names teams re-point to each build (`latest`, `stable`, `edge`, `nightly`, `canary`,
   * `current`, `live`, `main`, `master`, `dev`, `develop`, `development`, `test`, `testing`, `qa`, `uat`,
   * `stage`, `staging`, `preprod`, `pre-prod`, `prod`, `production`, `sandbox`, `demo`, `preview`; at
   * most three of these besides `deployed-*`, ECR's five exclusion filters) are exempt from tag
   * immutability and move to every new build. Any other tag (`release-1.4.0`, `v2`, a commit) stays: it
   * names one build for good, and a preview that would point it at another build stops with the fix.
   * Not `ctx-*` (content tags) or the cache tag. Plain strings: each tag decides a resource.
   * @default []
   */
  extraTags?: string[];
  /**
   * Keep the pushed image when the resource is replaced or deleted, so a deploy never deletes the image
   * that is still running; the lifecycle policy expires it later.
   * @default true
   */
  retainOnDelete?: boolean;
  /**
   * Build a changed image during `pulumi preview`, so a broken Dockerfile fails the preview. No image is
   * pushed, but that build writes the registry cache (`<cacheTag>`, only the cache): docker-build filters
   * only image pushes in previews. For previews that write nothing, run them with pull-only ECR
   * credentials (the cache write then fails and is ignored) or set this to false.
   * @default true
   */
  buildOnPreview?: pulumi.Input<boolean>;
}

export interface BuildKitImageArgs extends ImageBuildSettings {
  /** URL of the ECR repository to push to: `<account>.dkr.ecr.<region>.amazonaws.com/<name>`. */
  repositoryUrl: pulumi.Input<string>;
  /**
   * Registry id (AWS account) for the ECR authorization token.
   * @default the account of the AWS provider
   */
  registryId?: pulumi.Input<string>;
  /**
   * Content-addressed tag to push. Override only to bring your own (e.g. a git commit); it must then
   * change whenever a build setting does, since the rebuild pushes it again and ECR refuses a second push
   * to an immutable tag (even of the same digest).
   * @default "ctx-" + 16 hex digits of a SHA-256 over the context files, Dockerfile, target, build args, platforms and the other build settings (compression, cache, network, builder, secret ids)
   */
  contentTag?: pulumi.Input<string>;
  /**
   * The promotion tags (`extraTags`) are pointed at the pushed image only once this resolves to true;
   * an Output that fails, or resolves to false, leaves every promotion tag where it is (EcrImagePipeline
   * passes its size budget and cost guardrail gate here).
   * @default true (right after the push)
   */
  promoteWhen?: pulumi.Input<boolean>;
}

/** The plain-valued part of BuildKitImageArgs, resolved. */
export interface ImageDefaults {
  cacheTag: string;
  cache: boolean;
  compression: LayerCompression;
  retainOnDelete: boolean;
  /** Target platforms, deduplicated only by rejecting duplicates; at least one. */
  platforms: ImagePlatform[];
  /** Builder per platform (only platforms in `platforms`); others use `builderName`. */
  platformBuilders: Record<string, string>;
  /** `extraTags`, each once, in order: one promotion Index each (../buildkit/promotion.ts). */
  promotionTags: string[];
  /** Promotion tags that move: `deployed-*` and the moving names (../buildkit/tag-policy.ts). */
  movingTags: string[];
  /** Promotion tags that stay on one build: a preview that would move one stops (`fixedTagMoves`). */
  fixedTags: string[];
  /** Secrets passed but mounted by no RUN of the stages built (BuildKitImage logs them). */
  secretWarnings: ArgumentProblem[];
}

export interface ImageDefaultsInput {
  buildArgs?: unknown;
  nonSecretBuildArgs?: unknown;
  secrets?: unknown;
  network?: unknown;
  cacheTag?: string;
  cache?: boolean;
  compression?: LayerCompression;
  retainOnDelete?: boolean;
  platforms?: readonly ImagePlatform[];
  platformBuilders?: Record<string, string>;
  builderName?: unknown;
  extraTags?: unknown;
  contentTag?: unknown;
  buildOnPreview?: unknown;
  context?: unknown;
  dockerfile?: unknown;
  target?: unknown;
}

/** BuildKitImage's args with every default applied and every plain value checked. */
export type ImageSettingsResolved<A extends ImageDefaultsInput> = Readonly<
  Omit<A, keyof ImageDefaults | "buildOnPreview"> &
    ImageDefaults & {
      /** Build a changed image in `pulumi preview`: on unless turned off. */
      buildOnPreview: Exclude<A["buildOnPreview"], undefined> | true;
    }
>;

/** A buildx builder name: `docker buildx create --name` accepts letters, digits, '.', '_' and '-'. */
const BUILDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkBuilderName(caller: string, argument: string, value: unknown): void {
  if (typeof value !== "string") return; // an Output: checked by the build itself
  if (!BUILDER_NAME.test(value)) {
    throw new InvalidArgumentError(
      caller,
      argument,
      `${JSON.stringify(value)} is not a buildx builder name`,
      "Use the name `docker buildx ls` shows (letters, digits, '.', '_', '-'), or leave it unset for the default builder.",
    );
  }
}

/**
 * Resolves the image's args: the plain-valued ones defaulted and checked, the extra tags planned (which
 * move, which stay: ../buildkit/tag-policy.ts), the build files checked on disk (./build-files.ts), the
 * build args judged for credentials and the secrets against the Dockerfile's mounts (./build-secrets.ts),
 * `network`, `buildArgs`, `secrets` and `contentTag` checked now when plain and when they resolve when
 * Outputs (errors then reported on the component `report` is attached to). Inputs it does not resolve
 * (the repository URL, …) pass through.
 */
export function resolveImageSettings<A extends ImageDefaultsInput>(
  args: A,
  caller: string,
  report?: ReportTarget,
): ImageSettingsResolved<A> {
  // Its own args only when BuildKitImage is what the user called (EcrImagePipeline checks its own).
  if (caller === "BuildKitImage") throwFirstProblem(caller, unknownArgProblems(caller, args));
  // Checked before it is spread: `platforms: 0` threw a TypeError ("not iterable") instead of naming it.
  const platforms = Array.isArray(args.platforms ?? []) ? [...(args.platforms ?? [DEFAULT_PLATFORM])] : [];
  if (platforms.length === 0) {
    throw new InvalidArgumentError(
      caller,
      "platforms",
      `got ${describeValue(args.platforms)}`,
      'List at least one platform, e.g. ["linux/amd64"], or leave it unset.',
    );
  }
  for (const platform of platforms) {
    oneOf(caller, "platforms", platform, IMAGE_PLATFORMS, DEFAULT_PLATFORM);
    if (platforms.indexOf(platform) !== platforms.lastIndexOf(platform)) {
      throw new InvalidArgumentError(
        caller,
        "platforms",
        `${describeValue(platform)} is listed twice`,
        "List each platform once.",
      );
    }
  }
  checkBuilderName(caller, "builderName", args.builderName);
  const givenBuilders: unknown = args.platformBuilders ?? {};
  if (typeof givenBuilders !== "object" || givenBuilders === null || Array.isArray(givenBuilders)) {
    throw new InvalidArgumentError(
      caller,
      "platformBuilders",
      `got ${describeValue(givenBuilders)}`,
      'Map platforms to builder names, e.g. { "linux/arm64": "arm-builder" }, or leave it unset.',
    );
  }
  const platformBuilders = { ...(givenBuilders as Record<string, string>) };
  for (const [platform, builder] of Object.entries(platformBuilders)) {
    if (!platforms.includes(platform as ImagePlatform)) {
      throw new InvalidArgumentError(
        caller,
        "platformBuilders",
        `${describeValue(platform)} is not one of the platforms built (${platforms.join(", ")})`,
        'Key it by a platform listed in platforms, e.g. { "linux/arm64": "arm-builder" }.',
      );
    }
    checkBuilderName(caller, `platformBuilders["${platform}"]`, builder);
  }
  const cacheTag = validateCacheTag(caller, args.cacheTag);
  const tags = resolveExtraTags(caller, args.extraTags, cacheTag);
  // Checked now when plain, when they resolve when Outputs: named for the caller, shown on its component.
  const network = checkedInput(
    args.network,
    (value) => throwFirstProblem(caller, networkProblems(value)),
    report,
  );
  const nonSecretBuildArgs = stringListArg(
    caller,
    "nonSecretBuildArgs",
    args.nonSecretBuildArgs as string[] | undefined,
    [],
    '["PUBLIC_KEY_URL"]',
  );
  const buildArgs = checkedBuildArgs(caller, args.buildArgs, nonSecretBuildArgs, report);
  const files = checkBuildFiles(args, caller);
  const buildFiles = checkedBuildFiles(caller, args, report);
  // The secrets' ids against the Dockerfile's mounts: a plain map's ids are known now (its values may
  // be Outputs: only the ids count), warnings too; a whole map that is an Output is checked when it
  // resolves (errors only: nothing can be logged from there).
  const secretWarnings: ArgumentProblem[] = [];
  let secrets: unknown = args.secrets;
  if (isPlainRecord(args.secrets) || args.secrets === undefined) {
    const check = secretMountCheck(files, args.target, args.secrets ?? {});
    throwFirstProblem(caller, check.errors);
    secretWarnings.push(...check.warnings);
  } else {
    secrets = checkedInput(
      args.secrets,
      (value) => throwFirstProblem(caller, secretMountCheck(files, args.target, value).errors),
      report,
    );
  }
  const resolved: ImageDefaults = {
    cacheTag,
    cache: booleanArg(caller, "cache", args.cache, true),
    compression: oneOf(caller, "compression", args.compression, LAYER_COMPRESSIONS, "gzip"),
    retainOnDelete: booleanArg(caller, "retainOnDelete", args.retainOnDelete, true),
    platforms,
    platformBuilders,
    promotionTags: tags.promotion,
    movingTags: tags.plan.moving,
    fixedTags: tags.plan.fixed,
    secretWarnings,
  };
  const contentTag = checkedInput(
    args.contentTag,
    (tag) => checkTag(caller, "contentTag", tag, cacheTag),
    report,
  );
  // Marked resolved: handed to BuildKitImage as its args, its keys are not checked as arg names again.
  return resolvedSettings({
    ...args,
    ...resolved,
    buildOnPreview: (args.buildOnPreview ?? true) as Exclude<A["buildOnPreview"], undefined> | true,
    network: network as A["network"],
    nonSecretBuildArgs: args.nonSecretBuildArgs as A["nonSecretBuildArgs"],
    buildArgs: buildArgs as A["buildArgs"],
    secrets: secrets as A["secrets"],
    contentTag: contentTag as A["contentTag"],
    context: buildFiles.context as A["context"],
    dockerfile: buildFiles.dockerfile as A["dockerfile"],
    target: buildFiles.target as A["target"],
  });
}

/**
 * `context`, `dockerfile` and `target` when one is an Output: checked as checkBuildFiles checks plain
 * ones (./build-files.ts) once all three resolve, the error naming the arg and reported on the component;
 * each Output is replaced by its checked one, so the children that wait for it (EcrImagePipeline's
 * `allResolved`) are not registered for a bad one. Before, an Output context that did not exist failed in
 * the build's `cacheFrom` as `error serializing property "outputs": … "cacheFrom": …`, after five resources
 * were registered (new-user trial, 2026-12-06).
 */
function checkedBuildFiles(
  caller: string,
  args: { context?: unknown; dockerfile?: unknown; target?: unknown },
  report: ReportTarget | undefined,
): { context: unknown; dockerfile: unknown; target: unknown } {
  const given = { context: args.context, dockerfile: args.dockerfile, target: args.target };
  if (!isPending(given)) return given;
  const checked = checkedInput(
    given,
    (files) => {
      checkBuildFiles(files, caller);
    },
    report,
  ) as pulumi.Output<{ context: unknown; dockerfile: unknown; target: unknown }>;
  const pick = (key: "context" | "dockerfile" | "target"): unknown =>
    isPending(given[key]) ? checked.apply((files) => files[key]) : given[key];
  return { context: pick("context"), dockerfile: pick("dockerfile"), target: pick("target") };
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

/**
 * `extraTags`: a plain list (each tag decides a promotion Index), each a valid tag, then the tag policy
 * (../buildkit/tag-policy.ts): no content or cache tags, at most as many moving names as ECR has
 * exclusion filters left. Returns the tags once each and the plan (which move, which stay).
 */
function resolveExtraTags(
  caller: string,
  extraTags: unknown,
  cacheTag: string,
): { promotion: string[]; plan: TagMutabilityPlan } {
  if (extraTags !== undefined && (!Array.isArray(extraTags) || isPending(extraTags))) {
    throw new InvalidArgumentError(
      caller,
      "extraTags",
      isPending(extraTags) ? "got an Output (or a list holding one)" : `got ${describeValue(extraTags)}`,
      'Pass a plain list of strings, e.g. ["deployed-prod"]: each extra tag is its own image index, which the program must know before it runs.',
    );
  }
  const tags = (extraTags ?? []) as unknown[];
  tags.forEach((tag, index) => checkTag(caller, `extraTags[${index}]`, tag, cacheTag, "extraTags"));
  const plan = planTagMutability(tags as string[], tagConventions(cacheTag));
  throwFirstProblem(caller, plan.problems);
  return { promotion: [...new Set(tags as string[])], plan };
}

/** The project's tag conventions for ../buildkit/tag-policy.ts, with this cache tag. */
export function tagConventions(cacheTag: string): TagConventions {
  return { contentTagPrefix: CONTENT_TAG_PREFIX, deployedTagPrefix: DEPLOYED_TAG_PREFIX, cacheTag };
}

/**
 * `buildArgs` judged for credentials (./build-secrets.ts): names and plain values now, values that are
 * Outputs when they resolve (with the same function), so the error is the same either way.
 */
function checkedBuildArgs(
  caller: string,
  buildArgs: unknown,
  nonSecretBuildArgs: readonly string[],
  report: ReportTarget | undefined,
): unknown {
  if (buildArgs !== undefined && !isPending(buildArgs) && !isPlainRecord(buildArgs)) {
    throw new InvalidArgumentError(
      caller,
      "buildArgs",
      `got ${describeValue(buildArgs)}`,
      'Map build arg names to values, e.g. { NODE_ENV: "production" }, or leave it unset.',
    );
  }
  if (isPlainRecord(buildArgs) || buildArgs === undefined) {
    // Names now (an Output value counts as unknown here; its value is judged when it resolves).
    const plain = Object.fromEntries(
      Object.entries(buildArgs ?? {}).map(([name, value]) => [name, isPending(value) ? undefined : value]),
    );
    throwFirstProblem(caller, buildArgValueProblems(plain));
    throwFirstProblem(caller, credentialBuildArgProblems(plain, nonSecretBuildArgs));
  }
  if (!isPending(buildArgs)) return buildArgs;
  return checkedInput(
    buildArgs,
    (values) => {
      throwFirstProblem(caller, buildArgValueProblems((values ?? {}) as Record<string, unknown>));
      throwFirstProblem(
        caller,
        credentialBuildArgProblems((values ?? {}) as Record<string, unknown>, nonSecretBuildArgs),
      );
    },
    report,
  );
}

/**
 * A build arg's value is a string (docker-build's `buildArgs` is a map of strings, `docker build
 * --build-arg NAME=value`): a number or boolean (`PYTHON_VERSION: 3.12`) went to the provider as it was
 * and failed there, after the repository was created (new-user trial, 2026-12-06). Undefined (an
 * Output not yet known) is left to its own check.
 */
export function buildArgValueProblems(values: Record<string, unknown>): ArgumentProblem[] {
  const problems: ArgumentProblem[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || typeof value === "string") continue;
    const asString =
      typeof value === "number" || typeof value === "boolean" ? ` (${JSON.stringify(String(value))})` : "";
    // A name that is not an ARG name (quotes, spaces) is shown in the problem, not in the arg's path.
    const simple = /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name);
    problems.push({
      argument: simple ? `buildArgs.${name}` : "buildArgs",
      problem: `${simple ? "" : `${JSON.stringify(name)}: `}got ${describeValue(value)}, not a string`,
      fix: `Write the value as a string${asString}: build args are passed as text (--build-arg NAME=<value>).`,
    });
  }
  return problems;
}

/** Secrets mounted but not passed (errors) and passed but not mounted (warnings); none without the Dockerfile. */
function secretMountCheck(
  files: { dockerfile: string; text: string } | undefined,
  target: unknown,
  secrets: unknown,
): SecretMountCheck {
  if (files === undefined || (target !== undefined && typeof target !== "string"))
    return { errors: [], warnings: [] };
  const ids = typeof secrets === "object" && secrets !== null ? Object.keys(secrets) : [];
  return secretMountProblems(files.text, target, ids, files.dockerfile);
}

/**
 * A tag the user gives (`extraTags`, `contentTag`): a valid image tag, and not a build-cache tag
 * (`<cacheTag>`, or a platform's `<cacheTag>-<arch>`), which every build overwrites with cache metadata.
 */
function checkTag(caller: string, argument: string, tag: unknown, cacheTag: string, list = argument): void {
  if (typeof tag !== "string") {
    if (list === argument) return; // an Output's value that is not a string: the provider rejects it
    throw new InvalidArgumentError(caller, argument, `got ${describeValue(tag)}`, `Use ${IMAGE_TAG_RULE}.`);
  }
  if (!IMAGE_TAG_PATTERN.test(tag)) {
    throw new InvalidArgumentError(
      caller,
      argument,
      `${JSON.stringify(tag)} is not a valid image tag`,
      `Use ${IMAGE_TAG_RULE}.`,
    );
  }
  if (tag === cacheTag) {
    throw new InvalidArgumentError(
      caller,
      argument,
      `${JSON.stringify(tag)} is the build-cache tag (cacheTag), which every build overwrites with cache metadata`,
      `Remove it from ${list}, or set cacheTag to another tag.`,
    );
  }
  if (tag.startsWith(`${cacheTag}-`)) {
    throw new InvalidArgumentError(
      caller,
      argument,
      `${JSON.stringify(tag)} is a per-platform build-cache tag (${cacheTag}-<arch>), which every build overwrites with cache metadata`,
      `Remove it from ${list}, or set cacheTag to another tag.`,
    );
  }
}
