import { InternalError } from "../errors";
import { findFullBaseImageFamily, fullToLeanSavings } from "./base-images";
import { copyWholeContextChecker } from "./context-rules";
import { formatMegabytes, listWords, makeFinding } from "./findings";
import { LayerTracker } from "./layers";
import {
  DockerfileParseError,
  parseDockerfile,
  type ParsedDockerfile,
  type ParsedInstruction,
  type ParsedStage,
} from "./parse";
import { aptUsage, finalImageRunFindings } from "./run-rules";
import { withCommandCache } from "./shell";
import type { AnalyzeDockerfileOptions, DockerfileFinding } from "./types";
import { emulatedBuildStageFindings } from "./platform-rules";

/**
 * `NAME=value` pairs of an ENV or ARG (`ENV NAME value` legacy form included); value undefined if none.
 * The words already have their quotes removed (`ENV A="x y"` → `A=x y`).
 */
function variablePairs(instruction: ParsedInstruction): Array<[string, string | undefined]> {
  const words = instruction.argumentWords;
  const first = words[0] ?? "";
  if (instruction.keyword === "ENV" && !first.includes("=")) return [[first, words.slice(1).join(" ")]];
  return words.map((word) => {
    const equals = word.indexOf("=");
    if (equals < 0) return [word, undefined];
    return [word.slice(0, equals), word.slice(equals + 1)];
  });
}

// Name parts that mark a secret, and parts that mark something merely about one (a public key, a path).
const SECRET_PARTS =
  /^(KEY|APIKEY|PRIVATEKEY|[A-Z]*TOKEN|[A-Z]*SECRETS?|[A-Z]*PASSWORD|[A-Z]*PASSWD|CREDENTIALS?)$/;
const NOT_SECRET_PARTS = new Set([
  "PUBLIC",
  "GPG",
  "PGP",
  "ID",
  "FILE",
  "PATH",
  "DIR",
  "URL",
  "NAME",
  "ARN",
  "TYPE",
]);

export function looksLikeSecretName(name: string): boolean {
  const parts = name.toUpperCase().split(/[_.-]+/);
  return parts.some((part) => SECRET_PARTS.test(part)) && !parts.some((part) => NOT_SECRET_PARTS.has(part));
}

function secretFindings(instruction: ParsedInstruction, stage: string | undefined): DockerfileFinding[] {
  return variablePairs(instruction)
    .filter(([name]) => looksLikeSecretName(name))
    .map(([name]) =>
      makeFinding(
        "secret-in-build-arg-or-env",
        instruction.line,
        instruction.keyword === "ARG"
          ? `ARG ${name} on line ${instruction.line} passes a secret as a build argument; its value is recorded in the image history and build provenance`
          : `ENV ${name} on line ${instruction.line} stores a secret in the image config, readable by anyone who can pull the image`,
        stage === undefined ? {} : { stage },
      ),
    );
}

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;

function addInsteadOfCopyFindings(instruction: ParsedInstruction, stage: string): DockerfileFinding[] {
  // Heredoc sources (`ADD <<EOF /x`) are inline text, which COPY takes too.
  const sources = instruction.argumentWords.slice(0, -1);
  const isRemote = (source: string): boolean =>
    /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || source.startsWith("git@");
  if (sources.length === 0 || sources.some((source) => isRemote(source) || ARCHIVE.test(source))) return [];
  return [
    makeFinding(
      "add-instead-of-copy",
      instruction.line,
      `ADD on line ${instruction.line} copies local ${listWords(sources)}; COPY does the same without ADD's URL and unpacking behaviour`,
      // The same arguments as written (flags, quotes, JSON form), with the keyword swapped.
      { stage, fix: `COPY ${instruction.rawArguments}` },
    ),
  ];
}

/** Rules that look at every stage: base-image pinning, secrets, ADD, apt update/install split. */
function anyStageFindings(stage: ParsedStage): DockerfileFinding[] {
  const findings: DockerfileFinding[] = [];
  const base = stage.baseImage;
  if (base !== undefined && base.repository !== "scratch" && base.digest === undefined) {
    const resolvedNote =
      base.resolved === stage.baseWritten ? "" : ` (${stage.baseWritten} resolves to ${base.resolved})`;
    if (base.tag === undefined || base.tag === "latest") {
      const problem = base.tag === undefined ? "has no tag" : 'uses the "latest" tag';
      findings.push(
        makeFinding(
          "unpinned-base-image",
          stage.fromLine,
          `Base image ${base.resolved}${resolvedNote} ${problem}`,
          {
            stage: stage.label,
          },
        ),
      );
    }
  }
  let aptUpdateOnlyLine: number | undefined;
  for (const instruction of stage.instructions) {
    if (instruction.keyword === "ARG" || instruction.keyword === "ENV")
      findings.push(...secretFindings(instruction, stage.label));
    if (instruction.keyword === "ADD") findings.push(...addInsteadOfCopyFindings(instruction, stage.label));
    if (instruction.keyword !== "RUN") continue;
    const apt = aptUsage(instruction);
    if (apt.installs && !apt.updates && aptUpdateOnlyLine !== undefined) {
      findings.push(
        makeFinding(
          "apt-update-separate",
          instruction.line,
          `apt-get install on line ${instruction.line} runs in a different RUN from apt-get update on line ${aptUpdateOnlyLine}`,
          { stage: stage.label },
        ),
      );
    }
    if (apt.updates && !apt.installs) aptUpdateOnlyLine = instruction.line;
  }
  return findings;
}

