/**
 * The build files an image's args name, checked on disk before anything is registered: the context is a
 * directory, the Dockerfile a readable file, the target one of its stages. Paths resolve from the working
 * directory, as docker-build resolves them; an arg that is an Output is left to the build. It reads files
 * and nothing else: no Pulumi, no clock, no shell.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readRegularTextFile } from "../buildkit/context";
import { DockerfileParseError, InvalidArgumentError } from "../common/errors";
import { MAX_DOCKERFILE_CHARS, parseDockerfile } from "../dockerfile/parse";

/**
 * The build context is a directory, the Dockerfile a readable file, the target one of its stages.
 * Returns the Dockerfile's path and text when both are known (plain context and dockerfile), for the
 * checks that read it (./build-secrets.ts `secretMountProblems`).
 */
export function checkBuildFiles(
  args: { context?: unknown; dockerfile?: unknown; target?: unknown },
  caller: string,
): { dockerfile: string; text: string } | undefined {
  if (typeof args.context !== "string") return undefined;
  const context = args.context;
  if (!isDirectory(context)) {
    throw new InvalidArgumentError(
      caller,
      "context",
      `${JSON.stringify(context)} is not a directory (resolved from ${process.cwd()} to ${path.resolve(context)})`,
      "Pass the build context directory, relative to the directory the program runs in, or absolute.",
    );
  }
  if (args.dockerfile !== undefined && typeof args.dockerfile !== "string") return undefined;
  const dockerfile = args.dockerfile ?? path.join(context, "Dockerfile");
  let text: string;
  try {
    // Not fs.readFileSync: a FIFO named Dockerfile would block the program (../buildkit/context.ts).
    text = readRegularTextFile(dockerfile, "dockerfile", MAX_DOCKERFILE_CHARS * 3);
  } catch {
    throw new InvalidArgumentError(
      caller,
      "dockerfile",
      `${JSON.stringify(dockerfile)} is not a readable file${args.dockerfile === undefined ? " (the default <context>/Dockerfile)" : ""}`,
      "Pass the Dockerfile's path, relative to the directory the program runs in, or absolute.",
    );
  }
  if (typeof args.target !== "string") return { dockerfile, text };
  const stages = stageNames(text);
  if (stages === undefined) return { dockerfile, text };
  // BuildKit matches `--target` to `FROM … AS <name>` case-insensitively (stage names are lower-cased,
  // moby/buildkit frontend/dockerfile/instructions/parse.go parseBuildStageName).
  if (!stages.includes(args.target.toLowerCase())) {
    throw new InvalidArgumentError(
      caller,
      "target",
      `${JSON.stringify(args.target)} is not a stage of ${dockerfile} (its named stages: ${stages.length === 0 ? "none" : stages.join(", ")})`,
      "Name one of those stages, or leave target unset to build the last stage.",
    );
  }
  return { dockerfile, text };
}

/**
 * Named stages (`FROM … AS name`) of a Dockerfile, lower case, in order, read with the analyzer's parser
 * (../dockerfile/parse.ts); undefined when it cannot be parsed (the build reports that with more context).
 */
export function stageNames(dockerfileText: string): string[] | undefined {
  try {
    return parseDockerfile(dockerfileText)
      .stages.map((stage) => stage.name)
      .filter((name): name is string => name !== undefined);
  } catch (error) {
    if (error instanceof DockerfileParseError) return undefined;
    throw error;
  }
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
