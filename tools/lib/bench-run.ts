// What every benchmark script does around its measurements, written once: its log lines, its numeric
// options, the median of its runs, waiting for a quiet machine, checking the test infrastructure, and
// running its main with the clean-up it needs when it fails or is interrupted.
import { loadavg } from "node:os";
import { dockerEngineStatus } from "./docker";
import { useTestEngine } from "./engine";
import { LOCAL_REGISTRY, registryAnswers } from "./registry";

export type Log = (message: string) => void;

/** A log on stderr, each line `[<label> HH:MM:SS] message` (stdout is the bench's table). */
export function benchLogger(label: string): Log {
  return (message) =>
    process.stderr.write(`[${label} ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** The number after `name` on the command line (`--rounds 3`), or `fallback`; finite and >= 0. */
export function numberOption(
  name: string,
  fallback: number,
  argv: readonly string[] = process.argv.slice(2),
): number {
  const index = argv.indexOf(name);
  const value = index >= 0 ? Number(argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a number, got ${argv[index + 1]}`);
  return value;
}

/** The median (the mean of the middle two for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Waits (up to `waitSeconds`) until the 1-minute load average is below `maxLoad`, so that a figure is
 * not measured while other jobs hold the 2 cores; returns the load when the measurement starts
 * (recorded with the figure either way).
 */
export async function quietMachine(
  maxLoad: number,
  waitSeconds: number,
  log: Log,
  load: () => number = () => loadavg()[0]!,
  sleep: (ms: number) => Promise<unknown> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<number> {
  const deadline = Date.now() + waitSeconds * 1000;
  let announced = false;
  while (load() >= maxLoad && Date.now() < deadline) {
    if (!announced) log(`load average ${load().toFixed(2)} ≥ ${maxLoad}: waiting (at most ${waitSeconds} s)`);
    announced = true;
    await sleep(5_000);
  }
  return load();
}

/**
 * Points the docker CLI at the shared test engine and checks that it and the registry answer; returns
 * the engine's version. Throws with the command that starts them.
 */
export async function requireTestInfrastructure(): Promise<string> {
  useTestEngine();
  const engine = await dockerEngineStatus();
  if (!engine.reachable)
    throw new Error(`${engine.reason}\nStart the test infrastructure: bash scripts/test-infra.sh up`);
  if (!(await registryAnswers()))
    throw new Error(`no registry on ${LOCAL_REGISTRY}: bash scripts/test-infra.sh up`);
  return engine.serverVersion;
}

/**
 * Runs a bench's `main` when its file is run as a script: a failure prints `<name> failed: <message>`,
 * runs `cleanUp` and exits 1. With `stops`, SIGINT and SIGTERM run `cleanUp` too and exit 130: the bench
 * stops what it started (its registry by pid, its private engine by pid files). `on`, not `once`: Ctrl-C
 * reaches the process twice (the terminal's, then npm's forwarded copy), and with no listener left tsx's
 * own handler exits at once (tsx dist/preflight.cjs: exit when `process.listenerCount(signal) === 0`),
 * leaving the engine running (seen).
 */
export function runBench(
  name: string,
  main: () => Promise<void>,
  options: {
    /** What `cleanUp` stops; given, a signal runs it too (and this is the line it prints). */
    stops?: string;
    cleanUp?: () => Promise<void>;
    /** Print the error's stack, not only its message. */
    stack?: boolean;
  } = {},
): void {
  const { cleanUp, stops } = options;
  if (cleanUp !== undefined && stops !== undefined) {
    let stopping = false;
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.on(signal, () => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`${name}: ${signal}, stopping ${stops}\n`);
        void cleanUp()
          .catch(() => undefined)
          .finally(() => process.exit(130));
      });
    }
  }
  main().catch(async (error: unknown) => {
    const text =
      error instanceof Error ? (options.stack === true ? error.stack : error.message) : String(error);
    process.stderr.write(`${name} failed: ${text}\n`);
    await cleanUp?.().catch(() => undefined);
    process.exit(1);
  });
}
