// Reading what a build pushed, from the registry's HTTP API (https://distribution.github.io/distribution/spec/api/):
// manifests and indexes with their media types and digests, and the config blob of a manifest.
import { LOCAL_REGISTRY } from "../../tools/lib/registry";

export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
/** The config media type of a BuildKit registry cache written as an image manifest (ECR's form). */
export const BUILDKIT_CACHE_CONFIG = "application/vnd.buildkit.cacheconfig.v0";

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface RegistryManifest {
  /** Docker-Content-Digest of what the reference resolves to. */
  digest: string;
  /** Content-Type the registry answered with. */
  contentType: string;
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
}

const ACCEPT = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST].join(", ");

/** GET /v2/<repository>/manifests/<tag or digest>. */
export async function getManifest(
  repository: string,
  reference: string,
  registry = LOCAL_REGISTRY,
): Promise<RegistryManifest> {
  const response = await fetch(`http://${registry}/v2/${repository}/manifests/${reference}`, {
    headers: { accept: ACCEPT },
  });
  if (!response.ok) throw new Error(`GET ${registry}/${repository}:${reference}: HTTP ${response.status}`);
  const body = (await response.json()) as Omit<RegistryManifest, "digest" | "contentType">;
  return {
    ...body,
    digest: response.headers.get("docker-content-digest") ?? "",
    contentType: response.headers.get("content-type") ?? "",
  };
}

/** The parsed JSON of a small blob (an image config). */
export async function getJsonBlob(
  repository: string,
  digest: string,
  registry = LOCAL_REGISTRY,
): Promise<unknown> {
  const response = await fetch(`http://${registry}/v2/${repository}/blobs/${digest}`);
  if (!response.ok) throw new Error(`GET blob ${repository}@${digest}: HTTP ${response.status}`);
  return response.json();
}

/** One image manifest per platform (`os/arch`), attestation manifests (platform unknown/unknown) left out. */
export async function platformManifests(
  repository: string,
  reference: string,
  registry = LOCAL_REGISTRY,
): Promise<Map<string, RegistryManifest>> {
  const top = await getManifest(repository, reference, registry);
  const result = new Map<string, RegistryManifest>();
  if (top.manifests === undefined) {
    const config = (await getJsonBlob(repository, top.config?.digest ?? "", registry)) as {
      os: string;
      architecture: string;
    };
    result.set(`${config.os}/${config.architecture}`, top);
    return result;
  }
  for (const entry of top.manifests) {
    if (entry.platform === undefined || entry.platform.os === "unknown") continue;
    result.set(
      `${entry.platform.os}/${entry.platform.architecture}`,
      await getManifest(repository, entry.digest, registry),
    );
  }
  return result;
}
