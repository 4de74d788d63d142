import assert from "node:assert/strict";
import { analyzeDockerfile } from "../../components/dockerfile";

/**
 * The input shapes that were superlinear before issue 12, each at a size where the old code needed
 * from half a second to minutes (docs/ROBUSTNESS-DOCKERFILE.md). The bound is loose (250 ms CPU, the
 * new code needs a few to ~60 ms) so that a busy shared machine does not make it flaky; a quadratic
 * pattern coming back overshoots it many times over. Only the public API is used, so the same file
 * runs against the old code.
 */
const BOUND_CPU_MS = 250;

const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

const lines = (count: number, line: (index: number) => string): string =>
  Array.from({ length: count }, (_, index) => line(index)).join("");

const SHAPES: Array<[string, string]> = [
  [
    "RUN << followed by 60,000 name characters (heredoc regex backtracking)",
    `FROM a\nRUN <<${"a".repeat(60_000)}`,
  ],
  [
    "2,000 COPYs then 2,000 rm (layer tracker compared every pair)",
    `FROM a\n${lines(2000, (i) => `COPY f${i} /a/f${i}\n`)}${lines(2000, (i) => `RUN rm -rf /a/f${i}\n`)}`,
  ],
  [
    "FROM with 20,000 unclosed ${a:- (variable pattern rescanned the rest)",
    `FROM ${"${a:-".repeat(20_000)}\n`,
  ],
  ["20,000 named stages (each FROM searched all earlier stages)", lines(20_000, (i) => `FROM a AS s${i}\n`)],
  [
    "10,000 COPY . . with a 5,000-file context (context checked per COPY)",
    `FROM a\n${"COPY . .\n".repeat(10_000)}`,
  ],
  [
    "10,000 relative WORKDIRs with a COPY each (working directory grew unbounded)",
    `FROM a\n${"WORKDIR a\nCOPY x y\n".repeat(10_000)}`,
  ],
];

const CONTEXT_FILES = Array.from({ length: 5000 }, (_, index) => `src/file${index}.js`);

describe("analyzeDockerfile: the formerly superlinear shapes stay bounded", function () {
  this.timeout(120_000);
  for (const [name, text] of SHAPES) {
    it(name, () => {
      const start = cpuMs();
      try {
        analyzeDockerfile(text, { dockerignore: null, contextFiles: CONTEXT_FILES });
      } catch (error) {
        assert.equal((error as Error).name, "DockerfileParseError", String(error));
      }
      const elapsed = cpuMs() - start;
      assert.ok(elapsed <= BOUND_CPU_MS, `${elapsed.toFixed(0)} ms CPU for ${text.length} characters`);
    });
  }
});
