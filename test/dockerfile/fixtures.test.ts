import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { analyzeDockerfile, dockerfileRules, type DockerfileFinding } from "../../components/dockerfile";

const FIXTURES = join(__dirname, "..", "fixtures", "dockerfiles");

function analyzeFixture(rule: string, kind: "positive" | "negative"): DockerfileFinding[] {
  const dockerignorePath = join(FIXTURES, rule, `${kind}.dockerignore`);
  // `<kind>.platforms`: the platforms built, one a line (rules that depend on them).
  const platformsPath = join(FIXTURES, rule, `${kind}.platforms`);
  // `<kind>.registry`: the ECR registry the image is pushed to (base-image-pull-through-cache).
  const registryPath = join(FIXTURES, rule, `${kind}.registry`);
  return analyzeDockerfile(readFileSync(join(FIXTURES, rule, `${kind}.Dockerfile`), "utf8"), {
    dockerignore: existsSync(dockerignorePath) ? readFileSync(dockerignorePath, "utf8") : undefined,
    platforms: existsSync(platformsPath) ? readFileSync(platformsPath, "utf8").trim().split("\n") : undefined,
    pullThroughCacheRegistry: existsSync(registryPath)
      ? readFileSync(registryPath, "utf8").trim()
      : undefined,
  });
}

type Expected = Pick<DockerfileFinding, "id" | "line" | "message"> & { estimatedBytesSaved?: number };

