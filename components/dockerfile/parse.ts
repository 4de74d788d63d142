import { InternalError } from "../errors";
import {
  lexDockerfile,
  splitWords,
  type Heredoc,
  type InstructionFlag,
  type LexedInstruction,
} from "./lexer";

/**
 * The text is not a Dockerfile `docker build` would accept. The message names the line, what is wrong and
 * how to fix it, because it is shown as-is in `pulumi preview`.
 */
export class DockerfileParseError extends Error {
  /** 1-based line of the problem; undefined when it concerns the whole file. */
  readonly line: number | undefined;
  readonly problem: string;
  readonly fix: string;

  constructor(line: number | undefined, problem: string, fix: string) {
    super(`${line === undefined ? "Dockerfile" : `Dockerfile line ${line}`}: ${problem}. Fix: ${fix}`);
    this.name = "DockerfileParseError";
    this.line = line;
    this.problem = problem;
    this.fix = fix;
  }
}

export type { InstructionFlag, Heredoc } from "./lexer";

/** The most text the analyzer reads; larger input is rejected up front (issue 12: bounded on any input). */
export const MAX_DOCKERFILE_CHARS = 1_048_576;

/**
 * The most instructions the parser reads (issue 12: 100 ms of CPU for any input). 1 MiB of one short
 * instruction per line is 65,000 instructions and took 0.3–1.2 s to analyze; each instruction costs a
 * few microseconds however lean the rules are. Real Dockerfiles have tens to a few hundred.
 */
export const MAX_DOCKERFILE_INSTRUCTIONS = 2_000;

/**
 * The most argument words (flags included) of all instructions together the parser reads: one ENV of
 * 130,000 pairs or one RUN continued over 260,000 lines is read by the rules word by word (0.1 s and
 * more). Real Dockerfiles have a few thousand.
 */
export const MAX_DOCKERFILE_WORDS = 20_000;

export interface ParsedInstruction {
  keyword: string;
  /** 1-based line the instruction starts on. */
  line: number;
  /** Everything after the keyword, flags included, as written (continuations joined): what a fix keeps. */
  rawArguments: string;
  /** Arguments after the flags (continuations joined, comment lines dropped, heredoc bodies left out). */
  argumentText: string;
  /**
   * Arguments after the flags as Docker reads them: the elements of a JSON array (exec form) when
   * `json`, else the words with quotes and escapes removed (`COPY "a b" /x` → `a b`, `/x`).
   */
  argumentWords: string[];
  /** The arguments are a JSON array of strings (exec form of RUN/CMD/ENTRYPOINT, JSON form of COPY/ADD). */
  json: boolean;
  flags: InstructionFlag[];
  heredocs: Heredoc[];
}

export interface ImageReference {
  /** The FROM argument after ARG substitution, e.g. "node:22-bookworm-slim". */
  resolved: string;
  /** Without registry prefixes `docker.io/` and `library/`, e.g. "node" or "gcr.io/distroless/static". */
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

export interface ParsedStage {
  index: number;
  /** The `AS` name, lower-cased as Docker compares it. */
  name: string | undefined;
  /** What findings call the stage: its name, or its index as `COPY --from` would. */
  label: string;
  fromLine: number;
  /** The FROM argument as written, before substitution. */
  baseWritten: string;
  /** The external base image; undefined when the base is an earlier stage or an ARG without a default. */
  baseImage: ImageReference | undefined;
  /** Index of the earlier stage this one is built FROM. */
  parentStageIndex: number | undefined;
  baseUnresolved: boolean;
  /** Flags of the stage's FROM, e.g. `--platform=$BUILDPLATFORM`. */
  fromFlags: InstructionFlag[];
  instructions: ParsedInstruction[];
}

export interface ParsedDockerfile {
  globalArgs: ParsedInstruction[];
  stages: ParsedStage[];
  /** Stage indices whose layers make up the built image: the target and its FROM ancestors, root first. */
  finalChain: number[];
}

// Every instruction `docker build` knows (Dockerfile reference). Anything else is a typo or a broken
// line continuation, and Docker would reject the file.
const KNOWN_INSTRUCTIONS = new Set([
  "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
  "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
]); // prettier-ignore

// Instructions whose arguments Docker reads as a JSON array when they are one (Dockerfile reference,
// "shell and exec form"; COPY/ADD: "COPY [\"<src>\", ... \"<dest>\"]").
const JSON_FORM_INSTRUCTIONS = new Set(["RUN", "CMD", "ENTRYPOINT", "COPY", "ADD", "SHELL", "VOLUME"]);

function jsonWords(text: string): string[] | undefined {
  if (!text.startsWith("[")) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not valid JSON: Docker runs it in a shell (RUN/CMD) or reads it as words.
    return undefined;
  }
  return Array.isArray(value) && value.every((word) => typeof word === "string") ? value : undefined;
}

