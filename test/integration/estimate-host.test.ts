import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { failureNote, MAX_NOTE_CHARS } from "../../components/size/estimate-provider";
import { useEstimateHost } from "../helpers/estimate-host";

/** A local base with /bin/sleep (scripts/test-infra.sh builds it). */
const BASE = "ecr-pipeline-test/node:22-slim";

/**
 * A failing and a hung build, measured by the serialized ImageSizeEstimate provider in Pulumi's real
 * dynamic-provider host against the Docker engine: both end in a note (basis `budget` downstream), never
 * in a failed check, and the hung build's processes are killed.
 */
describe("ImageSizeEstimate provider in the real host: build failure and timeout", function () {
  this.timeout(300_000);
  const estimate = useEstimateHost({ prefix: "estimate-host-build-", base: BASE });
  const context = (name: string, dockerfile: string) => estimate.inputs(name, dockerfile);

  it("a failing build: no size, the note keeps the reason (not only the first line), bounded", async () => {
    const checked = await estimate.host.check(
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
    const checked = await estimate.host.check({}, news);
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
