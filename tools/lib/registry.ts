// The local distribution registry started by scripts/test-infra.sh, and what its manifests say about size.
import { runCommand } from "./process";
import { DOCKER_CLI, dockerEnv } from "./docker";
import { registryAddress } from "./engine";

/** The test infrastructure's registry (REGISTRY_ADDR, default 127.0.0.1:5000: ./engine.ts). */
export const LOCAL_REGISTRY = registryAddress();

export interface ManifestLayer {
  mediaType: string;
  digest: string;
  size: number;
}

export interface ImageManifest {
  schemaVersion: number;
  mediaType?: string;
  config: { digest: string; size: number };
  layers: ManifestLayer[];
}

/** Every manifest media type a registry may answer with (image, index, Docker v2 and OCI). */
export const MANIFEST_ACCEPT = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
].join(", ");

export async function registryAnswers(registry = LOCAL_REGISTRY): Promise<boolean> {
  try {
    const response = await fetch(`http://${registry}/v2/`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

interface ImageIndex {
  mediaType?: string;
  manifests: Array<{ digest: string; platform?: { os?: string; architecture?: string } }>;
}

const HOST_ARCHITECTURE: Partial<Record<NodeJS.Architecture, string>> = { x64: "amd64", arm64: "arm64" };

async function getManifest(repository: string, reference: string, registry: string): Promise<unknown> {
  const response = await fetch(`http://${registry}/v2/${repository}/manifests/${reference}`, {
    headers: { accept: MANIFEST_ACCEPT },
  });
  if (!response.ok)
    throw new Error(`GET manifest ${repository}:${reference} from ${registry}: HTTP ${response.status}`);
  return response.json();
}

/**
 * The single-platform image manifest of repository:tag. Docker 20.10 pushed a schema 2 manifest; the
 * containerd image store (Docker 26, scripts/test-infra.sh) pushes what BuildKit built: an OCI index
 * holding the image manifest and, by default, a provenance attestation manifest (platform
 * unknown/unknown). An index resolves to its linux/`architecture` entry (default: this host's).
 */
export async function fetchManifest(
  repository: string,
  tag: string,
  registry = LOCAL_REGISTRY,
  architecture = HOST_ARCHITECTURE[process.arch] ?? process.arch,
): Promise<ImageManifest> {
  let manifest = (await getManifest(repository, tag, registry)) as Partial<ImageManifest & ImageIndex>;
  if (Array.isArray(manifest.manifests)) {
    const entry = manifest.manifests.find(
      (candidate) => candidate.platform?.os === "linux" && candidate.platform.architecture === architecture,
    );
    if (entry === undefined) {
      throw new Error(`${repository}:${tag} is an index without a linux/${architecture} image`);
    }
    manifest = (await getManifest(repository, entry.digest, registry)) as Partial<ImageManifest>;
  }
  if (!Array.isArray(manifest.layers) || manifest.config === undefined) {
    throw new Error(`${repository}:${tag} is not a single-platform image manifest (${manifest.mediaType})`);
  }
  return manifest as ImageManifest;
}

/** What ECR bills for an image: the sum of its compressed layers (the config blob is not counted). */
export function compressedBytes(manifest: ImageManifest): number {
  return manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
}

/** Layers of `next` whose blobs `previous` did not have: what a push of `next` after `previous` uploads. */
export function layersNotIn(next: ImageManifest, previous: ImageManifest): ManifestLayer[] {
  const known = new Set(previous.layers.map((layer) => layer.digest));
  return next.layers.filter((layer) => !known.has(layer.digest));
}

export interface PushResult {
  reference: string;
  manifest: ImageManifest;
  seconds: number;
}

/** Tags a local image as registry/repository:tag, pushes it and reads back its manifest. */
export async function pushImage(
  localImage: string,
  repository: string,
  tag: string,
  registry = LOCAL_REGISTRY,
): Promise<PushResult> {
  const reference = `${registry}/${repository}:${tag}`;
  await runCommand(DOCKER_CLI, ["tag", localImage, reference], { env: dockerEnv() });
  const pushed = await runCommand(DOCKER_CLI, ["push", reference], { env: dockerEnv() });
  return { reference, manifest: await fetchManifest(repository, tag, registry), seconds: pushed.seconds };
}
