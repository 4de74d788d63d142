// The pure parts of tools/lib/buildx.ts the benchmarks rely on: which steps BuildKit ran or took from its
// cache, and the exact buildx arguments and output/cache strings. No engine needed.
import assert from "node:assert/strict";
import {
  buildPhases,
  buildxArgs,
  describeStep,
  parsePlainProgress,
  parseRawJsonProgress,
  rawJsonSteps,
  registryCacheFrom,
  registryCacheTo,
  registryOutput,
} from "../../tools/lib/buildx";

// Shortened from a real `--progress=plain` log of bench/deps-service on a fresh engine with --cache-from
// (buildx 0.13.1): a CACHED step's header is printed again while its layers download, and an executed
// step has only DONE.
const FRESH_RUNNER_LOG = [
  "#4 importing cache manifest from 127.0.0.1:5000/bench-cache-deps-service:buildcache",
  "#4 DONE 0.0s",
  "",
  "#6 [deps 1/4] FROM 127.0.0.1:5000/ecr-pipeline-test/node:22-full@sha256:8a27",
  "#6 resolve 127.0.0.1:5000/ecr-pipeline-test/node:22-full@sha256:8a27 0.1s done",
  "#6 DONE 0.1s",
  "",
  "#7 [deps 2/4] WORKDIR /svc",
  "#7 CACHED",
  "",
  "#9 [deps 4/4] RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund",
  "#9 CACHED",
  "",
  "#11 [runtime 4/5] COPY package.json ./",
  "#11 CACHED",
  "",
  "#11 [runtime 4/5] COPY package.json ./",
  "#11 sha256:9a83 44.26MB / 44.26MB 1.0s done",
  "#11 extracting sha256:9a83 7.1s done",
  "#11 DONE 8.4s",
  "",
  "#12 [runtime 5/5] COPY src ./src",
  "#12 DONE 0.8s",
  "",
  "#13 exporting to image",
  "#13 DONE 0.4s",
].join("\n");

