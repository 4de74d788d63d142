import { analyzeDockerfile } from "../components/dockerfile";
const shapes = ["FROM a\nRUN <<" + "ENV A=1\n".repeat(62500), "FROM a\n" + "RUN rm -rf /a/x\n".repeat(31250), "FROM a\nRUN " + ";".repeat(500000), "FROM a\nRUN " + "2>&1".repeat(125000)];
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (const t of shapes) { const s = cpu(); analyzeDockerfile(t, { dockerignore: null }); console.log((cpu() - s).toFixed(0), "ms CPU", JSON.stringify(t.slice(0, 20))); }
