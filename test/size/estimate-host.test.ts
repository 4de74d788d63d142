import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { makeProvider, typeScriptLoaderFor } from "../../components/size/estimate-resource";
import {
  PROVIDER_KEY,
  serializeProvider,
  startDynamicProviderHost,
  type DynamicProviderHost,
} from "../../tools/lib/dynamic-provider-host";

/**
 * The serialized ImageSizeEstimate provider in Pulumi's real dynamic-provider host, over gRPC, for the
 * failure modes that must fall back to the budget with a note and never fail a preview: no engine, no
 * TypeScript loader, and the compiled package. (A failing and a hung build need the engine:
 * test/integration/estimate-host.test.ts.)
 */
/** DiffResponse.DiffChanges (pulumi provider.proto): DIFF_UNKNOWN = 0, DIFF_NONE = 1, DIFF_SOME = 2. */
const DIFF_NONE = 1;

describe("ImageSizeEstimate provider in the real dynamic-provider host", function () {
  this.timeout(180_000);
  const root = path.join(__dirname, "..", "..");
  const logicTs = require.resolve("../../components/size/estimate-provider");
  const deadEngine = { ...process.env, DOCKER_HOST: "unix:///nonexistent/ecr-pipeline-settings.sock" };
  let workDir: string;
  let news: Record<string, unknown>;
  const hosts: DynamicProviderHost[] = [];

  before(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "estimate-host-"));
    fs.mkdirSync(path.join(workDir, "context"));
    fs.writeFileSync(path.join(workDir, "context", "Dockerfile"), "FROM scratch\nCOPY Dockerfile /\n");
    news = {
      context: path.join(workDir, "context"),
      contextHash: "5e".repeat(32),
      cacheDir: path.join(workDir, "cache"),
    };
  });
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.stop();
  });
  after(() => fs.rmSync(workDir, { recursive: true, force: true }));

  async function hostWith(providerText: string, env: NodeJS.ProcessEnv): Promise<DynamicProviderHost> {
    const host = await startDynamicProviderHost(env, root);
    hosts.push(host);
    news[PROVIDER_KEY] = providerText;
    return host;
  }

  it("no engine (dead DOCKER_HOST): check returns no size (null on the wire) and the reason; diff and create work", async () => {
    assert.equal(logicTs.endsWith(".ts"), true, "run from TypeScript sources");
    const host = await hostWith(
      await serializeProvider(makeProvider(logicTs, typeScriptLoaderFor(logicTs))),
      deadEngine,
    );
    const checked = await host.check({}, news);
    assert.equal(checked.sizeBytes, null);
    assert.equal(checked.uncompressedBytes, null);
    assert.deepEqual(checked.layers, []);
    assert.match(
      String(checked.note),
      /^no Docker engine reachable \(.*docker version failed\): size not measured$/,
    );
    assert.deepEqual(await host.diff({ ...checked }, { ...checked }), { changes: DIFF_NONE });
    const created = await host.create(checked);
    assert.equal(created.id, news.contextHash);
    assert.equal(created.properties.sizeBytes, null);
  });

  it("no tsx and no ts-node (npm ci --omit=dev, or Pulumi's vendored ts-node): TypeScript sources load through the typescript compiler", async () => {
    const withoutLoaders = (request: string): string => {
      if (request === "tsx/cjs" || request.startsWith("ts-node"))
        throw new Error(`Cannot find module '${request}'`);
      return require.resolve(request);
    };
    const loader = typeScriptLoaderFor(logicTs, withoutLoaders);
    assert.deepEqual(loader, { typescript: require.resolve("typescript") });
    const text = await serializeProvider(makeProvider(logicTs, loader));
    assert.ok(!text.includes(`${path.sep}tsx${path.sep}`), "no tsx path in the serialized provider");
    const host = await hostWith(text, deadEngine);
    const checked = await host.check({}, news);
    assert.match(String(checked.note), /^no Docker engine reachable/);
    assert.equal(checked.sizeBytes, null);
  });

  it("nothing can load TypeScript at all: check still answers, with the reason in the note, instead of a SyntaxError", async () => {
    const host = await hostWith(await serializeProvider(makeProvider(logicTs, undefined)), deadEngine);
    const checked = await host.check({}, news);
    assert.equal(checked.sizeBytes, null);
    assert.deepEqual(checked.layers, []);
    const note = String(checked.note);
    assert.ok(
      note.startsWith(`size estimate unavailable: cannot load ${logicTs} in the dynamic-provider process (`),
      note,
    );
    assert.match(note, /install tsx or use the compiled package$/);
    assert.ok(note.length < 700, `bounded: ${note.length}`);
    assert.deepEqual(await host.diff({ ...checked }, { ...checked }), { changes: DIFF_NONE });
  });

  it("from the compiled package (dist/, .js): no loader is recorded and the provider loads", async () => {
    const outDir = path.join(root, "node_modules", ".cache", `ecr-pipeline-dist-${process.pid}`);
    try {
      const tsc = spawnSync(
        process.execPath,
        [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", outDir],
        {
          cwd: root,
          encoding: "utf8",
        },
      );
      assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
      const compiled = path.join(outDir, "components", "size", "estimate-resource.js");
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require(compiled) as typeof import("../../components/size/estimate-resource");
      const logicJs = path.join(outDir, "components", "size", "estimate-provider.js");
      assert.equal(module.typeScriptLoaderFor(logicJs), undefined);
      const text = await serializeProvider(module.imageSizeEstimateProvider());
      assert.ok(
        text.includes(JSON.stringify(logicJs)),
        "the serialized provider requires the compiled module",
      );
      const host = await hostWith(text, deadEngine);
      const checked = await host.check({}, news);
      assert.match(String(checked.note), /^no Docker engine reachable/);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
});
