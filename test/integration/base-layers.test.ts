/**
 * Issue 10: how many bottom layers of a built image come from its final stage's base
 * (components/size/base-layers.ts, measured by the local estimate). Real builds on the test engine:
 * - app/ on the distroless test base (one layer): 1, with `WORKDIR /app` and the bundle above it;
 * - a base built by BuildKit from a Dockerfile (the slim test base + a RUN + a COPY, pushed to
 *   127.0.0.1:5000/storage-base-<run>), whose own history entries carry BuildKit's
 *   `buildkit.dockerfile.v0` comment, then WORKDIR + COPY on top: 3. A rule reading that comment in the
 *   image's history would say 1 here.
 *
 * Needs `bash scripts/test-infra.sh up`. Without it the suite is skipped with the reason, unless CI=true.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { estimateImageSize } from "../../components/size/local-estimate";
import { REPO_ROOT, TEST_BASE_IMAGES } from "../../tools/lib/bench-variants";
import { docker } from "../../tools/lib/docker";
import { LOCAL_REGISTRY } from "../../tools/lib/registry";
import { requireInfrastructure } from "./lib/infrastructure";

const WORK = join(REPO_ROOT, ".work", "base-layers", `p${process.pid}`);

describe("base layer count of the final stage (integration)", function () {
  before(async function () {
    await requireInfrastructure(this, { bases: [TEST_BASE_IMAGES.slim, TEST_BASE_IMAGES.distroless] });
  });

  after(() => rmSync(WORK, { recursive: true, force: true }));

  it("app/ on the one-layer distroless base: 1", async () => {
    const estimate = await estimateImageSize({
      context: join(REPO_ROOT, "app"),
      buildArgs: { NODE_BUILD_IMAGE: TEST_BASE_IMAGES.slim, NODE_RUNTIME_IMAGE: TEST_BASE_IMAGES.distroless },
      cacheDir: false,
    });
    const [amd64] = estimate.platforms ?? [];
    assert.ok(amd64, estimate.note);
    assert.deepEqual(
      amd64.layers.map((layer) => layer.createdBy),
      ["", "WORKDIR /app", "COPY /app/dist ./dist # buildkit"],
    );
    assert.equal(amd64.baseLayerCount, 1);
  });

  it("a BuildKit-built base with two Dockerfile layers: 3, though its history says buildkit.dockerfile.v0", async () => {
    const base = `${LOCAL_REGISTRY}/storage-base-p${process.pid}:1`;
    mkdirSync(join(WORK, "base"), { recursive: true });
    mkdirSync(join(WORK, "app"), { recursive: true });
    writeFileSync(
      join(WORK, "base", "Dockerfile"),
      `FROM ${TEST_BASE_IMAGES.slim}\nRUN mkdir -p /opt/a && echo a > /opt/a/a\nCOPY b.txt /opt/b.txt\n`,
    );
    writeFileSync(join(WORK, "base", "b.txt"), "b\n");
    await docker([
      "buildx",
      "build",
      "--provenance=false",
      "--network=host",
      "--platform=linux/amd64",
      "--output",
      `type=image,name=${base},push=true,registry.insecure=true`,
      join(WORK, "base"),
    ]);
    writeFileSync(join(WORK, "app", "Dockerfile"), `FROM ${base}\nWORKDIR /app\nCOPY app.txt .\n`);
    writeFileSync(join(WORK, "app", "app.txt"), "app\n");

    const estimate = await estimateImageSize({ context: join(WORK, "app"), cacheDir: false });
    const [amd64] = estimate.platforms ?? [];
    assert.ok(amd64, estimate.note);
    assert.equal(amd64.layers.length, 5);
    assert.match(amd64.layers[1]?.createdBy ?? "", /^RUN .*# buildkit$/);
    assert.equal(amd64.baseLayerCount, 3);
    await docker(["image", "rm", base]).catch(() => undefined);
  });
});
