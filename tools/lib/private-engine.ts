// A second, private Docker engine for "fresh runner" benchmarks: its own containerd and dockerd on their
// own sockets under DIR, started empty (no images, no build cache, no cache mounts) and stopped by their
// pid files afterwards. The shared engine other builds use is never touched.
//
// Same setup as ../shared/reference/modern-engine/start.sh (trixie's docker.io 26.1 / containerd 1.7 /
// buildx 0.13, containerd image store, no bridge, no iptables), but it reuses the binaries that
// scripts/test-infra.sh already unpacked for the shared engine instead of downloading them again.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCommand } from "./process";

/** Where scripts/test-infra.sh unpacks the engine's .debs (`$CACHE/engine/root`). */
export const ENGINE_ROOT = process.env.ECR_PIPELINE_ENGINE_ROOT ?? "/var/cache/ecr-pipeline/engine/root";
/** The engine's docker CLI (26.1); buildx comes from DOCKER_CONFIG/cli-plugins. */
export const ENGINE_DOCKER_CLI = join(ENGINE_ROOT, "usr", "bin", "docker");
/** The private engine's directory; nothing else lives there. */
export const PRIVATE_ENGINE_DIR = process.env.BENCH_ENGINE_DIR ?? "/var/cache/ecr-pipeline/bench-engine";

export interface PrivateEngine {
  dir: string;
  /** Environment for the docker CLI against this engine (DOCKER_HOST, DOCKER_CONFIG with buildx, PATH). */
  env: NodeJS.ProcessEnv;
  /** Seconds from nothing to the engine answering (wiping the previous one's state included). */
  startSeconds: number;
  serverVersion: string;
}

/** The state directories an empty engine starts from; wiped before every start. */
const STATE_DIRS = ["data", "ctd", "ctdstate", "exec"] as const;

function engineEnv(dir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DOCKER_HOST: `unix://${join(dir, "docker.sock")}`,
    DOCKER_CONFIG: join(dir, "cfg"),
    PATH: `${join(ENGINE_ROOT, "usr", "bin")}:${join(ENGINE_ROOT, "usr", "sbin")}:${process.env.PATH ?? ""}`,
  };
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8").trim());
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(200);
  }
  throw new Error(`${what} within ${timeoutMs / 1000} s`);
}

/** Stops the process in `pidFile` (SIGTERM, SIGKILL after `graceMs`), if it is still running. */
async function stopByPidFile(pidFile: string, graceMs: number): Promise<void> {
  const pid = readPid(pidFile);
  if (pid === undefined || !alive(pid)) return;
  process.kill(pid, "SIGTERM");
  try {
    await waitFor(() => !alive(pid), graceMs, `pid ${pid} did not exit`);
  } catch {
    process.kill(pid, "SIGKILL");
    await waitFor(() => !alive(pid), 5_000, `pid ${pid} survived SIGKILL`);
  }
}

/** Stops this engine by its pid files (dockerd first, then containerd); a no-op when it is not running. */
export async function stopPrivateEngine(dir = PRIVATE_ENGINE_DIR): Promise<void> {
  await stopByPidFile(join(dir, "dockerd.pid"), 20_000);
  await stopByPidFile(join(dir, "containerd.pid"), 10_000);
  await unmountUnder(dir);
}

/** Overlay mounts a killed engine may leave behind, so that wiping its state never follows them. */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = readFileSync("/proc/self/mounts", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[1] ?? "")
    .filter((point) => point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) await runCommand("umount", ["-l", point]).catch(() => undefined);
}

/** Stops the engine and deletes its images and caches (GBs with the full base); logs and config stay. */
export async function removePrivateEngine(dir = PRIVATE_ENGINE_DIR): Promise<void> {
  await stopPrivateEngine(dir);
  for (const state of STATE_DIRS) rmSync(join(dir, state), { recursive: true, force: true });
}

function spawnDetached(command: string, args: readonly string[], logFile: string, env: NodeJS.ProcessEnv) {
  const out = openSync(logFile, "a");
  const child = spawn(command, args, { detached: true, stdio: ["ignore", out, out], env });
  child.unref();
  return child;
}

/**
 * Starts an EMPTY private engine in `dir`: stops a leftover one (by its pid files), wipes its state
 * directories, then starts containerd and dockerd. Throws when the binaries are missing.
 */
export async function startPrivateEngine(dir = PRIVATE_ENGINE_DIR): Promise<PrivateEngine> {
  const dockerd = join(ENGINE_ROOT, "usr", "sbin", "dockerd");
  const containerd = join(ENGINE_ROOT, "usr", "bin", "containerd");
  const buildxPlugin = join(ENGINE_ROOT, "usr", "libexec", "docker", "cli-plugins", "docker-buildx");
  for (const binary of [dockerd, containerd, buildxPlugin]) {
    if (!existsSync(binary))
      throw new Error(`${binary} is missing: run bash scripts/test-infra.sh up (it unpacks the engine)`);
  }
  const startedAt = Date.now();
  await stopPrivateEngine(dir);
  for (const state of STATE_DIRS) rmSync(join(dir, state), { recursive: true, force: true });
  for (const sub of [...STATE_DIRS, "cfg/cli-plugins"]) mkdirSync(join(dir, sub), { recursive: true });
  copyFileSync(buildxPlugin, join(dir, "cfg", "cli-plugins", "docker-buildx"));
  const env = engineEnv(dir);

  const containerdConfig = join(dir, "containerd.toml");
  writeFileSync(
    containerdConfig,
    [
      "version = 2",
      `root = "${join(dir, "ctd")}"`,
      `state = "${join(dir, "ctdstate")}"`,
      "[grpc]",
      `  address = "${join(dir, "containerd.sock")}"`,
      "",
    ].join("\n"),
  );
  rmSync(join(dir, "containerd.sock"), { force: true });
  const ctd = spawnDetached(containerd, ["--config", containerdConfig], join(dir, "containerd.log"), env);
  writeFileSync(join(dir, "containerd.pid"), `${ctd.pid}\n`);
  await waitFor(() => existsSync(join(dir, "containerd.sock")), 15_000, "containerd did not listen");

  // The containerd image store is what lets the default `docker` buildx driver export registry caches
  // and zstd layers (../shared/reference/modern-engine/README.md).
  const daemonJson = join(dir, "daemon.json");
  writeFileSync(daemonJson, '{ "features": { "containerd-snapshotter": true } }\n');
  spawnDetached(
    dockerd,
    [
      "--config-file",
      daemonJson,
      "-H",
      `unix://${join(dir, "docker.sock")}`,
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
  let serverVersion = "";
  await waitFor(
    () =>
      runCommand(ENGINE_DOCKER_CLI, ["version", "--format", "{{.Server.Version}}"], { env }).then(
        ({ stdout }) => ((serverVersion = stdout.trim()), true),
        () => false,
      ),
    60_000,
    `the private dockerd did not answer (see ${join(dir, "dockerd.log")})`,
  );
  // `docker version` answers a moment before the builder does: wait for the default builder itself.
  await waitFor(
    () =>
      runCommand(ENGINE_DOCKER_CLI, ["buildx", "inspect", "default"], { env }).then(
        ({ stdout }) => /Status:\s+running/.test(stdout),
        () => false,
      ),
    60_000,
    "the private engine's default builder did not start",
  );
  return { dir, env, startSeconds: (Date.now() - startedAt) / 1000, serverVersion };
}
