import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { analyzeDockerfile, type DockerfileFinding } from "../../components/dockerfile";

/**
 * The seeds' own Dockerfiles (test/fixtures/dockerfiles/seeds, from ../shared/seeds): the analyzer finds
 * each seed's named problems on its "before" Dockerfile, with fixes that fit a Python image, and the
 * "after" Dockerfile loses those findings (issue 22, "Done when").
 */
const SEEDS = join(__dirname, "..", "fixtures", "dockerfiles", "seeds");

// Seed 002's requirements, as its report lists them: requirements.txt points at the dev file.
const SEED_002_REQUIREMENTS = {
  "requirements.txt": "-r requirements-dev.txt\n",
  "requirements-dev.txt":
    "-r requirements-prod.txt\npytest\npytest-asyncio\npytest-cov\nflake8\nblack\nbandit\nsafety\n",
  "requirements-prod.txt":
    "watchdog==4.0.1\ninotify==0.2.10\npydub==0.25.1\nmutagen==1.47.0\nfastapi==0.104.1\nuvicorn==0.24.0\npydantic==2.6.0\nrequests==2.32.4\nxxhash==3.4.1\n",
};

function analyzeSeed(name: string): DockerfileFinding[] {
  const ignore = join(SEEDS, `${name}.dockerignore`);
  return analyzeDockerfile(readFileSync(join(SEEDS, `${name}.Dockerfile`), "utf8"), {
    // "no .dockerignore" is what the seeds' "before" says; "after" ships the one it lists.
    dockerignore: existsSync(ignore) ? readFileSync(ignore, "utf8") : null,
    ...(name.startsWith("002") ? { requirementFiles: SEED_002_REQUIREMENTS } : {}),
  });
}

const ids = (findings: readonly DockerfileFinding[]): string[] => [
  ...new Set(findings.map((finding) => finding.id)),
];

const PYTHON_USER_FIX =
  "Create an unprivileged user and switch to it by number: RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin app, then USER 10001:10001 in the final stage.";
const PYTHON_HEALTHCHECK_FIX = `Add a check the interpreter runs, e.g. HEALTHCHECK CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=3)"] (or rely on the orchestrator's health check and ignore this).`;

/** Each seed's named problems as rule ids, found on "before" and gone from "after". */
const SEEDS_NAMED: Array<{ seed: string; before: string; after: string; named: string[] }> = [
  {
    // Full base, build tools, no apt cleanup, test/notebook packages, no .dockerignore, root, one stage,
    // pip's cache; and the whole context copied before the installs.
    seed: "000",
    before: "000-before",
    after: "000-after",
    named: [
      "full-base-image",
      "no-multi-stage",
      "apt-install-recommends",
      "apt-lists-not-removed",
      "python-dev-packages",
      "copy-whole-context",
      "root-user",
      "pip-cache",
      "install-after-code-copy",
    ],
  },
  {
    // Build tools in the single stage, the code and a Python build step in the image.
    seed: "001",
    before: "001-before",
    after: "001-after",
    named: ["no-multi-stage", "copy-whole-context", "python-bytecode", "no-healthcheck"],
  },
  {
    // No .dockerignore, dev and test requirements, apt without --no-install-recommends or cleanup.
    seed: "002",
    before: "002-before",
    after: "002-after",
    named: ["copy-whole-context", "python-dev-packages", "apt-install-recommends", "apt-lists-not-removed"],
  },
  {
    // Fat base, apt without cleanup, and (the report's own caching tip) code copied before the install.
    seed: "004",
    before: "004-before",
    after: "004-after",
    named: ["full-base-image", "apt-install-recommends", "apt-lists-not-removed", "install-after-code-copy"],
  },
];

