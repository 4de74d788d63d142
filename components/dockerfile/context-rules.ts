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
  const sources = instruction.argumentWords.slice(0, -1);
  return sources.some((source) => source === "." || source === "./" || source === "./.");
}

/** `copy-whole-context` for one COPY/ADD of the final image; skipped when the .dockerignore is unknown. */
export function copyWholeContextFindings(
  instruction: ParsedInstruction,
  stage: string,
  dockerignoreText: string | null | undefined,
  contextFiles: readonly string[] | undefined,
): DockerfileFinding[] {
  if (dockerignoreText === undefined || !copiesWholeContext(instruction)) return [];
  const matcher = dockerignore().add(dockerignoreText ?? "");
  const missing: string[] = [];
  for (const category of CONTEXT_CATEGORIES) {
    if (contextFiles === undefined) {
      if (!category.probes.some((probe) => matcher.ignores(probe))) missing.push(category.label);
      continue;
    }
    const copied = contextFiles.filter((path) => category.isMember(path) && !matcher.ignores(path));
    if (copied.length > 0)
      missing.push(`${category.label} (${copied.length} file${copied.length === 1 ? "" : "s"})`);
  }
  const written = `${instruction.keyword} ${instruction.argumentWords.join(" ")}`;
  if (dockerignoreText === null) {
    const what = missing.length > 0 ? `, including ${listWords(missing)}` : "";
    return [
      makeFinding(
        "copy-whole-context",
        instruction.line,
        `${written} on line ${instruction.line} copies the whole build context and there is no .dockerignore${what}`,
        { stage },
      ),
    ];
  }
  if (missing.length === 0) return [];
  return [
    makeFinding(
      "copy-whole-context",
      instruction.line,
      `${written} on line ${instruction.line} copies the whole build context and the .dockerignore does not exclude ${listWords(missing)}`,
      { stage },
    ),
  ];
}
