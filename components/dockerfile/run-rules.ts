import { makeFinding, listWords } from "./findings";
import type { ParsedInstruction } from "./parse";
import {
  aptArguments,
  aptSubcommand,
  cacheMountTargets,
  isPipInstall,
  runCommands,
  subcommandIndex,
  type ShellCommand,
} from "./shell";
import type { DockerfileFinding } from "./types";

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
const PACKAGE_MANAGERS = new Set(["apt-get", "apt", "apk", "dnf", "yum", "microdnf"]);

export function installedPackages(command: ShellCommand): readonly string[] {
  const program = command.words[0] ?? "";
  if (!PACKAGE_MANAGERS.has(program)) return NO_PACKAGES;
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
  const [program, subcommand] = command.words;
  return (
    (program === "apk" && subcommand === "del") ||
    (["dnf", "yum"].includes(program ?? "") && subcommand === "remove")
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

function firstDevDependencyInstall(
  commands: readonly ShellCommand[],
  environment: RunEnvironment,
): string | undefined {
  for (const command of commands) {
    const program = command.words[0];
    if (program !== "npm" && program !== "yarn" && program !== "pnpm") continue;
    // `NODE_ENV=production npm ci` sets the variable for that command only.
    const found = devDependencyInstall(
      command,
      (name) => command.environment.get(name) ?? environment.variables.get(name),
    );
    if (found !== undefined) return found;
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

/** Rules about one RUN whose layer ends up in the final image. */
export function finalImageRunFindings(
  run: ParsedInstruction,
  stage: string,
  environment: RunEnvironment,
): DockerfileFinding[] {
  const findings: DockerfileFinding[] = [];
  const commands = runCommands(run);
  const cacheTargets = cacheMountTargets(run);
  const hasCacheMount = (pattern: RegExp): boolean => cacheTargets.some((target) => pattern.test(target));

  const aptInstalls = commands.filter((command) => aptSubcommand(command) === "install");
  const withRecommends = aptInstalls.filter(
    (command) =>
      !command.words.includes("--no-install-recommends") &&
      !command.words.some((word) => /^APT::Install-Recommends=(false|0)$/i.test(word)),
  );
  if (withRecommends.length > 0) {
    findings.push(
      makeFinding(
        "apt-install-recommends",
        run.line,
        `apt-get install on line ${run.line} also installs recommended packages`,
        { stage },
      ),
    );
  }

  const updates = commands.some((command) => aptSubcommand(command) === "update");
  const removesLists = commands.some(
    (command) =>
      command.words[0] === "rm" && command.words.some((word) => word.startsWith("/var/lib/apt/lists")),
  );
  if (updates && !removesLists && !hasCacheMount(/^\/var\/lib\/apt(\/lists)?\/?$/)) {
    findings.push(
      makeFinding(
        "apt-lists-not-removed",
        run.line,
        `apt-get update on line ${run.line} leaves /var/lib/apt/lists in the layer (the RUN does not remove it)`,
        { stage },
      ),
    );
  }

  // pip reads PIP_NO_CACHE_DIR from its environment: an ENV, or `PIP_NO_CACHE_DIR=1 pip install` /
  // `export PIP_NO_CACHE_DIR=1 && pip install` in the RUN itself. pip disables the cache for any of these
  // values (pip's own quirk: https://pip.pypa.io/en/stable/topics/configuration/#environment-variables).
  const pipCacheOff = (command: ShellCommand): boolean =>
    PIP_NO_CACHE_VALUES.has(
      (
        command.environment.get("PIP_NO_CACHE_DIR") ??
        environment.variables.get("PIP_NO_CACHE_DIR") ??
        ""
      ).toLowerCase(),
    ) ||
    command.words.includes("--no-cache-dir") ||
    hasCacheMount(/\/\.cache(\/pip)?\/?$/);
  if (commands.some((command) => isPipInstall(command) && !pipCacheOff(command))) {
    findings.push(
      makeFinding(
        "pip-cache",
        run.line,
        `pip install on line ${run.line} keeps its download cache in the layer`,
        { stage },
      ),
    );
  }

  const prunes = commands.some(prunesDevDependencies);
  const devInstall = prunes ? undefined : firstDevDependencyInstall(commands, environment);
  if (devInstall !== undefined) {
    findings.push(
      makeFinding(
        "npm-dev-deps",
        run.line,
        `${devInstall} on line ${run.line} installs devDependencies into the final image`,
        {
          stage,
        },
      ),
    );
  }

  const cleansUp = commands.some(removesPackages);
  const buildTools = cleansUp
    ? []
    : [...new Set(commands.flatMap(installedPackages).filter(isBuildToolPackage))];
  if (buildTools.length > 0) {
    findings.push(
      makeFinding(
        "no-multi-stage",
        run.line,
        `Line ${run.line} installs build tools that stay in the final image: ${listWords(buildTools)}`,
        { stage },
      ),
    );
  }
  return findings;
}

/** True when a RUN runs apt-get update / apt-get install (for apt-update-separate, which spans RUNs). */
export function aptUsage(run: ParsedInstruction): { updates: boolean; installs: boolean } {
  const commands = runCommands(run);
  return {
    updates: commands.some((command) => aptSubcommand(command) === "update"),
    installs: commands.some((command) => aptSubcommand(command) === "install"),
  };
}
