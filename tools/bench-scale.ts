// npm run bench:scale — ten services in one preview: ten pipelines' size estimates driven through Pulumi's
// REAL dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`, tools/lib/dynamic-provider-host.ts)
// the way `pulumi preview` calls them: Check for every resource at once (the engine registers resources
// concurrently), then Diff against the state when there is one. All on the shared engine of
// `bash scripts/test-infra.sh up`; the services are ten copies of app/ (slim builder, distroless runtime,
// the registry cache measured too, as the pipeline's defaults have it), each with its own version.
//
// Scenarios, in this order (each a fresh "preview": the host is the same process, as in one `pulumi
// preview`; the on-disk estimate cache is per scenario, so only the state decides what is reused):
//   new stack     no state: every service is checked and measured (the first preview of a new stack);
//   unchanged     state from the previous scenario, no change: Check reuses the state, Diff says no change;
//   one alone     ONE service only (a program with one pipeline), a code-only change;
//   one of ten    the ten services with state, one of them changed (code-only) and nine unchanged;
//   all changed   the ten services, every one changed (code-only).
// Every docker command the provider runs goes through a logging shim first on PATH, so "runs no build"
// is counted, not assumed. Before each scenario the 1-minute load average is awaited below --max-load
// (2; --load-wait 600 s) and recorded. --rounds N (3) repeats the scenarios after "new stack" and
// reports medians.
//
//   npm run bench:scale -- [--services 10] [--rounds 3] [--max-load 2] [--load-wait 600] [--write]
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { delimiter, join } from "node:path";
import { hashBuildContext } from "../components/buildkit/context-hash";
import { imageSizeEstimateProvider } from "../components/size/estimate-resource";
import {
  REPO_ROOT,
  TEST_BASE_IMAGES,
  WORK_DIR,
  benchVariant,
  prepareContext,
  setAppVersion,
} from "./lib/bench-variants";
import { writeBenchTable } from "./lib/bench-docs";
import { benchLogger, median, numberOption as option, quietMachine, runBench } from "./lib/bench-run";
import {
  PROVIDER_KEY,
  serializeProvider,
  startDynamicProviderHost,
  type DynamicProviderHost,
} from "./lib/dynamic-provider-host";
import { engineClient, sharedEngineDir, withTestEngine } from "./lib/engine";
import { runCommand } from "./lib/process";
import {
  buildKind,
  parseShimLine,
  renderTimingTable,
  scenarioTiming,
  type DockerCommand,
  type ScenarioTiming,
} from "./lib/scale-timing";

const WORK = join(WORK_DIR, "scale");
const SHIM_DIR = join(WORK, "shim");
const SHIM_LOG = join(WORK, "docker-calls.log");

const log = benchLogger("bench:scale");

/**
 * A `docker` first on PATH that runs the real client and then logs the command line with its start and
 * end (ms since the epoch, GNU date's `%3N`) and exit code (tools/lib/scale-timing.ts `shimLine`), so
 * the bench counts the builds and times each of them. A command killed with its process group (the
 * estimate's timeout) leaves no line.
 */
function installShim(): void {
  mkdirSync(SHIM_DIR, { recursive: true });
  const shim = join(SHIM_DIR, "docker");
  writeFileSync(
    shim,
    [
      "#!/bin/sh",
      "start=$(date +%s%3N)",
      `'${engineClient()}' "$@"`,
      "code=$?",
      `printf '%s\\t%s\\t%s\\t%s\\n' "$start" "$(date +%s%3N)" "$code" "$*" >> '${SHIM_LOG}'`,
      'exit "$code"',
      "",
    ].join("\n"),
  );
  chmodSync(shim, 0o755);
}

function dockerCalls(): DockerCommand[] {
  try {
    return readFileSync(SHIM_LOG, "utf8")
      .split("\n")
      .flatMap((line) => parseShimLine(line) ?? []);
  } catch {
    return [];
  }
}

interface Service {
  name: string;
  context: string;
  version: number;
  /** The state after the last preview/update: the checked outputs. */
  state?: Record<string, unknown>;
}

interface Call {
  service: string;
  milliseconds: number;
  changes: boolean;
  measured: boolean;
  note: string;
}

