/**
 * Tag conventions shared by the image builder, the repository (tag mutability exclusions) and the
 * lifecycle presets. They are part of the public contract: a lifecycle rule that keeps "deployed-*"
 * only protects what the pipeline really tags that way.
 */

/** Tag the BuildKit registry cache is exported to (`cacheTo`/`cacheFrom` `ref = <repo>:<tag>`). */
export const DEFAULT_CACHE_TAG = "buildcache";

/**
 * Prefix of the content-addressed tag every build is pushed with: `ctx-` + the first 16 hex digits of
 * a SHA-256 over the build context, Dockerfile, target, build args, platforms and the other build
 * settings (../buildkit/refs.ts `buildSettingsKey`). Same inputs, same tag; and any change that makes
 * docker-build push again is a new tag, since ECR refuses a second push to an immutable tag even of the
 * same digest.
 */
export const CONTENT_TAG_PREFIX = "ctx-";

/**
 * Prefixes of tags that mark an image as running somewhere (`deployed-dev`, `deployed-prod`) or as a
 * release (`release-1.4.0`). Lifecycle presets keep every image carrying one of them, at the highest
 * precedence. `deployed-*` tags move from image to image, so the repository exempts them (and the
 * cache tag) from tag immutability.
 */
export const DEPLOYED_TAG_PREFIX = "deployed-";
export const RELEASE_TAG_PREFIX = "release-";
export const PROTECTED_TAG_PREFIXES: readonly string[] = [DEPLOYED_TAG_PREFIX, RELEASE_TAG_PREFIX];

/**
 * Docker image tags: 1–128 characters of `[A-Za-z0-9_.-]`, not starting with `.` or `-`
 * (https://docs.docker.com/reference/cli/docker/image/tag/, "Description").
 */
export const IMAGE_TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** How to write a valid tag, for error messages. */
export const IMAGE_TAG_RULE =
  "1-128 characters of letters, digits, '_', '.' and '-', not starting with '.' or '-'";
