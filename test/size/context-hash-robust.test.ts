import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BuildContextError } from "../../components/common/errors";
import {
  hashBuildContext,
  ignoredDirectoryPruner,
  listContextFiles,
} from "../../components/buildkit/context-hash";
import { runIsolated } from "../helpers/isolated-process";

function makeContext(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ctx-robust-"));
  fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\nCOPY src /src\n");
  fs.mkdirSync(path.join(dir, "src"));
  fs.writeFileSync(path.join(dir, "src", "index.js"), "console.log('hi');\n");
  return dir;
}

// The CommonJS module object: its properties can be replaced, and the code under test reads them at
// call time (the `import * as fs` namespace in a test file is read-only).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fsModule = require("node:fs") as typeof fs;

/** Replaces fs.openSync for one path with a function throwing `code`, for the duration of `run`. */
function withOpenError<T>(failingPath: string, code: string, run: () => T): T {
  const original = fs.openSync;
  const patched = ((file: fs.PathLike, ...rest: unknown[]) => {
    if (String(file) === failingPath) {
      throw Object.assign(new Error(`${code}: simulated, open '${String(file)}'`), { code });
    }
    return (original as (...args: unknown[]) => number)(file, ...rest);
  }) as typeof fs.openSync;
  fsModule.openSync = patched;
  try {
    return run();
  } finally {
    fsModule.openSync = original;
  }
}

