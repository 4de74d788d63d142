/**
 * Worst cases of the Dockerfile analyzer and the build-context hash (issue 12), measured in one run:
 * CPU time (user + system of this process, garbage collection included, so a busy shared machine
 * inflates it less than wall time) of EVERY one of 3 runs after a warm-up run, per input shape at
 * 1 MiB (MAX_DOCKERFILE_CHARS), and side-by-side ratios against the patterns they replaced. With
 * `--before=<module>` (a file exporting an older `analyzeDockerfile`, e.g. from a checkout of main at
 * 65cb82f with its instruction and word limits raised, see docs/ROBUSTNESS-DOCKERFILE.md) the same
 * shapes are timed with it too, in the same run. Results are recorded in docs/ROBUSTNESS-DOCKERFILE.md;
 * this is not a timed test.
 *
 *   npx tsx tools/bench-analyzer.ts                       # every shape at 1 MiB
 *   npx tsx tools/bench-analyzer.ts --quick               # at 64 KiB
 *   npx tsx tools/bench-analyzer.ts --before=/tmp/before/components/dockerfile/index.ts
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { analyzeDockerfile } from "../components/dockerfile";
import { type DockerfileFinding } from "../components/dockerfile";
import { MAX_DOCKERFILE_CHARS } from "../components/dockerfile/parse";
import { hashBuildContext } from "../components/buildkit/context-hash";

type Analyze = (text: string, options?: { dockerignore?: string | null }) => DockerfileFinding[];

const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** CPU ms of `repeats` runs (after one untimed run): the least disturbed (min) and the median. */
function measure(run: () => unknown, repeats = 5): { min: number; median: number } {
  const times = timesOf(run, repeats).sort((left, right) => left - right);
  return { min: times[0] ?? 0, median: times[Math.floor(times.length / 2)] ?? 0 };
}

/** CPU ms of each of `repeats` runs, after one untimed run (JIT compilation). */
function timesOf(run: () => unknown, repeats: number): number[] {
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
  return times;
}

const fill = (head: string, fragment: string, chars: number): string =>
  head + fragment.repeat(Math.max(1, Math.floor((chars - head.length) / fragment.length)));

/** The most repetitions of `fragment` after `head` (within `chars`) that no size limit rejects. */
function largestAccepted(head: string, fragment: string, chars: number): number {
  const accepts = (repeats: number): boolean =>
    !answer(analyzeDockerfile, head + fragment.repeat(repeats)).includes("MAX_");
  let high = Math.floor((chars - head.length) / fragment.length);
  if (accepts(high)) return high;
  let low = 1;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (accepts(middle)) low = middle;
    else high = middle;
  }
  return low;
}

/** What the analyzer answered: how many findings, or which error. */
function answer(analyze: Analyze, text: string): string {
  try {
    return `${analyze(text, { dockerignore: null }).length} findings`;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.includes("MAX_")
      ? `rejected (${/MAX_[A-Z_]+/.exec(message)?.[0] ?? ""})`
      : "rejected (malformed)";
  }
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
  ["one ENV with many a=1", "FROM a\nENV ", "a=1 "],
  ["one RUN of a \\ lines", "FROM a\nRUN ", "a \\\n"],
  ["WORKDIR a + COPY per line", "FROM a\n", "WORKDIR a\nCOPY x y\n"],
  ["RUN apt-get install gcc per line", "FROM a\n", "RUN apt-get install -y gcc\n"],
];

const KIB = 1024;

function benchAnalyzer(size: number, before: Analyze | undefined): void {
  console.log(
    `analyzeDockerfile at ${Math.round(size / KIB)} KiB: CPU ms of each of 3 runs after a warm-up run (GC included), max${before === undefined ? "" : "; before: the --before module"}`,
  );
  console.log(
    `${"shape".padEnd(34)} ${"now: runs".padEnd(20)} ${"max".padStart(6)}  ${"answer".padEnd(36)}${before === undefined ? "" : ` ${"before: runs".padEnd(20)} ${"max".padStart(6)}  answer`}`,
  );
  let worst = { ms: 0, shape: "" };
  const row = (analyze: Analyze, text: string): [string, number, string] => {
    const times = timesOf(() => analyze(text, { dockerignore: null }), 3);
    return [times.map((ms) => ms.toFixed(0)).join(" "), Math.max(...times), answer(analyze, text)];
  };
  for (const [name, head, fragment] of SHAPES) {
    const text = fill(head, fragment, size);
    const [runs, max, said] = row(analyzeDockerfile, text);
    if (max > worst.ms) worst = { ms: max, shape: name };
    let line = `${name.padEnd(34)} ${runs.padEnd(20)} ${max.toFixed(0).padStart(6)}  ${said.padEnd(36)}`;
    if (before !== undefined) {
      const [beforeRuns, beforeMax, beforeSaid] = row(before, text);
      line += ` ${beforeRuns.padEnd(20)} ${beforeMax.toFixed(0).padStart(6)}  ${beforeSaid}`;
    }
    if (said.includes("MAX_")) {
      // Rejected at this size: also the largest input of the shape that is analyzed.
      const largest = head + fragment.repeat(largestAccepted(head, fragment, size));
      const [limitRuns, limitMax, limitSaid] = row(analyzeDockerfile, largest);
      if (limitMax > worst.ms) worst = { ms: limitMax, shape: `${name}, at the limit` };
      line += `\n${"  at the limit:".padEnd(34)} ${limitRuns.padEnd(20)} ${limitMax.toFixed(0).padStart(6)}  ${`${limitSaid}, ${Math.round(largest.length / KIB)} KiB`.padEnd(36)}`;
    }
    console.log(line);
  }
  console.log(`slowest run: ${worst.ms.toFixed(1)} ms CPU (${worst.shape})`);
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
async function main(): Promise<void> {
  const beforeArgument = process.argv.find((argument) => argument.startsWith("--before="));
  const before =
    beforeArgument === undefined
      ? undefined
      : (
          (await import(path.resolve(beforeArgument.slice("--before=".length)))) as {
            analyzeDockerfile: Analyze;
          }
        ).analyzeDockerfile;
  benchAnalyzer(quick ? 64 * KIB : MAX_DOCKERFILE_CHARS, before);
  benchHeredocRatio();
  benchContextHash();
}

void main();
