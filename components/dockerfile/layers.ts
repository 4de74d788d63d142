import { makeFinding, listWords } from "./findings";
import type { ParsedInstruction } from "./parse";
import { aptArguments, aptSubcommand, cacheMountTargets, isPipInstall, runCommands } from "./shell";
import { installedPackages } from "./run-rules";
import type { DockerfileFinding } from "./types";

/** Something one layer of the final image added: a path, or an installed package. */
interface AddedContent {
  kind: "path" | "directory" | "package";
  /** Absolute path, or the package name. */
  value: string;
  line: number;
  how: string;
}

function normalizePath(path: string, workdir: string): string {
  const absolute = path.startsWith("/") ? path : `${workdir.replace(/\/$/, "")}/${path}`;
  const parts: string[] = [];
  for (const part of absolute.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/** The value of option `short` or `long` (`-o x`, `--output x`, `--output=x`) among `args`. */
function optionValue(args: readonly string[], short: string, long: string): string | undefined {
  for (let index = 0; index < args.length; index += 1) {
    const word = args[index] as string;
    if (word === short || word === long) return args[index + 1];
    if (word.startsWith(`${long}=`)) return word.slice(long.length + 1);
  }
  return undefined;
}

/** A directory node of the paths added so far, so a deletion looks at its own subtree, not at every path. */
interface PathNode {
  children: Map<string, PathNode>;
  /** What was added exactly at this path. */
  added: AddedContent[];
}

const newNode = (): PathNode => ({ children: new Map(), added: [] });

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
  private readonly packages = new Map<string, AddedContent[]>();
  readonly findings: DockerfileFinding[] = [];

  private add(content: AddedContent): void {
    if (content.kind === "package") {
      const list = this.packages.get(content.value) ?? [];
      list.push(content);
      this.packages.set(content.value, list);
      return;
    }
    if (content.value.length > MAX_PATH_CHARS) return;
    const parts = pathParts(content.value);
    if (parts.length > MAX_TRACKED_DEPTH) return;
    let node = this.root;
    for (const part of parts) {
      let child = node.children.get(part);
      if (child === undefined) {
        child = newNode();
        node.children.set(part, child);
      }
      node = child;
    }
    node.added.push(content);
  }

  /**
   * The added content a deletion of `target` (absolute, possibly a glob) removes bytes of, as
   * [how to describe the deleted path, content]. Fully removed content is forgotten.
   */
  private deletedBy(target: string): Array<[string, AddedContent]> {
    const result: Array<[string, AddedContent]> = [];
    const globAt = target.search(/[*?[]/);
    const literal = globAt < 0 ? target : target.slice(0, globAt);
    // The deletion is inside an added directory: that directory loses bytes (but stays, partly).
    const parts = pathParts(literal);
    const exact = globAt < 0 || literal.endsWith("/");
    const parentParts = exact ? parts : parts.slice(0, -1);
    const partial = exact ? undefined : parts[parts.length - 1];
    let node: PathNode | undefined = this.root;
    const ancestors: PathNode[] = [];
    for (const part of parentParts) {
      ancestors.push(node);
      node = node.children.get(part);
      if (node === undefined) break;
    }
    for (const ancestor of ancestors) {
      for (const added of ancestor.added) {
        if (added.kind === "directory" && added.value !== "/")
          result.push([globAt < 0 ? target : added.value, added]);
      }
    }
    if (node === undefined) return result;
    // Everything at or under the deleted path is gone: report it and forget it.
    const collect = (subtree: PathNode): void => {
      for (const added of subtree.added) result.push([added.value, added]);
      subtree.added = [];
      for (const child of subtree.children.values()) collect(child);
      subtree.children.clear();
    };
    if (partial === undefined) {
      if (globAt < 0 && node !== this.root) {
        // `rm /a/b` where /a/b itself was added: name the more specific path (the target).
        for (const added of node.added) result.push([target, added]);
        node.added = [];
        for (const child of node.children.values()) collect(child);
        node.children.clear();
      } else collect(node);
    } else {
      for (const [name, child] of node.children) {
        if (name.startsWith(partial)) {
          collect(child);
          node.children.delete(name);
        }
      }
      // A glob inside a directory that was itself added at `node`.
      for (const added of node.added)
        if (added.kind === "directory" && added.value !== "/") result.push([added.value, added]);
    }
    return result;
  }

  copy(instruction: ParsedInstruction, workdir: string | undefined): void {
    const words = instruction.argumentWords;
    const destination = words[words.length - 1];
    if (destination === undefined || words.length < 2 || destination.includes("$")) return;
    if (workdir === undefined && !destination.startsWith("/")) return;
    const isDirectory =
      destination.endsWith("/") || destination === "." || words.length > 2 || words[0] === ".";
    this.add({
      kind: isDirectory ? "directory" : "path",
      value: normalizePath(destination, workdir ?? "/"),
      line: instruction.line,
      how: instruction.keyword,
    });
  }

  run(instruction: ParsedInstruction, workdir: string | undefined, stage: string): void {
    const commands = runCommands(instruction);
    const cacheTargets = cacheMountTargets(instruction);
    // What this RUN deletes from earlier layers, described by the more specific of the two paths.
    const deleted = new Map<string, string>();
    const record = (path: string, added: AddedContent): void => {
      deleted.set(`${path}|${added.line}`, `${path} (${added.how}, line ${added.line})`);
    };
    for (const command of commands) {
      const [program, ...args] = command.words;
      if (program === "rm") {
        for (const target of args) {
          if (target.startsWith("-") || target.includes("$")) continue;
          if (workdir === undefined && !target.startsWith("/")) continue;
          const absoluteTarget = normalizePath(target, workdir ?? "/");
          if (absoluteTarget.length > MAX_PATH_CHARS) continue;
          for (const [path, added] of this.deletedBy(absoluteTarget)) record(path, added);
        }
      }
      const sub = aptSubcommand(command);
      if (sub === "purge" || sub === "remove") {
        for (const name of aptArguments(command)) {
          for (const added of this.packages.get(name) ?? []) record(`package ${added.value}`, added);
          this.packages.delete(name);
        }
      }
    }
    const described = [...deleted.values()];
    if (described.length > 0) {
      const more = described.length > 3 ? ` and ${described.length - 3} more` : "";
      this.findings.push(
        makeFinding(
          "removed-in-later-layer",
          instruction.line,
          `Line ${instruction.line} deletes ${listWords(described.slice(0, 3))}${more}; the bytes stay in the earlier layer`,
          { stage },
        ),
      );
    }
    this.recordRunOutputs(instruction, commands, cacheTargets, workdir);
  }

  private recordRunOutputs(
    instruction: ParsedInstruction,
    commands: ReturnType<typeof runCommands>,
    cacheTargets: string[],
    workdir: string | undefined,
  ): void {
    const line = instruction.line;
    // Words of this RUN's `rm` commands, sorted, so "is `path` removed in the same RUN" is a binary search.
    // Built on first use: most RUNs create nothing this looks for.
    let sortedRemoved: string[] | undefined;
    const removedInSameRun = (path: string): boolean => {
      sortedRemoved ??= commands
        .filter((command) => command.words[0] === "rm")
        .flatMap((command) => command.words.slice(1))
        .sort();
      const removed = sortedRemoved;
      let low = 0;
      let high = removed.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if ((removed[middle] as string) < path) low = middle + 1;
        else high = middle;
      }
      return removed[low]?.startsWith(path) === true;
    };
    const addPath = (kind: AddedContent["kind"], path: string, how: string): void => {
      if (workdir === undefined && !path.startsWith("/")) return;
      this.add({ kind, value: normalizePath(path, workdir ?? "/"), line, how });
    };
    for (const command of commands) {
      const [program = "", ...args] = command.words;
      const output =
        program === "curl"
          ? optionValue(args, "-o", "--output")
          : program === "wget"
            ? optionValue(args, "-O", "--output-document")
            : undefined;
      if (output !== undefined && output !== "-" && !output.includes("$") && !removedInSameRun(output)) {
        addPath("path", output, program);
      }
      if (program === "git" && args[0] === "clone") {
        const positional = args.slice(1).filter((word) => !word.startsWith("-"));
        const directory =
          positional[1] ??
          positional[0]
            ?.replace(/\.git$/, "")
            .split("/")
            .pop();
        if (
          directory !== undefined &&
          directory !== "" &&
          !directory.includes("$") &&
          !removedInSameRun(directory)
        ) {
          addPath("directory", directory, "git clone");
        }
      }
      if (
        aptSubcommand(command) === "update" &&
        !removedInSameRun("/var/lib/apt/lists") &&
        !cacheTargets.some((t) => t.startsWith("/var/lib/apt"))
      ) {
        this.add({ kind: "directory", value: "/var/lib/apt/lists", line, how: "apt-get update" });
      }
      for (const name of installedPackages(command))
        this.add({ kind: "package", value: name.replace(/=.*$/, ""), line, how: program });
      if (
        isPipInstall(command) &&
        !command.words.includes("--no-cache-dir") &&
        command.environment.get("PIP_NO_CACHE_DIR") === undefined &&
        cacheTargets.length === 0
      ) {
        this.add({ kind: "directory", value: "/root/.cache/pip", line, how: "pip install" });
      }
    }
  }
}
