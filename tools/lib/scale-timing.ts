// Where the seconds of `npm run bench:scale` go (issue 23 item 3): the bench's docker shim logs every
// command the size estimate runs with its start and end time; this reads that log and splits a
// scenario's wall time into the estimates (one after the other, components/size/local-estimate.ts
// `onePerEngine`), each estimate into its `buildx build`s (local-estimate.ts `measureWithBuildx`: the
// image export, the uncompressed export, the final stage's base, the registry cache export) and the
// time between two estimates (the next one's `buildx version`, and the provider host's own work).
// Pure: no clock, no process.
import { median } from "./bench-run";

/** One line of the shim's log: start and end in ms since the epoch, the exit code, the arguments. */
export interface DockerCommand {
  startMs: number;
  endMs: number;
  exitCode: number;
  args: string;
}

/** The shim's log line for a command: `<start ms>\t<end ms>\t<exit code>\t<arguments>`. */
export function shimLine(command: DockerCommand): string {
  return `${command.startMs}\t${command.endMs}\t${command.exitCode}\t${command.args}`;
}

/** Parses {@link shimLine}'s format; undefined for anything else. */
export function parseShimLine(line: string): DockerCommand | undefined {
  const match = /^(\d+)\t(\d+)\t(\d+)\t(.*)$/.exec(line);
  if (match === null) return undefined;
  return { startMs: Number(match[1]), endMs: Number(match[2]), exitCode: Number(match[3]), args: match[4]! };
}

/** The four builds of an estimate with the registry cache measured. */
export const BUILD_KINDS = ["image", "uncompressed", "base", "cache"] as const;
export type BuildKind = (typeof BUILD_KINDS)[number];

/**
 * Which of the estimate's builds a `buildx build` command line is (local-estimate.ts: `exportOciLayout`
 * with the push's compression, then with `compression=uncompressed`, `exportBaseLayout` with a
 * generated Dockerfile in an `ecr-pipeline-dockerfile-` directory, `measureCacheExport` with
 * `--output type=cacheonly`); undefined for any other command.
 */
export function buildKind(args: string): BuildKind | undefined {
  if (!args.startsWith("buildx build ")) return undefined;
  if (args.includes("type=cacheonly")) return "cache";
  if (/ --file \S*ecr-pipeline-dockerfile-/.test(args)) return "base";
  if (args.includes("compression=uncompressed")) return "uncompressed";
  return "image";
}

/** One estimate's builds: what each took, and the span from its first build's start to its last's end. */
export interface EstimateTiming {
  /** The build context (a `buildx build`'s last argument). */
  context: string;
  /** Start of its first build, ms after the scenario started. */
  startMs: number;
  /** End of its last build, ms after the scenario started. */
  endMs: number;
  /** Wall time of each build, by kind. */
  builds: Partial<Record<BuildKind, number>>;
}

/** What a scenario's wall time was spent on, from the shim's log. */
export interface ScenarioTiming {
  estimates: EstimateTiming[];
  /** From the scenario's start to the first build: the checks start, `docker version`s, the queue's first `buildx version`. */
  beforeFirstMs: number;
  /** Between one estimate's last build and the next one's first (its `buildx version`, the host's work). */
  betweenMs: number[];
  /** `docker` commands other than `buildx build`, with their wall time. */
  otherCommands: Array<{ command: string; ms: number }>;
}

/**
 * Splits `commands` (the shim's log for one scenario) into estimates: consecutive `buildx build`s of the
 * same context are one estimate (the estimates of one engine run one at a time, so they never
 * interleave). `scenarioStartMs` is the scenario's start on the same clock.
 */
