// npm run bench:fleet — the fleet storage model (components/fleet/storage.ts) against a real registry, for
// several services built from the same bases and pushed to separate repositories (issue 20, item 3).
//
// A private Docker engine (own directory, started empty, bases pulled from the test registry on
// 127.0.0.1:5000) builds app/ as four services, each in its own repository of the bench's OWN registry
// (Debian's docker-registry on 127.0.0.1:5003, fresh storage): svc-a and svc-b (same dependencies, their own
// code), svc-c (another dependency version: its own `npm ci` layer), svc-d (the slim runtime base instead of
// distroless: only the builder base and the dependencies are shared). Each service is built twice (a
// code change between), pushed as the pipeline pushes (content tag, `buildcache` registry cache in ECR's
// form, gzip forced; tools/lib/bench-push.ts) and exported locally in the same build. Nothing is deleted.
//
// The registry stores each blob once in its blob store (`blobs/sha256/<2>/<hex>/data`) and records what each
// repository references as links (`repositories/<name>/_layers/...` and `_manifests/revisions/...`,
// distribution registry/storage/paths.go). After each service's pushes:
// - per-repository copies: the model's own copy of the repository (`fleetStoredBytes([repository],
//   "per-repository")`: every distinct blob of its manifests, from the LOCAL exports) against the bytes of
//   the blobs the repository links;
// - shared blobs: the model's distinct blobs of every repository so far (`fleetStoredBytes(…, "shared")`)
//   against the whole blob store.
// Prints `fleet storage model vs registry: max error X.X% over N repositories (<mode>)` for both; exits 1
// when either is above 2 %.
//
//   npx tsx tools/bench-fleet.ts [--write]   (--write updates docs/BENCHMARKS.md)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { distinctBlobs, type StoredBlob } from "../components/cost/storage";
import { fleetStorage, fleetStoredBytes, type FleetRepository } from "../components/fleet";
import { writeBenchTable } from "./lib/bench-docs";
import { buildAndPush } from "./lib/bench-push";
import { BenchRegistry, stopRegistryAndEngine, withRegistryAndEngine } from "./lib/bench-registry";
import { benchLogger, runBench } from "./lib/bench-run";
import {
  TEST_BASE_IMAGES,
  WORK_DIR,
  benchVariant,
  pinOtherDependency,
  prepareContext,
  setAppVersion,
} from "./lib/bench-variants";
import { registryHasTag } from "./lib/buildx";
import { renderFleetTable, repositoryLinkedBlobs, type FleetBenchRow } from "./lib/fleet-bench";
import { privateEngineDir } from "./lib/private-engine";
import { LOCAL_REGISTRY } from "./lib/registry";
import { registryBlobBytes } from "./lib/storage-bench";

/** The bench's own registry: loopback only, never the shared one on :5000; bench:storage uses :5002. */
const BENCH_REGISTRY = "127.0.0.1:5003";
const CACHE_TAG = "buildcache";
const TARGET_PERCENT = 2;
const BENCH_DIR = join(WORK_DIR, "fleet");
const ENGINE_DIR = process.env.BENCH_FLEET_ENGINE_DIR || privateEngineDir("fleetbench-engine");
/** A stand-in account id: the fleet model wants one registry id for all the repositories. */
const REGISTRY_ID = "000000000000";
const ROUNDS = 2;

const log = benchLogger("bench:fleet");

interface Service {
  name: string;
  description: string;
  runtimeBase: "distroless" | "slim";
  /** Pin ms 2.0.0 in the lockfile: a dependency layer of its own. */
  otherDependency?: boolean;
}

const SERVICES: readonly Service[] = [
  { name: "svc-a", description: "app/, distroless runtime", runtimeBase: "distroless" },
  { name: "svc-b", description: "app/, distroless runtime, its own code", runtimeBase: "distroless" },
  {
    name: "svc-c",
    description: "app/ with ms 2.0.0, distroless runtime",
    runtimeBase: "distroless",
    otherDependency: true,
  },
  { name: "svc-d", description: "app/, slim runtime", runtimeBase: "slim" },
];

const registry = new BenchRegistry(BENCH_REGISTRY, join(BENCH_DIR, "registry"), "tools/bench-fleet.ts");

