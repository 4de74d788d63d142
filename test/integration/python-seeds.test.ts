// Seed 000's service (bench/python-service) built for real on the Debian-built Python bases
// (scripts/infra/bases-python.sh): our distroless-style Dockerfile gives an image that runs the service's
// check as uid 65532 with no shell, apt or pip in it, and the analyzer finds nothing on it; the seed's
// own optimized Dockerfile runs too, and its findings are the ones its report left open.
// The full table (all seeds, sizes, costs) is `npm run bench:seeds`; this suite keeps the images honest
// in CI without the heavy "before" builds.
import assert from "node:assert/strict";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { analyzeBuildDockerfile } from "../../components/dockerfile/build";
import { PYTHON_BASES } from "../../tools/bench-seeds";
import { REPO_ROOT } from "../../tools/lib/bench-variants";
import { buildImage, docker, listImageFiles, removeImages } from "../../tools/lib/docker";
import { requireInfrastructure } from "./lib/infrastructure";

const RUN_ID = `it${process.pid}`;
const CONTEXT = join(REPO_ROOT, ".work", "integration-python", RUN_ID);
const BEST = `ecr-pipeline-test/python-service:${RUN_ID}-best`;
const OPTIMIZED = `ecr-pipeline-test/python-service:${RUN_ID}-optimized`;

describe("seed 000's Python service built for real (integration)", function () {
  before(async function () {
    await requireInfrastructure(this, { bases: [PYTHON_BASES.slim, PYTHON_BASES.distroless] });
    rmSync(CONTEXT, { recursive: true, force: true });
    mkdirSync(CONTEXT, { recursive: true });
    cpSync(join(REPO_ROOT, "bench", "python-service"), CONTEXT, { recursive: true });
    await buildImage({
      context: CONTEXT,
      dockerfile: join(CONTEXT, "best.Dockerfile"),
      tag: BEST,
      buildArgs: { PYTHON_BUILD_IMAGE: PYTHON_BASES.slim, PYTHON_RUNTIME_IMAGE: PYTHON_BASES.distroless },
    });
    await buildImage({
      context: CONTEXT,
      dockerfile: join(CONTEXT, "optimized.Dockerfile"),
      tag: OPTIMIZED,
      buildArgs: { PYTHON_IMAGE: PYTHON_BASES.slim },
    });
  });
  after(async () => {
    await removeImages([BEST, OPTIMIZED]);
    rmSync(CONTEXT, { recursive: true, force: true });
  });

  it("ours runs the service's check as 65532, with flask and boto3, and ships no shell, apt or pip", async () => {
    const { stdout } = await docker(["run", "--rm", "--network=none", BEST, "app.py", "--check"]);
    assert.match(stdout, /^\{"version": "1", "boto3": "1\.\d+\.\d+"\}$/m);
    const user = (await docker(["image", "inspect", "-f", "{{.Config.User}}", BEST])).stdout.trim();
    assert.equal(user, "65532:65532");
    const paths = new Set((await listImageFiles(BEST)).map((file) => file.path));
    for (const absent of [
      "bin/sh",
      "usr/bin/dash",
      "usr/bin/apt-get",
      "usr/bin/pip3",
      "usr/lib/python3/dist-packages/pip",
    ])
      assert.ok(
        ![...paths].some((path) => path === absent || path.startsWith(`${absent}/`)),
        `${absent} in the image`,
      );
    assert.ok(paths.has("usr/lib/python3/dist-packages/boto3/__init__.py"), "boto3 is in the image");
  });

  it("the analyzer finds nothing on ours, and on the seed's after only what its report left open", () => {
    assert.deepEqual(analyzeBuildDockerfile(CONTEXT, join(CONTEXT, "best.Dockerfile")), []);
    assert.deepEqual(
      analyzeBuildDockerfile(CONTEXT, join(CONTEXT, "optimized.Dockerfile")).map((finding) => finding.id),
      ["no-healthcheck"],
    );
  });

  it("the seed's optimized Dockerfile runs the check as appuser", async () => {
    const { stdout } = await docker([
      "run",
      "--rm",
      "--network=none",
      OPTIMIZED,
      "python",
      "app.py",
      "--check",
    ]);
    assert.match(stdout, /"boto3"/);
  });
});