// Every finding each positive fixture produces, in order (the analyzer sorts by line, then id).
const POSITIVE: Record<string, Expected[]> = {
  "base-image-pull-through-cache": [
    {
      id: "base-image-pull-through-cache",
      line: 1,
      message:
        "Stage build pulls node:22.23.4-bookworm from registry-1.docker.io on every build whose builder lacks it: about 371.5 MiB (node:22.23.4-bookworm compressed, linux/amd64, Docker Hub, checked 2026-11-22) through a NAT gateway each time and counts against Docker Hub's pull rate limit.",
    },
    {
      id: "base-image-pull-through-cache",
      line: 6,
      message:
        "Stage 1 pulls public.ecr.aws/docker/library/node:22-slim from public.ecr.aws on every build whose builder lacks it: its compressed size through a NAT gateway each time.",
    },
  ],
  "emulated-build-stage": [
    {
      id: "emulated-build-stage",
      line: 1,
      message:
        "Stage build runs RUN (first on line 4) on each target platform (linux/amd64, linux/arm64): every platform but the builder's own runs it under emulation.",
    },
  ],
  "full-base-image": [
    {
      id: "full-base-image",
      line: 1,
      message:
        "The final image (stage 0) is built on node:22-bookworm, a full node image; node:<version>-bookworm-slim (or gcr.io/distroless/nodejs<version>-debian12) would do for about 298.8 MiB less (node:22.23.4-bookworm 371.5 MiB vs node:22.23.4-slim 72.6 MiB compressed, linux/amd64, Docker Hub, checked 2026-11-22).",
      estimatedBytesSaved: 313_350_000,
    },
  ],
  "no-multi-stage": [
    {
      id: "no-multi-stage",
      line: 2,
      message: "Line 2 installs build tools that stay in the final image: build-essential and libpq-dev.",
    },
  ],
  "apt-install-recommends": [
    {
      id: "apt-install-recommends",
      line: 2,
      message: "apt-get install on line 2 also installs recommended packages.",
    },
  ],
  "apt-lists-not-removed": [
    {
      id: "apt-lists-not-removed",
      line: 2,
      message:
        "apt-get update on line 2 leaves /var/lib/apt/lists in the layer (the RUN does not remove it).",
    },
  ],
  "apt-update-separate": [
    {
      id: "apt-lists-not-removed",
      line: 2,
      message:
        "apt-get update on line 2 leaves /var/lib/apt/lists in the layer (the RUN does not remove it).",
    },
    {
      id: "consecutive-run",
      line: 2,
      message: "RUNs on lines 2 and 3 are consecutive and could be one layer.",
    },
    {
      id: "apt-update-separate",
      line: 3,
      message: "apt-get install on line 3 runs in a different RUN from apt-get update on line 2.",
    },
    {
      id: "removed-in-later-layer",
      line: 3,
      message:
        "Line 3 deletes /var/lib/apt/lists (apt-get update, line 2); the bytes stay in the earlier layer.",
    },
  ],
  "pip-cache": [
    { id: "pip-cache", line: 4, message: "pip install on line 4 keeps its download cache in the layer." },
  ],
  "npm-dev-deps": [
    {
      id: "npm-dev-deps",
      line: 4,
      message: "npm ci on line 4 installs devDependencies into the final image.",
    },
  ],
  "copy-whole-context": [
    {
      id: "copy-whole-context",
      line: 5,
      message:
        "COPY . . on line 5 copies the whole build context and the .dockerignore does not exclude .git, tests and .env.",
    },
  ],
  "add-instead-of-copy": [
    {
      id: "add-instead-of-copy",
      line: 3,
      message:
        "ADD on line 3 copies local package.json and package-lock.json; COPY does the same without ADD's URL and unpacking behaviour.",
    },
    {
      id: "add-instead-of-copy",
      line: 5,
      message:
        "ADD on line 5 copies local dist; COPY does the same without ADD's URL and unpacking behaviour.",
    },
  ],
  "root-user": [
    { id: "root-user", line: 1, message: "The final stage (0) sets no USER, so it runs as root." },
  ],
  "secret-in-build-arg-or-env": [
    {
      id: "secret-in-build-arg-or-env",
      line: 2,
      message:
        "ARG NPM_TOKEN on line 2 passes a secret as a build argument; its value is recorded in the image history and build provenance.",
    },
    {
      id: "secret-in-build-arg-or-env",
      line: 3,
      message:
        "ENV DB_PASSWORD on line 3 stores a secret in the image config, readable by anyone who can pull the image.",
    },
    {
      id: "secret-in-build-arg-or-env",
      line: 3,
      message:
        "ENV STRIPE_SECRET_KEY on line 3 stores a secret in the image config, readable by anyone who can pull the image.",
    },
  ],
  "unpinned-base-image": [
    { id: "unpinned-base-image", line: 1, message: 'Base image golang:latest uses the "latest" tag.' },
    {
      id: "unpinned-base-image",
      line: 6,
      message: "Base image gcr.io/distroless/static-debian12 has no tag.",
    },
  ],
  "no-healthcheck": [{ id: "no-healthcheck", line: 1, message: "The final stage (0) has no HEALTHCHECK." }],
  "consecutive-run": [
    {
      id: "consecutive-run",
      line: 4,
      message: "RUNs on lines 4, 5 and 6 are consecutive and could be one layer.",
    },
  ],
  "removed-in-later-layer": [
    {
      id: "consecutive-run",
      line: 3,
      message: "RUNs on lines 3 and 4 are consecutive and could be one layer.",
    },
    {
      id: "removed-in-later-layer",
      line: 6,
      message:
        "Line 6 deletes /tmp/tool.tar.gz (curl, line 4) and /opt/app/tests (COPY, line 5); the bytes stay in the earlier layer.",
    },
  ],
  "python-dev-packages": [
    {
      id: "python-dev-packages",
      line: 4,
      message:
        "Line 4 installs test and lint tools into the final image: requirements-dev.txt, pytest and black.",
    },
  ],
  "python-bytecode": [
    {
      id: "python-bytecode",
      line: 6,
      message:
        "python on line 6 runs Python code without PYTHONDONTWRITEBYTECODE or -B: the __pycache__ of the modules it imports is stored in the layer.",
    },
  ],
  "apk-cache": [
    {
      id: "apk-cache",
      line: 2,
      message:
        "apk update on line 2 leaves the package index in /var/cache/apk (the RUN does not remove it).",
    },
    {
      id: "apk-cache",
      line: 4,
      message:
        "apk add on line 4 runs without --no-cache: it works from a package index kept in /var/cache/apk, which an apk update stored in a layer.",
    },
  ],
  "rpm-cache": [
    {
      id: "rpm-cache",
      line: 2,
      message:
        "microdnf install on line 2 leaves its cache in /var/cache/yum (no `microdnf clean all` after it in the same RUN).",
    },
    {
      id: "rpm-cache",
      line: 4,
      message:
        "microdnf install on line 4 leaves its cache in /var/cache/yum (no `microdnf clean all` after it in the same RUN).",
    },
  ],
  "install-after-code-copy": [
    {
      id: "install-after-code-copy",
      line: 4,
      message:
        "apt-get install on line 4 comes after COPY app.py . on line 3, which copies application code: every change to that code runs the install again and stores a new copy of its layer.",
    },
  ],
};

