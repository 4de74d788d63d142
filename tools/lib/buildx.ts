// `docker buildx build` on the current engine (docker CLI 26.1, buildx 0.13, containerd image store) for
// the benchmarks: registry outputs with a chosen compression, registry caches in ECR's form, one platform
// per build, and which steps BuildKit ran or took from its cache (parsed from `--progress=plain`).
import { compressionAttributes } from "../../components/compression";
import { uncompressedImageBytes } from "./docker";
import { engineClient } from "./engine";
import { runCommand } from "./process";
import { LOCAL_REGISTRY, type ImageManifest } from "./registry";

/** The docker CLI with buildx for any engine of the test infrastructure (./engine.ts `engineClient`). */
export const BUILDX_DOCKER_CLI = engineClient();

/**
 * Uncompressed bytes of a local linux/amd64 image on the engine `env` points at: the regular files of
 * every layer, counted from the layer tars of `docker save` (./docker.ts uncompressedImageBytes, which
 * says why neither `docker image inspect` nor `docker history` can stand in for it on Docker 26).
 */
export async function uncompressedBytes(
  reference: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return uncompressedImageBytes(reference, { cli: BUILDX_DOCKER_CLI, env, architecture: "amd64" });
}

export type Compression = "gzip" | "zstd";

/**
 * An `--output` that pushes to the registry the way the component's exports do for ECR: OCI media types,
 * and the compression with its level and force-compression as the component sends them (without a level
 * pulumi-docker-build provider/internal/export.go drops the compression fields; without force BuildKit
 * reuses a layer's blob in whatever compression the engine already holds it).
 */
export function registryOutput(reference: string, compression: Compression): string {
  const options = [
    "type=image",
    `name=${reference}`,
    "push=true",
    "registry.insecure=true",
    "oci-mediatypes=true",
    compressionAttributes(compression).join(","),
  ];
  return options.join(",");
}

/**
 * The registry cache as the component writes it for ECR (mode=max, image manifest, OCI media types, the
 * push's compression forced).
 */
export function registryCacheTo(reference: string, compression: Compression = "gzip"): string {
  return `type=registry,ref=${reference},mode=max,image-manifest=true,oci-mediatypes=true,${compressionAttributes(compression).join(",")},registry.insecure=true`;
}

export function registryCacheFrom(reference: string): string {
  return `type=registry,ref=${reference},registry.insecure=true`;
}

export interface BuildxOptions {
  env: NodeJS.ProcessEnv;
  context: string;
  dockerfile: string;
  /** e.g. linux/amd64; one platform per build (the provider's advice for cached builds). */
  platform?: string;
  buildArgs?: Record<string, string>;
  target?: string;
  noCache?: boolean;
  outputs?: readonly string[];
  cacheFrom?: readonly string[];
  cacheTo?: readonly string[];
}

export interface BuildStep {
  /** BuildKit's vertex number in the plain log, e.g. "#9". */
  vertex: string;
  /** e.g. "deps 3/3" */
  position: string;
  /** The instruction as BuildKit printed it, e.g. "RUN --mount=type=cache,target=/root/.npm npm ci". */
  instruction: string;
  cached: boolean;
  /** Loaded from the cache although BuildKit printed no CACHED for it (see parsePlainProgress). */
  cachedSilently?: boolean;
}

export interface BuildxResult {
  seconds: number;
  log: string;
  steps: BuildStep[];
}

/** The `docker buildx build` arguments for `options` (exported for the tests). */
export function buildxArgs(options: BuildxOptions): string[] {
  // Provenance attestations would turn every push into an index; the sizes compared here are the image's.
  const args = ["buildx", "build", "--network=host", "--progress=plain", "--provenance=false"];
  args.push("-f", options.dockerfile);
  if (options.platform) args.push("--platform", options.platform);
  if (options.target) args.push("--target", options.target);
  if (options.noCache) args.push("--no-cache");
  for (const [name, value] of Object.entries(options.buildArgs ?? {}))
    args.push("--build-arg", `${name}=${value}`);
  for (const output of options.outputs ?? []) args.push("--output", output);
  for (const cache of options.cacheFrom ?? []) args.push("--cache-from", cache);
  for (const cache of options.cacheTo ?? []) args.push("--cache-to", cache);
  args.push(options.context);
  return args;
}

export async function buildx(options: BuildxOptions): Promise<BuildxResult> {
  const { stdout, stderr, seconds } = await runCommand(BUILDX_DOCKER_CLI, buildxArgs(options), {
    env: options.env,
  });
  const log = stderr + stdout;
  return { seconds, log, steps: parsePlainProgress(log) };
}

/** Instructions that are build steps (FROM is a pull, ENV/USER/... are config, not vertices). */
const STEP_INSTRUCTIONS = /^(RUN|COPY|ADD|WORKDIR)\b/;

