import { spawn } from "node:child_process";

export interface CommandResult {
  stdout: string;
  stderr: string;
  seconds: number;
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    // The tail of stderr is where docker and npm say what went wrong.
    super(`${command} exited with ${exitCode}: ${stderr.trim().split("\n").slice(-15).join("\n")}`);
  }
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Bytes written to the child's stdin. */
  input?: string | Buffer;
}

/** Runs a command to completion and returns its output; rejects with CommandError on a non-zero exit. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  const startedAt = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (exitCode) => {
      const result = {
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        seconds: Number(process.hrtime.bigint() - startedAt) / 1e9,
      };
      if (exitCode === 0) resolve(result);
      else reject(new CommandError(`${command} ${args.join(" ")}`, exitCode, result.stderr || result.stdout));
    });
    child.stdin.end(options.input);
  });
}
