/**
 * Known base-image sizes, as data. Each number is the compressed linux/amd64 size Docker Hub shows for one
 * exact tag (what a registry stores and ECR bills for a layer you inherit). Entries with `verified: false`
 * could not be checked against the Hub page on the date given; they are rounded estimates and say so in
 * every message that uses them.
 *
 * Unit: Docker Hub prints "MB" without defining it; we read it as 10^6 bytes. If Hub means MiB the figures
 * here are 4.9% low, which errs on the side of under-promising savings.
 */
const MEGABYTE = 1_000_000;
const CHECKED = "2026-11-22";

export interface BaseImageSize {
  /** The exact image the number belongs to. */
  image: string;
  compressedBytes: number;
  platform: "linux/amd64";
  source: string;
  checked: string;
  /** false: not confirmed on the source page on `checked`; an estimate. */
  verified: boolean;
}

function hubSize(image: string, megabytes: number, source: string, verified: boolean): BaseImageSize {
  return {
    image,
    compressedBytes: Math.round(megabytes * MEGABYTE),
    platform: "linux/amd64",
    source,
    checked: CHECKED,
    verified,
  };
}

const NODE_22_TAGS = "https://hub.docker.com/_/node/tags?name=22.23.4";
const NODE_26_TAGS = "https://hub.docker.com/_/node/tags?name=26";
const RUBY_33_TAGS = "https://hub.docker.com/_/ruby/tags?name=3.3";

export const baseImageSizes: readonly BaseImageSize[] = [
  hubSize("node:22.23.4-bookworm", 389.5, NODE_22_TAGS, true),
  hubSize("node:22.23.4-slim", 76.15, NODE_22_TAGS, true),
  hubSize("node:22.23.4-trixie-slim", 77.73, NODE_22_TAGS, true),
  hubSize("node:26.12.0-bookworm", 396.34, NODE_26_TAGS, true),
  hubSize("node:26.12.0-bookworm-slim", 80.17, NODE_26_TAGS, true),
  hubSize("ruby:3.3.12", 398.89, RUBY_33_TAGS, true),
  hubSize("ruby:3.3.12-slim", 66.27, RUBY_33_TAGS, true),
  // Not found on a Hub tag page through the tools available on the date checked: estimates.
  hubSize("python:3.12-bookworm", 380, "https://hub.docker.com/_/python/tags?name=3.12", false),
  hubSize("python:3.12-slim-bookworm", 45, "https://hub.docker.com/_/python/tags?name=3.12", false),
  hubSize("debian:bookworm", 48, "https://hub.docker.com/_/debian/tags?name=bookworm", false),
  hubSize("debian:bookworm-slim", 28, "https://hub.docker.com/_/debian/tags?name=bookworm", false),
  hubSize("ubuntu:24.04", 30, "https://hub.docker.com/_/ubuntu/tags?name=24.04", false),
  hubSize("golang:1.23-bookworm", 300, "https://hub.docker.com/_/golang/tags?name=1.23", false),
  hubSize(
    "gcr.io/distroless/static-debian12",
    2,
    "https://github.com/GoogleContainerTools/distroless#what-images-are-available",
    false,
  ),
  hubSize(
    "gcr.io/distroless/nodejs22-debian12",
    45,
    "https://github.com/GoogleContainerTools/distroless#what-images-are-available",
    false,
  ),
];

/** A family of base images with a full variant and a leaner one that usually runs the same service. */
export interface BaseImageFamily {
  /** Repository as written in FROM, without `docker.io/` or `library/`. */
  repository: string;
  /** The measured full image that stands for the family (see `baseImageSizes`). */
  fullImage: string;
  /** The measured leaner image suggested instead. */
  leanImage: string;
  /** What to write in FROM instead, e.g. "node:<version>-bookworm-slim". */
  suggestion: string;
  /** The image contains a compiler toolchain (so running on it also ships build tools). */
  toolchain: boolean;
}

export const baseImageFamilies: readonly BaseImageFamily[] = [
  {
    repository: "node",
    fullImage: "node:22.23.4-bookworm",
    leanImage: "node:22.23.4-slim",
    suggestion: "node:<version>-bookworm-slim (or gcr.io/distroless/nodejs<version>-debian12)",
    toolchain: false,
  },
  {
    repository: "python",
    fullImage: "python:3.12-bookworm",
    leanImage: "python:3.12-slim-bookworm",
    suggestion: "python:<version>-slim-bookworm",
    toolchain: false,
  },
  {
    repository: "ruby",
    fullImage: "ruby:3.3.12",
    leanImage: "ruby:3.3.12-slim",
    suggestion: "ruby:<version>-slim",
    toolchain: false,
  },
  {
    repository: "debian",
    fullImage: "debian:bookworm",
    leanImage: "debian:bookworm-slim",
    suggestion: "debian:bookworm-slim",
    toolchain: false,
  },
  {
    repository: "golang",
    fullImage: "golang:1.23-bookworm",
    leanImage: "gcr.io/distroless/static-debian12",
    suggestion:
      "gcr.io/distroless/static-debian12 or scratch, with the binary built in a golang builder stage",
    toolchain: true,
  },
];

// Tags that name a leaner variant of the same repository: they are never "full".
const LEAN_TAG_MARKERS = ["slim", "alpine", "distroless", "nonroot", "windowsservercore", "nanoserver"];

export function findBaseImageSize(image: string): BaseImageSize | undefined {
  return baseImageSizes.find((entry) => entry.image === image);
}

/** The family of `repository:tag` when it is the full variant of a known family; undefined otherwise. */
export function findFullBaseImageFamily(
  repository: string,
  tag: string | undefined,
): BaseImageFamily | undefined {
  const family = baseImageFamilies.find((candidate) => candidate.repository === repository);
  if (family === undefined) return undefined;
  const effectiveTag = (tag ?? "latest").toLowerCase();
  if (LEAN_TAG_MARKERS.some((marker) => effectiveTag.includes(marker))) return undefined;
  return family;
}

/** Compressed bytes saved by moving from the family's full image to its lean one, with the sizes used. */
export function fullToLeanSavings(
  family: BaseImageFamily,
): { bytes: number; full: BaseImageSize; lean: BaseImageSize } | undefined {
  const full = findBaseImageSize(family.fullImage);
  const lean = findBaseImageSize(family.leanImage);
  if (full === undefined || lean === undefined) return undefined;
  return { bytes: full.compressedBytes - lean.compressedBytes, full, lean };
}