function toParsedInstruction(
  instruction: LexedInstruction,
  escape: string,
  maxWords: number,
): ParsedInstruction {
  const json = JSON_FORM_INSTRUCTIONS.has(instruction.keyword)
    ? jsonWords(instruction.argumentText)
    : undefined;
  return {
    keyword: instruction.keyword,
    line: instruction.line,
    rawArguments: instruction.rawArguments,
    argumentText: instruction.argumentText,
    argumentWords: json ?? splitWords(instruction.argumentText, escape, maxWords),
    json: json !== undefined,
    flags: instruction.flags,
    heredocs: instruction.heredocs,
  };
}

const isNameStart = (char: string | undefined): boolean =>
  char !== undefined && ((char >= "A" && char <= "Z") || (char >= "a" && char <= "z") || char === "_");
const isNameChar = (char: string | undefined): boolean =>
  isNameStart(char) || (char !== undefined && char >= "0" && char <= "9");

/**
 * Replaces $NAME, ${NAME}, ${NAME:-default} and ${NAME-default} (and :+ / +) with the ARG defaults given.
 * A scanner, not a regular expression: `${a:-${a:-...` without closing braces must stay linear.
 */
export function substituteVariables(
  text: string,
  values: ReadonlyMap<string, string | undefined>,
): { text: string; unresolved: boolean } {
  let unresolved = false;
  let out = "";
  let index = 0;
  let nextClose = -2;
  const lookup = (name: string, operator: string | undefined, word: string): string => {
    const value = values.get(name);
    const isSet = value !== undefined && (value !== "" || operator === "-" || operator === "+");
    if (operator?.endsWith("+")) return isSet ? word : "";
    if (operator?.endsWith("-") && !isSet) return word;
    if (value === undefined) {
      unresolved = true;
      return "";
    }
    return value;
  };
  while (index < text.length) {
    const dollar = text.indexOf("$", index);
    if (dollar < 0) break;
    out += text.slice(index, dollar);
    index = dollar + 1;
    if (text[index] === "{") {
      let nameEnd = index + 1;
      if (isNameStart(text[nameEnd])) while (isNameChar(text[nameEnd])) nameEnd += 1;
      const name = text.slice(index + 1, nameEnd);
      // The next "}" is searched for again only once passed: `${a:-${a:-...` without any "}" must not
      // rescan the rest of the text at every "$".
      if (nextClose !== -1 && nextClose < nameEnd) nextClose = text.indexOf("}", nameEnd);
      const close = nextClose;
      let operator: string | undefined;
      let operatorEnd = nameEnd;
      if (text[nameEnd] === ":" && (text[nameEnd + 1] === "-" || text[nameEnd + 1] === "+")) {
        operator = text.slice(nameEnd, nameEnd + 2);
        operatorEnd = nameEnd + 2;
      } else if (text[nameEnd] === "-" || text[nameEnd] === "+") {
        operator = text[nameEnd];
        operatorEnd = nameEnd + 1;
      }
      if (name !== "" && close >= 0 && (operator !== undefined || close === nameEnd)) {
        out += lookup(name, operator, text.slice(operatorEnd, close));
        index = close + 1;
        continue;
      }
      out += "$";
      continue;
    }
    if (isNameStart(text[index])) {
      let nameEnd = index;
      while (isNameChar(text[nameEnd])) nameEnd += 1;
      out += lookup(text.slice(index, nameEnd), undefined, "");
      index = nameEnd;
      continue;
    }
    out += "$";
  }
  out += text.slice(index);
  return { text: out, unresolved };
}

