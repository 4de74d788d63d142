import { DockerfileParseError, InternalError } from "../common/errors";
import { lexDockerfile, type InstructionFlag, type InstructionTable, type LexedInstruction } from "./lexer";

export type { InstructionFlag, Heredoc } from "./lexer";

/** The most text the analyzer reads; larger input is rejected up front (issue 12: bounded on any input). */
export const MAX_DOCKERFILE_CHARS = 1_048_576;

/**
 * The most instructions the parser reads (issue 12: 100 ms of CPU for any input). Each instruction costs
 * about half a microsecond to a microsecond and a half of CPU, lexing, rules and garbage collection
 * included; 1 MiB of one short instruction per line is up to 174,000 of them (0.1–0.3 s). What the
 * layer tracker must remember grows with the instructions too: 30,000 COPYs of distinct paths or
 * installs of distinct packages took 100–210 ms on the shared development machine, so the limit is
 * 15,000 (docs/ROBUSTNESS-DOCKERFILE.md). It was 2,000 before the analyzer stopped keeping an object
 * per instruction. Real Dockerfiles have tens to a few hundred.
 */
export const MAX_DOCKERFILE_INSTRUCTIONS = 15_000;

/** An instruction of a parsed Dockerfile: the lexer's object (lexer.ts), words split on first use. */
export type ParsedInstruction = LexedInstruction;

export interface ImageReference {
  /** The FROM argument after ARG substitution, e.g. "node:22-bookworm-slim". */
  resolved: string;
  /** Without registry prefixes `docker.io/` and `library/`, e.g. "node" or "gcr.io/distroless/static". */
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

/**
 * One build stage, looked at through the parsed Dockerfile (made on demand by `ParsedDockerfile.stage`;
 * nothing here is computed for stages the analysis does not look at twice).
 */
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
  /** The stage's instructions after its FROM are `ParsedDockerfile.instruction(i)` for i in [first, end). */
  firstInstruction: number;
  endInstruction: number;
}

/**
 * A parsed Dockerfile. Instructions and stages are kept as numbers (lexer.ts `InstructionTable`, typed
 * arrays here) and made into objects when looked at, so that nothing per instruction or per stage
 * lives through the analysis: 1 MiB is up to 262,000 instructions or 87,000 stages, and objects that
 * survive cost garbage-collection time the 100 ms bound has no room for.
 */
export class ParsedDockerfile {
  /** Stage indices whose layers make up the built image: the target and its FROM ancestors, root first. */
  readonly finalChain: number[];

  constructor(
    private readonly table: InstructionTable,
    /** Index of the first FROM: instructions before it are the global ARGs. */
    readonly globalArgCount: number,
    /** Instruction index of each stage's FROM. */
    private readonly stageFroms: Int32Array,
    /** Index of each stage's parent stage, -1 for none. */
    private readonly stageParents: Int32Array,
    readonly stageCount: number,
    private readonly argDefaults: ReadonlyMap<string, string | undefined>,
    finalChain: number[],
  ) {
    this.finalChain = finalChain;
  }

  get instructionCount(): number {
    return this.table.count;
  }

  /** Instruction `index` (a new object each time). */
  instruction(index: number): ParsedInstruction {
    return this.table.get(index);
  }

  /** The line instruction `index` starts on, without making the instruction. */
  lineOf(index: number): number {
    return this.table.line(index);
  }

  /** The upper-cased keyword of instruction `index`, without making the instruction. */
  keyword(index: number): string {
    return this.table.keyword(index);
  }

  /** The global ARG instructions (before the first FROM). */
  get globalArgs(): ParsedInstruction[] {
    const args: ParsedInstruction[] = [];
    for (let index = 0; index < this.globalArgCount; index += 1) args.push(this.table.get(index));
    return args;
  }

  /** Stages with a long FROM (LONG_FROM_CHARS), made once. */
  private readonly longStages = new Map<number, ParsedStage>();

  /**
   * Stage `index`: a new object each time, except for a stage whose FROM is long, which is made once
   * (its ARG substitution is linear in the FROM's length; at most 1 MiB / LONG_FROM_CHARS are kept).
   */
  stage(index: number): ParsedStage {
    const made = this.longStages.get(index);
    if (made !== undefined) return made;
    const fromIndex = this.stageFroms[index] as number;
    const from = this.table.get(fromIndex);
    const { written, name } = fromWords(from);
    const stage = this.makeStage(
      index,
      fromIndex,
      from,
      written,
      name,
      substituteVariables(written, this.argDefaults),
    );
    if (from.rawArguments.length > LONG_FROM_CHARS) this.longStages.set(index, stage);
    return stage;
  }

