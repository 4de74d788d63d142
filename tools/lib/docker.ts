// Thin, typed wrappers over the Docker CLI for the benchmarks and integration tests. The engine of
// `bash scripts/test-infra.sh up` (docker 26.1, containerd image store, buildx 0.13) is used when its
// socket exists and DOCKER_HOST does not point elsewhere (tools/lib/engine.ts): its own client, with its
// DOCKER_HOST and DOCKER_CONFIG (buildx plugin). Otherwise Debian's /usr/bin/docker when installed (a
// newer CLI earlier on PATH may lack buildx and then refuses DOCKER_BUILDKIT=1 builds), else `docker`.
// ECR_PIPELINE_DOCKER overrides the CLI path. Builds and containers use the host network (the engine
// runs with no bridge).
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { selectedTestEngine, withTestEngine } from "./engine";
import { runCommand } from "./process";

export const DOCKER_CLI =
  process.env.ECR_PIPELINE_DOCKER ??
  selectedTestEngine()?.cli ??
  (existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker");

export function dockerEnv(): NodeJS.ProcessEnv {
  return { ...withTestEngine(process.env), DOCKER_BUILDKIT: "1" };
}

/** Runs the test engine's docker CLI (DOCKER_CLI) with its environment. */
export function docker(args: readonly string[]) {
  return runCommand(DOCKER_CLI, args, { env: dockerEnv() });
}

export type EngineStatus = { reachable: true; serverVersion: string } | { reachable: false; reason: string };

export async function dockerEngineStatus(): Promise<EngineStatus> {
  try {
    const { stdout } = await docker(["version", "--format", "{{.Server.Version}}"]);
    return { reachable: true, serverVersion: stdout.trim() };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n").slice(-3).join(" ") : String(error);
    return { reachable: false, reason: `no Docker engine via ${DOCKER_CLI}: ${reason}` };
  }
}

export interface BuildOptions {
  context: string;
  dockerfile: string;
  tag: string;
  buildArgs?: Record<string, string>;
  noCache?: boolean;
  target?: string;
}

export interface BuildResult {
  seconds: number;
  /** BuildKit's plain-progress log (stderr of `docker build`). */
  log: string;
  /** RUN/COPY/ADD/WORKDIR steps, and how many of them BuildKit reported CACHED. */
  steps: number;
  cachedSteps: number;
}

export async function buildImage(options: BuildOptions): Promise<BuildResult> {
  const args = ["build", "--network=host", "--progress=plain", "-f", options.dockerfile, "-t", options.tag];
  if (options.noCache) args.push("--no-cache");
  if (options.target) args.push("--target", options.target);
  for (const [name, value] of Object.entries(options.buildArgs ?? {}))
    args.push("--build-arg", `${name}=${value}`);
  args.push(options.context);
  const { stderr, stdout, seconds } = await docker(args);
  const log = stderr + stdout;
  return { seconds, log, ...countSteps(log) };
}

/** Counts build steps in a BuildKit plain-progress log, e.g. `#7 [build 3/7] COPY ...` then `#7 CACHED`. */
export function countSteps(log: string): { steps: number; cachedSteps: number } {
  const stepIds = new Set<string>();
  const cachedIds = new Set<string>();
  for (const line of log.split("\n")) {
    const step = /^(#\d+) \[[^\]]+\] (RUN|COPY|ADD|WORKDIR)\b/.exec(line);
    if (step?.[1]) stepIds.add(step[1]);
    const cached = /^(#\d+) CACHED$/.exec(line.trim());
    if (cached?.[1]) cachedIds.add(cached[1]);
  }
  return { steps: stepIds.size, cachedSteps: [...cachedIds].filter((id) => stepIds.has(id)).length };
}

export interface ImageFacts {
  id: string;
  /**
   * Uncompressed bytes: the regular files of every layer, as Docker 20.10 reported `Size` (see
   * {@link uncompressedImageBytes}; the containerd image store's `Size` is the compressed content).
   */
  size: number;
  layers: number;
  user: string;
  entrypoint: string[] | null;
  cmd: string[] | null;
  healthcheck: string[] | null;
  env: string[];
}

export async function inspectImage(reference: string): Promise<ImageFacts> {
  const { stdout } = await docker(["image", "inspect", reference]);
  const [image] = JSON.parse(stdout) as Array<{
    Id: string;
    Size: number;
    RootFS: { Layers?: string[] };
    Config: {
      User?: string;
      Entrypoint?: string[] | null;
      Cmd?: string[] | null;
      Healthcheck?: { Test?: string[] };
      Env?: string[];
    };
  }>;
  if (!image) throw new Error(`no image ${reference}`);
  return {
    id: image.Id,
    size: await uncompressedImageBytes(reference),
    layers: image.RootFS.Layers?.length ?? 0,
    user: image.Config.User ?? "",
    entrypoint: image.Config.Entrypoint ?? null,
    cmd: image.Config.Cmd ?? null,
    healthcheck: image.Config.Healthcheck?.Test ?? null,
    env: image.Config.Env ?? [],
  };
}

const DOCKER_ARCH: Partial<Record<NodeJS.Architecture, string>> = { x64: "amd64", arm64: "arm64" };

/**
 * The bytes of the regular files in every layer of the image (this host's platform), counted from the
 * layer tars of `docker save`: what Docker 20.10's `Size` was (the full base: 1,049,660,416 B both
 * ways). Docker 26 with the containerd image store reports the compressed content as `Size` instead
 * (395,679,644 B for the same image) and the snapshots' disk usage, block-rounded, in `docker history`
 * (1,122,172,928 B), so neither can stand in for it. Its `docker save` is an OCI layout whose
 * manifest.json names the layer blobs (gzip there, plain tars in 20.10); GNU tar reads both.
 */
export async function uncompressedImageBytes(
  reference: string,
  options: { cli?: string; env?: NodeJS.ProcessEnv; architecture?: string } = {},
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "ecr-pipeline-save-"));
  try {
    await runCommand(
      "bash",
      [
        "-o",
        "pipefail",
        "-c",
        '"$0" save "$1" | tar -x -C "$2" -f -',
        options.cli ?? DOCKER_CLI,
        reference,
        dir,
      ],
      { env: options.env ?? dockerEnv() },
    );
    const entries = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Array<{
      Config: string;
      Layers: string[];
    }>;
    // A multi-platform image saves one entry per platform present locally: take this host's.
    const entry =
      entries.find(
        (candidate) =>
          (JSON.parse(readFileSync(join(dir, candidate.Config), "utf8")) as { architecture?: string })
            .architecture === (options.architecture ?? DOCKER_ARCH[process.arch]),
      ) ?? entries[0];
    if (entry === undefined) throw new Error(`docker save ${reference}: manifest.json lists no image`);
    let total = 0;
    for (const layer of entry.Layers) {
      const { stdout } = await runCommand("tar", ["-tv", "--numeric-owner", "-f", join(dir, layer)]);
      total += parseTarListing(stdout).reduce((sum, file) => sum + file.size, 0);
    }
    return total;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function imageExists(reference: string): Promise<boolean> {
  try {
    await docker(["image", "inspect", reference]);
    return true;
  } catch {
    return false;
  }
}

export async function removeImages(references: readonly string[]): Promise<void> {
  if (references.length > 0) await docker(["image", "rm", "-f", ...references]).catch(() => undefined);
}

export interface ImageFile {
  /** Path without a leading "./" or "/", as in the tar stream of `docker export`. */
  path: string;
  type: "file" | "directory" | "symlink" | "hardlink" | "other";
  size: number;
  uid: number;
}

/** Every entry of the image's filesystem, from `docker export` of a created (never started) container. */
export async function listImageFiles(reference: string): Promise<ImageFile[]> {
  const { stdout: created } = await docker(["create", reference]);
  const containerId = created.trim();
  try {
    const { stdout } = await runCommand(
      "bash",
      ["-o", "pipefail", "-c", '"$0" export "$1" | tar -tv --numeric-owner -f -', DOCKER_CLI, containerId],
      { env: dockerEnv() },
    );
    return parseTarListing(stdout);
  } finally {
    await docker(["rm", containerId]).catch(() => undefined);
  }
}

/** One text file of the image (UTF-8), via `docker cp` out of a created (never started) container. */
export async function readImageTextFile(reference: string, path: string): Promise<string> {
  const { stdout: created } = await docker(["create", reference]);
  const containerId = created.trim();
  try {
    // `docker cp CONTAINER:PATH -` writes a tar stream; tar -xO prints the one member it holds.
    const { stdout } = await runCommand(
      "bash",
      ["-o", "pipefail", "-c", '"$0" cp "$1:$2" - | tar -xO -f -', DOCKER_CLI, containerId, path],
      { env: dockerEnv() },
    );
    return stdout;
  } finally {
    await docker(["rm", containerId]).catch(() => undefined);
  }
}

/** Parses GNU `tar -tv --numeric-owner` lines: `-rw-r--r-- 0/0 1234 2024-01-01 00:00 path`. */
export function parseTarListing(listing: string): ImageFile[] {
  const files: ImageFile[] = [];
  for (const line of listing.split("\n")) {
    const match = /^(\S)\S*\s+(\d+)\/\d+\s+(\d+|\d+,\s*\d+)\s+\S+\s+\S+\s+(.*)$/.exec(line);
    if (!match) continue;
    const [, typeChar, uid, size, rest] = match;
    let path = rest ?? "";
    if (typeChar === "l") path = path.split(" -> ")[0] ?? path;
    if (typeChar === "h") path = path.split(" link to ")[0] ?? path;
    const type =
      typeChar === "-"
        ? "file"
        : typeChar === "d"
          ? "directory"
          : typeChar === "l"
            ? "symlink"
            : typeChar === "h"
              ? "hardlink"
              : "other";
    files.push({
      path: path.replace(/^\.?\//, "").replace(/\/$/, ""),
      type,
      size: type === "file" ? Number(size) : 0,
      uid: Number(uid),
    });
  }
  return files;
}

export interface RunningContainer {
  id: string;
  port: number;
}

/** Starts the image on the host network bound to 127.0.0.1:port (dockerd has no bridge network). */
export async function startContainer(
  image: string,
  port: number,
  env: Record<string, string> = {},
): Promise<RunningContainer> {
  const envArgs = Object.entries({ HOST: "127.0.0.1", PORT: String(port), ...env }).flatMap(
    ([name, value]) => ["-e", `${name}=${value}`],
  );
  const { stdout } = await docker(["run", "-d", "--network=host", ...envArgs, image]);
  return { id: stdout.trim(), port };
}

/** The host PID of the container's main process (dockerd runs on this host, so /proc/<pid> is ours to read). */
export async function containerPid(containerId: string): Promise<number> {
  const { stdout } = await docker(["inspect", "-f", "{{.State.Pid}}", containerId]);
  return Number(stdout.trim());
}

export async function containerLogs(containerId: string): Promise<string> {
  const { stdout, stderr } = await docker(["logs", containerId]);
  return stdout + stderr;
}

export async function execInContainer(containerId: string, command: readonly string[]): Promise<string> {
  return (await docker(["exec", containerId, ...command])).stdout;
}

/** `docker stop` (SIGTERM, then SIGKILL after `graceSeconds`); resolves with the exit code. */
export async function stopContainer(containerId: string, graceSeconds = 10): Promise<number> {
  await docker(["stop", "-t", String(graceSeconds), containerId]);
  const { stdout } = await docker(["inspect", "-f", "{{.State.ExitCode}}", containerId]);
  return Number(stdout.trim());
}

export async function removeContainer(containerId: string): Promise<void> {
  await docker(["rm", "-f", containerId]).catch(() => undefined);
}

/** Polls an HTTP URL until it answers 2xx; returns the JSON body. */
export async function waitForJson(url: string, timeoutMs = 15_000): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return await response.json();
      lastError = new Error(`HTTP ${response.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}