export function parseImageReference(resolved: string): ImageReference {
  let rest = resolved;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const repository = rest
    .toLowerCase()
    .replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, "")
    .replace(/^library\//, "");
  return { resolved, repository, tag: tag === "" ? undefined : tag, digest };
}

function assertWellFormed(instructions: readonly LexedInstruction[]): void {
  let seenFrom = false;
  for (const instruction of instructions) {
    const { keyword, line } = instruction;
    if (!KNOWN_INSTRUCTIONS.has(keyword)) {
      throw new DockerfileParseError(
        line,
        `unknown instruction "${instruction.written}"`,
        "start the line with a Dockerfile instruction (FROM, RUN, COPY, ...), or end the previous line with \\ if it continues there",
      );
    }
    if (!seenFrom && keyword !== "ARG" && keyword !== "FROM") {
      throw new DockerfileParseError(
        line,
        `${keyword} before the first FROM (only ARG may come before FROM)`,
        "start the build stage with FROM <image> before this line",
      );
    }
    if (instruction.argumentText === "") {
      throw new DockerfileParseError(
        line,
        `${keyword} has no arguments`,
        `give ${keyword} its arguments (see https://docs.docker.com/reference/dockerfile/#${keyword.toLowerCase()})`,
      );
    }
    if (keyword === "FROM") seenFrom = true;
  }
  if (!seenFrom) {
    throw new DockerfileParseError(
      undefined,
      "no FROM instruction, so this is not a Dockerfile",
      "begin the build with FROM <image> (e.g. FROM node:22-bookworm-slim)",
    );
  }
}

/** `NAME=value` pairs of an ARG (several per line allowed); value undefined when there is no `=`. */
export function argPairs(arg: ParsedInstruction): Array<[string, string | undefined]> {
  return arg.argumentWords.map((word) => {
    const equals = word.indexOf("=");
    return equals < 0 ? [word, undefined] : [word.slice(0, equals), word.slice(equals + 1)];
  });
}

function argDefaults(args: readonly ParsedInstruction[]): Map<string, string | undefined> {
  const defaults = new Map<string, string | undefined>();
  for (const arg of args) {
    if (arg.keyword !== "ARG") continue;
    for (const [name, value] of argPairs(arg)) defaults.set(name, value);
  }
  return defaults;
}

