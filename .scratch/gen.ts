import { readFileSync, readdirSync } from "node:fs";
import { analyzeDockerfile } from "../components/dockerfile";
const D = "test/fixtures/dockerfiles/misses";
const names = [...new Set(readdirSync(D).map((f) => f.split(".")[0]))].sort();
const out: string[] = [];
for (const n of names) {
  const r = analyzeDockerfile(readFileSync(`${D}/${n}.positive.Dockerfile`, "utf8"), { dockerignore: n.startsWith("copy") ? null : undefined });
  out.push(`  "${n}": [\n${r.map((x) => `    ${JSON.stringify({ id: x.id, line: x.line, message: x.message, fix: x.fix })},`).join("\n")}\n  ],`);
}
console.log(out.join("\n"));
