// Where the test infrastructure of scripts/test-infra.sh lives, for every tool and test: the cache root,
// the shared engine (Debian trixie's docker 26.1 with the containerd image store and buildx 0.13), its
// binaries, the registry's address, and the environment that points the docker CLI at the engine. This
// is the one TypeScript definition of these paths; scripts/infra/lib.sh is the one bash definition, with
// the same variables and defaults: $ECR_PIPELINE_CACHE (/var/cache/ecr-pipeline) and $REGISTRY_ADDR
// (127.0.0.1:5000). The script's paths: DOCKER_HOST=unix://$CACHE/engine/docker.sock,
// DOCKER_CONFIG=$CACHE/engine/cfg (the buildx plugin is in cfg/cli-plugins), client
// $CACHE/engine/root/usr/bin/docker (`bash scripts/test-infra.sh env` prints the same).
import { existsSync } from "node:fs";
import * as path from "node:path";

/** The cache root when ECR_PIPELINE_CACHE is unset (scripts/infra/lib.sh `CACHE`). */
export const DEFAULT_CACHE_ROOT = "/var/cache/ecr-pipeline";
/** The registry's address when REGISTRY_ADDR is unset (scripts/infra/lib.sh `REGISTRY_ADDR`). */
export const DEFAULT_REGISTRY_ADDR = "127.0.0.1:5000";
/** scripts/test-infra.sh: `up`, and `engine-start`/`engine-stop`/`engine-remove` for private engines. */
export const TEST_INFRA_SCRIPT = path.join(__dirname, "..", "..", "scripts", "test-infra.sh");

export interface TestEngine {
  /** unix://… for DOCKER_HOST */
  host: string;
  /** DOCKER_CONFIG with the buildx CLI plugin */
  config: string;
  /** directory of the engine's docker client, for PATH */
  binDir: string;
  /** the engine's docker client (26.1) */
  cli: string;
}

/** The test infrastructure's cache root (scripts/infra/lib.sh `$CACHE`). Empty counts as unset. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.ECR_PIPELINE_CACHE || DEFAULT_CACHE_ROOT;
}

/** The registry of the test infrastructure, host:port (scripts/infra/lib.sh `$REGISTRY_ADDR`). */
export function registryAddress(env: NodeJS.ProcessEnv = process.env): string {
  return env.REGISTRY_ADDR || DEFAULT_REGISTRY_ADDR;
}

/** The shared engine's directory (`$CACHE/engine`). */
export function sharedEngineDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), "engine");
}

/** Where `up` unpacks the engine's .debs (`$CACHE/engine/root`); private engines run these binaries too. */
export function engineBinaries(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(sharedEngineDir(env), "root");
}

/**
 * The docker CLI with buildx for any engine of the test infrastructure (the shared one or a private
 * one, chosen by DOCKER_HOST/DOCKER_CONFIG in the caller's env): ECR_PIPELINE_DOCKER, else the 26.1
 * client `up` unpacked, else `docker` on PATH.
 */
export function engineClient(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ECR_PIPELINE_DOCKER) return env.ECR_PIPELINE_DOCKER;
  const cli = path.join(engineBinaries(env), "usr", "bin", "docker");
  return existsSync(cli) ? cli : "docker";
}

/** The test engine when its socket exists (started or adopted by `scripts/test-infra.sh up`), else undefined. */
export function findTestEngine(env: NodeJS.ProcessEnv = process.env): TestEngine | undefined {
  const dir = sharedEngineDir(env);
  const socket = path.join(dir, "docker.sock");
  const binDir = path.join(dir, "root", "usr", "bin");
  if (!existsSync(socket) || !existsSync(path.join(binDir, "docker"))) return undefined;
  return {
    host: `unix://${socket}`,
    config: path.join(dir, "cfg"),
    binDir,
    cli: path.join(binDir, "docker"),
  };
}

/**
 * The test engine this environment should use: found, and DOCKER_HOST either unset (empty counts as
 * unset) or already pointing at it. A DOCKER_HOST set to anything else is the user's choice and wins.
 */
export function selectedTestEngine(env: NodeJS.ProcessEnv = process.env): TestEngine | undefined {
  const engine = findTestEngine(env);
  if (engine === undefined) return undefined;
  const host = env.DOCKER_HOST ?? "";
  return host === "" || host === engine.host ? engine : undefined;
}

/**
 * `env` pointed at the test engine when {@link selectedTestEngine} picks it: DOCKER_HOST, DOCKER_CONFIG
 * (unless set: the caller's config must then hold the buildx plugin) and the engine's client first on
 * PATH, so a plain `docker` (e.g. components/size/docker-cli.ts) is the 26.1 client with buildx.
 * Otherwise `env` unchanged.
 */
export function withTestEngine(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const engine = selectedTestEngine(env);
  if (engine === undefined) return env;
  const pathEntries = (env.PATH ?? "").split(path.delimiter).filter((entry) => entry !== "");
  return {
    ...env,
    DOCKER_HOST: engine.host,
    DOCKER_CONFIG:
      env.DOCKER_CONFIG === undefined || env.DOCKER_CONFIG === "" ? engine.config : env.DOCKER_CONFIG,
    PATH: [engine.binDir, ...pathEntries.filter((entry) => entry !== engine.binDir)].join(path.delimiter),
  };
}

/**
 * Points this process's environment (and so every docker CLI it starts, including
 * components/size/docker-cli.ts's plain `docker`) at the test engine, per {@link withTestEngine}.
 * Call it before anything resolves a docker command. Returns the engine, or undefined when unchanged.
 */
export function useTestEngine(): TestEngine | undefined {
  const engine = selectedTestEngine(process.env);
  if (engine === undefined) return undefined;
  const pointed = withTestEngine(process.env);
  for (const name of ["DOCKER_HOST", "DOCKER_CONFIG", "PATH"] as const) {
    const value = pointed[name];
    if (value !== undefined) process.env[name] = value;
  }
  return engine;
}
