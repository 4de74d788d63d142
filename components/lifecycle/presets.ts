/**
 * Retention presets. Each one, in priority order:
 * 1. one keep rule per protected tag prefix (`deployed-`, `release-`): ECR has no "keep" action, so a
 *    tagged rule with a count the repository never reaches (KEEP_FOREVER_IMAGE_COUNT) selects them; an
 *    image "that matches the tagging requirements of a rule cannot be expired by a rule with a lower
 *    priority" (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html). One rule
 *    per prefix, because the entries of one tagPrefixList are ANDed, not ORed.
 * 2. keep the newest N builds selected by their content tag `ctx-`, never `tagStatus: "any"`, so the
 *    build-cache image (tagged only `buildcache`) neither takes a slot nor gets expired.
 * 3. expire untagged images (old cache manifests, superseded builds' leftovers) after D days, by age
 *    rather than count (see the untagged warning in ./warnings.ts).
 *
 * The numbers N and D live in LIFECYCLE_PRESET_RETENTION below and nowhere else: the preset
 * descriptions are generated from it, and test/lifecycle/render-presets.test.ts checks docs/LIFECYCLE.md's
 * table against it. Staging and prod keep untagged images longer so a rollback by digest still finds a recently
 * superseded image for a week or two. Nothing else is ever expired: images with other tags (e.g.
 * `buildcache`, `latest`) are selected by no rule.
 */
import { CONTENT_TAG_PREFIX, DEFAULT_CACHE_TAG, PROTECTED_TAG_PREFIXES } from "../common/tags";
import type { LifecycleRule } from "./types";
import { KEEP_FOREVER_IMAGE_COUNT } from "./types";

export const LifecyclePresetName = { Dev: "dev", Staging: "staging", Prod: "prod" } as const;
export type LifecyclePresetName = (typeof LifecyclePresetName)[keyof typeof LifecyclePresetName];

export interface LifecyclePresetRetention {
  /** Newest content-tagged builds kept. */
  keepBuilds: number;
  /** Days an untagged image is kept after its push. */
  untaggedDays: number;
}

export const LIFECYCLE_PRESET_RETENTION: Readonly<Record<LifecyclePresetName, LifecyclePresetRetention>> = {
  dev: { keepBuilds: 10, untaggedDays: 1 },
  staging: { keepBuilds: 30, untaggedDays: 7 },
  prod: { keepBuilds: 100, untaggedDays: 14 },
};

export interface LifecyclePresetOptions {
  /** Default DEFAULT_CACHE_TAG; only documented here: the preset never selects it. */
  cacheTag?: string;
  /** Default PROTECTED_TAG_PREFIXES. */
  protectedTagPrefixes?: readonly string[];
  /** Default CONTENT_TAG_PREFIX ("ctx-"). */
  contentTagPrefix?: string;
  /**
   * `ctx-*` images one build pushes. Default 1; a multi-platform build pushes an index plus one image
   * per platform, each tagged `ctx-…`, so the keep rule counts `keepBuilds × imagesPerBuild` images.
   */
  imagesPerBuild?: number;
}

/**
 * `ctx-*` images one build pushes for `platforms` platforms: the image itself for one, the index plus one
 * image per platform for several (components/image.ts). The keep rule and the cost model count builds
 * with it.
 */
export function imagesPerBuild(platforms: number): number {
  return platforms > 1 ? platforms + 1 : 1;
}

export function buildLifecyclePreset(
  name: LifecyclePresetName,
  options: LifecyclePresetOptions = {},
): LifecycleRule[] {
  const retention = LIFECYCLE_PRESET_RETENTION[name];
  if (!retention)
    throw new Error(`Unknown lifecycle preset "${String(name)}"; use "dev", "staging" or "prod".`);
  // Deduplicated: two rules with the same tagPrefixList are an error in ECR.
  const protectedPrefixes = [...new Set(options.protectedTagPrefixes ?? PROTECTED_TAG_PREFIXES)];
  const contentPrefix = options.contentTagPrefix ?? CONTENT_TAG_PREFIX;
  const cacheTag = options.cacheTag ?? DEFAULT_CACHE_TAG;
  if (contentPrefix === "" || cacheTag.startsWith(contentPrefix)) {
    // The keep-N rule would then count (and could expire) the cache image.
    throw new Error(
      `Content tag prefix "${contentPrefix}" must be non-empty and must not match the cache tag "${cacheTag}".`,
    );
  }
  const rules: LifecycleRule[] = protectedPrefixes.map((prefix) => ({
    description: `Keep every image tagged ${prefix}* (never reached count)`,
    selection: {
      tagStatus: "tagged",
      tagPrefixList: [prefix],
      countType: "imageCountMoreThan",
      countNumber: KEEP_FOREVER_IMAGE_COUNT,
    },
  }));
  const buildImages = options.imagesPerBuild ?? 1;
  rules.push({
    description:
      buildImages === 1
        ? `Keep the newest ${retention.keepBuilds} ${contentPrefix}* builds`
        : `Keep the newest ${retention.keepBuilds} ${contentPrefix}* builds (${buildImages} images each: index and platforms)`,
    selection: {
      tagStatus: "tagged",
      tagPrefixList: [contentPrefix],
      countType: "imageCountMoreThan",
      countNumber: retention.keepBuilds * buildImages,
    },
  });
  rules.push({
    description: `Expire untagged images ${retention.untaggedDays} day${retention.untaggedDays === 1 ? "" : "s"} after push`,
    selection: {
      tagStatus: "untagged",
      countType: "sinceImagePushed",
      countUnit: "days",
      countNumber: retention.untaggedDays,
    },
  });
  return rules.map((rule, index) => ({ rulePriority: index + 1, ...rule, action: { type: "expire" } }));
}

/** One line on what a preset keeps, generated from LIFECYCLE_PRESET_RETENTION and the tag conventions. */
export function describeLifecyclePreset(name: LifecyclePresetName): string {
  const { keepBuilds, untaggedDays } = LIFECYCLE_PRESET_RETENTION[name];
  const kept = PROTECTED_TAG_PREFIXES.map((prefix) => `${prefix}*`).join("/");
  return `Keeps ${kept} images, the newest ${keepBuilds} ${CONTENT_TAG_PREFIX}* builds and untagged images for ${untaggedDays} day${untaggedDays === 1 ? "" : "s"}.`;
}

/** The presets with the default tag conventions of ../common/tags.ts. */
export const lifecyclePresets = Object.fromEntries(
  Object.values(LifecyclePresetName).map((name) => [
    name,
    { description: describeLifecyclePreset(name), rules: buildLifecyclePreset(name) },
  ]),
) as Record<LifecyclePresetName, { description: string; rules: LifecycleRule[] }>;
