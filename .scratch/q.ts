import { analyzeDockerfile } from "../components/dockerfile";
import { substituteVariables } from "../components/dockerfile/parse";
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (const n of [65536, 262144, 1048000]) {
  const t1 = "FROM " + "${a:-".repeat(n / 5); const t2 = "FROM a\nRUN " + "a;".repeat(n / 2);
  let s = cpu(); analyzeDockerfile(t1, { dockerignore: null }); const a = cpu() - s;
  s = cpu(); analyzeDockerfile(t2, { dockerignore: null }); const b = cpu() - s;
  console.log(n, a.toFixed(0), b.toFixed(0));
}
console.log(substituteVariables("${A:-x}-${B}-$C-${D-y}-${E:+z}-${", new Map([["A", ""], ["C", "c"], ["E", "e"]])));
