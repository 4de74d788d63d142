/**
 * Splits Dockerfile text into logical instructions the way BuildKit's parser does
 * (moby/buildkit frontend/dockerfile/parser/parser.go: parser directives, line continuations, comment
 * and empty lines inside continuations, heredocs), in one pass over the text with no regular
 * expression that can backtrack. It replaced dockerfile-ast, which needs 0.6–1.8 s for a 1 MB file
 * (measured: docs/ROBUSTNESS-DOCKERFILE.md); the analyzer must answer any input up to 1 MB in 100 ms.
 */

/** A heredoc of RUN, COPY or ADD (`<<EOF` … `EOF`). */
export interface Heredoc {
  /** The delimiter, quotes removed. */
  name: string;
  /** The lines between the marker's line and the delimiter, joined with "\n" (tabs stripped for `<<-`). */
  body: string;
}

export interface InstructionFlag {
  name: string;
  /** The value after `=`, quotes removed; null for a bare `--flag`. */
  value: string | null;
}

// Instructions whose arguments Docker reads as a JSON array when they are one (Dockerfile reference,
// "shell and exec form"; COPY/ADD: "COPY [\"<src>\", ... \"<dest>\"]").
const JSON_FORM_INSTRUCTIONS = new Set(["RUN", "CMD", "ENTRYPOINT", "COPY", "ADD", "SHELL", "VOLUME"]);

function jsonWords(text: string): string[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not valid JSON: Docker runs it in a shell (RUN/CMD) or reads it as words.
    return undefined;
  }
  return Array.isArray(value) && value.every((word) => typeof word === "string") ? value : undefined;
}

/**
 * One logical instruction. Its words are split on first use, not by the lexer: 1 MiB of `RUN a` lines
 * is 174,000 instructions, the rules read the words of few of them (a shell-form RUN is read as a
 * script, only the last USER counts), and every array that lives through the analysis costs
 * garbage-collection time.
 */
export class LexedInstruction {
  /** The words, once split; see `argumentWords`. */
  private words: string[] | undefined;
  private jsonForm = false;
  /** A RUN's shell commands once split (shell.ts `runCommands`), for the rules that read it after the first. */
  shellCommands: ShellCommand[] | undefined = undefined;

  constructor(
    /** Upper-cased instruction word. */
    readonly keyword: string,
    /** The instruction word as written (for error messages). */
    readonly written: string,
    /** 1-based physical line the instruction starts on. */
    readonly line: number,
    /** Everything after the instruction word on the logical line (flags included), trimmed. */
    readonly rawArguments: string,
    /** The arguments after the flags, trimmed; heredoc bodies are not part of it. */
    readonly argumentText: string,
    readonly flags: InstructionFlag[],
    readonly heredocs: Heredoc[],
    /** The file's escape character (`# escape=`), which splitting the words needs. */
    private readonly escape: string,
  ) {}

  /**
   * The arguments after the flags as Docker reads them: the elements of a JSON array (exec form) when
   * `json`, else the words with quotes and escapes removed (`COPY "a b" /x` → `a b`, `/x`).
   */
  get argumentWords(): string[] {
    if (this.words === undefined) {
      const json =
        this.argumentText.startsWith("[") && JSON_FORM_INSTRUCTIONS.has(this.keyword)
          ? jsonWords(this.argumentText)
          : undefined;
      this.jsonForm = json !== undefined;
      this.words = json ?? splitWords(this.argumentText, this.escape);
    }
    return this.words;
  }

  /** The arguments are a JSON array of strings (exec form of RUN/CMD/ENTRYPOINT, JSON form of COPY/ADD). */
  get json(): boolean {
    // Decided together with the words.
    if (this.words === undefined && this.argumentText.startsWith("[")) void this.argumentWords;
    return this.jsonForm;
  }
}

// Shared by every instruction without flags, heredocs or (yet) words: never written to.
const NO_FLAGS: InstructionFlag[] = [];
const NO_HEREDOCS: Heredoc[] = [];

const HEREDOC_INSTRUCTIONS = new Set(["RUN", "COPY", "ADD"]);

const isBlank = (code: number): boolean =>
  code === 32 || code === 9 || code === 13 || code === 12 || code === 11;

