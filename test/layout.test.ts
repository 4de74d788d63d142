/**
 * Where test code lives (issue 19, "tests that can fail"):
 * - Tests may import tools/lib; tools never import tests. A tool that imports test code makes the test
 *   tree part of what the tools need: a helper moved or changed for a test's sake would break a
 *   benchmark that nothing runs in CI. Every import of every file under tools/ (static, `export … from`,
 *   dynamic `import()` and `require()`), read with TypeScript's own scanner (`ts.preProcessFile`) and
 *   resolved against the file's folder, must stay out of test/.
 * - Code shared by tests lives in test/helpers/, so a newcomer finds it in one place: under test/, a
 *   TypeScript file outside test/helpers/ is a test (`*.test.ts`) or one of the few listed below.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "..");
const SOURCE = /\.(?:[cm]?ts|[cm]?js)$/;

/** Repository-relative paths (with `/`) of the source files under `dir`. */
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(relative);
    return SOURCE.test(entry.name) ? [relative] : [];
  });
}

/** The module specifiers of `file` (repository-relative) that resolve into test/. */
function importsOfTests(file: string, text: string): string[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((specifier) => {
      if (!specifier.startsWith(".")) return false;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
      return target === "test" || target.startsWith("test/");
    });
}

describe("tools never import tests (issue 19)", () => {
  it("finds an import of test/ in each form a tool could write it", () => {
    const forms = [
      'import { size } from "../test/helpers/fuzz";',
      'import type { Outcomes } from "../../test/helpers/fuzz";',
      'export { size } from "../test/helpers/fuzz";',
      'import "../test/helpers/fuzz";',
      'const helpers = require("../test/helpers/fuzz");',
      'async function f() { return import("../test/helpers/fuzz"); }',
      'import fuzz = require("../test/helpers/fuzz");',
    ];
    for (const form of forms) {
      const file = form.includes("../../test") ? "tools/lib/bench.ts" : "tools/bench.ts";
      assert.equal(importsOfTests(file, `// a tool\n${form}\n`).length, 1, form);
    }
    // And not what stays inside tools/, or what only looks like test/.
    for (const [file, form] of [
      ["tools/bench.ts", 'import { x } from "./lib/fuzz-arbitraries";'],
      ["tools/lib/bench.ts", 'import { x } from "../../components/tags";'],
      ["tools/bench.ts", 'import { x } from "./test/x";'],
      ["tools/bench.ts", 'import { x } from "../testdata/x";'],
      ["tools/bench.ts", 'import fc from "fast-check";'],
    ] as const) {
      assert.deepEqual(importsOfTests(file, form), [], form);
    }
  });

  it("no file under tools/ imports from test/", () => {
    const files = sourceFiles("tools");
    assert.ok(files.length >= 10, `only ${files.length} files under tools/`);
    const offending = files.flatMap((file) =>
      importsOfTests(file, fs.readFileSync(path.join(ROOT, file), "utf8")).map(
        (specifier) => `${file} imports "${specifier}"`,
      ),
    );
    assert.deepEqual(
      offending,
      [],
      "tools may not import tests: move what the tool needs into tools/lib/ and let the test import it from there",
    );
  });
});

/** The TypeScript files under test/ that are neither tests nor in test/helpers/, and why. */
const OUTSIDE_HELPERS = [
  // The integration suite's mocha `require` (.mocharc.integration.json), loaded before any spec.
  /^test\/integration\/engine-env\.ts$/,
  // The private engine and the infrastructure check, being unified with tools/lib's engine code.
  /^test\/integration\/lib\/[^/]+\.ts$/,
  // Inputs the tests read or run: a consumer project, Dockerfiles, build contexts.
  /^test\/fixtures\//,
];

describe("shared test code lives in test/helpers/ (issue 19)", () => {
  it("every TypeScript file under test/ is a test, a helper in test/helpers/, or listed", () => {
    const stray = sourceFiles("test").filter(
      (file) =>
        file.endsWith(".ts") &&
        !file.endsWith(".test.ts") &&
        !file.startsWith("test/helpers/") &&
        !OUTSIDE_HELPERS.some((allowed) => allowed.test(file)),
    );
    assert.deepEqual(stray, [], "move code that tests share into test/helpers/, named for what it holds");
  });
});