describe("the seeds' own Dockerfiles (issue 22)", () => {
  for (const { seed, before, after, named } of SEEDS_NAMED) {
    it(`seed ${seed}: "before" has each named problem, "after" none of them`, () => {
      const found = ids(analyzeSeed(before));
      for (const id of named) assert.ok(found.includes(id), `${before} lacks ${id}: ${found.join(", ")}`);
      const left = ids(analyzeSeed(after)).filter((id) => named.includes(id));
      // Seed 001's builder still installs PyInstaller after COPY . . (a builder-stage cost, shown below).
      assert.deepEqual(left, []);
    });
  }

  it("seed 000 before: every finding, with the fixes that fit a Python image", () => {
    assert.deepEqual(
      analyzeSeed("000-before").map((finding) => `${finding.line} ${finding.id}: ${finding.message}`),
      [
        "1 full-base-image: The final image (stage 0) is built on python:3.12, a full python image; python:<version>-slim-bookworm would do for about 319.5 MiB less (python:3.12-bookworm 362.4 MiB vs python:3.12-slim-bookworm 42.9 MiB compressed, linux/amd64, Docker Hub, checked 2026-11-22, unverified estimate).",
        "1 no-healthcheck: The final stage (0) has no HEALTHCHECK.",
        "1 root-user: The final stage (0) sets no USER, so it runs as root.",
        "3 copy-whole-context: COPY . . on line 3 copies the whole build context and there is no .dockerignore, including .git, tests and .env.",
        "4 apt-install-recommends: apt-get install on line 4 also installs recommended packages.",
        "4 apt-lists-not-removed: apt-get update on line 4 leaves /var/lib/apt/lists in the layer (the RUN does not remove it).",
        "4 consecutive-run: RUNs on lines 4 and 5 are consecutive and could be one layer.",
        "4 install-after-code-copy: apt-get install on line 4 comes after COPY . . on line 3, which copies application code: every change to that code runs the install again and stores a new copy of its layer.",
        "4 no-multi-stage: Line 4 installs build tools that stay in the final image: git and build-essential.",
        "5 install-after-code-copy: pip install on line 5 comes after COPY . . on line 3, which copies application code: every change to that code runs the install again and stores a new copy of its layer.",
        "5 pip-cache: pip install on line 5 keeps its download cache in the layer.",
        "5 python-dev-packages: Line 5 installs test and lint tools into the final image: jupyter, pytest, black and pylint.",
      ],
    );
    const fixes = Object.fromEntries(analyzeSeed("000-before").map((finding) => [finding.id, finding.fix]));
    assert.equal(fixes["root-user"], PYTHON_USER_FIX);
    assert.equal(fixes["no-healthcheck"], PYTHON_HEALTHCHECK_FIX);
    assert.equal(
      fixes["copy-whole-context"],
      "Add .git, tests, .env, __pycache__ and any local virtualenv (.venv) to .dockerignore, or COPY only the paths the image needs.",
    );
    // No Node advice anywhere for a Python image (issue 18 item 7).
    for (const finding of analyzeSeed("000-before")) {
      assert.doesNotMatch(`${finding.message} ${finding.fix}`, /\bnode\b|node_modules|npm/, finding.id);
    }
  });

  it("seed 002 before: the dev tools are read from the requirements files pip is given", () => {
    // Installed in the builder with pip --user, they reach the final image through its COPY --from.
    assert.deepEqual(
      analyzeSeed("002-before")
        .filter((finding) => finding.id === "python-dev-packages")
        .map((finding) => `${finding.line} [${finding.stage}] ${finding.message}`),
      [
        "5 [1] Line 5 installs test and lint tools that line 11 copies into the final image: requirements.txt (pytest, pytest-asyncio, pytest-cov and 4 more).",
      ],
    );
    // A builder whose packages do not reach the final image is not judged.
    const testOnly = analyzeDockerfile(
      "FROM python:3.11-slim AS test\nCOPY requirements*.txt ./\nRUN pip install --no-cache-dir -r requirements.txt\n\nFROM python:3.11-slim\nCOPY --from=test /app/report.xml /report.xml\nUSER 10001\n",
      { requirementFiles: SEED_002_REQUIREMENTS },
    );
    assert.deepEqual(
      testOnly.filter((finding) => finding.id === "python-dev-packages"),
      [],
    );
    // Without the files' text, only a development file's name marks it.
    const byName = analyzeDockerfile(
      "FROM python:3.11-slim\nCOPY requirements*.txt ./\nRUN pip install --no-cache-dir -r requirements.txt -r requirements-dev.txt\nUSER 10001\n",
    );
    assert.deepEqual(
      byName.filter((finding) => finding.id === "python-dev-packages").map((finding) => finding.message),
      ["Line 3 installs test and lint tools into the final image: requirements-dev.txt."],
    );
  });

  it("seed 004: slim keeps the code-before-install ordering the multi-stage version fixes", () => {
    assert.deepEqual(ids(analyzeSeed("004-slim")), [
      "no-healthcheck",
      "root-user",
      "install-after-code-copy",
    ]);
    assert.deepEqual(ids(analyzeSeed("004-after")), ["no-healthcheck", "root-user"]);
  });
});
