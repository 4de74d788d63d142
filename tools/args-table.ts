/**
 * Prints the README's args tables from the components' Args interfaces (their JSDoc comments and @default
 * tags), so the docs are generated from the code: `npx tsx tools/args-table.ts`. test/docs.test.ts checks
 * that README.md holds exactly these rows.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

export interface ArgRow {
  name: string;
  type: string;
  optional: boolean;
  description: string;
  defaultValue: string | undefined;
}

export const ARGS_INTERFACES: ReadonlyArray<[file: string, iface: string]> = [
  ["components/settings/pipeline.ts", "EcrImagePipelineArgs"],
  ["components/settings/repository.ts", "EcrRepositoryArgs"],
  ["components/settings/image.ts", "BuildKitImageArgs"],
  ["components/settings/registry-defaults.ts", "EcrRegistryDefaultsArgs"],
  ["components/settings/fleet-cost.ts", "EcrFleetCostArgs"],
];

/**
 * The fields of `iface` in `file`, its own first, then those of the interfaces it extends (looked up in
 * the same file or in the relative module they are imported from), without duplicates.
 */
export function readArgs(root: string, file: string, iface: string): ArgRow[] {
  const text = fs.readFileSync(path.join(root, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, /* setParentNodes */ true);
  const rows: ArgRow[] = [];
  const inherited: ArgRow[] = [];
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== iface) return;
    for (const member of node.members) {
      if (!ts.isPropertySignature(member) || member.type === undefined) continue;
      const docs = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
      const doc = docs[docs.length - 1];
      const description = ts.getTextOfJSDocComment(doc?.comment)?.replace(/\s+/g, " ").trim() ?? "";
      const defaultTag = doc?.tags?.find((t) => t.tagName.text === "default");
      rows.push({
        name: member.name.getText(source),
        type: member.type.getText(source).replace(/\s+/g, " "),
        optional: member.questionToken !== undefined,
        description,
        defaultValue:
          defaultTag === undefined ? undefined : (ts.getTextOfJSDocComment(defaultTag.comment) ?? "").trim(),
      });
    }
    for (const clause of node.heritageClauses ?? []) {
      for (const base of clause.types) {
        const baseName = base.expression.getText(source);
        inherited.push(...readArgs(root, moduleDeclaring(source, file, baseName), baseName));
      }
    }
  });
  const seen = new Set(rows.map((row) => row.name));
  return [...rows, ...inherited.filter((row) => !seen.has(row.name) && seen.add(row.name))];
}

/** The repo-relative file that declares `name` as seen from `source`: an import's module, or the file itself. */
function moduleDeclaring(source: ts.SourceFile, file: string, name: string): string {
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings) && bindings.elements.some((e) => e.name.text === name)) {
      return path.join(path.dirname(file), `${statement.moduleSpecifier.text}.ts`);
    }
  }
  return file;
}

export function argsTable(rows: readonly ArgRow[]): string {
  const escape = (text: string): string => text.replace(/\|/g, "\\|");
  const lines = ["| arg | type | default | what it does |", "|---|---|---|---|"];
  for (const row of rows) {
    const def = row.optional ? escape(row.defaultValue ?? "") : "required";
    lines.push(`| \`${row.name}\` | \`${escape(row.type)}\` | ${def} | ${escape(row.description)} |`);
  }
  return lines.join("\n");
}

/** README with every generated args block rewritten from the code. */
export function readmeWithArgsTables(readme: string, root: string): string {
  let text = readme;
  for (const [file, iface] of ARGS_INTERFACES) {
    const block = new RegExp(`(<!-- args:${iface} [^\\n]*-->\\n)[\\s\\S]*?(\\n<!-- /args -->)`);
    text = text.replace(
      block,
      (_match, open: string, close: string) => open + argsTable(readArgs(root, file, iface)) + close,
    );
  }
  return text;
}

// `npx tsx tools/args-table.ts` prints the tables; `--write` rewrites them in README.md.
if (require.main === module) {
  const root = path.join(__dirname, "..");
  if (process.argv.includes("--write")) {
    const readmePath = path.join(root, "README.md");
    fs.writeFileSync(readmePath, readmeWithArgsTables(fs.readFileSync(readmePath, "utf8"), root));
  } else {
    for (const [file, iface] of ARGS_INTERFACES) {
      console.log(`#### ${iface}\n\n${argsTable(readArgs(root, file, iface))}\n`);
    }
  }
}
