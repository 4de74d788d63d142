/**
 * Worst cases of the Dockerfile analyzer and the build-context hash (issue 12), measured in one run:
 * CPU time (user + system of this process, so a busy shared machine inflates it less than wall time)
 * per function and input shape (min and median of 5 runs), the largest input each shape may have within
 * the limits (MAX_DOCKERFILE_CHARS, MAX_DOCKERFILE_INSTRUCTIONS, MAX_SHELL_WORDS), and side-by-side ratios against the patterns
 * they replaced. Results are recorded in docs/ROBUSTNESS-DOCKERFILE.md; this is not a timed test.
 *
 *   npx tsx tools/bench-analyzer.ts            # shapes up to 1 MiB
 *   npx tsx tools/bench-analyzer.ts --quick    # shapes up to 64 KiB
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { analyzeDockerfile } from "../components/dockerfile";
import { DockerfileParseError, MAX_DOCKERFILE_CHARS } from "../components/dockerfile/parse";
import { hashBuildContext } from "../components/size/context-hash";

const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** CPU ms of `repeats` runs (after one untimed run): the least disturbed (min) and the median. */
function measure(run: () => unknown, repeats = 5): { min: number; median: number } {
  const times: number[] = [];
  for (let index = -1; index < repeats; index += 1) {
    const start = cpuMs();
    try {
      run();
    } catch {
      // Rejections are timed too.
    }
    if (index >= 0) times.push(cpuMs() - start);
  }
  times.sort((left, right) => left - right);
  return { min: times[0] ?? 0, median: times[Math.floor(times.length / 2)] ?? 0 };
}

const fill = (head: string, fragment: string, chars: number): string =>
  head + fragment.repeat(Math.max(1, Math.floor((chars - head.length) / fragment.length)));

const isLimitError = (error: unknown): boolean =>
  error instanceof DockerfileParseError && /to answer within 100 ms/.test(error.message);

/** The most repetitions of `fragment` (within MAX_DOCKERFILE_CHARS) the analyzer accepts. */
function largestAccepted(head: string, fragment: string): number {
  const accepts = (repeats: number): boolean => {
    try {
      analyzeDockerfile(head + fragment.repeat(repeats), { dockerignore: null });
      return true;
    } catch (error) {
      return !isLimitError(error);
    }
  };
  let high = Math.floor((MAX_DOCKERFILE_CHARS - head.length) / fragment.length);
  if (accepts(high)) return high;
  let low = 1;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (accepts(middle)) low = middle;
    else high = middle;
  }
  return low;
}

// The shapes that were superlinear before issue 12, and the heaviest linear ones found since.
const SHAPES: Array<[string, string, string]> = [
  ["heredoc marker + spaces", "FROM a\nRUN <<", " "],
  ["heredoc marker + name chars", "FROM a\nRUN <<", "a"],
  ["heredoc body of commands", "FROM a\nRUN <<EOF\n", "apt-get install -y gcc\n"],
  ["one RUN per line (rm)", "FROM a\n", "RUN rm -rf /a/x\n"],
  ["one RUN per line (apt)", "FROM a\n", "RUN apt-get update\n"],
  ["COPY then rm per line", "FROM a\n", "COPY x /a/x\nRUN rm -rf /a/x\n"],
  ["RUN a per line (one word)", "FROM a\n", "RUN a\n"],
  ["USER a per line (one word)", "FROM a\n", "USER a\n"],
  ["one stage per line", "", "FROM a AS b\n"],
  ["ARG per line", "", "ARG A=1\n"],
  ["relative WORKDIR per line", "FROM a\n", "WORKDIR a\n"],
  ["COPY . . per line", "FROM a\n", "COPY . .\n"],
  ["comment lines", "FROM a\n", "# c\n"],
  ["one long RUN: a;", "FROM a\nRUN ", "a;"],
  ["one long RUN: 2>&1", "FROM a\nRUN ", "2>&1"],
  ["one long RUN: ${a:-", "FROM a\nRUN ", "${a:-"],
  ["continuation lines", "FROM a\nRUN ", "x \\\n"],
  ["FROM ${a:-${a:-...", "FROM ", "${a:-"],
  ["one ENV with many pairs", "FROM a\nENV ", 'A="1 2" '],
  ["one COPY with many sources", "FROM a\nCOPY ", "src/a "],
  ["one RUN with many flags", "FROM a\nRUN ", "--a=b "],
  ["one EXPOSE with many ports", "FROM a\nEXPOSE ", "80 "],
];

