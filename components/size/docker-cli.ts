/**
 * The few Docker CLI calls the size estimate needs, through the `docker` command (so DOCKER_HOST,
 * contexts and TLS settings work as they do for the user). No Pulumi.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";

/** How to run Docker: the command and the environment it sees (DOCKER_HOST lives there). */
export interface DockerInvocation {
  /** Path or name of the docker CLI; default: see {@link resolveDockerCommand}. */
  command?: string;
  /** Environment for the CLI; default `process.env`. DOCKER_BUILDKIT=1 is always added. */
  env?: NodeJS.ProcessEnv;
  /** Kill a docker command still running after this long, unless the call sets its own timeout. */
  timeoutMs?: number;
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

/**
 * Runs the docker CLI and collects its output. `onOutputLine` sees every line of stdout and stderr as
 * it arrives (build progress). Rejects only when the CLI cannot be started or times out.
 */
export function runDocker(
  args: readonly string[],
  invocation: DockerInvocation = {},
  options: { timeoutMs?: number; onOutputLine?: (line: string) => void } = {},
): Promise<DockerRunResult> {
  return new Promise((resolve, reject) => {
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
    let stdout = "";
    let stderr = "";
    const lineSplitter = (append: (text: string) => void): ((chunk: Buffer) => void) => {
      let partial = "";
      return (chunk) => {
        const text = chunk.toString("utf8");
        append(text);
        if (options.onOutputLine === undefined) return;
        const lines = (partial + text).split(/\r?\n/);
        partial = lines.pop() ?? "";
        for (const line of lines) options.onOutputLine(line);
      };
    };
    child.stdout.on(
      "data",
      lineSplitter((text) => (stdout += text)),
    );
    child.stderr.on(
      "data",
      lineSplitter((text) => (stderr += text)),
    );
    const timeoutMs = options.timeoutMs ?? invocation.timeoutMs;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            killGroup(pid);
            reject(
              new Error(`docker ${args[0] ?? ""} timed out after ${timeoutMs} ms; its processes were killed`),
            );
          }, timeoutMs);
    child.on("error", (error) => {
      if (timer !== undefined) clearTimeout(timer);
      if (pid !== undefined) runningGroups.delete(pid);
      reject(error);
    });
    child.on("close", (code) => {
      if (timer !== undefined) clearTimeout(timer);
      if (pid !== undefined) runningGroups.delete(pid);
      resolve({ exitCode: code ?? -1, stdout, stderr });
    });
  });
}
