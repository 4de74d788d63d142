/**
 * A pipeline as a fleet member (issue 20, item 2): its repository, with the blobs another repository of the
 * registry could hold too (the current image's and cache's layers, by digest) and the bytes only it holds
 * (older builds' renewed layers, superseded caches), and its own estimate. What EcrImagePipeline's
 * `fleetMember` output holds (without the name: the fleet view names each member). Pure, no Pulumi.
 */
import type { PipelineCost } from "../cost/pipeline-cost";
import { distinctBlobs, type MeasuredLayers } from "../cost/storage";
import type { CostEstimate } from "../cost/types";
import type { FleetRepository } from "./storage";

/** EcrImagePipeline's `fleetMember` output: what `fleetMemberFromOutput` reads back from a stack output. */
export interface FleetMemberOutput {
  repository: FleetRepository;
  estimate: CostEstimate;
}

export interface FleetMemberSource {
  /** The repository's name in ECR. */
  repositoryName: string;
  /** The registry's account id. */
  registryId: string;
  /** The KMS key the repository is encrypted with; undefined: AES256. */
  kmsKeyArn?: string;
  /** The layers the estimate was priced from (undefined on the whole-image model). */
  layers?: MeasuredLayers;
  /** The pipeline's cost (../cost/pipeline-cost.ts `costFor`). */
  cost: PipelineCost;
}

/**
 * The member: `blobs` are the current image's layers (every platform) and the cache's, each digest once, so
 * that their bytes are the estimate's `image` and `cache` storage lines; `ownBytes` is the rest of its
 * standard storage. Without measured layers nothing can be matched by digest: `blobs` is empty and the whole
 * stored size is `ownBytes` (the fleet then counts it per repository, as it is).
 */
export function fleetMemberOf(source: FleetMemberSource): FleetMemberOutput {
  const { cost, layers } = source;
  const estimate = cost.estimate;
  const blobs =
    layers === undefined || cost.storage === undefined
      ? []
      : distinctBlobs([...layers.platforms.map((platform) => platform.layers), layers.cache]).map((blob) => ({
          digest: blob.digest,
          bytes: blob.bytes,
        }));
  const shared = blobs.reduce((total, blob) => total + blob.bytes, 0);
  const stored = cost.storage?.bytes ?? estimate.assumptions.storedBytes;
  return {
    repository: {
      name: source.repositoryName,
      registryId: source.registryId,
      region: estimate.assumptions.region,
      ...(source.kmsKeyArn === undefined ? {} : { encryption: { type: "KMS", kmsKey: source.kmsKeyArn } }),
      blobs,
      ownBytes: Math.max(0, stored - shared),
    },
    estimate,
  };
}
