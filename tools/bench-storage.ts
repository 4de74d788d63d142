// npm run bench:storage — the storage model (components/cost/storage.ts) against a real registry's blob store,
// side by side in one run.
//
// A private Docker engine (own directory, started empty, bases pulled from the test registry on
// 127.0.0.1:5000) builds app/ again and again, changed between steps: a first build, code-only changes,
// a dependency change, a base image change, then code-only changes until the lifecycle expires builds.
// Each build is pushed the way the pipeline pushes: the content tag `ctx-…` (components/image-refs.ts),
// the registry cache `buildcache` in ECR's form (mode=max, image-manifest=true, oci-mediatypes=true) with
// `--cache-from` the same ref, gzip as the component sends it (components/compression.ts: no attribute),
// to the bench's OWN registry (Debian's docker-registry on 127.0.0.1:5002, fresh storage, deletes on).
// The same build also exports, locally, the image as an OCI layout and the cache as a local cache
// (same compression); the model reads only those, never the registry.
//
// After each push the repository's lifecycle preset (`dev`: keep 10 ctx-* builds, untagged 1 day) is
// applied: components/lifecycle `simulateLifecycle` decides, over the manifests in the registry with the
// tags the registry reports and synthetic push times one day apart (step n at 2026-01-01 + n-1 days,
// evaluated at that step's push time), what expires; those manifests are DELETEd through the registry
// API, the registry is stopped and `docker-registry garbage-collect` runs, then the blob store's bytes
// on disk are summed. The model's bytes for the same state are `repositoryStoredBytes` over the kept
// manifests' local blobs; `steadyStateStorage` (measured renewed layers, the counts kept) is printed
// next to it. Ends with `storage model vs registry: max error X.X% over N steps`; exits 1 above 2 %.
//
//   npx tsx tools/bench-storage.ts [--code-changes-after-base 7] [--write]   (--write updates docs/BENCHMARKS.md)
import { spawn } from "node:child_process";
import { createReadStream, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  distinctBlobs,
  renewedLayers,
  repositoryStoredBytes,
  steadyStateStorage,
  type StoredBlob,
} from "../components/cost/storage";
import { contentTagFromHash, contextHashFor } from "../components/image-refs";
import { buildLifecyclePreset, simulateLifecycle } from "../components/lifecycle";
import { ociExportAttributes } from "../components/size/local-estimate";
import { measureOciLayout } from "../components/size/image-tar";
import { writeBenchTable } from "./lib/bench-docs";
import {
  TEST_BASE_IMAGES,
  WORK_DIR,
  benchVariant,
  prepareContext,
  setAppVersion,
} from "./lib/bench-variants";
import { buildx, registryHasTag } from "./lib/buildx";
import { removePrivateEngine, startPrivateEngine, type PrivateEngine } from "./lib/private-engine";
import { runCommand } from "./lib/process";
import { LOCAL_REGISTRY, fetchManifest } from "./lib/registry";
import {
  cacheBlobsFromLayoutDir,
  imageBlobsFromLayout,
  lifecycleImagesOf,
  registryBlobBytes,
  renderStorageTable,
  type LiveManifest,
  type ManifestBlobs,
  type StorageBenchRow,
} from "./lib/storage-bench";

/** The bench's own registry: loopback only, never the shared one on :5000 (whose storage others use). */
const BENCH_REGISTRY = "127.0.0.1:5002";
const REPOSITORY = "storagebench/app";
const CACHE_TAG = "buildcache";
const PLATFORM = "linux/amd64";
const COMPRESSION = "gzip" as const;
const PRESET = "dev" as const;
const TARGET_PERCENT = 2;
const FIRST_PUSH = Date.parse("2026-01-01T00:00:00Z");
const DAY_MS = 24 * 60 * 60 * 1000;
const BENCH_DIR = join(WORK_DIR, "storage");
const REGISTRY_DIR = join(BENCH_DIR, "registry");
const ENGINE_DIR = process.env.BENCH_STORAGE_ENGINE_DIR ?? "/var/cache/ecr-pipeline/storagebench-engine";
/** The changed runtime base of the base-image step, built on the private engine only. */
const CHANGED_RUNTIME_BASE = "storagebench/node:22-distroless-extra";
const MANIFEST_ACCEPT = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
].join(", ");

