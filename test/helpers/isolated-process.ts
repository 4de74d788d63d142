import { spawnSync } from "node:child_process";
import * as path from "node:path";

/**
 * Runs `body` (TypeScript, with `root` bound to the repository root) in a separate Node process under
 * tsx and returns what it printed. For code that could block the process forever (opening a FIFO): a
 * blocked child is killed after `timeoutMs` and reported as such, instead of hanging the test run.
 */
export function runIsolated(body: string, timeoutMs = 15_000): { stdout: string; timedOut: boolean } {
  const root = path.join(__dirname, "..", "..");
  const result = spawnSync(
    process.execPath,
    ["--require", "tsx/cjs", "-e", `const root = ${JSON.stringify(root)};\n${body}`],
    { cwd: root, timeout: timeoutMs, encoding: "utf8", killSignal: "SIGKILL" },
  );
  const timedOut = result.error !== undefined && (result.error as NodeJS.ErrnoException).code === "ETIMEDOUT";
  if (!timedOut && result.status !== 0) throw new Error(`isolated run failed: ${result.stderr}`);
  return { stdout: result.stdout.trim(), timedOut };
}
