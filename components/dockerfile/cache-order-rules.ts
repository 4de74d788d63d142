/**
 * `install-after-code-copy`: a dependency install (apt, apk, dnf/yum/zypper, pip, poetry, npm, yarn,
 * pnpm, bundler, go modules, composer) placed after a COPY of application code. BuildKit reuses a step's
 * cached result only while every step before it is unchanged
 * (https://docs.docker.com/build/cache/invalidation/), so such an install runs again on every code change
 * and its layer is pushed and stored again: every build the lifecycle policy keeps holds its own copy
 * (components/cost/storage.ts counts it under "older builds"). The seeds' caching tip; no peer linter
 * has the rule (hadolint's rules look at one instruction or one kind of command at a time).
 *
 * Linear: one check per COPY/ADD and per RUN command, the first code COPY remembered per stage chain.
 */
import { makeFinding, type FindingCollector } from "./findings";
import type { ParsedInstruction } from "./parse";
import * as runRules from "./run-rules";
import * as packageRules from "./package-rules";
import * as shell from "./shell";
import type { ShellCommand } from "./shell";

const { aptFamilySubcommand } = runRules;
const { rpmInstallProgram } = packageRules;
const { isPipInstall } = shell;

// Files that only declare dependencies: copying them first is the point of the tip. Matched on the
// base name; a glob (`package*.json`, `requirements*.txt`) counts when a manifest name fits it.
const MANIFEST_NAMES = new Set([
  "pipfile", "pipfile.lock", "pyproject.toml", "poetry.lock", "pdm.lock", "uv.lock", "setup.py", "setup.cfg",
  "package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", ".yarnrc", ".yarnrc.yml",
  "pnpm-lock.yaml", "pnpm-workspace.yaml", ".npmrc", "go.mod", "go.sum", "gemfile", "gemfile.lock",
  "cargo.toml", "cargo.lock", "composer.json", "composer.lock", ".python-version", ".nvmrc", "requirements",
]); // prettier-ignore
const REQUIREMENTS_FILE = /^(.*requirements.*|constraints.*)\.(txt|in)$/;

function isManifest(source: string): boolean {
  const trimmed = source.endsWith("/") ? source.slice(0, -1) : source;
  const name = trimmed.slice(trimmed.lastIndexOf("/") + 1).toLowerCase();
  if (MANIFEST_NAMES.has(name) || REQUIREMENTS_FILE.test(name)) return true;
  if (!name.includes("*") && !name.includes("?")) return false;
  // A glob: does it stand for manifests? Try the usual expansions of the wildcard.
  for (const fill of ["", "-lock", "-dev", ".lock"]) {
    const candidate = name.replace(/[*?]/g, fill);
    if (MANIFEST_NAMES.has(candidate) || REQUIREMENTS_FILE.test(candidate)) return true;
  }
  return false;
}

/** True for a COPY/ADD from the build context of something other than dependency manifests. */
function copiesCode(instruction: ParsedInstruction): boolean {
  for (const flag of instruction.flags) if (flag.name === "from") return false;
  const words = instruction.argumentWords;
  for (let index = 0; index < words.length - 1; index += 1) {
    const source = words[index] as string;
    // Heredoc text is written in the Dockerfile itself, and a URL is not the context.
    if (source.startsWith("<<") || /^[a-z][a-z0-9+.-]*:\/\//i.test(source)) continue;
    if (!isManifest(source)) return true;
  }
  return false;
}

/** The dependency install a command runs, as the finding names it; undefined for anything else. */
function dependencyInstall(command: ShellCommand): string | undefined {
  const words = command.words;
  const program = words[0] ?? "";
  const first = words[1];
  if (aptFamilySubcommand(command) === "install") return `${program} install`;
  if (program === "apk") {
    for (let index = 1; index < words.length; index += 1) {
      const word = words[index] as string;
      if (!word.startsWith("-")) return word === "add" ? "apk add" : undefined;
    }
    return undefined;
  }
  const rpm = rpmInstallProgram(command);
  if (rpm !== undefined) return `${rpm} install`;
  if (isPipInstall(command)) return words.includes("--no-deps") ? undefined : "pip install";
  switch (program) {
    case "npm":
      return first === "ci" || first === "install" || first === "i" ? `npm ${first}` : undefined;
    case "yarn":
      return first === undefined || first === "install" || first.startsWith("-") ? "yarn install" : undefined;
    case "pnpm":
      return first === "install" || first === "i" ? "pnpm install" : undefined;
    case "poetry":
    case "pipenv":
    case "bundle":
    case "composer":
      return first === "install" || first === "sync" ? `${program} ${first}` : undefined;
    case "uv":
      return first === "sync" || (first === "pip" && words[2] === "install") ? `uv ${first}` : undefined;
    case "go":
      return first === "mod" && words[2] === "download" ? "go mod download" : undefined;
    default:
      return undefined;
  }
}

// The COPY as the message quotes it, cut short: an instruction can be 1 MiB long.
const MAX_QUOTED_CHARS = 60;

/** `install-after-code-copy` over the instructions of one stage chain, in order. */
export class InstallAfterCodeCopy {
  private codeCopyLine = 0;
  private codeCopyText = "";

  /** A COPY or ADD of the chain: remembered when it is the first that copies application code. */
  copy(instruction: ParsedInstruction): void {
    if (this.codeCopyLine !== 0 || !copiesCode(instruction)) return;
    const text = `${instruction.keyword} ${instruction.argumentText.trim()}`;
    this.codeCopyLine = instruction.line;
    this.codeCopyText = text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS - 1)}…` : text;
  }

  run(
    run: ParsedInstruction,
    commands: readonly ShellCommand[],
    stage: string,
    findings: FindingCollector,
  ): void {
    if (this.codeCopyLine === 0) return;
    let install: string | undefined;
    for (const command of commands) {
      install = dependencyInstall(command);
      if (install !== undefined) break;
    }
    if (install === undefined || findings.omits("install-after-code-copy", run.line)) return;
    findings.add(
      makeFinding(
        "install-after-code-copy",
        run.line,
        `${install} on line ${run.line} comes after ${this.codeCopyText} on line ${this.codeCopyLine}, which copies application code: every change to that code runs the install again and stores a new copy of its layer`,
        { stage },
      ),
    );
  }
}
