import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { analyzeDockerfile, type DockerfileFinding } from "../../components/dockerfile";

/**
 * The analyzer's misses found against a widely used linter's test cases (issue 12), one positive and one
 * negative fixture each: PIP_NO_CACHE_DIR set in the RUN itself, tmpfs/cache mounts on the cache
 * directory, JSON and quoted forms of COPY/ADD (and of RUN, ENV, USER, WORKDIR), and apt options with
 * a value before the subcommand.
 */
const MISSES = join(__dirname, "..", "fixtures", "dockerfiles", "misses");

// The copy-add-forms fixtures are judged as a context without a .dockerignore; the rest without one known.
const dockerignoreFor = (name: string): null | undefined => (name === "copy-add-forms" ? null : undefined);

const analyze = (name: string, kind: "positive" | "negative"): DockerfileFinding[] =>
  analyzeDockerfile(readFileSync(join(MISSES, `${name}.${kind}.Dockerfile`), "utf8"), {
    dockerignore: dockerignoreFor(name),
  });

type Expected = Pick<DockerfileFinding, "id" | "line" | "message" | "fix">;

// Every finding each positive fixture produces, in order, with the exact message and fix.
const POSITIVE: Record<string, Expected[]> = {
  "apt-options": [
    {
      id: "apt-lists-not-removed",
      line: 2,
      message:
        "apt-get update on line 2 leaves /var/lib/apt/lists in the layer (the RUN does not remove it).",
      fix: "End the RUN with `&& rm -rf /var/lib/apt/lists/*`, or use --mount=type=cache,target=/var/lib/apt (and /var/cache/apt).",
    },
    {
      id: "apt-install-recommends",
      line: 4,
      message: "apt-get install on line 4 also installs recommended packages.",
      fix: "apt-get install -y --no-install-recommends <packages>",
    },
    {
      id: "apt-update-separate",
      line: 4,
      message: "apt-get install on line 4 runs in a different RUN from apt-get update on line 2.",
      fix: "Run `apt-get update && apt-get install ...` in one RUN.",
    },
    {
      id: "install-after-code-copy",
      line: 4,
      message:
        "apt-get install on line 4 comes after COPY app /app on line 3, which copies application code: every change to that code runs the install again and stores a new copy of its layer.",
      fix: "COPY only the dependency manifests first (requirements.txt, pyproject.toml and its lock file, package.json and package-lock.json, …), install, then COPY the application code.",
    },
    {
      id: "no-multi-stage",
      line: 4,
      message: "Line 4 installs build tools that stay in the final image: gcc.",
      fix: "Install build tools in a builder stage and COPY --from=<builder> only the artifacts into a slim final stage.",
    },
    {
      id: "apt-install-recommends",
      line: 6,
      message: "apt-get install on line 6 also installs recommended packages.",
      fix: "apt-get install -y --no-install-recommends <packages>",
    },
    {
      id: "apt-update-separate",
      line: 6,
      message: "apt-get install on line 6 runs in a different RUN from apt-get update on line 2.",
      fix: "Run `apt-get update && apt-get install ...` in one RUN.",
    },
    {
      id: "install-after-code-copy",
      line: 6,
      message:
        "apt-get install on line 6 comes after COPY app /app on line 3, which copies application code: every change to that code runs the install again and stores a new copy of its layer.",
      fix: "COPY only the dependency manifests first (requirements.txt, pyproject.toml and its lock file, package.json and package-lock.json, …), install, then COPY the application code.",
    },
  ],
  "cache-mounts": [
    {
      id: "pip-cache",
      line: 2,
      message: "pip install on line 2 keeps its download cache in the layer.",
      fix: "pip install --no-cache-dir ..., or use --mount=type=cache,target=/root/.cache/pip.",
    },
    {
      id: "apt-lists-not-removed",
      line: 4,
      message:
        "apt-get update on line 4 leaves /var/lib/apt/lists in the layer (the RUN does not remove it).",
      fix: "End the RUN with `&& rm -rf /var/lib/apt/lists/*`, or use --mount=type=cache,target=/var/lib/apt (and /var/cache/apt).",
    },
  ],
  "copy-add-forms": [
    {
      id: "copy-whole-context",
      line: 3,
      message:
        'COPY [".", "/app"] on line 3 copies the whole build context and there is no .dockerignore, including .git, node_modules, tests and .env.',
      fix: "Add .git, node_modules, tests and .env (and other local-only files) to .dockerignore, or COPY only the paths the image needs.",
    },
    {
      id: "add-instead-of-copy",
      line: 4,
      message:
        "ADD on line 4 copies local package.json; COPY does the same without ADD's URL and unpacking behaviour.",
      fix: 'COPY "package.json" /app/',
    },
    {
      id: "copy-whole-context",
      line: 5,
      message:
        'COPY "." /srv on line 5 copies the whole build context and there is no .dockerignore, including .git, node_modules, tests and .env.',
      fix: "Add .git, node_modules, tests and .env (and other local-only files) to .dockerignore, or COPY only the paths the image needs.",
    },
    {
      id: "add-instead-of-copy",
      line: 6,
      message:
        "ADD on line 6 copies local src files; COPY does the same without ADD's URL and unpacking behaviour.",
      fix: 'COPY --chown=10001:10001 ["src files", "/app/src"]',
    },
  ],
  "instruction-forms": [
    {
      id: "apt-lists-not-removed",
      line: 4,
      message:
        "apt-get update on line 4 leaves /var/lib/apt/lists in the layer (the RUN does not remove it).",
      fix: "End the RUN with `&& rm -rf /var/lib/apt/lists/*`, or use --mount=type=cache,target=/var/lib/apt (and /var/cache/apt).",
    },
    {
      id: "removed-in-later-layer",
      line: 4,
      message: "Line 4 deletes /app/tests (COPY, line 3); the bytes stay in the earlier layer.",
      fix: "Delete in the same RUN that creates the files, keep them out with .dockerignore, or build them in a separate stage.",
    },
    {
      id: "secret-in-build-arg-or-env",
      line: 5,
      message:
        "ENV API_TOKEN on line 5 stores a secret in the image config, readable by anyone who can pull the image.",
      fix: "Pass secrets with `RUN --mount=type=secret,id=<name>` (docker build --secret) and read them only inside that RUN.",
    },
    {
      id: "apt-install-recommends",
      line: 6,
      message: "apt-get install on line 6 also installs recommended packages.",
      fix: "apt-get install -y --no-install-recommends <packages>",
    },
    {
      id: "apt-update-separate",
      line: 6,
      message: "apt-get install on line 6 runs in a different RUN from apt-get update on line 4.",
      fix: "Run `apt-get update && apt-get install ...` in one RUN.",
    },
    {
      id: "install-after-code-copy",
      line: 6,
      message:
        "apt-get install on line 6 comes after COPY tests ./tests on line 3, which copies application code: every change to that code runs the install again and stores a new copy of its layer.",
      fix: "COPY only the dependency manifests first (requirements.txt, pyproject.toml and its lock file, package.json and package-lock.json, …), install, then COPY the application code.",
    },
    {
      id: "root-user",
      line: 7,
      message: 'USER "root" on line 7 runs the final image as root.',
      // The base is node:22-bookworm-slim: the fix names the node image's own user (issue 18 item 7).
      fix: "Set USER node in the final stage (uid 1000 in the official node images; USER 1000:1000 lets Kubernetes' runAsNonRoot verify it).",
    },
  ],
  "pip-env-in-run": [
    {
      id: "pip-cache",
      line: 2,
      message: "pip install on line 2 keeps its download cache in the layer.",
      fix: "pip install --no-cache-dir ..., or use --mount=type=cache,target=/root/.cache/pip.",
    },
    {
      id: "pip-cache",
      line: 4,
      message: "pip install on line 4 keeps its download cache in the layer.",
      fix: "pip install --no-cache-dir ..., or use --mount=type=cache,target=/root/.cache/pip.",
    },
  ],
};

describe("analyzeDockerfile: the misses of issue 12 (fixtures/dockerfiles/misses)", () => {
  for (const [name, expected] of Object.entries(POSITIVE)) {
    it(`${name}: the positive fixture reports exactly the expected findings`, () => {
      assert.deepEqual(
        analyze(name, "positive").map(({ id, line, message, fix }) => ({ id, line, message, fix })),
        expected,
      );
    });

    it(`${name}: the negative fixture reports nothing`, () => {
      assert.deepEqual(analyze(name, "negative"), []);
    });
  }
});
