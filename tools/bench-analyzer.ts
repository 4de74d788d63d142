/**
 * Worst cases of the Dockerfile analyzer and the build-context hash (issue 12), measured in one run:
 * CPU time (user + system of this process, so a busy shared machine inflates it less than wall time)
 * per function and input shape, the per-character cost, and side-by-side ratios against the patterns
 * they replaced. Results are recorded in docs/ROBUSTNESS-DOCKERFILE.md; this is not a timed test.
 *
 *   npx tsx tools/bench-analyzer.ts            # shapes up to 1 MiB
 *   npx tsx tools/bench-analyzer.ts --quick    # shapes up to 128 KiB
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { analyzeDockerfile } from "../components/dockerfile";
import { MAX_DOCKERFILE_CHARS } from "../components/dockerfile/parse";
import { hashBuildContext } from "../components/size/context-hash";

const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** Best of `repeats` runs (the least disturbed by other processes), in ms of CPU. */
function measure(run: () => unknown, repeats = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let index = 0; index < repeats; index += 1) {
    const start = cpuMs();
    try {
      run();
    } catch {
      // Rejections are timed too.
    }
    best = Math.min(best, cpuMs() - start);
  }
  return best;
}

const fill = (head: string, fragment: string, chars: number): string =>
  head + fragment.repeat(Math.max(1, Math.floor((chars - head.length) / fragment.length)));

// The shapes that were superlinear before issue 12, and the heaviest linear ones found since.
const SHAPES: Array<[string, string, string]> = [
  ["heredoc marker + spaces", "FROM a\nRUN <<", " "],
  ["heredoc marker + name chars", "FROM a\nRUN <<", "a"],
  ["one RUN per line (rm)", "FROM a\n", "RUN rm -rf /a/x\n"],
  ["one RUN per line (apt)", "FROM a\n", "RUN apt-get update\n"],
  ["COPY then rm per line", "FROM a\n", "COPY x /a/x\nRUN rm -rf /a/x\n"],
  ["one stage per line", "", "FROM a AS b\n"],
  ["ARG per line", "", "ARG A=1\n"],
  ["relative WORKDIR per line", "FROM a\n", "WORKDIR a\n"],
  ["COPY . . per line", "FROM a\n", "COPY . .\n"],
  ["one long RUN: a;", "FROM a\nRUN ", "a;"],
  ["one long RUN: 2>&1", "FROM a\nRUN ", "2>&1"],
  ["one long RUN: ${a:-", "FROM a\nRUN ", "${a:-"],
  ["continuation lines", "FROM a\nRUN ", "x \\\n"],
  ["FROM ${a:-${a:-...", "FROM ", "${a:-"],
  ["one ENV with many pairs", "FROM a\nENV ", 'A="1 2" '],
];

function benchAnalyzer(sizes: readonly number[]): void {
  console.log("analyzeDockerfile: CPU ms (best of 3) per input shape and size");
  console.log(
    `${"shape".padEnd(28)} ${sizes.map((size) => `${Math.round(size / 1024)} KiB`.padStart(10)).join(" ")}   µs/char at largest`,
  );
  let worst = { ms: 0, shape: "" };
  for (const [name, head, fragment] of SHAPES) {
    const times = sizes.map((size) =>
      measure(() => analyzeDockerfile(fill(head, fragment, size), { dockerignore: null })),
    );
    const largest = times[times.length - 1] ?? 0;
    if (largest > worst.ms) worst = { ms: largest, shape: name };
    const perChar = (largest * 1000) / (sizes[sizes.length - 1] ?? 1);
    console.log(
      `${name.padEnd(28)} ${times.map((time) => time.toFixed(1).padStart(10)).join(" ")}   ${perChar.toFixed(2)}`,
    );
  }
  console.log(
    `worst at ${Math.round((sizes[sizes.length - 1] ?? 0) / 1024)} KiB: ${worst.ms.toFixed(1)} ms CPU (${worst.shape})`,
  );
  const over = fill("FROM a\nRUN ", "x", MAX_DOCKERFILE_CHARS + 10);
  console.log(
    `over the ${MAX_DOCKERFILE_CHARS}-char limit: rejected in ${measure(() => analyzeDockerfile(over)).toFixed(2)} ms CPU`,
  );
}

