/**
 * Measures an image from the tar stream `docker save` writes: for every layer, its uncompressed tar
 * size and the size of that tar once compressed the way a registry push compresses it. No Pulumi, no
 * Docker: the input is any byte stream, so it is testable with a hand-built tar.
 *
 * `docker save` (Docker 20.10 "legacy" layout, also produced by newer engines next to the OCI layout)
 * holds `manifest.json` = `[{ Config, RepoTags, Layers: ["<id>/layer.tar", …] }]`, the image config
 * `<sha>.json` (rootfs.diff_ids, history) and each layer as an uncompressed tar. With the containerd
 * image store (Docker 26 as scripts/test-infra.sh runs it) the same manifest.json points into the OCI
 * layout instead (`Layers: ["blobs/sha256/<digest>", …]`), and those blobs are the layers as the store
 * keeps them: gzip- or zstd-compressed. Such a blob is decompressed here and measured like a layer tar
 * (uncompressed size, then compressed the way a push would). A registry manifest
 * lists the same layers, in the same order, each as a compressed blob; `layers[].size` are the bytes
 * stored and billed (https://github.com/opencontainers/image-spec/blob/main/manifest.md).
 */
import { Readable } from "node:stream";
import * as zlib from "node:zlib";
import type { LayerCompression } from "../common/enums";

export type { LayerCompression };

export interface SavedImageLayer {
  /** Path of the layer tar inside the saved archive (`Layers[i]` of manifest.json). */
  archivePath: string;
  uncompressedBytes: number;
  compressedBytes: number;
}

export interface SavedImage {
  /** Layers in manifest order (bottom first), a path listed twice counted twice, as a registry does. */
  layers: SavedImageLayer[];
  /** The image config (`Config` of manifest.json), parsed. */
  config: ImageConfig;
  /** Size of the config blob, which a registry stores (and ECR counts) next to the layers. */
  configBytes: number;
}

export interface ImageConfig {
  rootfs?: { diff_ids?: string[] };
  history?: Array<{ created_by?: string; empty_layer?: boolean; comment?: string }>;
  [key: string]: unknown;
}

/**
 * A compressor that only counts its output. Level: dockerd compresses pushed layers with Go's
 * `gzip.NewWriterLevel(w, gzip.DefaultCompression)` (moby distribution/push_v2.go `compress`), and
 * BuildKit's default gzip is the same default level; zlib's default level (6) is the closest Node has.
 * zstd uses BuildKit's default level 3 where Node has zstd (22.15+), else the caller falls back.
 */
export function createCountingCompressor(compression: LayerCompression): {
  write(chunk: Buffer): Promise<void>;
  end(): Promise<number>;
} {
  const zstdFactory = (zlib as unknown as { createZstdCompress?: (options?: object) => zlib.Gzip })
    .createZstdCompress;
  if (compression === "zstd" && zstdFactory === undefined) {
    throw new Error("zstd compression needs Node.js 22.15 or later (zlib.createZstdCompress)");
  }
  const stream =
    compression === "zstd" && zstdFactory !== undefined
      ? zstdFactory({
          params: { [(zlib.constants as Record<string, number>).ZSTD_c_compressionLevel ?? 100]: 3 },
        })
      : zlib.createGzip({ level: zlib.constants.Z_DEFAULT_COMPRESSION });
  let compressedBytes = 0;
  let failure: Error | undefined;
  stream.on("data", (chunk: Buffer) => {
    compressedBytes += chunk.length;
  });
  const finished = new Promise<number>((resolve, reject) => {
    stream.on("end", () => resolve(compressedBytes));
    stream.on("error", (error) => {
      failure = error;
      reject(error);
    });
  });
  finished.catch(() => undefined); // surfaced by write() or end(), never as an unhandled rejection
  return {
    write: async (chunk) => {
      if (failure !== undefined) throw failure;
      // Respect backpressure so a multi-gigabyte layer never piles up in memory.
      if (!stream.write(chunk)) {
        await Promise.race([new Promise<void>((resolve) => stream.once("drain", resolve)), finished]);
      }
    },
    end: () => {
      stream.end();
      return finished;
    },
  };
}

interface TarEntryHeader {
  name: string;
  size: number;
  type: string;
}

