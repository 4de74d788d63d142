// A Docker engine's embedded BuildKit as a plain BuildKit endpoint (`tcp://127.0.0.1:PORT`), so that a
// buildx builder with the `remote` driver — the driver a team uses for a BuildKit on another machine
// or in Kubernetes — can be created against an engine of the test infrastructure:
//   docker buildx create --name <name> --driver remote tcp://127.0.0.1:PORT
//
// Why a bridge is needed: dockerd serves BuildKit's gRPC API only behind an HTTP upgrade on its own API
// (`POST /grpc`, `Upgrade: h2c`; buildx's docker driver dials exactly that: docker/buildx
// driver/docker/driver.go `Dial`, `DialHijack(ctx, "/grpc", "h2c", …)`), and a docker-driver builder
// can only be used while its docker context is the current one (docker/buildx builder/builder.go
// `Validate`: "use `docker --context=<name> buildx` to switch to context"), which rules out naming
// another engine in `builderName`/`platformBuilders`. The `remote` driver speaks gRPC (HTTP/2 without
// TLS on tcp://) to whatever answers; this bridge answers each connection by upgrading a new connection
// to the engine's API and copying bytes both ways. Test infrastructure only: no TLS, loopback only.
import * as net from "node:net";

export interface BuildKitEndpoint {
  /** `tcp://127.0.0.1:PORT`, for `docker buildx create --driver remote`. */
  address: string;
  port: number;
  close(): Promise<void>;
}

/** The engine's API: a unix socket path, or `tcp://127.0.0.1:PORT` (loopback only). */
function connectToEngine(engine: string): net.Socket {
  if (engine.startsWith("unix://")) return net.connect(engine.slice("unix://".length));
  const tcp = /^tcp:\/\/(127\.\d+\.\d+\.\d+|localhost):(\d+)$/.exec(engine);
  if (tcp === null) throw new Error(`engine ${engine}: unix:// or a loopback tcp:// address`);
  return net.connect(Number(tcp[2]), tcp[1]);
}

/** Starts the bridge on 127.0.0.1:`port` (0: any free port) to the engine at `engine`. */
export async function serveBuildKit(engine: string, port = 0): Promise<BuildKitEndpoint> {
  connectToEngine(engine).destroy(); // refuses a bad address before listening
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    client.pause();
    const upstream = connectToEngine(engine);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    }
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    upstream.once("connect", () =>
      upstream.write(
        "POST /grpc HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: h2c\r\nContent-Length: 0\r\n\r\n",
      ),
    );
    let head = Buffer.alloc(0);
    const onHead = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      upstream.off("data", onHead);
      if (!/^HTTP\/1\.[01] 101 /.test(head.subarray(0, end).toString("latin1"))) {
        client.destroy();
        upstream.destroy();
        return;
      }
      const rest = head.subarray(end + 4);
      if (rest.length > 0) client.write(rest);
      upstream.pipe(client);
      client.pipe(upstream);
      client.resume();
    };
    upstream.on("data", onHead);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const bound = (server.address() as net.AddressInfo).port;
  return {
    address: `tcp://127.0.0.1:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
