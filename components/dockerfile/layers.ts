import { makeFinding, listWords, type FindingCollector } from "./findings";
import type { ParsedInstruction } from "./parse";
import * as runRules from "./run-rules";
import * as shell from "./shell";
import type { ShellCommand } from "./shell";

// Bound once at load: tsx (esbuild) compiles each use of an imported function into a call of a getter
// on the module object, a cost per call in the per-command loops (measured: 7 % of 1 MiB of `RUN a`).
const { aptArguments, isPipInstall } = shell;
const { aptFamilySubcommand, installedPackages } = runRules;

/** Something one layer of the final image added: a path, or an installed package. */
interface AddedContent {
  kind: "path" | "directory" | "package";
  /** Absolute path, or the package name. */
  value: string;
  line: number;
  how: string;
}

/** True for an absolute path with no empty, `.` or `..` part and no trailing slash (or "/" itself). */
function isNormalAbsolute(path: string): boolean {
  if (path.charCodeAt(0) !== 47) return false;
  if (path.length === 1) return true;
  let start = 1;
  for (;;) {
    let end = path.indexOf("/", start);
    if (end < 0) end = path.length;
    const size = end - start;
    if (size === 0) return false;
    if (path.charCodeAt(start) === 46 && (size === 1 || (size === 2 && path.charCodeAt(start + 1) === 46)))
      return false;
    if (end === path.length) return true;
    start = end + 1;
  }
}

