import dockerignore from "@balena/dockerignore";
import { makeFinding, listWords, type FindingCollector } from "./findings";
import type { ParsedInstruction } from "./parse";

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

// A Python image's context: a local virtualenv plays node_modules' part, tests are test_*.py files too,
// and bytecode is a checkout's leftover. Without a file list only the probes of .git, tests and .env are
// asked (a venv's name varies; bytecode is python-bytecode's, with a file list).
const PYTHON_CONTEXT_CATEGORIES: readonly ContextCategory[] = [
  CONTEXT_CATEGORIES[0] as ContextCategory,
  {
    label: "virtualenv",
    probes: [],
    isMember: (path) => /(^|\/)\.?venv\/|(^|\/)env\/(bin|lib)\//.test(path),
  },
  {
    label: "tests",
    probes: ["tests/test_example.py", "test/test_example.py", "test_example.py"],
    isMember: (path) => /(^|\/)(test|tests)\//.test(path) || /(^|\/)test_[^/]*\.py$|_test\.py$/.test(path),
  },
  CONTEXT_CATEGORIES[3] as ContextCategory,
];

/** The fix of `copy-whole-context` for a Python final image (the catalog's names node_modules). */
export const PYTHON_COPY_WHOLE_CONTEXT_FIX =
  "Add .git, tests, .env, __pycache__ and any local virtualenv (.venv) to .dockerignore, or COPY only the paths the image needs.";

function copiesWholeContext(instruction: ParsedInstruction): boolean {
  for (const flag of instruction.flags) if (flag.name === "from") return false;
  // argumentWords are the JSON array's elements or the unquoted words: `COPY [".", "/app"]` and
  // `COPY "." /app` copy the whole context as `COPY . /app` does. The last word is the destination.
  const words = instruction.argumentWords;
  for (let index = 0; index < words.length - 1; index += 1) {
    const source = words[index];
    if (source === "." || source === "./" || source === "./.") return true;
  }
  return false;
}

/**
 * `copy-whole-context` for the COPY/ADDs of the final image; reports nothing when the .dockerignore is
 * unknown. What the .dockerignore misses does not depend on the instruction, so it is worked out once
 * (on first use) and not per COPY: a file with 100k `COPY . .` lines stays linear.
 */
export class CopyWholeContextChecker {
  private missing: string[] | undefined;

  constructor(
    private readonly dockerignoreText: string | null | undefined,
    private readonly contextFiles: readonly string[] | undefined,
    /** The final image's language (base-images.ts `baseRuntimeOf`): a Python image is not told about node_modules. */
    private readonly python = false,
  ) {}

  private whatIsMissing(): string[] {
    if (this.missing !== undefined) return this.missing;
    const matcher = dockerignore().add(this.dockerignoreText ?? "");
    const missing: string[] = [];
    for (const category of this.python ? PYTHON_CONTEXT_CATEGORIES : CONTEXT_CATEGORIES) {
      if (this.contextFiles === undefined) {
        // A category without probes is judged only with the file list.
        if (category.probes.length > 0 && !category.probes.some((probe) => matcher.ignores(probe)))
          missing.push(category.label);
        continue;
      }
      let copied = 0;
      for (const path of this.contextFiles)
        if (category.isMember(path) && !matcher.ignores(path)) copied += 1;
      if (copied > 0) missing.push(`${category.label} (${copied} file${copied === 1 ? "" : "s"})`);
    }
    this.missing = missing;
    return missing;
  }

  check(instruction: ParsedInstruction, stage: string, findings: FindingCollector): void {
    const dockerignoreText = this.dockerignoreText;
    if (dockerignoreText === undefined || !copiesWholeContext(instruction)) return;
    const found = this.whatIsMissing();
    if (dockerignoreText !== null && found.length === 0) return;
    if (findings.omits("copy-whole-context", instruction.line)) return;
    const written = `${instruction.keyword} ${instruction.argumentText}`;
    if (dockerignoreText === null) {
      const what = found.length > 0 ? `, including ${listWords(found)}` : "";
      findings.add(
        makeFinding(
          "copy-whole-context",
          instruction.line,
          `${written} on line ${instruction.line} copies the whole build context and there is no .dockerignore${what}`,
          this.python ? { stage, fix: PYTHON_COPY_WHOLE_CONTEXT_FIX } : { stage },
        ),
      );
      return;
    }
    findings.add(
      makeFinding(
        "copy-whole-context",
        instruction.line,
        `${written} on line ${instruction.line} copies the whole build context and the .dockerignore does not exclude ${listWords(found)}`,
        this.python ? { stage, fix: PYTHON_COPY_WHOLE_CONTEXT_FIX } : { stage },
      ),
    );
  }
}

// Bytecode a developer's checkout holds: __pycache__ directories and stray .pyc/.pyo files.
const BYTECODE = /(^|\/)__pycache__\/|\.py[co]$/;

/**
 * `python-bytecode` for a COPY/ADD of the whole context whose files include Python bytecode that the
 * .dockerignore does not exclude. Needs the context's file list (`contextFiles`); counted once, on
 * first use, like CopyWholeContextChecker.
 */
export class BytecodeInContextChecker {
  private count: number | undefined;

  constructor(
    private readonly dockerignoreText: string | null | undefined,
    private readonly contextFiles: readonly string[] | undefined,
  ) {}

  private bytecodeFiles(): number {
    if (this.count !== undefined) return this.count;
    const matcher = dockerignore().add(this.dockerignoreText ?? "");
    let count = 0;
    for (const path of this.contextFiles ?? []) if (BYTECODE.test(path) && !matcher.ignores(path)) count += 1;
    this.count = count;
    return count;
  }

  check(instruction: ParsedInstruction, stage: string, findings: FindingCollector): void {
    if (this.dockerignoreText === undefined || this.contextFiles === undefined) return;
    if (!copiesWholeContext(instruction)) return;
    const count = this.bytecodeFiles();
    if (count === 0 || findings.omits("python-bytecode", instruction.line)) return;
    findings.add(
      makeFinding(
        "python-bytecode",
        instruction.line,
        `${instruction.keyword} ${instruction.argumentText} on line ${instruction.line} copies ${count} Python bytecode file${count === 1 ? "" : "s"} (__pycache__/, *.pyc) from the build context`,
        { stage },
      ),
    );
  }
}
