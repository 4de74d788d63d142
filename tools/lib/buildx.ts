// `docker buildx build` on the current engine (docker CLI 26.1, buildx 0.13, containerd image store) for
// the benchmarks: registry outputs with a chosen compression, registry caches in ECR's form, one platform
// per build, and which steps BuildKit ran or took from its cache (parsed from `--progress=plain`).
import { compressionAttributes } from "../../components/buildkit/compression";
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
  /**
   * `plain` (default) or `rawjson`: BuildKit's own progress events (vertices, statuses with bytes and
   * timestamps, logs), which {@link buildPhases} breaks into phases.
   */
  progress?: "plain" | "rawjson";
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
  /** With `progress: "rawjson"`: where the build's time went ({@link buildPhases}). */
  phases?: BuildPhases;
}

/** The `docker buildx build` arguments for `options` (exported for the tests). */
export function buildxArgs(options: BuildxOptions): string[] {
  // Provenance attestations would turn every push into an index; the sizes compared here are the image's.
  const args = [
    "buildx",
    "build",
    "--network=host",
    `--progress=${options.progress ?? "plain"}`,
    "--provenance=false",
  ];
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
  if (options.progress === "rawjson") {
    const vertices = parseRawJsonProgress(log);
    return { seconds, log, steps: rawJsonSteps(vertices), phases: buildPhases(vertices) };
  }
  return { seconds, log, steps: parsePlainProgress(log) };
}

/** One status line of a vertex (a layer download, an export step), as BuildKit last reported it. */
export interface RawStatus {
  id: string;
  /** Bytes, when BuildKit knows them (layer downloads). */
  total?: number;
  current: number;
  /** Epoch milliseconds. */
  started?: number;
  completed?: number;
}

/** One BuildKit vertex (a step, an internal load, an export) merged over all its progress events. */
export interface RawVertex {
  digest: string;
  name: string;
  cached: boolean;
  started?: number;
  completed?: number;
  error?: string;
  statuses: RawStatus[];
  /** Whether the vertex printed process output (a RUN that ran). */
  hasLogs: boolean;
}

const time = (value: unknown): number | undefined =>
  typeof value === "string" && value !== "" ? Date.parse(value) : undefined;

/**
 * The vertices of a `--progress=rawjson` log, in the order BuildKit first reported them. buildx writes
 * one JSON document per progress event (BuildKit `client.SolveStatus`: vertexes, statuses, logs),
 * pretty-printed and concatenated; anything between documents (a warning line) is skipped. A vertex or
 * status reported again replaces the fields it carries.
 */
export function parseRawJsonProgress(log: string): RawVertex[] {
  const vertices = new Map<string, RawVertex>();
  const statuses = new Map<string, Map<string, RawStatus>>();
  const vertex = (digest: string): RawVertex => {
    let found = vertices.get(digest);
    if (found === undefined) {
      found = { digest, name: "", cached: false, statuses: [], hasLogs: false };
      vertices.set(digest, found);
    }
    return found;
  };
  let document: string[] | undefined;
  for (const line of log.split("\n")) {
    if (document === undefined) {
      if (line === "{") document = [line];
      continue;
    }
    document.push(line);
    if (line !== "}") continue;
    let event: {
      vertexes?: Array<Record<string, unknown>>;
      statuses?: Array<Record<string, unknown>>;
      logs?: Array<Record<string, unknown>>;
    };
    try {
      event = JSON.parse(document.join("\n")) as typeof event;
    } catch {
      event = {};
    }
    document = undefined;
    for (const reported of event.vertexes ?? []) {
      const entry = vertex(String(reported.digest));
      if (typeof reported.name === "string") entry.name = reported.name;
      if (reported.cached === true) entry.cached = true;
      entry.started = time(reported.started) ?? entry.started;
      entry.completed = time(reported.completed) ?? entry.completed;
      if (typeof reported.error === "string" && reported.error !== "") entry.error = reported.error;
    }
    for (const reported of event.statuses ?? []) {
      const owner = String(reported.vertex);
      vertex(owner);
      const byId = statuses.get(owner) ?? new Map<string, RawStatus>();
      statuses.set(owner, byId);
      const id = String(reported.id);
      const status: RawStatus = byId.get(id) ?? { id, current: 0 };
      if (typeof reported.total === "number") status.total = reported.total;
      if (typeof reported.current === "number") status.current = reported.current;
      status.started = time(reported.started) ?? status.started;
      status.completed = time(reported.completed) ?? status.completed;
      byId.set(id, status);
    }
    for (const reported of event.logs ?? []) vertex(String(reported.vertex)).hasLogs = true;
  }
  for (const [digest, byId] of statuses) vertex(digest).statuses = [...byId.values()];
  return [...vertices.values()];
}

/** A layer download status (`sha256:…`, total = its bytes) or its extraction (`extracting sha256:…`). */
const DOWNLOAD = /^sha256:[0-9a-f]{64}$/;
const EXTRACT = /^extracting sha256:[0-9a-f]{64}$/;

/** The build steps of rawjson vertices, as {@link parsePlainProgress} gives them for a plain log. */
export function rawJsonSteps(vertices: readonly RawVertex[]): BuildStep[] {
  const steps: BuildStep[] = [];
  for (const vertex of vertices) {
    const step = /^\[([^\]]+)\] (.*)$/.exec(vertex.name);
    if (!step?.[1] || step[2] === undefined || !STEP_INSTRUCTIONS.test(step[2])) continue;
    const base = { vertex: vertex.digest, position: step[1], instruction: step[2] };
    const downloaded = vertex.statuses.some((status) => DOWNLOAD.test(status.id) || EXTRACT.test(status.id));
    if (vertex.cached) steps.push({ ...base, cached: true });
    else if (downloaded && !vertex.hasLogs) steps.push({ ...base, cached: true, cachedSilently: true });
    else steps.push({ ...base, cached: false });
  }
  return steps;
}

