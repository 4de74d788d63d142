import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hashBuildContext, type BuildContextInput } from "../../components/buildkit/context-hash";

/** A throw-away build context: a Dockerfile, a source file, a .dockerignore and ignored files. */
function makeContext(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ctx-hash-"));
  fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\nCOPY src /src\n");
  fs.mkdirSync(path.join(dir, "src"));
  fs.writeFileSync(path.join(dir, "src", "index.js"), "console.log('hi');\n");
  fs.writeFileSync(path.join(dir, ".dockerignore"), "node_modules\n*.log\n.git\n");
  fs.mkdirSync(path.join(dir, "node_modules", "left-pad"), { recursive: true });
  fs.writeFileSync(path.join(dir, "node_modules", "left-pad", "index.js"), "module.exports = 1;\n");
  fs.writeFileSync(path.join(dir, "debug.log"), "noise\n");
  return dir;
}

describe("hashBuildContext", () => {
  let context: string;
  let base: BuildContextInput;
  beforeEach(() => {
    context = makeContext();
    base = { context, target: "runtime", buildArgs: { A: "1", B: "2" }, platforms: ["linux/amd64"] };
  });
  afterEach(() => fs.rmSync(context, { recursive: true, force: true }));

  it("is deterministic: same inputs give the same hash, a 64-digit hex SHA-256", () => {
    const first = hashBuildContext(base);
    const second = hashBuildContext({ ...base, buildArgs: { B: "2", A: "1" } });
    assert.match(first.hash, /^[0-9a-f]{64}$/);
    assert.equal(second.hash, first.hash);
  });

  it("counts only the files Docker would send", () => {
    // Sent: .dockerignore, Dockerfile, src/index.js (node_modules/** and *.log are ignored).
    const { files, bytes } = hashBuildContext(base);
    assert.equal(files, 3);
    const expectedBytes = [".dockerignore", "Dockerfile", "src/index.js"]
      .map((file) => fs.statSync(path.join(context, file)).size)
      .reduce((sum, size) => sum + size, 0);
    assert.equal(bytes, expectedBytes);
  });

  it("ignores changes to ignored files and directories", () => {
    const before = hashBuildContext(base).hash;
    fs.writeFileSync(path.join(context, "debug.log"), "different noise\n");
    fs.writeFileSync(path.join(context, "node_modules", "left-pad", "index.js"), "module.exports = 2;\n");
    fs.writeFileSync(path.join(context, "another.log"), "new\n");
    assert.equal(hashBuildContext(base).hash, before);
  });

  it("changes when a sent file's content, name or mode changes, or a file is added", () => {
    const seen = new Set([hashBuildContext(base).hash]);
    const expectNew = (what: string): void => {
      const hash = hashBuildContext(base).hash;
      assert.ok(!seen.has(hash), `hash did not change after: ${what}`);
      seen.add(hash);
    };
    fs.writeFileSync(path.join(context, "src", "index.js"), "console.log('bye');\n");
    expectNew("content edit");
    fs.renameSync(path.join(context, "src", "index.js"), path.join(context, "src", "main.js"));
    expectNew("rename");
    fs.chmodSync(path.join(context, "src", "main.js"), 0o755);
    expectNew("chmod +x");
    fs.writeFileSync(path.join(context, "src", "extra.js"), "");
    expectNew("new empty file");
    fs.mkdirSync(path.join(context, "empty-dir"));
    expectNew("new empty directory");
  });

  it("changes with the Dockerfile text, the target, a build arg or the platforms", () => {
    const original = hashBuildContext(base).hash;
    const variants: Array<[string, BuildContextInput]> = [
      ["target", { ...base, target: "build" }],
      ["no target", { ...base, target: undefined }],
      ["build arg value", { ...base, buildArgs: { A: "1", B: "3" } }],
      ["extra build arg", { ...base, buildArgs: { A: "1", B: "2", C: "" } }],
      ["platforms", { ...base, platforms: ["linux/arm64"] }],
      ["platform order", { ...base, platforms: ["linux/arm64", "linux/amd64"] }],
      ["more platforms", { ...base, platforms: ["linux/amd64", "linux/arm64"] }],
      ["inline Dockerfile", { ...base, dockerfileInline: "FROM scratch\n" }],
    ];
    const hashes = variants.map(([label, input]) => [label, hashBuildContext(input).hash] as const);
    for (const [label, hash] of hashes) assert.notEqual(hash, original, label);
    assert.equal(new Set(hashes.map(([, hash]) => hash)).size, variants.length, "variants collide");

    fs.appendFileSync(path.join(context, "Dockerfile"), "USER 1000\n");
    assert.notEqual(hashBuildContext(base).hash, original, "Dockerfile edit");
  });

  it("uses a Dockerfile outside the context and its <Dockerfile>.dockerignore", () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "ctx-hash-df-"));
    try {
      const dockerfile = path.join(outside, "app.Dockerfile");
      fs.writeFileSync(dockerfile, "FROM scratch\n");
      const withRootIgnore = hashBuildContext({ context, dockerfile });
      assert.equal(withRootIgnore.files, 3);
      // The Dockerfile-specific ignore file replaces .dockerignore: now src/ is ignored and
      // node_modules/ and debug.log are sent.
      fs.writeFileSync(`${dockerfile}.dockerignore`, "src\n");
      const withOwnIgnore = hashBuildContext({ context, dockerfile });
      assert.equal(withOwnIgnore.files, 4); // .dockerignore, Dockerfile, debug.log, node_modules/left-pad/index.js
      assert.notEqual(withOwnIgnore.hash, withRootIgnore.hash);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it("honours exception patterns inside ignored directories", () => {
    fs.writeFileSync(path.join(context, ".dockerignore"), "node_modules\n!node_modules/left-pad/index.js\n");
    const before = hashBuildContext(base);
    fs.writeFileSync(path.join(context, "node_modules", "left-pad", "index.js"), "module.exports = 3;\n");
    assert.notEqual(hashBuildContext(base).hash, before.hash);
  });

  it("throws a clear error when the context is not a directory", () => {
    assert.throws(() => hashBuildContext({ context: path.join(context, "Dockerfile") }), {
      name: "BuildContextError",
      message: `${path.join(context, "Dockerfile")}: the build context is not a directory. Fix: pass the directory docker build should send (the Dockerfile's directory, usually), not a file`,
    });
  });
});
