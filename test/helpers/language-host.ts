/**
 * Runs a Pulumi program the way the Node.js language host runs it (pulumi-language-nodejs main.go
 * `constructArguments`: `node <@pulumi/pulumi>/cmd/run --monitor <addr> --engine <addr> --project …
 * --stack … --pwd <dir> <entry point>`), against a resource monitor and an engine served here with the
 * SDK's own gRPC service definitions (proto/resource_grpc_pb.js, proto/engine_grpc_pb.js): resources
 * are registered (URNs handed back, inputs echoed), every `Engine.Log` diagnostic is recorded, and
 * anything else answers UNIMPLEMENTED, which the SDK takes as "not supported" (runtime/settings.js
 * `monitorSupportsFeature`). What the CLI would print is what the engine is sent; the exit code is the
 * language host's (32: the program logged its error, main.go 1056-1060). Test-only.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";

/* eslint-disable @typescript-eslint/no-require-imports -- the generated stubs have no typings */
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
type Callback = (error: { code: number; details: string } | null, response?: unknown) => void;
interface Call {
  request: Record<string, () => unknown>;
}
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] })) as {
  Server: new () => {
    addService(
      service: unknown,
      implementation: Record<string, (call: Call, callback: Callback) => void>,
    ): void;
    bindAsync(address: string, credentials: unknown, done: (error: Error | null, port: number) => void): void;
    forceShutdown(): void;
  };
  ServerCredentials: { createInsecure(): unknown };
};
const structproto = require(
  require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] }),
) as {
  Struct: { fromJavaScript(value: unknown): unknown };
};
const emptyproto = require(
  require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [pulumiDir] }),
) as {
  Empty: new () => unknown;
};
const resourceRpc = require(path.join(pulumiDir, "proto", "resource_grpc_pb")) as {
  ResourceMonitorService: unknown;
};
const resourceProto = require(path.join(pulumiDir, "proto", "resource_pb")) as Record<
  string,
  new () => Record<string, (value: unknown) => void>
>;
const engineRpc = require(path.join(pulumiDir, "proto", "engine_grpc_pb")) as { EngineService: unknown };
const engineProto = require(path.join(pulumiDir, "proto", "engine_pb")) as Record<
  string,
  new () => Record<string, (value: unknown) => void>
>;
/* eslint-enable @typescript-eslint/no-require-imports */

/** Engine.Log severities (engine.proto LogSeverity). */
export const Severity = { Debug: 0, Info: 1, Warning: 2, Error: 3 } as const;

export interface Diagnostic {
  severity: number;
  message: string;
  /** The resource the diagnostic is on; "" for the stack as a whole. */
  urn: string;
}

export interface ProgramRun {
  diagnostics: Diagnostic[];
  /** `type::name` of each registered resource, in order. */
  registered: string[];
  exitCode: number | null;
  stderr: string;
}

const PROJECT = "proof";
const STACK = "dev";

/** Runs `entryPoint` (a .js file) in `directory` under cmd/run, with a monitor and an engine served here. */
export async function runProgram(directory: string, entryPoint: string, dryRun = true): Promise<ProgramRun> {
  const diagnostics: Diagnostic[] = [];
  const registered: string[] = [];
  let root = "";
  const server = new grpc.Server();
  server.addService(resourceRpc.ResourceMonitorService, {
    supportsFeature(_call, callback) {
      const response = new resourceProto.SupportsFeatureResponse!();
      response.setHassupport!(false);
      callback(null, response);
    },
    registerResource(call, callback) {
      const type = String(call.request.getType!());
      const name = String(call.request.getName!());
      registered.push(`${type}::${name}`);
      const response = new resourceProto.RegisterResourceResponse!();
      response.setUrn!(`urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`);
      if (call.request.getCustom!()) response.setId!(dryRun ? "" : `${name}-id`);
      const object = call.request.getObject!() as { toJavaScript(): unknown } | undefined;
      response.setObject!(structproto.Struct.fromJavaScript(object?.toJavaScript() ?? {}));
      callback(null, response);
    },
    registerResourceOutputs(_call, callback) {
      callback(null, new emptyproto.Empty());
    },
  });
  server.addService(engineRpc.EngineService, {
    log(call, callback) {
      diagnostics.push({
        severity: Number(call.request.getSeverity!()),
        message: String(call.request.getMessage!()),
        urn: String(call.request.getUrn!()),
      });
      callback(null, new emptyproto.Empty());
    },
    getRootResource(_call, callback) {
      const response = new engineProto.GetRootResourceResponse!();
      response.setUrn!(root);
      callback(null, response);
    },
    setRootResource(call, callback) {
      root = String(call.request.getUrn!());
      callback(null, new engineProto.SetRootResourceResponse!());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  try {
    const address = `127.0.0.1:${port}`;
    const args = [
      path.join(pulumiDir, "cmd", "run"),
      "--monitor",
      address,
      "--engine",
      address,
      "--project",
      PROJECT,
      "--stack",
      STACK,
      "--pwd",
      directory,
      ...(dryRun ? ["--dry-run"] : []),
      entryPoint,
    ];
    const child = spawn(process.execPath, args, {
      cwd: directory,
      env: { ...process.env, PULUMI_CONFIG: "{}" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.stdout.resume();
    const exitCode = await new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    return { diagnostics, registered, exitCode, stderr };
  } finally {
    server.forceShutdown();
  }
}
