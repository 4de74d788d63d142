// Builds app/ for real with the Debian-built test bases (bash scripts/test-infra.sh up) and checks what
// ships: non-root, answers /healthz, exits cleanly on SIGTERM, no node_modules at all (ms is bundled into
// dist/server.js), no compilers, .git, tests or .env; then pushes to the local registry and reads the
// compressed size from the manifest. It also builds the Dockerfile's `check` stage (tsc --noEmit and the
// app's tests), which the runtime image does not depend on, and shows that a type error or a failing
// app test fails that build: this suite is where CI type-checks the app.
// No Docker engine: with CI=true the suite fails loudly; otherwise it is skipped with the reason printed.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchVariant, prepareContext, REPO_ROOT, TEST_BASE_IMAGES } from "../../tools/lib/bench-variants";
import {
  buildImage,
  containerPid,
  inspectImage,
  listImageFiles,
  readImageTextFile,
  removeContainer,
  removeImages,
  startContainer,
  stopContainer,
  waitForJson,
  type ImageFacts,
  type ImageFile,
} from "../../tools/lib/docker";
import { CommandError } from "../../tools/lib/process";
import { requireInfrastructure } from "./lib/infrastructure";
import { compressedBytes, LOCAL_REGISTRY, pushImage } from "../../tools/lib/registry";

const RUN_ID = `it${process.pid}`;
// Not the bench's folder: the two may run at the same time.
const CONTEXT_DIR = join(REPO_ROOT, ".work", "integration");
const IMAGE = `ecr-pipeline-test/app:${RUN_ID}`;
const SLIM_RUNTIME_IMAGE = `ecr-pipeline-test/app:${RUN_ID}-slim`;
const CHECK_IMAGE = `ecr-pipeline-test/app:${RUN_ID}-check`;
const BROKEN_CHECK_IMAGE = `ecr-pipeline-test/app:${RUN_ID}-check-broken`;
/** ms's own error message (node_modules/ms/index.js): present in the bundle only if ms was inlined. */
const MS_MARKER = "val is not a non-empty string or a valid number";
// Above the bench's ports (18400+), away from common dev servers; randomised so parallel runs do not clash.
const PORT = 18500 + Math.floor(Math.random() * 400);

function hostUidOfContainer(pid: number): number {
  // dockerd runs on this host, so the container's PID 1 is visible in our /proc: no `id` needed in the image.
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const uidLine = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
  assert.ok(uidLine, `no Uid line in /proc/${pid}/status`);
  return Number(uidLine[2]);
}

