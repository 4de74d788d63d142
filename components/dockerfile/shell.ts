import { DockerfileParseError } from "../common/errors";
import type { ParsedInstruction } from "./parse";
import type { ShellCommand } from "./types";

/**
 * The most shell words one RUN script may have (issue 12: 100 ms of CPU for any input up to 1 MiB).
 * A long script's commands are kept while the rules read them, and one RUN of 1 MiB is up to 500,000
 * commands (`a;a;…`, 0.4–0.6 s) or 45,000 commands of a heredoc (0.16–0.19 s); one `apt-get install`
 * of 50,000 distinct packages took 100–120 ms, so the limit is 25,000 words
 * (docs/ROBUSTNESS-DOCKERFILE.md). Short RUNs are not counted together, however many there are. A real
 * RUN has tens to a few thousand words.
 */
export const MAX_SHELL_WORDS_PER_RUN = 25_000;

// Declared in ./types.ts (the lexer keeps them without importing this file); named here for the rules.
export type { ShellCommand };

const NO_TARGETS: readonly string[] = [];

// Mount types whose contents are not committed to the layer (Dockerfile reference, RUN --mount:
// https://docs.docker.com/reference/dockerfile/#run---mount): a cache mount keeps files in the
// builder's cache, a tmpfs mount discards them.
const UNCOMMITTED_MOUNT_TYPES = new Set(["cache", "tmpfs"]);

/** Targets of `RUN --mount=type=cache|tmpfs,target=...`: directories whose contents stay out of the layer. */
export function cacheMountTargets(run: ParsedInstruction): readonly string[] {
  // Most RUNs have no flags: no array for them.
  if (run.flags.length === 0) return NO_TARGETS;
  const targets: string[] = [];
  for (const flag of run.flags) {
    if (flag.name !== "mount" || flag.value === null) continue;
    const options = new Map<string, string>();
    for (const option of flag.value.split(",")) {
      const equals = option.indexOf("=");
      const key = (equals < 0 ? option : option.slice(0, equals)).trim().toLowerCase();
      const value = equals < 0 ? "" : option.slice(equals + 1).trim();
      options.set(key, value.replace(/^"|"$/g, ""));
    }
    const target = options.get("target") ?? options.get("dst") ?? options.get("destination");
    // `type` defaults to bind, which is read-only and commits nothing either way.
    if (UNCOMMITTED_MOUNT_TYPES.has(options.get("type") ?? "bind") && target !== undefined && target !== "")
      targets.push(target);
  }
  return targets;
}

const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh", "/bin/sh", "/bin/bash", "/bin/ash", "/bin/dash"]);

/**
 * The shell script a RUN executes: the heredoc body for `RUN <<EOF` (or `RUN bash <<EOF`), the `-c`
 * argument of an exec-form shell (`RUN ["sh", "-c", "..."]`), or the shell-form text. `undefined` for
 * an exec form that runs one program directly (its words are the command).
 */
function shellScript(run: ParsedInstruction): string | undefined {
  if (run.json) {
    const [program = "", flag, script] = run.argumentWords;
    return SHELLS.has(program) && flag === "-c" && script !== undefined ? script : undefined;
  }
  const heredoc = run.heredocs[0];
  if (heredoc !== undefined) {
    const words = run.argumentWords;
    const first = words[0] ?? "";
    // `RUN <<EOF` runs the body with the default shell; `RUN bash <<EOF` feeds it to bash.
    if (first.startsWith("<<") || (SHELLS.has(first) && (words[1] ?? "").startsWith("<<")))
      return heredoc.body;
  }
  return run.argumentText;
}

/** Reserved words that may precede a simple command (POSIX shell grammar: compound commands). */
function isLeadingKeyword(word: string): boolean {
  switch (word) {
    case "then":
    case "do":
    case "else":
    case "elif":
    case "if":
    case "while":
    case "until":
    case "!":
    case "{":
    case "time":
      return true;
    default:
      return false;
  }
}

/** `NAME=...` with NAME a shell variable name (`[A-Za-z_][A-Za-z0-9_]*`). */
function isAssignment(word: string): boolean {
  const first = word.charCodeAt(0);
  if (!((first >= 65 && first <= 90) || (first >= 97 && first <= 122) || first === 95)) return false;
  for (let index = 1; index < word.length; index += 1) {
    const code = word.charCodeAt(index);
    if (code === 61) return true;
    if (!(
      (code >= 65 && code <= 90) ||
      (code >= 97 && code <= 122) ||
      (code >= 48 && code <= 57) ||
      code === 95
    ))
      return false;
  }
  return false;
}