describe("dockerfile fixtures: one positive and one negative per rule", () => {
  it("covers every rule in the catalog, and nothing else", () => {
    assert.deepEqual(Object.keys(POSITIVE).sort(), dockerfileRules.map((rule) => rule.id).sort());
  });

  for (const [rule, expected] of Object.entries(POSITIVE)) {
    it(`${rule}: the positive fixture reports exactly the expected findings`, () => {
      const actual = analyzeFixture(rule, "positive").map(({ id, line, message, estimatedBytesSaved }) =>
        estimatedBytesSaved === undefined
          ? { id, line, message }
          : { id, line, message, estimatedBytesSaved },
      );
      assert.deepEqual(actual, expected);
    });

    it(`${rule}: the negative fixture reports nothing`, () => {
      assert.deepEqual(analyzeFixture(rule, "negative"), []);
    });
  }

  it("gives each finding the severity and (by default) the fix of its catalog rule", () => {
    for (const rule of dockerfileRules) {
      for (const finding of analyzeFixture(rule.id, "positive").filter(
        (candidate) => candidate.id === rule.id,
      )) {
        assert.equal(finding.severity, rule.severity, rule.id);
        // These name the exact fix: the COPY, the lean base, or the user and check that fit the base.
        if (
          ![
            "add-instead-of-copy",
            "full-base-image",
            "root-user",
            "no-healthcheck",
            "unpinned-base-image",
            "base-image-pull-through-cache",
          ].includes(rule.id)
        )
          assert.equal(finding.fix, rule.fix);
      }
    }
  });

  it("suggests the cached reference for base-image-pull-through-cache, with the rule to create", () => {
    assert.deepEqual(
      analyzeFixture("base-image-pull-through-cache", "positive").map((finding) => finding.fix),
      [
        "FROM 123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/node:22.23.4-bookworm, with an ECR pull-through cache rule (prefix docker-hub, upstream registry-1.docker.io, a Secrets Manager credential named ecr-pullthroughcache/...): the layers then come from ECR in the region, free through an S3 gateway endpoint.",
        "FROM 123456789012.dkr.ecr.us-east-1.amazonaws.com/ecr-public/docker/library/node:22-slim, with an ECR pull-through cache rule (prefix ecr-public, upstream public.ecr.aws): the layers then come from ECR in the region, free through an S3 gateway endpoint.",
      ],
    );
    // Without the registry the rule is not judged: the same Dockerfile has no such finding.
    const text = readFileSync(join(FIXTURES, "base-image-pull-through-cache", "positive.Dockerfile"), "utf8");
    assert.deepEqual(analyzeDockerfile(text), []);
  });

  it("suggests the exact COPY for add-instead-of-copy and the lean base for full-base-image", () => {
    assert.deepEqual(
      analyzeFixture("add-instead-of-copy", "positive").map((finding) => finding.fix),
      ["COPY package.json package-lock.json ./", "COPY dist ./dist"],
    );
    assert.equal(
      analyzeFixture("full-base-image", "positive")[0]?.fix,
      "FROM node:<version>-bookworm-slim (or gcr.io/distroless/nodejs<version>-debian12) for the final stage",
    );
  });
});
