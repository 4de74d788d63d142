/**
 * Pulumi's REAL dynamic-provider host (`node @pulumi/pulumi/cmd/dynamic-provider`), started as the engine
 * starts it (it prints its gRPC port on loopback) and driven with the gRPC client from @pulumi/pulumi's own
 * proto stubs: Check, Diff, Create and Update, with the serialized provider in `__provider` as the SDK sends it
 * (@pulumi/pulumi dynamic/index.js). For tests and benchmarks (tools/bench-scale.ts); not part of the library.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

/* eslint-disable @typescript-eslint/no-require-imports -- the generated stubs have no typings */
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] })) as {
  credentials: { createInsecure(): unknown };
};
const structproto = require(
  require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] }),
) as { Struct: { fromJavaScript(value: unknown): unknown } };
const provrpc = require(path.join(pulumiDir, "proto", "provider_grpc_pb")) as {
  ResourceProviderClient: new (address: string, credentials: unknown) => GrpcClient;
};
const provproto = require(path.join(pulumiDir, "proto", "provider_pb")) as Record<
  string,
  new () => Record<string, (value?: unknown) => unknown>
>;
/* eslint-enable @typescript-eslint/no-require-imports */

type Callback = (error: Error | null, response: ProtoMessage) => void;
interface ProtoMessage {
  getInputs(): { toJavaScript(): Record<string, unknown> };
  getProperties(): { toJavaScript(): Record<string, unknown> };
  getChanges(): number;
  getId(): string;
}
interface GrpcClient {
  check(request: unknown, callback: Callback): void;
  diff(request: unknown, callback: Callback): void;
  create(request: unknown, callback: Callback): void;
  update(request: unknown, callback: Callback): void;
  close(): void;
}

export const PROVIDER_KEY = "__provider";
/** USER_HZ, the unit of /proc/<pid>/stat times: 100 on Linux (sysconf(_SC_CLK_TCK)). */
const CLOCK_TICKS = 100;
const URN =
  "urn:pulumi:dev::ecr-pipeline::pulumi-nodejs:dynamic/ecr-pipeline:ImageSizeEstimate::web-size-estimate";

/** The provider serialized exactly as pulumi.dynamic.Resource does it (runtime/closure). */
export async function serializeProvider(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
  const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
  return serialized.text;
}

export interface DynamicProviderHost {
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<Record<string, unknown>>;
  diff(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ changes: number }>;
  create(properties: Record<string, unknown>): Promise<{ id: string; properties: Record<string, unknown> }>;
  update(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<Record<string, unknown>>;
  stderr(): string;
  /** The host process's CPU time so far (user + system, ms; /proc/<pid>/stat), for benchmarks. */
  cpuMilliseconds(): number;
  /**
   * CPU time of the host's child processes it has waited for, and theirs (cutime + cstime of
   * /proc/<pid>/stat): the docker CLI and buildx plugin processes a dynamic provider started.
   */
  childrenCpuMilliseconds(): number;
  stop(): Promise<void>;
}

/** Starts the host with `env` (e.g. a dead DOCKER_HOST, or a NODE_PATH without tsx) and connects to it. */
export async function startDynamicProviderHost(
  env: NodeJS.ProcessEnv,
  cwd?: string,
): Promise<DynamicProviderHost> {
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(pulumiDir, "cmd", "dynamic-provider"), "127.0.0.1:1"],
    { env, cwd, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const port = await new Promise<string>((resolve, reject) => {
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      const line = /^(\d+)\s*$/m.exec(stdout);
      if (line) resolve(line[1]!);
    });
    child.on("exit", (code) => reject(new Error(`dynamic-provider host exited ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error(`dynamic-provider host printed no port: ${stderr}`)), 30_000);
  });
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = (method: "check" | "diff" | "create" | "update", request: unknown): Promise<ProtoMessage> =>
    new Promise((resolve, reject) =>
      client[method](request, (error, response) => (error ? reject(error) : resolve(response))),
    );
  const struct = (value: unknown): unknown => structproto.Struct.fromJavaScript(value);
  return {
    async check(olds, news) {
      const request = new provproto.CheckRequest!();
      request.setUrn!(URN);
      request.setOlds!(struct(olds));
      request.setNews!(struct(news));
      return (await call("check", request)).getInputs().toJavaScript();
    },
    async diff(olds, news) {
      const request = new provproto.DiffRequest!();
      request.setId!("id");
      request.setUrn!(URN);
      request.setOlds!(struct(olds));
      request.setNews!(struct(news));
      return { changes: (await call("diff", request)).getChanges() };
    },
    async create(properties) {
      const request = new provproto.CreateRequest!();
      request.setUrn!(URN);
      request.setProperties!(struct(properties));
      const response = await call("create", request);
      return { id: response.getId(), properties: response.getProperties().toJavaScript() };
    },
    async update(olds, news) {
      const request = new provproto.UpdateRequest!();
      request.setId!("id");
      request.setUrn!(URN);
      request.setOlds!(struct(olds));
      request.setNews!(struct(news));
      return (await call("update", request)).getProperties().toJavaScript();
    },
    stderr: () => stderr,
    cpuMilliseconds() {
      // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised command name): utime, stime in ticks.
      const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ticks = Number(fields[11]) + Number(fields[12]);
      return (ticks * 1000) / CLOCK_TICKS;
    },
    childrenCpuMilliseconds() {
      // Fields 16 and 17: cutime, cstime (children waited for, recursively), in ticks.
      const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS;
    },
    async stop() {
      client.close();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}