/** Where a build's wall time went, by phase, from BuildKit's own progress events. */
export const BUILD_PHASES = [
  "context",
  "cache manifest",
  "base metadata",
  "layer download",
  "layer extract",
  "exec",
  "copy",
  "image export",
  "push",
  "cache export",
] as const;
export type BuildPhase = (typeof BUILD_PHASES)[number];

export interface PhaseTime {
  /** Wall seconds covered by the phase's intervals (overlaps within the phase counted once). */
  seconds: number;
  /** Bytes, where BuildKit reports them (layer downloads). */
  bytes: number;
  /** How many intervals (vertices or statuses) the phase had. */
  count: number;
}

export interface BuildPhases {
  /** From the first vertex's start to the last one's end. */
  wallSeconds: number;
  phases: Record<BuildPhase, PhaseTime>;
  /** Layer downloads by the vertex that made them (e.g. `[deps 1/4] FROM …`), bytes and seconds. */
  downloads: Array<{ vertex: string; bytes: number; seconds: number }>;
}

function unionSeconds(intervals: ReadonlyArray<[number, number]>): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [start, stop] of sorted) {
    if (stop <= end) continue;
    total += stop - Math.max(start, end);
    end = stop;
  }
  return total / 1000;
}

/**
 * The phases of a build (BuildKit 0.13 vertex and status names):
 * `importing cache manifest from …` (cache manifest), `[internal] load metadata for …` (base metadata),
 * `[internal] load build definition/.dockerignore/build context` (context), statuses `sha256:<hex>`
 * with their byte totals (layer download) and `extracting sha256:<hex>` (layer extract) in whichever
 * vertex pulled them, a RUN that ran (exec; its downloads and extractions are their own phases), a
 * COPY/ADD/WORKDIR that ran (copy), `exporting to image` without its `pushing …` statuses (image export),
 * those statuses and the docker driver's `pushing <ref> with docker` (push), `exporting cache to
 * registry` (cache export). Cached steps take no time of their own.
 */
export function buildPhases(vertices: readonly RawVertex[]): BuildPhases {
  const intervals = new Map<BuildPhase, Array<[number, number]>>(BUILD_PHASES.map((phase) => [phase, []]));
  const bytes = new Map<BuildPhase, number>(BUILD_PHASES.map((phase) => [phase, 0]));
  const add = (phase: BuildPhase, start: number | undefined, stop: number | undefined, size = 0) => {
    if (start === undefined || stop === undefined || stop < start) return;
    intervals.get(phase)?.push([start, stop]);
    bytes.set(phase, (bytes.get(phase) ?? 0) + size);
  };
  const downloads: BuildPhases["downloads"] = [];
  let first = Infinity;
  let last = -Infinity;
  for (const vertex of vertices) {
    if (vertex.started !== undefined) first = Math.min(first, vertex.started);
    if (vertex.completed !== undefined) last = Math.max(last, vertex.completed);
    let downloadedBytes = 0;
    const downloadIntervals: Array<[number, number]> = [];
    for (const status of vertex.statuses) {
      if (DOWNLOAD.test(status.id)) {
        add("layer download", status.started, status.completed, status.total ?? status.current);
        downloadedBytes += status.total ?? status.current;
        if (status.started !== undefined && status.completed !== undefined)
          downloadIntervals.push([status.started, status.completed]);
      } else if (EXTRACT.test(status.id)) add("layer extract", status.started, status.completed);
    }
    if (downloadedBytes > 0)
      downloads.push({
        vertex: vertex.name,
        bytes: downloadedBytes,
        seconds: unionSeconds(downloadIntervals),
      });
    const name = vertex.name;
    if (name.startsWith("importing cache manifest")) add("cache manifest", vertex.started, vertex.completed);
    else if (name.startsWith("[internal] load metadata"))
      add("base metadata", vertex.started, vertex.completed);
    else if (name.startsWith("[internal] load")) add("context", vertex.started, vertex.completed);
    else if (name.startsWith("exporting to image")) {
      for (const status of vertex.statuses)
        add(status.id.startsWith("pushing") ? "push" : "image export", status.started, status.completed);
    } else if (/^pushing .* with docker$/.test(name)) add("push", vertex.started, vertex.completed);
    else if (name.startsWith("exporting cache")) add("cache export", vertex.started, vertex.completed);
    else if (!vertex.cached) {
      const step = /^\[[^\]]+\] (RUN|COPY|ADD|WORKDIR)\b/.exec(name);
      if (step?.[1] === "RUN" && vertex.hasLogs) add("exec", vertex.started, vertex.completed);
      else if (step !== null && step[1] !== "RUN" && downloadIntervals.length === 0)
        add("copy", vertex.started, vertex.completed);
    }
  }
  const phases = Object.fromEntries(
    BUILD_PHASES.map((phase) => [
      phase,
      {
        seconds: unionSeconds(intervals.get(phase) ?? []),
        bytes: bytes.get(phase) ?? 0,
        count: intervals.get(phase)?.length ?? 0,
      },
    ]),
  ) as Record<BuildPhase, PhaseTime>;
  return { wallSeconds: Number.isFinite(first) ? (last - first) / 1000 : 0, phases, downloads };
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
