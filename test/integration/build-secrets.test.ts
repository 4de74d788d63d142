// Build secrets through the provider-equivalent build (issue 18 item 5): BuildKitImage's docker-build
// Image recorded under mocks with `secrets` and the registry cache on, run as pulumi-docker-build v0.0.22
// runs it (lib/provider-invocation.ts: each secret in a fresh environment variable, `--secret
// id=<id>,env=<var>`, cli.go 373-382). Shown on the engine and the local registry:
// - the RUN that mounts the secret reads it (it compares the secret's SHA-256 with the expected one and
//   fails otherwise, so neither the secret nor the comparison puts the value in the Dockerfile);
// - the value is in no layer of the pushed image, not in its config, and in no blob of the registry
//   cache (every blob downloaded, gzip layers decompressed and searched);
// - a build ARG's value, by contrast, is in the image config's history for anyone who pulls the image:
//   why components/settings/build-secrets.ts rejects credential-looking build args.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { readTarEntries } from "../../components/size/image-tar";
import { REPO_ROOT, TEST_BASE_IMAGES } from "../../tools/lib/bench-variants";
import { LOCAL_REGISTRY } from "../../tools/lib/registry";
import {
  recordComponentBuild,
  removeCreatedImages,
  runComponentBuild,
  type ComponentBuildRun,
} from "../helpers/component-build";
import { requireInfrastructure } from "./lib/infrastructure";
import { getManifest, type Descriptor } from "../helpers/registry-manifests";

const RUN = `userpaths-${process.pid}`;
const REPOSITORY = `${RUN}-secrets`;
const CONTEXT = join(REPO_ROOT, ".work", "integration-build-secrets", RUN);
const SECRET = `userpaths-secret-${randomBytes(12).toString("hex")}`;
const ARG_VALUE = `userpaths-arg-${randomBytes(12).toString("hex")}`;

async function blob(digest: string): Promise<Buffer> {
  const response = await fetch(`http://${LOCAL_REGISTRY}/v2/${REPOSITORY}/blobs/${digest}`);
  assert.equal(response.status, 200, `blob ${digest}`);
  return Buffer.from(await response.arrayBuffer());
}

/** The blob as stored and, for a gzip layer, decompressed. */
async function contents(descriptor: Descriptor): Promise<Buffer[]> {
  const stored = await blob(descriptor.digest);
  return /gzip/.test(descriptor.mediaType) ? [stored, gunzipSync(stored)] : [stored];
}

async function filesOf(layer: Buffer): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for await (const entry of readTarEntries(
    (async function* () {
      yield layer;
    })(),
  )) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry.body()) chunks.push(chunk);
    files.set(entry.header.name, Buffer.concat(chunks).toString("utf8"));
  }
  return files;
}

describe("build secrets through the provider-equivalent build (integration)", function () {
  let run: ComponentBuildRun;

  before(async function () {
    await requireInfrastructure(this, { bases: [TEST_BASE_IMAGES.slim] });
    rmSync(CONTEXT, { recursive: true, force: true });
    mkdirSync(CONTEXT, { recursive: true });
    const expected = createHash("sha256").update(SECRET).digest("hex");
    writeFileSync(
      join(CONTEXT, "Dockerfile"),
      [
        `FROM ${TEST_BASE_IMAGES.slim}`,
        "ARG MARKER_ARG",
        // Fails the build unless the mounted secret is the expected one; writes only its length.
        `RUN --mount=type=secret,id=token,required=true test "$(sha256sum < /run/secrets/token | cut -d' ' -f1)" = "${expected}" && wc -c < /run/secrets/token > /secret-length && echo "$MARKER_ARG" > /marker-arg`,
        "",
      ].join("\n"),
    );
    const recorded = await recordComponentBuild({
      context: CONTEXT,
      dockerfile: join(CONTEXT, "Dockerfile"),
      network: "host",
      secrets: { token: SECRET },
      buildArgs: { MARKER_ARG: ARG_VALUE },
      cache: true,
    });
    // What the component sends: the secret in `secrets` (a secret Output), never in buildArgs.
    assert.deepEqual(recorded.inputs.secrets, { token: SECRET });
    run = await runComponentBuild(recorded, REPOSITORY);
  });
  after(async () => {
    await removeCreatedImages();
    rmSync(CONTEXT, { recursive: true, force: true });
  });

  it("the RUN that mounts the secret reads it (the build compares its hash and wrote its length)", async () => {
    const manifest = await getManifest(REPOSITORY, run.digest);
    const top = manifest.layers?.at(-1);
    assert.ok(top);
    const files = await filesOf(gunzipSync(await blob(top.digest)));
    assert.equal(files.get("secret-length")?.trim(), String(SECRET.length));
    assert.equal(files.get("marker-arg")?.trim(), ARG_VALUE);
    assert.ok(
      ![...files.keys()].some((name) => name.startsWith("run/secrets")),
      [...files.keys()].join(", "),
    );
  });

  it("the secret is in no layer of the image and not in its config", async () => {
    const manifest = await getManifest(REPOSITORY, run.digest);
    const descriptors = [...(manifest.layers ?? []), manifest.config!];
    assert.ok(descriptors.length >= 2);
    for (const descriptor of descriptors)
      for (const bytes of await contents(descriptor))
        assert.equal(bytes.indexOf(SECRET), -1, `the secret is in ${descriptor.digest}`);
  });

  it("the secret is in no blob of the registry cache (mode max: every stage's layers)", async () => {
    const cache = await getManifest(REPOSITORY, "buildcache");
    const descriptors = [...(cache.layers ?? []), cache.config!];
    assert.ok((cache.layers ?? []).length >= 2, `cache layers: ${cache.layers?.length}`);
    for (const descriptor of descriptors)
      for (const bytes of await contents(descriptor))
        assert.equal(bytes.indexOf(SECRET), -1, `the secret is in cache blob ${descriptor.digest}`);
  });

  it("a build ARG's value, by contrast, is in the image config's history for anyone who pulls it", async () => {
    const manifest = await getManifest(REPOSITORY, run.digest);
    const config = JSON.parse((await blob(manifest.config!.digest)).toString("utf8")) as {
      history?: { created_by?: string }[];
    };
    // BuildKit writes the RUN as `RUN |1 MARKER_ARG=<value> /bin/sh -c …` (the mount flags left out).
    const run_ = (config.history ?? []).find((entry) => entry.created_by?.startsWith("RUN |1 "));
    assert.ok(
      run_?.created_by?.startsWith(`RUN |1 MARKER_ARG=${ARG_VALUE} /bin/sh -c test `),
      run_?.created_by,
    );
  });
});
