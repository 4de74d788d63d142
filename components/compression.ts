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
import type { LayerCompression } from "./defaults";

/**
 * zstd level 3: what BuildKit uses for zstd when no level is given. BuildKit maps the level with
 * klauspost/compress `zstd.EncoderLevelFromZstd` (util/compression/zstd.go), where 3 is `SpeedDefault`,
 * the encoder's default; so choosing zstd here gives the layers BuildKit's own zstd default would.
 */
export const ZSTD_COMPRESSION_LEVEL = 3;

/** The `compression*` fields of a docker-build export or cacheTo entry. */
export interface CompressionInputs {
  compression?: LayerCompression;
  compressionLevel?: number;
  forceCompression?: boolean;
}

/**
 * What to send for a layer compression.
 *
 * - `gzip`: nothing. It is BuildKit's default, and the provider would drop `compression: "gzip"` without
 *   a level anyway; with no fields the inputs say exactly what reaches BuildKit (no `compression=` attr).
 * - `zstd`: `compression: "zstd"`, `compressionLevel: 3` (so the provider sends it at all) and
 *   `forceCompression: true`. Forcing recompresses the base image's gzip layers too, so the pushed image
 *   is zstd throughout; on the cache it makes the cache's layers the same zstd blobs as the image's
 *   (same content, same level), which the repository then stores once instead of once per compression.
 */
export function compressionInputs(compression: LayerCompression): CompressionInputs {
  if (compression === "gzip") return {};
  return { compression, compressionLevel: ZSTD_COMPRESSION_LEVEL, forceCompression: true };
}