export interface ScenarioResult {
  scenario: string;
  /** Which invocation of the bench (results of several runs can be rendered together). */
  run?: string;
  round: number;
  services: number;
  changed: number;
  wallSeconds: number;
  /** CPU time of the dynamic-provider host process in this scenario (its own work, not docker's). */
  hostCpuMilliseconds: number | null;
  load: number;
  /** `docker buildx build` commands the provider ran in this scenario. */
  builds: number;
  dockerCommands: number;
  calls: Call[];
  /** Where the wall time went, from the shim's timed log (absent from results of older runs). */
  timing?: ScenarioTiming;
  /**
   * Share of the machine's CPU time (all cores) that was busy during the scenario, whoever used it (this
   * bench, the engine, other jobs): the load a scenario met, where `load` is only the start's.
   */
  machineBusyShare?: number;
  /**
   * CPU time in the scenario of the engine (dockerd, whose built-in BuildKit builds and exports, and
   * containerd; the shared engine also serves other jobs) and of the docker CLI and buildx processes the
   * provider host started (their CPU counted when they end). Absent from older results.
   */
  engineCpuMilliseconds?: number;
  clientCpuMilliseconds?: number;
}

/** USER_HZ: the unit of /proc/<pid>/stat's CPU times on Linux. */
const CLOCK_TICKS = 100;

/** dockerd's and containerd's CPU time so far (ms), from their pid files; NaN when they cannot be read. */
function engineCpu(): number {
  try {
    return ["dockerd.pid", "containerd.pid"]
      .map((file) => readFileSync(join(sharedEngineDir(), file), "utf8").trim())
      .map((pid) => {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
      })
      .reduce((sum, ms) => sum + ms, 0);
  } catch {
    return Number.NaN;
  }
}

