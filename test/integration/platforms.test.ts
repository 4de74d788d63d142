// Several platforms the way BuildKitImage has docker-build do it, for real on the test engine: one
// cached build per platform (own cache tag `buildcache-<arch>`, image tagged `<content tag>-<arch>`),
// then an index over the two pushed digests. The commands are the ones the provider runs (v0.0.22):
// - each Image: `docker buildx build --platform <p> --output type=registry,push=true,oci-mediatypes=false`
//   with `--cache-from type=registry,ref=<cache>` and `--cache-to type=registry,ref=<cache>,mode=max,
//   ignore-error=true,oci-mediatypes=true,image-manifest=true` (provider/internal/cli.go 288-330,
//   cache.go CacheToRegistry.String 550-561), provenance off (client.go 270-273);
// - the Index: `docker buildx imagetools create --progress=plain --tag <tag> <sources…>` (client.go
//   340-364), sources being each Image's `ref`, `<tag>@<digest>`.
// `registry.insecure=true` is added for the loopback registry only. Checked: the index lists both
// platforms with the pushed digests; app/'s build stage ran on the build platform (the arm64 build
// reuses the esbuild step the amd64 build ran); each platform's cache is an OCI image manifest;
// the arm64 image, pulled through the index, answers /healthz under emulation (qemu-aarch64).
// No engine, registry, bases or arm64 emulation: fails with CI=true, else skipped with the reason.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchVariant, prepareContext, REPO_ROOT } from "../../tools/lib/bench-variants";
import { docker } from "../../tools/lib/docker";
import { LOCAL_REGISTRY } from "../../tools/lib/registry";
import { requireInfrastructure } from "./lib/infrastructure";

const REGISTRY = LOCAL_REGISTRY;
const RUN_ID = `it${process.pid}`;
const REPOSITORY = `builds-platforms`;
const CONTENT_TAG = `ctx-${RUN_ID}`;
const CONTEXT_DIR = join(REPO_ROOT, ".work", "integration-platforms");
const ARCHES = ["amd64", "arm64"] as const;
type Arch = (typeof ARCHES)[number];
const PORT = 18900 + Math.floor(Math.random() * 90);

interface IndexManifest {
  mediaType: string;
  manifests: { digest: string; platform?: { os: string; architecture: string } }[];
}

async function fetchJson(path: string, accept: string): Promise<{ body: unknown; digest: string }> {
  const response = await fetch(`http://${REGISTRY}/v2/${path}`, { headers: { accept } });
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
  return { body: await response.json(), digest: response.headers.get("docker-content-digest") ?? "" };
}

