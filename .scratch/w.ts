import { analyzeDockerfile } from "../components/dockerfile";
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (const n of [2500, 5000, 10000]) {
const t = `FROM a\n${"WORKDIR a\nCOPY x y\n".repeat(n)}`;
const s = cpu(); analyzeDockerfile(t, { dockerignore: null }); console.log(n, (cpu() - s).toFixed(0));
const t2 = `FROM a\n${"WORKDIR a\n".repeat(n)}`;
const s2 = cpu(); analyzeDockerfile(t2, { dockerignore: null }); console.log(" workdir only", (cpu() - s2).toFixed(0));
}
