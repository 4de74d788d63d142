import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { failureNote, MAX_NOTE_CHARS } from "../../components/size/estimate-provider";
import { dockerEngineAvailable, runDocker } from "../../components/size/docker-cli";
import { imageSizeEstimateProvider } from "../../components/size/estimate-resource";
import {
  PROVIDER_KEY,
  serializeProvider,
  startDynamicProviderHost,
  type DynamicProviderHost,
} from "../../tools/lib/dynamic-provider-host";

/** A local base with /bin/sleep (scripts/test-infra.sh builds it). */
const BASE = "ecr-pipeline-test/node:22-slim";

/**
 * A failing and a hung build, measured by the serialized ImageSizeEstimate provider in Pulumi's real
 * dynamic-provider host against the Docker engine: both end in a note (basis `budget` downstream), never
 * in a failed check, and the hung build's processes are killed.
 */
describe("ImageSizeEstimate provider in the real host: build failure and timeout", function () {
  this.timeout(300_000);
  const root = path.join(__dirname, "..", "..");
  let workDir: string;
  let host: DynamicProviderHost;
  let provider: string;

  before(async function () {
    const missing: string[] = [];
    if (!(await dockerEngineAvailable())) missing.push("no Docker engine");
    else if ((await runDocker(["image", "inspect", BASE])).exitCode !== 0)
      missing.push(`no base image ${BASE}`);
    if (missing.length > 0) {
      const reason = `${missing.join(", ")}: run \`bash scripts/test-infra.sh up\``;
      if (process.env.CI === "true") throw new Error(reason);
      console.log(`    skipped: ${reason}`);
      this.skip();
    }
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "estimate-host-build-"));
    provider = await serializeProvider(imageSizeEstimateProvider());
    host = await startDynamicProviderHost(process.env, root);
  });
  after(async () => {
    await host?.stop();
    if (workDir !== undefined) fs.rmSync(workDir, { recursive: true, force: true });
  });

  function context(name: string, dockerfile: string): Record<string, unknown> {
    const dir = path.join(workDir, name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "Dockerfile"), dockerfile);
    return {
      [PROVIDER_KEY]: provider,
      context: dir,
      contextHash: `${name}-${process.pid}`.padEnd(64, "0"),
      cacheDir: path.join(workDir, "cache"),
    };
  }

  it("a failing build: no size, the note keeps the reason (not only the first line), bounded", async () => {
    const checked = await host.check(
      {},
      context("fails", `FROM ${BASE}\nRUN echo settings-marker-7 && exit 3\n`),
    );
    assert.equal(checked.sizeBytes, null);
    const note = String(checked.note);
    // buildx measures (local-estimate.ts `exportOciLayout`); the note keeps buildx's failure summary.
    assert.ok(note.startsWith("size estimate failed: docker buildx build failed (exit 1): | "), note);
    assert.match(note, / > \[2\/2\] RUN echo settings-marker-7 && exit 3:/, "the failing step is named");
    assert.match(note, /settings-marker-7 \| /, "the failing step's output is in the note");
    assert.match(note, /\| ERROR: failed to solve: .*exit code: 3$/, "BuildKit's reason ends the note");
    assert.doesNotMatch(note, /#\d+ |\[internal\]/, "the progress log is not the reason");
    assert.ok(note.length <= MAX_NOTE_CHARS, `bounded: ${note.length}`);
  });

  it("a hung build: stopped after timeoutSeconds, no size, a note; the docker processes are gone", async () => {
    const news: Record<string, unknown> = {
      // A step of its own per run: BuildKit caches a `RUN sleep 600` that once ran to its end (a build
      // left running by an earlier run), and the build would not hang then.
      ...context("hangs", `FROM ${BASE}\nRUN echo ${process.pid}-${Date.now()} && sleep 600\n`),
      timeoutSeconds: 20,
    };
    const started = Date.now();
    const checked = await host.check({}, news);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(checked.sizeBytes, null);
    assert.equal(
      checked.note,
      "size estimate failed: no result within 20 s (timeoutSeconds); the build was stopped",
    );
    assert.ok(seconds < 60, `answered after ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const left = spawnSync("pgrep", ["-af", String(news["context"])], { encoding: "utf8" }).stdout.trim();
    assert.equal(left, "", "no docker CLI or buildx process left for the hung build");
  });

  it("failureNote keeps the end of a long failure", () => {
    const note = failureNote(new Error(`docker build failed (exit 1):\n${"x".repeat(5000)}\nthe reason`));
    assert.equal(note.length, MAX_NOTE_CHARS);
    assert.ok(note.endsWith("the reason"));
    assert.ok(note.startsWith("size estimate failed: …"));
  });
});
