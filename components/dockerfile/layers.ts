import { makeFinding, listWords } from "./findings";
import type { ParsedInstruction } from "./parse";
import { aptSubcommand, cacheMountTargets, isPipInstall, runCommands } from "./shell";
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

const isWithin = (child: string, parent: string): boolean =>
  child === parent || child.startsWith(parent === "/" ? "/" : `${parent}/`);

/** Does deleting `target` (possibly a glob) remove bytes of `added`? */
function deletes(target: string, added: AddedContent): boolean {
  if (added.kind === "package") return false;
  const globAt = target.search(/[*?[]/);
  if (globAt >= 0) {
    const prefix = target.slice(0, globAt);
    return (
      `${added.value}/`.startsWith(prefix) ||
      (added.kind === "directory" && added.value !== "/" && prefix.startsWith(`${added.value}/`))
    );
  }
  return (
    isWithin(added.value, target) ||
    (added.kind === "directory" && added.value !== "/" && isWithin(target, added.value))
  );
}

/**
 * Follows the layers of the final image in order and reports RUNs that delete what an earlier layer added
 * (the deletion hides the files; the earlier layer still stores them).
 */
export class LayerTracker {
  private readonly added: AddedContent[] = [];
  readonly findings: DockerfileFinding[] = [];

  copy(instruction: ParsedInstruction, workdir: string): void {
    const words = instruction.argumentWords;
    const destination = words[words.length - 1];
    if (destination === undefined || words.length < 2 || destination.includes("$")) return;
    const isDirectory =
      destination.endsWith("/") || destination === "." || words.length > 2 || words[0] === ".";
    this.added.push({
      kind: isDirectory ? "directory" : "path",
      value: normalizePath(destination, workdir),
      line: instruction.line,
      how: instruction.keyword,
    });
  }

  run(instruction: ParsedInstruction, workdir: string, stage: string): void {
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
        for (const target of args.filter((word) => !word.startsWith("-") && !word.includes("$"))) {
          const absoluteTarget = normalizePath(target, workdir);
          for (const added of this.added.filter((candidate) => deletes(absoluteTarget, candidate))) {
            const targetIsInside = !/[*?[]/.test(absoluteTarget) && isWithin(absoluteTarget, added.value);
            record(targetIsInside ? absoluteTarget : added.value, added);
          }
        }
      }
      const sub = aptSubcommand(command);
      if (sub === "purge" || sub === "remove") {
        const names = args.filter((word) => !word.startsWith("-") && word !== sub);
        for (const added of this.added.filter(
          (candidate) => candidate.kind === "package" && names.includes(candidate.value),
        )) {
          record(`package ${added.value}`, added);
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
    workdir: string,
  ): void {
    const line = instruction.line;
    const removedInSameRun = (path: string): boolean =>
      commands.some(
        (command) => command.words[0] === "rm" && command.words.some((word) => word.startsWith(path)),
      );
    for (const command of commands) {
      const [program = "", ...args] = command.words;
      const optionValue = (...names: string[]): string | undefined => {
        for (let index = 0; index < args.length; index += 1) {
          const word = args[index] ?? "";
          for (const name of names) {
            if (word === name) return args[index + 1];
            if (name.startsWith("--") && word.startsWith(`${name}=`)) return word.slice(name.length + 1);
          }
        }
        return undefined;
      };
      const output =
        program === "curl"
          ? optionValue("-o", "--output")
          : program === "wget"
            ? optionValue("-O", "--output-document")
            : undefined;
      if (output !== undefined && output !== "-" && !output.includes("$") && !removedInSameRun(output)) {
        this.added.push({ kind: "path", value: normalizePath(output, workdir), line, how: program });
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
          this.added.push({
            kind: "directory",
            value: normalizePath(directory, workdir),
            line,
            how: "git clone",
          });
        }
      }
      if (
        aptSubcommand(command) === "update" &&
        !removedInSameRun("/var/lib/apt/lists") &&
        !cacheTargets.some((t) => t.startsWith("/var/lib/apt"))
      ) {
        this.added.push({ kind: "directory", value: "/var/lib/apt/lists", line, how: "apt-get update" });
      }
      for (const name of installedPackages(command))
        this.added.push({ kind: "package", value: name.replace(/=.*$/, ""), line, how: program });
      if (isPipInstall(command) && !command.words.includes("--no-cache-dir") && cacheTargets.length === 0) {
        this.added.push({ kind: "directory", value: "/root/.cache/pip", line, how: "pip install" });
      }
    }
  }
}