/**
 * Reads a `docker save` archive and returns its layers with compressed sizes. Layer tars are streamed
 * through the compressor entry by entry, so memory stays flat whatever the image size; small entries
 * (manifest, config) are kept in memory.
 */
export async function measureSavedImage(
  archive: AsyncIterable<Buffer>,
  options: { compression: LayerCompression },
): Promise<SavedImage> {
  const entryMeasures = new Map<string, { uncompressedBytes: number; compressedBytes: number }>();
  const smallFiles = new Map<string, Buffer>();
  for await (const entry of readTarEntries(archive)) {
    if (entry.header.type !== "0" && entry.header.type !== "") {
      await entry.skip();
      continue;
    }
    const { head, rest } = await peek(entry.body(), 512);
    const format = entry.header.name.endsWith(".tar") ? "tar" : sniffLayerFormat(head);
    if (format !== undefined) {
      const compressor = createCountingCompressor(options.compression);
      let uncompressedBytes = 0;
      for await (const chunk of decompressed(rest, format)) {
        uncompressedBytes += chunk.length;
        await compressor.write(chunk);
      }
      entryMeasures.set(entry.header.name, { uncompressedBytes, compressedBytes: await compressor.end() });
    } else if (entry.header.size <= 64 * 1024 * 1024) {
      const chunks: Buffer[] = [];
      for await (const chunk of rest) chunks.push(chunk);
      smallFiles.set(entry.header.name, Buffer.concat(chunks));
    } else {
      for await (const chunk of rest) void chunk;
    }
  }

  const manifestText = smallFiles.get("manifest.json");
  if (manifestText === undefined) throw new Error("docker save archive has no manifest.json");
  const manifest = JSON.parse(manifestText.toString("utf8")) as Array<{ Config: string; Layers: string[] }>;
  const image = manifest[0];
  if (image === undefined) throw new Error("docker save manifest.json lists no image");
  const configBlob = smallFiles.get(image.Config);
  if (configBlob === undefined) throw new Error(`docker save archive has no config ${image.Config}`);
  const config = JSON.parse(configBlob.toString("utf8")) as ImageConfig;

  const layers = image.Layers.map((archivePath): SavedImageLayer => {
    const measured = entryMeasures.get(archivePath);
    if (measured === undefined) throw new Error(`docker save archive has no layer ${archivePath}`);
    return { archivePath, ...measured };
  });
  return { layers, config, configBytes: configBlob.length };
}

type LayerFormat = "tar" | "gzip" | "zstd";

/**
 * What a blob of the OCI layout is, from its first bytes: a layer (gzip magic 1f 8b, zstd frame magic
 * 28 b5 2f fd, or a tar header with "ustar" at offset 257) or undefined (JSON: index, manifest, config,
 * attestation).
 */
export function sniffLayerFormat(head: Buffer): LayerFormat | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return "zstd";
  if (head.subarray(257, 262).toString("latin1") === "ustar") return "tar";
  return undefined;
}

/** The first `bytes` bytes of a stream (fewer if it is shorter) and the whole stream, head included. */
async function peek(
  source: AsyncIterable<Buffer>,
  bytes: number,
): Promise<{ head: Buffer; rest: AsyncIterable<Buffer> }> {
  const iterator = source[Symbol.asyncIterator]();
  const taken: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done === true) {
      done = true;
      break;
    }
    taken.push(next.value);
    length += next.value.length;
  }
  async function* rest(): AsyncGenerator<Buffer> {
    yield* taken;
    if (done) return;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value;
  }
  return { head: Buffer.concat(taken), rest: rest() };
}

/** The layer tar's bytes: as they are, or through gunzip / zstd decompression. */
async function* decompressed(source: AsyncIterable<Buffer>, format: LayerFormat): AsyncGenerator<Buffer> {
  if (format === "tar") {
    yield* source;
    return;
  }
  const zstdFactory = (zlib as unknown as { createZstdDecompress?: () => zlib.Gunzip }).createZstdDecompress;
  if (format === "zstd" && zstdFactory === undefined) {
    throw new Error("a zstd layer needs Node.js 22.15 or later to measure (zlib.createZstdDecompress)");
  }
  const decompressor = format === "zstd" && zstdFactory !== undefined ? zstdFactory() : zlib.createGunzip();
  const input = Readable.from(source);
  input.on("error", (error) => decompressor.destroy(error));
  input.pipe(decompressor);
  for await (const chunk of decompressor) yield chunk as Buffer;
}

