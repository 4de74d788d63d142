/**
 * A second, private Docker engine: a "fresh CI runner" with no images and no build cache, so the
 * shared engine's cache is never pruned to simulate one. Same binaries and flags as the shared engine
 * (scripts/test-infra.sh; reference: shared/reference/modern-engine/start.sh): containerd + dockerd
 * with the containerd image store, no bridge, no iptables, all state under its own directory.
 * Needs root (dockerd does); stopped by its pid files and its directory removed afterwards.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCommand } from "../../../tools/lib/process";

/** Where the shared engine's unpacked binaries live (test-infra.sh). */
export const CACHE_ROOT = process.env.ECR_PIPELINE_CACHE ?? "/var/cache/ecr-pipeline";
export const ENGINE_ROOT = process.env.ECR_PIPELINE_ENGINE_ROOT ?? join(CACHE_ROOT, "engine", "root");

export interface PrivateEngine {
  dir: string;
  /** Environment for the docker CLI to talk to this engine. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** Why a private engine cannot start here, or undefined when it can. */
export function privateEngineUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "a private engine needs root (dockerd)";
  for (const binary of ["usr/bin/containerd", "usr/sbin/dockerd", "usr/bin/docker"]) {
    if (!existsSync(join(ENGINE_ROOT, binary))) return `${join(ENGINE_ROOT, binary)} is missing`;
  }
  return undefined;
}

async function waitFor(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} not ready within ${timeoutMs} ms`);
}

function startDetached(command: string, args: string[], logFile: string, env: NodeJS.ProcessEnv): number {
  const log = openSync(logFile, "a");
  const child = spawn(command, args, { detached: true, stdio: ["ignore", log, log], env });
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  return child.pid;
}

/** SIGTERM to a process this module started (by its pid, never by name). */
function terminate(pid: number | undefined): number | undefined {
  if (pid === undefined || !Number.isInteger(pid) || pid <= 1) return undefined;
  try {
    process.kill(pid, "SIGTERM");
    return pid;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts containerd and dockerd under `dir` (created; must not be in use) and waits until docker answers. */
export async function startPrivateEngine(dir: string): Promise<PrivateEngine> {
  rmSync(dir, { recursive: true, force: true });
  for (const sub of ["data", "exec", "ctd", "ctdstate", "cfg/cli-plugins"])
    mkdirSync(join(dir, sub), { recursive: true });
  const buildx = join(ENGINE_ROOT, "usr/libexec/docker/cli-plugins/docker-buildx");
  if (existsSync(buildx))
    writeFileSync(join(dir, "cfg/cli-plugins/docker-buildx"), readFileSync(buildx), { mode: 0o755 });
  writeFileSync(
    join(dir, "containerd.toml"),
    `version = 2\nroot = "${dir}/ctd"\nstate = "${dir}/ctdstate"\n[grpc]\n  address = "${dir}/containerd.sock"\n`,
  );
  writeFileSync(join(dir, "daemon.json"), JSON.stringify({ features: { "containerd-snapshotter": true } }));
  const env = {
    ...process.env,
    PATH: `${ENGINE_ROOT}/usr/bin:${ENGINE_ROOT}/usr/sbin:${process.env.PATH ?? ""}`,
  };
  const containerdPid = startDetached(
    join(ENGINE_ROOT, "usr/bin/containerd"),
    ["--config", join(dir, "containerd.toml")],
    join(dir, "containerd.log"),
    env,
  );
  writeFileSync(join(dir, "containerd.pid"), String(containerdPid));
  let dockerdPid: number | undefined;
  const dockerEnv: NodeJS.ProcessEnv = {
    ...env,
    DOCKER_HOST: `unix://${dir}/docker.sock`,
    DOCKER_CONFIG: join(dir, "cfg"),
  };
  const engine: PrivateEngine = {
    dir,
    env: dockerEnv,
    stop: async () => {
      // dockerd first, then containerd (the order the reference's README gives).
      for (const pid of [dockerdPid, containerdPid]) {
        const stopping = terminate(pid);
        if (stopping !== undefined)
          await waitFor(() => !alive(stopping), `pid ${stopping} exit`, 30_000).catch(() => undefined);
      }
      // Overlay/containerd mounts under dir must be gone before the directory is removed.
      await runCommand("sh", [
        "-c",
        `grep -o " ${dir}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l`,
      ]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(() => existsSync(join(dir, "containerd.sock")), "containerd", 20_000);
    dockerdPid = startDetached(
      join(ENGINE_ROOT, "usr/sbin/dockerd"),
      [
        "--config-file",
        join(dir, "daemon.json"),
        "-H",
        `unix://${dir}/docker.sock`,
        "--data-root",
        join(dir, "data"),
        "--exec-root",
        join(dir, "exec"),
        "--pidfile",
        join(dir, "dockerd.pid"),
        "--containerd",
        join(dir, "containerd.sock"),
        "--bridge=none",
        "--iptables=false",
        "--ip6tables=false",
      ],
      join(dir, "dockerd.log"),
      env,
    );
    // `docker info` answers a moment before the builder does: wait for the default builder itself.
    await waitFor(
      () =>
        runCommand(join(ENGINE_ROOT, "usr/bin/docker"), ["buildx", "inspect", "default"], {
          env: dockerEnv,
        }).then(
          (result) => /Status:\s+running/.test(result.stdout),
          () => false,
        ),
      "dockerd and its builder",
      60_000,
    );
    return engine;
  } catch (error) {
    await engine.stop();
    throw error;
  }
}
