import assert from "node:assert/strict";
import { analyzeDockerfile, type DockerfileFinding } from "../../components/dockerfile";
import { baseRuntimeOf, healthcheckFix, nonRootUserFix } from "../../components/dockerfile/base-images";

/** A clean Python final stage around `body`, so each case shows only the finding it is about. */
const python = (body: string, base = "python:3.12-slim-bookworm"): string =>
  `FROM ${base}\n${body}\nUSER 10001\nHEALTHCHECK CMD ["python3", "-c", "print(1)"]\n`;

const found = (text: string, id: string): string[] =>
  analyzeDockerfile(text)
    .filter((finding: DockerfileFinding) => finding.id === id)
    .map((finding) => `${finding.line}: ${finding.message}`);

/**
 * hadolint's own test cases for the rules these agree with (hadolint 8f936c5, test/Hadolint/Rule/
 * DL3019Spec.hs, DL3032Spec.hs, DL3036Spec.hs, DL3040Spec.hs, DL3009Spec.hs for aptitude), each RUN
 * on a base of its family: `catches` means hadolint reports it, and so do we. Where we differ, the case
 * is listed with `hadolint` and the reason (docs/DOCKERFILE-RULES.md, "Where a rule deliberately differs").
 */
const HADOLINT_CASES: Array<{ rule: string; dl: string; run: string; catches: boolean; hadolint?: boolean }> = [
  { rule: "apk-cache", dl: "DL3019", run: "RUN apk add flex=2.6.4-r1", catches: true },
  { rule: "apk-cache", dl: "DL3019", run: "RUN apk add --no-cache flex=2.6.4-r1", catches: false },
  { rule: "apk-cache", dl: "DL3019", run: "RUN --mount=type=cache,target=/var/cache/apk apk add -U curl=7.77.0", catches: false },
  { rule: "apk-cache", dl: "DL3019", run: "RUN --mount=type=tmpfs,target=/var/cache/apk apk add -U curl=7.77.0", catches: false },
  { rule: "apk-cache", dl: "DL3019", run: "RUN --mount=type=cache,target=/var/cache/foo apk add --no-cache -U curl=7.77.0", catches: false },
  { rule: "apk-cache", dl: "DL3019", run: "RUN --mount=type=cache,target=/var/cache/foo apk add -U curl=7.77.0", catches: true },
  { rule: "apk-cache", dl: "DL3019", run: "RUN --mount=type=tmpfs,target=/var/cache/foo apk add -U curl=7.77.0", catches: true },
  // Differs: the index is gone when the same RUN removes it (hadolint wants --no-cache regardless).
  { rule: "apk-cache", dl: "DL3019", run: "RUN apk add -U curl && rm -rf /var/cache/apk/*", catches: false, hadolint: true },
  // Beyond DL3019: `apk update` leaves the index even when the add uses --no-cache.
  { rule: "apk-cache", dl: "DL3019", run: "RUN apk update && apk add --no-cache curl", catches: true, hadolint: false },
  { rule: "rpm-cache", dl: "DL3032", run: "RUN yum install -y mariadb-10.4", catches: true },
  { rule: "rpm-cache", dl: "DL3032", run: "RUN yum install -y mariadb-10.4 && yum clean all", catches: false },
  { rule: "rpm-cache", dl: "DL3032", run: "RUN yum install -y mariadb-10.4 && rm -rf /var/cache/yum/*", catches: false },
  { rule: "rpm-cache", dl: "DL3032", run: "RUN yum clean all && yum install -y", catches: true },
  { rule: "rpm-cache", dl: "DL3036", run: "RUN zypper install -y mariadb=10.4", catches: true },
  { rule: "rpm-cache", dl: "DL3036", run: "RUN zypper install -y mariadb=10.4 && zypper clean", catches: false },
  { rule: "rpm-cache", dl: "DL3036", run: "RUN zypper install -y mariadb=10.4 && zypper cc", catches: false },
  { rule: "rpm-cache", dl: "DL3036", run: "RUN zypper clean && zypper install -y mariadb=10.4", catches: true },
  { rule: "rpm-cache", dl: "DL3036", run: "RUN --mount=type=cache,target=/var/cache/zypp zypper install -y mariadb", catches: false },
  { rule: "rpm-cache", dl: "DL3036", run: "RUN --mount=type=tmpfs,target=/var/cache/zypp zypper install -y mariadb", catches: false },
  { rule: "rpm-cache", dl: "DL3040", run: "RUN dnf install -y mariadb-10.4", catches: true },
  { rule: "rpm-cache", dl: "DL3040", run: "RUN microdnf install -y mariadb-10.4", catches: true },
  { rule: "rpm-cache", dl: "DL3040", run: "RUN dnf in -y mariadb-10.4", catches: true },
  { rule: "rpm-cache", dl: "DL3040", run: "RUN dnf install -y mariadb-10.4 && dnf clean all", catches: false },
  { rule: "rpm-cache", dl: "DL3040", run: "RUN microdnf install -y mariadb-10.4 && microdnf clean all", catches: false },
  { rule: "rpm-cache", dl: "DL3040", run: "RUN notdnf install mariadb", catches: false },
  { rule: "rpm-cache", dl: "DL3040", run: "RUN dnf install -y mariadb-10.4 && rm -rf /var/cache/yum/*", catches: false },
  { rule: "rpm-cache", dl: "DL3040", run: "RUN microdnf clean all && dnf install -y mariadb-10.4", catches: true },
  { rule: "rpm-cache", dl: "DL3040", run: "RUN rm -rf /var/cache/libdnf5 && dnf install -y mariadb-10.4", catches: true },
  { rule: "rpm-cache", dl: "DL3040", run: "RUN --mount=type=cache,target=/var/cache/libdnf5 dnf install -y mariadb-10.4", catches: false },
  { rule: "rpm-cache", dl: "DL3040", run: "RUN --mount=type=tmpfs,target=/var/cache/libdnf5 microdnf install -y mariadb-10.4", catches: false },
  { rule: "rpm-cache", dl: "DL3040", run: "RUN dnf -y upgrade", catches: true },
  { rule: "rpm-cache", dl: "DL3040", run: "RUN dnf -y up", catches: true },
  { rule: "rpm-cache", dl: "DL3040", run: "RUN dnf -y upgrade-minimal", catches: true },
  { rule: "rpm-cache", dl: "DL3040", run: "RUN dnf -y reinstall", catches: true },
  { rule: "rpm-cache", dl: "DL3040", run: "RUN dnf -y install && dnf clean all", catches: false },
  { rule: "apt-lists-not-removed", dl: "DL3009", run: "RUN aptitude update && aptitude install python", catches: true },
  { rule: "apt-lists-not-removed", dl: "DL3009", run: "RUN aptitude update && aptitude install python && rm -rf /var/lib/apt/lists/*", catches: false },
]; // prettier-ignore