function parseUnchecked(text: string, target: string | undefined): ParsedDockerfile {
  const {
    instructions: lexed,
    escape,
    overLimitLine,
  } = lexDockerfile(text, MAX_DOCKERFILE_INSTRUCTIONS, MAX_DOCKERFILE_WORDS);
  if (overLimitLine !== undefined) {
    throw new DockerfileParseError(
      overLimitLine,
      `this is instruction ${MAX_DOCKERFILE_INSTRUCTIONS + 1}, more than the ${MAX_DOCKERFILE_INSTRUCTIONS} instructions the analyzer reads (MAX_DOCKERFILE_INSTRUCTIONS) to answer within 100 ms`,
      "join related commands into one RUN with && (one layer instead of many), or split the build into several Dockerfiles; a real Dockerfile has a few hundred instructions at most",
    );
  }
  assertWellFormed(lexed);
  const instructions: ParsedInstruction[] = [];
  let remainingWords = MAX_DOCKERFILE_WORDS;
  for (const instruction of lexed) {
    const parsed = toParsedInstruction(instruction, escape, remainingWords);
    remainingWords -= parsed.argumentWords.length + parsed.flags.length;
    if (remainingWords < 0) {
      throw new DockerfileParseError(
        parsed.line,
        `the instructions up to this one have more than the ${MAX_DOCKERFILE_WORDS} words (flags included) the analyzer reads (MAX_DOCKERFILE_WORDS) to answer within 100 ms`,
        "move long lists into a file (e.g. packages in a requirements file, variables in an env file that is COPYed), or split the build into several Dockerfiles; a real Dockerfile has a few thousand words at most",
      );
    }
    instructions.push(parsed);
  }

  const firstFrom = instructions.findIndex((instruction) => instruction.keyword === "FROM");
  const globalInstructions = instructions.slice(0, firstFrom);
  const defaults = argDefaults(globalInstructions);
  const stages: ParsedStage[] = [];
  // Stage names seen so far (a FROM can only name an earlier stage): a map, so 100k stages stay linear.
  const stagesByName = new Map<string, ParsedStage>();
  for (const instruction of instructions.slice(firstFrom)) {
    if (instruction.keyword === "FROM") {
      const index = stages.length;
      const [written = "", asWord, stageName] = instruction.argumentWords;
      const substitution = substituteVariables(written, defaults);
      const resolvedLower = substitution.text.toLowerCase();
      const parent = stagesByName.get(resolvedLower);
      const name =
        asWord?.toLowerCase() === "as" && stageName !== undefined ? stageName.toLowerCase() : undefined;
      const isExternal = parent === undefined && !substitution.unresolved && substitution.text !== "";
      const stage: ParsedStage = {
        index,
        name,
        label: name ?? String(index),
        fromLine: instruction.line,
        baseWritten: written,
        baseImage: isExternal ? parseImageReference(substitution.text) : undefined,
        parentStageIndex: parent?.index,
        baseUnresolved: substitution.unresolved,
        fromFlags: instruction.flags,
        instructions: [],
      };
      stages.push(stage);
      if (name !== undefined && !stagesByName.has(name)) stagesByName.set(name, stage);
      continue;
    }
    stages[stages.length - 1]?.instructions.push(instruction);
  }

  let finalIndex = stages.length - 1;
  if (target !== undefined) {
    const targetStage = stagesByName.get(target.toLowerCase());
    if (targetStage === undefined) {
      const names = stages.map((stage) => stage.label);
      const listed = names.length > 20 ? `${names.slice(0, 20).join(", ")}, ...` : names.join(", ");
      throw new DockerfileParseError(
        undefined,
        `the target stage "${target}" is not defined`,
        `name a stage with FROM <image> AS ${target}, or build one of: ${listed}`,
      );
    }
    finalIndex = targetStage.index;
  }
  const finalChain: number[] = [];
  for (let index: number | undefined = finalIndex; index !== undefined;) {
    finalChain.push(index);
    index = stages[index]?.parentStageIndex;
  }
  finalChain.reverse();
  return { globalArgs: globalInstructions, stages, finalChain };
}

/** Rejects text larger than MAX_DOCKERFILE_CHARS before any work is done on it. */
export function assertDockerfileSize(text: string): void {
  if (text.length > MAX_DOCKERFILE_CHARS) {
    throw new DockerfileParseError(
      undefined,
      `the text is ${text.length} characters long, more than the ${MAX_DOCKERFILE_CHARS} (1 MiB) the analyzer reads`,
      "check that the file is the Dockerfile (not a build output or an archive); a real Dockerfile is far smaller",
    );
  }
}

/**
 * Parses Dockerfile text into stages. Throws DockerfileParseError for malformed or oversized text; any
 * other exception is a bug of this module and is thrown as InternalError (never as an input error).
 */
export function parseDockerfile(text: string, target?: string): ParsedDockerfile {
  assertDockerfileSize(text);
  try {
    return parseUnchecked(text, target);
  } catch (error) {
    if (error instanceof DockerfileParseError) throw error;
    throw new InternalError(
      `parseDockerfile failed unexpectedly, not because of the Dockerfile: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