const errorOf = (run: () => unknown): BuildContextError => {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof BuildContextError, `expected BuildContextError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected a BuildContextError");
};

describe("hashBuildContext: typed errors, special files, pruning", () => {
  let context: string;
  beforeEach(() => {
    context = makeContext();
  });
  afterEach(() => fs.rmSync(context, { recursive: true, force: true }));

  it("names a missing context and how to fix it (no raw ENOENT)", () => {
    const missing = path.join(context, "nope");
    const error = errorOf(() => hashBuildContext({ context: missing }));
    assert.equal(
      error.message,
      `${missing}: the build context does not exist. Fix: pass the directory docker build should send (relative paths resolve against the current directory)`,
    );
    assert.equal(error.code, "ENOENT");
  });

  it("names a missing Dockerfile, and a Dockerfile path that is a directory (no raw ENOENT/EISDIR)", () => {
    const missing = path.join(context, "Nope.Dockerfile");
    assert.equal(
      errorOf(() => hashBuildContext({ context, dockerfile: missing })).message,
      `${missing}: the Dockerfile does not exist. Fix: pass the path of an existing Dockerfile, or omit it to use <context>/Dockerfile`,
    );
    const directory = path.join(context, "src");
    assert.equal(
      errorOf(() => hashBuildContext({ context, dockerfile: directory })).message,
      `${directory}: the Dockerfile is a directory, not a regular file. Fix: pass the Dockerfile's path, e.g. <dir>/Dockerfile`,
    );
  });

  it("names an unreadable sent file (EACCES) and suggests .dockerignore; an ignored one is never opened", () => {
    // Tests run as root here, where chmod 000 does not stop reads, so the errno is simulated.
    const secret = path.join(context, "src", "index.js");
    const error = withOpenError(secret, "EACCES", () => errorOf(() => hashBuildContext({ context })));
    assert.equal(
      error.message,
      `${secret}: a file of the build context cannot be read (permission denied). Fix: make it readable for this user (chmod/chown), or add it to .dockerignore so it is not sent (BuildKit fails on it too)`,
    );
    fs.writeFileSync(path.join(context, ".dockerignore"), "src/index.js\n");
    const hashed = withOpenError(secret, "EACCES", () => hashBuildContext({ context }));
    assert.equal(hashed.files, 2);
  });

  it("never blocks on a FIFO named .dockerignore: a typed error instead (checked in a child process)", () => {
    execFileSync("mkfifo", [path.join(context, ".dockerignore")]);
    const { stdout, timedOut } = runIsolated(`
      const { hashBuildContext } = require(root + "/components/buildkit/context-hash");
      try { hashBuildContext({ context: ${JSON.stringify(context)} }); console.log("no error"); }
      catch (error) { console.log(error.name + ": " + error.message); }
    `);
    assert.equal(timedOut, false, "hashBuildContext blocked on the FIFO");
    assert.equal(
      stdout,
      `BuildContextError: ${path.join(context, ".dockerignore")}: the ignore file is a FIFO (named pipe), not a regular file. Fix: replace it with a regular file`,
    );
  });

  it("hashes a FIFO in the context by name and mode without opening it, as BuildKit sends it", () => {
    const fifo = path.join(context, "src", "pipe");
    const before = hashBuildContext({ context });
    execFileSync("mkfifo", ["-m", "0644", fifo]);
    const { stdout, timedOut } = runIsolated(`
      const { hashBuildContext } = require(root + "/components/buildkit/context-hash");
      console.log(JSON.stringify(hashBuildContext({ context: ${JSON.stringify(context)} })));
    `);
    assert.equal(timedOut, false, "hashBuildContext blocked on the FIFO");
    const withFifo = JSON.parse(stdout) as { hash: string; files: number; bytes: number };
    // Not a file with content (files/bytes unchanged), but part of what is sent, so the hash changes.
    assert.equal(withFifo.files, before.files);
    assert.equal(withFifo.bytes, before.bytes);
    assert.notEqual(withFifo.hash, before.hash);
    fs.writeFileSync(path.join(context, ".dockerignore"), "src/pipe\n");
    assert.equal(hashBuildContext({ context }).files, before.files + 1); // the .dockerignore itself
  });

  it("keeps skipping ignored directories when an exception pattern points elsewhere", () => {
    fs.mkdirSync(path.join(context, "node_modules", "a", "b"), { recursive: true });
    fs.writeFileSync(path.join(context, "node_modules", "a", "b", "x.js"), "1\n");
    fs.mkdirSync(path.join(context, "keep"), { recursive: true });
    fs.writeFileSync(path.join(context, "keep", "keep.txt"), "k\n");
    fs.writeFileSync(path.join(context, "keep", "drop.txt"), "d\n");
    fs.writeFileSync(path.join(context, ".dockerignore"), "node_modules\nkeep\n!keep/keep.txt\n");
    const read: string[] = [];
    const original = fs.readdirSync;
    fsModule.readdirSync = ((dir: fs.PathLike, ...rest: unknown[]) => {
      read.push(path.relative(context, String(dir)) || ".");
      return (original as (...args: unknown[]) => unknown)(dir, ...rest);
    }) as typeof fs.readdirSync;
    let files: string[];
    try {
      files = listContextFiles({ context });
    } finally {
      fsModule.readdirSync = original;
    }
    assert.deepEqual(files, [".dockerignore", "Dockerfile", "keep/keep.txt", "src/index.js"]);
    // keep/ is walked for its exception; node_modules/ is never read.
    assert.deepEqual(read.sort(), [".", "keep", "src"]);
  });

  it("decides pruning as fsutil does: plain exceptions prune elsewhere, a glob exception walks everything", () => {
    const cases: Array<[string[], string, boolean]> = [
      [["node_modules"], "node_modules", true],
      [["node_modules", "!src/keep.js"], "node_modules", true],
      [["node_modules", "!node_modules/a/keep.js"], "node_modules", false],
      [["node_modules", "!node_modules/a/keep.js"], "node_modules/a", false],
      [["node_modules", "!node_modules/a/keep.js"], "node_modules/b", true],
      [["node_modules", "!/node_modules/a/"], "node_modules/a", false],
      [["node_modules", "!node_modules/a/**"], "node_modules/a", false],
      [["node_modules", "!node_modules/a/**"], "node_modules/ab", true],
      [["node_modules", "!**/keep.js"], "node_modules", false],
      [["node_modules", "!node_modules/*/keep.js"], "node_modules/zzz", false],
    ];
    for (const [patterns, dir, prune] of cases)
      assert.equal(ignoredDirectoryPruner(patterns)(dir), prune, `${patterns.join(" ")} | ${dir}`);
  });
});
