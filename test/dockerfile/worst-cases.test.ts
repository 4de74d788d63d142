import assert from "node:assert/strict";
import { analyzeDockerfile } from "../../components/dockerfile";

/**
 * The input shapes that were superlinear before issue 12, each at a size where the old code needed
 * from half a second to minutes (docs/ROBUSTNESS-DOCKERFILE.md). Each shape is analysed at its full size
 * and at a tenth of it: linear work grows about 10×, the old quadratic patterns about 100× (or more), so
 * the growth is bounded at 30×, with a loose absolute bound (1.5 s CPU) on top for anything that is
 * slow without being superlinear. Growth, not a fixed budget, is asserted because CPU time for the same
 * input differs by several times between Node versions and a busy shared machine (20,000 named stages:
 * a few dozen ms on Node 24, 293 ms once on Node 20 in CI). Only the public API is used, so the same
 * file runs against the old code.
 */
const MAX_GROWTH = 30;
const MAX_CPU_MS = 1500;
/** Below this the small run's time is mostly noise; the growth is measured against at least this. */
const MIN_BASE_CPU_MS = 5;

const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

const lines = (count: number, line: (index: number) => string): string =>
  Array.from({ length: count }, (_, index) => line(index)).join("");

/** Name, and the Dockerfile text at scale `n` (the full size is n = 1, a tenth is n = 0.1). */
const SHAPES: Array<[string, (n: number) => string]> = [
  [
    "RUN << followed by 60,000 name characters (heredoc regex backtracking)",
    (n) => `FROM a\nRUN <<${"a".repeat(60_000 * n)}`,
  ],
  [
    // 6,000, not 2,000: at 2,000 the old tracker's fixed costs hid its quadratic growth (12×).
    "6,000 COPYs then 6,000 rm (layer tracker compared every pair)",
    (n) =>
      `FROM a\n${lines(6000 * n, (i) => `COPY f${i} /a/f${i}\n`)}${lines(6000 * n, (i) => `RUN rm -rf /a/f${i}\n`)}`,
  ],
  [
    "FROM with 20,000 unclosed ${a:- (variable pattern rescanned the rest)",
    (n) => `FROM ${"${a:-".repeat(20_000 * n)}\n`,
  ],
  [
    "20,000 named stages (each FROM searched all earlier stages)",
    (n) => lines(20_000 * n, (i) => `FROM a AS s${i}\n`),
  ],
  [
    "10,000 COPY . . with a 5,000-file context (context checked per COPY)",
    (n) => `FROM a\n${"COPY . .\n".repeat(10_000 * n)}`,
  ],
  [
    "10,000 relative WORKDIRs with a COPY each (working directory grew unbounded)",
    (n) => `FROM a\n${"WORKDIR a\nCOPY x y\n".repeat(10_000 * n)}`,
  ],
];

const CONTEXT_FILES = Array.from({ length: 5000 }, (_, index) => `src/file${index}.js`);

function analysisCpuMs(text: string): number {
  const start = cpuMs();
  try {
    analyzeDockerfile(text, { dockerignore: null, contextFiles: CONTEXT_FILES });
  } catch (error) {
    assert.equal((error as Error).name, "DockerfileParseError", String(error));
  }
  return cpuMs() - start;
}

describe("analyzeDockerfile: the formerly superlinear shapes stay linear and bounded", function () {
  this.timeout(300_000);
  for (const [name, shape] of SHAPES) {
    it(name, () => {
      const full = shape(1);
      analysisCpuMs(shape(0.1)); // warm-up: the first call of a shape pays for JIT compilation
      const small = analysisCpuMs(shape(0.1));
      const large = analysisCpuMs(full);
      const growth = large / Math.max(small, MIN_BASE_CPU_MS);
      const said = `${large.toFixed(0)} ms CPU for ${full.length} characters, ${small.toFixed(1)} ms for a tenth (${growth.toFixed(1)}×)`;
      assert.ok(growth <= MAX_GROWTH, `superlinear: ${said}`);
      assert.ok(large <= MAX_CPU_MS, `too slow: ${said}`);
    });
  }
});
