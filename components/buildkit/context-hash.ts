/**
 * A content hash of everything that decides what `docker build` produces: the files of the build
 * context that Docker would send (after .dockerignore), the Dockerfile text, the target stage, the
 * build args and the platforms. Same inputs, same hash — so it can name a content-addressed image tag
 * (`ctx-` + 16 hex digits, see ../common/tags.ts) and key the preview-time size estimate's cache.
 *
 * Pure (Node built-ins and @balena/dockerignore only): no Docker engine, no Pulumi.
 */
import { createHash, type Hash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import dockerignore from "@balena/dockerignore";
import { BuildContextError } from "../common/errors";
import { contextError, openRegularFile, readDockerignoreFor, readRegularTextFile } from "./context";

export { BuildContextError } from "../common/errors";

export interface BuildContextInput {
  /** Directory sent to the builder. */
  context: string;
  /**
   * Path of the Dockerfile. Relative paths resolve against the current working directory, as
   * `docker build -f` and docker-build's `dockerfile.location` do. Default: `<context>/Dockerfile`.
   */
  dockerfile?: string;
  /** Dockerfile text given inline (docker-build's `dockerfile.inline`); wins over `dockerfile`. */
  dockerfileInline?: string;
  target?: string;
  buildArgs?: Record<string, string>;
  platforms?: readonly string[];
  /**
   * The build's other settings as one canonical text (./refs.ts `buildSettingsKey`): hashed too,
   * so that every change docker-build rebuilds for also changes the content tag. Absent: not hashed.
   */
  buildSettings?: string;
}

export interface BuildContextHash {
  /** Lower-case hex SHA-256. */
  hash: string;
  /** Regular files (and symlinks) that Docker would send. */
  files: number;
  /** Sum of their sizes in bytes. */
  bytes: number;
}

/**
 * Bumped whenever the encoding below changes, so an old cache entry or tag can never be mistaken for
 * one computed the new way.
 */
const HASH_FORMAT = "ecr-pipeline/context-hash/v1";

const READ_CHUNK_BYTES = 1 << 20;

/** The most bytes of a Dockerfile read for the hash (the analyzer reads at most 1 MiB of text). */
const MAX_DOCKERFILE_BYTES = 16 * 1_048_576;

/**
 * Hashes the build context. Throws BuildContextError (naming the path and the fix) for a context or
 * Dockerfile that does not exist, cannot be read, or is a special file; never blocks on a FIFO.
 */
export function hashBuildContext(input: BuildContextInput): BuildContextHash {
  const contextDir = resolveContextDir(input.context);
  const dockerfilePath = path.resolve(input.dockerfile ?? path.join(contextDir, "Dockerfile"));
  const dockerfileText =
    input.dockerfileInline !== undefined
      ? input.dockerfileInline
      : readRegularTextFile(dockerfilePath, "dockerfile", MAX_DOCKERFILE_BYTES);

  const ignorePatterns = ignorePatternsOf(
    readDockerignoreFor(contextDir, input.dockerfileInline === undefined ? dockerfilePath : undefined)?.text,
  );
  const entries = listContextEntries(contextDir, ignorePatterns);

  const hash = createHash("sha256");
  // Every field is length-prefixed so that no two different inputs encode to the same byte stream.
  const field = (label: string, value: string | Buffer): void => {
    const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value;
    hash.update(`${label}:${bytes.length}:`);
    hash.update(bytes);
    hash.update("\n");
  };
  field("format", HASH_FORMAT);
  field("dockerfile", dockerfileText);
  field("target", input.target ?? "");
  // Build args are a map: their order never changes the build, so sort them.
  const buildArgs = Object.entries(input.buildArgs ?? {}).sort(([a], [b]) => compareCodeUnits(a, b));
  field("buildArgs", JSON.stringify(buildArgs));
  // Platforms keep their order: the order of a multi-platform index's manifests follows it, so a
  // reordered list is a different index digest (and must not reuse an immutable tag).
  field("platforms", JSON.stringify(input.platforms ?? []));
  if (input.buildSettings !== undefined) field("settings", input.buildSettings);

  let files = 0;
  let bytes = 0;
  for (const entry of entries) {
    const absolute = path.join(contextDir, entry.relativePath);
    // Permission bits end up in the image (COPY keeps them), so a chmod is a real change; mtimes,
    // owners and inode numbers do not matter to BuildKit's cache keys and are left out.
    const mode = (entry.stats.mode & 0o7777).toString(8);
    if (entry.stats.isDirectory()) {
      field("dir", `${entry.relativePath}\0${mode}`);
    } else if (entry.stats.isSymbolicLink()) {
      // Docker sends a symlink as a symlink (it does not follow it); its target text is its content.
      let target: string;
      try {
        target = fs.readlinkSync(absolute);
      } catch (error) {
        throw contextError(error, absolute, "entry");
      }
      field("symlink", `${entry.relativePath}\0${mode}\0${target}`);
      files += 1;
    } else if (entry.stats.isFile()) {
      field("file", `${entry.relativePath}\0${mode}\0${entry.stats.size}`);
      hashFileContent(hash, absolute);
      files += 1;
      bytes += entry.stats.size;
    } else {
      // FIFOs, sockets and devices: BuildKit's context sender (tonistiigi/fsutil send.go, sender.walk)
      // sends every entry's stat, but asks for data only when `m&os.ModeType == 0`
      // (fileCanRequestData), so a FIFO or device arrives as that special file and is never read
      // (and stat.go mkstat clears the socket bit, so a socket arrives as an empty file). Hash what is
      // sent, the path, type and mode; never open it (opening a FIFO blocks until a writer appears).
      field("special", `${entry.relativePath}\0${specialKind(entry.stats)}\0${mode}`);
    }
  }
  return { hash: hash.digest("hex"), files, bytes };
}

function specialKind(stats: fs.Stats): string {
  if (stats.isFIFO()) return "fifo";
  if (stats.isSocket()) return "socket";
  if (stats.isCharacterDevice()) return "char";
  if (stats.isBlockDevice()) return "block";
  return "other";
}

function resolveContextDir(context: string): string {
  const contextDir = path.resolve(context);
  let stats: fs.Stats;
  try {
    stats = fs.statSync(contextDir);
  } catch (error) {
    throw contextError(error, contextDir, "context");
  }
  if (!stats.isDirectory()) {
    throw new BuildContextError(
      contextDir,
      "the build context is not a directory",
      "pass the directory docker build should send (the Dockerfile's directory, usually), not a file",
    );
  }
  return contextDir;
}

interface ContextEntry {
  /** POSIX-style path relative to the context root, as .dockerignore patterns are written. */
  relativePath: string;
  stats: fs.Stats;
}

/** The patterns of an ignore file's text (comments and blank lines dropped), [] when there is none. */
function ignorePatternsOf(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

// Characters that make a pattern a glob (moby/patternmatcher; fsutil filter.go's patternChars).
const PATTERN_CHARS = /[*?[\\]/;

/**
 * Decides whether the walk may skip an ignored directory without looking inside, as BuildKit's context
 * walker does (tonistiigi/fsutil filter.go, `onlyPrefixExcludeExceptions`): with no exception pattern
 * (`!path`) it always may; when every exception is a plain path (no glob characters, apart from a
 * trailing `/*` or `/**`) it may skip a directory unless some exception lies inside it
 * (`strings.HasPrefix(pattern + "/", dir + "/")`); when an exception has a glob in it, anything could
 * match, so every directory is walked. @balena/dockerignore (which decides each path's fate here,
 * following moby's matcher) only answers for one path at a time, so the walk needs this decision.
 */
export function ignoredDirectoryPruner(ignorePatterns: readonly string[]): (relativeDir: string) => boolean {
  const exceptions: string[] = [];
  for (const pattern of ignorePatterns) {
    if (!pattern.startsWith("!")) continue;
    // Cleaned as @balena/dockerignore cleans it (path.normalize, no leading or trailing "/").
    let cleaned = path.posix.normalize(pattern.slice(1).trim()).replace(/\/+$/, "");
    while (cleaned.startsWith("/")) cleaned = cleaned.slice(1);
    if (cleaned.endsWith("/**")) cleaned = cleaned.slice(0, -3);
    else if (cleaned.endsWith("/*")) cleaned = cleaned.slice(0, -2);
    if (cleaned === "" || cleaned === "." || PATTERN_CHARS.test(cleaned)) return () => false;
    exceptions.push(`${cleaned}/`);
  }
  if (exceptions.length === 0) return () => true;
  return (relativeDir) => !exceptions.some((exception) => exception.startsWith(`${relativeDir}/`));
}

/**
 * Paths (relative, "/"-separated, sorted) of the files and symlinks `docker build` would send for this
 * context and Dockerfile, after the ignore file that applies (the same walk and the same ignore-file
 * decision as the hash). Stops after `limit` files, so a huge context stays cheap for the analyzer.
 */
export function listContextFiles(input: { context: string; dockerfile?: string }, limit = 5000): string[] {
  const contextDir = resolveContextDir(input.context);
  const dockerfilePath = path.resolve(input.dockerfile ?? path.join(contextDir, "Dockerfile"));
  const ignorePatterns = ignorePatternsOf(readDockerignoreFor(contextDir, dockerfilePath)?.text);
  return listContextEntries(contextDir, ignorePatterns, limit)
    .filter((entry) => !entry.stats.isDirectory())
    .map((entry) => entry.relativePath);
}

function listContextEntries(
  contextDir: string,
  ignorePatterns: readonly string[],
  fileLimit = Number.POSITIVE_INFINITY,
): ContextEntry[] {
  const matcher = dockerignore().add([...ignorePatterns]);
  const canPrune = ignoredDirectoryPruner(ignorePatterns);
  const entries: ContextEntry[] = [];
  let fileCount = 0;

  const walk = (relativeDir: string): void => {
    const absoluteDir = path.join(contextDir, relativeDir);
    let names: string[];
    try {
      names = fs.readdirSync(absoluteDir).sort(compareCodeUnits);
    } catch (error) {
      throw contextError(error, absoluteDir, relativeDir === "" ? "context" : "entry");
    }
    for (const name of names) {
      if (fileCount >= fileLimit) return;
      const relativePath = relativeDir === "" ? name : `${relativeDir}/${name}`;
      const ignored = matcher.ignores(relativePath);
      let stats: fs.Stats;
      try {
        // lstat: never follow a symlink, never open a FIFO; it is only looked at.
        stats = fs.lstatSync(path.join(contextDir, relativePath));
      } catch (error) {
        // BuildKit ignores permission errors on excluded paths (fsutil filter.go: `skip &&
        // errors.Is(walkErr, os.ErrPermission)`); a path that vanished mid-walk is skipped too.
        const code = (error as NodeJS.ErrnoException).code;
        if (ignored || code === "ENOENT") continue;
        throw contextError(error, path.join(contextDir, relativePath), "entry");
      }
      if (stats.isDirectory()) {
        if (ignored && canPrune(relativePath)) continue;
        if (!ignored) entries.push({ relativePath, stats });
        try {
          walk(relativePath);
        } catch (error) {
          if (!ignored) throw error;
          // An unreadable directory that is ignored and only walked for a possible exception.
          if (!(error instanceof BuildContextError && (error.code === "EACCES" || error.code === "EPERM")))
            throw error;
        }
      } else if (!ignored) {
        entries.push({ relativePath, stats });
        fileCount += 1;
      }
    }
  };
  walk("");
  // Sort the whole list by path (code units, not locale) so the order never depends on the walk.
  return entries.sort((a, b) => compareCodeUnits(a.relativePath, b.relativePath));
}

function hashFileContent(hash: Hash, absolutePath: string): void {
  // Opened non-blocking and checked to be a regular file: a file swapped for a FIFO after the walk's
  // lstat is refused instead of blocking forever.
  const descriptor = openRegularFile(absolutePath, "entry");
  try {
    const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    for (;;) {
      const read = fs.readSync(descriptor, buffer, 0, buffer.length, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
    }
  } catch (error) {
    throw contextError(error, absolutePath, "entry");
  } finally {
    fs.closeSync(descriptor);
  }
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
