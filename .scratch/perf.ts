import { analyzeDockerfile } from "/work/wt/analyzer/components/dockerfile";
import { DockerfileParser } from "dockerfile-ast";
function t(label: string, text: string) {
  const s = performance.now();
  let r = "";
  try { analyzeDockerfile(text, { dockerignore: null }); r = "ok"; } catch (e) { r = String(e).slice(0, 80); }
  const m = performance.now();
  try { DockerfileParser.parse(text); } catch {}
  const e = performance.now();
  console.log(label, text.length, (m - s).toFixed(0), "ms; ast only", (e - m).toFixed(0), "ms", r);
}
const N = 20000;
t("heredoc20k", "FROM a\nRUN <<" + " ".repeat(N));
t("1MB runs", "FROM a\n" + "RUN apt-get update && apt-get install -y gcc\n".repeat(22000));
t("1MB one line", "FROM a\nRUN " + "x ".repeat(500000));
t("copy+rm", "FROM a\n" + Array.from({length: 2000}, (_, i) => `COPY f${i} /a/f${i}\n`).join("") + Array.from({length: 2000}, (_, i) => `RUN rm -rf /a/f${i}\n`).join(""));
t("1MB continuation", "FROM a\nRUN " + "x \\\n".repeat(250000));
t("1MB comments", "FROM a\n" + "# c\n".repeat(250000));
t("1MB env", "FROM a\nENV " + "A=1 ".repeat(250000));
t("1MB ARG", "ARG A=1\n".repeat(125000) + "FROM a\n");
t("1MB FROM", "FROM a\n".repeat(140000));
t("1MB quotes", "FROM a\nRUN " + "\"".repeat(1000000));
t("1MB $", "FROM a\nRUN " + "${".repeat(500000));
t("1MB newlines", "FROM a\n" + "\n".repeat(1000000));