/** Index of the first non-blank character of `text` in [from, to), or `to`. */
function skipBlanks(text: string, from: number, to: number): number {
  let index = from;
  while (index < to && isBlank(text.charCodeAt(index))) index += 1;
  return index;
}

/** `text` without trailing blanks (index past the last non-blank in [from, to)). */
function trimEnd(text: string, from: number, to: number): number {
  let end = to;
  while (end > from && isBlank(text.charCodeAt(end - 1))) end -= 1;
  return end;
}

/**
 * Characters `String.prototype.trim` removes (ECMAScript WhiteSpace and LineTerminator): the lexer
 * trims with them where the text used to be trimmed with `trim()`, without slicing a string first.
 */
function isTrimmed(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 160) return false;
  return (
    code === 160 ||
    code === 5760 ||
    (code >= 8192 && code <= 8202) ||
    code === 8232 ||
    code === 8233 ||
    code === 8239 ||
    code === 8287 ||
    code === 12288 ||
    code === 65279
  );
}

/**
 * A cursor over the physical lines of the text, without splitting it into an array: lines end at "\n",
 * a trailing "\r" is dropped (bufio.ScanLines, as BuildKit reads), and "a\n" has two lines ("a", "")
 * like `text.split("\n")`.
 */
class Lines {
  /** Start of the next line; past `text.length` when all lines are read. */
  next = 0;
  /** 1-based number of the current line (0 before the first). */
  number = 0;
  /** The current line is text[start, end). */
  start = 0;
  end = 0;

  constructor(readonly text: string) {}

  /** Moves to the next line; false when there is none. */
  advance(): boolean {
    const text = this.text;
    if (this.next > text.length) return false;
    let newline = text.indexOf("\n", this.next);
    if (newline < 0) newline = text.length;
    this.start = this.next;
    this.end = newline > this.start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
    this.next = newline + 1;
    this.number += 1;
    return true;
  }

  /** The first non-blank position of the current line (its end when it is blank). */
  firstNonBlank(): number {
    return skipBlanks(this.text, this.start, this.end);
  }

  /** True when the current line is empty after `trim()`. */
  isEmpty(): boolean {
    for (let index = this.start; index < this.end; index += 1)
      if (!isTrimmed(this.text.charCodeAt(index))) return false;
    return true;
  }

  /** True when the current line starts with `#` after blanks: BuildKit drops it, also inside continuations. */
  isComment(): boolean {
    const first = this.firstNonBlank();
    return first < this.end && this.text.charCodeAt(first) === 35;
  }
}

/** `# escape=\`` among the parser directives at the top of the file; "\\" otherwise. */
function escapeCharacter(text: string): string {
  let escape = "\\";
  const lines = new Lines(text);
  while (lines.advance()) {
    const start = lines.firstNonBlank();
    if (start >= lines.end || text.charCodeAt(start) !== 35) break;
    const equals = text.indexOf("=", start);
    if (equals < 0 || equals >= lines.end) break;
    const name = text
      .slice(start + 1, equals)
      .trim()
      .toLowerCase();
    if (!/^[a-z][a-z0-9]*$/.test(name)) break;
    const value = text.slice(equals + 1, lines.end).trim();
    if (name === "escape" && (value === "`" || value === "\\")) escape = value;
  }
  // Directives are comments too; the main loop skips them as such.
  return escape;
}

/**
 * Splits `text` at unquoted blanks, removing quotes and escapes (BuildKit's shell-word rules, simplified).
 */
