import { readFileSync, readdirSync } from "node:fs";
import { analyzeDockerfile } from "../components/dockerfile";
const D = "test/fixtures/dockerfiles/misses";
for (const f of readdirSync(D).sort()) {
  const r = analyzeDockerfile(readFileSync(`${D}/${f}`, "utf8"), { dockerignore: f.startsWith("copy") ? null : undefined });
  console.log("==", f);
  for (const x of r) console.log(JSON.stringify({ id: x.id, line: x.line, message: x.message, ...(x.id === "add-instead-of-copy" ? { fix: x.fix } : {}) }));
}
