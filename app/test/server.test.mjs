// Runs against the bundle (npm test type-checks and bundles first; the Dockerfile's `check` stage does the
// same). Never reaches the runtime image: only dist/ is copied there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";

test("serves /healthz and exits 0 on SIGTERM", async () => {
  const child = spawn(process.execPath, ["dist/server.js"], {
    env: { ...process.env, HOST: "127.0.0.1", PORT: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [firstLine] = await once(child.stdout, "data");
  const { port } = JSON.parse(String(firstLine).split("\n")[0]);
  assert.equal(typeof port, "number");
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(response.status, 200);
  assert.equal((await response.json()).status, "ok");
  child.kill("SIGTERM");
  const [code] = await once(child, "exit");
  assert.equal(code, 0);
});
