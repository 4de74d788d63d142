import { DockerfileParseError, InternalError } from "../common/errors";
import {
  baseRuntimeOf,
  findFullBaseImageFamily,
  fullToLeanSavings,
  healthcheckFix,
  nonRootUserFix,
  type BaseRuntime,
} from "./base-images";
import { InstallAfterCodeCopy } from "./cache-order-rules";
import { BytecodeInContextChecker, CopyWholeContextChecker } from "./context-rules";
import { FindingCollector, formatMebibytes, listWords, makeFinding } from "./findings";
import { LayerTracker } from "./layers";
import { parseDockerfile, type ParsedDockerfile, type ParsedInstruction, type ParsedStage } from "./parse";
import * as runRules from "./run-rules";
import * as shell from "./shell";
import type { ShellCommand } from "./shell";
import type { AnalyzeDockerfileOptions, DockerfileFinding } from "./types";
import { emulatedBuildStageFindings } from "./platform-rules";
import { pullThroughCacheFindings } from "./pull-through-cache-rules";

// Bound once at load: tsx (esbuild) compiles each use of an imported function into a call of a getter
// on the module object, a cost per call in the per-command loops (measured: 7 % of 1 MiB of `RUN a`).
const { APT_INSTALLS, APT_UPDATES, aptUsage, finalImageRunFindings, pythonDevToolsOf } = runRules;
const { cacheMountTargets, runCommands } = shell;

/**
 * The `NAME=value` pairs of an ENV or ARG (`ENV NAME value` legacy form included: one pair), read by
 * index rather than returned as an array of pairs (one ENV can have 200,000). The words already have
 * their quotes removed (`ENV A="x y"` → `A=x y`).
 */
function isLegacyEnv(instruction: ParsedInstruction): boolean {
  return instruction.keyword === "ENV" && !(instruction.argumentWords[0] ?? "").includes("=");
}

function variableCount(instruction: ParsedInstruction, legacy: boolean): number {
  return legacy ? 1 : instruction.argumentWords.length;
}

function variableName(instruction: ParsedInstruction, legacy: boolean, index: number): string {
  const word = instruction.argumentWords[index] ?? "";
  if (legacy) return word;
  const equals = word.indexOf("=");
  return equals < 0 ? word : word.slice(0, equals);
}