/** The heredoc pattern shell.ts used before issue 12, side by side with the scanner that replaced it. */
function benchHeredocRatio(): void {
  const oldHeredoc = /^<<-?\s*["']?([A-Za-z0-9_]+)["']?[^\n]*\n([\s\S]*)$/;
  console.log("\nheredoc: old regex (on the RUN text) vs the analyzer now (whole Dockerfile), CPU ms");
  for (const size of [5_000, 10_000, 20_000]) {
    const body = "a".repeat(size);
    const before = measure(() => oldHeredoc.exec(`<<${body}`), 1);
    const after = measure(() => analyzeDockerfile(`FROM a\nRUN <<${body}`, { dockerignore: null }));
    console.log(
      `  <<+${size} chars: old ${before.toFixed(1)} ms, now ${after.toFixed(2)} ms, ratio ${(before / Math.max(after, 0.01)).toFixed(0)}x`,
    );
  }
}

function benchContextHash(): void {
  console.log("\nhashBuildContext: CPU ms (best of 3) per tree shape");
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "bench-ctx-"));
  try {
    const make = (name: string, build: (dir: string) => void): string => {
      const dir = path.join(root, name);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\nCOPY . /\n");
      build(dir);
      return dir;
    };
    const ignoredTree = (dir: string): void => {
      for (let package_ = 0; package_ < 200; package_ += 1) {
        const packageDir = path.join(dir, "node_modules", `p${package_}`);
        fs.mkdirSync(packageDir, { recursive: true });
        for (let file = 0; file < 25; file += 1) fs.writeFileSync(path.join(packageDir, `f${file}.js`), "x");
      }
      fs.mkdirSync(path.join(dir, "src"));
      fs.writeFileSync(path.join(dir, "src", "keep.js"), "k");
    };
    const trees: Array<[string, string]> = [
      ["2,000 files flat", make("flat", (dir) => { for (let i = 0; i < 2000; i += 1) fs.writeFileSync(path.join(dir, `f${i}`), `${i}`); })], // prettier-ignore
      ["200 nested directories", make("deep", (dir) => { fs.mkdirSync(path.join(dir, ...Array.from({ length: 200 }, () => "d")), { recursive: true }); })], // prettier-ignore
      ["5,000 ignored + plain exception", make("pruned", (dir) => { ignoredTree(dir); fs.writeFileSync(path.join(dir, ".dockerignore"), "node_modules\nsrc\n!src/keep.js\n"); })], // prettier-ignore
      ["5,000 ignored + glob exception", make("walked", (dir) => { ignoredTree(dir); fs.writeFileSync(path.join(dir, ".dockerignore"), "node_modules\nsrc\n!**/keep.js\n"); })], // prettier-ignore
    ];
    const times = trees.map(
      ([name, dir]) => [name, measure(() => hashBuildContext({ context: dir }))] as const,
    );
    for (const [name, time] of times) console.log(`  ${name.padEnd(34)} ${time.toFixed(1).padStart(8)}`);
    const pruned = times[2]?.[1] ?? 0;
    const walked = times[3]?.[1] ?? 0;
    console.log(
      `  pruning the ignored tree (plain exception) vs walking it (glob exception): ${(walked / Math.max(pruned, 0.01)).toFixed(1)}x faster`,
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const quick = process.argv.includes("--quick");
console.log(
  `load average ${os
    .loadavg()
    .map((load) => load.toFixed(1))
    .join(" ")} on ${os.cpus().length} CPUs\n`,
);
benchAnalyzer(quick ? [16_384, 65_536, 131_072] : [65_536, 262_144, 1_048_000]);
benchHeredocRatio();
benchContextHash();
