import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import dockerignore from "@balena/dockerignore";
import fc from "fast-check";
import { BuildContextError } from "../../components/common/errors";
import { hashBuildContext, listContextFiles } from "../../components/buildkit/context-hash";
import { withSuccessShare } from "../helpers/fuzz";

/**
 * Generated file trees in a temp dir (seeded): hashBuildContext returns or throws BuildContextError,
 * within a time bound, and sends exactly the files a walk without any pruning would send (every path
 * tested against @balena/dockerignore one by one) — so pruning ignored directories never loses a file
 * an exception pattern brings back.
 */
const SEED = 20261130;
const RUNS = 150;
const PER_TREE_CPU_MS = 250;

const segment = fc.constantFrom("a", "b", "node_modules", "keep", "src", ".git", "x.js", "y.log");
const entry = fc.record({
  parts: fc.array(segment, { minLength: 1, maxLength: 4 }),
  kind: fc.constantFrom("file", "file", "file", "dir", "symlink", "fifo"),
  content: fc.string({ maxLength: 20 }),
});
const pattern = fc.constantFrom(
  "node_modules", "*.log", ".git", "a", "a/b", "**/x.js", "keep", "!keep/x.js", "!a/b/x.js", "!**/y.log",
  "!node_modules/keep", "!a/*/x.js", "src/**", "!src/a", "b/", "/a", "# comment", "",
); // prettier-ignore
const tree = fc.record({
  entries: fc.array(entry, { maxLength: 25 }),
  ignore: fc.option(fc.array(pattern, { maxLength: 6 }), { nil: undefined }),
});

/** Every non-directory path under `dir` that the ignore patterns do not exclude, with no pruning. */
function oracleFiles(dir: string, ignoreText: string | undefined): string[] {
  const matcher = dockerignore().add(ignoreText ?? "");
  const out: string[] = [];
  const walk = (relative: string): void => {
    for (const name of fs.readdirSync(path.join(dir, relative))) {
      const child = relative === "" ? name : `${relative}/${name}`;
      const stats = fs.lstatSync(path.join(dir, child));
      if (stats.isDirectory()) walk(child);
      else if (!matcher.ignores(child) && (stats.isFile() || stats.isSymbolicLink() || stats.isFIFO()))
        out.push(child);
    }
  };
  walk("");
  return out.sort();
}

const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

describe("hashBuildContext: generated file trees (fast-check, seeded)", function () {
  this.timeout(240_000);

  it(`${RUNS} trees: typed errors only, bounded, and the same files as an unpruned walk`, () => {
    // Most trees must be hashed, not rejected, for the comparison to mean something.
    withSuccessShare("hashBuildContext", 0.8, (outcomes) =>
      fc.assert(
        fc.property(tree, ({ entries, ignore }) => {
          const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ctx-fuzz-"));
          try {
            fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\nCOPY . /\n");
            for (const { parts, kind, content } of entries) {
              const target = path.join(dir, ...parts);
              try {
                fs.mkdirSync(path.dirname(target), { recursive: true });
                if (kind === "dir") fs.mkdirSync(target, { recursive: true });
                else if (kind === "file") fs.writeFileSync(target, content);
                else if (kind === "symlink") fs.symlinkSync(content === "" ? "missing" : "../x.js", target);
                else execFileSync("mkfifo", [target], { stdio: "ignore" });
              } catch {
                // A path clashes with an earlier entry of another kind: keep the tree as it is.
              }
            }
            const ignoreText = ignore?.join("\n");
            if (ignoreText !== undefined) fs.writeFileSync(path.join(dir, ".dockerignore"), ignoreText);

            const start = cpuMs();
            let result;
            try {
              result = hashBuildContext({ context: dir });
            } catch (error) {
              assert.ok(error instanceof BuildContextError, `unexpected ${String(error)}`);
              outcomes.record(false);
              return;
            }
            const elapsed = cpuMs() - start;
            assert.ok(elapsed <= PER_TREE_CPU_MS, `took ${elapsed.toFixed(1)} ms CPU`);
            const sent = listContextFiles({ context: dir });
            const expected = oracleFiles(dir, ignoreText);
            assert.deepEqual(sent, expected);
            const regular = expected.filter((file) => {
              const stats = fs.lstatSync(path.join(dir, file));
              return stats.isFile() || stats.isSymbolicLink();
            });
            assert.equal(result.files, regular.length);
            assert.match(result.hash, /^[0-9a-f]{64}$/);
            outcomes.record(true);
          } finally {
            fs.rmSync(dir, { recursive: true, force: true });
          }
        }),
        { numRuns: RUNS, seed: SEED },
      ),
    );
  });
});