/**
 * The variables the rules read from a command's environment. Only these are tracked, so that copying a
 * command's environment stays O(1) however many `export`s a RUN has.
 */
const TRACKED_VARIABLES = new Set([
  "PIP_NO_CACHE_DIR", "NODE_ENV", "NPM_CONFIG_OMIT", "npm_config_omit", "NPM_CONFIG_PRODUCTION",
  "PYTHONDONTWRITEBYTECODE",
]); // prettier-ignore

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

// What `redirection` says about a word.
const NOT_REDIRECTION = 0;
const REDIRECTION = 1;
const REDIRECTION_TO_NEXT_WORD = 2;

/**
 * A redirection word (`>`, `2>&1`, `>>/dev/null`, `<file`): NOT_REDIRECTION, REDIRECTION (target in
 * the word) or REDIRECTION_TO_NEXT_WORD (the next word is the target).
 */
function redirection(word: string): number {
  let index = 0;
  while (index < word.length && isDigit(word.charCodeAt(index))) index += 1;
  const code = word.charCodeAt(index);
  // > < or &>
  if (code !== 62 && code !== 60 && !(code === 38 && word.charCodeAt(index + 1) === 62))
    return NOT_REDIRECTION;
  let end = index;
  for (; end < word.length; end += 1) {
    const next = word.charCodeAt(end);
    // > & < |
    if (next !== 62 && next !== 38 && next !== 60 && next !== 124) break;
  }
  return end === word.length ? REDIRECTION_TO_NEXT_WORD : REDIRECTION;
}

// Characters the tokenizer treats specially somewhere (blanks, separators, quotes, escapes, `$(`,
// backticks, `#`): a plain run ends before any of them.
const TOKEN_BREAKS = new Uint8Array(128);
for (const char of " \t\r\n;()#\\'\"$`&|") TOKEN_BREAKS[char.charCodeAt(0)] = 1;
const breaksToken = (code: number): boolean => code < 128 && TOKEN_BREAKS[code] === 1;

// Never written to: a command with no tracked variables shares it.
const NO_VARIABLES: Map<string, string> = new Map();

/** Records `NAME=value` in `into` when NAME is one the rules read. */
function assignTracked(word: string, into: Map<string, string>): void {
  const equals = word.indexOf("=");
  const name = word.slice(0, equals);
  if (TRACKED_VARIABLES.has(name)) into.set(name, word.slice(equals + 1));
}

/**
 * Splits a script into simple commands in one pass: words (quotes and backslash escapes honoured,
 * `$(...)` and backticks kept inside their word, `#` at the start of a word comments to the end of the
 * line), cut into commands at the separators && || ; | & newline ( ). An object with methods rather
 * than closures: a RUN per line is 174,000 RUNs in 1 MiB, and each closure is an allocation.
 */
class CommandSplitter {
  readonly commands: ShellCommand[] = [];
  /** What `export NAME=value` set so far in this RUN (tracked variables only); created on first use. */
  private exported: Map<string, string> | undefined;
  /** Words of the current command so far. */
  private words: string[] = [];
  private word = "";
  private inWord = false;

  /** Words read so far in this script (MAX_SHELL_WORDS_PER_RUN). */
  wordCount = 0;

  endWord(): void {
    if (this.inWord) {
      this.words.push(this.word);
      this.wordCount += 1;
    }
    this.word = "";
    this.inWord = false;
  }

  /** Ends the current command (at a separator or the end of the script). */
  endCommand(): void {
    this.endWord();
    if (this.words.length === 0) return;
    this.addCommand(this.words);
    this.words = [];
  }

