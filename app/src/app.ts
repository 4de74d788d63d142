import { IncomingMessage, ServerResponse, createServer, type Server } from "node:http";
import ms from "ms";
import { APP_VERSION } from "./version";

const startedAt = Date.now();

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    "cache-control": "no-store",
  });
  response.end(payload);
}

export function handleRequest(request: IncomingMessage, response: ServerResponse): void {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  if (request.method !== "GET" && request.method !== "HEAD") {
    sendJson(response, 405, { error: "method not allowed" });
    return;
  }
  if (path === "/healthz") {
    const uptimeMs = Date.now() - startedAt;
    sendJson(response, 200, { status: "ok", version: APP_VERSION, uptime: ms(uptimeMs), uptimeMs });
    return;
  }
  if (path === "/") {
    sendJson(response, 200, {
      service: "ecr-pipeline-sample-app",
      version: APP_VERSION,
      node: process.version,
      // Lets the integration tests prove the process is not root without `id` in a distroless image.
      uid: typeof process.getuid === "function" ? process.getuid() : null,
    });
    return;
  }
  sendJson(response, 404, { error: "not found", path });
}

export function createAppServer(): Server {
  return createServer(handleRequest);
}
