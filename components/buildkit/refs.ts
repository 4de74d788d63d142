/**
 * Pure helpers that turn a repository URL and tags into the references BuildKit pushes to.
 */
import { hashBuildContext, type BuildContextInput } from "./context-hash";
import { CONTENT_TAG_PREFIX, IMAGE_TAG_PATTERN, IMAGE_TAG_RULE } from "../common/tags";
import { platformSuffix } from "./platforms";

/** SHA-256 (hex) of what decides the build's output (see ./context-hash.ts). */
export function contextHashFor(input: BuildContextInput): string {
  return hashBuildContext(input).hash;
}

/**
 * Bumped when the docker-build inputs the component derives from the same settings change (a library
 * upgrade that sends other export or cache fields): those inputs make docker-build rebuild, so the
 * content tag must change with them. 2: gzip sent with level 6 and forced (./compression.ts). 3: the
 * Image is tagged with the content tag only, each extra tag being its own promotion Index
 * (./promotion.ts, issue 18 item 3): the Image's `tags` input changed for every stack with extra tags, a
 * rebuild that would push the same immutable content tag again, so every stack gets a new one, once.
 */
export const BUILD_RECIPE_VERSION = 3;

/** The settings besides the build files that reach docker-build's Image (and its Diff). */
export interface BuildTagSettings {
  /** `context.location` and `dockerfile.location` as sent: the Diff compares the strings. */
  context: string;
  dockerfile: string;
  compression: string;
  cache: boolean;
  cacheTag: string;
  network?: string;
  builderName?: string;
  platformBuilders?: Readonly<Record<string, string>>;
  buildOnPreview?: boolean;
  /** Build secret ids (never their values: those are left out of the Diff, ./image.ts). */
  secretIds?: readonly string[];
}

/**
 * The build settings as one canonical text for the content-tag hash. Why they are hashed: docker-build's
 * Image Diff (provider/internal/image.go `Diff`) rebuilds and pushes again when any of its inputs changes
 * (exports, cacheTo, network, builder, buildOnPreview, tags, the context and Dockerfile locations…), and
 * an ECR repository with immutable tags refuses a push to a tag it holds even when the digest is the same
 * (`ImageTagAlreadyExistsException`: aws/containers-roadmap#2179, moby/buildkit#3776). With the settings
 * in the hash such a rebuild pushes a new content tag instead, and the deployment goes through. The
 * extra tags are not among them since recipe 3: they are promotion Indexes of their own, not Image
 * inputs, so adding or moving one rebuilds nothing.
 */
export function buildSettingsKey(settings: BuildTagSettings): string {
  const sortedEntries = (record: Readonly<Record<string, string>> | undefined) =>
    Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify({
    recipe: BUILD_RECIPE_VERSION,
    context: settings.context,
    dockerfile: settings.dockerfile,
    compression: settings.compression,
    cache: settings.cache,
    cacheTag: settings.cacheTag,
    network: settings.network ?? null,
    builderName: settings.builderName ?? null,
    platformBuilders: sortedEntries(settings.platformBuilders),
    buildOnPreview: settings.buildOnPreview ?? null,
    secretIds: [...(settings.secretIds ?? [])].sort(),
  });
}

/** `ctx-` + the first 16 hex digits of a build-context hash. */
export function contentTagFromHash(contextHash: string): string {
  return CONTENT_TAG_PREFIX + contextHash.slice(0, 16);
}

/** `ctx-` + the first 16 hex digits of the build-context hash. */
export function contentTagFor(input: BuildContextInput): string {
  return contentTagFromHash(contextHashFor(input));
}

/** The registry host of a repository URL (`123456789012.dkr.ecr.us-east-1.amazonaws.com`). */
export function registryHost(repositoryUrl: string): string {
  const host = repositoryUrl.split("/")[0] ?? "";
  if (host === "" || !repositoryUrl.includes("/")) {
    throw new Error(
      `BuildKitImage: invalid argument "repositoryUrl": ${JSON.stringify(repositoryUrl)} has no "<registry>/<repository>" form. ` +
        "Pass EcrRepository.repositoryUrl (or aws.ecr.Repository.repositoryUrl).",
    );
  }
  return host;
}

export interface ImageRefs {
  /** Tags without the repository, content tag first, duplicates removed. */
  tags: string[];
  /** `<repositoryUrl>:<tag>` for each tag. */
  refs: string[];
  /** `<repositoryUrl>:<cacheTag>`. */
  cacheRef: string;
}

export function imageRefs(
  repositoryUrl: string,
  contentTag: string,
  extraTags: readonly string[],
  cacheTag: string,
): ImageRefs {
  registryHost(repositoryUrl);
  const tags = [...new Set([contentTag, ...extraTags])];
  for (const tag of tags) {
    if (!IMAGE_TAG_PATTERN.test(tag)) {
      throw new Error(`BuildKitImage: invalid tag ${JSON.stringify(tag)}: use ${IMAGE_TAG_RULE}.`);
    }
    if (tag === cacheTag || tag.startsWith(`${cacheTag}-`)) {
      throw new Error(
        `BuildKitImage: the tag ${JSON.stringify(tag)} is a build-cache tag (${cacheTag} or ${cacheTag}-<arch>); every build overwrites it with cache metadata. ` +
          "Remove it from extraTags/contentTag or choose another cacheTag.",
      );
    }
  }
  return {
    tags,
    refs: tags.map((tag) => `${repositoryUrl}:${tag}`),
    cacheRef: `${repositoryUrl}:${cacheTag}`,
  };
}

export interface PlatformRefs {
  /** `<repositoryUrl>:<contentTag>-<arch>`: the platform's image, pushed tagged so the keep rule counts it. */
  ref: string;
  /** `<repositoryUrl>:<cacheTag>-<arch>`: the platform's own registry cache. */
  cacheRef: string;
}

export function platformRefs(
  repositoryUrl: string,
  contentTag: string,
  cacheTag: string,
  platform: string,
): PlatformRefs {
  const suffix = platformSuffix(platform);
  const tag = `${contentTag}-${suffix}`;
  if (!IMAGE_TAG_PATTERN.test(tag)) {
    throw new Error(
      `BuildKitImage: the per-platform tag ${JSON.stringify(tag)} is not a valid tag (over 128 characters?): use a shorter contentTag.`,
    );
  }
  return { ref: `${repositoryUrl}:${tag}`, cacheRef: `${repositoryUrl}:${cacheTag}-${suffix}` };
}

/** The `sha256:…` of a `name:tag@sha256:…` reference, or undefined when it has none (an index in preview). */
export function digestOfRef(ref: string): string | undefined {
  const at = ref.lastIndexOf("@");
  return at === -1 ? undefined : ref.slice(at + 1);
}