  /** Turns a command's words into a command (or nothing), updating `exported`. */
  addCommand(rawWords: string[]): void {
    let words = rawWords;
    for (let index = 0; index < rawWords.length; index += 1) {
      const kind = redirection(rawWords[index] as string);
      if (kind === NOT_REDIRECTION) {
        if (words !== rawWords) words.push(rawWords[index] as string);
        continue;
      }
      // Redirections are dropped: copy the words before this one, then skip it (and its target).
      if (words === rawWords) words = rawWords.slice(0, index);
      if (kind === REDIRECTION_TO_NEXT_WORD) index += 1;
    }
    const exported = this.exported;
    // Copied only when it differs from the RUN's exports: 500k bare commands allocate no map each.
    let environment: Map<string, string> =
      exported === undefined || exported.size === 0 ? NO_VARIABLES : new Map(exported);
    let start = 0;
    let inWrapper = false;
    for (; start < words.length; start += 1) {
      const word = words[start] as string;
      if (isAssignment(word)) {
        if (environment === NO_VARIABLES) environment = new Map();
        assignTracked(word, environment);
      } else if (word === "sudo" || word === "env") inWrapper = true;
      // `sudo -E`, `env -i`: options of the wrapper, not the command.
      else if (!(isLeadingKeyword(word) || (inWrapper && word.startsWith("-")))) break;
    }
    const command = start === 0 ? words : words.slice(start);
    if (command[0] === "export") {
      // `export NAME=value` sets the variable for the commands after it in the same RUN (same shell).
      for (let index = 1; index < command.length; index += 1) {
        const word = command[index] as string;
        if (isAssignment(word)) {
          this.exported ??= new Map();
          assignTracked(word, this.exported);
          if (environment === NO_VARIABLES) environment = new Map();
          assignTracked(word, environment);
        }
      }
    }
    if (command.length > 0) this.commands.push({ words: command, environment });
  }

  /** Reads `script` (a shell-form RUN, a heredoc body or an exec-form `sh -c` argument). */
  read(script: string): void {
    const length = script.length;
    // Past the limit the RUN is rejected (splitCommands): the rest is not read.
    for (let index = 0; index < length && this.wordCount <= MAX_SHELL_WORDS_PER_RUN; index += 1) {
      const char = script[index] as string;
      if (char === " " || char === "\t" || char === "\r") {
        this.endWord();
      } else if (char === "\n" || char === ";" || char === "(" || char === ")") {
        this.endCommand();
      } else if (char === "#" && !this.inWord) {
        const newline = script.indexOf("\n", index);
        index = (newline < 0 ? length : newline) - 1;
      } else if (char === "\\") {
        // A backslash-newline joins lines; any other escaped character is literal.
        if (script[index + 1] !== "\n") {
          this.word += script[index + 1] ?? "";
          this.inWord = true;
        }
        index += 1;
      } else if (char === "'") {
        const close = script.indexOf("'", index + 1);
        const end = close < 0 ? length : close;
        this.word += script.slice(index + 1, end);
        this.inWord = true;
        index = end;
      } else if (char === '"') {
        this.inWord = true;
        for (index += 1; index < length && script[index] !== '"'; index += 1) {
          const inner = script[index] as string;
          if (inner === "\\" && index + 1 < length && '"\\$`\n'.includes(script[index + 1] as string)) {
            if (script[index + 1] !== "\n") this.word += script[index + 1];
            index += 1;
          } else this.word += inner;
        }
      } else if (char === "$" && script[index + 1] === "(") {
        // Command substitution: kept in the word, up to the matching parenthesis.
        let depth = 0;
        let end = index + 1;
        for (; end < length; end += 1) {
          if (script[end] === "(") depth += 1;
          else if (script[end] === ")" && --depth === 0) break;
        }
        this.word += script.slice(index, end + 1);
        this.inWord = true;
        index = end;
      } else if (char === "`") {
        const close = script.indexOf("`", index + 1);
        const end = close < 0 ? length : close;
        this.word += script.slice(index, end + 1);
        this.inWord = true;
        index = end;
      } else if (char === "&" || char === "|") {
        // The raw character before this one, not `word[word.length - 1]`: indexing a string built by
        // `+=` flattens it, which made `2>&12>&1...` quadratic.
        const previous = index > 0 ? script[index - 1] : undefined;
        // `2>&1`, `>&2`, `&>file`, `>|file` are redirections, not separators.
        if (this.inWord && (previous === ">" || previous === "<")) {
          this.word += char;
        } else if (char === "&" && script[index + 1] === ">") {
          this.endWord();
          this.word = "&";
          this.inWord = true;
        } else {
          if (script[index + 1] === char) index += 1;
          this.endCommand();
        }
      } else {
        // A run of plain characters is sliced at once, not appended one by one.
        let end = index + 1;
        while (end < length && !breaksToken(script.charCodeAt(end))) end += 1;
        this.word += end === index + 1 ? char : script.slice(index, end);
        this.inWord = true;
        index = end - 1;
      }
    }
    this.endCommand();
  }
}

