import type { ParsedInstruction } from "./parse";

/** One simple command of a RUN: its words, with leading `VAR=value`, `sudo` and `env` removed. */
export interface ShellCommand {
  words: string[];
}

/** A `RUN --mount=type=cache,target=...` mount target, or undefined for other flags. */
export function cacheMountTargets(run: ParsedInstruction): string[] {
  const targets: string[] = [];
  for (const flag of run.flags) {
    if (flag.name !== "mount" || flag.value === null) continue;
    const options = new Map(
      flag.value.split(",").map((option) => {
        const [key = "", ...value] = option.split("=");
        return [key.trim().toLowerCase(), value.join("=").trim()] as const;
      }),
    );
    const target = options.get("target") ?? options.get("dst") ?? options.get("destination");
    if (options.get("type") === "cache" && target !== undefined) targets.push(target);
  }
  return targets;
}

function shellScript(run: ParsedInstruction): string {
  const text = run.argumentText.trim();
  if (text.startsWith("[")) {
    // Exec form runs no shell: it is exactly one command.
    try {
      const words: unknown = JSON.parse(text);
      if (Array.isArray(words) && words.every((word) => typeof word === "string")) return words.join(" ");
    } catch {
      // Not valid JSON, so Docker runs it in a shell: fall through.
    }
  }
  const heredoc = /^<<-?\s*["']?([A-Za-z0-9_]+)["']?[^\n]*\n([\s\S]*)$/.exec(text);
  if (heredoc !== null) {
    const [, delimiter, body = ""] = heredoc;
    return body
      .split("\n")
      .filter((line) => line.trim() !== delimiter)
      .join("\n");
  }
  return text;
}

const SEPARATORS = new Set(["&&", "||", ";", "|", "&"]);

/** Splits a RUN into simple commands at &&, ||, ;, |, & and newlines; quotes are stripped, not honoured. */
export function runCommands(run: ParsedInstruction): ShellCommand[] {
  const script = shellScript(run)
    // Comments: a # at the start of a word runs to the end of the line.
    .replace(/(^|\s)#[^\n]*/g, "$1")
    // Line continuations inside heredocs.
    .replace(/\\\n/g, " ");
  const commands: ShellCommand[] = [];
  let words: string[] = [];
  const flush = (): void => {
    while (
      words.length > 0 &&
      (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] ?? "") || ["sudo", "env"].includes(words[0] ?? ""))
    ) {
      words.shift();
    }
    if (words.length > 0) commands.push({ words });
    words = [];
  };
  for (const line of script.split("\n")) {
    const tokens = line.split(/(&&|\|\||;|\||&|\s+)/).filter((token) => token.trim() !== "");
    for (const token of tokens) {
      if (SEPARATORS.has(token)) flush();
      else words.push(token.replace(/^["']|["']$/g, ""));
    }
    flush();
  }
  return commands;
}

/** The subcommand of `apt-get`/`apt` (install, update, purge, ...), or undefined for other commands. */
export function aptSubcommand(command: ShellCommand): string | undefined {
  const [program, ...rest] = command.words;
  if (program !== "apt-get" && program !== "apt") return undefined;
  return rest.find((word) => !word.startsWith("-"));
}

/** True for `pip install`, `pip3 install`, `python -m pip install` and `python3.12 -m pip install`. */
export function isPipInstall(command: ShellCommand): boolean {
  const words = command.words;
  // `/venv/bin/pip install` is pip too.
  const program = (words[0] ?? "").split("/").pop() ?? "";
  if (/^pip[0-9.]*$/.test(program)) return words.slice(1).find((word) => !word.startsWith("-")) === "install";
  if (/^python[0-9.]*$/.test(program)) {
    const pipAt = words.indexOf("pip");
    return (
      words[pipAt - 1] === "-m" && words.slice(pipAt + 1).find((word) => !word.startsWith("-")) === "install"
    );
  }
  return false;
}

/** Positional (non-flag) words after the subcommand at `subcommandIndex`. */
export function positionalAfter(command: ShellCommand, subcommandIndex: number): string[] {
  return command.words.slice(subcommandIndex + 1).filter((word) => !word.startsWith("-"));
}
