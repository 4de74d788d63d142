/**
 * `base-image-pull-through-cache` (issue 20, item 5): a stage built FROM an image of a public registry that an
 * ECR pull-through cache rule can serve (Docker Hub, ECR Public, Quay, registry.k8s.io, GHCR, GitLab, Azure)
 * pulls it from the internet on every build whose builder does not hold it: through a NAT gateway from a
 * private subnet (NAT data processing per GB), and, for Docker Hub, under its pull rate limit. Pulled through
 * the cache rule instead, the layers come from ECR, i.e. from S3 in the region, free through an S3 gateway
 * endpoint (ECR API GetDownloadUrlForLayer; docs/PRICING.md, "Pull paths").
 *
 * Only judged when the analysis is told the ECR registry the image goes to (`pullThroughCacheRegistry`):
 * the finding names the exact reference to use. Every stage counts (a builder stage's base is pulled too).
 * The bytes per cold build are the base's compressed size where ./base-images.ts knows that exact tag; the
 * finding says so, and never sets `estimatedBytesSaved` (that field is image bytes, which this does not change).
 */
import { cachedReferenceOf } from "../registry/pull-through-cache";
import { findBaseImageSize } from "./base-images";
import { formatMebibytes, makeFinding } from "./findings";
import type { ParsedDockerfile } from "./parse";
import type { DockerfileFinding } from "./types";

export function pullThroughCacheFindings(
  parsed: ParsedDockerfile,
  registryHost: string | undefined,
): DockerfileFinding[] {
  if (registryHost === undefined) return [];
  const findings: DockerfileFinding[] = [];
  for (let index = 0; index < parsed.stageCount; index += 1) {
    const stage = parsed.stage(index);
    const base = stage.baseImage;
    if (base === undefined) continue;
    const cached = cachedReferenceOf(base.resolved, registryHost);
    if (cached === undefined) continue;
    const size = findBaseImageSize(`${base.repository}:${base.tag ?? "latest"}`);
    const bytes =
      size === undefined
        ? "its compressed size"
        : `about ${formatMebibytes(size.compressedBytes)} (${size.image} compressed, ${size.platform}, ${size.verified ? "Docker Hub" : "an estimate"}, checked ${size.checked})`;
    const rateLimit =
      cached.upstream.upstream === "docker-hub" ? " and counts against Docker Hub's pull rate limit" : "";
    findings.push(
      makeFinding(
        "base-image-pull-through-cache",
        stage.fromLine,
        `Stage ${stage.label} pulls ${base.resolved} from ${cached.upstream.upstreamRegistryUrl} on every build whose builder lacks it: ${bytes} through a NAT gateway each time${rateLimit}`,
        {
          stage: stage.label,
          fix:
            `FROM ${cached.cachedReference}, with an ECR pull-through cache rule (prefix ${cached.cachedRepository.split("/")[0]}, upstream ${cached.upstream.upstreamRegistryUrl}` +
            `${cached.upstream.credentialRequired ? ", a Secrets Manager credential named ecr-pullthroughcache/..." : ""}): the layers then come from ECR in the region, free through an S3 gateway endpoint.`,
        },
      ),
    );
  }
  return findings;
}
