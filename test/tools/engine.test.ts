import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import {
  cacheRoot,
  engineBinaries,
  engineClient,
  findTestEngine,
  registryAddress,
  selectedTestEngine,
  sharedEngineDir,
  withTestEngine,
} from "../../tools/lib/engine";

describe("tools/lib/engine: finding the engine of scripts/test-infra.sh", () => {
  let cache: string;
  let engineDir: string;

  beforeEach(() => {
    cache = mkdtempSync(join(tmpdir(), "engine-test-"));
    engineDir = join(cache, "engine");
    mkdirSync(join(engineDir, "root", "usr", "bin"), { recursive: true });
    writeFileSync(join(engineDir, "root", "usr", "bin", "docker"), "");
  });
  afterEach(() => rmSync(cache, { recursive: true, force: true }));

  const withSocket = (): void => writeFileSync(join(engineDir, "docker.sock"), "");

  it("finds nothing without the socket, and the script's paths with it", () => {
    assert.equal(findTestEngine({ ECR_PIPELINE_CACHE: cache }), undefined);
    withSocket();
    assert.deepEqual(findTestEngine({ ECR_PIPELINE_CACHE: cache }), {
      host: `unix://${engineDir}/docker.sock`,
      config: `${engineDir}/cfg`,
      binDir: `${engineDir}/root/usr/bin`,
      cli: `${engineDir}/root/usr/bin/docker`,
    });
  });

  it("points DOCKER_HOST, DOCKER_CONFIG and PATH at it when DOCKER_HOST is unset or empty", () => {
    withSocket();
    for (const dockerHost of [undefined, ""]) {
      const env = { ECR_PIPELINE_CACHE: cache, PATH: "/usr/bin:/bin", DOCKER_HOST: dockerHost };
      assert.deepEqual(withTestEngine(env), {
        ECR_PIPELINE_CACHE: cache,
        DOCKER_HOST: `unix://${engineDir}/docker.sock`,
        DOCKER_CONFIG: `${engineDir}/cfg`,
        PATH: [`${engineDir}/root/usr/bin`, "/usr/bin", "/bin"].join(delimiter),
      });
    }
  });

  it("keeps the caller's DOCKER_CONFIG and does not put the engine on PATH twice", () => {
    withSocket();
    const binDir = `${engineDir}/root/usr/bin`;
    const env = {
      ECR_PIPELINE_CACHE: cache,
      PATH: `/bin${delimiter}${binDir}`,
      DOCKER_CONFIG: "/home/me/.docker",
    };
    const pointed = withTestEngine(env);
    assert.equal(pointed.DOCKER_CONFIG, "/home/me/.docker");
    assert.equal(pointed.PATH, [binDir, "/bin"].join(delimiter));
  });

  it("leaves the environment alone when DOCKER_HOST points at another engine, or there is no engine", () => {
    withSocket();
    const elsewhere = { ECR_PIPELINE_CACHE: cache, DOCKER_HOST: "unix:///run/other.sock", PATH: "/bin" };
    assert.equal(selectedTestEngine(elsewhere), undefined);
    assert.equal(withTestEngine(elsewhere), elsewhere);
    const same = { ECR_PIPELINE_CACHE: cache, DOCKER_HOST: `unix://${engineDir}/docker.sock`, PATH: "/bin" };
    assert.equal(selectedTestEngine(same)?.cli, `${engineDir}/root/usr/bin/docker`);
    const none = { ECR_PIPELINE_CACHE: join(cache, "nothing-here"), PATH: "/bin" };
    assert.equal(withTestEngine(none), none);
  });

  it("the cache root, engine paths and registry address: the defaults of scripts/infra/lib.sh, overridable", () => {
    assert.equal(cacheRoot({}), "/var/cache/ecr-pipeline");
    assert.equal(cacheRoot({ ECR_PIPELINE_CACHE: "" }), "/var/cache/ecr-pipeline");
    assert.equal(cacheRoot({ ECR_PIPELINE_CACHE: cache }), cache);
    assert.equal(sharedEngineDir({ ECR_PIPELINE_CACHE: cache }), engineDir);
    assert.equal(engineBinaries({ ECR_PIPELINE_CACHE: cache }), join(engineDir, "root"));
    assert.equal(registryAddress({}), "127.0.0.1:5000");
    assert.equal(registryAddress({ REGISTRY_ADDR: "127.0.0.1:5107" }), "127.0.0.1:5107");
    assert.equal(
      engineClient({ ECR_PIPELINE_CACHE: cache }),
      join(engineDir, "root", "usr", "bin", "docker"),
    );
    assert.equal(engineClient({ ECR_PIPELINE_CACHE: join(cache, "none") }), "docker");
    assert.equal(
      engineClient({ ECR_PIPELINE_CACHE: cache, ECR_PIPELINE_DOCKER: "/opt/docker" }),
      "/opt/docker",
    );
  });

  it("bash and TypeScript define the same defaults (scripts/infra/lib.sh is the bash side)", () => {
    const lib = readFileSync(join(__dirname, "..", "..", "scripts", "infra", "lib.sh"), "utf8");
    assert.match(lib, /^CACHE=\$\{ECR_PIPELINE_CACHE:-\/var\/cache\/ecr-pipeline\}$/m);
    assert.match(lib, /^REGISTRY_ADDR=\$\{REGISTRY_ADDR:-127\.0\.0\.1:5000\}$/m);
  });
});
