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

export interface LexedInstruction {
  /** Upper-cased instruction word. */
  keyword: string;
  /** The instruction word as written (for error messages). */
  written: string;
  /** 1-based physical line the instruction starts on. */
  line: number;
  /** Everything after the instruction word on the logical line (flags included), trimmed. */
  rawArguments: string;
  /** The arguments after the flags, trimmed; heredoc bodies are not part of it. */
  argumentText: string;
  flags: InstructionFlag[];
  heredocs: Heredoc[];
}

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

/** Physical lines: split at "\n", a trailing "\r" dropped (bufio.ScanLines, as BuildKit reads). */
function physicalLines(text: string): string[] {
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? "";
    if (line.endsWith("\r")) lines[index] = line.slice(0, -1);
  }
  return lines;
}

/** `# escape=\`` among the parser directives at the top of the file; "\\" otherwise. */
function escapeCharacter(lines: readonly string[]): string {
  let escape = "\\";
  let index = 0;
  for (; index < lines.length; index += 1) {
    const line = lines[index] ?? "";
    const start = skipBlanks(line, 0, line.length);
    if (line[start] !== "#") break;
    const equals = line.indexOf("=", start);
    if (equals < 0) break;
    const name = line
      .slice(start + 1, equals)
      .trim()
      .toLowerCase();
    if (!/^[a-z][a-z0-9]*$/.test(name)) break;
    const value = line.slice(equals + 1).trim();
    if (name === "escape" && (value === "`" || value === "\\")) escape = value;
  }
  // Directives are comments too; the main loop skips them as such.
  return escape;
}

/** True when `line` (after leading blanks) starts with `#`: BuildKit drops it, also inside continuations. */
function isCommentLine(line: string): boolean {
  return line[skipBlanks(line, 0, line.length)] === "#";
}

/**
 * Splits `text` at unquoted blanks, removing quotes and escapes (BuildKit's shell-word rules, simplified).
 * Stops once it has more than `maxWords` words.
 */
export function splitWords(text: string, escape = "\\", maxWords = Number.POSITIVE_INFINITY): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  const length = text.length;
  const escapeCode = escape.charCodeAt(0);
  let index = 0;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (isBlank(code) || code === 10) {
      if (inWord) words.push(word);
      // One word more than allowed tells the caller the limit is passed; the rest is not read.
      if (words.length > maxWords) return words;
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
  return words;
}

/** Leading `--name[=value]` words of an instruction's arguments, and where the rest starts. */
function extractFlags(
  text: string,
  escape: string,
  maxFlags: number,
): { flags: InstructionFlag[]; rest: string } {
  const flags: InstructionFlag[] = [];
  let index = skipBlanks(text, 0, text.length);
  // One flag past `maxFlags` is enough for the caller to reject the instruction; the rest is not read.
  while (text.startsWith("--", index) && flags.length <= maxFlags) {
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
  return { flags, rest: text.slice(index) };
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

/**
 * The instructions of `text`, in order. Never throws for any string; malformed instructions are
 * reported by the caller (unknown keyword, missing arguments). Stops at the first instruction past
 * `maxInstructions` and returns its line as `overLimitLine`, and reads at most `maxFlags` + 1 flags of
 * an instruction (the caller rejects more).
 */
export function lexDockerfile(
  text: string,
  maxInstructions = Number.POSITIVE_INFINITY,
  maxFlags = Number.POSITIVE_INFINITY,
): { instructions: LexedInstruction[]; escape: string; overLimitLine?: number } {
  // BuildKit drops a UTF-8 byte-order mark.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = physicalLines(source);
  const escape = escapeCharacter(lines);
  const instructions: LexedInstruction[] = [];
  let index = 0;
  while (index < lines.length) {
    const first = lines[index] ?? "";
    const startLine = index + 1;
    index += 1;
    const start = skipBlanks(first, 0, first.length);
    if (start === first.length || first[start] === "#") continue;
    // Past the limit the caller rejects the text: stop here instead of lexing the rest of it.
    if (instructions.length >= maxInstructions) return { instructions, escape, overLimitLine: startLine };

    // Join continuation lines: a line ending in the escape character (trailing blanks ignored) goes on.
    const parts: string[] = [];
    let current = first.slice(start);
    for (;;) {
      const end = trimEnd(current, 0, current.length);
      if (end === 0 || current[end - 1] !== escape) {
        parts.push(current);
        break;
      }
      parts.push(current.slice(0, end - 1));
      // Comment lines and empty lines inside a continuation are skipped, as BuildKit does.
      while (
        index < lines.length &&
        (isCommentLine(lines[index] ?? "") || (lines[index] ?? "").trim() === "")
      )
        index += 1;
      if (index >= lines.length) break;
      current = lines[index] ?? "";
      index += 1;
    }
    const logical = parts.join("");

    let wordEnd = 0;
    while (wordEnd < logical.length && !isBlank(logical.charCodeAt(wordEnd))) wordEnd += 1;
    const written = logical.slice(0, wordEnd);
    const keyword = written.toUpperCase();
    const rawArguments = logical.slice(wordEnd).trim();
    const { flags, rest } = extractFlags(rawArguments, escape, maxFlags);

    const heredocs: Heredoc[] = [];
    if (HEREDOC_INSTRUCTIONS.has(keyword)) {
      for (const marker of heredocMarkers(rest, escape)) {
        const body: string[] = [];
        while (index < lines.length) {
          const raw = lines[index] ?? "";
          index += 1;
          const line = marker.stripTabs ? stripLeadingTabs(raw) : raw;
          if (line === marker.name) break;
          body.push(line);
        }
        heredocs.push({ name: marker.name, body: body.join("\n") });
      }
    }
    instructions.push({
      keyword,
      written,
      line: startLine,
      rawArguments,
      argumentText: rest.trim(),
      flags,
      heredocs,
    });
  }
  return { instructions, escape };
}
