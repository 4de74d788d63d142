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
import { InvalidArgumentError } from "../common/errors";
import { checkedInput } from "../common/outputs";
import { IMAGE_TAG_PATTERN, IMAGE_TAG_RULE } from "../common/tags";
import { describeValue } from "../cost/validate";
import { booleanArg, oneOf, validateCacheTag } from "./args";
import { checkBuildFiles } from "./build-files";

/** How the image is built: shared by BuildKitImage and EcrImagePipeline (one definition, one doc). */
export interface ImageBuildSettings {
  /** Build context directory. */
  context: pulumi.Input<string>;
  /**
   * Path of the Dockerfile.
   * @default "<context>/Dockerfile"
   */
  dockerfile?: pulumi.Input<string>;
  /**
   * Stage of a multi-stage Dockerfile to build.
   * @default undefined (the last stage)
   */
  target?: pulumi.Input<string>;
  /**
   * Build arguments (`ARG`). They end up in the image's history: never put secrets here.
   * @default {}
   */
  buildArgs?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Build secrets by id, mounted with `RUN --mount=type=secret,id=<id>`; never stored in the image.
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
   * Network mode for `RUN` instructions.
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
   * More tags to push, e.g. `release-1.4.0` or `deployed-prod` (mutable, see EcrRepository). With
   * several platforms they must be plain strings: each becomes its own Index (`<name>-tag-<tag>`).
   * @default []
   */
  extraTags?: pulumi.Input<pulumi.Input<string>[]>;
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
   * @default "ctx-" + 16 hex digits of a SHA-256 over the context files, Dockerfile, target, build args, platforms and the other build settings (compression, cache, network, builder, extra tags, secret ids)
   */
  contentTag?: pulumi.Input<string>;
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
  /** Extra tags as plain strings when several platforms are built (one Index each); else []. */
  extraTagIndexes: string[];
}

export interface ImageDefaultsInput {
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
 * Resolves the image's args: the plain-valued ones defaulted and checked, the tags checked (now, or when
 * an Output resolves), the build files checked on disk (./build-files.ts). Inputs it does not resolve
 * (build args, secrets, the repository URL, …) pass through.
 */
export function resolveImageSettings<A extends ImageDefaultsInput>(
  args: A,
  caller: string,
): ImageSettingsResolved<A> {
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
  let extraTagIndexes: string[] = [];
  if (platforms.length > 1 && args.extraTags !== undefined) {
    const tags = args.extraTags;
    if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === "string")) {
      throw new InvalidArgumentError(
        caller,
        "extraTags",
        "got Outputs while building several platforms",
        "Pass plain strings: each extra tag becomes its own image index, created when the program runs.",
      );
    }
    extraTagIndexes = [...new Set(tags as string[])];
  }
  const cacheTag = validateCacheTag(caller, args.cacheTag);
  const resolved: ImageDefaults = {
    cacheTag,
    cache: booleanArg(caller, "cache", args.cache, true),
    compression: oneOf(caller, "compression", args.compression, LAYER_COMPRESSIONS, "gzip"),
    retainOnDelete: booleanArg(caller, "retainOnDelete", args.retainOnDelete, true),
    platforms,
    platformBuilders,
    extraTagIndexes,
  };
  // Checked now when plain, when they resolve when Outputs: named for the caller either way.
  const extraTags = checkedInput(args.extraTags, (tags) => checkExtraTags(caller, tags, cacheTag));
  const contentTag = checkedInput(args.contentTag, (tag) => checkTag(caller, "contentTag", tag, cacheTag));
  checkBuildFiles(args, caller);
  return {
    ...args,
    ...resolved,
    buildOnPreview: (args.buildOnPreview ?? true) as Exclude<A["buildOnPreview"], undefined> | true,
    extraTags: extraTags as A["extraTags"],
    contentTag: contentTag as A["contentTag"],
  };
}

/** `extraTags`, plain or as they resolved: each a valid tag that no build overwrites ({@link checkTag}). */
function checkExtraTags(caller: string, tags: unknown, cacheTag: string): void {
  if (!Array.isArray(tags)) return;
  for (const tag of tags) checkTag(caller, "extraTags", tag, cacheTag);
}

/**
 * A tag the user gives (`extraTags`, `contentTag`): a valid image tag, and not a build-cache tag
 * (`<cacheTag>`, or a platform's `<cacheTag>-<arch>`), which every build overwrites with cache metadata.
 */
function checkTag(caller: string, argument: string, tag: unknown, cacheTag: string): void {
  if (typeof tag !== "string") return;
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
      `Remove it from ${argument}, or set cacheTag to another tag.`,
    );
  }
  if (tag.startsWith(`${cacheTag}-`)) {
    throw new InvalidArgumentError(
      caller,
      argument,
      `${JSON.stringify(tag)} is a per-platform build-cache tag (${cacheTag}-<arch>), which every build overwrites with cache metadata`,
      `Remove it from ${argument}, or set cacheTag to another tag.`,
    );
  }
}
