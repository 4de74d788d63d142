// The pure parts of `npm run bench:storage` (tools/bench-storage.ts): what a local build's OCI exports say
// a push stores, the lifecycle input built from what the registry holds, the blob store's bytes on disk
// and the table. No engine, no registry: tested in test/tools/storage-bench.test.ts.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { StoredBlob } from "../../components/cost/storage";
import type { LifecycleImage } from "../../components/lifecycle";
import type { OciLayout } from "../../components/size/image-tar";

/** What one manifest keeps stored: the manifest blob itself, its config blob and its layers. */
export interface ManifestBlobs {
  /** `sha256:…` of the manifest (as the local export wrote it). */
  manifestDigest: string;
  /** Layers bottom first, then the config blob, then the manifest blob: every blob a registry stores for it. */
  blobs: StoredBlob[];
  /** The layers alone (bottom first), for renewed-layer counting. */
  layers: StoredBlob[];
}

/**
 * The blobs a push of the one image in `layout` stores (read by components/size/image-tar.ts
 * `measureOciLayout`): its layers, its config and its manifest. A registry stores manifests and configs
 * in the same blob store as layers (distribution's `blobs/sha256/<2>/<hex>/data`), so they count. The
 * layout of a single-platform export without attestations holds exactly those blobs; anything else
 * (a second image, an index blob) is an error rather than a guess.
 */
export function imageBlobsFromLayout(layout: OciLayout): ManifestBlobs {
  const [image, ...others] = layout.images;
  if (image === undefined || others.length > 0)
    throw new Error(`expected one image in the OCI export, found ${layout.images.length}`);
  const layers = image.layers.map((layer) => ({ digest: layer.digest, bytes: layer.size }));
  const layerDigests = new Set(layers.map((layer) => layer.digest));
  const manifestBytes = layout.blobSizes.get(image.manifestDigest);
  if (manifestBytes === undefined)
    throw new Error(`the OCI export lacks its manifest ${image.manifestDigest}`);
  const rest = [...layout.blobSizes].filter(
    ([digest]) => digest !== image.manifestDigest && !layerDigests.has(digest),
  );
  const [config, ...extra] = rest;
  if (config === undefined || extra.length > 0 || config[1] !== image.configBytes)
    throw new Error(
      `expected the OCI export to hold its layers, one config blob of ${image.configBytes} bytes and the manifest; ` +
        `other blobs: ${rest.map(([digest, bytes]) => `${digest} (${bytes} B)`).join(", ")}`,
    );
  return {
    manifestDigest: image.manifestDigest,
    layers,
    blobs: [
      ...layers,
      { digest: config[0], bytes: config[1] },
      { digest: image.manifestDigest, bytes: manifestBytes },
    ],
  };
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
}

/**
 * The blobs of the registry cache a build exported with `--cache-to type=local,dest=<dir>,mode=max,
 * image-manifest=true,oci-mediatypes=true`: an OCI layout whose index.json names one image manifest with
 * the BuildKit cache config (`application/vnd.buildkit.cacheconfig.v0`) and every cached layer.
 * (`measureOciLayout` skips such a manifest: its config names no platform.) A layer the manifest lists
 * twice is one blob.
 */
export function cacheBlobsFromLayoutDir(dir: string): ManifestBlobs {
  const blobPath = (digest: string) => join(dir, "blobs", ...digest.split(":"));
  const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as { manifests?: Descriptor[] };
  const entries = index.manifests ?? [];
  const [entry] = entries;
  if (entry === undefined || entries.length !== 1)
    throw new Error(`${dir}/index.json should list one cache manifest, lists ${entries.length}`);
  const manifest = JSON.parse(readFileSync(blobPath(entry.digest), "utf8")) as {
    config?: Descriptor;
    layers?: Descriptor[];
  };
  if (manifest.config === undefined || manifest.layers === undefined)
    throw new Error(`${entry.digest} in ${dir} is not an image manifest`);
  const sizeOnDisk = (descriptor: Descriptor) => {
    const bytes = statSync(blobPath(descriptor.digest)).size;
    if (bytes !== descriptor.size)
      throw new Error(
        `${descriptor.digest} is ${bytes} B in ${dir}, its descriptor says ${descriptor.size} B`,
      );
    return bytes;
  };
  const seen = new Set<string>();
  const layers: StoredBlob[] = [];
  for (const layer of manifest.layers) {
    if (seen.has(layer.digest)) continue;
    seen.add(layer.digest);
    layers.push({ digest: layer.digest, bytes: sizeOnDisk(layer) });
  }
  return {
    manifestDigest: entry.digest,
    layers,
    blobs: [
      ...layers,
      { digest: manifest.config.digest, bytes: sizeOnDisk(manifest.config) },
      { digest: entry.digest, bytes: sizeOnDisk(entry) },
    ],
  };
}