function baseImageFindings(root: ParsedStage, target: ParsedStage): DockerfileFinding[] {
  const base = root.baseImage;
  if (base === undefined) return [];
  const family = findFullBaseImageFamily(base.repository, base.tag);
  if (family === undefined) return [];
  const findings: DockerfileFinding[] = [];
  const savings = fullToLeanSavings(family);
  const measured =
    savings === undefined
      ? ""
      : ` for about ${formatMegabytes(savings.bytes)} less (${savings.full.image} ${formatMegabytes(savings.full.compressedBytes)} vs ${savings.lean.image} ${formatMegabytes(savings.lean.compressedBytes)} compressed, ${savings.full.platform}, Docker Hub, checked ${savings.full.checked}${savings.full.verified && savings.lean.verified ? "" : ", unverified estimate"})`;
  findings.push(
    makeFinding(
      "full-base-image",
      root.fromLine,
      `The final image (stage ${target.label}) is built on ${base.resolved}, a full ${family.repository} image; ${family.suggestion} would do${measured}`,
      {
        stage: root.label,
        fix: `FROM ${family.suggestion} for the final stage`,
        ...(savings === undefined ? {} : { estimatedBytesSaved: savings.bytes }),
      },
    ),
  );
  if (family.toolchain) {
    findings.push(
      makeFinding(
        "no-multi-stage",
        root.fromLine,
        `The final image is built on ${base.resolved}, which contains the ${family.repository} compiler toolchain`,
        { stage: root.label },
      ),
    );
  }
  return findings;
}

// Linux PATH_MAX: a longer working directory cannot exist.
const MAX_WORKDIR_CHARS = 4096;
const MAX_WORKDIR_DEPTH = 64;

