/**
 * The plain-value logic behind EcrImagePipeline's findings and budget outputs (its cost glue is
 * ./cost/pipeline-cost.ts). The component lifts these with one `apply` each; nothing here sees an Output.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { analyzeDockerfile, type DockerfileFinding } from "./dockerfile";
import type { KnownImageSize } from "./size/basis";
import { evaluateSizeBudget, type SizeBudgetVerdict } from "./size/budget";

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