export function splitWords(text: string, escape = "\\"): string[] {
  // Words are collected in a reused array and copied out at their exact count: an array that grew by
  // `push` from empty keeps room for 17 elements, 150 bytes for a one-word instruction, and every
  // instruction's words live as long as the analysis (garbage-collection time).
  const words = wordScratch;
  words.length = 0;
  let word = "";
  let inWord = false;
  const length = text.length;
  const escapeCode = escape.charCodeAt(0);
  let index = 0;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (isBlank(code) || code === 10) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      index += 1;
      continue;
    }
    inWord = true;
    if (code === escapeCode && index + 1 < length) {
      word += text[index + 1];
      index += 2;
    } else if (code === 39 /* ' */) {
      const close = text.indexOf("'", index + 1);
      const end = close < 0 ? length : close;
      word += text.slice(index + 1, end);
      index = end + 1;
    } else if (code === 34 /* " */) {
      // Runs of plain characters are sliced, not appended one by one (a 1 MB word stays cheap).
      index += 1;
      let runStart = index;
      for (; index < length && text.charCodeAt(index) !== 34; index += 1) {
        const next = text[index + 1];
        if (
          text.charCodeAt(index) === escapeCode &&
          next !== undefined &&
          (next === '"' || next === escape || next === "$")
        ) {
          word += text.slice(runStart, index) + next;
          index += 1;
          runStart = index + 1;
        }
      }
      word += text.slice(runStart, index);
      index += 1;
    } else {
      let end = index + 1;
      for (; end < length; end += 1) {
        const next = text.charCodeAt(end);
        if (isBlank(next) || next === 10 || next === 39 || next === 34 || next === escapeCode) break;
      }
      word += text.slice(index, end);
      index = end;
    }
  }
  if (inWord) words.push(word);
  const result = words.slice();
  words.length = 0;
  return result;
}

const wordScratch: string[] = [];

/**
 * Leading `--name[=value]` words of an instruction's arguments (`text`, trimmed); `rest` is where the
 * arguments after them start.
 */
function extractFlags(text: string, escape: string): { flags: InstructionFlag[]; rest: number } {
  const flags: InstructionFlag[] = [];
  let index = 0;
  while (text.startsWith("--", index)) {
    // A flag ends at the first unquoted blank.
    let end = index;
    let quote: string | undefined;
    for (; end < text.length; end += 1) {
      const char = text[end] as string;
      if (quote !== undefined) {
        if (char === quote) quote = undefined;
      } else if (char === '"' || char === "'") quote = char;
      else if (isBlank(char.charCodeAt(0)) || char === "\n") break;
    }
    const word = splitWords(text.slice(index, end), escape)[0] ?? "";
    if (word === "--") break;
    const equals = word.indexOf("=");
    flags.push({
      name: (equals < 0 ? word.slice(2) : word.slice(2, equals)).toLowerCase(),
      value: equals < 0 ? null : word.slice(equals + 1),
    });
    index = skipBlanks(text, end, text.length);
  }
  return { flags, rest: index };
}

/** Heredoc markers of a logical line (`<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<EOF`), in order. */
function heredocMarkers(text: string, escape: string): Array<{ name: string; stripTabs: boolean }> {
  const markers: Array<{ name: string; stripTabs: boolean }> = [];
  for (let at = text.indexOf("<<"); at >= 0; at = text.indexOf("<<", at + 2)) {
    // Only at the start of a word (optionally after a file-descriptor number).
    let before = at - 1;
    while (before >= 0 && text.charCodeAt(before) >= 48 && text.charCodeAt(before) <= 57) before -= 1;
    if (before >= 0 && !isBlank(text.charCodeAt(before))) continue;
    let start = at + 2;
    const stripTabs = text[start] === "-";
    if (stripTabs) start += 1;
    let end = start;
    while (end < text.length && !isBlank(text.charCodeAt(end)) && text[end] !== "<") end += 1;
    if (text[end] === "<") continue;
    const name = splitWords(text.slice(start, end), escape)[0] ?? "";
    if (name !== "" && !name.includes("<")) markers.push({ name, stripTabs });
    at = end - 2;
  }
  return markers;
}

/** Strips leading tabs (for `<<-`). */
function stripLeadingTabs(line: string): string {
  let index = 0;
  while (line.charCodeAt(index) === 9) index += 1;
  return line.slice(index);
}

import type { ShellCommand } from "./types";

/**
 * Instructions with more argument text than this are kept as objects once made (`InstructionTable.get`):
 * their words and shell commands are worth keeping, and there are at most 1 MiB / 1 KiB of them.
 */
const LONG_INSTRUCTION_CHARS = 1024;

// Fields of an instruction in `InstructionTable.fields` (FIELDS numbers per instruction).
const LINE = 0;
/** -1: the instruction is in the source text; else the index of its joined continuation lines. */
const TEXT = 1;
const WORD_START = 2;
const WORD_END = 3;
const ARGUMENTS_START = 4;
const ARGUMENTS_END = 5;
const FIELDS = 6;