  /** Keeps a stage with a long FROM the parser has just substituted (so it is substituted once). */
  keepLongStage(
    index: number,
    fromIndex: number,
    from: ParsedInstruction,
    written: string,
    name: string | undefined,
    substitution: { text: string; unresolved: boolean },
  ): void {
    if (from.rawArguments.length > LONG_FROM_CHARS)
      this.longStages.set(index, this.makeStage(index, fromIndex, from, written, name, substitution));
  }

  private makeStage(
    index: number,
    fromIndex: number,
    from: ParsedInstruction,
    written: string,
    name: string | undefined,
    substitution: { text: string; unresolved: boolean },
  ): ParsedStage {
    const parent = this.stageParents[index] as number;
    const isExternal = parent < 0 && !substitution.unresolved && substitution.text !== "";
    return {
      index,
      name,
      label: name ?? String(index),
      fromLine: from.line,
      baseWritten: written,
      baseImage: isExternal ? parseImageReference(substitution.text) : undefined,
      parentStageIndex: parent < 0 ? undefined : parent,
      baseUnresolved: substitution.unresolved,
      fromFlags: from.flags,
      firstInstruction: fromIndex + 1,
      endInstruction: index + 1 < this.stageCount ? (this.stageFroms[index + 1] as number) : this.table.count,
    };
  }

  /** Every stage (objects made now: for callers that look at a few stages of a small file). */
  get stages(): ParsedStage[] {
    const stages: ParsedStage[] = [];
    for (let index = 0; index < this.stageCount; index += 1) stages.push(this.stage(index));
    return stages;
  }

  /** The instructions of `stage` after its FROM (objects made now). */
  instructionsOf(stage: ParsedStage): ParsedInstruction[] {
    const instructions: ParsedInstruction[] = [];
    for (let index = stage.firstInstruction; index < stage.endInstruction; index += 1)
      instructions.push(this.table.get(index));
    return instructions;
  }
}

const LONG_FROM_CHARS = 1024;

/** The base as written and the lower-cased `AS` name of a FROM. */
function fromWords(from: ParsedInstruction): { written: string; name: string | undefined } {
  const [written = "", asWord, stageName] = from.argumentWords;
  const name =
    asWord?.toLowerCase() === "as" && stageName !== undefined ? stageName.toLowerCase() : undefined;
  return { written, name };
}

// Every instruction `docker build` knows (Dockerfile reference). Anything else is a typo or a broken
// line continuation, and Docker would reject the file.
const KNOWN_INSTRUCTIONS = new Set([
  "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
  "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
]); // prettier-ignore

const isNameStart = (char: string | undefined): boolean =>
  char !== undefined && ((char >= "A" && char <= "Z") || (char >= "a" && char <= "z") || char === "_");
const isNameChar = (char: string | undefined): boolean =>
  isNameStart(char) || (char !== undefined && char >= "0" && char <= "9");

/** What `${name<operator>word}` expands to; undefined (expanded to "") when the variable has no value. */
function lookupVariable(
  values: ReadonlyMap<string, string | undefined>,
  name: string,
  operator: string | undefined,
  word: string,
): string | undefined {
  const value = values.get(name);
  const isSet = value !== undefined && (value !== "" || operator === "-" || operator === "+");
  if (operator?.endsWith("+")) return isSet ? word : "";
  if (operator?.endsWith("-") && !isSet) return word;
  return value;
}

/**
 * Replaces $NAME, ${NAME}, ${NAME:-default} and ${NAME-default} (and :+ / +) with the ARG defaults given.
 * A scanner, not a regular expression: `${a:-${a:-...` without closing braces must stay linear.
 */
export function substituteVariables(
  text: string,
  values: ReadonlyMap<string, string | undefined>,
): { text: string; unresolved: boolean } {
  // Most FROM lines have no variable: nothing to scan.
  if (!text.includes("$")) return { text, unresolved: false };
  let unresolved = false;
  // The text before `copied` is in `out`; a "$" that stays literal is copied with the text after it,
  // so `${a:-${a:-...` (nothing substituted) builds no string piece by piece.
  let out = "";
  let copied = 0;
  let index = 0;
  let nextClose = -2;
  while (index < text.length) {
    const dollar = text.indexOf("$", index);
    if (dollar < 0) break;
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
        const value = lookupVariable(values, name, operator, text.slice(operatorEnd, close));
        if (value === undefined) unresolved = true;
        out += text.slice(copied, dollar) + (value ?? "");
        index = close + 1;
        copied = index;
        continue;
      }
      continue;
    }
    if (isNameStart(text[index])) {
      let nameEnd = index;
      while (isNameChar(text[nameEnd])) nameEnd += 1;
      const value = lookupVariable(values, text.slice(index, nameEnd), undefined, "");
      if (value === undefined) unresolved = true;
      out += text.slice(copied, dollar) + (value ?? "");
      index = nameEnd;
      copied = index;
      continue;
    }
  }
  out += text.slice(copied);
  return { text: out, unresolved };
}