describe("several platforms: per-platform cached builds joined by an index (integration)", function () {
  const digests = {} as Record<Arch, string>;
  const logs = {} as Record<Arch, string>;
  let indexDigest = "";
  let metadataDir = "";

  before(async function () {
    await requireInfrastructure(this, {
      platforms: ["linux/amd64", "linux/arm64"],
      bases: Object.values(benchVariant("optimized").buildArgs),
    });
    const variant = benchVariant("optimized");
    const context = prepareContext(variant, CONTEXT_DIR);
    // A file only this run has: the build stage's cache key is new, so amd64 must run esbuild and arm64
    // can only get it CACHED from amd64's build in this run.
    writeFileSync(join(context, "src", "run-id.txt"), `${RUN_ID} ${Date.now()}\n`);
    metadataDir = mkdtempSync(join(tmpdir(), "builds-platforms-"));
    for (const arch of ARCHES) {
      const cache = `${REGISTRY}/${REPOSITORY}:buildcache-${arch}`;
      const metadata = join(metadataDir, `${arch}.json`);
      const build = await docker([
        "buildx",
        "build",
        "--progress=plain",
        "--network=host",
        "--provenance=false",
        "--metadata-file",
        metadata,
        "--platform",
        `linux/${arch}`,
        ...Object.entries(variant.buildArgs).flatMap(([name, value]) => ["--build-arg", `${name}=${value}`]),
        "-f",
        join(context, "Dockerfile"),
        "-t",
        `${REGISTRY}/${REPOSITORY}:${CONTENT_TAG}-${arch}`,
        "--cache-from",
        `type=registry,ref=${cache},registry.insecure=true`,
        "--cache-to",
        `type=registry,ref=${cache},mode=max,ignore-error=true,oci-mediatypes=true,image-manifest=true,registry.insecure=true`,
        "--output",
        "type=registry,push=true,oci-mediatypes=false,registry.insecure=true",
        context,
      ]);
      logs[arch] = build.stderr + build.stdout;
      writeFileSync(join(CONTEXT_DIR, `build-${arch}.log`), logs[arch]);
      const digest = (JSON.parse(readFileSync(metadata, "utf8")) as Record<string, unknown>)[
        "containerimage.digest"
      ];
      assert.equal(typeof digest, "string", `no digest in the ${arch} build's metadata`);
      digests[arch] = digest as string;
    }
    await docker([
      "buildx",
      "imagetools",
      "create",
      "--progress=plain",
      "--tag",
      `${REGISTRY}/${REPOSITORY}:${CONTENT_TAG}`,
      ...ARCHES.map((arch) => `${REGISTRY}/${REPOSITORY}:${CONTENT_TAG}-${arch}@${digests[arch]}`),
    ]);
  });

  after(async function () {
    if (metadataDir !== "") rmSync(metadataDir, { recursive: true, force: true });
    // With the containerd image store the docker driver also keeps each pushed image locally.
    const local = ARCHES.map((arch) => `${REGISTRY}/${REPOSITORY}:${CONTENT_TAG}-${arch}`);
    if (indexDigest !== "") local.push(`${REGISTRY}/${REPOSITORY}@${indexDigest}`);
    for (const reference of local) await docker(["image", "rm", reference]).catch(() => undefined);
  });

  it("the index lists exactly the two pushed platform images", async function () {
    const { body, digest } = await fetchJson(
      `${REPOSITORY}/manifests/${CONTENT_TAG}`,
      "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json",
    );
    const index = body as IndexManifest;
    indexDigest = digest;
    assert.match(indexDigest, /^sha256:[0-9a-f]{64}$/);
    assert.match(index.mediaType, /manifest\.list|image\.index/);
    assert.deepEqual(
      index.manifests.map((m) => [`${m.platform?.os}/${m.platform?.architecture}`, m.digest]),
      ARCHES.map((arch) => [`linux/${arch}`, digests[arch]]),
    );
    // Each platform's cache was written in ECR's form: one OCI image manifest under its own tag.
    for (const arch of ARCHES) {
      const cache = await fetchJson(
        `${REPOSITORY}/manifests/buildcache-${arch}`,
        "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json",
      );
      assert.equal(
        (cache.body as { mediaType?: string }).mediaType,
        "application/vnd.oci.image.manifest.v1+json",
      );
    }
  });

  it("an extra tag's promotion Index over the content tag's index is the same index (same digest)", async function () {
    // BuildKitImage gives each extra tag its own Index whose one source is the pushed content index
    // (components/image.ts, issue 18 item 3); `imagetools create` copies an index byte for byte.
    await docker([
      "buildx",
      "imagetools",
      "create",
      "--progress=plain",
      "--tag",
      `${REGISTRY}/${REPOSITORY}:deployed-${RUN_ID}`,
      `${REGISTRY}/${REPOSITORY}:${CONTENT_TAG}@${indexDigest}`,
    ]);
    const { digest } = await fetchJson(
      `${REPOSITORY}/manifests/deployed-${RUN_ID}`,
      "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json",
    );
    assert.equal(digest, indexDigest);
  });

  it("runs the deps stage on the build platform: arm64 reuses the npm ci amd64 ran in this run", async function () {
    // Both builds run on this amd64 machine. With `FROM --platform=$BUILDPLATFORM` the arm64 build's deps
    // steps have the same cache keys as amd64's: amd64 runs them, arm64 gets them CACHED (under emulation
    // they would be different, arm64, steps). The bundler's stage starts FROM scratch (app/Dockerfile,
    // `modules`): BuildKit keys its RUN with the target platform whatever the FROM says (measured), so
    // arm64 runs esbuild again (~0.1 s) — natively: it is the build machine's binary from node_modules.
    const outcome = (log: string, stage: string, pattern: RegExp): string | undefined => {
      const step = new RegExp(`^#(\\d+) \\[${stage} [^\\]]*\\] ${pattern.source}`, "m").exec(log)?.[1];
      return step === undefined ? undefined : new RegExp(`^#${step} (CACHED|DONE)`, "m").exec(log)?.[1];
    };
    assert.equal(
      outcome(logs.amd64, "build", /RUN .*esbuild/),
      "DONE",
      "amd64 did not run esbuild on the new source",
    );
    assert.notEqual(outcome(logs.arm64, "deps", /RUN .*npm ci/), "DONE", "arm64 ran npm ci itself");
    const firstLayer = async (arch: Arch): Promise<string | undefined> =>
      (
        (
          await fetchJson(
            `${REPOSITORY}/manifests/${digests[arch]}`,
            "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json",
          )
        ).body as { layers: { digest: string }[] }
      ).layers[0]?.digest;
    assert.notEqual(
      await firstLayer("arm64"),
      await firstLayer("amd64"),
      "the runtime base should be per platform",
    );
  });

  it("the arm64 image, pulled through the index, answers /healthz under emulation", async function () {
    const reference = `${REGISTRY}/${REPOSITORY}@${indexDigest}`;
    const run = await docker([
      "run",
      "-d",
      "--platform",
      "linux/arm64",
      "--network=host",
      "-e",
      "HOST=127.0.0.1",
      "-e",
      `PORT=${PORT}`,
      reference,
    ]);
    const id = run.stdout.trim();
    try {
      const deadline = Date.now() + 60_000; // node starts slowly under qemu
      let health: { status?: string } | undefined;
      while (health === undefined && Date.now() < deadline) {
        try {
          const response = await fetch(`http://127.0.0.1:${PORT}/healthz`);
          if (response.ok) health = (await response.json()) as { status?: string };
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
      assert.equal(health?.status, "ok", "no /healthz answer within 60 s");
      const pid = (await docker(["inspect", "-f", "{{.State.Pid}}", id])).stdout.trim();
      // binfmt_misc with the F flag: the kernel runs the aarch64 ELF through qemu-aarch64.
      assert.match(readlinkSync(`/proc/${pid}/exe`), /qemu-aarch64/);
    } finally {
      await docker(["rm", "-f", id]).catch(() => undefined);
    }
  });
});
