import { InternalError } from "../common/errors";
import type { DockerfileRule } from "./types";

// Links checked 2026-11-22. Docker's own guidance lives in the "Building best practices" page; hadolint's
// wiki documents the equivalent lint rules (DL3009, DL3015, DL3020, DL3042, ...) with examples.
const BEST_PRACTICES = "https://docs.docker.com/build/building/best-practices/";

/**
 * The rule catalog, as data: `analyzeDockerfile` reports findings with these ids and severities. Declared
 * `as const` so that the ids form a literal type (`DockerfileRuleId`): a detector that names a rule the
 * catalog does not have fails `tsc`, not a run (issue 11). A new rule file (e.g. platform-rules.ts) adds
 * its entry here and can then name it in `makeFinding`.
 */
const ruleCatalog = [
  {
    id: "full-base-image",
    severity: "warning",
    scope: "final-image",
    title: "Final stage uses a full base image",
    why: "Full images (node:22, python:3.12, golang, debian) carry compilers, headers and tools the running service never uses; every byte is stored, billed and pulled on each deploy.",
    fix: "Run on the slim, distroless or scratch variant of the same family; build in a separate stage if the build needs the full image.",
    docs: `${BEST_PRACTICES}#choose-the-right-base-image`,
  },
  {
    id: "no-multi-stage",
    severity: "warning",
    scope: "final-image",
    title: "Build tools end up in the final image",
    why: "Compilers, git and -dev headers are needed to build, not to run; installed in the final stage they stay in its layers.",
    fix: "Install build tools in a builder stage and COPY --from=<builder> only the artifacts into a slim final stage.",
    docs: `${BEST_PRACTICES}#use-multi-stage-builds`,
  },
  {
    id: "apt-install-recommends",
    severity: "warning",
    scope: "final-image",
    title: "apt-get install without --no-install-recommends",
    why: "apt installs 'recommended' packages by default, often tens of MB the service does not need.",
    fix: "apt-get install -y --no-install-recommends <packages>",
    docs: `${BEST_PRACTICES}#apt-get`,
  },
  {
    id: "apt-lists-not-removed",
    severity: "warning",
    scope: "final-image",
    title: "apt lists not removed in the same RUN",
    why: "apt-get update downloads package lists into /var/lib/apt/lists; unless the same RUN deletes them they are committed to the layer.",
    fix: "End the RUN with `&& rm -rf /var/lib/apt/lists/*`, or use --mount=type=cache,target=/var/lib/apt (and /var/cache/apt).",
    docs: "https://github.com/hadolint/hadolint/wiki/DL3009",
  },
  {
    id: "apt-update-separate",
    severity: "warning",
    scope: "any-stage",
    title: "apt-get update in a different RUN from apt-get install",
    why: "The cached 'update' layer is reused while the install line changes, so installs run against a stale index (wrong or missing versions).",
    fix: "Run `apt-get update && apt-get install ...` in one RUN.",
    docs: `${BEST_PRACTICES}#apt-get`,
  },
  {
    id: "pip-cache",
    severity: "warning",
    scope: "final-image",
    title: "pip install without --no-cache-dir",
    why: "pip keeps downloaded wheels in ~/.cache/pip, which is committed to the layer and never used again.",
    fix: "pip install --no-cache-dir ..., or use --mount=type=cache,target=/root/.cache/pip.",
    docs: "https://github.com/hadolint/hadolint/wiki/DL3042",
  },
  {
    id: "npm-dev-deps",
    severity: "warning",
    scope: "final-image",
    title: "Dev dependencies installed into the final image",
    why: "npm install / npm ci install devDependencies (test runners, compilers, linters) unless told otherwise; they often outweigh the runtime dependencies.",
    fix: "npm ci --omit=dev in the final stage (build with dev dependencies in a builder stage).",
    docs: "https://docs.npmjs.com/cli/v10/commands/npm-ci#omit",
  },
  {
    id: "copy-whole-context",
    severity: "warning",
    scope: "final-image",
    title: "COPY . copies a context the .dockerignore does not trim",
    why: "Without .dockerignore entries for .git, node_modules, tests and .env, `COPY . .` puts history, host-built modules, tests and secrets into the image.",
    fix: "Add .git, node_modules, tests and .env (and other local-only files) to .dockerignore, or COPY only the paths the image needs.",
    docs: "https://docs.docker.com/build/concepts/context/#dockerignore-files",
  },
  {
    id: "add-instead-of-copy",
    severity: "warning",
    scope: "any-stage",
    title: "ADD of a local file or folder",
    why: "ADD also fetches URLs and unpacks archives; for plain local files COPY says exactly what happens.",
    fix: "Use COPY for local files and folders; keep ADD for remote URLs and local tar archives to extract.",
    docs: `${BEST_PRACTICES}#add-or-copy`,
  },
  {
    id: "root-user",
    severity: "warning",
    scope: "final-image",
    title: "Final stage runs as root",
    why: "A process running as root in the container turns any code-execution bug into root inside the container.",
    fix: "Create or use an unprivileged user and set a numeric USER in the final stage; each finding names the one that fits its base (useradd + USER 10001:10001 on Debian-based Python images, adduser -D on Alpine, USER node on node images, USER 65532:65532 on distroless and scratch).",
    docs: `${BEST_PRACTICES}#user`,
  },
  {
    id: "secret-in-build-arg-or-env",
    severity: "error",
    scope: "any-stage",
    title: "Secret passed as ARG or ENV",
    why: "ARG values are kept in the image history and build provenance; ENV values are stored in the image config. Anyone who can pull the image can read them.",
    fix: "Pass secrets with `RUN --mount=type=secret,id=<name>` (docker build --secret) and read them only inside that RUN.",
    docs: "https://docs.docker.com/build/building/secrets/",
  },
  {
    id: "unpinned-base-image",
    severity: "warning",
    scope: "any-stage",
    title: "Base image without a tag, or :latest",
    why: "An untagged or :latest base changes under you: builds are not reproducible and a new major version can arrive unannounced.",
    fix: "Pin a version tag (<image>:<version>, e.g. python:3.12-slim-bookworm), ideally with a digest (@sha256:...).",
    docs: `${BEST_PRACTICES}#pin-base-image-versions`,
  },
  {
    id: "base-image-pull-through-cache",
    severity: "info",
    scope: "any-stage",
    title: "Base image pulled from a public registry on every cold build",
    why: "A builder without the base pulls it from the internet: through a NAT gateway that is billed per GB, and from Docker Hub under its pull rate limit. An ECR pull-through cache rule serves the same image from the registry's own region.",
    fix: "Create an ECR pull-through cache rule for the upstream registry and build FROM the cached reference (<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<repository>:<tag>).",
    docs: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html",
  },
  {
    id: "no-healthcheck",
    severity: "info",
    scope: "final-image",
    title: "No HEALTHCHECK in the final stage",
    why: "Without a HEALTHCHECK the container counts as healthy as soon as it starts, even when the service inside hangs.",
    fix: "Add a HEALTHCHECK with a command the final image has (the interpreter on Python and Node images, the binary itself on Go images); each finding names the one that fits its base. Distroless and scratch images get no finding: use the orchestrator's health check there.",
    docs: "https://docs.docker.com/reference/dockerfile/#healthcheck",
  },
  {
    id: "consecutive-run",
    severity: "info",
    scope: "final-image",
    title: "Consecutive RUNs that could be one layer",
    why: "Each RUN is a layer; files changed in several of them are stored several times.",
    fix: "Join related commands with && in one RUN (keep separate RUNs only where they help layer caching).",
    docs: `${BEST_PRACTICES}#run`,
  },
  {
    id: "removed-in-later-layer",
    severity: "warning",
    scope: "final-image",
    title: "Files added in one layer and deleted in a later one",
    why: "Layers are immutable: deleting a file in a later RUN hides it but the earlier layer still stores (and bills) its bytes.",
    fix: "Delete in the same RUN that creates the files, keep them out with .dockerignore, or build them in a separate stage.",
    docs: `${BEST_PRACTICES}#minimize-the-number-of-layers`,
  },
  {
    id: "emulated-build-stage",
    severity: "warning",
    scope: "final-image",
    title: "Builder stage runs under emulation in a multi-platform build",
    why: "A stage on the target platform runs its RUN steps once per platform; on an amd64 builder the arm64 run goes through qemu, many times slower, though a stage whose output does not depend on the platform (a JS bundle, a cross-compiled binary) could run natively once.",
    fix: "FROM --platform=$BUILDPLATFORM <image> AS <stage> for builder stages whose output is platform-independent (cross-compile with $TARGETOS/$TARGETARCH where it is not); keep the final stage on the target platform.",
    docs: "https://docs.docker.com/build/building/multi-platform/#cross-compilation",
  },
  {
    id: "python-dev-packages",
    severity: "warning",
    scope: "final-image",
    title: "Test and lint tools installed into the final image",
    why: "pytest, black, pylint, flake8, mypy, jupyter and the like (and a requirements-dev.txt, or poetry's dev group) are needed to test and lint, not to run; in the final image they are stored, billed and pulled with every deploy.",
    fix: "Install only the runtime requirements in the final image (a requirements file without the dev tools, poetry install --only main); run tests and linters in a separate stage or in CI.",
    docs: "https://pip.pypa.io/en/stable/user_guide/#requirements-files",
  },
  {
    id: "python-bytecode",
    severity: "info",
    scope: "final-image",
    title: "Python bytecode (__pycache__) stored in a layer",
    why: "__pycache__ directories copied from a developer's checkout, or written by a build step that runs Python, are committed to the layer; Python recompiles whatever does not match its own version and sources anyway.",
    fix: "Keep __pycache__/ and *.pyc out with .dockerignore, and set ENV PYTHONDONTWRITEBYTECODE=1 (or run python -B) before RUN steps that execute Python.",
    docs: "https://docs.python.org/3/using/cmdline.html#envvar-PYTHONDONTWRITEBYTECODE",
  },
  {
    id: "apk-cache",
    severity: "warning",
    scope: "final-image",
    title: "apk package index left in the layer",
    why: "apk update, and apk add --update without --no-cache, store the package index under /var/cache/apk; unless the same RUN removes it, it is committed to the layer.",
    fix: "apk add --no-cache <packages> (no separate apk update), or remove /var/cache/apk/* in the same RUN, or use --mount=type=cache,target=/var/cache/apk.",
    docs: "https://github.com/hadolint/hadolint/wiki/DL3019",
  },
  {
    id: "rpm-cache",
    severity: "warning",
    scope: "final-image",
    title: "dnf, yum, microdnf or zypper cache left in the layer",
    why: "dnf, yum, microdnf and zypper keep repository metadata (and, with keepcache, the packages) under /var/cache; unless the same RUN cleans it after installing, it is committed to the layer.",
    fix: "End the RUN with `&& dnf clean all` (yum clean all, microdnf clean all, zypper clean --all) after the install, or use --mount=type=cache on /var/cache/dnf (/var/cache/yum, /var/cache/libdnf5, /var/cache/zypp).",
    docs: "https://github.com/hadolint/hadolint/wiki/DL3040",
  },
  {
    id: "install-after-code-copy",
    severity: "warning",
    scope: "any-stage",
    title: "Dependencies installed after the application code is copied",
    why: "A step's cached layer is reused only while everything before it is unchanged. An install placed after a COPY of application code runs again on every code change, and its layer is pushed and stored again each time: every build the lifecycle policy keeps holds its own copy.",
    fix: "COPY only the dependency manifests first (requirements.txt, pyproject.toml and its lock file, package.json and package-lock.json, …), install, then COPY the application code.",
    docs: "https://docs.docker.com/build/cache/optimize/#order-your-layers",
  },
] as const satisfies readonly DockerfileRule[];

/** The id of a rule in the catalog, e.g. `"full-base-image"`; anything else is a type error. */
export type DockerfileRuleId = (typeof ruleCatalog)[number]["id"];

export const dockerfileRules: readonly DockerfileRule[] = ruleCatalog;

const rulesById = new Map<DockerfileRuleId, DockerfileRule>(ruleCatalog.map((rule) => [rule.id, rule]));

/** Looks up a rule by id. The type admits only catalog ids, so the lookup cannot miss. */
export function ruleById(id: DockerfileRuleId): DockerfileRule {
  const rule = rulesById.get(id);
  // Unreachable while DockerfileRuleId is derived from the catalog; kept so a broken build says why.
  if (rule === undefined) throw new InternalError(`unknown Dockerfile rule id "${id}"`);
  return rule;
}
