import { makeFinding, listWords, type FindingCollector } from "./findings";
import type { ParsedInstruction } from "./parse";
import * as shell from "./shell";
import type { ShellCommand } from "./shell";

// Bound once at load: tsx (esbuild) compiles each use of an imported function into a call of a getter
// on the module object, a cost per call in the per-command loops (measured: 7 % of 1 MiB of `RUN a`).
const { aptArguments, aptSubcommand, isPipInstall, subcommandIndex } = shell;

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
    program !== "apk" &&
    program !== "dnf" &&
    program !== "yum" &&
    program !== "microdnf"
  )
    return NO_PACKAGES;
  if (program === "apt-get" || program === "apt") {
    // Option values (`-t bookworm-backports`, `-o Acquire::Retries=3`) are not packages.
    return aptSubcommand(command) === "install"
      ? aptArguments(command).filter((word) => !word.includes("$"))
      : [];
  }
  const at = subcommandIndex(command);
  const subcommand = command.words[at];
  const installs =
    (program === "apk" && subcommand === "add") ||
    (["dnf", "yum", "microdnf"].includes(program) && subcommand === "install");
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
  const sub = aptSubcommand(command);
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
const NO_INSTALL_RECOMMENDS_OPTION = /^APT::Install-Recommends=(false|0)$/i;

const anyMatches = (targets: readonly string[], pattern: RegExp): boolean => {
  for (const target of targets) if (pattern.test(target)) return true;
  return false;
};

function installsRecommends(command: ShellCommand): boolean {
  for (const word of command.words)
    if (word === "--no-install-recommends" || NO_INSTALL_RECOMMENDS_OPTION.test(word)) return false;
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
  for (const command of commands) {
    const program = command.words[0];
    const apt = aptSubcommand(command);
    if (apt === "install" && !recommends) recommends = installsRecommends(command);
    if (apt === "update") updates = true;
    if (!removesLists) removesLists = removesAptLists(command);
    if (!pipCache && isPipInstall(command))
      pipCache = !pipCacheOff(command, environment.variables, cacheTargets);
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
    }
  }
  const line = run.line;
  if (recommends && !findings.omits("apt-install-recommends", line)) {
    findings.add(
      makeFinding(
        "apt-install-recommends",
        line,
        `apt-get install on line ${line} also installs recommended packages`,
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
        `apt-get update on line ${line} leaves /var/lib/apt/lists in the layer (the RUN does not remove it)`,
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
    const apt = aptSubcommand(command);
    if (apt === "update") usage |= APT_UPDATES;
    else if (apt === "install") usage |= APT_INSTALLS;
  }
  return usage;
}
