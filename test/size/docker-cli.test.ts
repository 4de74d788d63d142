import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { runDocker, startDocker } from "../../components/size/docker-cli";

/**
 * startDocker's kill reaches the whole process group, as the docker CLI's buildx plugin process needs.
 * A shell stands in for the CLI (`command`), with a background `sleep` for the plugin: its own
 * process, that a kill of the shell alone would leave running. Each sleep has a duration of its own,
 * so pgrep finds exactly this test's.
 */
describe("docker-cli: timeout and abort kill the command's process group", () => {
  const shell = { command: "/bin/sh" };
  const sleeper = (): { args: string[]; left: () => string } => {
    const seconds = `600.${randomInt(1_000_000)}`;
    return {
      args: ["-c", `sleep ${seconds} & wait`],
      left: () => spawnSync("pgrep", ["-f", `sleep ${seconds}`], { encoding: "utf8" }).stdout.trim(),
    };
  };
  const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 300));

  it("an aborted signal stops the command and its child, with the abort's reason", async () => {
    const { args, left } = sleeper();
    const stopped = new AbortController();
    const docker = startDocker(args, { ...shell, signal: stopped.signal });
    await settle();
    assert.notEqual(left(), "", "the child runs before the abort");
    stopped.abort(new Error("no result within 20 s"));
    await assert.rejects(docker.exited, {
      message: "docker -c stopped (no result within 20 s); its processes were killed",
    });
    await settle();
    assert.equal(left(), "", "the child is gone");
  });

  it("a signal aborted before the call starts nothing that outlives it", async () => {
    const { args, left } = sleeper();
    const stopped = new AbortController();
    stopped.abort(new Error("late"));
    await assert.rejects(runDocker(args, { ...shell, signal: stopped.signal }), {
      message: "docker -c stopped (late); its processes were killed",
    });
    await settle();
    assert.equal(left(), "");
  });

  it("the timeout stops the command and its child", async () => {
    const { args, left } = sleeper();
    await assert.rejects(runDocker(args, shell, { timeoutMs: 300 }), {
      message: "docker -c timed out after 300 ms; its processes were killed",
    });
    await settle();
    assert.equal(left(), "");
  });

  it("a timeout before the caller awaits `exited` is no unhandled rejection", async () => {
    const { args, left } = sleeper();
    const unhandled: unknown[] = [];
    const record = (reason: unknown): number => unhandled.push(reason);
    process.on("unhandledRejection", record);
    try {
      const docker = startDocker(args, shell, { timeoutMs: 100 });
      await settle();
      assert.deepEqual(unhandled, []);
      await assert.rejects(docker.exited, /timed out after 100 ms/);
      assert.equal(left(), "");
    } finally {
      process.off("unhandledRejection", record);
    }
  });

  it("a command that ends by itself resolves with its exit code and output", async () => {
    const stopped = new AbortController();
    const result = await runDocker(["-c", "echo out; echo err >&2; exit 4"], {
      ...shell,
      signal: stopped.signal,
    });
    stopped.abort(new Error("after the end"));
    assert.deepEqual(result, { exitCode: 4, stdout: "out\n", stderr: "err\n" });
  });
});
