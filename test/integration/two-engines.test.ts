/**
 * Issue 23 item 5: builds spread over more than one engine. A second, independent engine of the test
 * infrastructure (`bash scripts/test-infra.sh engine-start DIR 127.0.0.1:PORT`: its own containerd,
 * dockerd, sockets and cache dir, its API on a loopback TCP port) is registered as a buildx builder with
 * the `remote` driver — the driver a team uses for a BuildKit on another machine or in Kubernetes —
 * through tools/lib/buildkit-endpoint.ts (dockerd serves BuildKit's gRPC only behind its API; a
 * docker-driver builder cannot be named unless its context is the current one). The component's builds
 * (recorded under mocks, run as pulumi-docker-build runs them: ./lib/component-build.ts) then use it:
 *   - `platformBuilders: { "linux/arm64": <second> }`: arm64 built on the second engine, amd64 on the first
 *     (the shared engine, the default builder); the index joins both; each engine holds only its image;
 *   - `builderName: <second>`: a single-platform build on the second engine, emptied first, after a
 *     code-only change: every step before the changed COPY comes from the registry cache the FIRST
 *     engine wrote (the cache lives in the registry, not in an engine);
 * and what goes wrong is reported, not hidden:
 *   - a builder that does not answer fails the build; buildx's output names the builder (its first line),
 *     the error itself does not;
 *   - an engine that dies mid-build fails it and leaves nothing tagged in the registry (no image, no index);
 *   - a registry that refuses the cache export does not fail it (`ignoreError`): the image is pushed.
 *
 * Needs `bash scripts/test-infra.sh up` (engine binaries, arm64 emulation, bases) and root (dockerd).
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchVariant, prepareContext, setAppVersion } from "../../tools/lib/bench-variants";
import { serveBuildKit, type BuildKitEndpoint } from "../../tools/lib/buildkit-endpoint";
import { engineBinaries } from "../../tools/lib/engine";
import {
  privateEngineDir,
  privateEngineUnavailable,
  startPrivateEngine,
  type PrivateEngine,
} from "../../tools/lib/private-engine";
import { CommandError, runCommand } from "../../tools/lib/process";
import { LOCAL_REGISTRY } from "../../tools/lib/registry";
import {
  appArgs,
  buildSteps,
  COMPONENT_BUILD_BASES,
  DOCKER,
  pushBasesToRegistry,
  recordComponentBuild,
  removeAfterRun,
  removeCreatedImages,
  repositoryFor,
  runComponentBuild,
  RUN_ID,
  WORK,
} from "../helpers/component-build";
import { requireInfrastructure } from "./lib/infrastructure";
import { platformManifests } from "../helpers/registry-manifests";

const SECOND = `second-${RUN_ID}`;
const DEAD = `dead-${RUN_ID}`;

/** Whether the engine of `env` holds `reference` in its image store. */
async function holds(env: NodeJS.ProcessEnv, reference: string): Promise<boolean> {
  return runCommand(DOCKER, ["image", "inspect", reference], { env }).then(
    () => true,
    () => false,
  );
}

async function registryHas(repository: string, tag: string): Promise<boolean> {
  const response = await fetch(`http://${LOCAL_REGISTRY}/v2/${repository}/manifests/${tag}`, {
    method: "HEAD",
    headers: {
      accept: "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json",
    },
  });
  return response.ok;
}

