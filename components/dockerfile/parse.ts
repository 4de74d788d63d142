import { DockerfileParser, ModifiableInstruction, From, Arg } from "dockerfile-ast";
import type { Instruction } from "dockerfile-ast";

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

export interface InstructionFlag {
  name: string;
  value: string | null;
}

export interface ParsedInstruction {
  keyword: string;
  /** 1-based line the instruction starts on. */
  line: number;
  /** Arguments after the flags, as written (continuations joined, comments kept). */
  argumentText: string;
  /** Arguments after the flags, split the way the parser splits them. */
  argumentWords: string[];
  flags: InstructionFlag[];
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

function toParsedInstruction(instruction: Instruction): ParsedInstruction {
  const flags =
    instruction instanceof ModifiableInstruction
      ? instruction.getFlags().map((flag) => ({ name: flag.getName().toLowerCase(), value: flag.getValue() }))
      : [];
  return {
    keyword: instruction.getKeyword(),
    line: instruction.getRange().start.line + 1,
    argumentText: instruction.getArgumentsContent() ?? "",
    argumentWords: instruction.getArguments().map((argument) => argument.getValue()),
    flags,
  };
}

/** Replaces $NAME, ${NAME}, ${NAME:-default} and ${NAME-default} with the ARG defaults given. */
export function substituteVariables(
  text: string,
  values: ReadonlyMap<string, string | undefined>,
): { text: string; unresolved: boolean } {
  let unresolved = false;
  const substituted = text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (
      _match,
      bracedName: string | undefined,
      operator: string | undefined,
      word: string | undefined,
      bareName,
    ) => {
      const name = (bracedName ?? bareName) as string;
      const value = values.get(name);
      const isSet = value !== undefined && (value !== "" || operator === "-" || operator === "+");
      if (operator?.endsWith("+")) return isSet ? (word ?? "") : "";
      if (operator?.endsWith("-") && !isSet) return word ?? "";
      if (value === undefined) {
        unresolved = true;
        return "";
      }
      return value;
    },
  );
  return { text: substituted, unresolved };
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

function assertWellFormed(instructions: readonly Instruction[]): void {
  let seenFrom = false;
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword();
    const line = instruction.getRange().start.line + 1;
    if (!KNOWN_INSTRUCTIONS.has(keyword)) {
      throw new DockerfileParseError(
        line,
        `unknown instruction "${instruction.getInstruction()}"`,
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
    if ((instruction.getArgumentsContent() ?? "").trim() === "") {
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

function argDefaults(args: readonly Instruction[]): Map<string, string | undefined> {
  const defaults = new Map<string, string | undefined>();
  for (const arg of args) {
    if (!(arg instanceof Arg)) continue;
    const property = arg.getProperty();
    if (property === null) continue;
    defaults.set(property.getName(), property.getValue() ?? undefined);
  }
  return defaults;
}

function parseUnchecked(text: string, target: string | undefined): ParsedDockerfile {
  const dockerfile = DockerfileParser.parse(text);
  const instructions = dockerfile.getInstructions();
  assertWellFormed(instructions);

  const globalInstructions: Instruction[] = [];
  for (const instruction of instructions) {
    if (instruction.getKeyword() === "FROM") break;
    globalInstructions.push(instruction);
  }
  const defaults = argDefaults(globalInstructions);
  const stages: ParsedStage[] = [];
  for (const instruction of instructions.slice(globalInstructions.length)) {
    if (instruction instanceof From) {
      const index = stages.length;
      const written = instruction.getArgumentsContent()?.trim().split(/\s+/)[0] ?? "";
      const substitution = substituteVariables(written, defaults);
      const resolvedLower = substitution.text.toLowerCase();
      const parent = stages.find((stage) => stage.name !== undefined && stage.name === resolvedLower);
      const buildStage = instruction.getBuildStage();
      const name = buildStage === null ? undefined : buildStage.toLowerCase();
      const isExternal = parent === undefined && !substitution.unresolved && substitution.text !== "";
      stages.push({
        index,
        name,
        label: name ?? String(index),
        fromLine: instruction.getRange().start.line + 1,
        baseWritten: written,
        baseImage: isExternal ? parseImageReference(substitution.text) : undefined,
        parentStageIndex: parent?.index,
        baseUnresolved: substitution.unresolved,
        instructions: [],
      });
      continue;
    }
    stages[stages.length - 1]?.instructions.push(toParsedInstruction(instruction));
  }

  let finalIndex = stages.length - 1;
  if (target !== undefined) {
    const targetStage = stages.find((stage) => stage.name === target.toLowerCase());
    if (targetStage === undefined) {
      throw new DockerfileParseError(
        undefined,
        `the target stage "${target}" is not defined`,
        `name a stage with FROM <image> AS ${target}, or build one of: ${stages.map((stage) => stage.label).join(", ")}`,
      );
    }
    finalIndex = targetStage.index;
  }
  const finalChain: number[] = [];
  for (let index: number | undefined = finalIndex; index !== undefined;) {
    finalChain.unshift(index);
    index = stages[index]?.parentStageIndex;
  }
  return { globalArgs: globalInstructions.map(toParsedInstruction), stages, finalChain };
}

/** Parses Dockerfile text into stages; throws DockerfileParseError (and nothing else) for malformed text. */
export function parseDockerfile(text: string, target?: string): ParsedDockerfile {
  try {
    return parseUnchecked(text, target);
  } catch (error) {
    if (error instanceof DockerfileParseError) throw error;
    // The parser is lenient, but a crash inside it must still read as "this text is not a Dockerfile".
    throw new DockerfileParseError(
      undefined,
      `the parser could not read the text (${error instanceof Error ? error.message : String(error)})`,
      "check the file is a Dockerfile and its line continuations and heredocs are closed",
    );
  }
}
