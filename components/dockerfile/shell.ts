import { DockerfileParseError, type ParsedInstruction } from "./parse";

/**
 * The most shell words the analyzer reads in the RUN scripts of one Dockerfile, all RUNs together
 * (issue 12: 100 ms of CPU for any input). 1 MiB of `a;a;a;…` is 500,000 commands and took 0.7 s;
 * every command is read by a dozen rules. Real Dockerfiles have a few thousand words of shell at most.
 */
export const MAX_SHELL_WORDS = 20_000;

/**
 * One simple command of a RUN: its words (quotes removed; leading `VAR=value`, `sudo`, `env` and shell
 * keywords such as `then` removed; redirections dropped), and the environment variables the command
 * sees beyond the Dockerfile's ENV/ARG: its own `VAR=value` prefix, `env VAR=value`, and what an
 * earlier `export VAR=value` in the same RUN set.
 */
export interface ShellCommand {
  words: string[];
  environment: ReadonlyMap<string, string>;
}

// Mount types whose contents are not committed to the layer (Dockerfile reference, RUN --mount:
// https://docs.docker.com/reference/dockerfile/#run---mount): a cache mount keeps files in the
// builder's cache, a tmpfs mount discards them.
const UNCOMMITTED_MOUNT_TYPES = new Set(["cache", "tmpfs"]);