describe("new rules agree with hadolint's own test cases", () => {
  for (const { rule, dl, run, catches, hadolint } of HADOLINT_CASES) {
    const differs = hadolint !== undefined && hadolint !== catches;
    it(`${rule} (${dl}) ${catches ? "catches" : "passes"} ${run}${differs ? " (differs from hadolint, documented)" : ""}`, () => {
      const base =
        rule === "apk-cache" ? "alpine:3.20" : rule === "rpm-cache" ? "fedora:40" : "debian:bookworm-slim";
      const text = `FROM ${base}\n${run}\nUSER 10001\nHEALTHCHECK CMD ["true"]\n`;
      assert.equal(found(text, rule).length, catches ? 1 : 0, JSON.stringify(analyzeDockerfile(text)));
    });
  }

  it("aptitude: recommends and the message name aptitude; -R turns recommends off", () => {
    assert.deepEqual(
      found(python("RUN aptitude update && aptitude install -y curl"), "apt-lists-not-removed"),
      ["2: aptitude update on line 2 leaves /var/lib/apt/lists in the layer (the RUN does not remove it)."],
    );
    assert.deepEqual(found(python("RUN aptitude install -y curl"), "apt-install-recommends"), [
      "2: aptitude install on line 2 also installs recommended packages.",
    ]);
    assert.deepEqual(found(python("RUN aptitude install -y -R curl"), "apt-install-recommends"), []);
    assert.deepEqual(
      found(python("RUN aptitude install -y gcc && rm -rf /var/lib/apt/lists/*"), "no-multi-stage"),
      ["2: Line 2 installs build tools that stay in the final image: gcc."],
    );
  });
});

