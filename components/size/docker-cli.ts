/**
 * The few Docker CLI calls the size estimate needs, through the `docker` command (so DOCKER_HOST,
 * contexts and TLS settings work as they do for the user). No Pulumi.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import type { Readable } from "node:stream";

/** How to run Docker: the command and the environment it sees (DOCKER_HOST lives there). */
export interface DockerInvocation {
  /** Path or name of the docker CLI; default: see {@link resolveDockerCommand}. */
  command?: string;
  /** Environment for the CLI; default `process.env`. DOCKER_BUILDKIT=1 is always added. */
  env?: NodeJS.ProcessEnv;
  /** Kill a docker command still running after this long, unless the call sets its own timeout. */
  timeoutMs?: number;
  /**
   * Kills every docker command of this invocation, running or yet to start, once aborted: one deadline
   * for all the calls of an estimate (estimate-provider.ts `timeoutSeconds`), not one per call.
   */
  signal?: AbortSignal;
}

/** Process groups of docker commands still running, killed if this process exits first. */
const runningGroups = new Set<number>();
let exitHookInstalled = false;

/**
 * Kills a docker command with everything it started: the CLI runs buildx as a child plugin process
 * (docker/cli cli-plugins/manager), which a SIGKILL to the CLI alone would leave running. The command is
 * spawned as its own process group (`detached`), so `kill(-pid)` reaches all of it.
 */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
  runningGroups.delete(pid);
}

let resolvedDefaultCommand: string | undefined;

/**
 * `docker` on PATH when it can build with BuildKit, else Debian's `/usr/bin/docker`. Why: a Docker
 * 23+ CLI without the buildx plugin refuses `DOCKER_BUILDKIT=1 docker build` ("BuildKit is enabled
 * but the buildx component is missing"), while the 20.10 CLI has BuildKit built in.
 */
export function resolveDockerCommand(invocation: DockerInvocation = {}): string {
  if (invocation.command !== undefined) return invocation.command;
  if (resolvedDefaultCommand !== undefined) return resolvedDefaultCommand;
  const onPath = spawnSync("docker", ["buildx", "version"], { stdio: "ignore", timeout: 10_000 });
  resolvedDefaultCommand =
    onPath.status !== 0 && fs.existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker";
  return resolvedDefaultCommand;
}

export function dockerEnv(invocation: DockerInvocation = {}): NodeJS.ProcessEnv {
  return { ...(invocation.env ?? process.env), DOCKER_BUILDKIT: "1" };
}

/**
 * True when a Docker engine answers `docker version` within the timeout. Never throws: a missing CLI,
 * a dead socket or a hung daemon all mean "no engine".
 */
export async function dockerEngineAvailable(
  invocation: DockerInvocation = {},
  timeoutMs = 10_000,
): Promise<boolean> {
  const result = await runDocker(["version", "--format", "{{.Server.Version}}"], invocation, {
    timeoutMs,
  }).catch(() => undefined);
  return result !== undefined && result.exitCode === 0 && result.stdout.trim() !== "";
}

export interface DockerRunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A docker command started by {@link startDocker}: its stdout is the caller's to read. */
export interface DockerProcess {
  /** The command's stdout, unread (e.g. the OCI layout `buildx build --output type=oci,dest=-` streams). */
  stdout: Readable;
  /**
   * The exit code once the command has ended. Rejects when the CLI cannot be started, or when the
   * timeout or the abort signal stopped it (its whole process group killed then).
   */
  exited: Promise<number>;
  /** What the command wrote to stderr so far (its last `maxStderrChars`). */
  stderr(): string;
  /** Kills the command's whole process group now (e.g. when its output turned out unusable). */
  kill(): void;
}

export interface StartDockerOptions {
  /** Kill the command after this long; default the invocation's `timeoutMs`, else never. */
  timeoutMs?: number;
  /** Sees every line of stderr as it arrives (build progress). */
  onStderrLine?: (line: string) => void;
  /** How much of stderr {@link DockerProcess.stderr} keeps (the end). Default: all of it. */
  maxStderrChars?: number;
}

