/**
 * The plain-value logic behind EcrImagePipeline's size, cost, findings and budget outputs. The
 * component lifts these with one `apply` each; nothing here sees an Output.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { estimateMonthlyCost, formatCostReport, type CostEstimate } from "./cost";
import type { PipelineDefaults, ScanningMode } from "./defaults";
import { analyzeDockerfile, type DockerfileFinding } from "./dockerfile";
import { steadyStateRetention } from "./lifecycle";
import type { KnownImageSize } from "./size/basis";
import { evaluateSizeBudget, type SizeBudgetVerdict } from "./size/budget";
import { CONTENT_TAG_PREFIX } from "./tags";

/** Days in the month the estimate prices (AWS bills GB-month on a 730-hour month ≈ 30.4 days). */
export const DAYS_PER_MONTH = 30;

export interface CostForInput {
  size: KnownImageSize;
  region: string;
  /** The lifecycle policy JSON the repository applies. */
  policy: string;
  resolved: Pick<
    PipelineDefaults,
    | "pushesPerDay"
    | "pullsPerMonthSameRegion"
    | "pullsPerMonthViaNat"
    | "pullsPerMonthCrossRegion"
    | "pullsPerMonthInternet"
    | "rescansPerMonth"
    | "applyFreeTier"
    | "replicationRegions"
  >;
  scanningMode: ScanningMode;
  /** Platforms in the image. A pull fetches one platform's layers: `size.bytes / platforms`. Default 1. */
  platforms?: number;
}

/**
 * Monthly cost of one pipeline: retention from the lifecycle policy's steady state under the push
 * cadence, then the cost model. The BuildKit cache (mode max) is assumed to hold about one image's worth
 * of layers; every successive build is assumed to differ in all its bytes (the conservative default). A
 * multi-platform image is stored whole but pulled one platform at a time (assumed equal in size).
 */
export function costFor(input: CostForInput): { estimate: CostEstimate; report: string } {
  const { size, resolved } = input;
  // A multi-platform build pushes an index plus one `ctx-…-<arch>` image per platform, and the repository's
  // keep rule counts them all (EcrRepository `platformsPerImage`): replay that many tagged pushes per
  // build, then count whole builds.
  const platforms = Math.max(1, input.platforms ?? 1);
  const imagesPerBuild = platforms > 1 ? platforms + 1 : 1;
  const retention = steadyStateRetention(input.policy, {
    pushesPerDay: [
      { tag: `${CONTENT_TAG_PREFIX}0000000000000000`, perDay: resolved.pushesPerDay * imagesPerBuild },
    ],
    imageBytes: size.bytes,
  });
  const estimate = estimateMonthlyCost({
    region: input.region,
    imageBytes: size.bytes,
    retainedImages: Math.max(1, Math.ceil(retention.retainedImages / imagesPerBuild)),
    cacheBytes: size.bytes,
    pushesPerMonth: resolved.pushesPerDay * DAYS_PER_MONTH,
    pulls: {
      sameRegion: resolved.pullsPerMonthSameRegion,
      viaNat: resolved.pullsPerMonthViaNat,
      crossRegion: resolved.pullsPerMonthCrossRegion,
      internet: resolved.pullsPerMonthInternet,
    },
    bytesPerPull: size.bytes / Math.max(1, input.platforms ?? 1),
    scanning: { mode: input.scanningMode, rescansPerMonth: resolved.rescansPerMonth },
    replicationRegions: resolved.replicationRegions,
    applyFreeTier: resolved.applyFreeTier,
  });
  const report = formatCostReport(estimate, { basis: size.basis, basisNote: size.note });
  return { estimate, report };
}

/**
 * Findings for the Dockerfile the build uses, judged with the context's .dockerignore (null when there
 * is none) and its file list. A Dockerfile that cannot be read yields no findings here: the build
 * itself reports that error with more context.
 */
export function analyzeBuildDockerfile(
  context: string,
  dockerfile: string,
  target?: string,
  platforms?: readonly string[],
): DockerfileFinding[] {
  let text: string;
  try {
    text = fs.readFileSync(dockerfile, "utf8");
  } catch {
    return [];
  }
  const ignorePath = path.join(context, ".dockerignore");
  const dockerignore = fs.existsSync(ignorePath) ? fs.readFileSync(ignorePath, "utf8") : null;
  return analyzeDockerfile(text, {
    dockerignore,
    contextFiles: listContextFiles(context),
    target,
    platforms,
  });
}

/** Relative paths of the files under `context` (forward slashes), bounded so a huge context stays cheap. */
export function listContextFiles(context: string, limit = 5000): string[] {
  const files: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (files.length >= limit) return;
      const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) {
        walk(path.join(dir, entry.name), rel);
      } else {
        files.push(rel);
      }
    }
  };
  walk(context, "");
  return files;
}

export function budgetVerdict(
  size: KnownImageSize,
  findings: readonly DockerfileFinding[],
  maxImageSizeBytes: number | undefined,
  onBudgetExceeded: "warn" | "fail",
): SizeBudgetVerdict {
  return evaluateSizeBudget({
    sizeBytes: size.bytes,
    basis: size.basis,
    maxImageSizeBytes,
    onBudgetExceeded,
    findings,
  });
}