/** The value of pair `index`; undefined when there is no `=`. */
function variableValue(instruction: ParsedInstruction, legacy: boolean, index: number): string | undefined {
  if (legacy) return instruction.argumentWords.slice(1).join(" ");
  const word = instruction.argumentWords[index] as string;
  const equals = word.indexOf("=");
  return equals < 0 ? undefined : word.slice(equals + 1);
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

// Every secret part above contains one of these (checked first, without allocating, for ASCII names:
// `toUpperCase` maps some non-ASCII letters to ASCII ones, e.g. "ſ" to "S", which this test would miss).
const SECRET_WORDS = /KEY|TOKEN|SECRET|PASSW|CREDENTIAL/i;
const NON_ASCII = /[^\x00-\x7f]/;

export function looksLikeSecretName(name: string): boolean {
  if (!SECRET_WORDS.test(name) && !NON_ASCII.test(name)) return false;
  const parts = name.toUpperCase().split(/[_.-]+/);
  return parts.some((part) => SECRET_PARTS.test(part)) && !parts.some((part) => NOT_SECRET_PARTS.has(part));
}

function secretFindings(
  instruction: ParsedInstruction,
  stage: string | undefined,
  findings: FindingCollector,
): void {
  const legacy = isLegacyEnv(instruction);
  const count = variableCount(instruction, legacy);
  for (let index = 0; index < count; index += 1) {
    const name = variableName(instruction, legacy, index);
    if (!looksLikeSecretName(name) || findings.omits("secret-in-build-arg-or-env", instruction.line))
      continue;
    findings.add(
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
}

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;

const REMOTE = /^[a-z][a-z0-9+.-]*:\/\//i;
const isRemote = (source: string): boolean => REMOTE.test(source) || source.startsWith("git@");

function addInsteadOfCopyFindings(
  instruction: ParsedInstruction,
  stage: string,
  findings: FindingCollector,
): void {
  // Heredoc sources (`ADD <<EOF /x`) are inline text, which COPY takes too.
  const sources = instruction.argumentWords.slice(0, -1);
  if (sources.length === 0 || sources.some((source) => isRemote(source) || ARCHIVE.test(source))) return;
  if (findings.omits("add-instead-of-copy", instruction.line)) return;
  findings.add(
    makeFinding(
      "add-instead-of-copy",
      instruction.line,
      `ADD on line ${instruction.line} copies local ${listWords(sources)}; COPY does the same without ADD's URL and unpacking behaviour`,
      // The same arguments as written (flags, quotes, JSON form), with the keyword swapped.
      { stage, fix: `COPY ${instruction.rawArguments}` },
    ),
  );
}

/** Rules that look at every stage: base-image pinning, secrets, ADD, apt update/install split. */
/** Per builder stage, its first RUN that installs Python test or lint tools: line and tools. */
type BuilderDevInstalls = Map<number, { line: number; tools: string[] }>;

function anyStageFindings(
  parsed: ParsedDockerfile,
  stage: ParsedStage,
  inFinalImage: boolean,
  findings: FindingCollector,
  builderDevInstalls: BuilderDevInstalls,
  options: AnalyzeDockerfileOptions,
): void {
  const base = stage.baseImage;
  if (
    base !== undefined &&
    base.repository !== "scratch" &&
    base.digest === undefined &&
    (base.tag === undefined || base.tag === "latest") &&
    !findings.omits("unpinned-base-image", stage.fromLine)
  ) {
    const resolvedNote =
      base.resolved === stage.baseWritten ? "" : ` (${stage.baseWritten} resolves to ${base.resolved})`;
    const problem = base.tag === undefined ? "has no tag" : 'uses the "latest" tag';
    findings.add(
      makeFinding(
        "unpinned-base-image",
        stage.fromLine,
        `Base image ${base.resolved}${resolvedNote} ${problem}`,
        {
          stage: stage.label,
          // The image's own repository, not another language's example.
          fix: `Pin a version tag (${base.repository}:<version>), ideally with a digest (@sha256:...).`,
        },
      ),
    );
  }
  // The stages of the final image get these rules in finalImageFindings' pass over them (one pass, so
  // that each RUN is split into commands once).
  if (inFinalImage) return;
  const aptSplit = new AptUpdateSeparate();
  const installOrder = new InstallAfterCodeCopy();
  for (let index = stage.firstInstruction; index < stage.endInstruction; index += 1) {
    // Only the instructions these rules read are made into objects.
    const keyword = parsed.keyword(index);
    if (
      keyword !== "ARG" &&
      keyword !== "ENV" &&
      keyword !== "ADD" &&
      keyword !== "RUN" &&
      keyword !== "COPY"
    )
      continue;
    const instruction = parsed.instruction(index);
    if (keyword === "RUN") {
      const commands = runCommands(instruction);
      aptSplit.check(instruction, commands, stage, findings);
      installOrder.run(instruction, commands, stage.label, findings);
      if (!builderDevInstalls.has(stage.index)) {
        const tools = pythonDevToolsOf(commands, builderEnvironment(options));
        if (tools !== undefined) builderDevInstalls.set(stage.index, { line: instruction.line, tools });
      }
      continue;
    }
    if (keyword === "COPY" || keyword === "ADD") installOrder.copy(instruction);
    if (keyword !== "COPY") anyStageInstructionFindings(instruction, stage, findings);
  }
}

const NO_VARIABLES: ReadonlyMap<string, string> = new Map();

/** A builder RUN's environment as `python-dev-packages` reads it: the context's requirements files. */
function builderEnvironment(options: AnalyzeDockerfileOptions): runRules.RunEnvironment {
  return options.requirementFiles === undefined
    ? { variables: NO_VARIABLES }
    : { variables: NO_VARIABLES, requirementFiles: options.requirementFiles };
}

// Where a builder stage's Python packages live when a later stage copies them: pip's --user and
// --prefix/--target locations, a virtualenv, site- or dist-packages.
const PYTHON_INSTALL_PATH =
  /^\/root\/\.local(\/|$)|^\/install(\/|$)|venv|site-packages|dist-packages|^\/usr\/local\/?$|^\/usr\/local\/lib/;

/**
 * The stage a `--from` value names (its name, or its index), among the stages with dev installs only;
 * their names are mapped once, on first use (a search per COPY would be quadratic).
 */
function stageIndexNamed(
  parsed: ParsedDockerfile,
  value: string,
  builderDevInstalls: BuilderDevInstalls,
): number | undefined {
  if (/^\d+$/.test(value)) return Number(value);
  let names = builderStageNames.get(builderDevInstalls);
  if (names === undefined) {
    names = new Map();
    for (const index of [...builderDevInstalls.keys()].sort((a, b) => a - b)) {
      const name = parsed.stage(index).name;
      if (name !== undefined && !names.has(name)) names.set(name, index);
    }
    builderStageNames.set(builderDevInstalls, names);
  }
  return names.get(value.toLowerCase());
}

const builderStageNames = new WeakMap<BuilderDevInstalls, Map<string, number>>();

/**
 * `python-dev-packages` for a COPY --from=<builder> of the builder's installed Python packages when
 * the builder installed test or lint tools: they reach the final image through the copy.
 */
function copiedDevInstallFindings(
  parsed: ParsedDockerfile,
  instruction: ParsedInstruction,
  stageLabel: string,
  builderDevInstalls: BuilderDevInstalls,
  findings: FindingCollector,
): void {
  if (builderDevInstalls.size === 0) return;
  const from = instruction.flags.find((flag) => flag.name === "from")?.value;
  if (from === undefined || from === null) return;
  const source = stageIndexNamed(parsed, from, builderDevInstalls);
  const installed = source === undefined ? undefined : builderDevInstalls.get(source);
  if (installed === undefined) return;
  const words = instruction.argumentWords;
  let copiesPackages = false;
  // The source (`/root/.local`, `/install`, a venv) or the destination (site- or dist-packages).
  for (let index = 0; index < words.length; index += 1)
    if (PYTHON_INSTALL_PATH.test(words[index] as string)) copiesPackages = true;
  if (!copiesPackages || findings.omits("python-dev-packages", installed.line)) return;
  findings.add(
    makeFinding(
      "python-dev-packages",
      installed.line,
      `Line ${installed.line} installs test and lint tools that line ${instruction.line} copies into the final image: ${listWords(installed.tools)}`,
      { stage: stageLabel },
    ),
  );
}

/** The any-stage rules of one ARG, ENV or ADD. */
function anyStageInstructionFindings(
  instruction: ParsedInstruction,
  stage: ParsedStage,
  findings: FindingCollector,
): void {
  if (instruction.keyword === "ARG" || instruction.keyword === "ENV")
    secretFindings(instruction, stage.label, findings);
  if (instruction.keyword === "ADD") addInsteadOfCopyFindings(instruction, stage.label, findings);
}

/** `apt-update-separate` over the RUNs of one stage, in order. */
class AptUpdateSeparate {
  private updateOnlyLine: number | undefined;

  check(
    run: ParsedInstruction,
    commands: readonly ShellCommand[],
    stage: ParsedStage,
    findings: FindingCollector,
  ): void {
    const apt = aptUsage(commands);
    const updates = (apt & APT_UPDATES) !== 0;
    const installs = (apt & APT_INSTALLS) !== 0;
    if (
      installs &&
      !updates &&
      this.updateOnlyLine !== undefined &&
      !findings.omits("apt-update-separate", run.line)
    ) {
      findings.add(
        makeFinding(
          "apt-update-separate",
          run.line,
          `apt-get install on line ${run.line} runs in a different RUN from apt-get update on line ${this.updateOnlyLine}`,
          { stage: stage.label },
        ),
      );
    }
    if (updates && !installs) this.updateOnlyLine = run.line;
  }
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
      : ` for about ${formatMebibytes(savings.bytes)} less (${savings.full.image} ${formatMebibytes(savings.full.compressedBytes)} vs ${savings.lean.image} ${formatMebibytes(savings.lean.compressedBytes)} compressed, ${savings.full.platform}, Docker Hub, checked ${savings.full.checked}${savings.full.verified && savings.lean.verified ? "" : ", unverified estimate"})`;
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

/** RUNs listed by line in a `consecutive-run` message; longer runs of RUNs are counted. */
const MAX_LISTED_RUNS = 20;

/** The RUNs in a row seen so far in a stage, for `consecutive-run`. */
class ConsecutiveRuns {
  private count = 0;
  private lines: number[] = [];
  private lastLine = 0;

  add(line: number): void {
    this.count += 1;
    this.lastLine = line;
    if (this.lines.length < MAX_LISTED_RUNS) this.lines.push(line);
  }

  /** Reports the RUNs so far if there are two or more, and starts over. */
  flush(stage: ParsedStage, findings: FindingCollector): void {
    const count = this.count;
    if (count === 0) return;
    const first = this.lines[0] as number;
    if (count > 1 && !findings.omits("consecutive-run", first)) {
      const listed = this.lines.map(String);
      if (count > listed.length) listed.push(`${count - listed.length} more up to line ${this.lastLine}`);
      findings.add(
        makeFinding(
          "consecutive-run",
          first,
          `RUNs on lines ${listWords(listed)} are consecutive and could be one layer`,
          {
            stage: stage.label,
          },
        ),
      );
    }
    this.count = 0;
    this.lines = [];
  }
}

/** Rules about what ends up in the built image: the target stage and the stages it is built FROM. */
function finalImageFindings(
  parsed: ParsedDockerfile,
  options: AnalyzeDockerfileOptions,
  findings: FindingCollector,
  builderDevInstalls: BuilderDevInstalls,
): void {
  const chain = parsed.finalChain.map((index) => parsed.stage(index));
  const root = chain[0];
  const target = chain[chain.length - 1];
  if (root === undefined || target === undefined) return;
  for (const finding of baseImageFindings(root, target)) findings.add(finding);
  const variables = new Map<string, string>();
  // One object for every RUN: the map in it changes as ENV and ARG instructions are read.
  const environment =
    options.requirementFiles === undefined
      ? { variables }
      : { variables, requirementFiles: options.requirementFiles };
  for (let at = 0; at < parsed.globalArgCount; at += 1) {
    const arg = parsed.instruction(at);
    const legacy = isLegacyEnv(arg);
    const count = variableCount(arg, legacy);
    for (let index = 0; index < count; index += 1)
      variables.set(variableName(arg, legacy, index), variableValue(arg, legacy, index) ?? "");
  }
  const layers = new LayerTracker(findings);
  // Fixes that fit the final image's base (issue 18 item 7): a Python image gets Python advice.
  const runtime = baseRuntimeOf(root.baseImage?.repository, root.baseImage?.tag);
  const copyWholeContext = new CopyWholeContextChecker(
    options.dockerignore,
    options.contextFiles,
    runtime.language === "python",
  );
  const bytecodeInContext = new BytecodeInContextChecker(options.dockerignore, options.contextFiles);
  // One for the whole chain: code copied in a stage is in every stage built FROM it.
  const installOrder = new InstallAfterCodeCopy();
  // undefined once WORKDIR is unknowable (a variable) or longer than a path can be.
  let workdir: string | undefined = "/";
  let lastUser: ParsedInstruction | undefined;
  let hasHealthcheck = false;
  const consecutiveRuns = new ConsecutiveRuns();
  for (const stage of chain) {
    const aptSplit = new AptUpdateSeparate();
    for (let index = stage.firstInstruction; index < stage.endInstruction; index += 1) {
      const keyword = parsed.keyword(index);
      if (keyword === "RUN") consecutiveRuns.add(parsed.lineOf(index));
      else consecutiveRuns.flush(stage, findings);
      switch (keyword) {
        case "ENV":
        case "ARG":
        case "WORKDIR":
        case "USER":
        case "COPY":
        case "ADD":
        case "RUN":
          break;
        case "HEALTHCHECK":
          hasHealthcheck = true;
          continue;
        default:
          continue;
      }
      // Only the instructions these rules read are made into objects.
      const instruction = parsed.instruction(index);
      // The any-stage rules too (anyStageFindings leaves the stages of the final image to this pass).
      if (keyword === "ARG" || keyword === "ENV" || keyword === "ADD")
        anyStageInstructionFindings(instruction, stage, findings);
      switch (keyword) {
        case "ENV":
        case "ARG": {
          const legacy = isLegacyEnv(instruction);
          const count = variableCount(instruction, legacy);
          for (let index = 0; index < count; index += 1) {
            const name = variableName(instruction, legacy, index);
            const value = variableValue(instruction, legacy, index);
            if (value !== undefined || !variables.has(name)) variables.set(name, value ?? "");
          }
          break;
        }
        case "WORKDIR":
          workdir = nextWorkdir(workdir, instruction.argumentWords[0] ?? "");
          break;
        case "USER":
          lastUser = instruction;
          break;
        case "COPY":
        case "ADD":
          copiedDevInstallFindings(parsed, instruction, stage.label, builderDevInstalls, findings);
          copyWholeContext.check(instruction, stage.label, findings);
          bytecodeInContext.check(instruction, stage.label, findings);
          installOrder.copy(instruction);
          layers.copy(instruction, workdir);
          break;
        case "RUN": {
          const commands = runCommands(instruction);
          aptSplit.check(instruction, commands, stage, findings);
          const cacheTargets = cacheMountTargets(instruction);
          finalImageRunFindings(instruction, stage.label, environment, commands, cacheTargets, findings);
          installOrder.run(instruction, commands, stage.label, findings);
          layers.run(instruction, workdir, stage.label, commands, cacheTargets);
          break;
        }
      }
    }
    consecutiveRuns.flush(stage, findings);
  }
  for (const finding of userFindings(lastUser, root, target, runtime)) findings.add(finding);
  const healthcheck = healthcheckFix(runtime);
  if (!hasHealthcheck && healthcheck !== undefined) {
    findings.add(
      makeFinding("no-healthcheck", target.fromLine, `The final stage (${target.label}) has no HEALTHCHECK`, {
        stage: target.label,
        fix: healthcheck,
      }),
    );
  }
}

function userFindings(
  lastUser: ParsedInstruction | undefined,
  root: ParsedStage,
  target: ParsedStage,
  runtime: BaseRuntime,
): DockerfileFinding[] {
  const fix = nonRootUserFix(runtime);
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
        { stage: target.label, fix },
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
      { stage: target.label, fix },
    ),
  ];
}

/**
 * Finds what makes the image built from `text` bigger, slower or less safe than it needs to be. Pure and
 * deterministic: findings are sorted by line, then rule id, then message; each rule lists at most
 * MAX_FINDINGS_PER_RULE findings and sums up the rest in one more (components/dockerfile/findings.ts).
 * Throws DockerfileParseError when the text is not a Dockerfile, is over MAX_DOCKERFILE_CHARS or has
 * a RUN over MAX_SHELL_WORDS_PER_RUN, and InternalError for a bug of the analyzer itself.
 */
export function analyzeDockerfile(text: string, options: AnalyzeDockerfileOptions = {}): DockerfileFinding[] {
  const parsed = parseDockerfile(text, options.target);
  try {
    const findings = new FindingCollector();
    for (let index = 0; index < parsed.globalArgCount; index += 1)
      secretFindings(parsed.instruction(index), undefined, findings);
    const finalStages = new Set(parsed.finalChain);
    const builderDevInstalls: BuilderDevInstalls = new Map();
    for (let index = 0; index < parsed.stageCount; index += 1)
      anyStageFindings(
        parsed,
        parsed.stage(index),
        finalStages.has(index),
        findings,
        builderDevInstalls,
        options,
      );
    finalImageFindings(parsed, options, findings, builderDevInstalls);
    for (const finding of emulatedBuildStageFindings(parsed, options.platforms, options.platformBuilders))
      findings.add(finding);
    for (const finding of pullThroughCacheFindings(parsed, options.pullThroughCacheRegistry))
      findings.add(finding);
    return findings.sorted();
  } catch (error) {
    // Past MAX_SHELL_WORDS_PER_RUN (components/dockerfile/shell.ts): a RUN is too long to analyze.
    if (error instanceof DockerfileParseError) throw error;
    // The text parsed, so whatever went wrong is ours: say so instead of blaming the Dockerfile.
    throw new InternalError(
      `analyzeDockerfile failed unexpectedly, not because of the Dockerfile: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
