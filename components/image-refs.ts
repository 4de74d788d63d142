/**
 * Pure helpers that turn a repository URL and tags into the references BuildKit pushes to.
 */
import { hashBuildContext, type BuildContextInput } from "./size/context-hash";
import { CONTENT_TAG_PREFIX, IMAGE_TAG_PATTERN, IMAGE_TAG_RULE } from "./tags";

/** SHA-256 (hex) of what decides the build's output (see ./size/context-hash.ts). */
export function contextHashFor(input: BuildContextInput): string {
  return hashBuildContext(input).hash;
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
    if (tag === cacheTag) {
      throw new Error(
        `BuildKitImage: the tag ${JSON.stringify(tag)} is the build-cache tag; every build overwrites it with cache metadata. ` +
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
