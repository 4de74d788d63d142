import { makeFinding, listWords, type FindingCollector } from "./findings";
import type { ParsedInstruction } from "./parse";
import * as shell from "./shell";
import type { ShellCommand } from "./shell";
import * as packageRules from "./package-rules";

// Bound once at load: tsx (esbuild) compiles each use of an imported function into a call of a getter
// on the module object, a cost per call in the per-command loops (measured: 7 % of 1 MiB of `RUN a`).
const { aptArguments, aptSubcommand, isPipInstall, subcommandIndex } = shell;
const {
  APK_ADD_WITHOUT_NO_CACHE,
  APK_CLEANS,
  APK_WRITES_INDEX,
  apkCacheEffect,
  cleansRpmCache,
  isDebianPythonDevTool,
  managerDevInstall,
  mountsRpmCache,
  pipDevInstalls,
  rpmCacheDirectory,
  rpmInstallProgram,
  runsPythonWritingBytecode,
} = packageRules;

// aptitude's options with a value in the next word (aptitude(8)); its subcommands are apt-get's.
const APTITUDE_VALUE_OPTIONS = new Set(["-o", "-t", "--target-release", "-F", "--display-format", "-w", "--width", "--sort", "-O"]); // prettier-ignore

/**
 * The subcommand of `apt-get`, `apt` or `aptitude` (install, update, purge, ...), or undefined for other
 * commands. aptitude reads the same lists and cache as apt-get (hadolint's DL3009 counts its `update`
 * too, src/Hadolint/Rule/DL3009.hs).
 */
export function aptFamilySubcommand(command: ShellCommand): string | undefined {
  if (command.words[0] !== "aptitude") return aptSubcommand(command);
  const index = subcommandIndex(command, APTITUDE_VALUE_OPTIONS);
  return index < 0 ? undefined : command.words[index];
}

// Packages that build software but are not needed to run it (compilers, VCS, autotools, headers).
const BUILD_TOOL_PACKAGES = new Set([
  "build-essential", "gcc", "g++", "make", "cmake", "clang", "git", "autoconf", "automake", "libtool",
  "pkg-config", "pkgconf", "golang", "rustc", "cargo", "maven", "gradle", "alpine-sdk", "linux-headers",
]); // prettier-ignore

function isBuildToolPackage(packageName: string): boolean {
  const name = packageName.replace(/[=:].*$/, "").toLowerCase();
  return BUILD_TOOL_PACKAGES.has(name) || /-dev(el)?$/.test(name);
}

/** Packages a command installs (apt-get/apt install, apk add, dnf/yum/microdnf install). */
const NO_PACKAGES: readonly string[] = [];

export function installedPackages(command: ShellCommand): readonly string[] {
  const program = command.words[0] ?? "";
  // Compared as strings: most commands are none of these, and a Set lookup hashes each new word.
  if (
    program !== "apt-get" &&
    program !== "apt" &&
    program !== "aptitude" &&
    program !== "apk" &&
    program !== "zypper" &&
    program !== "dnf" &&
    program !== "yum" &&
    program !== "microdnf"
  )
    return NO_PACKAGES;
  if (program === "apt-get" || program === "apt" || program === "aptitude") {
    // Option values (`-t bookworm-backports`, `-o Acquire::Retries=3`) are not packages.
    return aptFamilySubcommand(command) === "install"
      ? aptArguments(command).filter((word) => !word.includes("$"))
      : [];
  }
  const at = subcommandIndex(command);
  const subcommand = command.words[at];
  const installs =
    (program === "apk" && subcommand === "add") ||
    (["dnf", "yum", "microdnf"].includes(program) && subcommand === "install") ||
    (program === "zypper" && (subcommand === "install" || subcommand === "in"));
  if (!installs) return [];
  const packages: string[] = [];
  for (let index = at + 1; index < command.words.length; index += 1) {
    const word = command.words[index] ?? "";
    // `apk add --virtual .build-deps ...` names a group to delete later, not a package.
    if (word === "--virtual" || word === "-t") index += 1;
    else if (!word.startsWith("-") && !word.includes("$")) packages.push(word);
  }
  return packages;
}

function removesPackages(command: ShellCommand): boolean {
  const sub = aptFamilySubcommand(command);
  if (sub === "purge" || sub === "remove" || sub === "autoremove") return true;
  const program = command.words[0];
  const subcommand = command.words[1];
  return (
    (program === "apk" && subcommand === "del") ||
    ((program === "dnf" || program === "yum") && subcommand === "remove")
  );
}

