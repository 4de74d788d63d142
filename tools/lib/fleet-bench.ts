// The pure parts of `npm run bench:fleet` (tools/bench-fleet.ts): what a registry's storage says each
// repository references, and the table. No engine, no registry process: tested in
// test/tools/fleet-bench.test.ts on a directory laid out as distribution lays out its storage.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { errorPercent } from "./storage-bench";

const V2 = ["docker", "registry", "v2"] as const;

/** Size of a blob's `data` file in the blob store (distribution paths.go `blobDataPathSpec`); undefined when absent. */
export function blobBytes(storageRoot: string, digest: string): number | undefined {
  const [algorithm, hex] = digest.split(":");
  if (algorithm === undefined || hex === undefined) return undefined;
  try {
    return statSync(join(storageRoot, ...V2, "blobs", algorithm, hex.slice(0, 2), hex, "data")).size;
  } catch {
    return undefined;
  }
}

function linksUnder(dir: string): string[] {
  const digests: string[] = [];
  let algorithms: string[];
  try {
    algorithms = readdirSync(dir);
  } catch {
    return digests;
  }
  for (const algorithm of algorithms) {
    for (const hex of readdirSync(join(dir, algorithm))) {
      // The link file holds the digest (distribution linkedblobstore.go `linkBlob`); its directory names it too.
      let link: string;
      try {
        link = readFileSync(join(dir, algorithm, hex, "link"), "utf8").trim();
      } catch {
        continue;
      }
      digests.push(link === "" ? `${algorithm}:${hex}` : link);
    }
  }
  return digests.sort();
}

/**
 * The blobs `repository` links in the registry's storage: its layer and config links
 * (`repositories/<name>/_layers/<algorithm>/<hex>/link`, written when a blob is uploaded or mounted into the
 * repository) and its manifest revisions (`_manifests/revisions/<algorithm>/<hex>/link`), distribution v2.8
 * registry/storage/paths.go `layerLinkPathSpec` and `manifestRevisionLinkPathSpec`. What the repository
 * references, each digest once, with the bytes of its blob-store file.
 */
export function repositoryLinkedBlobs(
  storageRoot: string,
  repository: string,
): { digest: string; bytes: number }[] {
  const base = join(storageRoot, ...V2, "repositories", ...repository.split("/"));
  const digests = new Set([
    ...linksUnder(join(base, "_layers")),
    ...linksUnder(join(base, "_manifests", "revisions")),
  ]);
  return [...digests].sort().map((digest) => {
    const bytes = blobBytes(storageRoot, digest);
    if (bytes === undefined) throw new Error(`${repository} links ${digest}, which is not in the blob store`);
    return { digest, bytes };
  });
}

export interface FleetBenchRow {
  /** Repositories pushed so far, in push order; the row is about the last. */
  repository: string;
  change: string;
  /** Manifests (images and caches) this repository holds. */
  manifests: number;
  /** Per repository: the model's own copy vs the bytes the repository links. */
  modelRepositoryBytes: number;
  registryRepositoryBytes: number;
  /** Shared, after this repository's pushes: the model's distinct blobs of all so far vs the blob store. */
  modelSharedBytes: number;
  registrySharedBytes: number;
  registryBlobs: number;
}

const bytes = (value: number) => value.toLocaleString("en-US");
const percent = (value: number) => `${value.toFixed(2)}%`;

/**
 * The table (Markdown) and one closing line per accounting:
 * `fleet storage model vs registry: max error X.X% over N repositories (shared blobs)` and
 * `... (per-repository copies)`.
 */
export function renderFleetTable(rows: readonly FleetBenchRow[]): {
  table: string;
  summaries: string[];
  maxErrors: { shared: number; perRepository: number };
} {
  const lines = [
    "| repository | build | manifests | model own copy | registry links | error | model shared (so far) | registry blob store | blobs | error |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  let shared = 0;
  let perRepository = 0;
  for (const row of rows) {
    const own = errorPercent(row.modelRepositoryBytes, row.registryRepositoryBytes);
    const all = errorPercent(row.modelSharedBytes, row.registrySharedBytes);
    perRepository = Math.max(perRepository, own);
    shared = Math.max(shared, all);
    lines.push(
      `| ${row.repository} | ${row.change} | ${row.manifests} | ${bytes(row.modelRepositoryBytes)} | ${bytes(row.registryRepositoryBytes)} | ${percent(own)} | ` +
        `${bytes(row.modelSharedBytes)} | ${bytes(row.registrySharedBytes)} | ${row.registryBlobs} | ${percent(all)} |`,
    );
  }
  const repositories = new Set(rows.map((row) => row.repository)).size;
  const summary = (error: number, mode: string) =>
    `fleet storage model vs registry: max error ${error.toFixed(1)}% over ${repositories} repositories (${mode})`;
  return {
    table: lines.join("\n"),
    summaries: [summary(shared, "shared blobs"), summary(perRepository, "per-repository copies")],
    maxErrors: { shared, perRepository },
  };
}