/** Splits chunks into lines for `onLine`, holding back a partial last line until it is complete. */
function lineSplitter(onLine: ((line: string) => void) | undefined): (text: string) => void {
  let partial = "";
  return (text) => {
    if (onLine === undefined) return;
    const lines = (partial + text).split(/\r?\n/);
    partial = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  };
}

/**
 * Starts the docker CLI as its own process group (`detached`) and keeps track of it, so a timeout, the
 * invocation's abort signal, {@link DockerProcess.kill} or this process exiting kill the CLI together
 * with the plugin processes it started (`docker-buildx`). Every docker command of the size estimate
 * goes through here, the streaming `buildx build` included; nothing else spawns docker.
 */
export function startDocker(
  args: readonly string[],
  invocation: DockerInvocation = {},
  options: StartDockerOptions = {},
): DockerProcess {
  const child = spawn(resolveDockerCommand(invocation), args, {
    env: dockerEnv(invocation),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const pid = child.pid;
  if (pid !== undefined) runningGroups.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => [...runningGroups].forEach(killGroup));
  }
  // After the CLI has ended its pid (the group id) may be reused: never signal it then.
  let ended = false;
  let stderr = "";
  const stderrLine = lineSplitter(options.onStderrLine);
  child.stderr.on("data", (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    stderr += text;
    if (options.maxStderrChars !== undefined && stderr.length > options.maxStderrChars)
      stderr = stderr.slice(-options.maxStderrChars);
    stderrLine(text);
  });
  const exited = new Promise<number>((resolve, reject) => {
    const signal = invocation.signal;
    const timeoutMs = options.timeoutMs ?? invocation.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const stop = (reason: Error): void => {
      settle();
      killGroup(pid);
      reject(reason);
    };
    const onAbort = (): void =>
      stop(
        new Error(
          `docker ${args[0] ?? ""} stopped (${signal?.reason instanceof Error ? signal.reason.message : String(signal?.reason)}); its processes were killed`,
        ),
      );
    function settle(): void {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
    if (timeoutMs !== undefined)
      timer = setTimeout(
        () =>
          stop(
            new Error(`docker ${args[0] ?? ""} timed out after ${timeoutMs} ms; its processes were killed`),
          ),
        timeoutMs,
      );
    if (signal?.aborted === true) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    child.on("error", (error) => {
      settle();
      ended = true;
      if (pid !== undefined) runningGroups.delete(pid);
      reject(error);
    });
    child.on("close", (code) => {
      settle();
      ended = true;
      if (pid !== undefined) runningGroups.delete(pid);
      resolve(code ?? -1);
    });
  });
  // A caller reading stdout first (docker save) awaits `exited` only later: a timeout meanwhile must not
  // be an unhandled rejection (which ends the process); the caller still sees it when it awaits.
  exited.catch(() => undefined);
  return {
    stdout: child.stdout,
    exited,
    stderr: () => stderr,
    kill: () => {
      if (!ended) killGroup(pid);
    },
  };
}

/**
 * Runs the docker CLI and collects its output. `onOutputLine` sees every line of stdout and stderr as
 * it arrives (build progress). Rejects only when the CLI cannot be started, times out or is aborted.
 */
export async function runDocker(
  args: readonly string[],
  invocation: DockerInvocation = {},
  options: { timeoutMs?: number; onOutputLine?: (line: string) => void } = {},
): Promise<DockerRunResult> {
  const docker = startDocker(args, invocation, {
    timeoutMs: options.timeoutMs,
    onStderrLine: options.onOutputLine,
  });
  let stdout = "";
  const stdoutLine = lineSplitter(options.onOutputLine);
  docker.stdout.on("data", (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    stdout += text;
    stdoutLine(text);
  });
  const exitCode = await docker.exited;
  return { exitCode, stdout, stderr: docker.stderr() };
}
