import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { analyzeDockerfile, dockerfileRules, type DockerfileFinding } from "../../components/dockerfile";

const MULTI_STAGE = join(__dirname, "..", "fixtures", "dockerfiles", "multi-stage");
const readMultiStage = (name: string): string =>
  readFileSync(join(MULTI_STAGE, `${name}.Dockerfile`), "utf8");

const summary = (findings: readonly DockerfileFinding[]): string[] =>
  findings.map((finding) => `${finding.line} ${finding.id} [${finding.stage ?? "-"}]`);

/** A clean final stage, so that each case below only shows the finding it is about. */
const CLEAN_TAIL = 'USER node\nHEALTHCHECK CMD ["node", "health.js"]\nCMD ["node", "server.js"]\n';

describe("analyzeDockerfile: stages", () => {
  it("does not report builder-stage problems that never reach the final image", () => {
    // Only the any-stage rule about build caching: `npm ci` after `COPY . .` runs again on every code
    // change in the builder too (time, and a new copy in a mode=max registry cache).
    assert.deepEqual(summary(analyzeDockerfile(readMultiStage("builder-problems"), { dockerignore: null })), [
      "8 install-after-code-copy [build]",
    ]);
  });

  it("reports the same builder problems once the builder is the build target", () => {
    assert.deepEqual(
      summary(analyzeDockerfile(readMultiStage("builder-problems"), { dockerignore: null, target: "build" })),
      [
        "3 full-base-image [build]",
        "3 no-healthcheck [build]",
        "3 root-user [build]",
        "4 apt-install-recommends [build]",
        "4 apt-lists-not-removed [build]",
        "4 consecutive-run [build]",
        "4 no-multi-stage [build]",
        "5 pip-cache [build]",
        "7 copy-whole-context [build]",
        "8 consecutive-run [build]",
        "8 install-after-code-copy [build]",
        "8 npm-dev-deps [build]",
        "9 removed-in-later-layer [build]",
      ],
    );
  });

  it("reports problems of a stage the final stage is built FROM, under that stage's name", () => {
    const findings = analyzeDockerfile(readMultiStage("inherited-problems"));
    assert.deepEqual(summary(findings), [
      "2 full-base-image [base]",
      "3 no-multi-stage [base]",
      "6 root-user [runtime]",
    ]);
    assert.equal(
      findings[0]?.message,
      "The final image (stage runtime) is built on node:22-bookworm, a full node image; node:<version>-bookworm-slim (or gcr.io/distroless/nodejs<version>-debian12) would do for about 298.8 MiB less (node:22.23.4-bookworm 371.5 MiB vs node:22.23.4-slim 72.6 MiB compressed, linux/amd64, Docker Hub, checked 2026-11-22).",
    );
  });

  it("still reports any-stage rules (secrets, unpinned bases) in a builder stage", () => {
    const text = `FROM node AS build\nARG NPM_TOKEN\nRUN npm ci\n\nFROM node:22-bookworm-slim\n${CLEAN_TAIL}`;
    assert.deepEqual(summary(analyzeDockerfile(text)), [
      "1 unpinned-base-image [build]",
      "2 secret-in-build-arg-or-env [build]",
    ]);
  });

  it("resolves an ARG-substituted base image to the ARG default", () => {
    const text = `ARG NODE_RUNTIME_IMAGE=node:22-bookworm\nFROM \${NODE_RUNTIME_IMAGE}\n${CLEAN_TAIL}`;
    const [finding] = analyzeDockerfile(text);
    assert.equal(finding?.id, "full-base-image");
    assert.equal(finding?.line, 2);
    assert.equal(finding?.estimatedBytesSaved, 313_350_000);
  });

  it("says what an unpinned ARG-substituted base resolves to, and uses ${VAR:-default}", () => {
    const text = `ARG REGISTRY\nFROM \${REGISTRY:-docker.io}/library/node:latest\n${CLEAN_TAIL}`;
    assert.deepEqual(
      analyzeDockerfile(text).map((finding) => finding.message),
      [
        "The final image (stage 0) is built on docker.io/library/node:latest, a full node image; node:<version>-bookworm-slim (or gcr.io/distroless/nodejs<version>-debian12) would do for about 298.8 MiB less (node:22.23.4-bookworm 371.5 MiB vs node:22.23.4-slim 72.6 MiB compressed, linux/amd64, Docker Hub, checked 2026-11-22).",
        'Base image docker.io/library/node:latest (${REGISTRY:-docker.io}/library/node:latest resolves to docker.io/library/node:latest) uses the "latest" tag.',
      ],
    );
  });

  it("reads the image after FROM --platform flags", () => {
    const text = `FROM --platform=$BUILDPLATFORM node:latest AS build\nRUN npm ci\nFROM --platform=linux/amd64 node:22-bookworm-slim\nCOPY --from=build /app /app\n${CLEAN_TAIL}`;
    assert.deepEqual(
      analyzeDockerfile(text).map((finding) => `${finding.line} ${finding.id}: ${finding.message}`),
      ['1 unpinned-base-image: Base image node:latest uses the "latest" tag.'],
    );
  });

  it("judges no base-image rule when the base is an ARG without a default", () => {
    assert.deepEqual(analyzeDockerfile(`ARG BASE\nFROM \${BASE}\n${CLEAN_TAIL}`), []);
  });

  it("treats a distroless :nonroot base without USER as not root", () => {
    const text =
      'FROM gcr.io/distroless/nodejs22-debian12:nonroot\nHEALTHCHECK CMD ["/nodejs/bin/node", "h.js"]\n';
    assert.deepEqual(analyzeDockerfile(text), []);
  });
});

