import { lexDockerfile } from "../components/dockerfile/lexer";
import { parseDockerfile } from "../components/dockerfile/parse";
import { analyzeDockerfile } from "../components/dockerfile";
const shapes: Record<string, string> = {
  runs: "FROM a\n" + "RUN apt-get update && apt-get install -y gcc\n".repeat(22000),
  oneline: "FROM a\nRUN " + "x ".repeat(500000),
  copyrm: "FROM a\n" + Array.from({length: 2000}, (_, i) => `COPY f${i} /a/f${i}\n`).join("") + Array.from({length: 2000}, (_, i) => `RUN rm -rf /a/f${i}\n`).join(""),
  cont: "FROM a\nRUN " + "x \\\n".repeat(250000),
  env: "FROM a\nENV " + "A=1 ".repeat(250000),
  arg: "ARG A=1\n".repeat(125000) + "FROM a\n",
  from: "FROM a\n".repeat(140000),
  dollar: "FROM a\nRUN " + "${".repeat(500000),
};
for (const [k, t] of Object.entries(shapes)) {
  const a = performance.now(); lexDockerfile(t); const b = performance.now(); parseDockerfile(t); const c = performance.now();
  try { analyzeDockerfile(t, { dockerignore: null }); } catch (e) { console.log(String(e).slice(0,100)); }
  const d = performance.now();
  console.log(k, "lex", (b - a).toFixed(0), "parse", (c - b).toFixed(0), "analyze", (d - c).toFixed(0));
}