describe("python-dev-packages: pip's forms", () => {
  const cases: Array<[string, string[]]> = [
    ["RUN pip install --no-cache-dir --user pytest", ["2: Line 2 installs test and lint tools into the final image: pytest."]],
    ["RUN pip install --no-cache-dir --prefix=/install flake8-bugbear Flake8", ["2: Line 2 installs test and lint tools into the final image: flake8-bugbear and flake8."]],
    ["RUN python3 -m pip install --no-cache-dir -r requirements/test.txt", ["2: Line 2 installs test and lint tools into the final image: requirements/test.txt."]],
    ["RUN pip install --no-cache-dir --index-url https://pypi.example/simple black==24.1", ["2: Line 2 installs test and lint tools into the final image: black."]],
    ["RUN pip install --no-cache-dir -c constraints-dev.txt flask", []],
    ["RUN pip install --no-cache-dir blackjack pytest_plugin_name_is_not_a_tool", ["2: Line 2 installs test and lint tools into the final image: pytest-plugin-name-is-not-a-tool."]],
    ["RUN poetry install", ["2: Line 2 installs test and lint tools into the final image: poetry install (its dev dependencies)."]],
    ["RUN poetry install --only main", []],
    ["RUN poetry install --without dev", []],
    ["RUN pipenv install --deploy --dev", ["2: Line 2 installs test and lint tools into the final image: pipenv install --dev (its dev dependencies)."]],
    ["RUN apt-get update && apt-get install -y --no-install-recommends python3-pytest pylint && rm -rf /var/lib/apt/lists/*", ["2: Line 2 installs test and lint tools into the final image: python3-pytest and pylint."]],
  ]; // prettier-ignore
  for (const [run, expected] of cases) {
    it(run, () => assert.deepEqual(found(python(run), "python-dev-packages"), expected));
  }

  it("pip-cache: --user and --prefix installs keep the cache; PIP_NO_CACHE_DIR in ENV turns it off", () => {
    assert.deepEqual(found(python("RUN pip install --user flask"), "pip-cache"), [
      "2: pip install on line 2 keeps its download cache in the layer.",
    ]);
    assert.deepEqual(found(python("RUN pip install --prefix=/install flask"), "pip-cache"), [
      "2: pip install on line 2 keeps its download cache in the layer.",
    ]);
    assert.deepEqual(found(python("ENV PIP_NO_CACHE_DIR=1\nRUN pip install --user flask"), "pip-cache"), []);
  });
});

describe("python-dev-packages through a builder's packages", () => {
  it("Debian's test tools installed in a builder and copied into the final image count", () => {
    const text =
      'FROM python:3.11-slim AS builder\nRUN apt-get update && apt-get install -y --no-install-recommends python3-flask python3-pytest black && rm -rf /var/lib/apt/lists/* && cp -a /usr/lib/python3/dist-packages /site\n\nFROM python:3.11-slim\nCOPY --from=builder /site /usr/lib/python3/dist-packages\nUSER 10001\nHEALTHCHECK CMD ["python3", "-c", "1"]\n';
    assert.deepEqual(found(text, "python-dev-packages"), [
      "2: Line 2 installs test and lint tools that line 5 copies into the final image: python3-pytest and black.",
    ]);
  });
});

describe("python-bytecode", () => {
  const cases: Array<[string, number]> = [
    ["RUN python manage.py collectstatic --noinput", 1],
    ["RUN python3 -c 'import app'", 1],
    ["RUN python -m app.migrate", 1],
    ["RUN /usr/local/bin/python3.12 build.py", 1],
    ["RUN python -B manage.py collectstatic", 0],
    ["RUN PYTHONDONTWRITEBYTECODE=1 python manage.py collectstatic", 0],
    ["ENV PYTHONDONTWRITEBYTECODE=1\nRUN python manage.py collectstatic", 0],
    ["ENV PYTHONDONTWRITEBYTECODE=\nRUN python manage.py collectstatic", 1],
    ["RUN python -m pip install --no-cache-dir flask", 0],
    ["RUN python3 -m venv /opt/venv", 0],
    ["RUN python3 --version", 0],
  ];
  for (const [run, count] of cases) {
    it(`${count === 0 ? "passes" : "catches"} ${run.replace("\n", " / ")}`, () =>
      assert.equal(found(python(run), "python-bytecode").length, count));
  }

  it("counts bytecode the .dockerignore lets a whole-context COPY take", () => {
    const text = python("WORKDIR /app\nCOPY . .");
    const contextFiles = [
      "app.py",
      "__pycache__/app.cpython-312.pyc",
      "pkg/__pycache__/x.cpython-312.pyc",
      "old.pyc",
    ];
    const messages = (dockerignore: string | null) =>
      analyzeDockerfile(text, { dockerignore, contextFiles })
        .filter((finding) => finding.id === "python-bytecode")
        .map((finding) => finding.message);
    assert.deepEqual(messages(".git\n.env\ntests\n"), [
      "COPY . . on line 3 copies 3 Python bytecode files (__pycache__/, *.pyc) from the build context.",
    ]);
    assert.deepEqual(messages("__pycache__\n**/__pycache__\n*.pyc\n"), []);
    assert.deepEqual(messages(null).length, 1);
  });
});

