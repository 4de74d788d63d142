import { analyzeDockerfile } from "../components/dockerfile";
const FR = ["<<", "<<-", "<<'E", '"', "'", "\\", "\\\n", "${", "${a:-", "$(", "`", "#", "\n", " ", "\t", "\r",
  "&&", "||", ";", "|", "&", ">", "2>&1", "-o", "-t", "apt-get", "install", "update", "pip", "rm -rf /a/*",
  "COPY . .", "=", "[", "]", ",", "--mount=type=cache,target=", "*", "/", "..", "a", "EOF", "FROM a AS b\n", "COPY x /a/x\n", "RUN rm -rf /a/x\n", "WORKDIR a\n", "COPY . .\n", "RUN apt-get update\n", "ENV A=1\n", "ARG A=1\n"];
const HEADS = ["FROM a\nRUN ", "FROM a\nCOPY ", "FROM a\nENV ", "FROM a\nWORKDIR ", "FROM a\n", "ARG A=1\n", "FROM a\nRUN <<"];
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const run = (t: string) => { const s = cpu(); try { analyzeDockerfile(t, { dockerignore: null, contextFiles: [".git/HEAD"] }); } catch (e) { if (!String(e).startsWith("DockerfileParseError")) console.log("ERR", String(e).slice(0, 120)); } return cpu() - s; };
const rows: [number, string][] = [];
for (const h of HEADS) for (const f of FR) {
  const small = h + f.repeat(Math.ceil(65_536 / f.length));
  const big = h + f.repeat(Math.ceil(131_072 / f.length));
  const a = run(small), b = run(big);
  rows.push([b, `${JSON.stringify(h)} + ${JSON.stringify(f)}: 64k ${a.toFixed(0)} ms, 128k ${b.toFixed(0)} ms, ratio ${(b / Math.max(a, 0.5)).toFixed(1)}`]);
}
rows.sort((x, y) => y[0] - x[0]);
console.log(rows.slice(0, 25).map((r) => r[1]).join("\n"));
