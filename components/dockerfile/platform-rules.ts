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

/**
 * Index of the stage a `--from=` value names (a stage name, the first stage of that name, or a stage
 * index), or undefined. `firstByName` is built once: a search of all stages per COPY was quadratic.
 */
function stageNamed(
  stages: readonly ParsedStage[],
  firstByName: ReadonlyMap<string, number>,
  value: string,
): number | undefined {
  const named = firstByName.get(value.toLowerCase());
  if (named !== undefined) return named;
  return /^\d+$/.test(value) && Number(value) < stages.length ? Number(value) : undefined;
}

/** Stages the target needs only for what they hand over with COPY/ADD --from (not its FROM chain). */
function copiedFromStages(parsed: ParsedDockerfile): number[] {
  const stages = parsed.stages;
  const firstByName = new Map<string, number>();
  for (const stage of stages)
    if (stage.name !== undefined && !firstByName.has(stage.name)) firstByName.set(stage.name, stage.index);
  const needed = new Set<number>(parsed.finalChain);
  const queue = [...parsed.finalChain];
  // An index into the queue, not `shift()`, which moves every element each time.
  for (let next = 0; next < queue.length; next += 1) {
    const stage = stages[queue[next]!];
    if (stage === undefined) continue;
    const sources = [
      stage.parentStageIndex,
      ...parsed
        .instructionsOf(stage)
        .filter((instruction) => instruction.keyword === "COPY" || instruction.keyword === "ADD")
        .flatMap((instruction) => instruction.flags.filter((flag) => flag.name === "from"))
        .map((flag) => stageNamed(stages, firstByName, flag.value ?? "")),
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

/**
 * The platforms that share the default builder: those `platformBuilders` does not send to a builder of
 * their own. The pipeline builds each platform separately when it has several (components/image.ts,
 * `buildOf`), on `platformBuilders[platform]` or else the default builder; a platform on its own (native)
 * builder is not emulated, and of the platforms left on the default builder one is its own.
 */
export function platformsOnDefaultBuilder(
  platforms: readonly string[],
  platformBuilders: Readonly<Record<string, string>> | undefined,
): string[] {
  const distinct = [...new Set(platforms)];
  if (platformBuilders === undefined) return distinct;
  return distinct.filter((platform) => !Object.prototype.hasOwnProperty.call(platformBuilders, platform));
}

export function emulatedBuildStageFindings(
  parsed: ParsedDockerfile,
  allPlatforms: readonly string[] | undefined,
  platformBuilders?: Readonly<Record<string, string>>,
): DockerfileFinding[] {
  if (allPlatforms === undefined) return [];
  const platforms = platformsOnDefaultBuilder(allPlatforms, platformBuilders);
  if (platforms.length < 2) return [];
  // `--platform` of each stage's FROM (the value as written, before ARG substitution).
  const stages = parsed.stages;
  const flags = stages.map(
    (stage) => stage.fromFlags.find((flag) => flag.name === "platform")?.value ?? undefined,
  );
  const onBuildPlatform = (index: number | undefined): boolean => {
    for (let current = index; current !== undefined; current = stages[current]?.parentStageIndex) {
      const flag = flags[current];
      if (flag !== undefined) return BUILD_PLATFORM.test(flag);
    }
    return false;
  };
  const findings: DockerfileFinding[] = [];
  for (const index of copiedFromStages(parsed)) {
    const stage = parsed.stage(index);
    const run = parsed.instructionsOf(stage).find((instruction) => instruction.keyword === "RUN");
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