describe("fixes that fit the final image's base (issue 18 item 7)", () => {
  const cases: Array<[string, string, string | undefined, string]> = [
    ["python:3.12-slim-bookworm", "python/debian", "python3", "useradd --uid 10001"],
    ["python:3.12-alpine3.20", "python/alpine", "python3", "adduser -D -H -u 10001"],
    [
      "123456789012.dkr.ecr.us-east-1.amazonaws.com/python:3.12",
      "python/debian",
      "python3",
      "useradd --uid 10001",
    ],
    ["ecr-pipeline-test/python:3.11-slim", "python/debian", "python3", "useradd --uid 10001"],
    ["node:22-bookworm-slim", "node/debian", '"node"', "USER node"],
    ["gcr.io/distroless/python3-debian12", "python/distroless", undefined, "USER 65532:65532 (distroless"],
    ["gcr.io/distroless/static-debian12", "go/distroless", undefined, "USER 65532:65532 (distroless"],
    ["scratch", "other/scratch", undefined, "no /etc/passwd"],
    ["alpine:3.20", "other/alpine", "wget -q --spider", "adduser -D -H -u 10001"],
    ["debian:bookworm-slim", "other/debian", "/app/healthcheck", "useradd --uid 10001"],
    ["golang:1.23", "go/debian", "-healthcheck", "useradd --uid 10001"],
  ];
  for (const [image, runtime, healthcheck, user] of cases) {
    it(`${image}: ${runtime}`, () => {
      const text = `FROM ${image}\nCOPY server /server\n`;
      const findings = analyzeDockerfile(text);
      const fix = (id: string) => findings.find((finding) => finding.id === id)?.fix;
      const reference = /^([^:@]+)(?::([^@]+))?/.exec(image.replace(/^docker\.io\//, "")) as RegExpExecArray;
      const parsed = baseRuntimeOf(reference[1], reference[2]);
      assert.equal(`${parsed.language}/${parsed.flavour}`, runtime);
      if (healthcheck === undefined) assert.equal(fix("no-healthcheck"), undefined);
      else assert.ok(fix("no-healthcheck")?.includes(healthcheck), fix("no-healthcheck"));
      assert.ok(fix("root-user")?.includes(user), fix("root-user"));
      // A Python image never gets Node advice.
      if (runtime.startsWith("python"))
        for (const finding of findings) assert.doesNotMatch(finding.fix, /\bnode\b|node_modules|npm/);
    });
  }

  it("the fixes are the catalog's texts for each runtime", () => {
    assert.equal(healthcheckFix({ language: "python", flavour: "distroless" }), undefined);
    assert.equal(
      nonRootUserFix({ language: "python", flavour: "debian" }),
      "Create an unprivileged user and switch to it by number: RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin app, then USER 10001:10001 in the final stage.",
    );
  });
});

describe("emulated-build-stage respects platformBuilders", () => {
  const text =
    'FROM node:22-bookworm AS build\nRUN npm ci\n\nFROM node:22-bookworm-slim\nCOPY --from=build /app /app\nUSER node\nHEALTHCHECK CMD ["node", "h.js"]\n';
  const emulated = (platforms: string[], platformBuilders?: Record<string, string>) =>
    analyzeDockerfile(text, { platforms, ...(platformBuilders === undefined ? {} : { platformBuilders }) })
      .filter((finding) => finding.id === "emulated-build-stage")
      .map((finding) => finding.message);

  it("two platforms on the default builder: one runs under emulation", () => {
    assert.deepEqual(emulated(["linux/amd64", "linux/arm64"]), [
      "Stage build runs RUN (first on line 2) on each target platform (linux/amd64, linux/arm64): every platform but the builder's own runs it under emulation.",
    ]);
  });
  it("arm64 on a builder of its own: nothing is emulated", () => {
    assert.deepEqual(emulated(["linux/amd64", "linux/arm64"], { "linux/arm64": "arm-native" }), []);
  });
  it("three platforms, one with its own builder: the other two share the default builder", () => {
    assert.deepEqual(
      emulated(["linux/amd64", "linux/arm64", "linux/arm/v7"], { "linux/arm64": "arm-native" }),
      [
        "Stage build runs RUN (first on line 2) on each target platform (linux/amd64, linux/arm/v7): every platform but the builder's own runs it under emulation.",
      ],
    );
  });
});
