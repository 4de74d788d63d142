// A private Docker engine beside the shared one: a "fresh CI runner" with no images and no build cache
// for the benchmarks and integration tests, or a second engine reachable on a loopback TCP port. Its own
// containerd and dockerd, sockets, image store, build cache and pid files under its directory; the
// binaries `bash scripts/test-infra.sh up` unpacked for the shared engine. The shared engine and other
// people's builds are never touched.
//
// The engine recipe itself (config files, flags, start order, what a stop unmounts) is written once, in
// bash: scripts/infra/engine.sh `start_engine`/`stop_engine`, which `up` uses for the shared engine too.
// Bash because `up` must run before `npm ci` (.ci/run) and fetch the binaries as root with apt; this
// module runs `bash scripts/test-infra.sh engine-start|engine-stop|engine-remove DIR` and only adds what
// a TypeScript caller needs (the environment, the time it took, the server version).
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cacheRoot, engineBinaries, engineClient, TEST_INFRA_SCRIPT } from "./engine";
import { runCommand } from "./process";

/** The benchmarks' private engine (bench:cache); BENCH_ENGINE_DIR overrides it. */
export const PRIVATE_ENGINE_DIR = process.env.BENCH_ENGINE_DIR || join(cacheRoot(), "bench-engine");

/** A private engine's directory under the cache root, e.g. `privateEngineDir("proof-engine-p123")`. */
export function privateEngineDir(name: string): string {
  return join(cacheRoot(), name);
}

export interface PrivateEngine {
  dir: string;
  /** Environment for the docker CLI against this engine (DOCKER_HOST, DOCKER_CONFIG with buildx, PATH). */
  env: NodeJS.ProcessEnv;
  /** `tcp://127.0.0.1:PORT` when started with `tcp`, else undefined. */
  tcpHost?: string;
  /** Seconds from nothing to the engine's default builder running (wiping the previous one's state included). */
  startSeconds: number;
  serverVersion: string;
  /** Stops the engine and removes its directory (images, caches, logs). */
  remove(): Promise<void>;
}

export function privateEngineEnv(dir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DOCKER_HOST: `unix://${join(dir, "docker.sock")}`,
    DOCKER_CONFIG: join(dir, "cfg"),
    PATH: `${join(engineBinaries(), "usr", "bin")}:${join(engineBinaries(), "usr", "sbin")}:${process.env.PATH ?? ""}`,
  };
}

/** Why a private engine cannot start here, or undefined when it can. */
export function privateEngineUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "a private engine needs root (dockerd)";
  for (const binary of ["usr/bin/containerd", "usr/sbin/dockerd", "usr/bin/docker"]) {
    const file = join(engineBinaries(), binary);
    if (!existsSync(file)) return `${file} is missing (bash scripts/test-infra.sh up unpacks it)`;
  }
  return undefined;
}

function infra(args: readonly string[]) {
  // The script exports the shared engine's DOCKER_HOST for its own steps; the caller's must not leak in.
  const env = { ...process.env };
  delete env.DOCKER_HOST;
  delete env.DOCKER_CONFIG;
  return runCommand("bash", [TEST_INFRA_SCRIPT, ...args], { env });
}

/**
 * Starts an EMPTY private engine in `dir` (`engine-start`: a leftover one there is stopped and its state
 * wiped first) and returns when its default builder runs. With `tcp` (a loopback `127.0.0.1:PORT`)
 * dockerd listens there too. Throws with the script's reason when it cannot start.
 */
export async function startPrivateEngine(
  dir = PRIVATE_ENGINE_DIR,
  options: { tcp?: string } = {},
): Promise<PrivateEngine> {
  const startedAt = Date.now();
  try {
    await infra(["engine-start", dir, ...(options.tcp === undefined ? [] : [options.tcp])]);
  } catch (error) {
    // A start that failed half-way (dockerd up, its builder not) must not leave daemons behind.
    await removePrivateEngine(dir).catch(() => undefined);
    throw error;
  }
  const env = privateEngineEnv(dir);
  const { stdout } = await runCommand(engineClient(), ["version", "--format", "{{.Server.Version}}"], {
    env,
  });
  const engine: PrivateEngine = {
    dir,
    env,
    startSeconds: (Date.now() - startedAt) / 1000,
    serverVersion: stdout.trim(),
    async remove() {
      await removePrivateEngine(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (options.tcp !== undefined) engine.tcpHost = `tcp://${options.tcp}`;
  return engine;
}

/** Stops the engine in `dir` by its pid files (dockerd first, then containerd); a no-op when it is not running. */
export async function stopPrivateEngine(dir = PRIVATE_ENGINE_DIR): Promise<void> {
  await infra(["engine-stop", dir]);
}

/** Stops the engine and deletes its images and caches (GBs with the full base); logs and config stay. */
export async function removePrivateEngine(dir = PRIVATE_ENGINE_DIR): Promise<void> {
  await infra(["engine-remove", dir]);
}