describe("tools/lib/buildx (pure)", function () {
  it("parsePlainProgress: one entry per RUN/COPY/ADD/WORKDIR vertex, CACHED or run, FROM and exports left out", function () {
    assert.deepEqual(parsePlainProgress(FRESH_RUNNER_LOG), [
      { vertex: "#7", position: "deps 2/4", instruction: "WORKDIR /svc", cached: true },
      {
        vertex: "#9",
        position: "deps 4/4",
        instruction: "RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund",
        cached: true,
      },
      { vertex: "#11", position: "runtime 4/5", instruction: "COPY package.json ./", cached: true },
      { vertex: "#12", position: "runtime 5/5", instruction: "COPY src ./src", cached: false },
    ]);
  });

  it("parsePlainProgress: a step that only downloaded its layers (no CACHED printed, no output) came from the cache", function () {
    const log = [
      "#13 [build 2/2] RUN ./node_modules/.bin/esbuild src/server.ts --bundle",
      "#13 0.566 ⚡ Done in 308ms",
      "#13 DONE 0.7s",
      "",
      "#14 [runtime 2/3] WORKDIR /app",
      `#14 sha256:${"c3".repeat(32)} 97B / 97B 0.1s done`,
      `#14 extracting sha256:${"c3".repeat(32)} 0.0s done`,
      "#14 DONE 4.2s",
      "",
      "#15 [runtime 3/3] COPY --from=build /app/dist ./dist",
      "#15 DONE 0.1s",
    ].join("\n");
    assert.deepEqual(
      parsePlainProgress(log).map((step) => [step.position, step.cached, step.cachedSilently ?? false]),
      [
        ["build 2/2", false, false],
        ["runtime 2/3", true, true],
        ["runtime 3/3", false, false],
      ],
    );
    const [, workdir] = parsePlainProgress(log);
    assert.ok(workdir);
    assert.equal(describeStep(workdir), "runtime 2/3 WORKDIR /app †");
  });

  it("describeStep: mount options dropped, long instructions cut at 48 characters", function () {
    const [, npmCi] = parsePlainProgress(FRESH_RUNNER_LOG);
    assert.ok(npmCi);
    assert.equal(describeStep(npmCi), "deps 4/4 RUN npm ci --omit=dev --no-audit --no-fund");
    assert.equal(
      describeStep({
        vertex: "#1",
        position: "build 2/2",
        instruction: "RUN ./node_modules/.bin/esbuild src/server.ts --bundle --platform=node",
        cached: false,
      }),
      "build 2/2 RUN ./node_modules/.bin/esbuild src/server.ts -…",
    );
  });

  it("registryOutput and the cache strings: the compression with level and force, the cache in ECR's form", function () {
    assert.equal(
      registryOutput("127.0.0.1:5000/bench-x:1", "zstd"),
      "type=image,name=127.0.0.1:5000/bench-x:1,push=true,registry.insecure=true,oci-mediatypes=true," +
        "compression=zstd,compression-level=3,force-compression=true",
    );
    assert.equal(
      registryOutput("127.0.0.1:5000/bench-x:1", "gzip"),
      "type=image,name=127.0.0.1:5000/bench-x:1,push=true,registry.insecure=true,oci-mediatypes=true," +
        "compression=gzip,compression-level=6,force-compression=true",
    );
    assert.equal(
      registryCacheTo("127.0.0.1:5000/bench-x:buildcache"),
      "type=registry,ref=127.0.0.1:5000/bench-x:buildcache,mode=max,image-manifest=true,oci-mediatypes=true," +
        "compression=gzip,compression-level=6,force-compression=true,registry.insecure=true",
    );
    assert.equal(
      registryCacheTo("127.0.0.1:5000/bench-x:buildcache", "zstd"),
      "type=registry,ref=127.0.0.1:5000/bench-x:buildcache,mode=max,image-manifest=true,oci-mediatypes=true," +
        "compression=zstd,compression-level=3,force-compression=true,registry.insecure=true",
    );
    assert.equal(
      registryCacheFrom("127.0.0.1:5000/bench-x:buildcache"),
      "type=registry,ref=127.0.0.1:5000/bench-x:buildcache,registry.insecure=true",
    );
  });

  it("buildxArgs: host network, plain progress, no provenance, then every option in a fixed order", function () {
    assert.deepEqual(
      buildxArgs({
        env: {},
        context: "/ctx",
        dockerfile: "/ctx/Dockerfile",
        platform: "linux/arm64",
        target: "runtime",
        noCache: true,
        buildArgs: { NODE_BUILD_IMAGE: "b", NODE_RUNTIME_IMAGE: "r" },
        outputs: ["type=image,name=x"],
        cacheFrom: ["type=registry,ref=c"],
        cacheTo: ["type=registry,ref=c,mode=max"],
      }),
      [
        "buildx",
        "build",
        "--network=host",
        "--progress=plain",
        "--provenance=false",
        "-f",
        "/ctx/Dockerfile",
        "--platform",
        "linux/arm64",
        "--target",
        "runtime",
        "--no-cache",
        "--build-arg",
        "NODE_BUILD_IMAGE=b",
        "--build-arg",
        "NODE_RUNTIME_IMAGE=r",
        "--output",
        "type=image,name=x",
        "--cache-from",
        "type=registry,ref=c",
        "--cache-to",
        "type=registry,ref=c,mode=max",
        "/ctx",
      ],
    );
  });

  describe("--progress=rawjson", () => {
    const HEX = (c: string) => c.repeat(64);
    const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds)).toISOString();
    // The shape buildx 0.13 writes: one pretty-printed JSON document per event, concatenated (a vertex
    // reported again when it starts and completes; statuses with byte totals; logs base64).
    const events = [
      {
        vertexes: [
          {
            digest: "v1",
            name: "importing cache manifest from r/x:buildcache",
            started: at(0),
            completed: at(1),
          },
        ],
      },
      {
        vertexes: [
          { digest: "v2", name: "[deps 2/4] RUN npm ci", cached: true, started: at(1), completed: at(1) },
        ],
      },
      {
        vertexes: [{ digest: "v3", name: "[runtime 2/3] WORKDIR /app", started: at(1) }],
        statuses: [
          {
            id: `sha256:${HEX("a")}`,
            vertex: "v3",
            total: 1000,
            current: 1000,
            started: at(1),
            completed: at(3),
          },
          {
            id: `sha256:${HEX("b")}`,
            vertex: "v3",
            total: 500,
            current: 500,
            started: at(2),
            completed: at(4),
          },
          { id: `extracting sha256:${HEX("a")}`, vertex: "v3", current: 0, started: at(4), completed: at(9) },
        ],
      },
      { vertexes: [{ digest: "v3", name: "[runtime 2/3] WORKDIR /app", started: at(1), completed: at(9) }] },
      { vertexes: [{ digest: "v4", name: "[build 2/2] RUN esbuild", started: at(9), completed: at(11) }] },
      { logs: [{ vertex: "v4", stream: 1, data: "ZG9uZQ==", timestamp: at(10) }] },
      {
        vertexes: [
          {
            digest: "v5",
            name: "[runtime 3/3] COPY --link --from=build /app/dist ./dist",
            started: at(11),
            completed: at(12),
          },
        ],
      },
      {
        vertexes: [{ digest: "v6", name: "exporting to image", started: at(12), completed: at(15) }],
        statuses: [
          { id: "exporting layers", vertex: "v6", current: 0, started: at(12), completed: at(13) },
          { id: "pushing layers", vertex: "v6", current: 0, started: at(13), completed: at(15) },
        ],
      },
      {
        vertexes: [{ digest: "v7", name: "exporting cache to registry", started: at(15), completed: at(16) }],
      },
    ];
    const log = ["#0 a stray line", ...events.map((event) => JSON.stringify(event, null, 2))].join("\n");

    it("parseRawJsonProgress merges a vertex's events; rawJsonSteps reads run, CACHED and loaded-from-cache", () => {
      const vertices = parseRawJsonProgress(log);
      assert.deepEqual(
        vertices.map((vertex) => vertex.digest),
        ["v1", "v2", "v3", "v4", "v5", "v6", "v7"],
      );
      assert.equal(vertices[2]?.completed, Date.parse(at(9)));
      assert.deepEqual(
        rawJsonSteps(vertices).map((step) => [step.position, step.cached, step.cachedSilently ?? false]),
        [
          ["deps 2/4", true, false],
          ["runtime 2/3", true, true], // only downloaded its layers, printed nothing
          ["build 2/2", false, false],
          ["runtime 3/3", false, false],
        ],
      );
    });

    it("buildPhases: seconds per phase (overlaps in a phase counted once), download bytes", () => {
      const { wallSeconds, phases, downloads } = buildPhases(parseRawJsonProgress(log));
      assert.equal(wallSeconds, 16);
      assert.deepEqual(phases["cache manifest"], { seconds: 1, bytes: 0, count: 1 });
      assert.deepEqual(phases["layer download"], { seconds: 3, bytes: 1500, count: 2 });
      assert.deepEqual(phases["layer extract"], { seconds: 5, bytes: 0, count: 1 });
      assert.deepEqual(phases.exec, { seconds: 2, bytes: 0, count: 1 });
      assert.deepEqual(phases.copy, { seconds: 1, bytes: 0, count: 1 });
      assert.deepEqual(phases["image export"], { seconds: 1, bytes: 0, count: 1 });
      assert.deepEqual(phases.push, { seconds: 2, bytes: 0, count: 1 });
      assert.deepEqual(phases["cache export"], { seconds: 1, bytes: 0, count: 1 });
      assert.deepEqual(downloads, [{ vertex: "[runtime 2/3] WORKDIR /app", bytes: 1500, seconds: 3 }]);
    });
  });
});