// `InstructionTable.keywords` value of a word that is no instruction; bit 64: written in another case.
const UNKNOWN_KEYWORD = 255;
const OTHER_CASE = 64;

/** Flags and heredocs of an instruction that has them (most have neither). */
interface InstructionExtras {
  flags: InstructionFlag[];
  /** The arguments after the flags, trimmed. */
  argumentText: string;
  heredocs: Heredoc[];
}

/**
 * The instructions of a Dockerfile, stored without an object per instruction: numbers in typed arrays
 * (line, where the instruction word and the arguments are in the text) and strings sliced only when an
 * instruction is looked at (`get`). 1 MiB of `RUN a` lines is 174,000 instructions; an object each that
 * lives through the analysis cost 60-140 ms of garbage collection here, against the 100 ms bound
 * (docs/ROBUSTNESS-DOCKERFILE.md). The instruction objects `get` returns die young, which costs nothing.
 */
export class InstructionTable {
  count = 0;
  /** The line of the first instruction past the `maxInstructions` of lexDockerfile, if there is one. */
  overLimitLine: number | undefined;
  private fields = new Int32Array(64 * FIELDS);
  private keywords = new Uint8Array(64);
  /** Logical lines joined from continuation lines (an instruction's TEXT indexes them). */
  private readonly joined: string[] = [];
  private readonly extras = new Map<number, InstructionExtras>();
  /** Long instructions made into objects so far (LONG_INSTRUCTION_CHARS). */
  private readonly long = new Map<number, LexedInstruction>();

  constructor(
    readonly source: string,
    readonly escape: string,
  ) {}

  add(
    text: string,
    line: number,
    keywordCode: number,
    wordStart: number,
    wordEnd: number,
    argumentsStart: number,
    argumentsEnd: number,
    extras: InstructionExtras | undefined,
  ): void {
    const index = this.count;
    if (index === this.keywords.length) {
      const fields = new Int32Array(this.fields.length * 2);
      fields.set(this.fields);
      this.fields = fields;
      const keywords = new Uint8Array(this.keywords.length * 2);
      keywords.set(this.keywords);
      this.keywords = keywords;
    }
    const at = index * FIELDS;
    const fields = this.fields;
    fields[at + LINE] = line;
    if (text === this.source) fields[at + TEXT] = -1;
    else {
      fields[at + TEXT] = this.joined.length;
      this.joined.push(text);
    }
    fields[at + WORD_START] = wordStart;
    fields[at + WORD_END] = wordEnd;
    fields[at + ARGUMENTS_START] = argumentsStart;
    fields[at + ARGUMENTS_END] = argumentsEnd;
    this.keywords[index] = keywordCode;
    if (extras !== undefined) this.extras.set(index, extras);
    this.count = index + 1;
  }

  private text(index: number): string {
    const id = this.fields[index * FIELDS + TEXT] as number;
    return id < 0 ? this.source : (this.joined[id] as string);
  }

  /** The upper-cased instruction word of instruction `index`, without creating the instruction. */
  keyword(index: number): string {
    const code = this.keywords[index] as number;
    if (code !== UNKNOWN_KEYWORD) return KEYWORDS[code & ~OTHER_CASE] as string;
    const at = index * FIELDS;
    return this.text(index)
      .slice(this.fields[at + WORD_START], this.fields[at + WORD_END])
      .toUpperCase();
  }

  line(index: number): number {
    return this.fields[index * FIELDS + LINE] as number;
  }

  /** True when instruction `index` has no arguments after its flags. */
  hasNoArguments(index: number): boolean {
    const extras = this.extras.get(index);
    if (extras !== undefined) return extras.argumentText === "";
    const at = index * FIELDS;
    return this.fields[at + ARGUMENTS_START] === this.fields[at + ARGUMENTS_END];
  }

