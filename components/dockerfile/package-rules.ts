/**
 * What one shell command of a RUN does with Python, Alpine's apk and the RPM-family package managers,
 * for the RUN rules (./run-rules.ts): test and lint tools installed (`python-dev-packages`), Python run
 * without bytecode suppression (`python-bytecode`), apk and dnf/yum/microdnf/zypper caches left behind
 * (`apk-cache`, `rpm-cache`). Each function looks at one command's words once: no regular expression
 * that can backtrack, no allocation for a command that is none of these (a RUN can hold 500k commands).
 */
import type { ShellCommand } from "./shell";

// pip install options that take the next word as their value (pip install --help, pip 24); a value is
// never a requirement. `-r`/`--requirement` are read separately (their value is a requirements file).
const PIP_VALUE_OPTIONS = new Set([
  "-c", "--constraint", "-e", "--editable", "-t", "--target", "--platform", "--python-version",
  "--implementation", "--abi", "--root", "--prefix", "--src", "--upgrade-strategy", "-C",
  "--config-settings", "--global-option", "-i", "--index-url", "--extra-index-url", "-f", "--find-links",
  "--no-binary", "--only-binary", "--progress-bar", "--log", "--log-file", "--proxy", "--retries",
  "--timeout", "--exists-action", "--trusted-host", "--cert", "--client-cert", "--cache-dir", "--report",
  "--python", "--keyring-provider", "--root-user-action",
]); // prettier-ignore

// Distribution names (PEP 503-normalized: lower case, `_` and `.` as `-`) of test, lint and notebook
// tools: what a runtime never imports. Prefix families (pytest-cov, flake8-bugbear, jupyter-client) too.
const PYTHON_DEV_TOOLS = new Set([
  "pytest", "black", "pylint", "flake8", "mypy", "isort", "ruff", "coverage", "tox", "nox", "bandit",
  "safety", "pre-commit", "pycodestyle", "pydocstyle", "pyflakes", "autopep8", "yapf", "hypothesis",
  "jupyter", "jupyterlab", "notebook", "ipython", "ipykernel", "pyright", "pytype",
]); // prettier-ignore
const PYTHON_DEV_TOOL_PREFIXES = ["pytest-", "flake8-", "pylint-", "jupyter-", "types-"];

// The same tools as Debian names them: python3-<tool>, and the programs packaged on their own.
const DEBIAN_DEV_TOOLS = new Set([
  "black", "pylint", "flake8", "isort", "mypy", "tox", "jupyter-notebook", "jupyter", "ipython3",
  "python3-notebook", "python3-ipython", "bandit",
]); // prettier-ignore