describe("app/ image built for real (integration)", function () {
  let facts: ImageFacts;
  let files: ImageFile[];
  let buildLog: string;

  before(async function () {
    await requireInfrastructure(this, { bases: Object.values(TEST_BASE_IMAGES) });
    const variant = benchVariant("optimized");
    const build = await buildImage({
      context: prepareContext(variant, CONTEXT_DIR),
      dockerfile: variant.dockerfile,
      tag: IMAGE,
      buildArgs: variant.buildArgs,
    });
    assert.ok(build.steps > 0, "the build log lists no steps");
    buildLog = build.log;
    facts = await inspectImage(IMAGE);
    files = await listImageFiles(IMAGE);
  });

  after(async function () {
    await removeImages([
      IMAGE,
      SLIM_RUNTIME_IMAGE,
      CHECK_IMAGE,
      BROKEN_CHECK_IMAGE,
      `${LOCAL_REGISTRY}/ecr-pipeline-test/app:${RUN_ID}`,
    ]);
  });

  it("declares a non-root user and an exec-form healthcheck", function () {
    const [user] = facts.user.split(":");
    assert.ok(
      user !== undefined && user !== "" && user !== "0" && user !== "root",
      `Config.User is "${facts.user}"`,
    );
    assert.deepEqual(facts.healthcheck?.[0], "CMD", `healthcheck ${JSON.stringify(facts.healthcheck)}`);
  });

  it("answers /healthz on 127.0.0.1 as a non-root process and exits 0 on SIGTERM", async function () {
    const container = await startContainer(IMAGE, PORT);
    try {
      const health = (await waitForJson(`http://127.0.0.1:${PORT}/healthz`)) as { status?: string };
      assert.equal(health.status, "ok");
      const root = (await waitForJson(`http://127.0.0.1:${PORT}/`)) as { service?: string };
      assert.equal(root.service, "ecr-pipeline-sample-app");

      const uid = hostUidOfContainer(await containerPid(container.id));
      assert.notEqual(uid, 0, "the app process runs as root");
      assert.equal(uid, 65532);

      assert.equal(await stopContainer(container.id, 10), 0, "SIGTERM did not lead to a clean exit");
    } finally {
      await removeContainer(container.id);
    }
  });

  it("ships no node_modules at all: ms is bundled into dist/server.js, no typescript or esbuild", async function () {
    const paths = files.map((file) => file.path);
    assert.deepEqual(
      paths.filter((path) => /(^|\/)node_modules(\/|$)/.test(path)),
      [],
      "node_modules shipped",
    );
    assert.deepEqual(
      paths.filter((path) => /(^|\/)(typescript|esbuild|@esbuild|@types)(\/|$)/.test(path)),
      [],
      "a dev dependency shipped",
    );
    assert.deepEqual(
      paths.filter((path) => path.startsWith("app/dist/")),
      ["app/dist/server.js"],
      "dist/ should hold the one bundle",
    );
    // The positive control: without it, "no node_modules" could just mean "ms is missing".
    const bundle = await readImageTextFile(IMAGE, "/app/dist/server.js");
    assert.ok(bundle.includes(MS_MARKER), "dist/server.js does not contain ms's code");
    assert.ok(!/require\(["']ms["']\)/.test(bundle), "dist/server.js still requires ms at run time");
  });

  it("does not build the check stage for the runtime image", function () {
    // The type check must cost the shipped build nothing: BuildKit skips stages the target does not need.
    assert.ok(/^#\d+ \[build /m.test(buildLog), "the build log shows no build stage at all");
    assert.ok(!/^#\d+ \[check /m.test(buildLog), "the runtime build ran the check stage");
    assert.ok(!/\btsc\b/.test(buildLog), "the runtime build ran tsc");
  });

  it("contains no compilers, package manager, shell, .git, tests, sources or .env", function () {
    const offending = files
      .map((file) => file.path)
      .filter(
        (path) =>
          /(^|\/)(gcc|g\+\+|cc|c\+\+|clang|make|tsc|npm|npx|python3?)$/.test(path) ||
          /(^|\/)bin\/(sh|bash|dash)$/.test(path) ||
          /(^|\/)\.git(\/|$)/.test(path) ||
          /(^|\/)\.env(\.|$)/.test(path) ||
          /^app\/(test|tests|src)(\/|$)/.test(path) ||
          /\.test\.(m?js|ts)$/.test(path),
      );
    assert.deepEqual(offending, []);
    assert.ok(
      files.some((file) => file.path === "app/dist/server.js"),
      "app/dist/server.js is missing",
    );
  });

  it("pushes to the local registry; the manifest's compressed size is below the uncompressed size", async function () {
    const pushed = await pushImage(IMAGE, "ecr-pipeline-test/app", RUN_ID);
    const compressed = compressedBytes(pushed.manifest);
    assert.equal(
      pushed.manifest.layers.length,
      facts.layers,
      "manifest and image disagree on the layer count",
    );
    assert.ok(pushed.manifest.layers.every((layer) => layer.size > 0));
    assert.ok(compressed > 1_000_000, `compressed ${compressed} B is implausibly small for node`);
    assert.ok(compressed < facts.size, `compressed ${compressed} B >= uncompressed ${facts.size} B`);
    console.log(
      `      ${IMAGE}: ${facts.size} B uncompressed, ${compressed} B compressed in ${facts.layers} layers`,
    );
  });

  it("also runs on the node:22-bookworm-slim-style runtime (the other production choice)", async function () {
    const variant = benchVariant("optimized");
    await buildImage({
      context: prepareContext(variant, CONTEXT_DIR),
      dockerfile: variant.dockerfile,
      tag: SLIM_RUNTIME_IMAGE,
      buildArgs: { ...variant.buildArgs, NODE_RUNTIME_IMAGE: TEST_BASE_IMAGES.slim },
    });
    const slimFacts = await inspectImage(SLIM_RUNTIME_IMAGE);
    assert.ok(slimFacts.size > facts.size, "the slim runtime should be larger than the distroless one");
    const container = await startContainer(SLIM_RUNTIME_IMAGE, PORT + 1);
    try {
      const health = (await waitForJson(`http://127.0.0.1:${PORT + 1}/healthz`)) as { status?: string };
      assert.equal(health.status, "ok");
    } finally {
      await removeContainer(container.id);
    }
  });

  it("builds --target check: tsc --noEmit and the app's tests pass", async function () {
    const variant = benchVariant("optimized");
    const build = await buildImage({
      context: prepareContext(variant, CONTEXT_DIR),
      dockerfile: variant.dockerfile,
      tag: CHECK_IMAGE,
      buildArgs: variant.buildArgs,
      target: "check",
      // The check is the point: a cached result from an earlier run would prove nothing about this one.
      noCache: true,
    });
    assert.match(build.log, /tsc --noEmit -p tsconfig\.json/, "the check stage did not run tsc");
    assert.match(build.log, /# pass 1\b/, "the app's test did not pass in the check stage");
    assert.match(build.log, /# fail 0\b/);
  });

  it("fails --target check on a type error and on a failing app test", async function () {
    const variant = benchVariant("optimized");
    const brokenBuild = async (label: string, breakIt: (context: string) => void, expected: RegExp) => {
      const context = prepareContext(variant, join(CONTEXT_DIR, label));
      breakIt(context);
      const failure = await buildImage({
        context,
        dockerfile: variant.dockerfile,
        tag: BROKEN_CHECK_IMAGE,
        buildArgs: variant.buildArgs,
        target: "check",
      }).then(
        () => undefined,
        (error: unknown) => error,
      );
      assert.ok(failure instanceof CommandError, `--target check passed despite a ${label}`);
      // The whole build log, not just the error's tail: the build must fail for the reason planted.
      assert.match(failure.stderr, expected, `--target check failed, but not because of the ${label}`);
    };
    // esbuild would bundle this happily; only tsc rejects it.
    await brokenBuild(
      "type-error",
      (context) =>
        writeFileSync(
          join(context, "src", "version.ts"),
          "export const APP_VERSION: string = 1 as unknown as number;\n",
        ),
      /TS2322/,
    );
    await brokenBuild(
      "failing-test",
      (context) =>
        writeFileSync(
          join(context, "test", "zz-failing.test.mjs"),
          'import { test } from "node:test";\nimport assert from "node:assert/strict";\n' +
            'test("fails on purpose", () => assert.equal(1, 2));\n',
        ),
      /# fail 1\b/,
    );
  });
});