interface TarEntry {
  header: TarEntryHeader;
  body(): AsyncIterable<Buffer>;
  skip(): Promise<void>;
}

/**
 * A minimal streaming tar reader (ustar, GNU long names, PAX `path`): enough for the archives
 * `docker save` writes with Go's archive/tar. Each entry's body must be consumed (or skipped) before
 * the next entry is requested.
 */
export async function* readTarEntries(source: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const iterator = source[Symbol.asyncIterator]();
  let buffered: Buffer = Buffer.alloc(0);
  let sourceDone = false;

  const fill = async (bytes: number): Promise<boolean> => {
    while (buffered.length < bytes && !sourceDone) {
      const next = await iterator.next();
      if (next.done === true) sourceDone = true;
      else buffered = buffered.length === 0 ? next.value : Buffer.concat([buffered, next.value]);
    }
    return buffered.length >= bytes;
  };
  const take = (bytes: number): Buffer => {
    const taken = buffered.subarray(0, bytes);
    buffered = buffered.subarray(bytes);
    return taken;
  };
  // Streams `size` bytes of entry data, then discards the padding up to the next 512-byte block.
  async function* data(size: number): AsyncGenerator<Buffer> {
    let remaining = size;
    while (remaining > 0) {
      if (buffered.length === 0 && !(await fill(1))) throw new Error("tar archive truncated inside an entry");
      const chunk = take(Math.min(remaining, buffered.length));
      remaining -= chunk.length;
      yield chunk;
    }
    const padding = (512 - (size % 512)) % 512;
    if (!(await fill(padding))) throw new Error("tar archive truncated in padding");
    take(padding);
  }
  const readAll = async (size: number): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of data(size)) chunks.push(chunk);
    return Buffer.concat(chunks);
  };

  let longName: string | undefined;
  for (;;) {
    if (!(await fill(512))) return;
    const block = take(512);
    if (block.every((byte) => byte === 0)) {
      // End-of-archive marker. Read the source to its end (the second zero block, record padding):
      // a child's stdout left unread never ends, so its 'close' never fires and a caller waiting for
      // the exit code (docker save in local-estimate.ts) waits forever. Seen on Docker 26, where the
      // marker can arrive in an earlier chunk than the end of the stream.
      while (!sourceDone) if ((await iterator.next()).done === true) sourceDone = true;
      return;
    }
    const type = String.fromCharCode(block[156] ?? 0).replace("\0", "");
    const size = parseTarNumber(block.subarray(124, 136));
    if (type === "L" || type === "x" || type === "g") {
      const payload = await readAll(size);
      if (type === "L") longName = payload.toString("utf8").replace(/\0+$/, "");
      if (type === "x") longName = parsePaxPath(payload) ?? longName;
      continue;
    }
    const name = longName ?? tarString(block, 345, 155, 0, 100);
    longName = undefined;
    let consumed = false;
    const body = data(size);
    yield {
      header: { name, size, type },
      body: () => {
        consumed = true;
        return body;
      },
      skip: async () => {
        consumed = true;
        for await (const chunk of body) void chunk;
      },
    };
    if (!consumed) for await (const chunk of body) void chunk;
  }
}

function tarString(
  block: Buffer,
  prefixAt: number,
  prefixLength: number,
  nameAt: number,
  nameLength: number,
): string {
  const field = (at: number, length: number): string => {
    const raw = block.subarray(at, at + length);
    const end = raw.indexOf(0);
    return raw.subarray(0, end === -1 ? length : end).toString("utf8");
  };
  const isUstar = block.subarray(257, 262).toString("latin1") === "ustar";
  const prefix = isUstar ? field(prefixAt, prefixLength) : "";
  const name = field(nameAt, nameLength);
  return prefix === "" ? name : `${prefix}/${name}`;
}

/** Octal with NUL/space padding, or GNU base-256 when the top bit of the first byte is set. */
function parseTarNumber(field: Buffer): number {
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = (field[0] ?? 0) & 0x7f;
    for (let index = 1; index < field.length; index++) value = value * 256 + (field[index] ?? 0);
    return value;
  }
  const text = field
    .toString("latin1")
    .replace(/[\0 ]+/g, " ")
    .trim();
  return text === "" ? 0 : parseInt(text, 8);
}

