import dockerignore from "@balena/dockerignore";
import { makeFinding, listWords } from "./findings";
import type { ParsedInstruction } from "./parse";
import type { DockerfileFinding } from "./types";

/** What a `.dockerignore` should keep out of a whole-context COPY, and how to recognise it. */
interface ContextCategory {
  label: string;
  /** Paths that stand for the category when the context's file list is unknown. */
  probes: string[];
  isMember: (path: string) => boolean;
}

const CONTEXT_CATEGORIES: readonly ContextCategory[] = [
  { label: ".git", probes: [".git/HEAD"], isMember: (path) => /(^|\/)\.git(\/|$)/.test(path) },
  {
    label: "node_modules",
    probes: ["node_modules/example/index.js"],
    isMember: (path) => /(^|\/)node_modules(\/|$)/.test(path),
  },
  {
    label: "tests",
    // Any one of the usual layouts being ignored counts: projects use one of them, not all.
    probes: [
      "test/example.test.js",
      "tests/example.test.js",
      "__tests__/example.test.js",
      "src/example.test.ts",
    ],
    isMember: (path) =>
      /(^|\/)(test|tests|__tests__|spec)\//.test(path) || /\.(test|spec)\.[cm]?[jt]sx?$/.test(path),
  },
  {
    label: ".env",
    probes: [".env"],
    // .env.example and friends are meant to be shared; .env and .env.<environment> hold secrets.
    isMember: (path) => /(^|\/)\.env(\.(?!example$|sample$|template$)[^/]+)?$/.test(path),
  },
];

function copiesWholeContext(instruction: ParsedInstruction): boolean {
  if (instruction.flags.some((flag) => flag.name === "from")) return false;
  // argumentWords are the JSON array's elements or the unquoted words: `COPY [".", "/app"]` and
  // `COPY "." /app` copy the whole context as `COPY . /app` does.
  const sources = instruction.argumentWords.slice(0, -1);
  return sources.some((source) => source === "." || source === "./" || source === "./.");
}

/**
 * `copy-whole-context` for the COPY/ADDs of the final image; reports nothing when the .dockerignore is
 * unknown. What the .dockerignore misses does not depend on the instruction, so it is worked out once
 * (on first use) and not per COPY: a file with 100k `COPY . .` lines stays linear.
 */
export function copyWholeContextChecker(
  dockerignoreText: string | null | undefined,
  contextFiles: readonly string[] | undefined,
): (instruction: ParsedInstruction, stage: string) => DockerfileFinding[] {
  let missing: string[] | undefined;
  const whatIsMissing = (): string[] => {
    if (missing !== undefined) return missing;
    const matcher = dockerignore().add(dockerignoreText ?? "");
    missing = [];
    for (const category of CONTEXT_CATEGORIES) {
      if (contextFiles === undefined) {
        if (!category.probes.some((probe) => matcher.ignores(probe))) missing.push(category.label);
        continue;
      }
      let copied = 0;
      for (const path of contextFiles) if (category.isMember(path) && !matcher.ignores(path)) copied += 1;
      if (copied > 0) missing.push(`${category.label} (${copied} file${copied === 1 ? "" : "s"})`);
    }
    return missing;
  };
  return (instruction, stage) => {
    if (dockerignoreText === undefined || !copiesWholeContext(instruction)) return [];
    const found = whatIsMissing();
    const written = `${instruction.keyword} ${instruction.argumentText}`;
    if (dockerignoreText === null) {
      const what = found.length > 0 ? `, including ${listWords(found)}` : "";
      return [
        makeFinding(
          "copy-whole-context",
          instruction.line,
          `${written} on line ${instruction.line} copies the whole build context and there is no .dockerignore${what}`,
          { stage },
        ),
      ];
    }
    if (found.length === 0) return [];
    return [
      makeFinding(
        "copy-whole-context",
        instruction.line,
        `${written} on line ${instruction.line} copies the whole build context and the .dockerignore does not exclude ${listWords(found)}`,
        { stage },
      ),
    ];
  };
}