/**
 * Splits a RUN into simple commands at &&, ||, ;, |, &, ( ) and newlines. Linear in the script's
 * length: one tokenizer pass, no backtracking regular expression. The commands are kept on the
 * instruction object, which the rules of one pass share; a short instruction's object is made anew
 * per pass and dies young with its commands (a cache of 174,000 RUNs' commands in a map survived
 * into the old generation, and garbage collection became the biggest cost), a long one is kept
 * (lexer.ts, LONG_INSTRUCTION_CHARS), so its script is split once.
 */
export function runCommands(run: ParsedInstruction): ShellCommand[] {
  return (run.shellCommands ??= splitCommands(run));
}

function splitCommands(run: ParsedInstruction): ShellCommand[] {
  const script = shellScript(run);
  const splitter = new CommandSplitter();
  if (script === undefined) {
    // Exec form running one program: its words are the command (copied: the splitter may keep them).
    splitter.wordCount = run.argumentWords.length;
    if (run.argumentWords.length > 0 && splitter.wordCount <= MAX_SHELL_WORDS_PER_RUN)
      splitter.addCommand(run.argumentWords.slice());
  } else splitter.read(script);
  if (splitter.wordCount > MAX_SHELL_WORDS_PER_RUN) {
    throw new DockerfileParseError(
      run.line,
      `this RUN's script has more than the ${MAX_SHELL_WORDS_PER_RUN} shell words the analyzer reads in one RUN (MAX_SHELL_WORDS_PER_RUN) to answer within 100 ms`,
      "move the script into a file that is COPYed and run (RUN ./build.sh), or split it over several RUNs; a real RUN has a few thousand words of shell at most",
    );
  }
  return splitter.commands;
}

// apt-get/apt options that take a value in the next word (apt-get(8): -o, -c, -t, -a and their long forms).
const APT_VALUE_OPTIONS = new Set([
  "-o", "--option", "-c", "--config-file", "-t", "--target-release", "--default-release", "-a",
  "--host-architecture",
]); // prettier-ignore

/**
 * Index in `command.words` of the first word after the program that is not an option, skipping option
 * values (`apt-get -o Acquire::Retries=3 install`: the subcommand is `install`); -1 if none.
 */
const NO_VALUE_OPTIONS: ReadonlySet<string> = new Set();

export function subcommandIndex(
  command: ShellCommand,
  valueOptions: ReadonlySet<string> = NO_VALUE_OPTIONS,
): number {
  const words = command.words;
  for (let index = 1; index < words.length; index += 1) {
    const word = words[index] as string;
    if (valueOptions.has(word)) index += 1;
    else if (!word.startsWith("-")) return index;
  }
  return -1;
}

/** The subcommand of `apt-get`/`apt` (install, update, purge, ...), or undefined for other commands. */
export function aptSubcommand(command: ShellCommand): string | undefined {
  const program = command.words[0];
  if (program !== "apt-get" && program !== "apt") return undefined;
  const index = subcommandIndex(command, APT_VALUE_OPTIONS);
  return index < 0 ? undefined : command.words[index];
}

/** Non-option words after the apt subcommand (package names), option values skipped. */
export function aptArguments(command: ShellCommand): string[] {
  const index = subcommandIndex(command, APT_VALUE_OPTIONS);
  const result: string[] = [];
  if (index < 0) return result;
  for (let at = index + 1; at < command.words.length; at += 1) {
    const word = command.words[at] as string;
    if (APT_VALUE_OPTIONS.has(word)) at += 1;
    else if (!word.startsWith("-")) result.push(word);
  }
  return result;
}

/** True for `pip install`, `pip3 install`, `python -m pip install` and `python3.12 -m pip install`. */
export function isPipInstall(command: ShellCommand): boolean {
  const words = command.words;
  const path = words[0] ?? "";
  // Most commands are neither: answer without allocating (a RUN can hold 500k commands).
  if (!path.includes("pip") && !path.includes("python")) return false;
  // `/venv/bin/pip install` is pip too.
  const program = path.slice(path.lastIndexOf("/") + 1);
  if (/^pip[0-9.]*$/.test(program)) return words.slice(1).find((word) => !word.startsWith("-")) === "install";
  if (/^python[0-9.]*$/.test(program)) {
    const pipAt = words.indexOf("pip");
    return (
      pipAt > 0 &&
      words[pipAt - 1] === "-m" &&
      words.slice(pipAt + 1).find((word) => !word.startsWith("-")) === "install"
    );
  }
  return false;
}