function parsePaxPath(payload: Buffer): string | undefined {
  let path: string | undefined;
  let offset = 0;
  while (offset < payload.length) {
    const space = payload.indexOf(0x20, offset);
    if (space === -1) break;
    const recordLength = parseInt(payload.subarray(offset, space).toString("latin1"), 10);
    if (!Number.isFinite(recordLength) || recordLength <= 0) break;
    const record = payload.subarray(space + 1, offset + recordLength - 1).toString("utf8");
    const equals = record.indexOf("=");
    if (record.slice(0, equals) === "path") path = record.slice(equals + 1);
    offset += recordLength;
  }
  return path;
}

/** One platform's image in an OCI image layout, as BuildKit's `oci` exporter writes it. */
export interface OciPlatformImage {
  /** `os/architecture[/variant]`, from the index entry or else the image config. */
  platform: string;
  manifestDigest: string;
  /** Layers bottom first, with their blob sizes: a registry manifest's `layers[]`, byte for byte. */
  layers: Array<{ digest: string; mediaType: string; size: number; diffId: string | undefined }>;
  config: ImageConfig;
  configBytes: number;
}

export interface OciLayout {
  /** One image per platform (attestation manifests, platform `unknown/unknown`, left out). */
  images: OciPlatformImage[];
  /** Size of every blob in the layout, by digest. */
  blobSizes: Map<string, number>;
}

const OCI_INDEX_TYPES = new Set([
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
]);
/** Blobs up to this size are kept in memory: indexes, manifests and configs are a few KiB. */
const SMALL_BLOB_BYTES = 4 * 1024 * 1024;

interface LayoutDescriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
}

/**
 * Reads an OCI image layout tar (https://github.com/opencontainers/image-spec/blob/main/image-layout.md),
 * as `docker buildx build --output type=oci,dest=-` streams it: `index.json`, then `blobs/sha256/<hex>`.
 * Layer blobs are only counted (their tar header holds the size), never kept; index.json is followed
 * through nested indexes to one image manifest per platform.
 */
export async function measureOciLayout(archive: AsyncIterable<Buffer>): Promise<OciLayout> {
  const blobSizes = new Map<string, number>();
  const smallBlobs = new Map<string, Buffer>();
  let indexJson: Buffer | undefined;
  for await (const entry of readTarEntries(archive)) {
    if (entry.header.type !== "0" && entry.header.type !== "") {
      await entry.skip();
      continue;
    }
    const name = entry.header.name.replace(/^\.\//, "");
    const blob = /^blobs\/([a-z0-9]+)\/([a-f0-9]+)$/.exec(name);
    if (name === "index.json" || (blob !== null && entry.header.size <= SMALL_BLOB_BYTES)) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry.body()) chunks.push(chunk);
      if (name === "index.json") indexJson = Buffer.concat(chunks);
      else smallBlobs.set(`${blob?.[1]}:${blob?.[2]}`, Buffer.concat(chunks));
    } else {
      await entry.skip();
    }
    if (blob !== null) blobSizes.set(`${blob[1]}:${blob[2]}`, entry.header.size);
  }
  if (indexJson === undefined) throw new Error("OCI layout has no index.json");

  const readJson = <T>(digest: string): T => {
    const body = smallBlobs.get(digest);
    if (body === undefined) throw new Error(`OCI layout has no blob ${digest}`);
    return JSON.parse(body.toString("utf8")) as T;
  };
  const images: OciPlatformImage[] = [];
  const visit = (descriptor: LayoutDescriptor): void => {
    if (descriptor.mediaType !== undefined && OCI_INDEX_TYPES.has(descriptor.mediaType)) {
      for (const child of readJson<{ manifests?: LayoutDescriptor[] }>(descriptor.digest).manifests ?? [])
        visit(child);
      return;
    }
    // Attestation manifests (buildx provenance/SBOM) are listed as platform unknown/unknown.
    if (descriptor.platform?.os === "unknown") return;
    const manifest = readJson<{
      mediaType?: string;
      manifests?: LayoutDescriptor[];
      config?: LayoutDescriptor;
      layers?: LayoutDescriptor[];
    }>(descriptor.digest);
    if (manifest.manifests !== undefined) {
      for (const child of manifest.manifests) visit(child);
      return;
    }
    if (manifest.config === undefined) return;
    const config = readJson<ImageConfig & { os?: string; architecture?: string; variant?: string }>(
      manifest.config.digest,
    );
    const platformOf = descriptor.platform ?? config;
    const platform = [platformOf.os, platformOf.architecture, platformOf.variant]
      .filter((part) => part !== undefined && part !== "")
      .join("/");
    if (platform === "" || platform.startsWith("unknown")) return; // attestation manifests
    const diffIds = config.rootfs?.diff_ids ?? [];
    images.push({
      platform,
      manifestDigest: descriptor.digest,
      layers: (manifest.layers ?? []).map((layer, index) => ({
        digest: layer.digest,
        mediaType: layer.mediaType ?? "",
        size: layer.size ?? blobSizes.get(layer.digest) ?? 0,
        diffId: diffIds[index],
      })),
      config,
      configBytes: manifest.config.size ?? blobSizes.get(manifest.config.digest) ?? 0,
    });
  };
  for (const descriptor of (JSON.parse(indexJson.toString("utf8")) as { manifests?: LayoutDescriptor[] })
    .manifests ?? [])
    visit(descriptor);
  if (images.length === 0) throw new Error("OCI layout holds no image manifest");
  return { images, blobSizes };
}