const PIP_NO_CACHE_VALUES = new Set(["1", "true", "on", "yes", "off", "0", "false", "no"]);

export interface RunEnvironment {
  /** ENV and ARG values in effect for this RUN (npm and pip read them). */
  variables: ReadonlyMap<string, string>;
  /** Requirements files of the build context by path, when known (`python-dev-packages` reads them). */
  requirementFiles?: packageRules.RequirementFiles;
}

type VariableLookup = (name: string) => string | undefined;

function npmSkipsDevDependencies(variable: VariableLookup): boolean {
  const nodeEnv = variable("NODE_ENV");
  const omit = variable("NPM_CONFIG_OMIT") ?? variable("npm_config_omit");
  const production = variable("NPM_CONFIG_PRODUCTION");
  return nodeEnv === "production" || omit?.includes("dev") === true || production === "true";
}

const NPM_OMIT_DEV = /^(--omit=dev|--production|--prod|--only=prod(uction)?)$/;

/** The dev-dependency install a command does (e.g. "npm ci"), or undefined. */
function devDependencyInstall(command: ShellCommand, variable: VariableLookup): string | undefined {
  const [program = "", ...rest] = command.words;
  const positional = rest.filter((word) => !word.startsWith("-"));
  const subcommand = positional[0];
  const omitsDev = rest.some(
    (word, index) => NPM_OMIT_DEV.test(word) || (word === "--omit" && rest[index + 1] === "dev"),
  );
  if (omitsDev) return undefined;
  if (
    program === "npm" &&
    (subcommand === "ci" || ((subcommand === "install" || subcommand === "i") && positional.length === 1))
  ) {
    return npmSkipsDevDependencies(variable) ? undefined : `npm ${subcommand}`;
  }
  if (
    program === "yarn" &&
    (subcommand === undefined || (subcommand === "install" && positional.length === 1))
  ) {
    return variable("NODE_ENV") === "production" ? undefined : `yarn ${subcommand ?? ""}`.trim();
  }
  if (program === "pnpm" && (subcommand === "install" || subcommand === "i") && positional.length === 1) {
    return rest.includes("-P") || variable("NODE_ENV") === "production" ? undefined : `pnpm ${subcommand}`;
  }
  return undefined;
}

function prunesDevDependencies(command: ShellCommand): boolean {
  const [program, subcommand, ...flags] = command.words;
  return (
    program === "npm" &&
    subcommand === "prune" &&
    flags.some((flag) => NPM_OMIT_DEV.test(flag) || flag === "dev")
  );
}

// Cache mounts that keep apt's lists and pip's cache out of the layer.
const APT_LISTS_MOUNT = /^\/var\/lib\/apt(\/lists)?\/?$/;
const PIP_CACHE_MOUNT = /\/\.cache(\/pip)?\/?$/;
const APK_CACHE_MOUNT = /^\/var\/cache\/apk\/?$/;
const NO_INSTALL_RECOMMENDS_OPTION = /^APT::Install-Recommends=(false|0)$/i;

const anyMatches = (targets: readonly string[], pattern: RegExp): boolean => {
  for (const target of targets) if (pattern.test(target)) return true;
  return false;
};

function installsRecommends(command: ShellCommand): boolean {
  const aptitude = command.words[0] === "aptitude";
  for (const word of command.words) {
    if (word === "--no-install-recommends" || NO_INSTALL_RECOMMENDS_OPTION.test(word)) return false;
    // aptitude's own switch (aptitude(8): -R, --without-recommends).
    if (aptitude && (word === "-R" || word === "--without-recommends")) return false;
  }
  return true;
}

function removesAptLists(command: ShellCommand): boolean {
  if (command.words[0] !== "rm") return false;
  for (const word of command.words) if (word.startsWith("/var/lib/apt/lists")) return true;
  return false;
}

// pip reads PIP_NO_CACHE_DIR from its environment: an ENV, or `PIP_NO_CACHE_DIR=1 pip install` /
// `export PIP_NO_CACHE_DIR=1 && pip install` in the RUN itself. pip disables the cache for any of these
// values (pip's own quirk: https://pip.pypa.io/en/stable/topics/configuration/#environment-variables).
function pipCacheOff(
  command: ShellCommand,
  variables: ReadonlyMap<string, string>,
  cacheTargets: readonly string[],
): boolean {
  return (
    PIP_NO_CACHE_VALUES.has(
      (command.environment.get("PIP_NO_CACHE_DIR") ?? variables.get("PIP_NO_CACHE_DIR") ?? "").toLowerCase(),
    ) ||
    command.words.includes("--no-cache-dir") ||
    anyMatches(cacheTargets, PIP_CACHE_MOUNT)
  );
}

