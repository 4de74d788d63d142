import { MAX_DOCKERFILE_CHARS, MAX_DOCKERFILE_INSTRUCTIONS } from "../../components/dockerfile/parse";
import { MAX_SHELL_WORDS_PER_RUN } from "../../components/dockerfile/shell";

/**
 * The heaviest Dockerfile shapes (docs/ROBUSTNESS-DOCKERFILE.md), shared by worst-cases.test.ts and the
 * child process that times them (dockerfile-worst-cases.worker.ts). Texts are built on demand: 30 texts of 1 MiB.
 */
const lines = (count: number, line: (index: number) => string): string =>
  Array.from({ length: count }, (_, index) => line(index)).join("");

const fill = (head: string, fragment: string): string =>
  head + fragment.repeat(Math.floor((MAX_DOCKERFILE_CHARS - head.length) / fragment.length));

/** The most repetitions of `fragment` (of `instructions` instructions each) after `head` within the limit. */
const atLimit = (head: string, fragment: string, instructions: number): string =>
  head + fragment.repeat(Math.floor((MAX_DOCKERFILE_INSTRUCTIONS - (head === "" ? 0 : 1)) / instructions));

/** What the analyzer must answer: findings (or a malformed-Dockerfile error), or the limit that rejects it. */
export type Expected = "analyzed" | "MAX_DOCKERFILE_INSTRUCTIONS" | "MAX_SHELL_WORDS_PER_RUN";
const A: Expected = "analyzed";
const I: Expected = "MAX_DOCKERFILE_INSTRUCTIONS";
const W: Expected = "MAX_SHELL_WORDS_PER_RUN";