describe("analyzeDockerfile: rule variants", () => {
  const cases: Array<{
    name: string;
    text: string;
    options?: Parameters<typeof analyzeDockerfile>[1];
    expected: string[];
  }> = [
    {
      name: "USER root after a USER switch",
      text: `FROM node:22-bookworm-slim\nUSER node\nHEALTHCHECK CMD ["node", "h.js"]\nUSER 0:0\n`,
      expected: ["4 root-user: USER 0:0 on line 4 runs the final image as root."],
    },
    {
      name: "COPY . with no .dockerignore, file list known",
      text: `FROM node:22-bookworm-slim\nCOPY . /app\n${CLEAN_TAIL}`,
      options: {
        dockerignore: null,
        contextFiles: ["package.json", ".git/HEAD", ".env", ".env.example", "src/a.test.ts"],
      },
      expected: [
        "2 copy-whole-context: COPY . /app on line 2 copies the whole build context and there is no .dockerignore, including .git (1 file), tests (1 file) and .env (1 file).",
      ],
    },
    {
      name: "COPY . with a .dockerignore that keeps every present category out",
      text: `FROM node:22-bookworm-slim\nCOPY . /app\n${CLEAN_TAIL}`,
      options: {
        dockerignore: ".git\n**/*.test.ts\n.env\n",
        contextFiles: [".git/HEAD", ".env", "src/a.test.ts", "src/a.ts"],
      },
      expected: [],
    },
    {
      name: "COPY . with an unknown .dockerignore (rule skipped, not guessed)",
      text: `FROM node:22-bookworm-slim\nCOPY . /app\n${CLEAN_TAIL}`,
      expected: [],
    },
    {
      name: "npm ci with NODE_ENV=production set earlier",
      text: `FROM node:22-bookworm-slim\nENV NODE_ENV=production\nRUN npm ci\n${CLEAN_TAIL}`,
      expected: [],
    },
    {
      name: "npm install of one named global tool is not a dev-dependency install",
      text: `FROM node:22-bookworm-slim\nRUN npm install -g pm2@5\n${CLEAN_TAIL}`,
      expected: [],
    },
    {
      name: "npm ci pruned in the same RUN",
      text: `FROM node:22-bookworm-slim\nRUN npm ci && npm run build && npm prune --omit=dev\n${CLEAN_TAIL}`,
      expected: [],
    },
    {
      name: "build tools installed and purged in the same RUN",
      text: `FROM node:22-bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends g++ make && npm ci --omit=dev && apt-get purge -y g++ make && rm -rf /var/lib/apt/lists/*\n${CLEAN_TAIL}`,
      expected: [],
    },
    {
      name: "apt-get purge in a later RUN keeps the package bytes",
      text: `FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*\nCOPY x /x\nRUN apt-get purge -y gcc\nUSER nobody\nHEALTHCHECK CMD ["true"]\n`,
      expected: [
        "2 no-multi-stage: Line 2 installs build tools that stay in the final image: gcc.",
        "4 removed-in-later-layer: Line 4 deletes package gcc (apt-get, line 2); the bytes stay in the earlier layer.",
      ],
    },
    {
      name: "pip with PIP_NO_CACHE_DIR in the environment",
      text: `FROM python:3.12-slim-bookworm\nENV PIP_NO_CACHE_DIR=1\nRUN python3 -m pip install flask\nUSER 1000\nHEALTHCHECK CMD ["true"]\n`,
      expected: [],
    },
    {
      name: "python -m pip install without --no-cache-dir",
      text: `FROM python:3.12-slim-bookworm\nRUN python3 -m pip install flask\nUSER 1000\nHEALTHCHECK CMD ["true"]\n`,
      expected: ["2 pip-cache: pip install on line 2 keeps its download cache in the layer."],
    },
    {
      name: "apt commands in a heredoc RUN",
      text: `FROM debian:bookworm-slim\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\nUSER nobody\nHEALTHCHECK CMD ["true"]\n`,
      expected: [
        "2 apt-install-recommends: apt-get install on line 2 also installs recommended packages.",
        "2 apt-lists-not-removed: apt-get update on line 2 leaves /var/lib/apt/lists in the layer (the RUN does not remove it).",
      ],
    },
    {
      name: "a comment line inside a continued RUN",
      text: `FROM debian:bookworm-slim\nRUN apt-get update \\\n# tools we need\n && apt-get install -y --no-install-recommends curl \\\n && rm -rf /var/lib/apt/lists/*\nUSER nobody\nHEALTHCHECK CMD ["true"]\n`,
      expected: [],
    },
    {
      name: "golang as the final base: full image and a compiler toolchain",
      text: `FROM golang:1.23\nCOPY . .\nRUN go build -o /server .\nUSER 65532\nHEALTHCHECK CMD ["/server", "-h"]\n`,
      expected: [
        "1 full-base-image: The final image (stage 0) is built on golang:1.23, a full golang image; gcr.io/distroless/static-debian12 or scratch, with the binary built in a golang builder stage would do for about 284.2 MiB less (golang:1.23-bookworm 286.1 MiB vs gcr.io/distroless/static-debian12 1.9 MiB compressed, linux/amd64, Docker Hub, checked 2026-11-22, unverified estimate).",
        "1 no-multi-stage: The final image is built on golang:1.23, which contains the golang compiler toolchain.",
      ],
    },
  ];
  for (const { name, text, options, expected } of cases) {
    it(name, () => {
      assert.deepEqual(
        analyzeDockerfile(text, options).map(
          (finding) => `${finding.line} ${finding.id}: ${finding.message}`,
        ),
        expected,
      );
    });
  }
});

