/**
 * What an ECR repository stores, computed from layers. Pure, no Pulumi.
 *
 * A registry stores blobs by digest: a layer that several manifests list (successive builds sharing
 * their base, the image and its BuildKit cache sharing the runtime layers, two platforms sharing an
 * architecture-independent layer) is one blob, stored and billed once ("you pay for the amount of data
 * you store", https://aws.amazon.com/ecr/pricing/). So the stored bytes of a repository are the bytes of
 * the distinct blobs of every manifest it keeps — image manifests and cache manifests alike.
 *
 * Two views of the same rule:
 * - {@link repositoryStoredBytes}: a known state (the list of manifests kept), counted blob by blob.
 * - {@link steadyStateStorage}: the state a lifecycle policy settles into under a push cadence, from one
 *   measured build: the current image and cache once, plus what each further kept build or superseded
 *   cache adds (the layers a push renews).
 * `npm run bench:storage` checks both against a real registry's blob store (docs/BENCHMARKS.md).
 */
import { InvalidInputError } from "../common/errors";

/** One blob as a manifest lists it: its digest and compressed size (`layers[].size`). */
export interface StoredBlob {
  /** `sha256:…` */
  digest: string;
  /** Compressed bytes, as pushed. */
  bytes: number;
}

/**
 * Bounds of the storage model's inputs (issue 12: every number out finite, every call within 100 ms):
 * a blob of at most 1 PiB (the bound of every image size in this project, e.g. estimateMonthlyCost's
 * imageBytes), at most 10,000 blobs in one list (an image has at most a few hundred layers, a mode=max
 * cache a few hundred more; 100,000 took 214-775 ms in bench:fuzz, 10,000 takes a tenth), and at most
 * 100,000 kept builds or caches (the images a repository holds, components/lifecycle/simulate.ts
 * MAX_SIMULATED_IMAGES). At every bound at once a line is below 2^50 x 1e4 x 1e5, about 1.1e24 bytes.
 */
export const MAX_BLOB_BYTES = 2 ** 50;
export const MAX_BLOBS_PER_LIST = 10_000;
export const MAX_RETAINED_MANIFESTS = 100_000;

/** Blobs each digest once, in first-seen order; throws on a size that is not a count of bytes. */
export function distinctBlobs(lists: readonly (readonly StoredBlob[])[]): StoredBlob[] {
  const seen = new Map<string, StoredBlob>();
  lists.forEach((list, listIndex) => {
    if (list.length > MAX_BLOBS_PER_LIST) {
      throw new InvalidInputError(
        `blobs[${listIndex}]`,
        `blobs[${listIndex}] lists ${list.length} blobs, more than the ${MAX_BLOBS_PER_LIST} a manifest of this model may list`,
      );
    }
    list.forEach((blob, blobIndex) => {
      if (!Number.isFinite(blob.bytes) || blob.bytes < 0 || blob.bytes > MAX_BLOB_BYTES) {
        throw new InvalidInputError(
          `blobs[${listIndex}][${blobIndex}].bytes`,
          `blob ${blob.digest} has size ${blob.bytes}: a blob size is a finite number of bytes from 0 to ${MAX_BLOB_BYTES} (1 PiB)`,
        );
      }
      if (!seen.has(blob.digest)) seen.set(blob.digest, blob);
    });
  });
  return [...seen.values()];
}

/** Bytes of the distinct blobs of `lists`: a digest listed several times counts once. */
export function uniqueBlobBytes(lists: readonly (readonly StoredBlob[])[]): number {
  return distinctBlobs(lists).reduce((total, blob) => total + blob.bytes, 0);
}

/**
 * The stored bytes of a repository that keeps exactly these manifests (image manifests of every
 * platform, and the cache manifests still kept, tagged or untagged), each given as the blobs it lists.
 */
export function repositoryStoredBytes(manifests: readonly (readonly StoredBlob[])[]): number {
  return uniqueBlobBytes(manifests);
}

/**
 * The layers a push of `current` renews (uploads as new blobs): those not in `previous` (the previous
 * measured build of the same pipeline), or, on the first build, the layers above the first
 * `baseLayerCount` (the base image's layers, which a registry that already holds the previous build
 * has).
 */
export function renewedLayers(
  current: readonly StoredBlob[],
  previous: readonly StoredBlob[] | undefined,
  baseLayerCount: number,
): StoredBlob[] {
  if (previous === undefined) return current.slice(Math.max(0, Math.min(baseLayerCount, current.length)));
  const before = new Set(previous.map((blob) => blob.digest));
  return current.filter((blob) => !before.has(blob.digest));
}

/** One line of the storage breakdown: what it counts, how many distinct layers, their bytes. */
export interface StorageLine {
  /** Short label of the cost line: `image`, `cache`, `older builds` or `superseded caches`. */
  key?: string;
  what: string;
  layers: number;
  bytes: number;
}

export interface SteadyStateStorageInput {
  /** Distinct layers of the current build, all platforms (shared layers once). */
  image: readonly StoredBlob[];
  /** The layers a push of this pipeline renews (a subset of `image`, usually the application's). */
  renewed: readonly StoredBlob[];
  /** Blobs of the current registry cache (mode max: every stage's layers); empty when no cache is written. */
  cache: readonly StoredBlob[];
  /** The cache blobs a push renews (not in the previous cache). */
  cacheRenewed: readonly StoredBlob[];
  /** Builds kept at steady state (the lifecycle policy's count), at least 1: the current one. */
  retainedBuilds: number;
  /** Superseded (untagged) cache manifests the policy still keeps at steady state. */
  retainedSupersededCaches: number;
}