  /**
   * Instruction `index` as an object: a new one each time (callers use it and let it go), except for a
   * long instruction, which is made once, so that its words and shell commands are split once.
   */
  get(index: number): LexedInstruction {
    const at = index * FIELDS;
    const fields = this.fields;
    const long =
      (fields[at + ARGUMENTS_END] as number) - (fields[at + ARGUMENTS_START] as number) >
      LONG_INSTRUCTION_CHARS;
    if (long) {
      const made = this.long.get(index);
      if (made !== undefined) return made;
    }
    const text = this.text(index);
    const code = this.keywords[index] as number;
    const wordStart = fields[at + WORD_START] as number;
    const wordEnd = fields[at + WORD_END] as number;
    let keyword: string;
    let written: string;
    if (code === UNKNOWN_KEYWORD || (code & OTHER_CASE) !== 0) {
      written = text.slice(wordStart, wordEnd);
      keyword = code === UNKNOWN_KEYWORD ? written.toUpperCase() : (KEYWORDS[code & ~OTHER_CASE] as string);
    } else {
      keyword = KEYWORDS[code] as string;
      written = keyword;
    }
    const rawArguments = text.slice(fields[at + ARGUMENTS_START], fields[at + ARGUMENTS_END]);
    const extras = this.extras.get(index);
    const instruction = new LexedInstruction(
      keyword,
      written,
      fields[at + LINE] as number,
      rawArguments,
      extras === undefined ? rawArguments : extras.argumentText,
      extras === undefined ? NO_FLAGS : extras.flags,
      extras === undefined ? NO_HEREDOCS : extras.heredocs,
      this.escape,
    );
    if (long) this.long.set(index, instruction);
    return instruction;
  }
}

// Every instruction `docker build` knows (Dockerfile reference), the most frequent first.
const KEYWORDS = [
  "RUN", "COPY", "ENV", "ARG", "FROM", "WORKDIR", "USER", "ADD", "LABEL", "EXPOSE", "CMD", "ENTRYPOINT",
  "HEALTHCHECK", "VOLUME", "SHELL", "STOPSIGNAL", "ONBUILD", "MAINTAINER",
]; // prettier-ignore

/** The index in KEYWORDS of text[from, to) upper-cased (+ OTHER_CASE unless written upper-case), or UNKNOWN_KEYWORD. */
function keywordCode(text: string, from: number, to: number): number {
  const length = to - from;
  for (let index = 0; index < KEYWORDS.length; index += 1) {
    const keyword = KEYWORDS[index] as string;
    if (keyword.length === length && text.startsWith(keyword, from)) return index;
  }
  if (length > 11) return UNKNOWN_KEYWORD;
  const upper = text.slice(from, to).toUpperCase();
  const index = KEYWORDS.indexOf(upper);
  return index < 0 ? UNKNOWN_KEYWORD : index | OTHER_CASE;
}

/**
 * The instructions of `text`, in order. Never throws for any string; malformed instructions are
 * reported by the caller (unknown keyword, missing arguments). Stops at the first instruction past
 * `maxInstructions` and records its line as `overLimitLine`. One pass over the text: a line that
 * does not continue is read in place (no copy of it), continuation lines are joined.
 */
