/**
 * `emulated-build-stage`: in a build for more than one platform, a builder stage that RUNs commands on the
 * target platform runs them under emulation (qemu) for every platform but the machine's own, typically
 * 5-20x slower; app/ measured it (docs/BENCHMARKS.md, "Multi-platform builds"). A stage whose output is
 * platform-independent (a JavaScript bundle, a cross-compiled Go binary with GOARCH=$TARGETARCH) can run
 * on the builder's platform with `FROM --platform=$BUILDPLATFORM`
 * (https://docs.docker.com/build/building/multi-platform/#cross-compilation).
 *
 * Judged: stages the built target needs only through `COPY --from` / `ADD --from` (the FROM chain of the
 * target itself must run on the target platform), whose FROM, or an ancestor stage's FROM, sets no
 * `--platform` with `$BUILDPLATFORM` (or `$BUILDOS`/`$BUILDARCH`), and that have a RUN.
 */
import { makeFinding } from "./findings";
import type { ParsedDockerfile, ParsedStage } from "./parse";
import type { DockerfileFinding } from "./types";

const BUILD_PLATFORM = /\$\{?BUILD(PLATFORM|OS|ARCH)\}?/;

/** Index of the stage a `--from=` value names (a stage name or a stage index), or undefined. */
function stageNamed(stages: readonly ParsedStage[], value: string): number | undefined {
  const lower = value.toLowerCase();
  const named = stages.find((stage) => stage.name === lower);
  if (named !== undefined) return named.index;
  return /^\d+$/.test(value) && Number(value) < stages.length ? Number(value) : undefined;
}

/** Stages the target needs only for what they hand over with COPY/ADD --from (not its FROM chain). */
function copiedFromStages(parsed: ParsedDockerfile): number[] {
  const needed = new Set<number>(parsed.finalChain);
  const queue = [...parsed.finalChain];
  while (queue.length > 0) {
    const stage = parsed.stages[queue.shift()!];
    if (stage === undefined) continue;
    const sources = [
      stage.parentStageIndex,
      ...stage.instructions
        .filter((instruction) => instruction.keyword === "COPY" || instruction.keyword === "ADD")
        .flatMap((instruction) => instruction.flags.filter((flag) => flag.name === "from"))
        .map((flag) => stageNamed(parsed.stages, flag.value ?? "")),
    ];
    for (const source of sources) {
      if (source !== undefined && !needed.has(source)) {
        needed.add(source);
        queue.push(source);
      }
    }
  }
  const chain = new Set(parsed.finalChain);
  return [...needed].filter((index) => !chain.has(index)).sort((a, b) => a - b);
}

export function emulatedBuildStageFindings(
  parsed: ParsedDockerfile,
  platforms: readonly string[] | undefined,
): DockerfileFinding[] {
  if (platforms === undefined || new Set(platforms).size < 2) return [];
  // `--platform` of each stage's FROM (the value as written, before ARG substitution).
  const flags = parsed.stages.map(
    (stage) => stage.fromFlags.find((flag) => flag.name === "platform")?.value ?? undefined,
  );
  const onBuildPlatform = (index: number | undefined): boolean => {
    for (let current = index; current !== undefined; current = parsed.stages[current]?.parentStageIndex) {
      const flag = flags[current];
      if (flag !== undefined) return BUILD_PLATFORM.test(flag);
    }
    return false;
  };
  const findings: DockerfileFinding[] = [];
  for (const index of copiedFromStages(parsed)) {
    const stage = parsed.stages[index]!;
    const run = stage.instructions.find((instruction) => instruction.keyword === "RUN");
    if (run === undefined || onBuildPlatform(index)) continue;
    findings.push(
      makeFinding(
        "emulated-build-stage",
        stage.fromLine,
        `Stage ${stage.label} runs RUN (first on line ${run.line}) on each target platform (${platforms.join(", ")}): every platform but the builder's own runs it under emulation`,
        { stage: stage.label },
      ),
    );
  }
  return findings;
}
