// Writes a benchmark's measured table into docs/BENCHMARKS.md between its own markers
// (`<!-- bench:<name>:start -->` … `<!-- bench:<name>:end -->`), so a run with --write records it.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./bench-variants";

export function writeBenchTable(name: string, markdown: string): string {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const docs = join(REPO_ROOT, "docs", "BENCHMARKS.md");
  const text = readFileSync(docs, "utf8");
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${docs} lacks the ${start} … ${end} markers`);
  writeFileSync(docs, `${text.slice(0, from + start.length)}\n${markdown}\n${text.slice(to)}`);
  return docs;
}

/** The ids after `--only a,b` on the command line, or undefined for all. */
export function onlyIds(argv: readonly string[] = process.argv.slice(2)): Set<string> | undefined {
  const index = argv.indexOf("--only");
  return index >= 0 ? new Set((argv[index + 1] ?? "").split(",")) : undefined;
}
