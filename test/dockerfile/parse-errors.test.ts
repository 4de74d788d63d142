import assert from "node:assert/strict";
import fc from "fast-check";
import { analyzeDockerfile, DockerfileParseError, dockerfileRules } from "../../components/dockerfile";
import { withSuccessShare } from "../helpers/fuzz";

const parseErrorMessage = (text: string, target?: string): string => {
  try {
    analyzeDockerfile(text, target === undefined ? {} : { target });
  } catch (error) {
    assert.ok(error instanceof DockerfileParseError, `expected DockerfileParseError, got ${String(error)}`);
    return error.message;
  }
  assert.fail("expected a DockerfileParseError");
};

describe("analyzeDockerfile: malformed Dockerfiles", () => {
  const NO_FROM =
    "Dockerfile: no FROM instruction, so this is not a Dockerfile. Fix: begin the build with FROM <image> (e.g. FROM node:22-bookworm-slim)";
  const UNKNOWN_FIX =
    "Fix: start the line with a Dockerfile instruction (FROM, RUN, COPY, ...), or end the previous line with \\ if it continues there";
  const cases: Array<{ name: string; text: string; target?: string; message: string }> = [
    { name: "empty text", text: "", message: NO_FROM },
    {
      name: "only comments and blank lines",
      text: "# syntax=docker/dockerfile:1\n\n# nothing\n",
      message: NO_FROM,
    },
    { name: "only ARGs", text: "ARG A=1\nARG B\n", message: NO_FROM },
    {
      name: "an instruction before FROM other than ARG",
      text: "RUN echo hi\nFROM node:22-bookworm-slim\n",
      message:
        "Dockerfile line 1: RUN before the first FROM (only ARG may come before FROM). Fix: start the build stage with FROM <image> before this line",
    },
    {
      name: "an unknown instruction",
      text: "FROM node:22-bookworm-slim\nFOO bar\n",
      message: `Dockerfile line 2: unknown instruction "FOO". ${UNKNOWN_FIX}`,
    },
    {
      name: "a missing line continuation",
      text: "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y \\\n    curl\napt-get clean\n",
      message: `Dockerfile line 4: unknown instruction "apt-get". ${UNKNOWN_FIX}`,
    },
    {
      name: "JSON instead of a Dockerfile",
      text: '{"FROM": "node"}',
      message: `Dockerfile line 1: unknown instruction "{"FROM":". ${UNKNOWN_FIX}`,
    },
    {
      name: "FROM without an image",
      text: "FROM\nRUN true\n",
      message:
        "Dockerfile line 1: FROM has no arguments. Fix: give FROM its arguments (see https://docs.docker.com/reference/dockerfile/#from)",
    },
    {
      name: "a target stage that does not exist",
      text: "FROM node:22-bookworm AS build\nFROM node:22-bookworm-slim AS runtime\n",
      target: "test",
      message:
        'Dockerfile: the target stage "test" is not defined. Fix: name a stage with FROM <image> AS test, or build one of: build, runtime',
    },
  ];
  for (const { name, text, target, message } of cases) {
    it(name, () => assert.equal(parseErrorMessage(text, target), message));
  }

  it("exposes the line, problem and fix separately", () => {
    try {
      analyzeDockerfile("FROM node:22\nFOO bar\n");
      assert.fail("expected a DockerfileParseError");
    } catch (error) {
      assert.ok(error instanceof DockerfileParseError);
      assert.equal(error.name, "DockerfileParseError");
      assert.equal(error.line, 2);
      assert.equal(error.problem, 'unknown instruction "FOO"');
    }
  });
});

/**
 * Random text: alone (rejected: it has no FROM), after a FROM line (mostly rejected: an unknown
 * instruction), or as the command of a RUN (mostly analyzed), so that random text also reaches the
 * rules: alone, the property passed for an analyzer that rejects every text.
 */
const randomTextArb = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ maxLength: 300 }).map((text) => `FROM node:22\n${text}`),
  fc.string({ maxLength: 300 }).map((text) => `FROM node:22\nRUN ${text}`),
);

// Lines that look like Dockerfile content, to reach the rules (random text mostly stops at the parser).
const plausibleLine = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.constantFrom(
      "FROM node:22-bookworm AS build",
      "FROM node",
      "FROM ${BASE}",
      "FROM build",
      "FROM scratch",
      "ARG BASE=node:22-bookworm-slim",
      "ARG NPM_TOKEN",
      "ENV NODE_ENV=production SECRET_KEY=x",
      "ENV A",
      "RUN apt-get update && apt-get install -y gcc",
      "RUN apt-get purge -y gcc",
      "RUN --mount=type=cache,target=/var/lib/apt apt-get update",
      "RUN rm -rf /tmp/* /app",
      "RUN <<EOF\napt-get update\nrm -rf /var/lib/apt/lists\nEOF",
      'RUN ["npm", "ci"]',
      'RUN ["broken"',
      "RUN curl -o x https://e && git clone https://g/r.git",
      "COPY . .",
      "COPY --from=build /a /b",
      "ADD a.tar.gz src /dst/",
      "WORKDIR ../x",
      "USER root",
      "HEALTHCHECK NONE",
      "# comment",
      "\\",
      "",
    ),
  },
  // Occasional garbage lines keep the parser-error path in the mix.
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

/** Returns true when the text was analyzed (not rejected), so the fuzz can show it reached the rules. */
function checkOutcome(text: string): boolean {
  let findings;
  try {
    findings = analyzeDockerfile(text, { dockerignore: null, contextFiles: [".git/HEAD", ".env"] });
  } catch (error) {
    assert.ok(error instanceof DockerfileParseError, `unexpected ${String(error)}`);
    assert.match(error.message, /^Dockerfile( line \d+)?: .+\. Fix: .+/s);
    return false;
  }
  const ids = new Set(dockerfileRules.map((rule) => rule.id));
  const lineCount = text.split(/\r\n|\r|\n/).length;
  for (const [index, finding] of findings.entries()) {
    assert.ok(ids.has(finding.id), finding.id);
    assert.ok(
      Number.isInteger(finding.line) && finding.line >= 1 && finding.line <= lineCount,
      String(finding.line),
    );
    const previous = findings[index - 1];
    if (previous !== undefined) {
      assert.ok(
        previous.line < finding.line || (previous.line === finding.line && previous.id <= finding.id),
      );
    }
  }
  assert.deepEqual(
    analyzeDockerfile(text, { dockerignore: null, contextFiles: [".git/HEAD", ".env"] }),
    findings,
  );
  return true;
}

describe("analyzeDockerfile: fuzz", () => {
  it("returns sorted, catalogued findings or throws DockerfileParseError for random text", () => {
    withSuccessShare("analyzeDockerfile (random text)", 0.2, (outcomes) =>
      fc.assert(
        fc.property(randomTextArb, (text) => outcomes.record(checkOutcome(text))),
        { numRuns: 500 },
      ),
    );
  });

  it("does the same for random Dockerfile-like lines, most of which get analyzed", () => {
    // Without the floor the property could pass by rejecting everything at the parser.
    withSuccessShare("analyzeDockerfile (Dockerfile-like lines)", 0.6, (outcomes) =>
      fc.assert(
        fc.property(
          fc.array(plausibleLine, { maxLength: 25 }).map((lines) => ["FROM node:22", ...lines].join("\n")),
          (text) => outcomes.record(checkOutcome(text)),
        ),
        { numRuns: 500 },
      ),
    );
  });
});