export interface SteadyStateStorage {
  /** Stored bytes at steady state; the sum of `lines[].bytes`. */
  bytes: number;
  lines: StorageLine[];
}

function count(key: string, value: number, minimum: number): number {
  if (!Number.isInteger(value) || value < minimum || value > MAX_RETAINED_MANIFESTS) {
    throw new InvalidInputError(
      key,
      `${key} is ${value}: expected a whole number from ${minimum} to ${MAX_RETAINED_MANIFESTS}`,
    );
  }
  return value;
}

/**
 * Stored bytes at steady state: the current image and cache (their shared blobs once), plus, for each
 * further kept build, the layers a push renews, plus, for each superseded cache still kept, the cache
 * blobs a push renews that no kept image holds. Assumes every push renews about as much as the measured
 * one; `bench:storage` measures how close that is on a real registry.
 */
export function steadyStateStorage(input: SteadyStateStorageInput): SteadyStateStorage {
  const retainedBuilds = count("retainedBuilds", input.retainedBuilds, 1);
  const supersededCaches = count("retainedSupersededCaches", input.retainedSupersededCaches, 0);
  const image = distinctBlobs([input.image]);
  const imageDigests = new Set(image.map((blob) => blob.digest));
  const cacheOnly = distinctBlobs([input.cache]).filter((blob) => !imageDigests.has(blob.digest));
  const renewed = distinctBlobs([input.renewed]);
  const renewedDigests = new Set(renewed.map((blob) => blob.digest));
  const cacheRenewedOnly = distinctBlobs([input.cacheRenewed]).filter(
    (blob) => !renewedDigests.has(blob.digest),
  );
  const bytesOf = (blobs: readonly StoredBlob[]) => blobs.reduce((total, blob) => total + blob.bytes, 0);
  const lines: StorageLine[] = [
    { key: "image", what: "current image: every layer once", layers: image.length, bytes: bytesOf(image) },
  ];
  if (cacheOnly.length > 0) {
    lines.push({
      key: "cache",
      what: "registry cache: layers not in the image",
      layers: cacheOnly.length,
      bytes: bytesOf(cacheOnly),
    });
  }
  if (retainedBuilds > 1) {
    lines.push({
      key: "older builds",
      what: `${retainedBuilds - 1} older kept builds x renewed layers`,
      layers: renewed.length * (retainedBuilds - 1),
      bytes: bytesOf(renewed) * (retainedBuilds - 1),
    });
  }
  if (supersededCaches > 0 && cacheRenewedOnly.length > 0) {
    lines.push({
      key: "superseded caches",
      what: `${supersededCaches} superseded caches x renewed cache-only layers`,
      layers: cacheRenewedOnly.length * supersededCaches,
      bytes: bytesOf(cacheRenewedOnly) * supersededCaches,
    });
  }
  return { bytes: lines.reduce((total, line) => total + line.bytes, 0), lines };
}

/** One platform's image as measured: its layers bottom first, and how many of them are its base's. */
export interface PlatformLayers {
  /** `linux/amd64`, … */
  platform: string;
  /** `layers[]` of the platform's manifest: digest and compressed size, bottom first. */
  layers: StoredBlob[];
  /** Bottom layers that come from the final stage's base image; absent when not measured. */
  baseLayerCount?: number;
}

/** The layer structure of one measured build, and what a push of it renews. */
export interface MeasuredLayers {
  platforms: PlatformLayers[];
  /** Blobs of the registry cache (every platform's); empty when no cache is written or measured. */
  cache: StoredBlob[];
  /** Image layers a push renews (./storage.ts {@link renewalOf}). */
  renewed: StoredBlob[];
  /** Cache blobs a push renews. */
  cacheRenewed: StoredBlob[];
}

/**
 * What a push of the `current` build renews, against the `previous` measured build of the same
 * pipeline (the estimate's state before this build):
 * - image layers: those not in any platform of the previous build, by digest; on the first build
 *   (no previous layers), every platform's layers above its base ({@link renewedLayers}), all of them
 *   when the base layer count is unknown;
 * - cache blobs: those not in the previous cache; on the first build (no previous cache), the cache
 *   blobs that are renewed image layers. That first guess leaves out cache-only layers a push would
 *   renew (the builder stage's), which are small for a Dockerfile whose dependencies are installed
 *   before the code is copied; from the second measured build on the comparison is by digest.
 */
export function renewalOf(
  current: { platforms: readonly PlatformLayers[]; cache: readonly StoredBlob[] },
  previous: { platforms?: readonly PlatformLayers[]; cache?: readonly StoredBlob[] } | undefined,
): { renewed: StoredBlob[]; cacheRenewed: StoredBlob[] } {
  const image = distinctBlobs(current.platforms.map((platform) => platform.layers));
  const before = previous?.platforms ?? [];
  const renewed =
    before.length > 0
      ? renewedLayers(image, distinctBlobs(before.map((platform) => platform.layers)), 0)
      : distinctBlobs(
          current.platforms.map((platform) =>
            renewedLayers(platform.layers, undefined, platform.baseLayerCount ?? 0),
          ),
        );
  const cache = distinctBlobs([current.cache]);
  const renewedDigests = new Set(renewed.map((blob) => blob.digest));
  const cacheRenewed =
    previous?.cache !== undefined && previous.cache.length > 0
      ? renewedLayers(cache, previous.cache, 0)
      : cache.filter((blob) => renewedDigests.has(blob.digest));
  return { renewed, cacheRenewed };
}