/**
 * The build steps in a BuildKit `--progress=plain` log and whether each came from the cache, e.g.
 *   #9 [deps 3/3] RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
 *   #9 CACHED
 * A step is cached when BuildKit printed `#N CACHED` for it, or when (BuildKit 0.13 does not always
 * print CACHED for a result it loads from a registry cache) its vertex only downloaded and extracted
 * layer blobs and printed no process output: then its own layer came from the cache (seen on app/'s
 * runtime `WORKDIR /app`: its 97 B layer, written by the cold build's cache export, downloaded in the
 * fresh-runner build). Such steps have `cachedSilently`. Every other step was executed.
 * Steps are returned in log order, one per vertex.
 */
export function parsePlainProgress(log: string): BuildStep[] {
  const steps = new Map<string, BuildStep>();
  const cached = new Set<string>();
  const downloaded = new Set<string>();
  const printedOutput = new Set<string>();
  for (const raw of log.split("\n")) {
    const line = raw.trim();
    const step = /^(#\d+) \[([^\]]+)\] (.*)$/.exec(line);
    if (step?.[1] && step[2] && step[3]) {
      if (STEP_INSTRUCTIONS.test(step[3]) && !steps.has(step[1]))
        steps.set(step[1], { vertex: step[1], position: step[2], instruction: step[3], cached: false });
      continue;
    }
    const vertex = /^(#\d+) (.*)$/.exec(line);
    if (!vertex?.[1] || vertex[2] === undefined) continue;
    const [, id, rest] = vertex;
    if (rest === "CACHED") cached.add(id);
    else if (/^(extracting )?sha256:[0-9a-f]{64}\b/.test(rest)) downloaded.add(id);
    else if (/^\d+\.\d+ /.test(rest)) printedOutput.add(id);
  }
  return [...steps.values()].map((step) => {
    if (cached.has(step.vertex)) return { ...step, cached: true };
    if (downloaded.has(step.vertex) && !printedOutput.has(step.vertex))
      return { ...step, cached: true, cachedSilently: true };
    return step;
  });
}

/** "deps 3/3 RUN npm ci …": a step shortened for a table cell (mount options dropped, 48 chars). */
export function describeStep(step: BuildStep): string {
  const instruction = step.instruction.replace(/--mount=\S+\s+/g, "").replace(/\s+/g, " ");
  const short = instruction.length > 48 ? `${instruction.slice(0, 47)}…` : instruction;
  return `${step.position} ${short}${step.cachedSilently ? " †" : ""}`;
}

const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
].join(", ");

interface IndexEntry {
  digest: string;
  platform?: { os?: string; architecture?: string };
}

/**
 * The image manifest of repository:tag for `platform` (linux/amd64 …); follows an index when the tag
 * is one. Layer sizes in it are the compressed bytes the registry stores and ECR bills.
 */
export async function fetchPlatformManifest(
  repository: string,
  tag: string,
  platform: string,
  registry = LOCAL_REGISTRY,
): Promise<ImageManifest & { layers: Array<{ mediaType: string; digest: string; size: number }> }> {
  const get = async (reference: string) => {
    const response = await fetch(`http://${registry}/v2/${repository}/manifests/${reference}`, {
      headers: { accept: MANIFEST_ACCEPT },
    });
    if (!response.ok)
      throw new Error(`GET manifest ${repository}:${reference} from ${registry}: HTTP ${response.status}`);
    return (await response.json()) as {
      mediaType?: string;
      manifests?: IndexEntry[];
      layers?: ImageManifest["layers"];
      config?: ImageManifest["config"];
      schemaVersion: number;
    };
  };
  let manifest = await get(tag);
  if (manifest.manifests) {
    const [os, architecture] = platform.split("/");
    const entry = manifest.manifests.find(
      (candidate) => candidate.platform?.os === os && candidate.platform?.architecture === architecture,
    );
    if (!entry) throw new Error(`${repository}:${tag} has no ${platform} manifest`);
    manifest = await get(entry.digest);
  }
  if (!manifest.layers || !manifest.config)
    throw new Error(`${repository}:${tag} is not an image manifest (${manifest.mediaType})`);
  // The image config says which platform the manifest is (a plain tag may be a single manifest).
  const response = await fetch(`http://${registry}/v2/${repository}/blobs/${manifest.config.digest}`);
  const config = (await response.json()) as { os?: string; architecture?: string };
  if (`${config.os}/${config.architecture}` !== platform)
    throw new Error(`${repository}:${tag} is ${config.os}/${config.architecture}, not ${platform}`);
  return manifest as ImageManifest;
}

/** Whether registry/repository:tag exists (for bases pushed by scripts/test-infra.sh). */
export async function registryHasTag(
  repository: string,
  tag: string,
  registry = LOCAL_REGISTRY,
): Promise<boolean> {
  const response = await fetch(`http://${registry}/v2/${repository}/manifests/${tag}`, {
    method: "HEAD",
    headers: { accept: MANIFEST_ACCEPT },
  }).catch(() => undefined);
  return response?.ok ?? false;
}