async function main(): Promise<void> {
  const startedAt = Date.now();
  const [baseRepository] = TEST_BASE_IMAGES.full.split(":");
  for (const image of [TEST_BASE_IMAGES.full, TEST_BASE_IMAGES.distroless, TEST_BASE_IMAGES.slim]) {
    if (!(await registryHasTag(image.split(":")[0] ?? baseRepository ?? "", image.split(":")[1] ?? "")))
      throw new Error(`${LOCAL_REGISTRY}/${image} is missing: run bash scripts/test-infra.sh up`);
  }
  const base = (image: string) => `${LOCAL_REGISTRY}/${image}`;

  mkdirSync(BENCH_DIR, { recursive: true });
  const rows: FleetBenchRow[] = [];
  const repositories: FleetRepository[] = [];
  const engineVersion = await withRegistryAndEngine(registry, ENGINE_DIR, log, async (engine) => {
    for (const service of SERVICES) {
      const context = prepareContext(benchVariant("optimized"), join(BENCH_DIR, service.name));
      if (service.otherDependency === true) await pinOtherDependency(context);
      const repository = `fleetbench/${service.name}`;
      const manifests: StoredBlob[][] = [];
      for (let round = 1; round <= ROUNDS; round += 1) {
        setAppVersion(context, `${service.name}-${round}`);
        const built = await buildAndPush({
          engine,
          context,
          buildArgs: {
            NODE_BUILD_IMAGE: base(TEST_BASE_IMAGES.full),
            NODE_RUNTIME_IMAGE: base(TEST_BASE_IMAGES[service.runtimeBase]),
          },
          registry: BENCH_REGISTRY,
          repository,
          cacheTag: CACHE_TAG,
          stepDir: join(BENCH_DIR, `${service.name}-${round}`),
        });
        const pushed = await registry.manifestDigest(repository, built.contentTag);
        if (pushed !== built.image.manifestDigest)
          throw new Error(
            `${repository}:${built.contentTag} is ${pushed} in the registry, ${built.image.manifestDigest} locally`,
          );
        manifests.push(built.image.blobs, built.cache.blobs);
        log(
          `${repository} build ${round}: ${built.contentTag}, image ${built.image.blobs.length} blobs, cache ${built.cache.blobs.length} blobs`,
        );
      }
      const modelled: FleetRepository = {
        name: repository,
        registryId: REGISTRY_ID,
        region: "local",
        blobs: distinctBlobs(manifests),
      };
      repositories.push(modelled);
      const linked = repositoryLinkedBlobs(registry.storageRoot, repository);
      const store = registryBlobBytes(registry.storageRoot);
      const row: FleetBenchRow = {
        repository,
        change: `${ROUNDS} builds: ${service.description}`,
        manifests: manifests.length,
        modelRepositoryBytes: fleetStoredBytes([modelled], "per-repository"),
        registryRepositoryBytes: linked.reduce((total, blob) => total + blob.bytes, 0),
        modelSharedBytes: fleetStoredBytes(repositories, "shared"),
        registrySharedBytes: store.bytes,
        registryBlobs: store.blobs,
      };
      rows.push(row);
      log(
        `${repository}: links ${linked.length} blobs ${row.registryRepositoryBytes} B (model ${row.modelRepositoryBytes} B); ` +
          `blob store ${store.blobs} blobs ${store.bytes} B (model ${row.modelSharedBytes} B)`,
      );
    }
  });

  const { table, summaries, maxErrors } = renderFleetTable(rows);
  // What the fleet view says for these repositories with blob mounting on (one AES256 group) and off.
  const mounted = fleetStorage({
    repositories,
    registries: [{ registryId: REGISTRY_ID, region: "local", blobMounting: true }],
  });
  const separate = mounted.perRepositoryBytes;
  const share = (value: number) => value.toLocaleString("en-US");
  writeFileSync(join(BENCH_DIR, "results.json"), JSON.stringify({ rows, repositories }, null, 2));
  const date = new Date().toISOString().slice(0, 10);
  const markdown = [
    `Measured ${date} with \`npm run bench:fleet\` on this machine: a private Docker engine ${engineVersion} (containerd image store, ` +
      `started empty; bases from ${LOCAL_REGISTRY}), linux/amd64, gzip; Debian's docker-registry 2.8.2 on ${BENCH_REGISTRY} with fresh ` +
      `storage; ${SERVICES.length} services built from app/ (${SERVICES.map((service) => `${service.name}: ${service.description}`).join("; ")}), ` +
      `${ROUNDS} builds each (a code change between), pushed with the content tag and the \`buildcache\` registry cache, nothing deleted. ` +
      "Model: `fleetStoredBytes` over the repositories' manifests' blobs (layers, config, manifest) from the same builds' LOCAL exports. " +
      "Registry, per repository: the bytes of the blobs it links (`_layers` and `_manifests/revisions`); shared: every `blobs/sha256/*/*/data` " +
      `on disk after that repository's pushes. Target: both within ${TARGET_PERCENT}% at every row.`,
    "",
    table,
    "",
    ...summaries.map((summary) => `\`${summary}\``),
    "",
    `With blob mounting on (one registry, one encryption) the fleet view stores ${share(mounted.bytes)} bytes for these ` +
      `${repositories.length} repositories; as separate copies ${share(separate)} bytes (${((100 * mounted.bytes) / separate).toFixed(1)}%).`,
  ].join("\n");
  process.stdout.write(`${markdown}\n\n${summaries.join("\n")}\n`);
  log(
    `done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s; raw numbers in ${join(BENCH_DIR, "results.json")}`,
  );
  if (process.argv.includes("--write")) log(`wrote the table into ${writeBenchTable("fleet", markdown)}`);
  if (maxErrors.shared > TARGET_PERCENT || maxErrors.perRepository > TARGET_PERCENT) {
    process.stderr.write(
      `bench:fleet: off by more than ${TARGET_PERCENT}% (shared ${maxErrors.shared.toFixed(2)}%, per repository ${maxErrors.perRepository.toFixed(2)}%)\n`,
    );
    process.exitCode = 1;
  }
}

if (require.main === module) {
  runBench("bench:fleet", main, {
    stops: "the registry and the private engine",
    cleanUp: () => stopRegistryAndEngine(registry, ENGINE_DIR),
  });
}
