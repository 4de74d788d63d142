/**
 * Reading a build context the way BuildKit does, shared by the context hash (./context-hash.ts) and
 * the Dockerfile analyzer (dockerfile/build.ts) so that both judge the same files: which ignore file
 * applies, and reading files without ever blocking on a FIFO or throwing a raw errno error.
 *
 * Pure Node built-ins: no Docker engine, no Pulumi.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BuildContextError } from "../common/errors";

/** What a path is for, to word the fix. */
export type ContextPathRole = "context" | "dockerfile" | "dockerignore" | "entry";

const errnoCode = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;

/**
 * Turns a filesystem error into a BuildContextError naming the path and the fix. BuildKit fails the
 * build on an unreadable file it has to send ("error from sender: open <path>: permission denied"), so
 * this is an error here too; errors on ignored paths never reach this (the walk does not open them).
 */
export function contextError(error: unknown, filePath: string, role: ContextPathRole): BuildContextError {
  if (error instanceof BuildContextError) return error;
  const code = errnoCode(error);
  const what = { context: "the build context", dockerfile: "the Dockerfile", dockerignore: "the ignore file", entry: "a file of the build context" }[role]; // prettier-ignore
  switch (code) {
    case "ENOENT":
    case "ENOTDIR":
      return new BuildContextError(
        filePath,
        `${what} does not exist`,
        role === "context"
          ? "pass the directory docker build should send (relative paths resolve against the current directory)"
          : role === "dockerfile"
            ? "pass the path of an existing Dockerfile, or omit it to use <context>/Dockerfile"
            : "check the path; it vanished while the context was read",
        code,
      );
    case "EACCES":
    case "EPERM":
      return new BuildContextError(
        filePath,
        `${what} cannot be read (permission denied)`,
        role === "entry"
          ? "make it readable for this user (chmod/chown), or add it to .dockerignore so it is not sent (BuildKit fails on it too)"
          : "make it readable for this user (chmod/chown)",
        code,
      );
    case "EISDIR":
      return new BuildContextError(
        filePath,
        `${what} is a directory, not a file`,
        role === "dockerfile"
          ? "pass the Dockerfile's path, e.g. <dir>/Dockerfile"
          : "replace it with a regular file",
        code,
      );
    case "ELOOP":
      return new BuildContextError(
        filePath,
        `${what} is a symlink loop`,
        "point the symlink at a real file",
        code,
      );
    case "ENAMETOOLONG":
      return new BuildContextError(filePath, `the path is too long`, "shorten the path", code);
    default:
      return new BuildContextError(
        filePath,
        `${what} could not be read (${code ?? (error instanceof Error ? error.message : String(error))})`,
        "check the file system and that the path is readable",
        code,
      );
  }
}

/**
 * Opens a regular file for reading, following symlinks. Opened with O_NONBLOCK and checked with fstat,
 * so a FIFO (even one swapped in after a check) is rejected instead of blocking the program forever.
 */
export function openRegularFile(filePath: string, role: ContextPathRole): number {
  let descriptor: number;
  try {
    descriptor = fs.openSync(filePath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    throw contextError(error, filePath, role);
  }
  let stats: fs.Stats;
  try {
    stats = fs.fstatSync(descriptor);
  } catch (error) {
    fs.closeSync(descriptor);
    throw contextError(error, filePath, role);
  }
  if (!stats.isFile()) {
    fs.closeSync(descriptor);
    const kind = stats.isDirectory()
      ? "a directory"
      : stats.isFIFO()
        ? "a FIFO (named pipe)"
        : stats.isSocket()
          ? "a socket"
          : "a device or other special file";
    throw new BuildContextError(
      filePath,
      `${role === "dockerfile" ? "the Dockerfile" : role === "dockerignore" ? "the ignore file" : "this path"} is ${kind}, not a regular file`,
      role === "dockerfile" && stats.isDirectory()
        ? "pass the Dockerfile's path, e.g. <dir>/Dockerfile"
        : "replace it with a regular file",
      stats.isDirectory() ? "EISDIR" : undefined,
    );
  }
  return descriptor;
}

/** Reads a regular file as UTF-8 text, refusing special files and files over `maxBytes`. */
export function readRegularTextFile(filePath: string, role: ContextPathRole, maxBytes: number): string {
  const descriptor = openRegularFile(filePath, role);
  try {
    const size = fs.fstatSync(descriptor).size;
    if (size > maxBytes) {
      throw new BuildContextError(
        filePath,
        `the file is ${size} bytes, more than the ${maxBytes} read here`,
        "check that the path names the right file; a real one is far smaller",
      );
    }
    return fs.readFileSync(descriptor, "utf8");
  } catch (error) {
    throw contextError(error, filePath, role);
  } finally {
    fs.closeSync(descriptor);
  }
}

/** The most bytes of an ignore file read (a real one is a few hundred bytes). */
export const MAX_DOCKERIGNORE_BYTES = 1_048_576;

/**
 * The ignore file that applies to a build, or undefined when there is none. BuildKit uses
 * `<Dockerfile>.dockerignore` next to the Dockerfile when it exists, instead of the context's
 * `.dockerignore` ("Filename and location": https://docs.docker.com/build/concepts/context/#filename-and-location).
 * An inline Dockerfile has no path, so only `<context>/.dockerignore` can apply. The one decision both
 * the context hash and the analyzer use.
 */
export function dockerignorePathFor(
  contextDir: string,
  dockerfilePath: string | undefined,
): string | undefined {
  const candidates = [
    ...(dockerfilePath === undefined ? [] : [`${path.resolve(dockerfilePath)}.dockerignore`]),
    path.join(path.resolve(contextDir), ".dockerignore"),
  ];
  for (const candidate of candidates) {
    let exists: boolean;
    try {
      // lstat: a dangling symlink still "exists" and then fails to read with a clear error.
      fs.lstatSync(candidate);
      exists = true;
    } catch (error) {
      const code = errnoCode(error);
      if (code !== "ENOENT" && code !== "ENOTDIR") throw contextError(error, candidate, "dockerignore");
      exists = false;
    }
    if (exists) return candidate;
  }
  return undefined;
}

/** The applying ignore file's path and text, or null when the build has none. */
export function readDockerignoreFor(
  contextDir: string,
  dockerfilePath: string | undefined,
): { path: string; text: string } | null {
  const ignorePath = dockerignorePathFor(contextDir, dockerfilePath);
  if (ignorePath === undefined) return null;
  return { path: ignorePath, text: readRegularTextFile(ignorePath, "dockerignore", MAX_DOCKERIGNORE_BYTES) };
}
