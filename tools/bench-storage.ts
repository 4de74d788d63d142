// npm run bench:storage — the storage model (components/cost/storage.ts) against a real registry's blob store,
// side by side in one run.
//
// A private Docker engine (own directory, started empty, bases pulled from the test registry on
// 127.0.0.1:5000) builds app/ again and again, changed between steps: a first build, code-only changes,
// a dependency change, a base image change, then code-only changes until the lifecycle expires builds.
// Each build is pushed the way the pipeline pushes: the content tag `ctx-…` (components/buildkit/refs.ts),
// the registry cache `buildcache` in ECR's form (mode=max, image-manifest=true, oci-mediatypes=true) with
// `--cache-from` the same ref, gzip as the component sends it (components/buildkit/compression.ts: level 6, forced),
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
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  distinctBlobs,
  renewedLayers,
  repositoryStoredBytes,
  steadyStateStorage,
  type StoredBlob,
} from "../components/cost/storage";
import { buildLifecyclePreset, simulateLifecycle } from "../components/lifecycle";
import { writeBenchTable } from "./lib/bench-docs";
import {
  TEST_BASE_IMAGES,
  WORK_DIR,
  benchVariant,
  pinOtherDependency,
  prepareContext,
  setAppVersion,
} from "./lib/bench-variants";
import { buildx, registryHasTag } from "./lib/buildx";
import { privateEngineDir, type PrivateEngine } from "./lib/private-engine";
import { BenchRegistry, stopRegistryAndEngine, withRegistryAndEngine } from "./lib/bench-registry";
import { benchLogger, runBench } from "./lib/bench-run";
import { BENCH_PLATFORM as PLATFORM, buildAndPush } from "./lib/bench-push";
import { LOCAL_REGISTRY, fetchManifest } from "./lib/registry";
import {
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
const PRESET = "dev" as const;
const TARGET_PERCENT = 2;
const FIRST_PUSH = Date.parse("2026-01-01T00:00:00Z");
const DAY_MS = 24 * 60 * 60 * 1000;
const BENCH_DIR = join(WORK_DIR, "storage");
const REGISTRY_DIR = join(BENCH_DIR, "registry");
const ENGINE_DIR = process.env.BENCH_STORAGE_ENGINE_DIR || privateEngineDir("storagebench-engine");
/** The changed runtime base of the base-image step, built on the private engine only. */
const CHANGED_RUNTIME_BASE = "storagebench/node:22-distroless-extra";
const log = benchLogger("bench:storage");

// ------------------------------------------------------------------------------------------ registry
const registry = new BenchRegistry(BENCH_REGISTRY, REGISTRY_DIR, "tools/bench-storage.ts");

// ------------------------------------------------------------------------------------------ steps
interface Step {
  change: string;
  apply: (context: string, state: { runtimeBase: string }) => Promise<void> | void;
}

function plannedSteps(codeChangesAfterBase: number, engine: PrivateEngine, bases: Bases): Step[] {
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
    // tools/lib/bench-variants.ts pinOtherDependency: why 2.0.0.
    { change: "dependency (ms 2.1.3 → 2.0.0, lockfile)", apply: pinOtherDependency },
    {
      change: "runtime base (+1 file, 2 MiB)",
      apply: async (_context, state) => {
        state.runtimeBase = await buildChangedRuntimeBase(engine, bases.distroless);
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
  const rows: StorageBenchRow[] = [];
  const pushed: PushedStep[] = [];
  /** Manifests in the registry that the lifecycle has not expired, by registry digest. */
  const live = new Map<string, LiveManifest & { blobs: StoredBlob[]; kind: "image" | "cache" }>();
  const engineVersion = await withRegistryAndEngine(registry, ENGINE_DIR, log, async (engine) => {
    const context = prepareContext(benchVariant("optimized"), BENCH_DIR);
    const state = { runtimeBase: bases.distroless };
    const steps = plannedSteps(codeChangesAfterBase, engine, bases);
    for (const [index, step] of steps.entries()) {
      const number = index + 1;
      const pushedAt = new Date(FIRST_PUSH + index * DAY_MS);
      await step.apply(context, state);
      const built = await buildAndPush({
        engine,
        context,
        buildArgs: { NODE_BUILD_IMAGE: bases.full, NODE_RUNTIME_IMAGE: state.runtimeBase },
        registry: BENCH_REGISTRY,
        repository: REPOSITORY,
        cacheTag: CACHE_TAG,
        stepDir: join(BENCH_DIR, `step-${number}`),
      });
      const record: PushedStep = {
        step: number,
        pushedAt,
        contentTag: built.contentTag,
        image: {
          ...built.image,
          registryDigest: await registry.manifestDigest(REPOSITORY, built.contentTag),
        },
        cache: { ...built.cache, registryDigest: await registry.manifestDigest(REPOSITORY, CACHE_TAG) },
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
      const tags = await registry.tagDigests(REPOSITORY);
      const simulation = simulateLifecycle(rules, lifecycleImagesOf([...live.values()], tags), pushedAt);
      for (const digest of simulation.expired) {
        await registry.deleteManifest(REPOSITORY, digest);
        live.delete(digest);
      }
      const gc = await registry.garbageCollect();
      for (const manifest of live.values()) {
        if (!(await registry.manifestExists(REPOSITORY, manifest.digest)))
          throw new Error(`step ${number}: kept manifest ${manifest.digest} is gone from the registry`);
      }
      const measured = registryBlobBytes(registry.storageRoot);

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
  });

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
  runBench("bench:storage", main, {
    stops: "the registry and the private engine",
    cleanUp: () => stopRegistryAndEngine(registry, ENGINE_DIR),
  });
}
