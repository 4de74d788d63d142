// One build of app/ pushed the way EcrImagePipeline pushes it (content tag, `buildcache` registry cache in
// ECR's form, gzip level 6 forced as the component sends it) to a benchmark's own registry, and exported
// locally in the same build: the storage models read only the local exports, never the registry.
// Used by tools/bench-storage.ts and tools/bench-fleet.ts.
import { createReadStream, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { contentTagFromHash, contextHashFor } from "../../components/buildkit/refs";
import { ociExportAttributes } from "../../components/size/local-estimate";
import { measureOciLayout } from "../../components/size/image-tar";
import { buildx } from "./buildx";
import type { PrivateEngine } from "./private-engine";
import { cacheBlobsFromLayoutDir, imageBlobsFromLayout, type ManifestBlobs } from "./storage-bench";

export const BENCH_PLATFORM = "linux/amd64";
export const BENCH_COMPRESSION = "gzip" as const;

export interface BenchPush {
  engine: PrivateEngine;
  context: string;
  buildArgs: Record<string, string>;
  /** `host:port` of the bench's registry. */
  registry: string;
  /** Repository in that registry, e.g. `storagebench/app`. */
  repository: string;
  cacheTag: string;
  /** Scratch directory for the local exports, removed once they are read. */
  stepDir: string;
}

export async function buildAndPush(
  push: BenchPush,
): Promise<{ contentTag: string; image: ManifestBlobs; cache: ManifestBlobs }> {
  const { engine, context, buildArgs, stepDir } = push;
  const dockerfile = join(context, "Dockerfile");
  const contentTag = contentTagFromHash(
    contextHashFor({ context, dockerfile, buildArgs, platforms: [BENCH_PLATFORM] }),
  );
  const compression = ociExportAttributes(BENCH_COMPRESSION); // the component's fields: level and force for both
  const repository = `${push.registry}/${push.repository}`;
  const cacheRef = `${repository}:${push.cacheTag}`;
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
    platform: BENCH_PLATFORM,
    buildArgs,
    outputs: [
      // components/image.ts: a registry export with ociMediaTypes = (compression === "zstd"), and the
      // provider's defaults (test/helpers/docker-build-invocation.ts withProviderDefaults).
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
  // Measured: the exports (the cache export alone is ~450 MB a build) are not kept.
  rmSync(stepDir, { recursive: true, force: true });
  return { contentTag, image, cache };
}