/** Name, Dockerfile text, and what the analyzer answers. */
export const SHAPES: Array<[string, () => string, Expected]> = [
  // The shapes of tools/bench-analyzer.ts, at 1 MiB.
  ["RUN << followed by 1 MiB of spaces", () => fill("FROM a\nRUN <<", " "), A],
  ["RUN << followed by 1 MiB of name characters (heredoc regex backtracking)", () => fill("FROM a\nRUN <<", "a"), A],
  ["1 MiB heredoc body of commands (45,000 commands in one RUN)", () => fill("FROM a\nRUN <<EOF\n", "apt-get install -y gcc\n"), W],
  ["1 MiB of RUN rm -rf /a/x, one per line", () => fill("FROM a\n", "RUN rm -rf /a/x\n"), I],
  ["1 MiB of RUN apt-get update, one per line (55,000 findings before the cap)", () => fill("FROM a\n", "RUN apt-get update\n"), I],
  ["1 MiB of COPY x /a/x then RUN rm -rf /a/x", () => fill("FROM a\n", "COPY x /a/x\nRUN rm -rf /a/x\n"), I],
  ["1 MiB of RUN a, one per line (174,000 instructions)", () => fill("FROM a\n", "RUN a\n"), I],
  ["1 MiB of USER a, one per line", () => fill("FROM a\n", "USER a\n"), I],
  ["1 MiB of one stage per line (87,000 stages)", () => fill("", "FROM a AS b\n"), I],
  ["1 MiB of ARG per line (no FROM: rejected as not a Dockerfile)", () => fill("", "ARG A=1\n"), I],
  ["1 MiB of relative WORKDIR per line (working directory grew unbounded)", () => fill("FROM a\n", "WORKDIR a\n"), I],
  ["1 MiB of COPY . . with a 5,000-file context (context checked per COPY)", () => fill("FROM a\n", "COPY . .\n"), I],
  ["1 MiB of comment lines", () => fill("FROM a\n", "# c\n"), A],
  ["one RUN of 1 MiB of a; (500,000 commands)", () => fill("FROM a\nRUN ", "a;"), W],
  ["one RUN of 1 MiB of 2>&1", () => fill("FROM a\nRUN ", "2>&1"), A],
  ["one RUN of 1 MiB of ${a:-", () => fill("FROM a\nRUN ", "${a:-"), A],
  ["one RUN continued over 1 MiB of lines", () => fill("FROM a\nRUN ", "x \\\n"), W],
  ["FROM with 1 MiB of unclosed ${a:- (variable pattern rescanned the rest)", () => fill("FROM ", "${a:-"), A],
  ["one ENV with 1 MiB of quoted pairs", () => fill("FROM a\nENV ", 'A="1 2" '), A],
  ["one COPY with 1 MiB of sources", () => fill("FROM a\nCOPY ", "src/a "), A],
  ["one RUN with 1 MiB of flags (no arguments: rejected)", () => fill("FROM a\nRUN ", "--a=b "), A],
  ["one EXPOSE with 1 MiB of ports", () => fill("FROM a\nEXPOSE ", "80 "), A],
  // At the instruction limit (MAX_DOCKERFILE_INSTRUCTIONS): the per-line shapes it rejects at 1 MiB.
  ["At the limit: RUN rm -rf /a/x", () => atLimit("FROM a\n", "RUN rm -rf /a/x\n", 1), A],
  ["At the limit: RUN apt-get update", () => atLimit("FROM a\n", "RUN apt-get update\n", 1), A],
  ["At the limit: COPY x /a/x then RUN rm -rf /a/x", () => atLimit("FROM a\n", "COPY x /a/x\nRUN rm -rf /a/x\n", 2), A],
  ["At the limit: RUN a", () => atLimit("FROM a\n", "RUN a\n", 1), A],
  ["At the limit: USER a", () => atLimit("FROM a\n", "USER a\n", 1), A],
  ["At the limit: stages", () => atLimit("", "FROM a AS b\n", 1), A],
  ["At the limit: relative WORKDIRs", () => atLimit("FROM a\n", "WORKDIR a\n", 1), A],
  ["At the limit: COPY . . with a 5,000-file context", () => atLimit("FROM a\n", "COPY . .\n", 1), A],
  ["At the limit: WORKDIR a + COPY x y", () => atLimit("FROM a\n", "WORKDIR a\nCOPY x y\n", 2), A],
  // More at 1 MiB.
  ["one ENV with 1 MiB of a=1 pairs", () => fill("FROM a\nENV ", "a=1 "), A],
  ["one RUN of 1 MiB of a \\ continuation lines", () => fill("FROM a\nRUN ", "a \\\n"), W],
  ["1 MiB of WORKDIR a + COPY x y", () => fill("FROM a\n", "WORKDIR a\nCOPY x y\n"), I],
  ["1 MiB of RUN apt-get install -y gcc, one per line", () => fill("FROM a\n", "RUN apt-get install -y gcc\n"), I],
  ["At the limit: RUN apt-get install -y gcc", () => atLimit("FROM a\n", "RUN apt-get install -y gcc\n", 1), A],
  [`one RUN of ${MAX_SHELL_WORDS_PER_RUN} commands a;a;… (the limit)`, () => `FROM a\nRUN ${"a;".repeat(MAX_SHELL_WORDS_PER_RUN)}`, A],
  // What the layer tracker must remember, at the instruction limit (the per-pair work it did is bounded
  // by MAX_DESCRIBED_DIRECTORY_ADDITIONS and MAX_GLOB_ENTRIES in layers.ts).
  ["At the limit: COPY x /a/ then RUN rm -rf /a/b (a directory added again and again)", () => "FROM a\n" + lines(MAX_DOCKERFILE_INSTRUCTIONS - 1, (i) => (i % 2 === 0 ? "COPY x /a/\n" : "RUN rm -rf /a/b\n")), A],
  ["At the limit: COPY to distinct paths, then globs that match none", () => "FROM a\n" + lines(MAX_DOCKERFILE_INSTRUCTIONS - 1, (i) => (i < MAX_DOCKERFILE_INSTRUCTIONS / 2 ? `COPY f${i} /a/f${i}\n` : `RUN rm -rf /a/x${i}*\n`)), A],
  ["At the limit: RUN apt-get install -y of distinct packages", () => "FROM a\n" + lines(MAX_DOCKERFILE_INSTRUCTIONS - 1, (i) => `RUN apt-get install -y p${i}\n`), A],
  ["At the limit: RUN --mount=type=cache per line", () => atLimit("FROM a\n", "RUN --mount=type=cache,target=/root/.cache a\n", 1), A],
  [`One apt-get install of ${MAX_SHELL_WORDS_PER_RUN - 2} distinct packages (the limit)`, () => `FROM a\nRUN apt-get install ${lines(MAX_SHELL_WORDS_PER_RUN - 2, (i) => `p${i} `)}`, A],
  // The rules of issue 22 (install-after-code-copy, python-dev-packages across stages, apk/rpm caches,
  // python-bytecode), at the instruction limit and in one long RUN.
  ["At the limit: COPY app.py . then RUN apt-get install -y curl", () => atLimit("FROM a\n", "COPY app.py .\nRUN apt-get install -y curl\n", 2), A],
  ["At the limit: builder stages with pip install pytest, each copied into the final stage", () => lines(4999, (i) => `FROM a AS s${i}\nRUN pip install pytest\n`) + "FROM a\n" + lines(4999, (i) => `COPY --from=s${i} /root/.local /root/.local\n`), A],
  ["At the limit: RUN apk update && apk add curl", () => atLimit("FROM a\n", "RUN apk update && apk add curl\n", 1), A],
  ["At the limit: RUN dnf install -y x && dnf clean all && dnf install -y y", () => atLimit("FROM a\n", "RUN dnf install -y x && dnf clean all && dnf install -y y\n", 1), A],
  ["At the limit: RUN python build.py", () => atLimit("FROM a\n", "RUN python build.py\n", 1), A],
  [`One pip install of ${MAX_SHELL_WORDS_PER_RUN - 3} distinct pytest plugins (the limit)`, () => `FROM a\nRUN pip install ${lines(MAX_SHELL_WORDS_PER_RUN - 3, (i) => `pytest-p${i} `)}`, A],
  // Distinct paths and stage names at 2,000 instructions, as before.
  ["999 COPYs then as many rm (the layer tracker compared every pair)", () => `FROM a\n${lines(999, (i) => `COPY f${i} /a/f${i}\n`)}${lines(999, (i) => `RUN rm -rf /a/f${i}\n`)}`, A],
  ["2,000 named stages (each FROM searched all earlier stages)", () => lines(2000, (i) => `FROM a AS s${i}\n`), A],
]; // prettier-ignore

export const CONTEXT_FILES = Array.from({ length: 5000 }, (_, index) => `src/file${index}.js`);
