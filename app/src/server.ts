import { createAppServer } from "./app";
import { APP_VERSION } from "./version";

const port = Number.parseInt(process.env.PORT ?? "8080", 10);
const host = process.env.HOST ?? "0.0.0.0";
// Shorter than the default `docker stop` grace period (10 s), so we exit on our own terms.
const shutdownTimeoutMs = 8_000;

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid PORT ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}

const server = createAppServer();
server.listen(port, host, () => {
  const address = server.address();
  const boundPort = typeof address === "object" && address !== null ? address.port : port;
  console.log(JSON.stringify({ msg: "listening", host, port: boundPort, version: APP_VERSION }));
});

function shutdown(signal: NodeJS.Signals): void {
  console.log(JSON.stringify({ msg: "shutting down", signal }));
  // Stop accepting connections, let in-flight requests finish, and drop idle keep-alive sockets,
  // which would otherwise hold close() open until they time out.
  server.close((error) => process.exit(error ? 1 : 0));
  server.closeIdleConnections();
  setTimeout(() => {
    console.error(JSON.stringify({ msg: "forced exit after timeout", timeoutMs: shutdownTimeoutMs }));
    process.exit(1);
  }, shutdownTimeoutMs).unref();
}

process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);
