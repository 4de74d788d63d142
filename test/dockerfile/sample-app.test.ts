import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { analyzeDockerfile } from "../../components/dockerfile";

const APP = join(__dirname, "..", "..", "app");

function listFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    return statSync(path).isDirectory() ? listFiles(path) : [relative(APP, path).split("\\").join("/")];
  });
}

describe("the sample app's own Dockerfile", () => {
  it("has no warning- or error-level findings (with its .dockerignore and its real file list)", () => {
    const findings = analyzeDockerfile(readFileSync(join(APP, "Dockerfile"), "utf8"), {
      dockerignore: readFileSync(join(APP, ".dockerignore"), "utf8"),
      contextFiles: listFiles(APP),
    });
    const serious = findings.filter((finding) => finding.severity !== "info");
    assert.deepEqual(
      serious,
      [],
      serious.map((finding) => `${finding.line} ${finding.id}: ${finding.message}`).join("\n"),
    );
  });

  it("would be flagged if its runtime stage used the full build image", () => {
    // Guards against the test above passing because nothing was analyzed: the same file with the
    // runtime base swapped for the build base must report it.
    const text = readFileSync(join(APP, "Dockerfile"), "utf8").replace(
      /^ARG NODE_RUNTIME_IMAGE=.*$/m,
      "ARG NODE_RUNTIME_IMAGE=node:22-bookworm",
    );
    assert.ok(
      analyzeDockerfile(text, { dockerignore: null }).some((finding) => finding.id === "full-base-image"),
    );
  });
});
