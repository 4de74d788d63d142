import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { analyzeBuildDockerfile } from "../../components/dockerfile/build";
import { hashBuildContext, listContextFiles } from "../../components/buildkit/context-hash";
import { runIsolated } from "../helpers/isolated-process";

const OWN_IGNORE = path.join(__dirname, "..", "fixtures", "contexts", "own-ignore");

describe("analyzeBuildDockerfile: the same ignore file as the context hash", () => {
  it("honours <Dockerfile>.dockerignore: no copy-whole-context when it excludes tests and .env", () => {
    const dockerfile = path.join(OWN_IGNORE, "app.Dockerfile");
    assert.deepEqual(analyzeBuildDockerfile(OWN_IGNORE, dockerfile), []);
  });

  it("shows the analyzer the files the hash sends, after the same ignore file", () => {
    const dockerfile = path.join(OWN_IGNORE, "app.Dockerfile");
    assert.deepEqual(listContextFiles({ context: OWN_IGNORE, dockerfile }), [
      "app.Dockerfile",
      "app.Dockerfile.dockerignore",
      "server.js",
    ]);
    assert.equal(hashBuildContext({ context: OWN_IGNORE, dockerfile }).files, 3);
  });

  it("reports copy-whole-context for the same context built with another Dockerfile (no ignore file applies)", () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "analyze-build-"));
    try {
      const dockerfile = path.join(outside, "other.Dockerfile");
      fs.copyFileSync(path.join(OWN_IGNORE, "app.Dockerfile"), dockerfile);
      assert.deepEqual(
        analyzeBuildDockerfile(OWN_IGNORE, dockerfile).map(
          (finding) => `${finding.line} ${finding.id}: ${finding.message}`,
        ),
        [
          "3 copy-whole-context: COPY . . on line 3 copies the whole build context and there is no .dockerignore, including tests (1 file) and .env (1 file).",
        ],
      );
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it("yields no findings when the Dockerfile is missing, and does not block when it is a FIFO", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "analyze-build-"));
    try {
      assert.deepEqual(analyzeBuildDockerfile(dir, path.join(dir, "Dockerfile")), []);
      const fifo = path.join(dir, "Dockerfile");
      execFileSync("mkfifo", [fifo]);
      const { stdout, timedOut } = runIsolated(`
        const { analyzeBuildDockerfile } = require(root + "/components/dockerfile/build");
        console.log(JSON.stringify(analyzeBuildDockerfile(${JSON.stringify(dir)}, ${JSON.stringify(fifo)})));
      `);
      assert.equal(timedOut, false, "analyzeBuildDockerfile blocked on the FIFO");
      assert.equal(stdout, "[]");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
