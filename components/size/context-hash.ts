/**
 * A content hash of everything that decides what `docker build` produces: the files of the build
 * context that Docker would send (after .dockerignore), the Dockerfile text, the target stage, the
 * build args and the platforms. Same inputs, same hash — so it can name a content-addressed image tag
 * (`ctx-` + 16 hex digits, see ../tags.ts) and key the preview-time size estimate's cache.
 *
 * Pure (Node built-ins and @balena/dockerignore only): no Docker engine, no Pulumi.
 */
import { createHash, type Hash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import dockerignore from "@balena/dockerignore";

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

export function hashBuildContext(input: BuildContextInput): BuildContextHash {
  const contextDir = path.resolve(input.context);
  if (!fs.statSync(contextDir).isDirectory()) {
    throw new Error(`context: ${contextDir} is not a directory`);
  }
  const dockerfilePath = path.resolve(input.dockerfile ?? path.join(contextDir, "Dockerfile"));
  const dockerfileText =
    input.dockerfileInline !== undefined ? input.dockerfileInline : fs.readFileSync(dockerfilePath, "utf8");

  const ignorePatterns = readIgnorePatterns(
    contextDir,
    input.dockerfileInline === undefined ? dockerfilePath : undefined,
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
      field("symlink", `${entry.relativePath}\0${mode}\0${fs.readlinkSync(absolute)}`);
      files += 1;
    } else if (entry.stats.isFile()) {
      field("file", `${entry.relativePath}\0${mode}\0${entry.stats.size}`);
      hashFileContent(hash, absolute);
      files += 1;
      bytes += entry.stats.size;
    }
    // Sockets, FIFOs and devices are not sent by the Docker CLI; skip them.
  }
  return { hash: hash.digest("hex"), files, bytes };
}

interface ContextEntry {
  /** POSIX-style path relative to the context root, as .dockerignore patterns are written. */
  relativePath: string;
  stats: fs.Stats;
}

/**
 * BuildKit uses `<Dockerfile>.dockerignore` next to the Dockerfile when it exists, instead of the
 * context's `.dockerignore` (https://docs.docker.com/build/concepts/context/#filename-and-location).
 */
function readIgnorePatterns(contextDir: string, dockerfilePath: string | undefined): string[] {
  const candidates = [
    ...(dockerfilePath === undefined ? [] : [`${dockerfilePath}.dockerignore`]),
    path.join(contextDir, ".dockerignore"),
  ];
  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) {
      return fs
        .readFileSync(candidate, "utf8")
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== "" && !line.startsWith("#"));
    }
  }
  return [];
}

function listContextEntries(contextDir: string, ignorePatterns: readonly string[]): ContextEntry[] {
  const matcher = dockerignore().add([...ignorePatterns]);
  // With an exception pattern (`!dir/keep`) a file inside an ignored directory can still be sent, so
  // the walk may only prune ignored directories when there is none.
  const canPruneIgnoredDirectories = !ignorePatterns.some((pattern) => pattern.startsWith("!"));
  const entries: ContextEntry[] = [];

  const walk = (relativeDir: string): void => {
    const absoluteDir = path.join(contextDir, relativeDir);
    const names = fs.readdirSync(absoluteDir).sort(compareCodeUnits);
    for (const name of names) {
      const relativePath = relativeDir === "" ? name : `${relativeDir}/${name}`;
      const stats = fs.lstatSync(path.join(contextDir, relativePath));
      const ignored = matcher.ignores(relativePath);
      if (stats.isDirectory()) {
        if (ignored && canPruneIgnoredDirectories) continue;
        if (!ignored) entries.push({ relativePath, stats });
        walk(relativePath);
      } else if (!ignored) {
        entries.push({ relativePath, stats });
      }
    }
  };
  walk("");
  // Sort the whole list by path (code units, not locale) so the order never depends on the walk.
  return entries.sort((a, b) => compareCodeUnits(a.relativePath, b.relativePath));
}

function hashFileContent(hash: Hash, absolutePath: string): void {
  const descriptor = fs.openSync(absolutePath, "r");
  try {
    const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    for (;;) {
      const read = fs.readSync(descriptor, buffer, 0, buffer.length, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
    }
  } finally {
    fs.closeSync(descriptor);
  }
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
