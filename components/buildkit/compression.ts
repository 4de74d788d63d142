/**
 * The compression fields the component gives docker-build, for the image export and the registry cache.
 *
 * docker-build (v0.0.22) writes them to BuildKit only when `compressionLevel` is non-zero:
 * `ExportWithCompression.String()` (provider/internal/export.go, lines 519-538) and
 * `CacheWithCompression.String()` (provider/internal/cache.go, lines 584-603) both start with
 * `if CompressionLevel == 0 { return "" }`. Without a level, `compression: "zstd"` and `forceCompression`
 * are silently dropped and BuildKit uses its default, gzip (moby/buildkit util/compression/compression.go,
 * `var Default = Gzip`).
 *
 * Checked on docker 26.1.5 / buildx 0.13.1 against a loopback registry (2026-11-30): the export the
 * provider built from zstd without a level pushed `tar+gzip` layers; with level 3 and force, the image's
 * layers, base layer included, were `tar+zstd`, and the zstd cache's layers had the same digests.
 */
import type { LayerCompression } from "../common/enums";

/**
 * zstd level 3: what BuildKit uses for zstd when no level is given. BuildKit maps the level with
 * klauspost/compress `zstd.EncoderLevelFromZstd` (util/compression/zstd.go), where 3 is `SpeedDefault`,
 * the encoder's default; so choosing zstd here gives the layers BuildKit's own zstd default would.
 */
export const ZSTD_COMPRESSION_LEVEL = 3;

/**
 * gzip level 6: what BuildKit uses for gzip when no level is given. BuildKit's gzip writer is Go's
 * `compress/gzip` at `gzip.DefaultCompression` unless a level is set (moby/buildkit
 * util/compression/gzip.go, `gzipWriter`), and `compress/flate` turns DefaultCompression into level 6
 * (deflate.go, `case level == DefaultCompression: level = 6`). So the level changes no byte; it is sent
 * only because the provider drops every compression field, force included, without one.
 */
export const GZIP_COMPRESSION_LEVEL = 6;

/** The `compression*` fields of a docker-build export or cacheTo entry. */
export interface CompressionInputs {
  compression: LayerCompression;
  compressionLevel: number;
  forceCompression: boolean;
}

/**
 * What to send for a layer compression: the compression, its level (so the provider sends it at all)
 * and `forceCompression: true`, for gzip as for zstd.
 *
 * Force is what makes the choice hold. Without it BuildKit reuses whatever blob of a layer its content
 * store already holds: on an engine that had built the same layers as zstd (another stack, an earlier
 * `compression: "zstd"`, an estimate), a gzip build pushed those layers as `tar+zstd`, image and cache
 * alike (seen on docker 26.1.5 / BuildKit 0.13, 2026-11-30; test/integration/provider-equivalence.test.ts
 * "gzip after zstd"). A cache export without force also lists every compression variant the engine
 * holds, so the repository stored a layer once per compression. Forcing converts only a layer held in
 * another compression: a gzip layer already held (a gzip base image) is kept as it is, digest unchanged
 * (`gzipType.NeedsConversion` is false for gzip, util/compression/gzip.go); forcing zstd recompresses the
 * gzip base layers, so the pushed image is zstd throughout and the cache's layers are the image's blobs.
 */
export function compressionInputs(compression: LayerCompression): CompressionInputs {
  const compressionLevel = compression === "gzip" ? GZIP_COMPRESSION_LEVEL : ZSTD_COMPRESSION_LEVEL;
  return { compression, compressionLevel, forceCompression: true };
}

/**
 * The same fields as BuildKit receives them in an `--output` or `--cache-to` (pulumi-docker-build
 * export.go `ExportWithCompression.String()`, cache.go `CacheWithCompression.String()`): for the local
 * estimate's exports and the benchmarks, which run buildx themselves.
 */
export function compressionAttributes(compression: LayerCompression): string[] {
  const sent = compressionInputs(compression);
  return [
    `compression=${sent.compression}`,
    `compression-level=${sent.compressionLevel}`,
    `force-compression=${sent.forceCompression}`,
  ];
}