/**
 * The blobs a BuildKit cache manifest lists (`--cache-to …,image-manifest=true`: an OCI image manifest
 * whose config is the cache config `application/vnd.buildkit.cacheconfig.v0` and whose `layers[]` are
 * the cached layers), each digest once. These blobs, plus the config, are what a registry cache export
 * pushes; the config (a few KiB) is left out as the image's config is.
 *
 * Without force-compression a cache export lists, for a layer, every compression variant the engine's
 * content store holds (a gzip cache on an engine that also built zstd or uncompressed exports of the
 * same layers lists those blobs too: seen on the shared engine here, 2026-11-30, a gzip cache of app/
 * with `tar+zstd` and `tar` blobs next to the `tar+gzip` ones); the media type says which is which.
 */
export function cacheManifestBlobs(
  manifest: unknown,
): Array<{ digest: string; bytes: number; mediaType: string; uncompressed: string }> {
  const layers = (manifest as { layers?: unknown } | null)?.layers;
  if (!Array.isArray(layers)) throw new Error("the cache manifest lists no layers[]");
  const seen = new Map<string, { digest: string; bytes: number; mediaType: string; uncompressed: string }>();
  layers.forEach((layer: unknown, index) => {
    const { digest, size, mediaType, annotations } = (layer ?? {}) as {
      digest?: unknown;
      size?: unknown;
      mediaType?: unknown;
      annotations?: Record<string, unknown>;
    };
    if (typeof digest !== "string" || typeof size !== "number" || !Number.isFinite(size) || size < 0)
      throw new Error(`the cache manifest's layers[${index}] has no digest and size`);
    // Which layer a blob is, whatever its compression: BuildKit annotates each cache layer with its
    // uncompressed digest (the diff id); an uncompressed blob is its own.
    const uncompressed = annotations?.["containerd.io/uncompressed"];
    if (!seen.has(digest))
      seen.set(digest, {
        digest,
        bytes: size,
        mediaType: typeof mediaType === "string" ? mediaType : "",
        uncompressed: typeof uncompressed === "string" ? uncompressed : digest,
      });
  });
  return [...seen.values()];
}

/**
 * The blobs a registry cache export pushes, per layer: the variants in the push's compression when the
 * engine holds one, else the variants it holds (a cache export without force-compression lists what the
 * engine's content store has, so a layer held only as zstd goes out as zstd). Dropping such a layer
 * would leave its bytes out of the estimate. `dropped` counts the other-compression variants left out.
 */
export function pushedCacheVariants<T extends { mediaType: string; uncompressed: string }>(
  blobs: readonly T[],
  pushedType: RegExp,
): { kept: T[]; dropped: number } {
  const byLayer = new Map<string, T[]>();
  for (const blob of blobs) byLayer.set(blob.uncompressed, [...(byLayer.get(blob.uncompressed) ?? []), blob]);
  const kept: T[] = [];
  for (const variants of byLayer.values()) {
    const pushed = variants.filter((blob) => pushedType.test(blob.mediaType));
    kept.push(...(pushed.length > 0 ? pushed : variants));
  }
  return { kept, dropped: blobs.length - kept.length };
}