function log(message: string): void {
  process.stderr.write(`[bench:storage ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

// ------------------------------------------------------------------------------------------ registry
/**
 * Debian's docker-registry (distribution 2.8.2) with a fresh filesystem store and deletes enabled (the
 * manifest DELETE answers 405 without `storage.delete.enabled`), as scripts/test-infra.sh configures
 * the shared one.
 */
function writeRegistryConfig(): string {
  rmSync(REGISTRY_DIR, { recursive: true, force: true });
  mkdirSync(join(REGISTRY_DIR, "data"), { recursive: true });
  const config = join(REGISTRY_DIR, "config.yml");
  writeFileSync(
    config,
    [
      "# generated by tools/bench-storage.ts: loopback only, no auth, deletes allowed",
      "version: 0.1",
      "log:",
      "  level: warn",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${join(REGISTRY_DIR, "data")}`,
      "  delete:",
      "    enabled: true",
      "http:",
      `  addr: ${BENCH_REGISTRY}`,
      "",
    ].join("\n"),
  );
  return config;
}

let registryPid: number | undefined;

async function registryAnswers(): Promise<boolean> {
  return fetch(`http://${BENCH_REGISTRY}/v2/`, { signal: AbortSignal.timeout(2_000) }).then(
    (response) => response.ok,
    () => false,
  );
}