function normalizePath(path: string, workdir: string): string {
  // Most paths already are (`rm -rf /var/lib/apt/lists`, `COPY . .` in a known WORKDIR): no arrays.
  if (isNormalAbsolute(path)) return path;
  const absolute = path.startsWith("/")
    ? path
    : `${workdir.endsWith("/") ? workdir.slice(0, -1) : workdir}/${path}`;
  if (absolute !== path && isNormalAbsolute(absolute)) return absolute;
  if ((path === "." || path === "./") && isNormalAbsolute(workdir)) return workdir;
  const parts: string[] = [];
  for (const part of absolute.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/** The value of option `short` or `long` (`-o x`, `--output x`, `--output=x`) among `words` after the first. */
function optionValue(words: readonly string[], short: string, long: string): string | undefined {
  for (let index = 1; index < words.length; index += 1) {
    const word = words[index] as string;
    if (word === short || word === long) return words[index + 1];
    if (word.startsWith(`${long}=`)) return word.slice(long.length + 1);
  }
  return undefined;
}

/** A directory node of the paths added so far, so a deletion looks at its own subtree, not at every path. */
interface PathNode {
  children: Map<string, PathNode>;
  /** What was added exactly at this path; undefined when nothing (is left). */
  added: AddedList | undefined;
}

const newNode = (): PathNode => ({ children: new Map(), added: undefined });

const KINDS: ReadonlyArray<AddedContent["kind"]> = ["path", "directory", "package"];

/**
 * Additions of one directory a deletion inside it describes one by one; the rest are counted. A
 * directory added 15,000 times and 15,000 `rm`s inside it compared every pair (3.5 s).
 */
const MAX_DESCRIBED_DIRECTORY_ADDITIONS = 20;
/**
 * Tracked entries of one directory a glob deletion (`rm /a/x*`) compares with its pattern; entries past
 * it are not matched (a deletion can be missed, never invented). 15,000 tracked files and 15,000 globs
 * that match none of them compared every pair (2.8 s; 0.3 s with 1,000).
 */
const MAX_GLOB_ENTRIES = 200;

/**
 * What layers added at one path, or as one package, without an object per addition: 1 MiB of
 * `RUN apt-get update` lines adds /var/lib/apt/lists 55,000 times, and objects that live through the
 * analysis cost garbage-collection time (docs/ROBUSTNESS-DOCKERFILE.md). `at` makes one on demand.
 */
class AddedList {
  /** Line × 4 + the kind's index in KINDS (small integers, stored unboxed). */
  private readonly codes: number[] = [];
  private readonly hows: string[] = [];
  /** Indexes of the directory additions (the ones a deletion inside the directory reports). */
  readonly directories: number[] = [];

  /** The path or package name everything in the list was added as. */
  constructor(readonly value: string) {}

  get length(): number {
    return this.codes.length;
  }

  push(kind: AddedContent["kind"], line: number, how: string): void {
    if (kind === "directory") this.directories.push(this.codes.length);
    this.codes.push(line * 4 + KINDS.indexOf(kind));
    this.hows.push(how);
  }

  at(index: number): AddedContent {
    const code = this.codes[index] as number;
    return {
      kind: KINDS[code % 4] as AddedContent["kind"],
      value: this.value,
      line: Math.floor(code / 4),
      how: this.hows[index] as string,
    };
  }
}

/** The program name as a shared constant when it is a usual one (not one string kept per addition). */
function sharedProgramName(program: string): string {
  switch (program) {
    case "apt-get":
      return "apt-get";
    case "apt":
      return "apt";
    case "apk":
      return "apk";
    case "dnf":
      return "dnf";
    case "yum":
      return "yum";
    case "microdnf":
      return "microdnf";
    case "curl":
      return "curl";
    case "wget":
      return "wget";
    default:
      return program;
  }
}

const pathParts = (absolute: string): string[] => absolute.split("/").filter((part) => part !== "");

// Linux PATH_MAX: a longer WORKDIR or destination cannot exist, so it is not tracked.
const MAX_PATH_CHARS = 4096;
// Paths deeper than this are not tracked: every add walks the path, so depth bounds the work per
// instruction (10,000 `WORKDIR a` + COPY would otherwise walk thousands of levels each time).
const MAX_TRACKED_DEPTH = 64;

/**
 * Follows the layers of the final image in order and reports RUNs that delete what an earlier layer added
 * (the deletion hides the files; the earlier layer still stores them). Added paths live in a tree and are
 * forgotten once reported deleted, so the work per deletion is bounded by the path depth plus what it
 * removes: 2000 COPYs followed by 2000 `rm`s no longer compare every pair.
 */
export class LayerTracker {
  private readonly root: PathNode = newNode();
  private readonly packages = new Map<string, AddedList>();

  constructor(private readonly findings: FindingCollector) {}

  private add(kind: AddedContent["kind"], value: string, line: number, how: string): void {
    if (kind === "package") {
      let list = this.packages.get(value);
      if (list === undefined) {
        list = new AddedList(value);
        this.packages.set(value, list);
      }
      list.push(kind, line, how);
      return;
    }
    const path = value;
    if (path.length > MAX_PATH_CHARS) return;
    // The value is normalized: its parts are between single slashes ("/" has none).
    let depth = 0;
    for (let slash = path.indexOf("/", 1); slash >= 0; slash = path.indexOf("/", slash + 1)) depth += 1;
    if (path.length > 1 && depth + 1 > MAX_TRACKED_DEPTH) return;
    let node = this.root;
    for (let start = 1; start < path.length;) {
      let end = path.indexOf("/", start);
      if (end < 0) end = path.length;
      const part = path.slice(start, end);
      let child = node.children.get(part);
      if (child === undefined) {
        child = newNode();
        node.children.set(part, child);
      }
      node = child;
      start = end + 1;
    }
    (node.added ??= new AddedList(path)).push(kind, line, how);
  }

  /**
   * The added content a deletion of `target` (absolute, possibly a glob) removes bytes of, added to
   * `result` as [how to describe the deleted path, content]. Fully removed content is forgotten.
   */
  private deletedBy(target: string, result: Array<[string, AddedContent]>): void {
    const globAt = target.search(/[*?[]/);
    const literal = globAt < 0 ? target : target.slice(0, globAt);
    // The deletion is inside an added directory: that directory loses bytes (but stays, partly).
    const parts = pathParts(literal);
    const exact = globAt < 0 || literal.endsWith("/");
    const parentCount = exact ? parts.length : parts.length - 1;
    const partial = exact ? undefined : parts[parts.length - 1];
    let node: PathNode | undefined = this.root;
    for (let index = 0; index < parentCount; index += 1) {
      // What was added at the root is "/" itself, which the ancestor rule below never reports.
      if (node !== this.root && node.added !== undefined)
        this.describeDirectoryAdditions(node.added, globAt < 0 ? target : undefined, result);
      node = node.children.get(parts[index] as string);
      if (node === undefined) return;
    }
    // Everything at or under the deleted path is gone: report it and forget it.
    if (partial === undefined) {
      if (globAt < 0 && node !== this.root) {
        // `rm /a/b` where /a/b itself was added: name the more specific path (the target).
        const list = node.added;
        if (list !== undefined)
          for (let at = 0; at < list.length; at += 1) result.push([target, list.at(at)]);
        node.added = undefined;
        for (const child of node.children.values()) collectSubtree(child, result);
        node.children.clear();
      } else collectSubtree(node, result);
    } else {
      let compared = 0;
      for (const [name, child] of node.children) {
        if (compared++ === MAX_GLOB_ENTRIES) break;
        if (name.startsWith(partial)) {
          collectSubtree(child, result);
          node.children.delete(name);
        }
      }
      // A glob inside a directory that was itself added at `node`.
      if (node.added !== undefined) this.describeDirectoryAdditions(node.added, undefined, result);
    }
  }

  /** Directory additions of this RUN's deletions that were counted, not described (per run). */
  private undescribed = 0;

  /**
   * The directory additions in `list` (not "/"), described as `path` (or the directory itself): the
   * first MAX_DESCRIBED_DIRECTORY_ADDITIONS into `result`, the rest counted in `undescribed`.
   */
  private describeDirectoryAdditions(
    list: AddedList,
    path: string | undefined,
    result: Array<[string, AddedContent]>,
  ): void {
    if (list.value === "/") return;
    const directories = list.directories;
    const described = Math.min(directories.length, MAX_DESCRIBED_DIRECTORY_ADDITIONS);
    for (let at = 0; at < described; at += 1) {
      const added = list.at(directories[at] as number);
      result.push([path ?? added.value, added]);
    }
    this.undescribed += directories.length - described;
  }

  copy(instruction: ParsedInstruction, workdir: string | undefined): void {
    const words = instruction.argumentWords;
    const destination = words[words.length - 1];
    if (destination === undefined || words.length < 2 || destination.includes("$")) return;
    if (workdir === undefined && !destination.startsWith("/")) return;
    const isDirectory =
      destination.endsWith("/") || destination === "." || words.length > 2 || words[0] === ".";
    this.add(
      isDirectory ? "directory" : "path",
      normalizePath(destination, workdir ?? "/"),
      instruction.line,
      instruction.keyword,
    );
  }

  run(
    instruction: ParsedInstruction,
    workdir: string | undefined,
    stage: string,
    commands: readonly ShellCommand[],
    cacheTargets: readonly string[],
  ): void {
    // What this RUN deletes from earlier layers: [the more specific of the two paths, content].
    let deletions: Array<[string, AddedContent]> | undefined;
    this.undescribed = 0;
    for (const command of commands) {
      const words = command.words;
      if (words[0] === "rm") {
        for (let index = 1; index < words.length; index += 1) {
          const target = words[index] as string;
          if (target.startsWith("-") || target.includes("$")) continue;
          if (workdir === undefined && !target.startsWith("/")) continue;
          const absoluteTarget = normalizePath(target, workdir ?? "/");
          if (absoluteTarget.length > MAX_PATH_CHARS) continue;
          this.deletedBy(absoluteTarget, (deletions ??= []));
        }
      }
      const sub = aptFamilySubcommand(command);
      if (sub === "purge" || sub === "remove") {
        for (const name of aptArguments(command)) {
          const list = this.packages.get(name);
          for (let at = 0; list !== undefined && at < list.length; at += 1) {
            const added = list.at(at);
            (deletions ??= []).push([`package ${added.value}`, added]);
          }
          this.packages.delete(name);
        }
      }
    }
    if (
      deletions !== undefined &&
      (deletions.length > 0 || this.undescribed > 0) &&
      !this.findings.omits("removed-in-later-layer", instruction.line)
    ) {
      // One entry per deleted path and layer, described by the last content recorded for it.
      const deleted = new Map<string, string>();
      for (const [path, added] of deletions)
        deleted.set(`${path}|${added.line}`, `${path} (${added.how}, line ${added.line})`);
      const described = [...deleted.values()];
      // Additions of a directory past MAX_DESCRIBED_DIRECTORY_ADDITIONS are counted, not described.
      const others = Math.max(0, described.length - 3) + this.undescribed;
      const more = others > 0 ? ` and ${others} more` : "";
      this.findings.add(
        makeFinding(
          "removed-in-later-layer",
          instruction.line,
          `Line ${instruction.line} deletes ${listWords(described.slice(0, 3))}${more}; the bytes stay in the earlier layer`,
          { stage },
        ),
      );
    }
    this.recordRunOutputs(instruction.line, commands, cacheTargets, workdir);
  }

  private addPath(
    kind: AddedContent["kind"],
    path: string,
    how: string,
    line: number,
    workdir: string | undefined,
  ): void {
    if (workdir === undefined && !path.startsWith("/")) return;
    this.add(kind, normalizePath(path, workdir ?? "/"), line, how);
  }

  private recordRunOutputs(
    line: number,
    commands: readonly ShellCommand[],
    cacheTargets: readonly string[],
    workdir: string | undefined,
  ): void {
    // Words of this RUN's `rm` commands, sorted, so "is `path` removed in the same RUN" is a binary search.
    // Built on first use: most RUNs create nothing this looks for.
    let sortedRemoved: string[] | undefined;
    for (const command of commands) {
      const words = command.words;
      const program = words[0] ?? "";
      const output =
        program === "curl"
          ? optionValue(words, "-o", "--output")
          : program === "wget"
            ? optionValue(words, "-O", "--output-document")
            : undefined;
      if (output !== undefined && output !== "-" && !output.includes("$")) {
        sortedRemoved ??= removedWords(commands);
        if (!isRemoved(sortedRemoved, output))
          this.addPath("path", output, sharedProgramName(program), line, workdir);
      }
      if (program === "git" && words[1] === "clone") {
        const positional = words.slice(2).filter((word) => !word.startsWith("-"));
        const directory =
          positional[1] ??
          positional[0]
            ?.replace(/\.git$/, "")
            .split("/")
            .pop();
        if (directory !== undefined && directory !== "" && !directory.includes("$")) {
          sortedRemoved ??= removedWords(commands);
          if (!isRemoved(sortedRemoved, directory))
            this.addPath("directory", directory, "git clone", line, workdir);
        }
      }
      if (aptFamilySubcommand(command) === "update") {
        sortedRemoved ??= removedWords(commands);
        if (!isRemoved(sortedRemoved, "/var/lib/apt/lists") && !startsWithAny(cacheTargets, "/var/lib/apt"))
          this.add("directory", "/var/lib/apt/lists", line, "apt-get update");
      }
      for (const name of installedPackages(command)) {
        // A version (`gcc=12.2`) is not part of the name.
        const value = name.includes("=") ? name.replace(/=.*$/, "") : name;
        this.add("package", value, line, sharedProgramName(program));
      }
      if (
        isPipInstall(command) &&
        !words.includes("--no-cache-dir") &&
        command.environment.get("PIP_NO_CACHE_DIR") === undefined &&
        cacheTargets.length === 0
      ) {
        this.add("directory", "/root/.cache/pip", line, "pip install");
      }
    }
  }
}

/** Everything added at or under `subtree`, added to `result`, and forgotten. */
function collectSubtree(subtree: PathNode, result: Array<[string, AddedContent]>): void {
  const list = subtree.added;
  for (let at = 0; list !== undefined && at < list.length; at += 1) {
    const added = list.at(at);
    result.push([added.value, added]);
  }
  subtree.added = undefined;
  for (const child of subtree.children.values()) collectSubtree(child, result);
  subtree.children.clear();
}

const startsWithAny = (targets: readonly string[], prefix: string): boolean => {
  for (const target of targets) if (target.startsWith(prefix)) return true;
  return false;
};

/** The arguments of the `rm` commands of a RUN, sorted. */
function removedWords(commands: readonly ShellCommand[]): string[] {
  const removed: string[] = [];
  for (const command of commands) {
    if (command.words[0] !== "rm") continue;
    for (let index = 1; index < command.words.length; index += 1)
      removed.push(command.words[index] as string);
  }
  return removed.sort();
}

/** True when a word of `sortedRemoved` starts with `path` (binary search). */
function isRemoved(sortedRemoved: readonly string[], path: string): boolean {
  let low = 0;
  let high = sortedRemoved.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sortedRemoved[middle] as string) < path) low = middle + 1;
    else high = middle;
  }
  return sortedRemoved[low]?.startsWith(path) === true;
}
