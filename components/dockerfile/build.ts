/**
 * The analyzer applied to a real build: reads the Dockerfile, the ignore file that applies to it and the
 * files the build would send, with the same decisions as the context hash (../buildkit/context.ts,
 * ../buildkit/context-hash.ts), so that both judge the same context.
 */
import * as path from "node:path";
import { readDockerignoreFor, readRegularTextFile } from "../buildkit/context";
import { listContextFiles } from "../buildkit/context-hash";
import { analyzeDockerfile } from "./analyze";
import { MAX_DOCKERFILE_CHARS } from "./parse";
import type { DockerfileFinding } from "./types";

/**
 * Findings for the Dockerfile a build uses, judged with the ignore file that applies
 * (`<Dockerfile>.dockerignore` before `<context>/.dockerignore`, as BuildKit decides; null when there is
 * none) and the list of files the build sends. A Dockerfile that cannot be read yields no findings here:
 * the build itself reports that error with more context. An ignore file or context that cannot be read
 * leaves the context rules without that input (they are skipped or fall back), rather than guessing.
 */
export function analyzeBuildDockerfile(
  context: string,
  dockerfile: string,
  target?: string,
  platforms?: readonly string[],
  platformBuilders?: Readonly<Record<string, string>>,
  /** The ECR registry whose pull-through cache rules could serve the public bases (issue 20). */
  registry: { pullThroughCacheRegistry?: string | undefined } = {},
): DockerfileFinding[] {
  let text: string;
  try {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit; analyzeDockerfile enforces the exact limit.
    text = readRegularTextFile(dockerfile, "dockerfile", MAX_DOCKERFILE_CHARS * 3);
  } catch {
    return [];
  }
  let dockerignore: string | null | undefined;
  try {
    dockerignore = readDockerignoreFor(context, dockerfile)?.text ?? null;
  } catch {
    dockerignore = undefined;
  }
  let contextFiles: string[] | undefined;
  try {
    contextFiles = listContextFiles({ context, dockerfile });
  } catch {
    contextFiles = undefined;
  }
  const requirementFiles = readRequirementFiles(context, contextFiles);
  return analyzeDockerfile(text, {
    ...(requirementFiles === undefined ? {} : { requirementFiles }),
    dockerignore,
    ...(contextFiles === undefined ? {} : { contextFiles }),
    ...(target === undefined ? {} : { target }),
    ...(platforms === undefined ? {} : { platforms }),
    ...(platformBuilders === undefined ? {} : { platformBuilders }),
    ...(registry.pullThroughCacheRegistry === undefined
      ? {}
      : { pullThroughCacheRegistry: registry.pullThroughCacheRegistry }),
  });
}

// pip requirements files, by name; read only when small (a real one is a few kB).
const REQUIREMENTS_NAME = /(^|\/)[^/]*requirements[^/]*\.(txt|in)$|(^|\/)requirements\/[^/]+\.(txt|in)$/;
const MAX_REQUIREMENTS_FILES = 50;
const MAX_REQUIREMENTS_BYTES = 256 * 1024;

/** The text of the context's requirements files (for `python-dev-packages`), or undefined when none. */
function readRequirementFiles(
  context: string,
  contextFiles: readonly string[] | undefined,
): Record<string, string> | undefined {
  if (contextFiles === undefined) return undefined;
  const files: Record<string, string> = {};
  let count = 0;
  for (const file of contextFiles) {
    if (!REQUIREMENTS_NAME.test(file) || count === MAX_REQUIREMENTS_FILES) continue;
    try {
      files[file] = readRegularTextFile(path.join(context, file), "entry", MAX_REQUIREMENTS_BYTES);
      count += 1;
    } catch {
      // unreadable or too big: judged by its name only
    }
  }
  return count === 0 ? undefined : files;
}