async function startRegistry(config: string): Promise<void> {
  if (await registryAnswers())
    throw new Error(`something already answers on ${BENCH_REGISTRY}; the bench needs its own registry there`);
  const out = openSync(join(REGISTRY_DIR, "registry.log"), "a");
  const child = spawn("/usr/bin/docker-registry", ["serve", config], {
    detached: true,
    stdio: ["ignore", out, out],
  });
  child.unref();
  registryPid = child.pid;
  writeFileSync(join(REGISTRY_DIR, "registry.pid"), `${child.pid}\n`);
  const deadline = Date.now() + 15_000;
  while (!(await registryAnswers())) {
    if (Date.now() > deadline) throw new Error(`docker-registry did not answer on ${BENCH_REGISTRY}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Stops the registry this run started (by its pid), and waits until it has exited. */
async function stopRegistry(): Promise<void> {
  const pid = registryPid;
  if (pid === undefined) return;
  registryPid = undefined;
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 10_000;
  while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (alive()) process.kill(pid, "SIGKILL");
  while (alive()) await new Promise((resolve) => setTimeout(resolve, 100));
}

/**
 * Mark and sweep (distribution registry/storage/garbagecollect.go `MarkAndSweep`, v2.8.2: marks every
 * manifest still linked in a repository and the blobs it references, then deletes every other blob).
 * Run with the registry STOPPED: "You should ensure that the registry is in read-only mode or not running
 * at all. If you were to upload an image while garbage collection is running, there is the risk that the
 * image's layers are mistakenly deleted" (distribution docs/content/about/garbage-collection.md, lines
 * 83-85). Without --delete-untagged: untagged cache manifests the lifecycle still keeps must stay.
 */
async function garbageCollect(config: string): Promise<string> {
  await stopRegistry();
  const { stdout } = await runCommand("/usr/bin/docker-registry", ["garbage-collect", config]);
  const summary = /(\d+ blobs marked, \d+ blobs and \d+ manifests eligible for deletion)/.exec(stdout);
  await startRegistry(config);
  return summary?.[1] ?? "";
}

async function tagDigests(): Promise<Map<string, string>> {
  const response = await fetch(`http://${BENCH_REGISTRY}/v2/${REPOSITORY}/tags/list`);
  if (!response.ok) throw new Error(`GET tags/list: HTTP ${response.status}`);
  const { tags } = (await response.json()) as { tags?: string[] | null };
  const digests = new Map<string, string>();
  for (const tag of tags ?? []) digests.set(tag, await manifestDigest(tag));
  return digests;
}

async function manifestDigest(reference: string): Promise<string> {
  const response = await fetch(`http://${BENCH_REGISTRY}/v2/${REPOSITORY}/manifests/${reference}`, {
    method: "HEAD",
    headers: { accept: MANIFEST_ACCEPT },
  });
  const digest = response.headers.get("docker-content-digest");
  if (!response.ok || digest === null)
    throw new Error(`HEAD ${REPOSITORY}:${reference}: HTTP ${response.status}`);
  return digest;
}

async function manifestExists(digest: string): Promise<boolean> {
  const response = await fetch(`http://${BENCH_REGISTRY}/v2/${REPOSITORY}/manifests/${digest}`, {
    method: "HEAD",
    headers: { accept: MANIFEST_ACCEPT },
  });
  return response.ok;
}

/** The registry API's manifest delete (distribution handlers/manifests.go `DeleteManifest`: unlinks it and untags it). */
async function deleteManifest(digest: string): Promise<void> {
  const response = await fetch(`http://${BENCH_REGISTRY}/v2/${REPOSITORY}/manifests/${digest}`, {
    method: "DELETE",
  });
  if (response.status !== 202) throw new Error(`DELETE ${REPOSITORY}@${digest}: HTTP ${response.status}`);
}

// ------------------------------------------------------------------------------------------ steps
interface Step {
  change: string;
  apply: (context: string, state: { runtimeBase: string }) => Promise<void> | void;
}

function plannedSteps(codeChangesAfterBase: number, engine: () => PrivateEngine, bases: Bases): Step[] {
  let version = 1;
  const codeOnly = (): Step => {
    const next = ++version;
    return {
      change: `code-only (APP_VERSION ${next})`,
      apply: (context) => setAppVersion(context, String(next)),
    };
  };
  return [
    { change: "first build", apply: (context) => setAppVersion(context, "1") },
    codeOnly(),
    codeOnly(),
    codeOnly(),
    codeOnly(),
    {
      // ms 2.1.3 → 2.0.0 in package.json and the lockfile (npm resolves it; the build's `npm ci` installs
      // it). 2.0.0, not 2.1.2: 2.1.2's code is 2.1.3's, so the bundle, and the image, would not change
      // (seen: the same image manifest under two ctx- tags); 2.0.0's code differs, so both change.
      change: "dependency (ms 2.1.3 → 2.0.0, lockfile)",
      apply: async (context) => {
        await runCommand(
          "npm",
          [
            "install",
            "ms@2.0.0",
            "--package-lock-only",
            "--ignore-scripts",
            "--prefer-offline",
            "--no-audit",
            "--no-fund",
          ],
          { cwd: context },
        );
        const lock = readFileSync(join(context, "package-lock.json"), "utf8");
        if (!/"node_modules\/ms": \{\s*"version": "2\.0\.0"/.test(lock))
          throw new Error("the lockfile does not pin ms 2.0.0");
      },
    },
    {
      change: "runtime base (+1 file, 2 MiB)",
      apply: async (_context, state) => {
        state.runtimeBase = await buildChangedRuntimeBase(engine(), bases.distroless);
      },
    },
    ...Array.from({ length: codeChangesAfterBase }, codeOnly),
  ];
}

/**
 * The runtime base "rebuilt" with one extra file (2 MiB of incompressible bytes, so the change is
 * visible in bytes), as `storagebench/node:22-distroless-extra` in the private engine's image store only.
 */
async function buildChangedRuntimeBase(engine: PrivateEngine, distroless: string): Promise<string> {
  const dir = join(BENCH_DIR, "base-extra");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bytes = Buffer.alloc(2 * 1024 * 1024);
  for (let offset = 0; offset < bytes.length; offset += 4)
    bytes.writeUInt32LE((offset * 2654435761) >>> 0, offset);
  writeFileSync(join(dir, "extra.bin"), bytes);
  writeFileSync(join(dir, "Dockerfile"), `FROM ${distroless}\nCOPY extra.bin /usr/share/extra.bin\n`);
  await buildx({
    env: engine.env,
    context: dir,
    dockerfile: join(dir, "Dockerfile"),
    platform: PLATFORM,
    outputs: [`type=image,name=${CHANGED_RUNTIME_BASE}`],
  });
  return CHANGED_RUNTIME_BASE;
}

// ------------------------------------------------------------------------------------------ the run
interface Bases {
  full: string;
  distroless: string;
}

interface PushedStep {
  step: number;
  pushedAt: Date;
  contentTag: string;
  image: ManifestBlobs & { registryDigest: string };
  cache: ManifestBlobs & { registryDigest: string };
}

const bytesOf = (blobs: readonly StoredBlob[]) => blobs.reduce((total, blob) => total + blob.bytes, 0);

async function buildAndPush(
  engine: PrivateEngine,
  context: string,
  runtimeBase: string,
  bases: Bases,
  stepDir: string,
): Promise<{ contentTag: string; image: ManifestBlobs; cache: ManifestBlobs }> {
  const dockerfile = join(context, "Dockerfile");
  const buildArgs = { NODE_BUILD_IMAGE: bases.full, NODE_RUNTIME_IMAGE: runtimeBase };
  const contentTag = contentTagFromHash(
    contextHashFor({ context, dockerfile, buildArgs, platforms: [PLATFORM] }),
  );
  const compression = ociExportAttributes(COMPRESSION); // [] for gzip: the component sends nothing
  const repository = `${BENCH_REGISTRY}/${REPOSITORY}`;
  const cacheRef = `${repository}:${CACHE_TAG}`;
  rmSync(stepDir, { recursive: true, force: true });
  mkdirSync(stepDir, { recursive: true });
  const imageTar = join(stepDir, "image-oci.tar");
  const cacheDir = join(stepDir, "cache");
  // One build, four exporters (buildx 0.13 / BuildKit 0.13: several --output and --cache-to): what is
  // pushed and what the model reads are the same build's blobs.
  await buildx({
    env: engine.env,
    context,
    dockerfile,
    platform: PLATFORM,
    buildArgs,
    outputs: [
      // components/image.ts: a registry export with ociMediaTypes = (compression === "zstd"), and the
      // provider's defaults (test/integration/lib/provider-invocation.ts withProviderDefaults).
      [
        "type=image",
        `name=${repository}:${contentTag}`,
        "push=true",
        "registry.insecure=true",
        "oci-mediatypes=false",
        ...compression,
      ].join(","),
      // The local measurement: the same manifest as the push (same media types), as an OCI layout.
      ["type=oci", `dest=${imageTar}`, "oci-mediatypes=false", ...compression].join(","),
    ],
    cacheFrom: [`type=registry,ref=${cacheRef},registry.insecure=true`],
    cacheTo: [
      [
        `type=registry,ref=${cacheRef}`,
        "mode=max",
        "image-manifest=true",
        "oci-mediatypes=true",
        ...compression,
        "registry.insecure=true",
      ].join(","),
      [
        "type=local",
        `dest=${cacheDir}`,
        "mode=max",
        "image-manifest=true",
        "oci-mediatypes=true",
        ...compression,
      ].join(","),
    ],
  });
  const image = imageBlobsFromLayout(await measureOciLayout(createReadStream(imageTar)));
  const cache = cacheBlobsFromLayoutDir(cacheDir);
  // Measured: the exports (the cache export alone is ~450 MB a step) are not kept.
  rmSync(stepDir, { recursive: true, force: true });
  return { contentTag, image, cache };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const afterIndex = args.indexOf("--code-changes-after-base");
  const codeChangesAfterBase = afterIndex >= 0 ? Number(args[afterIndex + 1]) : 7;
  if (!Number.isInteger(codeChangesAfterBase) || codeChangesAfterBase < 0)
    throw new Error(`--code-changes-after-base ${args[afterIndex + 1]}: expected a whole number >= 0`);
  const startedAt = Date.now();

  const [baseRepository] = TEST_BASE_IMAGES.full.split(":");
  for (const image of [TEST_BASE_IMAGES.full, TEST_BASE_IMAGES.distroless]) {
    if (!(await registryHasTag(baseRepository ?? "", image.split(":")[1] ?? "")))
      throw new Error(`${LOCAL_REGISTRY}/${image} is missing: run bash scripts/test-infra.sh up`);
  }
  const bases: Bases = {
    full: `${LOCAL_REGISTRY}/${TEST_BASE_IMAGES.full}`,
    distroless: `${LOCAL_REGISTRY}/${TEST_BASE_IMAGES.distroless}`,
  };
  const baseLayerCount = (
    await fetchManifest(
      baseRepository ?? "",
      TEST_BASE_IMAGES.distroless.split(":")[1] ?? "",
      LOCAL_REGISTRY,
      "amd64",
    )
  ).layers.length;
  const rules = buildLifecyclePreset(PRESET);

  mkdirSync(BENCH_DIR, { recursive: true });
  const config = writeRegistryConfig();
  const rows: StorageBenchRow[] = [];
  const pushed: PushedStep[] = [];
  /** Manifests in the registry that the lifecycle has not expired, by registry digest. */
  const live = new Map<string, LiveManifest & { blobs: StoredBlob[]; kind: "image" | "cache" }>();
  let engine: PrivateEngine | undefined;
  let engineVersion = "";
  try {
    await startRegistry(config);
    log(`registry: ${BENCH_REGISTRY}, storage ${join(REGISTRY_DIR, "data")}`);
    engine = await startPrivateEngine(ENGINE_DIR);
    engineVersion = engine.serverVersion;
    log(`private engine ${engineVersion} in ${ENGINE_DIR} (started in ${engine.startSeconds.toFixed(1)} s)`);
    const context = prepareContext(benchVariant("optimized"), BENCH_DIR);
    const state = { runtimeBase: bases.distroless };
    const steps = plannedSteps(codeChangesAfterBase, () => engine as PrivateEngine, bases);
    for (const [index, step] of steps.entries()) {
      const number = index + 1;
      const pushedAt = new Date(FIRST_PUSH + index * DAY_MS);
      await step.apply(context, state);
      const built = await buildAndPush(
        engine,
        context,
        state.runtimeBase,
        bases,
        join(BENCH_DIR, `step-${number}`),
      );
      const record: PushedStep = {
        step: number,
        pushedAt,
        contentTag: built.contentTag,
        image: { ...built.image, registryDigest: await manifestDigest(built.contentTag) },
        cache: { ...built.cache, registryDigest: await manifestDigest(CACHE_TAG) },
      };
      if (record.image.registryDigest !== record.image.manifestDigest)
        throw new Error(
          `step ${number}: the registry holds ${record.image.registryDigest} for ${built.contentTag}, the local export ${record.image.manifestDigest}`,
        );
      pushed.push(record);
      for (const [kind, manifest] of [
        ["image", record.image],
        ["cache", record.cache],
      ] as const) {
        // A manifest pushed again (same digest) keeps its first push time, as in ECR.
        if (!live.has(manifest.registryDigest))
          live.set(manifest.registryDigest, {
            digest: manifest.registryDigest,
            pushedAt,
            sizeBytes: bytesOf(manifest.layers),
            blobs: manifest.blobs,
            kind,
          });
      }

      // The lifecycle preset, evaluated at this push's time over what the registry holds.
      const tags = await tagDigests();
      const simulation = simulateLifecycle(rules, lifecycleImagesOf([...live.values()], tags), pushedAt);
      for (const digest of simulation.expired) {
        await deleteManifest(digest);
        live.delete(digest);
      }
      const gc = await garbageCollect(config);
      for (const manifest of live.values()) {
        if (!(await manifestExists(manifest.digest)))
          throw new Error(`step ${number}: kept manifest ${manifest.digest} is gone from the registry`);
      }
      const measured = registryBlobBytes(join(REGISTRY_DIR, "data"));

      const kept = [...live.values()];
      const keptBuilds = kept.filter((manifest) => manifest.kind === "image").length;
      const keptCaches = kept.filter((manifest) => manifest.kind === "cache").length;
      const modelBytes = repositoryStoredBytes(kept.map((manifest) => manifest.blobs));
      const previous = pushed.at(-2);
      const formula = steadyStateStorage({
        image: record.image.blobs,
        renewed: renewedLayers(record.image.blobs, previous?.image.blobs, baseLayerCount),
        cache: record.cache.blobs,
        cacheRenewed: renewedLayers(record.cache.blobs, previous?.cache.blobs, 0),
        retainedBuilds: keptBuilds,
        retainedSupersededCaches: Math.max(0, keptCaches - 1),
      });
      const row: StorageBenchRow = {
        step: number,
        change: step.change,
        keptBuilds,
        keptCaches,
        expired: simulation.expired.length,
        registryBlobs: measured.blobs,
        registryBytes: measured.bytes,
        modelBlobs: distinctBlobs(kept.map((manifest) => manifest.blobs)).length,
        modelBytes,
        formulaBytes: formula.bytes,
      };
      rows.push(row);
      log(
        `step ${number} ${step.change}: ${built.contentTag}, expired ${simulation.expired.length}, gc: ${gc}; ` +
          `registry ${measured.blobs} blobs ${measured.bytes} B, model ${modelBytes} B, formula ${formula.bytes} B`,
      );
    }
  } finally {
    await stopRegistry();
    await removePrivateEngine(ENGINE_DIR).catch(() => undefined);
    rmSync(join(REGISTRY_DIR, "data"), { recursive: true, force: true });
    log("registry stopped, its storage removed; private engine stopped and its state removed");
  }

  const { table, summary, maxError } = renderStorageTable(rows);
  writeFileSync(
    join(BENCH_DIR, "results.json"),
    JSON.stringify(
      {
        rows,
        pushed: pushed.map(({ step, contentTag, image, cache }) => ({ step, contentTag, image, cache })),
      },
      null,
      2,
    ),
  );
  const date = new Date().toISOString().slice(0, 10);
  const markdown = [
    `Measured ${date} with \`npm run bench:storage\` on this machine: a private Docker engine ${engineVersion} ` +
      `(containerd image store, started empty; bases from ${LOCAL_REGISTRY}), linux/amd64, gzip; Debian's docker-registry 2.8.2 ` +
      `on ${BENCH_REGISTRY} with fresh storage; lifecycle preset \`${PRESET}\` (keep 10 ctx-* builds, untagged 1 day), ` +
      `pushes one synthetic day apart, each evaluated at its push time, expired manifests DELETEd, then ` +
      `\`docker-registry garbage-collect\` with the registry stopped. Registry bytes: every \`blobs/sha256/*/*/data\` ` +
      `on disk; model bytes: \`repositoryStoredBytes\` over the kept manifests' blobs (layers, config and manifest) ` +
      `from the same builds' LOCAL exports (\`--output type=oci\`, \`--cache-to type=local\`); formula: \`steadyStateStorage\` ` +
      `from the step's build, its renewed layers and the counts kept. Target: model within ${TARGET_PERCENT}% at every step.`,
    "",
    table,
    "",
    `\`${summary}\``,
  ].join("\n");
  process.stdout.write(`${markdown}\n\n${summary}\n`);
  log(
    `done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s; raw numbers in ${join(BENCH_DIR, "results.json")}`,
  );
  if (args.includes("--write")) log(`wrote the table into ${writeBenchTable("storage", markdown)}`);
  if (maxError > TARGET_PERCENT) {
    process.stderr.write(
      `bench:storage: a step is off by more than ${TARGET_PERCENT}% (max ${maxError.toFixed(2)}%)\n`,
    );
    process.exitCode = 1;
  }
}

if (require.main === module) {
  // Interrupted: stop what this run started (its registry by pid, its private engine by pid files).
  // `on`, not `once`: Ctrl-C reaches this process twice (the terminal's, then npm's forwarded copy), and
  // with no listener left tsx's own handler exits at once (tsx dist/preflight.cjs: exit when
  // `process.listenerCount(signal) === 0`), leaving the engine running (seen).
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`bench:storage: ${signal}, stopping the registry and the private engine\n`);
      void stopRegistry()
        .then(() => removePrivateEngine(ENGINE_DIR))
        .catch(() => undefined)
        .finally(() => process.exit(130));
    });
  }
  main().catch(async (error: unknown) => {
    process.stderr.write(`bench:storage failed: ${error instanceof Error ? error.message : String(error)}\n`);
    await stopRegistry().catch(() => undefined);
    process.exit(1);
  });
}