describe("dockerfileRules catalog", () => {
  it("has exactly the rule ids of issue 6, each once", () => {
    assert.deepEqual(
      dockerfileRules.map((rule) => rule.id),
      [
        "full-base-image",
        "no-multi-stage",
        "apt-install-recommends",
        "apt-lists-not-removed",
        "apt-update-separate",
        "pip-cache",
        "npm-dev-deps",
        "copy-whole-context",
        "add-instead-of-copy",
        "root-user",
        "secret-in-build-arg-or-env",
        "unpinned-base-image",
        "base-image-pull-through-cache",
        "no-healthcheck",
        "consecutive-run",
        "removed-in-later-layer",
        "emulated-build-stage",
        "python-dev-packages",
        "python-bytecode",
        "apk-cache",
        "rpm-cache",
        "install-after-code-copy",
      ],
    );
  });

  it("gives no-healthcheck and consecutive-run info severity, secrets error, the rest warning", () => {
    const severities = Object.fromEntries(dockerfileRules.map((rule) => [rule.id, rule.severity]));
    assert.equal(severities["no-healthcheck"], "info");
    assert.equal(severities["consecutive-run"], "info");
    assert.equal(severities["python-bytecode"], "info");
    assert.equal(severities["secret-in-build-arg-or-env"], "error");
    assert.equal(Object.values(severities).filter((severity) => severity === "warning").length, 17);
  });

  it("documents every rule in docs/DOCKERFILE-RULES.md with its why and fix", () => {
    const doc = readFileSync(join(__dirname, "..", "..", "docs", "DOCKERFILE-RULES.md"), "utf8");
    for (const rule of dockerfileRules) {
      assert.ok(doc.includes(`## \`${rule.id}\``), `heading for ${rule.id}`);
      assert.ok(doc.includes(rule.why), `why of ${rule.id}`);
      assert.ok(doc.includes(rule.docs), `docs link of ${rule.id}`);
    }
  });
});
