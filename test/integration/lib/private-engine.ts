/**
 * A second, private Docker engine: a "fresh CI runner" with no images and no build cache, so the
 * shared engine's cache is never pruned to simulate one. The engine itself is tools/lib/private-engine.ts
 * (the benchmarks use the same one); this adapter gives the tests a `stop()` that also removes the
 * directory, and says up front when an engine cannot start here.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import {
  ENGINE_ROOT,
  removePrivateEngine,
  startPrivateEngine as startEngine,
} from "../../../tools/lib/private-engine";

export { ENGINE_ROOT };
/** The test infrastructure's cache directory (scripts/test-infra.sh `$CACHE`). */
export const CACHE_ROOT = process.env.ECR_PIPELINE_CACHE ?? "/var/cache/ecr-pipeline";

export interface PrivateEngine {
  dir: string;
  /** Environment for the docker CLI to talk to this engine. */
  env: NodeJS.ProcessEnv;
  /** Stops the engine by its pid files and removes its directory. */
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

/** Starts an empty engine under `dir` and waits until its default builder runs. */
export async function startPrivateEngine(dir: string): Promise<PrivateEngine> {
  const stop = async (): Promise<void> => {
    await removePrivateEngine(dir);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const engine = await startEngine(dir);
    return { dir, env: engine.env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
