/**
 * The import rules of docs/ARCHITECTURE.md ("What each part may import"), enforced: every file under
 * components/ imports only the parts its own part may import, and no files import each other in a circle.
 * The table is read from the doc, so the doc and the rule cannot drift apart.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const root = path.join(__dirname, "..", "..");
const components = path.join(root, "components");

/** The part a file belongs to: its folder under components/ (`cost/`), or the top-level file itself. */
function partOf(file: string): string {
  const [first, ...rest] = path.relative(components, file).split(path.sep);
  return rest.length === 0 ? first! : `${first}/`;
}

/** The allowed imports per part, from the doc's table (between the `import rules` markers). */
function readRules(markdown: string): Map<string, Set<string>> {
  const block = /<!-- import rules[^\n]*-->\n([\s\S]*?)<!-- \/import rules -->/.exec(markdown);
  assert.ok(block, "docs/ARCHITECTURE.md has the import rules table");
  const rules = new Map<string, Set<string>>();
  for (const line of block[1]!.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    if (cells.length < 4 || !cells[1]!.startsWith("`")) continue;
    const part = cells[1]!.replace(/`/g, "");
    const allowed = [...cells[2]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    rules.set(part, new Set(cells[2] === "everything above" ? ["*"] : allowed));
  }
  return rules;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** The components/ files `file` imports: static, type-only, `export … from`, `import()` and `require`. */
function importsOf(file: string, text: string): string[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  const found: string[] = [];
  for (const { fileName } of importedFiles) {
    if (!fileName.startsWith(".")) continue;
    const target = path.resolve(path.dirname(file), fileName);
    const resolved = [`${target}.ts`, path.join(target, "index.ts")].find((candidate) =>
      fs.existsSync(candidate),
    );
    assert.ok(
      resolved,
      `${path.relative(root, file)} imports ${fileName}, which is not a file of components/`,
    );
    found.push(resolved);
  }
  return found;
}

/** Import edges between files that break the rules. */
function violations(graph: Map<string, string[]>, rules: Map<string, Set<string>>): string[] {
  const found: string[] = [];
  for (const [file, targets] of graph) {
    const from = partOf(file);
    const allowed = rules.get(from);
    for (const target of targets) {
      const to = partOf(target);
      if (to === from) continue;
      if (allowed === undefined || !(allowed.has("*") || allowed.has(to))) {
        found.push(
          `${path.relative(root, file)} -> ${path.relative(root, target)} (${from} may not import ${to})`,
        );
      }
    }
  }
  return found;
}

/** Every circle of files, as `a -> b -> a` (depth-first search). */
function circles(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") {
        found.push(
          [...stack.slice(stack.indexOf(next)), next].map((f) => path.relative(root, f)).join(" -> "),
        );
      } else if (state.get(next) === undefined) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...graph.keys()].sort()) if (state.get(file) === undefined) visit(file);
  return found;
}

const rules = readRules(fs.readFileSync(path.join(root, "docs", "ARCHITECTURE.md"), "utf8"));
const graphOf = (texts: Map<string, string>): Map<string, string[]> =>
  new Map([...texts].map(([file, text]) => [file, importsOf(file, text)]));
const texts = new Map(sourceFiles(components).map((file) => [file, fs.readFileSync(file, "utf8")]));

describe("architecture: components/ imports run down the floors of docs/ARCHITECTURE.md, no circles", () => {
  const graph = graphOf(texts);

  it("the table names every part of components/", () => {
    const parts = [...new Set([...texts.keys()].map(partOf))].sort();
    assert.deepEqual([...rules.keys()].sort(), parts);
  });

  it("every import is one the table allows", () => {
    assert.ok([...graph.values()].flat().length > 100, "the imports were read");
    assert.deepEqual(violations(graph, rules), []);
  });

  it("no files import each other in a circle (type-only imports included)", () => {
    assert.deepEqual(circles(graph), []);
  });

  it("the checks see an upward import and a circle (planted)", () => {
    const planted = new Map(texts);
    const platforms = path.join(components, "buildkit", "platforms.ts");
    planted.set(
      platforms,
      `import type { EcrImagePipelineArgs } from "../settings/pipeline";\n${texts.get(platforms)}`,
    );
    assert.deepEqual(violations(graphOf(planted), rules), [
      "components/buildkit/platforms.ts -> components/settings/pipeline.ts (buildkit/ may not import settings/)",
    ]);
    const tags = path.join(components, "common", "tags.ts");
    planted.set(tags, `import type { InternalError } from "./errors";\n${texts.get(tags)}`);
    const errors = path.join(components, "common", "errors.ts");
    planted.set(errors, `import { DEFAULT_CACHE_TAG } from "./tags";\n${texts.get(errors)}`);
    assert.ok(
      circles(graphOf(planted)).includes(
        "components/common/errors.ts -> components/common/tags.ts -> components/common/errors.ts",
      ),
    );
  });
});