export function lexDockerfile(text: string, maxInstructions = Number.POSITIVE_INFINITY): InstructionTable {
  // BuildKit drops a UTF-8 byte-order mark.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const escape = escapeCharacter(source);
  const escapeCode = escape.charCodeAt(0);
  const table = new InstructionTable(source, escape);
  const lines = new Lines(source);
  while (lines.advance()) {
    const start = lines.firstNonBlank();
    if (start === lines.end || source.charCodeAt(start) === 35) continue;
    const startLine = lines.number;
    // Past the limit the caller rejects the text: stop here instead of lexing the rest of it.
    if (table.count >= maxInstructions) {
      table.overLimitLine = startLine;
      return table;
    }

    // The logical line is logical[from, to): the line itself in place, or its continuation lines joined
    // (a line ending in the escape character, trailing blanks ignored, goes on).
    let logical = source;
    let from = start;
    let to = lines.end;
    let end = trimEnd(source, start, to);
    if (source.charCodeAt(end - 1) === escapeCode) {
      const joined = new JoinedLine(source);
      joined.append(start, end - 1);
      for (;;) {
        // Comment lines and empty lines inside a continuation are skipped, as BuildKit does.
        let more = lines.advance();
        while (more && (lines.isComment() || lines.isEmpty())) more = lines.advance();
        if (!more) break;
        end = trimEnd(source, lines.start, lines.end);
        if (end === lines.start || source.charCodeAt(end - 1) !== escapeCode) {
          joined.append(lines.start, lines.end);
          break;
        }
        joined.append(lines.start, end - 1);
      }
      logical = joined.text();
      from = 0;
      to = logical.length;
    }

    let wordEnd = from;
    while (wordEnd < to && !isBlank(logical.charCodeAt(wordEnd))) wordEnd += 1;
    // Arguments trimmed as `trim()` would, without slicing them here.
    let argumentsStart = wordEnd;
    while (argumentsStart < to && isTrimmed(logical.charCodeAt(argumentsStart))) argumentsStart += 1;
    let argumentsEnd = to;
    while (argumentsEnd > argumentsStart && isTrimmed(logical.charCodeAt(argumentsEnd - 1)))
      argumentsEnd -= 1;

    let extras: InstructionExtras | undefined;
    const code = keywordCode(logical, from, wordEnd);
    const keyword = code === UNKNOWN_KEYWORD ? "" : (KEYWORDS[code & ~OTHER_CASE] as string);
    const hasFlags = argumentsEnd - argumentsStart >= 2 && logical.startsWith("--", argumentsStart);
    const heredocInstruction = HEREDOC_INSTRUCTIONS.has(keyword);
    if (hasFlags || (heredocInstruction && containsHeredocMarker(logical, argumentsStart, argumentsEnd))) {
      const rawArguments = logical.slice(argumentsStart, argumentsEnd);
      let flags = NO_FLAGS;
      // The arguments after the flags: as they follow the flags (for heredoc markers), and trimmed.
      let rest = rawArguments;
      if (hasFlags) {
        const extracted = extractFlags(rawArguments, escape);
        if (extracted.flags.length > 0) flags = extracted.flags;
        rest = rawArguments.slice(extracted.rest);
      }
      let heredocs = NO_HEREDOCS;
      if (heredocInstruction && rest.includes("<<")) {
        for (const marker of heredocMarkers(rest, escape)) {
          const body: string[] = [];
          while (lines.advance()) {
            const raw = source.slice(lines.start, lines.end);
            const line = marker.stripTabs ? stripLeadingTabs(raw) : raw;
            if (line === marker.name) break;
            body.push(line);
          }
          if (heredocs === NO_HEREDOCS) heredocs = [];
          heredocs.push({ name: marker.name, body: body.join("\n") });
        }
      }
      if (flags !== NO_FLAGS || heredocs !== NO_HEREDOCS || rest !== rawArguments)
        extras = { flags, argumentText: rest.trim(), heredocs };
    }
    table.add(logical, startLine, code, from, wordEnd, argumentsStart, argumentsEnd, extras);
  }
  return table;
}

/**
 * The pieces of a continued line, copied into one buffer of UTF-16 code units and made into a string
 * at the end: 260,000 continuation lines as 260,000 string slices lived until the join, and cost more
 * garbage-collection time than the 100 ms bound. Exact for any code unit (lone surrogates included).
 */
class JoinedLine {
  private buffer = new Uint16Array(256);
  private length = 0;

  constructor(private readonly source: string) {}

  append(from: number, to: number): void {
    const needed = this.length + (to - from);
    if (needed > this.buffer.length) {
      const larger = new Uint16Array(Math.max(needed, this.buffer.length * 2));
      larger.set(this.buffer.subarray(0, this.length));
      this.buffer = larger;
    }
    for (let index = from; index < to; index += 1) this.buffer[this.length++] = this.source.charCodeAt(index);
  }

  text(): string {
    // In chunks: `String.fromCharCode` takes its code units as arguments.
    const chunks: string[] = [];
    for (let start = 0; start < this.length; start += 8192)
      chunks.push(String.fromCharCode(...this.buffer.subarray(start, Math.min(start + 8192, this.length))));
    return chunks.join("");
  }
}

/** True when text[from, to) contains "<<" (searched within the line only, not to the end of the file). */
function containsHeredocMarker(text: string, from: number, to: number): boolean {
  for (let index = from; index + 1 < to; index += 1)
    if (text.charCodeAt(index) === 60 && text.charCodeAt(index + 1) === 60) return true;
  return false;
}
