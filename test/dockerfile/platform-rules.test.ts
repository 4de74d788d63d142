import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { analyzeDockerfile } from "../../components/dockerfile";

const APP_DOCKERFILE = readFileSync(join(__dirname, "..", "..", "app", "Dockerfile"), "utf8");
const TWO = ["linux/amd64", "linux/arm64"];

function emulated(text: string, platforms?: string[], target?: string) {
  return analyzeDockerfile(text, { platforms, target })
    .filter((finding) => finding.id === "emulated-build-stage")
    .map(({ line, stage, message }) => ({ line, stage, message }));
}

describe("emulated-build-stage (components/dockerfile/platform-rules.ts)", () => {
  it("app/Dockerfile: deps and build run on $BUILDPLATFORM, so nothing is reported", () => {
    assert.deepEqual(emulated(APP_DOCKERFILE, TWO), []);
  });

  it("app/Dockerfile without --platform=$BUILDPLATFORM: deps is reported, build inherits it", () => {
    // Every stage's flag (deps and modules, which build starts FROM).
    const withoutFlag = APP_DOCKERFILE.replaceAll("FROM --platform=$BUILDPLATFORM ", "FROM ");
    const line =
      withoutFlag.split("\n").findIndex((text) => text.startsWith("FROM ${NODE_BUILD_IMAGE} AS deps")) + 1;
    const runLine =
      withoutFlag.split("\n").findIndex((text) => text.startsWith("RUN --mount=type=cache")) + 1;
    const buildLine =
      withoutFlag.split("\n").findIndex((text) => text.startsWith("FROM modules AS build")) + 1;
    const esbuildLine =
      withoutFlag.split("\n").findIndex((text) => text.startsWith('RUN ["/app/node_modules/.bin/esbuild"')) +
      1;
    assert.deepEqual(emulated(withoutFlag, TWO), [
      {
        line,
        stage: "deps",
        message: `Stage deps runs RUN (first on line ${runLine}) on each target platform (linux/amd64, linux/arm64): every platform but the builder's own runs it under emulation.`,
      },
      {
        line: buildLine,
        stage: "build",
        message: `Stage build runs RUN (first on line ${esbuildLine}) on each target platform (linux/amd64, linux/arm64): every platform but the builder's own runs it under emulation.`,
      },
    ]);
    // One platform: nothing is emulated by choice, so nothing is reported.
    assert.deepEqual(emulated(withoutFlag, ["linux/arm64"]), []);
    assert.deepEqual(emulated(withoutFlag, undefined), []);
  });

  it("judges only stages the target copies from, never the target's own FROM chain or unused stages", () => {
    const text = [
      "FROM node:22 AS tools", // 1: unused by the target
      "RUN npm i -g something",
      "FROM node:22-slim AS base", // 3: the runtime's FROM chain: must run on the target platform
      "RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*",
      "FROM --platform=${BUILDOS}/${BUILDARCH} node:22 AS web", // 5: on the build platform
      "RUN npm run build",
      "FROM node:22 AS assets", // 7: copied from by index, under emulation
      "RUN make assets",
      "FROM base",
      "COPY --from=web /dist /app",
      "COPY --from=3 /out /assets",
      "USER node",
    ].join("\n");
    assert.deepEqual(emulated(text, TWO), [
      {
        line: 7,
        stage: "assets",
        message:
          "Stage assets runs RUN (first on line 8) on each target platform (linux/amd64, linux/arm64): every platform but the builder's own runs it under emulation.",
      },
    ]);
    // Built with --target tools, `tools` is the target's own stage: not judged.
    assert.deepEqual(emulated(text, TWO, "tools"), []);
  });
});