/** A free loopback port (bound and released). */
async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("builds spread over two engines: builderName, platformBuilders, failures (integration)", function () {
  this.timeout(900_000);
  let context: string;
  let second: PrivateEngine | undefined;
  let endpoint: BuildKitEndpoint | undefined;
  let secondTcp: string;
  let config: string;
  /** The shared engine (DOCKER_HOST from test/integration/engine-env.ts) with a DOCKER_CONFIG of our own. */
  let env: NodeJS.ProcessEnv;
  const engineDir = privateEngineDir(`second-engine-${RUN_ID}`);

  before(async function () {
    await requireInfrastructure(this, { platforms: ["linux/arm64"], bases: COMPONENT_BUILD_BASES });
    const unavailable = privateEngineUnavailable();
    if (unavailable !== undefined) {
      if (process.env.CI === "true") throw new Error(unavailable);
      console.log(`      skipped: ${unavailable}`);
      this.skip();
    }
    context = prepareContext(benchVariant("optimized"), join(WORK, "two-engines-context"));
    await pushBasesToRegistry();
    secondTcp = `127.0.0.1:${await freePort()}`;
    second = await startPrivateEngine(engineDir, { tcp: secondTcp });
    endpoint = await serveBuildKit(`tcp://${secondTcp}`);
    // Builders live in DOCKER_CONFIG/buildx: a config of our own, so the shared engine's config is untouched.
    config = mkdtempSync(join(tmpdir(), "two-engines-config-"));
    mkdirSync(join(config, "cli-plugins"));
    const plugin = join(engineBinaries(), "usr", "libexec", "docker", "cli-plugins", "docker-buildx");
    copyFileSync(plugin, join(config, "cli-plugins", "docker-buildx"));
    env = { ...process.env, DOCKER_CONFIG: config };
    await runCommand(DOCKER, ["buildx", "create", "--name", SECOND, "--driver", "remote", endpoint.address], {
      env,
    });
    const { stdout } = await runCommand(DOCKER, ["buildx", "inspect", "--bootstrap", SECOND], { env });
    assert.match(stdout, /Status:\s+running/);
    assert.match(stdout, /linux\/arm64/, "the second engine cannot build arm64");
  });

  after(async () => {
    await endpoint?.close();
    await second?.remove();
    await removeCreatedImages();
    if (config !== undefined) rmSync(config, { recursive: true, force: true });
  });

  it("platformBuilders: arm64 on the second engine, amd64 on the first; the index holds both", async () => {
    const repository = repositoryFor("two-engines");
    setAppVersion(context, `two-engines-${RUN_ID}`);
    const build = await recordComponentBuild(
      appArgs(context, {
        platforms: ["linux/amd64", "linux/arm64"],
        platformBuilders: { "linux/arm64": SECOND },
      }),
    );
    // What the component sends: a builder only on the arm64 Image.
    const builders = build.images.map((image) => [
      image.name,
      (image.inputs.builder as { name?: string })?.name,
    ]);
    assert.deepEqual(builders, [
      ["web-amd64", undefined],
      ["web-arm64", SECOND],
    ]);
    const run = await runComponentBuild(build, repository, env);
    const tag = (arch: string) => `${LOCAL_REGISTRY}/${repository}:${build.contentTag}-${arch}`;
    removeAfterRun(tag("amd64"));
    // Each engine stores what it built (the image exporter names it in the engine's store).
    assert.deepEqual(
      {
        firstAmd64: await holds(process.env, tag("amd64")),
        firstArm64: await holds(process.env, tag("arm64")),
        secondAmd64: await holds(second!.env, tag("amd64")),
        secondArm64: await holds(second!.env, tag("arm64")),
      },
      { firstAmd64: true, firstArm64: false, secondAmd64: false, secondArm64: true },
    );
    // The index: both platforms, each manifest's image config of its own architecture.
    const manifests = await platformManifests(repository, build.contentTag);
    assert.deepEqual([...manifests.keys()].sort(), ["linux/amd64", "linux/arm64"]);
    assert.equal(run.images.length, 2);
    for (const cacheTag of ["buildcache-amd64", "buildcache-arm64"])
      assert.ok(await registryHas(repository, cacheTag), `no ${cacheTag} in the registry`);
  });

  it("builderName: the second engine, emptied, builds from the registry cache the first engine wrote", async () => {
    const repository = repositoryFor("two-engines-cache");
    setAppVersion(context, `cache-first-${RUN_ID}`);
    const first = await recordComponentBuild(appArgs(context));
    const firstRun = await runComponentBuild(first, repository, env); // the shared engine writes :buildcache
    removeAfterRun(`${LOCAL_REGISTRY}/${repository}:${first.contentTag}`);
    assert.equal(firstRun.images.length, 1);

    second = await startPrivateEngine(engineDir, { tcp: secondTcp }); // empty again: no layers, no cache
    setAppVersion(context, `cache-second-${RUN_ID}`); // a code-only change: `COPY src ./src` changes
    const build = await recordComponentBuild(appArgs(context, { builderName: SECOND }));
    assert.equal((build.images[0]?.inputs.builder as { name?: string })?.name, SECOND);
    const run = await runComponentBuild(build, repository, env);
    const steps = buildSteps(run.images[0]?.log ?? "");
    const ran = steps.filter((step) => !step.cached).map((step) => step.name);
    const cached = steps.filter((step) => step.cached).map((step) => step.name);
    console.log(
      `      second engine: CACHED ${cached.join(" | ")}\n      second engine: ran ${ran.join(" | ")}`,
    );
    // app/Dockerfile: deps (WORKDIR, COPY package*.json, RUN npm ci) come before `COPY src ./src`.
    assert.equal(
      cached.filter((name) => name.startsWith("[deps")).length,
      3,
      `cached: ${cached.join(" | ")}`,
    );
    assert.ok(
      ran.some((name) => name.startsWith("[build") && name.includes("COPY src")),
      ran.join(" | "),
    );
    const tag = `${LOCAL_REGISTRY}/${repository}:${build.contentTag}`;
    assert.equal(await holds(second!.env, tag), true, "the second engine did not build it");
    assert.equal(await holds(process.env, tag), false, "the first engine built it");
  });

  it("a builder that does not answer: the build fails; its output names the builder", async () => {
    const closed = await freePort();
    await runCommand(
      DOCKER,
      ["buildx", "create", "--name", DEAD, "--driver", "remote", `tcp://127.0.0.1:${closed}`],
      {
        env,
      },
    );
    const repository = repositoryFor("dead-builder");
    const build = await recordComponentBuild(appArgs(context, { builderName: DEAD }));
    const error = await runComponentBuild(build, repository, env).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof CommandError, `the build did not fail: ${String(error)}`);
    // Not the argv (which names the builder too): what buildx printed. Its first line names the builder
    // (docker-build's Go path prints the same line: provider/internal/client.go, the progress printer's
    // description); the failure itself is a timeout waiting for the connection.
    assert.match(error.stderr, new RegExp(`^#0 building with "${DEAD}" instance using remote driver$`, "m"));
    assert.match(error.stderr, /context deadline exceeded|connection refused/);
    console.log(`      dead builder: ${error.stderr.trim().split("\n").slice(-1)[0] ?? ""}`);
    assert.equal(await registryHas(repository, build.contentTag), false);
  });

  it("an engine that dies mid-build: the build fails, nothing is tagged in the registry", async () => {
    second = await startPrivateEngine(engineDir, { tcp: secondTcp });
    const slow = join(WORK, "slow-context");
    mkdirSync(slow, { recursive: true });
    writeFileSync(
      join(slow, "Dockerfile"),
      `FROM ${LOCAL_REGISTRY}/${repositoryFor("bases")}/node:22-slim\nRUN echo ${RUN_ID}-${Date.now()} && sleep 60\n`,
    );
    const repository = repositoryFor("engine-dies");
    const build = await recordComponentBuild({
      context: slow,
      dockerfile: join(slow, "Dockerfile"),
      network: "host",
      platforms: ["linux/amd64", "linux/arm64"],
      platformBuilders: { "linux/amd64": SECOND, "linux/arm64": SECOND },
    });
    const running = runComponentBuild(build, repository, env).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    // Kill the engine's dockerd (and containerd) hard once the RUN step is running.
    const pid = Number(readFileSync(join(engineDir, "dockerd.pid"), "utf8"));
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    process.kill(pid, "SIGKILL");
    process.kill(Number(readFileSync(join(engineDir, "containerd.pid"), "utf8")), "SIGKILL");
    const error = await running;
    assert.ok(error instanceof CommandError, `the build did not fail: ${String(error)}`);
    assert.match(
      error.stderr,
      new RegExp(`^#0 building with "${SECOND}" instance using remote driver$`, "m"),
    );
    console.log(`      engine killed: ${error.stderr.trim().split("\n").slice(-2).join(" / ")}`);
    for (const tag of [build.contentTag, `${build.contentTag}-amd64`, `${build.contentTag}-arm64`])
      assert.equal(await registryHas(repository, tag), false, `${tag} was pushed`);
    second = await startPrivateEngine(engineDir, { tcp: secondTcp }); // for after(): a clean stop
  });

  it("a registry that refuses the cache export: the build succeeds and the image is pushed", async () => {
    // Answers every request with 403, as a registry does to a push without the permission.
    const refusing = http.createServer((request, response) => {
      request.resume();
      response.writeHead(403, { "content-type": "application/json" });
      response.end('{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}');
    });
    await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
    const port = (refusing.address() as { port: number }).port;
    try {
      const repository = repositoryFor("cache-refused");
      setAppVersion(context, `cache-refused-${RUN_ID}`);
      const build = await recordComponentBuild(appArgs(context));
      const image = build.images[0]!;
      const cacheTo = image.inputs.cacheTo as Array<{ registry: { ref: string; ignoreError?: boolean } }>;
      assert.equal(cacheTo[0]?.registry.ignoreError, true, "the component does not send ignoreError");
      // Only the cache export goes to the refusing registry; the image push goes to the real one.
      cacheTo[0]!.registry.ref = `127.0.0.1:${port}/refused:buildcache`;
      const run = await runComponentBuild(build, repository, env);
      removeAfterRun(`${LOCAL_REGISTRY}/${repository}:${build.contentTag}`);
      const log = run.images[0]?.log ?? "";
      assert.match(log, /exporting cache to registry/);
      assert.match(log, /403|denied|DENIED/i, "the cache export error is not in the log");
      assert.ok(await registryHas(repository, build.contentTag), "the image was not pushed");
    } finally {
      refusing.close();
    }
  });
});