const KIB = 1024;

function benchAnalyzer(sizes: readonly number[]): void {
  console.log(
    "analyzeDockerfile: CPU ms per input shape and size, min/median of 5 runs (r: rejected by a limit)",
  );
  const sizeHeads = sizes.map((size) => `${Math.round(size / KIB)} KiB`.padStart(13));
  console.log(`${"shape".padEnd(28)} ${sizeHeads.join(" ")}   largest accepted: size, min/median ms`);
  let worst = { ms: 0, shape: "" };
  for (const [name, head, fragment] of SHAPES) {
    const cells = sizes.map((size) => {
      const text = fill(head, fragment, size);
      let rejected = false;
      try {
        analyzeDockerfile(text, { dockerignore: null });
      } catch (error) {
        rejected = isLimitError(error);
      }
      const { min, median } = measure(() => analyzeDockerfile(text, { dockerignore: null }));
      return `${rejected ? "r " : ""}${min.toFixed(1)}/${median.toFixed(1)}`.padStart(13);
    });
    const repeats = largestAccepted(head, fragment);
    const largest = head + fragment.repeat(repeats);
    const atLimit = measure(() => analyzeDockerfile(largest, { dockerignore: null }));
    if (atLimit.median > worst.ms) worst = { ms: atLimit.median, shape: name };
    console.log(
      `${name.padEnd(28)} ${cells.join(" ")}   ${`${(largest.length / KIB).toFixed(0)} KiB`.padStart(8)}, ${atLimit.min.toFixed(1)}/${atLimit.median.toFixed(1)}`,
    );
  }
  console.log(`worst accepted input: ${worst.ms.toFixed(1)} ms CPU median (${worst.shape})`);
  const over = fill("FROM a\nRUN ", "x", MAX_DOCKERFILE_CHARS + 10);
  console.log(
    `over the ${MAX_DOCKERFILE_CHARS}-char limit: rejected in ${measure(() => analyzeDockerfile(over)).median.toFixed(2)} ms CPU`,
  );
}

/** The heredoc pattern shell.ts used before issue 12, side by side with the scanner that replaced it. */
function benchHeredocRatio(): void {
  const oldHeredoc = /^<<-?\s*["']?([A-Za-z0-9_]+)["']?[^\n]*\n([\s\S]*)$/;
  console.log(
    "\nheredoc: old regex (on the RUN text) vs the analyzer now (whole Dockerfile), CPU ms (min of 1 and 5 runs)",
  );
  for (const size of [5_000, 10_000, 20_000]) {
    const body = "a".repeat(size);
    const before = measure(() => oldHeredoc.exec(`<<${body}`), 1).min;
    const after = measure(() => analyzeDockerfile(`FROM a\nRUN <<${body}`, { dockerignore: null })).min;
    console.log(
      `  <<+${size} chars: old ${before.toFixed(1)} ms, now ${after.toFixed(2)} ms, ratio ${(before / Math.max(after, 0.01)).toFixed(0)}x`,
    );
  }
}

function benchContextHash(): void {
  console.log("\nhashBuildContext: CPU ms (min of 5) per tree shape");
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
      ([name, dir]) => [name, measure(() => hashBuildContext({ context: dir })).min] as const,
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
benchAnalyzer(quick ? [16 * KIB, 64 * KIB] : [64 * KIB, 256 * KIB, MAX_DOCKERFILE_CHARS]);
benchHeredocRatio();
benchContextHash();