/**
 * Bytes the registry really stores: every blob's `data` file under the filesystem driver's
 * `docker/registry/v2/blobs/sha256/<2 hex>/<digest hex>/data` (distribution's path layout,
 * registry/storage/paths.go `blobDataPathSpec`). Layers, configs and manifests alike; upload leftovers
 * (`repositories/*\/_uploads`) are not blobs and are not counted.
 */
export function registryBlobBytes(storageRoot: string): { blobs: number; bytes: number } {
  const root = join(storageRoot, "docker", "registry", "v2", "blobs", "sha256");
  let blobs = 0;
  let bytes = 0;
  let prefixes: string[];
  try {
    prefixes = readdirSync(root);
  } catch {
    return { blobs: 0, bytes: 0 };
  }
  for (const prefix of prefixes) {
    for (const hex of readdirSync(join(root, prefix))) {
      const data = join(root, prefix, hex, "data");
      let size: number;
      try {
        size = statSync(data).size;
      } catch {
        continue; // a directory GC emptied
      }
      blobs += 1;
      bytes += size;
    }
  }
  return { blobs, bytes };
}

/** One manifest the bench pushed and has not deleted, as the lifecycle sees it. */
export interface LiveManifest {
  /** The manifest digest in the registry. */
  digest: string;
  /** The synthetic push time of the step that pushed it. */
  pushedAt: Date;
  /** Bytes for the simulation's report (never decides what expires). */
  sizeBytes: number;
}

/**
 * The lifecycle's input: every manifest still in the repository with the tags the REGISTRY says point
 * at it now (`tagDigests`: tag → digest from the tags list). A cache manifest whose `buildcache` tag
 * moved on is untagged, as in ECR.
 */
export function lifecycleImagesOf(
  live: readonly LiveManifest[],
  tagDigests: ReadonlyMap<string, string>,
): LifecycleImage[] {
  return live.map((manifest) => ({
    digest: manifest.digest,
    tags: [...tagDigests]
      .filter(([, digest]) => digest === manifest.digest)
      .map(([tag]) => tag)
      .sort(),
    pushedAt: manifest.pushedAt,
    sizeBytes: manifest.sizeBytes,
  }));
}

/** |model − measured| / measured in percent (0 when both are 0). */
export function errorPercent(model: number, measured: number): number {
  if (measured === 0) return model === 0 ? 0 : Infinity;
  return (100 * Math.abs(model - measured)) / measured;
}

export interface StorageBenchRow {
  step: number;
  change: string;
  keptBuilds: number;
  keptCaches: number;
  /** Manifests deleted after this push (the lifecycle's expiries). */
  expired: number;
  registryBlobs: number;
  registryBytes: number;
  /** Distinct blobs of the kept manifests (informative: the target is on bytes). */
  modelBlobs: number;
  modelBytes: number;
  formulaBytes: number;
}

const bytes = (value: number) => value.toLocaleString("en-US");
const percent = (value: number) => `${value.toFixed(2)}%`;

/** The per-step table (Markdown) and the closing line `storage model vs registry: max error X.X% over N steps`. */
export function renderStorageTable(rows: readonly StorageBenchRow[]): {
  table: string;
  summary: string;
  maxError: number;
} {
  const lines = [
    "| step | change | kept builds | kept caches | expired | registry blobs | model blobs | registry bytes | model bytes | error | formula bytes | formula error |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  let maxError = 0;
  for (const row of rows) {
    const error = errorPercent(row.modelBytes, row.registryBytes);
    maxError = Math.max(maxError, error);
    lines.push(
      `| ${row.step} | ${row.change} | ${row.keptBuilds} | ${row.keptCaches} | ${row.expired} | ${row.registryBlobs} | ${row.modelBlobs} | ` +
        `${bytes(row.registryBytes)} | ${bytes(row.modelBytes)} | ${percent(error)} | ${bytes(row.formulaBytes)} | ` +
        `${percent(errorPercent(row.formulaBytes, row.registryBytes))} |`,
    );
  }
  return {
    table: lines.join("\n"),
    summary: `storage model vs registry: max error ${maxError.toFixed(1)}% over ${rows.length} steps`,
    maxError,
  };
}