export function scenarioTiming(commands: readonly DockerCommand[], scenarioStartMs: number): ScenarioTiming {
  const sorted = [...commands].sort((a, b) => a.startMs - b.startMs);
  const estimates: EstimateTiming[] = [];
  const otherCommands: ScenarioTiming["otherCommands"] = [];
  for (const command of sorted) {
    const kind = buildKind(command.args);
    if (kind === undefined) {
      otherCommands.push({ command: command.args, ms: command.endMs - command.startMs });
      continue;
    }
    const context = command.args.split(" ").at(-1) ?? "";
    const start = command.startMs - scenarioStartMs;
    const end = command.endMs - scenarioStartMs;
    const last = estimates.at(-1);
    if (last !== undefined && last.context === context && last.builds[kind] === undefined) {
      last.builds[kind] = command.endMs - command.startMs;
      last.endMs = Math.max(last.endMs, end);
    } else {
      estimates.push({
        context,
        startMs: start,
        endMs: end,
        builds: { [kind]: command.endMs - command.startMs },
      });
    }
  }
  const betweenMs = estimates.slice(1).map((estimate, index) => estimate.startMs - estimates[index]!.endMs);
  return { estimates, beforeFirstMs: estimates[0]?.startMs ?? 0, betweenMs, otherCommands };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * The breakdown table: per scenario that ran builds, the medians over its estimates (all rounds) of the
 * estimate's span, each build and the gap between two estimates, and the median time before the first
 * build, and the machine's busy CPU share in each round. `—` where a scenario has none.
 */
export function renderTimingTable(
  rows: ReadonlyArray<{
    scenario: string;
    timing: ScenarioTiming | undefined;
    machineBusyShare?: number;
    /** CPU time (engine, docker clients, provider host) per estimate in the round. */
    cpuPerEstimateMs?: number;
  }>,
): string {
  const scenarios = [...new Set(rows.map((row) => row.scenario))];
  const lines = [
    "| scenario | estimates | per estimate, first build to last (median, min–max) | image export | uncompressed export | final stage's base | cache export | between two estimates (median, max) | scenario start to first build (median) | machine CPU busy during the scenario (per round) | CPU per estimate: engine + docker clients + provider host (per round) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
  ];
  for (const scenario of scenarios) {
    const timings = rows.flatMap((row) =>
      row.scenario === scenario && row.timing !== undefined ? [row.timing] : [],
    );
    const estimates = timings.flatMap((timing) => timing.estimates);
    if (estimates.length === 0) continue;
    const spans = estimates.map((estimate) => estimate.endMs - estimate.startMs);
    const kind = (name: BuildKind) => {
      const values = estimates.flatMap((estimate) =>
        estimate.builds[name] === undefined ? [] : [estimate.builds[name]],
      );
      return values.length === 0 ? "—" : seconds(median(values));
    };
    const between = timings.flatMap((timing) => timing.betweenMs);
    const busy = (name: string) => {
      const shares = rows.flatMap((row) =>
        row.scenario === name && row.machineBusyShare !== undefined ? [row.machineBusyShare] : [],
      );
      return shares.length === 0 ? "—" : shares.map((share) => `${(share * 100).toFixed(0)} %`).join(", ");
    };
    const cpu = (name: string) => {
      const values = rows.flatMap((row) =>
        row.scenario === name && row.cpuPerEstimateMs !== undefined && Number.isFinite(row.cpuPerEstimateMs)
          ? [row.cpuPerEstimateMs]
          : [],
      );
      return values.length === 0 ? "—" : values.map(seconds).join(", ");
    };
    lines.push(
      `| ${scenario} | ${estimates.length} | ${seconds(median(spans))} (${seconds(Math.min(...spans))}–${seconds(Math.max(...spans))}) | ` +
        `${BUILD_KINDS.map(kind).join(" | ")} | ` +
        `${between.length === 0 ? "—" : `${seconds(median(between))}, ${seconds(Math.max(...between))}`} | ` +
        `${seconds(median(timings.map((timing) => timing.beforeFirstMs)))} | ${busy(scenario)} | ${cpu(scenario)} |`,
    );
  }
  return lines.join("\n");
}
