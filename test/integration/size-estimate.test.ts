/**
 * Issue 5 item 4: the preview-time estimate must be within 3% of what the registry stores. Each
 * variant is built once by estimateImageSize (keepImage), pushed to the local registry by dockerd
 * (gzip at its default level, as a push to ECR does), and the manifest's layers[].size are summed.
 *
 * Needs `bash scripts/test-infra.sh up` (the engine, registry on 127.0.0.1:5000, the test bases).
 * Without them the suite is skipped with the reason, unless CI=true, where it fails.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { dockerEngineAvailable, runDocker } from "../../components/size/docker-cli";
import { estimateImageSize } from "../../components/size/local-estimate";
import { fetchManifest } from "../../tools/lib/registry";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const REGISTRY = process.env.REGISTRY_ADDR ?? "127.0.0.1:5000";
const TOLERANCE = 0.03;
const BASES = {
  NODE_BUILD_IMAGE: "ecr-pipeline-test/node:22-full",
  NODE_RUNTIME_IMAGE: "ecr-pipeline-test/node:22-slim",
};

interface Variant {
  name: string;
  dockerfile: string;
  buildArgs: Record<string, string>;
}

/** The four benchmark variants; our own stand-ins for bench/* when that folder does not exist yet. */
function variants(): Variant[] {
  const bench = (file: string): string => {
    const real = path.join(REPO_ROOT, "bench", `${file}.Dockerfile`);
    return fs.existsSync(real)
      ? real
      : path.join(REPO_ROOT, "test", "fixtures", "estimate", `${file}.Dockerfile`);
  };
  return [
    // bench/naive and bench/slim take their one base as NODE_IMAGE; the stand-ins use the pair.
    {
      name: "naive",
      dockerfile: bench("naive"),
      buildArgs: { ...BASES, NODE_IMAGE: BASES.NODE_BUILD_IMAGE },
    },
    {
      name: "slim",
      dockerfile: bench("slim"),
      buildArgs: { ...BASES, NODE_IMAGE: BASES.NODE_RUNTIME_IMAGE },
    },
    { name: "multistage", dockerfile: bench("multistage"), buildArgs: BASES },
    {
      name: "optimized",
      dockerfile: path.join(REPO_ROOT, "app", "Dockerfile"),
      buildArgs: { ...BASES, NODE_RUNTIME_IMAGE: "ecr-pipeline-test/node:22-distroless" },
    },
  ];
}

async function registryManifestLayerBytes(repository: string, tag: string): Promise<number[]> {
  // fetchManifest resolves the OCI index the containerd image store pushes (image + attestation).
  const manifest = await fetchManifest(repository, tag, REGISTRY);
  return manifest.layers.map((layer) => layer.size);
}

async function registryAnswers(): Promise<boolean> {
  try {
    return (await fetch(`http://${REGISTRY}/v2/`, { signal: AbortSignal.timeout(3000) })).ok;
  } catch {
    return false;
  }
}

describe("preview-time size estimate vs the registry's compressed size", function () {
  before(async function () {
    const missing: string[] = [];
    if (!(await dockerEngineAvailable())) missing.push("no Docker engine");
    else {
      for (const image of Object.values(BASES)) {
        if ((await runDocker(["image", "inspect", image])).exitCode !== 0)
          missing.push(`no base image ${image}`);
      }
    }
    if (!(await registryAnswers())) missing.push(`no registry on ${REGISTRY}`);
    if (missing.length === 0) return;
    const reason = `${missing.join(", ")}: run \`bash scripts/test-infra.sh up\``;
    if (process.env.CI === "true") throw new Error(reason);
    console.log(`    skipped: ${reason}`);
    this.skip();
  });

  for (const variant of variants()) {
    it(`${variant.name} (${path.relative(REPO_ROOT, variant.dockerfile)}): within ${TOLERANCE * 100}%`, async () => {
      const estimate = await estimateImageSize({
        context: path.join(REPO_ROOT, "app"),
        dockerfile: variant.dockerfile,
        buildArgs: variant.buildArgs,
        cacheDir: false,
        keepImage: true,
      });
      assert.ok(estimate.imageRef !== undefined && estimate.sizeBytes !== undefined, estimate.note);
      const repository = `ecr-pipeline-estimate-test/${variant.name}`;
      const tag = estimate.contextHash.slice(0, 16);
      const pushed = `${REGISTRY}/${repository}:${tag}`;
      try {
        assert.equal((await runDocker(["tag", estimate.imageRef, pushed])).exitCode, 0);
        const push = await runDocker(["push", pushed]);
        assert.equal(push.exitCode, 0, push.stderr);
        const registryLayers = await registryManifestLayerBytes(repository, tag);
        const registryBytes = registryLayers.reduce((total, size) => total + size, 0);
        const error = (estimate.sizeBytes - registryBytes) / registryBytes;
        console.log(
          `      ${variant.name}: estimate ${estimate.sizeBytes} B, registry ${registryBytes} B ` +
            `(${registryLayers.length} layers), error ${(error * 100).toFixed(2)}%, uncompressed ${estimate.uncompressedBytes} B`,
        );
        assert.equal(estimate.layers.length, registryLayers.length, "layer count");
        assert.ok(Math.abs(error) <= TOLERANCE, `estimate off by ${(error * 100).toFixed(2)}%`);
      } finally {
        await runDocker(["image", "rm", "--force", estimate.imageRef, pushed]);
      }
    });
  }
});
