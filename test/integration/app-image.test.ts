// Builds app/ for real with the Debian-built test bases (bash scripts/test-infra.sh up) and checks what
// ships: non-root, answers /healthz, exits cleanly on SIGTERM, no dev dependencies, compilers, .git, tests
// or .env; then pushes to the local registry and reads the compressed size from the manifest.
// No Docker engine: with CI=true the suite fails loudly; otherwise it is skipped with the reason printed.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { benchVariant, prepareContext, REPO_ROOT, TEST_BASE_IMAGES } from "../../tools/lib/bench-variants";
import {
  buildImage,
  containerPid,
  dockerEngineStatus,
  imageExists,
  inspectImage,
  listImageFiles,
  removeContainer,
  removeImages,
  startContainer,
  stopContainer,
  waitForJson,
  type ImageFacts,
  type ImageFile,
} from "../../tools/lib/docker";
import { compressedBytes, LOCAL_REGISTRY, pushImage, registryAnswers } from "../../tools/lib/registry";

const RUN_ID = `it${process.pid}`;
// Not the bench's folder: the two may run at the same time.
const CONTEXT_DIR = join(REPO_ROOT, ".work", "integration");
const IMAGE = `ecr-pipeline-test/app:${RUN_ID}`;
const SLIM_RUNTIME_IMAGE = `ecr-pipeline-test/app:${RUN_ID}-slim`;
// Above the bench's ports (18400+), away from common dev servers; randomised so parallel runs do not clash.
const PORT = 18500 + Math.floor(Math.random() * 400);

/** Skips (locally) or fails (CI=true) when the infrastructure is missing; returns why, or undefined. */
async function missingInfrastructure(): Promise<string | undefined> {
  const engine = await dockerEngineStatus();
  if (!engine.reachable) return engine.reason;
  if (!(await registryAnswers())) return `no registry answers on ${LOCAL_REGISTRY}`;
  for (const base of Object.values(TEST_BASE_IMAGES)) {
    if (!(await imageExists(base))) return `base image ${base} is missing`;
  }
  return undefined;
}

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

  before(async function () {
    const missing = await missingInfrastructure();
    if (missing) {
      const hint = "start it with: bash scripts/test-infra.sh up";
      if (process.env.CI === "true") throw new Error(`CI=true but ${missing}; ${hint}`);
      console.log(`      skipped: ${missing} (${hint})`);
      this.skip();
    }
    const variant = benchVariant("optimized");
    const build = await buildImage({
      context: prepareContext(variant, CONTEXT_DIR),
      dockerfile: variant.dockerfile,
      tag: IMAGE,
      buildArgs: variant.buildArgs,
    });
    assert.ok(build.steps > 0, "the build log lists no steps");
    facts = await inspectImage(IMAGE);
    files = await listImageFiles(IMAGE);
  });

  after(async function () {
    await removeImages([IMAGE, SLIM_RUNTIME_IMAGE, `${LOCAL_REGISTRY}/ecr-pipeline-test/app:${RUN_ID}`]);
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

  it("ships the production dependency but no dev dependencies", function () {
    const paths = new Set(files.map((file) => file.path));
    // The positive control: without it, "no typescript" could just mean "no node_modules at all".
    assert.ok(paths.has("app/node_modules/ms/package.json"), "production dependency ms is missing");
    const devPackages = ["typescript", "@types/node", "@types/ms"];
    for (const name of devPackages) {
      assert.ok(!paths.has(`app/node_modules/${name}/package.json`), `dev dependency ${name} shipped`);
    }
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
});