const DOCKER_HUB_REGISTRIES = ["docker.io/", "index.docker.io/", "registry-1.docker.io/"];

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
  // Docker Hub's registry names and `library/` are dropped (string checks, not regular expressions:
  // 87,000 FROMs fit in 1 MiB).
  let repository = rest.toLowerCase();
  for (const registry of DOCKER_HUB_REGISTRIES) {
    if (repository.startsWith(registry)) {
      repository = repository.slice(registry.length);
      break;
    }
  }
  if (repository.startsWith("library/")) repository = repository.slice("library/".length);
  return { resolved, repository, tag: tag === "" ? undefined : tag, digest };
}

function assertWellFormed(table: InstructionTable): void {
  let seenFrom = false;
  for (let index = 0; index < table.count; index += 1) {
    const keyword = table.keyword(index);
    const line = table.line(index);
    if (!KNOWN_INSTRUCTIONS.has(keyword)) {
      throw new DockerfileParseError(
        line,
        `unknown instruction "${table.get(index).written}"`,
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
    if (table.hasNoArguments(index)) {
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

function parseUnchecked(text: string, target: string | undefined): ParsedDockerfile {
  const table = lexDockerfile(text, MAX_DOCKERFILE_INSTRUCTIONS);
  if (table.overLimitLine !== undefined) {
    throw new DockerfileParseError(
      table.overLimitLine,
      `this is instruction ${MAX_DOCKERFILE_INSTRUCTIONS + 1}, more than the ${MAX_DOCKERFILE_INSTRUCTIONS} instructions the analyzer reads (MAX_DOCKERFILE_INSTRUCTIONS) to answer within 100 ms`,
      "join related commands into one RUN with && (one layer instead of many), or split the build into several Dockerfiles; a real Dockerfile has a few hundred instructions at most",
    );
  }
  assertWellFormed(table);
  let firstFrom = 0;
  while (table.keyword(firstFrom) !== "FROM") firstFrom += 1;
  const defaults = new Map<string, string | undefined>();
  for (let index = 0; index < firstFrom; index += 1) {
    for (const [name, value] of argPairs(table.get(index))) defaults.set(name, value);
  }
  let stageFroms: Int32Array = new Int32Array(16);
  let stageParents: Int32Array = new Int32Array(16);
  let stageCount = 0;
  // Stage names seen so far (a FROM can only name an earlier stage): a map, so 100k stages stay linear.
  const stagesByName = new Map<string, number>();
  // Stages whose FROM is long, to be kept made (ParsedDockerfile.stage) with the substitution done here.
  const longFroms: Array<
    [number, number, ParsedInstruction, string, string | undefined, { text: string; unresolved: boolean }]
  > = [];
  for (let index = firstFrom; index < table.count; index += 1) {
    if (table.keyword(index) !== "FROM") continue;
    if (stageCount === stageFroms.length) {
      stageFroms = grown(stageFroms);
      stageParents = grown(stageParents);
    }
    const from = table.get(index);
    const { written, name } = fromWords(from);
    const substitution = substituteVariables(written, defaults);
    if (from.rawArguments.length > LONG_FROM_CHARS)
      longFroms.push([stageCount, index, from, written, name, substitution]);
    stageFroms[stageCount] = index;
    stageParents[stageCount] = stagesByName.get(substitution.text.toLowerCase()) ?? -1;
    if (name !== undefined && !stagesByName.has(name)) stagesByName.set(name, stageCount);
    stageCount += 1;
  }

  let finalIndex = stageCount - 1;
  if (target !== undefined) {
    const targetIndex = stagesByName.get(target.toLowerCase());
    if (targetIndex === undefined) {
      const names: string[] = [];
      for (let index = 0; index < stageCount && index < 21; index += 1) {
        const { name } = fromWords(table.get(stageFroms[index] as number));
        names.push(name ?? String(index));
      }
      const listed = names.length > 20 ? `${names.slice(0, 20).join(", ")}, ...` : names.join(", ");
      throw new DockerfileParseError(
        undefined,
        `the target stage "${target}" is not defined`,
        `name a stage with FROM <image> AS ${target}, or build one of: ${listed}`,
      );
    }
    finalIndex = targetIndex;
  }
  const finalChain: number[] = [];
  for (let index = finalIndex; index >= 0; index = stageParents[index] as number) finalChain.push(index);
  finalChain.reverse();
  const parsed = new ParsedDockerfile(
    table,
    firstFrom,
    stageFroms,
    stageParents,
    stageCount,
    defaults,
    finalChain,
  );
  for (const long of longFroms) parsed.keepLongStage(...long);
  return parsed;
}

function grown(array: Int32Array): Int32Array {
  const larger = new Int32Array(array.length * 2);
  larger.set(array);
  return larger;
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