/** Targets of `RUN --mount=type=cache|tmpfs,target=...`: directories whose contents stay out of the layer. */
export function cacheMountTargets(run: ParsedInstruction): string[] {
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

// Reserved words that may precede a simple command (POSIX shell grammar: compound commands).
const LEADING_KEYWORDS = new Set(["then", "do", "else", "elif", "if", "while", "until", "!", "{", "time"]);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * The variables the rules read from a command's environment. Only these are tracked, so that copying a
 * command's environment stays O(1) however many `export`s a RUN has.
 */
const TRACKED_VARIABLES = new Set([
  "PIP_NO_CACHE_DIR", "NODE_ENV", "NPM_CONFIG_OMIT", "npm_config_omit", "NPM_CONFIG_PRODUCTION",
]); // prettier-ignore

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/** A redirection word (`>`, `2>&1`, `>>/dev/null`, `<file`): [is one, takes the next word as target]. */
function redirection(word: string): [boolean, boolean] {
  let index = 0;
  while (index < word.length && isDigit(word.charCodeAt(index))) index += 1;
  const char = word[index];
  if (char !== ">" && char !== "<" && !(char === "&" && word[index + 1] === ">")) return [false, false];
  let end = index;
  while (end < word.length && ">&<|".includes(word[end] as string)) end += 1;
  return [true, end === word.length];
}

/**
 * Splits a script into words and separators in one pass: quotes and backslash escapes are honoured,
 * `$(...)` and backticks stay inside their word, `#` at the start of a word comments to the end of
 * the line. Separators: && || ; | & newline ( ).
 */
// One shared marker: a script of 100k `;` allocates no object per separator.
const SEPARATOR = null;

// Characters the tokenizer treats specially somewhere (blanks, separators, quotes, escapes, `$(`,
// backticks, `#`): a plain run ends before any of them.
const TOKEN_BREAKS = new Uint8Array(128);
for (const char of " \t\r\n;()#\\'\"$`&|") TOKEN_BREAKS[char.charCodeAt(0)] = 1;
const breaksToken = (code: number): boolean => code < 128 && TOKEN_BREAKS[code] === 1;

function tokenize(script: string): Array<string | typeof SEPARATOR> {
  const tokens: Array<string | typeof SEPARATOR> = [];
  let word = "";
  let inWord = false;
  const endWord = (): void => {
    if (inWord) {
      tokens.push(word);
      remainingWords -= 1;
    }
    word = "";
    inWord = false;
  };
  const separator = (): void => {
    endWord();
    if (tokens[tokens.length - 1] !== SEPARATOR) tokens.push(SEPARATOR);
  };
  const length = script.length;
  // Over the word budget the analysis is rejected (splitCommands): stop reading the script.
  for (let index = 0; index < length && remainingWords >= 0; index += 1) {
    const char = script[index] as string;
    if (char === " " || char === "\t" || char === "\r") {
      endWord();
    } else if (char === "\n" || char === ";" || char === "(" || char === ")") {
      separator();
    } else if (char === "#" && !inWord) {
      const newline = script.indexOf("\n", index);
      index = (newline < 0 ? length : newline) - 1;
    } else if (char === "\\") {
      // A backslash-newline joins lines; any other escaped character is literal.
      if (script[index + 1] !== "\n") {
        word += script[index + 1] ?? "";
        inWord = true;
      }
      index += 1;
    } else if (char === "'") {
      const close = script.indexOf("'", index + 1);
      const end = close < 0 ? length : close;
      word += script.slice(index + 1, end);
      inWord = true;
      index = end;
    } else if (char === '"') {
      inWord = true;
      for (index += 1; index < length && script[index] !== '"'; index += 1) {
        const inner = script[index] as string;
        if (inner === "\\" && index + 1 < length && '"\\$`\n'.includes(script[index + 1] as string)) {
          if (script[index + 1] !== "\n") word += script[index + 1];
          index += 1;
        } else word += inner;
      }
    } else if (char === "$" && script[index + 1] === "(") {
      // Command substitution: kept in the word, up to the matching parenthesis.
      let depth = 0;
      let end = index + 1;
      for (; end < length; end += 1) {
        if (script[end] === "(") depth += 1;
        else if (script[end] === ")" && --depth === 0) break;
      }
      word += script.slice(index, end + 1);
      inWord = true;
      index = end;
    } else if (char === "`") {
      const close = script.indexOf("`", index + 1);
      const end = close < 0 ? length : close;
      word += script.slice(index, end + 1);
      inWord = true;
      index = end;
    } else if (char === "&" || char === "|") {
      // The raw character before this one, not `word[word.length - 1]`: indexing a string built by
      // `+=` flattens it, which made `2>&12>&1...` quadratic.
      const previous = index > 0 ? script[index - 1] : undefined;
      // `2>&1`, `>&2`, `&>file`, `>|file` are redirections, not separators.
      if (inWord && (previous === ">" || previous === "<")) {
        word += char;
      } else if (char === "&" && script[index + 1] === ">") {
        endWord();
        word = "&";
        inWord = true;
      } else {
        if (script[index + 1] === char) index += 1;
        separator();
      }
    } else {
      // A run of plain characters is sliced at once, not appended one by one.
      let end = index + 1;
      while (end < length && !breaksToken(script.charCodeAt(end))) end += 1;
      word += end === index + 1 ? char : script.slice(index, end);
      inWord = true;
      index = end - 1;
    }
  }
  endWord();
  return tokens;
}

// Never written to: a command with no tracked variables shares it.
const NO_VARIABLES: Map<string, string> = new Map();

/** Records `NAME=value` in `into` when NAME is one the rules read. */
function assignTracked(word: string, into: Map<string, string>): void {
  const equals = word.indexOf("=");
  const name = word.slice(0, equals);
  if (TRACKED_VARIABLES.has(name)) into.set(name, word.slice(equals + 1));
}

/** Turns the words between two separators into a command (or nothing), updating `exported`. */
function toCommand(rawWords: readonly string[], exported: Map<string, string>): ShellCommand | undefined {
  if (rawWords.length === 0) return undefined;
  const words: string[] = [];
  for (let index = 0; index < rawWords.length; index += 1) {
    const [isRedirection, takesNext] = redirection(rawWords[index] as string);
    if (isRedirection) {
      if (takesNext) index += 1;
    } else words.push(rawWords[index] as string);
  }
  // Copied only when it differs from the RUN's exports: 500k bare commands allocate no map each.
  let environment: Map<string, string> = exported.size === 0 ? NO_VARIABLES : new Map(exported);
  let start = 0;
  let inWrapper = false;
  for (; start < words.length; start += 1) {
    const word = words[start] as string;
    if (ASSIGNMENT.test(word)) {
      if (environment === NO_VARIABLES) environment = new Map();
      assignTracked(word, environment);
    } else if (word === "sudo" || word === "env") inWrapper = true;
    // `sudo -E`, `env -i`: options of the wrapper, not the command.
    else if (!(LEADING_KEYWORDS.has(word) || (inWrapper && word.startsWith("-")))) break;
  }
  const command = start === 0 ? words : words.slice(start);
  if (command[0] === "export") {
    // `export NAME=value` sets the variable for the commands after it in the same RUN (same shell).
    for (let index = 1; index < command.length; index += 1) {
      const word = command[index] as string;
      if (ASSIGNMENT.test(word)) {
        assignTracked(word, exported);
        if (environment === NO_VARIABLES) environment = new Map();
        assignTracked(word, environment);
      }
    }
  }
  return command.length === 0 ? undefined : { words: command, environment };
}

/**
 * Splits a RUN into simple commands at &&, ||, ;, |, &, ( ) and newlines. Linear in the script's
 * length: one tokenizer pass, no backtracking regular expression.
 */
export function runCommands(run: ParsedInstruction): ShellCommand[] {
  // Several rules read the same RUN: within one analysis it is split once.
  if (commandCache === undefined) return splitCommands(run);
  const cached = commandCache.get(run);
  if (cached !== undefined) return cached;
  const commands = splitCommands(run);
  commandCache.set(run, commands);
  return commands;
}

// A Map for the duration of one analysis (withCommandCache), not a module-wide WeakMap: 65k RUNs
// made WeakMap bookkeeping the single biggest cost.
let commandCache: Map<ParsedInstruction, ShellCommand[]> | undefined;
// Shell words left to read in this analysis (MAX_SHELL_WORDS); unlimited outside withCommandCache.
let remainingWords = Number.POSITIVE_INFINITY;

/** Runs `analysis` with RUNs split at most once each; the cache is dropped afterwards. */
export function withCommandCache<T>(analysis: () => T): T {
  const outer = commandCache;
  const outerWords = remainingWords;
  commandCache = new Map();
  remainingWords = MAX_SHELL_WORDS;
  try {
    return analysis();
  } finally {
    commandCache = outer;
    remainingWords = outerWords;
  }
}

function overWordLimit(run: ParsedInstruction): DockerfileParseError {
  return new DockerfileParseError(
    run.line,
    `the RUN scripts up to this one hold more than the ${MAX_SHELL_WORDS} shell words the analyzer reads (MAX_SHELL_WORDS) to answer within 100 ms`,
    "move long scripts into a file that is COPYed and run (RUN ./build.sh), or split the build into several Dockerfiles; a real Dockerfile has a few thousand words of shell at most",
  );
}

function splitCommands(run: ParsedInstruction): ShellCommand[] {
  const script = shellScript(run);
  const exported = new Map<string, string>();
  if (script === undefined) {
    remainingWords -= run.argumentWords.length;
    if (remainingWords < 0) throw overWordLimit(run);
    const command = toCommand(run.argumentWords, exported);
    return command === undefined ? [] : [command];
  }
  const tokens = tokenize(script);
  if (remainingWords < 0) throw overWordLimit(run);
  const commands: ShellCommand[] = [];
  let words: string[] = [];
  for (const token of tokens) {
    if (token !== SEPARATOR) {
      words.push(token);
      continue;
    }
    const command = toCommand(words, exported);
    if (command !== undefined) commands.push(command);
    words = [];
  }
  const last = toCommand(words, exported);
  if (last !== undefined) commands.push(last);
  return commands;
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