/** Busy and total CPU time of all cores since boot (os.cpus(), ms). */
function machineCpu(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

const BUILD_ARGS = {
  NODE_BUILD_IMAGE: TEST_BASE_IMAGES.slim,
  NODE_RUNTIME_IMAGE: TEST_BASE_IMAGES.distroless,
};

function inputsOf(service: Service, provider: string, cacheDir: string): Record<string, unknown> {
  const platforms = ["linux/amd64"];
  const { hash } = hashBuildContext({ context: service.context, buildArgs: BUILD_ARGS, platforms });
  return {
    [PROVIDER_KEY]: provider,
    context: service.context,
    buildArgs: BUILD_ARGS,
    platforms,
    compression: "gzip",
    contextHash: hash,
    cacheDir,
    cache: true,
  };
}

/**
 * One preview over `services`: Check for all of them concurrently, then Diff where there is a state (a
 * resource being created is not diffed). The check's result becomes the service's state (as `pulumi up`
 * would store it after this preview).
 */
async function preview(
  host: DynamicProviderHost,
  services: readonly Service[],
  provider: string,
  cacheDir: string,
): Promise<{ startedMs: number; wallSeconds: number; calls: Call[]; hostCpuMilliseconds: number }> {
  // The program computes the inputs (the context hash) before it registers the resources: not timed here.
  const inputs = services.map((service) => inputsOf(service, provider, cacheDir));
  const cpuBefore = host.cpuMilliseconds();
  const started = Date.now();
  const calls = await Promise.all(
    services.map(async (service, index): Promise<Call> => {
      const news = inputs[index]!;
      const begun = process.hrtime.bigint();
      const checked = await host.check(service.state ?? {}, news);
      const changes =
        service.state === undefined ? true : (await host.diff(service.state, checked)).changes === 2;
      const milliseconds = Number(process.hrtime.bigint() - begun) / 1e6;
      const note = String(checked.note ?? "");
      if (typeof checked.sizeBytes !== "number")
        throw new Error(`${service.name}: no size measured: ${note}`);
      service.state = checked;
      return { service: service.name, milliseconds, changes, measured: !note.endsWith("(cached)"), note };
    }),
  );
  return {
    startedMs: started,
    wallSeconds: (Date.now() - started) / 1000,
    calls,
    hostCpuMilliseconds: host.cpuMilliseconds() - cpuBefore,
  };
}

/** The provider host's CPU per service, median over the runs that measured it (older results did not). */
function cpuPerService(runs: readonly ScenarioResult[]): string {
  const values = runs.flatMap((run) =>
    run.hostCpuMilliseconds === null || run.hostCpuMilliseconds === undefined
      ? []
      : [run.hostCpuMilliseconds / run.services],
  );
  return values.length === 0 ? "—" : `${median(values).toFixed(0)} ms`;
}

export function renderScaleMarkdown(results: readonly ScenarioResult[], date: string): string {
  const scenarios = [...new Set(results.map((result) => result.scenario))];
  const lines = [
    `Measured ${date} with \`npm run bench:scale\` on this machine (2 cores, shared; the shared engine, docker 26.1 / BuildKit 0.13; ` +
      `services: copies of app/ with the slim builder and the distroless runtime, linux/amd64, gzip, registry cache measured). ` +
      "Each service: Check, then Diff when it has a state, through Pulumi's real dynamic-provider host, all services at once. Medians over the rounds (min–max); the load is the 1-minute load average at the start.",
    "",
    "| scenario | services (changed) | wall time of the preview's estimates | per service: check + diff, wall (median, max; all at once, so queued) | provider host CPU per service | `buildx build` commands | loads |",
    "|---|---:|---:|---:|---:|---:|---|",
  ];
  for (const scenario of scenarios) {
    const runs = results.filter((result) => result.scenario === scenario);
    const walls = runs.map((run) => run.wallSeconds);
    const perService = runs.flatMap((run) => run.calls.map((call) => call.milliseconds));
    const first = runs[0]!;
    lines.push(
      `| ${scenario} | ${first.services} (${first.changed}) | ${median(walls).toFixed(2)} s (${Math.min(...walls).toFixed(2)}–${Math.max(...walls).toFixed(2)}) | ` +
        `${median(perService).toFixed(0)} ms, ${Math.max(...perService).toFixed(0)} ms | ${cpuPerService(runs)} | ` +
        `${runs.map((run) => run.builds).join(", ")} | ${runs.map((run) => run.load.toFixed(1)).join(", ")} |`,
    );
  }
  const unchanged = results.filter((result) => result.scenario === "unchanged");
  // What an unchanged service costs the preview: the wall time of the ten checks and diffs at once,
  // divided by ten (each call alone also waits for the other nine in the one host process), and the
  // host's CPU time per service, which the machine's load does not inflate.
  const unchangedWall = Math.max(...unchanged.map((run) => (run.wallSeconds * 1000) / run.services));
  const cpu = unchanged.flatMap((run) =>
    run.hostCpuMilliseconds === null ? [] : [run.hostCpuMilliseconds / run.services],
  );
  const unchangedCpu = cpu.length === 0 ? Number.NaN : Math.max(...cpu);
  const unchangedBuilds = unchanged.reduce((sum, run) => sum + run.builds, 0);
  // Each round measures "one alone", "one of ten" and "all changed" back to back: their ratios are taken
  // within a round (the machine's load drifts between rounds), and the median of those is the figure.
  const perRound = (scenario: string) =>
    results
      .filter((result) => result.scenario === "one alone")
      .flatMap((alone) => {
        const other = results.find(
          (result) =>
            result.scenario === scenario && result.round === alone.round && result.run === alone.run,
        );
        return other === undefined ? [] : [other.wallSeconds / alone.wallSeconds];
      });
  const oneOfTen = perRound("one of ten");
  const allChanged = perRound("all changed");
  const services = results.find((result) => result.scenario === "all changed")?.services ?? 10;
  const list = (values: readonly number[]) => values.map((value) => value.toFixed(2)).join(", ");
  lines.push(
    "",
    "| target | measured | met? |",
    "|---|---:|---|",
    `| an unchanged service runs no build | ${unchangedBuilds} \`buildx build\` over ${unchanged.length} rounds | ${unchangedBuilds === 0 ? "yes" : "**no**"} |`,
    `| an unchanged service costs ≤ 100 ms (the preview's wall time for the ten ÷ 10, worst round) | ${unchangedWall.toFixed(0)} ms | ${unchangedWall <= 100 ? "yes" : "**no**"} |`,
    `| an unchanged service costs ≤ 100 ms of the provider host's CPU (worst round) | ${unchangedCpu.toFixed(0)} ms | ${unchangedCpu <= 100 ? "yes" : "**no**"} |`,
    `| one changed out of ${services} ≤ 1.3× the same change alone (median of the per-round ratios: ${list(oneOfTen)}) | ${median(oneOfTen).toFixed(2)}× | ${median(oneOfTen) <= 1.3 ? "yes" : "**no**"} |`,
    `| all ${services} changed: linear or better, ≤ ${services}× one alone (per round: ${list(allChanged)}) | ${median(allChanged).toFixed(2)}× | ${median(allChanged) <= services ? "yes" : "**no**"} |`,
  );
  if (results.some((result) => result.timing !== undefined))
    lines.push(
      "",
      "Where the time goes (the docker shim's log: each `buildx build`'s wall time, medians over all rounds' estimates; an estimate is its four builds, the next one starts after its `buildx version`):",
      "",
      renderTimingTable(
        results.map((result) => ({
          scenario: result.scenario,
          timing: result.timing,
          machineBusyShare: result.machineBusyShare,
          cpuPerEstimateMs:
            result.engineCpuMilliseconds === undefined ||
            result.clientCpuMilliseconds === undefined ||
            result.hostCpuMilliseconds === null ||
            result.builds === 0
              ? undefined
              : (result.engineCpuMilliseconds + result.clientCpuMilliseconds + result.hostCpuMilliseconds) /
                (result.builds / 4),
        })),
      ),
    );
  return lines.join("\n");
}

async function main(): Promise<void> {
  const count = option("--services", 10);
  const rounds = option("--rounds", 3);
  const load = { max: option("--max-load", 2), waitSeconds: option("--load-wait", 600) };
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  installShim();
  const env = withTestEngine(process.env);
  env.PATH = [SHIM_DIR, env.PATH ?? ""].join(delimiter);
  // A real client first: the engine must answer before anything is timed.
  await runCommand(engineClient(), ["version"], { env: withTestEngine(process.env) });
  const runId = `${process.pid}-${Date.now().toString(36)}`;
  const services: Service[] = Array.from({ length: count }, (_, index) => {
    const context = prepareContext(benchVariant("optimized"), join(WORK, `svc-${index}`));
    const service = { name: `svc-${index}`, context, version: 0 };
    setAppVersion(context, `${runId}-${index}-v0`);
    return service;
  });
  const change = (service: Service) => {
    service.version += 1;
    setAppVersion(service.context, `${runId}-${service.name}-v${service.version}`);
  };
  const provider = await serializeProvider(imageSizeEstimateProvider());
  const host = await startDynamicProviderHost(env, REPO_ROOT);
  runningHost = host;
  const results: ScenarioResult[] = [];
  let scenarioIndex = 0;
  const run = async (scenario: string, round: number, subset: readonly Service[], changed: number) => {
    const loadAtStart = await quietMachine(load.max, load.waitSeconds, log);
    const before = dockerCalls().length;
    const cacheDir = join(WORK, `estimates-${scenarioIndex++}`);
    log(
      `${scenario} (round ${round}): ${subset.length} services, ${changed} changed, load ${loadAtStart.toFixed(2)}`,
    );
    const cpuBefore = machineCpu();
    const engineBefore = engineCpu();
    const clientBefore = host.childrenCpuMilliseconds();
    const { startedMs, wallSeconds, calls, hostCpuMilliseconds } = await preview(
      host,
      subset,
      provider,
      cacheDir,
    );
    const commands = dockerCalls().slice(before);
    const timing = scenarioTiming(commands, startedMs);
    const cpuAfter = machineCpu();
    const engineCpuMilliseconds = engineCpu() - engineBefore;
    const clientCpuMilliseconds = host.childrenCpuMilliseconds() - clientBefore;
    const machineBusyShare = (cpuAfter.busy - cpuBefore.busy) / Math.max(1, cpuAfter.total - cpuBefore.total);
    const result: ScenarioResult = {
      scenario,
      run: runId,
      round,
      services: subset.length,
      changed,
      wallSeconds,
      hostCpuMilliseconds,
      load: loadAtStart,
      builds: commands.filter((command) => buildKind(command.args) !== undefined).length,
      dockerCommands: commands.length,
      calls,
      timing,
      machineBusyShare,
      engineCpuMilliseconds,
      clientCpuMilliseconds,
    };
    log(
      `  ${wallSeconds.toFixed(2)} s, ${result.builds} buildx builds, ${commands.length} docker commands, machine CPU ${(machineBusyShare * 100).toFixed(0)} % busy, engine CPU ${engineCpuMilliseconds.toFixed(0)} ms, docker clients ${clientCpuMilliseconds.toFixed(0)} ms`,
    );
    results.push(result);
    writeFileSync(join(WORK_DIR, "scale-results.json"), JSON.stringify(results, null, 2));
  };
  try {
    await run("new stack", 1, services, count);
    for (let round = 1; round <= rounds; round++) {
      await run("unchanged", round, services, 0);
      const alone = services[0]!;
      change(alone);
      await run("one alone", round, [alone], 1);
      const other = services[1 + ((round - 1) % (count - 1))]!;
      change(other);
      await run("one of ten", round, services, 1);
      services.forEach(change);
      await run("all changed", round, services, count);
    }
  } finally {
    await host.stop();
  }
  const markdown = renderScaleMarkdown(results, new Date().toISOString().slice(0, 10));
  process.stdout.write(`${markdown}\n`);
  if (process.argv.includes("--write")) log(`wrote the table into ${writeBenchTable("scale", markdown)}`);
}

/** The host while main runs, so that Ctrl-C stops it too (main's `finally` does not run on a signal). */
let runningHost: DynamicProviderHost | undefined;

if (require.main === module)
  runBench("bench:scale", main, {
    stack: true,
    stops: "the dynamic-provider host",
    cleanUp: async () => runningHost?.stop(),
  });
