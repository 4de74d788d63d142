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

/**
 * What the final image runs on, as far as advice depends on it (issue 18 item 7: a Python image never
 * gets Node advice). `language` is the runtime the base ships; `flavour` is the userland around it:
 * `debian` (a shell, apt, useradd), `alpine` (busybox: ash, adduser, wget), `distroless` (no shell, a
 * `nonroot` user 65532) or `scratch` (nothing at all: a static binary).
 */
export interface BaseRuntime {
  language: "python" | "node" | "go" | "other";
  flavour: "debian" | "alpine" | "distroless" | "scratch";
}

// Last path segment of the repository → language, for official images and mirrors of them
// (`ecr-pipeline-test/python`, `123.dkr.ecr.us-east-1.amazonaws.com/python`, `gcr.io/distroless/python3`).
const LANGUAGE_SEGMENTS: ReadonlyArray<[RegExp, BaseRuntime["language"]]> = [
  [/^(python|pypy)[0-9.]*(-|$)/, "python"],
  [/^(node|nodejs)[0-9.]*(-|$)/, "node"],
  [/^(golang|go)(-|$)/, "go"],
];

/** The runtime of a base image (`repository` as ImageReference gives it, lower case); undefined base: other/debian. */
export function baseRuntimeOf(repository: string | undefined, tag: string | undefined): BaseRuntime {
  if (repository === undefined) return { language: "other", flavour: "debian" };
  if (repository === "scratch") return { language: "other", flavour: "scratch" };
  const segment = repository.slice(repository.lastIndexOf("/") + 1);
  const lowerTag = (tag ?? "").toLowerCase();
  let language: BaseRuntime["language"] = "other";
  for (const [pattern, name] of LANGUAGE_SEGMENTS) if (pattern.test(segment)) language = name;
  // gcr.io/distroless/static, base and cc hold no interpreter: what runs there is a static binary.
  const flavour: BaseRuntime["flavour"] =
    repository.includes("distroless") || lowerTag.includes("distroless")
      ? "distroless"
      : segment === "alpine" || lowerTag.includes("alpine")
        ? "alpine"
        : "debian";
  if (flavour === "distroless" && language === "other" && /^(static|base|cc)(-|$)/.test(segment))
    language = "go";
  return { language, flavour };
}

/**
 * The HEALTHCHECK to suggest for a final image on `runtime`, or undefined when none fits: distroless and
 * scratch images have no shell and no HTTP client, so a check would need a probe binary of its own; the
 * orchestrator's check (ECS `healthCheck`, a Kubernetes probe) is the fix there and no finding is made.
 */
export function healthcheckFix(runtime: BaseRuntime): string | undefined {
  if (runtime.flavour === "distroless" || runtime.flavour === "scratch") return undefined;
  switch (runtime.language) {
    case "python":
      return `Add a check the interpreter runs, e.g. HEALTHCHECK CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=3)"] (or rely on the orchestrator's health check and ignore this).`;
    case "node":
      return 'Add e.g. HEALTHCHECK CMD ["node", "healthcheck.js"] (or rely on the orchestrator\'s health check and ignore this).';
    case "go":
      return 'Add a check the binary itself answers, e.g. HEALTHCHECK CMD ["/app", "-healthcheck"] (or rely on the orchestrator\'s health check and ignore this).';
    default:
      return runtime.flavour === "alpine"
        ? "Add e.g. HEALTHCHECK CMD wget -q --spider http://127.0.0.1:8080/healthz || exit 1 (busybox wget is in the image; or rely on the orchestrator's health check and ignore this)."
        : 'Add a HEALTHCHECK with a command the image has, e.g. HEALTHCHECK CMD ["/app/healthcheck"] (or rely on the orchestrator\'s health check and ignore this).';
  }
}

/**
 * The USER fix for a final image on `runtime`: a numeric non-root user, so that Kubernetes'
 * `runAsNonRoot` can verify it without reading /etc/passwd
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/, "Running as Non-root").
 */
export function nonRootUserFix(runtime: BaseRuntime): string {
  if (runtime.flavour === "distroless")
    return "Set USER 65532:65532 (distroless' nonroot user; or use the :nonroot tag of the base) in the final stage.";
  if (runtime.flavour === "scratch")
    return "Set USER 65532:65532 in the final stage (a numeric user needs no /etc/passwd in a scratch image).";
  if (runtime.language === "node")
    return "Set USER node in the final stage (uid 1000 in the official node images; USER 1000:1000 lets Kubernetes' runAsNonRoot verify it).";
  if (runtime.flavour === "alpine")
    return "Create an unprivileged user and switch to it by number: RUN adduser -D -H -u 10001 app, then USER 10001:10001 in the final stage.";
  return "Create an unprivileged user and switch to it by number: RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin app, then USER 10001:10001 in the final stage.";
}