/**
 * The test and lint tools the commands of one RUN install with pip, poetry, pipenv or a package manager
 * (Debian's python3-pytest, black, …; names as the
 * `python-dev-packages` message lists them), or undefined. For builder stages whose install prefix the
 * final image copies (analyze.ts).
 */
export function pythonDevToolsOf(
  commands: readonly ShellCommand[],
  environment: RunEnvironment,
): string[] | undefined {
  let tools: string[] | undefined;
  for (const command of commands) {
    const program = command.words[0];
    if (isPipInstall(command))
      for (const tool of pipDevInstalls(command, environment.requirementFiles)) (tools ??= []).push(tool);
    if (program === "poetry" || program === "pipenv") {
      const managed = managerDevInstall(command);
      if (managed !== undefined) (tools ??= []).push(`${managed} (its dev dependencies)`);
    }
    for (const name of installedPackages(command))
      if (isDebianPythonDevTool(name)) (tools ??= []).push(name.replace(/[=:].*$/, ""));
  }
  return tools === undefined ? undefined : [...new Set(tools)];
}

/**
 * Rules about one RUN whose layer ends up in the final image, added to `findings`. One pass over the
 * RUN's commands with no array or closure per command: a RUN per line is 174,000 RUNs in 1 MiB.
 */
export function finalImageRunFindings(
  run: ParsedInstruction,
  stage: string,
  environment: RunEnvironment,
  commands: readonly ShellCommand[],
  cacheTargets: readonly string[],
  findings: FindingCollector,
): void {
  let recommends = false;
  let updates = false;
  let removesLists = false;
  let pipCache = false;
  let prunes = false;
  let devInstall: string | undefined;
  let cleansUp = false;
  let buildTools: string[] | undefined;
  // apt-get, or aptitude when that is what the RUN uses (named so in the messages).
  let aptProgram = "apt-get";
  let updateProgram = "apt-get";
  let pythonDevTools: string[] | undefined;
  let bytecodeWriter: string | undefined;
  // apk: what the last command touching /var/cache/apk did (APK_* bits), and the first one that wrote.
  let apkState = 0;
  let apkWriter = 0;
  // dnf/yum/microdnf/zypper: the install whose cache is still there (undefined once cleaned after it).
  let rpmInstall: string | undefined;
  for (const command of commands) {
    const program = command.words[0];
    const apt = aptFamilySubcommand(command);
    if (apt === "install" && !recommends) {
      recommends = installsRecommends(command);
      if (recommends && program === "aptitude") aptProgram = "aptitude";
    }
    if (apt === "update") {
      if (!updates && program === "aptitude") updateProgram = "aptitude";
      updates = true;
    }
    if (!removesLists) removesLists = removesAptLists(command);
    if (isPipInstall(command)) {
      if (!pipCache) pipCache = !pipCacheOff(command, environment.variables, cacheTargets);
      for (const tool of pipDevInstalls(command, environment.requirementFiles))
        (pythonDevTools ??= []).push(tool);
    }
    if (program === "poetry" || program === "pipenv") {
      const managed = managerDevInstall(command);
      if (managed !== undefined) (pythonDevTools ??= []).push(`${managed} (its dev dependencies)`);
    }
    if (bytecodeWriter === undefined && runsPythonWritingBytecode(command, environment.variables))
      bytecodeWriter = program;
    const apk = apkCacheEffect(command);
    if (apk !== 0) {
      if ((apk & APK_CLEANS) !== 0) apkState = 0;
      else {
        if (apkState === 0) apkWriter = apk;
        apkState |= apk;
      }
    }
    const rpm = rpmInstallProgram(command);
    if (rpm !== undefined) rpmInstall ??= rpm;
    else if (rpmInstall !== undefined && cleansRpmCache(command)) rpmInstall = undefined;
    if (program === "npm" || program === "yarn" || program === "pnpm") {
      if (!prunes) prunes = prunesDevDependencies(command);
      // `NODE_ENV=production npm ci` sets the variable for that command only.
      devInstall ??= devDependencyInstall(
        command,
        (name) => command.environment.get(name) ?? environment.variables.get(name),
      );
    }
    if (!cleansUp) cleansUp = removesPackages(command);
    for (const name of installedPackages(command)) {
      if (isBuildToolPackage(name)) (buildTools ??= []).push(name);
      if (isDebianPythonDevTool(name)) (pythonDevTools ??= []).push(name.replace(/[=:].*$/, ""));
    }
  }
  const line = run.line;
  if (recommends && !findings.omits("apt-install-recommends", line)) {
    findings.add(
      makeFinding(
        "apt-install-recommends",
        line,
        `${aptProgram} install on line ${line} also installs recommended packages`,
        { stage },
      ),
    );
  }
  if (
    updates &&
    !removesLists &&
    !anyMatches(cacheTargets, APT_LISTS_MOUNT) &&
    !findings.omits("apt-lists-not-removed", line)
  ) {
    findings.add(
      makeFinding(
        "apt-lists-not-removed",
        line,
        `${updateProgram} update on line ${line} leaves /var/lib/apt/lists in the layer (the RUN does not remove it)`,
        { stage },
      ),
    );
  }
  if (pythonDevTools !== undefined && !findings.omits("python-dev-packages", line)) {
    findings.add(
      makeFinding(
        "python-dev-packages",
        line,
        `Line ${line} installs test and lint tools into the final image: ${listWords([...new Set(pythonDevTools)])}`,
        { stage },
      ),
    );
  }
  if (bytecodeWriter !== undefined && !findings.omits("python-bytecode", line)) {
    findings.add(
      makeFinding(
        "python-bytecode",
        line,
        `${bytecodeWriter} on line ${line} runs Python code without PYTHONDONTWRITEBYTECODE or -B: the __pycache__ of the modules it imports is stored in the layer`,
        { stage },
      ),
    );
  }
  if (apkState !== 0 && !anyMatches(cacheTargets, APK_CACHE_MOUNT) && !findings.omits("apk-cache", line)) {
    findings.add(
      makeFinding(
        "apk-cache",
        line,
        (apkWriter & APK_ADD_WITHOUT_NO_CACHE) !== 0 && (apkWriter & APK_WRITES_INDEX) === 0
          ? `apk add on line ${line} runs without --no-cache: it works from a package index kept in /var/cache/apk, which an apk update stored in a layer`
          : `${(apkWriter & APK_ADD_WITHOUT_NO_CACHE) !== 0 ? "apk add --update" : "apk update"} on line ${line} leaves the package index in /var/cache/apk (the RUN does not remove it)`,
        { stage },
      ),
    );
  }
  if (rpmInstall !== undefined && !mountsRpmCache(cacheTargets) && !findings.omits("rpm-cache", line)) {
    const clean = rpmInstall === "zypper" ? "zypper clean --all" : `${rpmInstall} clean all`;
    findings.add(
      makeFinding(
        "rpm-cache",
        line,
        `${rpmInstall} install on line ${line} leaves its cache in ${rpmCacheDirectory(rpmInstall)} (no \`${clean}\` after it in the same RUN)`,
        { stage },
      ),
    );
  }
  if (pipCache && !findings.omits("pip-cache", line)) {
    findings.add(
      makeFinding("pip-cache", line, `pip install on line ${line} keeps its download cache in the layer`, {
        stage,
      }),
    );
  }
  if (!prunes && devInstall !== undefined && !findings.omits("npm-dev-deps", line)) {
    findings.add(
      makeFinding(
        "npm-dev-deps",
        line,
        `${devInstall} on line ${line} installs devDependencies into the final image`,
        { stage },
      ),
    );
  }
  if (!cleansUp && buildTools !== undefined && !findings.omits("no-multi-stage", line)) {
    findings.add(
      makeFinding(
        "no-multi-stage",
        line,
        `Line ${line} installs build tools that stay in the final image: ${listWords([...new Set(buildTools)])}`,
        { stage },
      ),
    );
  }
}

// What `aptUsage` says about a RUN (bits).
export const APT_UPDATES = 1;
export const APT_INSTALLS = 2;

/** Whether a RUN's commands run apt-get update (APT_UPDATES) / apt-get install (APT_INSTALLS), as bits. */
export function aptUsage(commands: readonly ShellCommand[]): number {
  let usage = 0;
  for (const command of commands) {
    const apt = aptFamilySubcommand(command);
    if (apt === "update") usage |= APT_UPDATES;
    else if (apt === "install") usage |= APT_INSTALLS;
  }
  return usage;
}