/** PEP 503 name of a requirement specifier (`Flask[async]>=3 ; python_version>"3"` → `flask`). */
function requirementName(specifier: string): string {
  let end = 0;
  while (end < specifier.length) {
    const code = specifier.charCodeAt(end);
    // letters, digits, - _ .
    if (!((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 45 || code === 95 || code === 46)) break; // prettier-ignore
    end += 1;
  }
  return specifier.slice(0, end).toLowerCase().replace(/[_.]+/g, "-");
}

export function isPythonDevTool(name: string): boolean {
  if (PYTHON_DEV_TOOLS.has(name)) return true;
  for (const prefix of PYTHON_DEV_TOOL_PREFIXES) if (name.startsWith(prefix)) return true;
  return false;
}

/** A Debian package of a test, lint or notebook tool (python3-pytest, pylint, jupyter-notebook, …). */
export function isDebianPythonDevTool(packageName: string): boolean {
  const name = packageName.replace(/[=:].*$/, "").toLowerCase();
  if (DEBIAN_DEV_TOOLS.has(name)) return true;
  return name.startsWith("python3-") && isPythonDevTool(name.slice("python3-".length));
}

// A requirements file for development: a `dev`, `test`, `lint` or `ci` part in its name
// (requirements-dev.txt, dev-requirements.txt, requirements/test.txt, requirements_lint.in).
const DEV_REQUIREMENTS_PART = /(^|[-_.])(dev|develop|development|test|tests|testing|lint|ci)([-_.]|$)/i;

function isDevRequirementsFile(path: string): boolean {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return DEV_REQUIREMENTS_PART.test(name.replace(/\.(txt|in)$/i, ""));
}

/** Index of the word after `install` in a pip install command (`pip install`, `python -m pip install`). */
function pipInstallArgumentsStart(words: readonly string[]): number {
  for (let index = 1; index < words.length; index += 1) if (words[index] === "install") return index + 1;
  return words.length;
}

/** Requirements files by their path in the build context (build.ts reads them), e.g. "requirements.txt". */
export type RequirementFiles = Readonly<Record<string, string>>;

// A requirements file refers to others with -r; a cycle or a deep chain stops here.
const MAX_REQUIREMENTS_DEPTH = 5;

/** The text of the requirements file `path` names (as written in the RUN), found by path or base name. */
function requirementsText(files: RequirementFiles, path: string): string | undefined {
  const trimmed = path.replace(/^\.\//, "");
  if (Object.prototype.hasOwnProperty.call(files, trimmed)) return files[trimmed];
  const name = trimmed.slice(trimmed.lastIndexOf("/") + 1);
  for (const [candidate, text] of Object.entries(files))
    if (candidate === name || candidate.endsWith(`/${name}`)) return text;
  return undefined;
}

/** Dev tools a requirements file lists (following -r to other files in `files`), added to `found`. */
function devToolsInRequirements(files: RequirementFiles, path: string, depth: number, found: string[]): void {
  const text = requirementsText(files, path);
  if (text === undefined || depth > MAX_REQUIREMENTS_DEPTH) return;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (line === "") continue;
    const nested = /^(-r|--requirement)[=\s]\s*(\S+)$/.exec(line);
    if (nested !== null) devToolsInRequirements(files, nested[2] as string, depth + 1, found);
    else if (!line.startsWith("-") && isPythonDevTool(requirementName(line)))
      found.push(requirementName(line));
  }
}

/** "requirements.txt (pytest and black)" for a file that lists dev tools; undefined otherwise. */
function requirementsFileDevTools(files: RequirementFiles | undefined, path: string): string | undefined {
  if (files === undefined) return undefined;
  const tools: string[] = [];
  devToolsInRequirements(files, path, 0, tools);
  if (tools.length === 0) return undefined;
  const unique = [...new Set(tools)];
  const listed = unique.length > 3 ? [...unique.slice(0, 3), `${unique.length - 3} more`] : unique;
  return `${path} (${listed.length <= 1 ? listed.join("") : `${listed.slice(0, -1).join(", ")} and ${listed[listed.length - 1]}`})`;
}

/**
 * What a pip install command (known to be one: shell.ts `isPipInstall`) installs that only tests and
 * lints: tool names as written, development requirements files, and requirements files whose text
 * (`files`, when the build context is known) lists such tools.
 */
export function pipDevInstalls(command: ShellCommand, files?: RequirementFiles): string[] {
  const words = command.words;
  const found: string[] = [];
  for (let index = pipInstallArgumentsStart(words); index < words.length; index += 1) {
    const word = words[index] as string;
    if (word === "-r" || word === "--requirement") {
      const file = words[index + 1];
      index += 1;
      if (file !== undefined) addRequirementsFile(file, files, found);
      continue;
    }
    const attached = word.startsWith("--requirement=")
      ? word.slice("--requirement=".length)
      : word.startsWith("-r") && word.length > 2 && !word.startsWith("--")
        ? word.slice(2)
        : undefined;
    if (attached !== undefined) {
      addRequirementsFile(attached, files, found);
      continue;
    }
    if (PIP_VALUE_OPTIONS.has(word)) {
      index += 1;
      continue;
    }
    if (word.startsWith("-") || word.includes("/") || word.includes("$")) continue;
    if (isPythonDevTool(requirementName(word))) found.push(requirementName(word));
  }
  return found;
}

function addRequirementsFile(path: string, files: RequirementFiles | undefined, found: string[]): void {
  if (isDevRequirementsFile(path)) {
    found.push(path);
    return;
  }
  const listed = requirementsFileDevTools(files, path);
  if (listed !== undefined) found.push(listed);
}

/**
 * `poetry install` with the dev group (poetry installs every non-optional group unless told
 * otherwise: https://python-poetry.org/docs/cli/#install) or `pipenv install --dev`: the command as
 * the finding names it; undefined otherwise.
 */
export function managerDevInstall(command: ShellCommand): string | undefined {
  const words = command.words;
  const program = words[0];
  if (program === "poetry" && words[1] === "install") {
    for (let index = 2; index < words.length; index += 1) {
      const word = words[index] as string;
      const next = words[index + 1];
      if (word === "--no-dev" || word === "--only-root" || word === "--only=main" || word === "--without=dev")
        return undefined;
      if ((word === "--only" && next === "main") || (word === "--without" && next === "dev"))
        return undefined;
    }
    return "poetry install";
  }
  if (program === "pipenv" && words[1] === "install" && (words.includes("--dev") || words.includes("-d")))
    return "pipenv install --dev";
  return undefined;
}

// Modules whose `python -m` run writes no bytecode of the project (package tools, not its code).
const NO_PROJECT_CODE_MODULES = new Set(["pip", "venv", "ensurepip", "compileall", "virtualenv", "pipx"]);

/**
 * True when the command runs Python code (a script, `-c`, or `-m <module>` other than pip/venv) in a
 * way that writes `__pycache__` of the modules it imports: no `-B`, no PYTHONDONTWRITEBYTECODE in the
 * command's environment or the Dockerfile's (`variables`). `python3 --version` runs no code.
 */
export function runsPythonWritingBytecode(
  command: ShellCommand,
  variables: ReadonlyMap<string, string>,
): boolean {
  const words = command.words;
  const path = words[0] ?? "";
  if (!path.includes("python")) return false;
  if (!/^python[0-9.]*$/.test(path.slice(path.lastIndexOf("/") + 1))) return false;
  // Python ignores the variable when it is empty (python(1): "If this is set to a non-empty string").
  if (
    (command.environment.get("PYTHONDONTWRITEBYTECODE") ?? variables.get("PYTHONDONTWRITEBYTECODE") ?? "") !==
    ""
  )
    return false;
  for (let index = 1; index < words.length; index += 1) {
    const word = words[index] as string;
    if (word === "-B") return false;
    if (word === "-c") return true;
    if (word === "-m") return !NO_PROJECT_CODE_MODULES.has(words[index + 1] ?? "");
    // Options with a value: -W arg, -X opt, -Q.
    if (word === "-W" || word === "-X") index += 1;
    else if (!word.startsWith("-")) return true;
  }
  return false;
}

/** First word after the program that is not an option; undefined when there is none. */
function firstArgument(words: readonly string[]): string | undefined {
  for (let index = 1; index < words.length; index += 1) {
    const word = words[index] as string;
    if (!word.startsWith("-")) return word;
  }
  return undefined;
}

// What `apkCacheEffect` says about a command.
export const APK_NOTHING = 0;
/** `apk update`, or `apk add -U`/`--update` without --no-cache: the index is written to /var/cache/apk. */
export const APK_WRITES_INDEX = 1;
/** `apk add` without --no-cache (hadolint DL3019): it uses, and with -U writes, /var/cache/apk. */
export const APK_ADD_WITHOUT_NO_CACHE = 2;
/** `rm` of /var/cache/apk or something in it. */
export const APK_CLEANS = 4;

export function apkCacheEffect(command: ShellCommand): number {
  const words = command.words;
  const program = words[0];
  if (program === "rm") {
    for (const word of words) if (word.startsWith("/var/cache/apk")) return APK_CLEANS;
    return APK_NOTHING;
  }
  if (program !== "apk") return APK_NOTHING;
  const subcommand = firstArgument(words);
  if (subcommand === "update") return APK_WRITES_INDEX;
  if (subcommand !== "add") return APK_NOTHING;
  let noCache = false;
  let update = false;
  for (const word of words) {
    if (word === "--no-cache") noCache = true;
    else if (word === "-U" || word === "--update" || word === "--update-cache") update = true;
  }
  if (noCache) return APK_NOTHING;
  return APK_ADD_WITHOUT_NO_CACHE | (update ? APK_WRITES_INDEX : 0);
}

// RPM-family installs (hadolint DL3040's list for dnf/microdnf, DL3032 yum, DL3036 zypper) and cleans.
const DNF_INSTALLS = new Set(["install", "in", "upgrade", "up", "update", "upgrade-minimal", "up-min", "reinstall", "rei", "groupinstall", "localinstall"]); // prettier-ignore
const ZYPPER_INSTALLS = new Set(["install", "in", "update", "up", "patch", "dist-upgrade", "dup"]);
const RPM_CACHE_DIRECTORIES = ["/var/cache/dnf", "/var/cache/yum", "/var/cache/libdnf5", "/var/cache/zypp"];

/** The cache directory an RPM-family program keeps (microdnf keeps yum's). */
export function rpmCacheDirectory(program: string): string {
  switch (program) {
    case "dnf":
      return "/var/cache/dnf";
    case "zypper":
      return "/var/cache/zypp";
    default:
      return "/var/cache/yum";
  }
}

/** `dnf install …` (and the others): the program; undefined when the command installs nothing this way. */
export function rpmInstallProgram(command: ShellCommand): string | undefined {
  const program = command.words[0];
  if (program !== "dnf" && program !== "yum" && program !== "microdnf" && program !== "zypper")
    return undefined;
  const subcommand = firstArgument(command.words) ?? "";
  return (program === "zypper" ? ZYPPER_INSTALLS : DNF_INSTALLS).has(subcommand) ? program : undefined;
}

/** `dnf clean all`, `yum clean all`, `microdnf clean all`, `zypper clean`/`cc`, or rm of their caches. */
export function cleansRpmCache(command: ShellCommand): boolean {
  const words = command.words;
  const program = words[0];
  if (program === "rm") {
    for (const word of words)
      for (const directory of RPM_CACHE_DIRECTORIES) if (word.startsWith(directory)) return true;
    return false;
  }
  if (program === "zypper") {
    const subcommand = firstArgument(words);
    return subcommand === "clean" || subcommand === "cc";
  }
  if (program !== "dnf" && program !== "yum" && program !== "microdnf") return false;
  return firstArgument(words) === "clean" && words.includes("all");
}

/** True when a cache or tmpfs mount covers the RPM-family caches. */
export function mountsRpmCache(cacheTargets: readonly string[]): boolean {
  for (const target of cacheTargets)
    for (const directory of RPM_CACHE_DIRECTORIES) if (target.startsWith(directory)) return true;
  return false;
}