/** The working directory after `WORKDIR <argument>`, normalized; undefined when it cannot be known. */
function nextWorkdir(current: string | undefined, argument: string): string | undefined {
  if (argument.includes("$")) return undefined;
  if (!argument.startsWith("/") && current === undefined) return undefined;
  // Checked before joining: the normalization below is linear in the path, so it must stay short.
  if (argument.length + (argument.startsWith("/") ? 0 : (current ?? "").length) > MAX_WORKDIR_CHARS)
    return undefined;
  const joined = argument.startsWith("/") ? argument : `${current ?? "/"}/${argument}`;
  const parts: string[] = [];
  for (const part of joined.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  // Deeper than the layer tracker follows (and than any real image): not tracked.
  if (parts.length > MAX_WORKDIR_DEPTH) return undefined;
  const normalized = `/${parts.join("/")}`;
  return normalized.length > MAX_WORKDIR_CHARS ? undefined : normalized;
}

/** Rules about what ends up in the built image: the target stage and the stages it is built FROM. */
function finalImageFindings(
  parsed: ParsedDockerfile,
  options: AnalyzeDockerfileOptions,
): DockerfileFinding[] {
  const chain = parsed.finalChain.map((index) => parsed.stages[index]).filter((stage) => stage !== undefined);
  const root = chain[0];
  const target = chain[chain.length - 1];
  if (root === undefined || target === undefined) return [];
  const findings = baseImageFindings(root, target);
  const variables = new Map<string, string>();
  for (const arg of parsed.globalArgs)
    for (const [name, value] of variablePairs(arg)) variables.set(name, value ?? "");
  const layers = new LayerTracker();
  const copyWholeContext = copyWholeContextChecker(options.dockerignore, options.contextFiles);
  // undefined once WORKDIR is unknowable (a variable) or longer than a path can be.
  let workdir: string | undefined = "/";
  let lastUser: ParsedInstruction | undefined;
  let hasHealthcheck = false;
  for (const stage of chain) {
    let consecutiveRuns: ParsedInstruction[] = [];
    const flushRuns = (): void => {
      if (consecutiveRuns.length > 1) {
        const lines = consecutiveRuns.map((run) => String(run.line));
        findings.push(
          makeFinding(
            "consecutive-run",
            consecutiveRuns[0]?.line ?? stage.fromLine,
            `RUNs on lines ${listWords(lines)} are consecutive and could be one layer`,
            {
              stage: stage.label,
            },
          ),
        );
      }
      consecutiveRuns = [];
    };
    for (const instruction of stage.instructions) {
      if (instruction.keyword === "RUN") consecutiveRuns.push(instruction);
      else flushRuns();
      switch (instruction.keyword) {
        case "ENV":
        case "ARG":
          for (const [name, value] of variablePairs(instruction)) {
            if (value !== undefined || !variables.has(name)) variables.set(name, value ?? "");
          }
          break;
        case "WORKDIR":
          workdir = nextWorkdir(workdir, instruction.argumentWords[0] ?? "");
          break;
        case "USER":
          lastUser = instruction;
          break;
        case "HEALTHCHECK":
          hasHealthcheck = true;
          break;
        case "COPY":
        case "ADD":
          findings.push(...copyWholeContext(instruction, stage.label));
          layers.copy(instruction, workdir);
          break;
        case "RUN":
          findings.push(...finalImageRunFindings(instruction, stage.label, { variables }));
          layers.run(instruction, workdir, stage.label);
          break;
      }
    }
    flushRuns();
  }
  findings.push(...layers.findings);
  findings.push(...userFindings(lastUser, root, target));
  if (!hasHealthcheck) {
    findings.push(
      makeFinding("no-healthcheck", target.fromLine, `The final stage (${target.label}) has no HEALTHCHECK`, {
        stage: target.label,
      }),
    );
  }
  return findings;
}

function userFindings(
  lastUser: ParsedInstruction | undefined,
  root: ParsedStage,
  target: ParsedStage,
): DockerfileFinding[] {
  if (lastUser === undefined) {
    // Some bases (distroless :nonroot, images built for it) already switch to an unprivileged user.
    if (
      root.baseImage !== undefined &&
      /nonroot/.test(`${root.baseImage.repository}:${root.baseImage.tag ?? ""}`)
    )
      return [];
    return [
      makeFinding(
        "root-user",
        target.fromLine,
        `The final stage (${target.label}) sets no USER, so it runs as root`,
        {
          stage: target.label,
        },
      ),
    ];
  }
  // `USER "root"`, `USER root:root`, `USER 0` (quotes already removed).
  const user = (lastUser.argumentWords[0] ?? "").split(":")[0];
  if (user !== "root" && user !== "0") return [];
  return [
    makeFinding(
      "root-user",
      lastUser.line,
      `USER ${lastUser.argumentText.trim()} on line ${lastUser.line} runs the final image as root`,
      {
        stage: target.label,
      },
    ),
  ];
}

function compareFindings(left: DockerfileFinding, right: DockerfileFinding): number {
  if (left.line !== right.line) return left.line - right.line;
  if (left.id !== right.id) return left.id < right.id ? -1 : 1;
  return left.message < right.message ? -1 : left.message > right.message ? 1 : 0;
}

/**
 * Finds what makes the image built from `text` bigger, slower or less safe than it needs to be. Pure and
 * deterministic: findings are sorted by line, then rule id. Throws DockerfileParseError when the text is
 * not a Dockerfile or is over MAX_DOCKERFILE_CHARS, MAX_DOCKERFILE_INSTRUCTIONS or MAX_SHELL_WORDS, and InternalError for a bug of the analyzer itself.
 */
export function analyzeDockerfile(text: string, options: AnalyzeDockerfileOptions = {}): DockerfileFinding[] {
  const parsed = parseDockerfile(text, options.target);
  try {
    return withCommandCache(() => {
      const findings: DockerfileFinding[] = [];
      for (const arg of parsed.globalArgs) findings.push(...secretFindings(arg, undefined));
      for (const stage of parsed.stages) findings.push(...anyStageFindings(stage));
      findings.push(...finalImageFindings(parsed, options));
      findings.push(...emulatedBuildStageFindings(parsed, options.platforms));
      return findings.sort(compareFindings);
    });
  } catch (error) {
    // Past MAX_SHELL_WORDS (components/dockerfile/shell.ts): the Dockerfile is too big to analyze.
    if (error instanceof DockerfileParseError) throw error;
    // The text parsed, so whatever went wrong is ours: say so instead of blaming the Dockerfile.
    throw new InternalError(
      `analyzeDockerfile failed unexpectedly, not because of the Dockerfile: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
