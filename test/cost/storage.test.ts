import assert from "node:assert/strict";
import {
  distinctBlobs,
  renewalOf,
  renewedLayers,
  repositoryStoredBytes,
  steadyStateStorage,
  uniqueBlobBytes,
  type StoredBlob,
} from "../../components/cost/storage";

const blob = (name: string, bytes: number): StoredBlob => ({ digest: `sha256:${name}`, bytes });
// app/-shaped: a distroless base, WORKDIR, the bundle; the cache adds the builder base and node_modules.
const base = blob("base", 47_853_527);
const workdir = blob("workdir", 97);
const dist1 = blob("dist1", 2_582);
const dist2 = blob("dist2", 2_600);
const builderBase = blob("builder", 395_678_697);
const modules = blob("modules", 10_209_056);
const armBase = blob("armbase", 47_600_000);

describe("distinctBlobs / uniqueBlobBytes / repositoryStoredBytes", () => {
  const cases: Array<[string, StoredBlob[][], number, number]> = [
    ["nothing", [], 0, 0],
    ["one manifest", [[base, workdir, dist1]], 3, 47_856_206],
    ["a layer listed twice in one manifest counts once", [[base, base, dist1]], 2, 47_856_109],
    [
      "two builds share base and WORKDIR",
      [
        [base, workdir, dist1],
        [base, workdir, dist2],
      ],
      4,
      47_858_806,
    ],
    [
      "image and cache share the runtime layers",
      [
        [base, workdir, dist1],
        [builderBase, modules, base, workdir, dist1],
      ],
      5,
      453_743_959,
    ],
    [
      "two platforms share only the dist layer",
      [
        [base, workdir, dist1],
        [armBase, workdir, dist1],
      ],
      4,
      95_456_206,
    ],
  ];
  for (const [name, lists, count, bytes] of cases) {
    it(name, () => {
      assert.equal(distinctBlobs(lists).length, count);
      assert.equal(uniqueBlobBytes(lists), bytes);
      assert.equal(repositoryStoredBytes(lists), bytes);
    });
  }

  it("rejects a size that is not a finite count, naming the blob", () => {
    assert.throws(() => uniqueBlobBytes([[base], [blob("x", Number.NaN)]]), {
      key: "blobs[1][0].bytes",
      message:
        "blob sha256:x has size NaN: a blob size is a finite number of bytes from 0 to 1125899906842624 (1 PiB)",
    });
    assert.throws(() => uniqueBlobBytes([[blob("y", -1)]]), {
      key: "blobs[0][0].bytes",
      message:
        "blob sha256:y has size -1: a blob size is a finite number of bytes from 0 to 1125899906842624 (1 PiB)",
    });
    // Past 1 PiB: two blobs of 1e308 added up to Infinity (test/fuzz/storage-cost.test.ts found it).
    assert.throws(() => uniqueBlobBytes([[blob("z", 1e308)], [blob("w", 1e308)]]), {
      key: "blobs[0][0].bytes",
      message:
        "blob sha256:z has size 1e+308: a blob size is a finite number of bytes from 0 to 1125899906842624 (1 PiB)",
    });
    assert.equal(uniqueBlobBytes([[blob("z", 2 ** 50)]]), 2 ** 50);
    assert.throws(() => uniqueBlobBytes([Array.from({ length: 10_001 }, (_, i) => blob(`n${i}`, 1))]), {
      key: "blobs[0]",
      message: "blobs[0] lists 10001 blobs, more than the 10000 a manifest of this model may list",
    });
  });
});

describe("renewedLayers", () => {
  const cases: Array<[string, StoredBlob[], StoredBlob[] | undefined, number, string[]]> = [
    ["first build: above the base", [base, workdir, dist1], undefined, 1, ["workdir", "dist1"]],
    [
      "first build, base count 0: everything",
      [base, workdir, dist1],
      undefined,
      0,
      ["base", "workdir", "dist1"],
    ],
    ["first build, base count past the end: nothing", [base, workdir], undefined, 5, []],
    ["code-only change: the new dist layer", [base, workdir, dist2], [base, workdir, dist1], 1, ["dist2"]],
    ["same build: nothing", [base, workdir, dist1], [base, workdir, dist1], 1, []],
    ["base change: the new base", [armBase, workdir, dist1], [base, workdir, dist1], 1, ["armbase"]],
  ];
  for (const [name, current, previous, baseCount, expected] of cases) {
    it(name, () => {
      assert.deepEqual(
        renewedLayers(current, previous, baseCount).map((each) => each.digest.slice("sha256:".length)),
        expected,
      );
    });
  }
});

describe("renewalOf", () => {
  const amd64 = { platform: "linux/amd64", layers: [base, workdir, dist1], baseLayerCount: 1 };
  const arm64 = { platform: "linux/arm64", layers: [armBase, workdir, dist1], baseLayerCount: 1 };
  const cache = [builderBase, modules, base, workdir, dist1];
  const names = (blobs: StoredBlob[]) => blobs.map((each) => each.digest.slice("sha256:".length));

  it("first build: the layers above each platform's base (shared ones once); cache: the renewed image layers", () => {
    const renewal = renewalOf({ platforms: [amd64, arm64], cache }, undefined);
    assert.deepEqual(names(renewal.renewed), ["workdir", "dist1"]);
    assert.deepEqual(names(renewal.cacheRenewed), ["workdir", "dist1"]);
  });

  it("first build without a base count: every layer is renewed", () => {
    const renewal = renewalOf(
      { platforms: [{ platform: "linux/amd64", layers: [base, dist1] }], cache: [] },
      {},
    );
    assert.deepEqual(names(renewal.renewed), ["base", "dist1"]);
    assert.deepEqual(renewal.cacheRenewed, []);
  });

  it("next build: by digest against the previous build and cache", () => {
    const next = { platform: "linux/amd64", layers: [base, workdir, dist2], baseLayerCount: 1 };
    const renewal = renewalOf(
      { platforms: [next], cache: [builderBase, modules, blob("src2", 1_600), base, workdir, dist2] },
      { platforms: [amd64], cache },
    );
    assert.deepEqual(names(renewal.renewed), ["dist2"]);
    assert.deepEqual(names(renewal.cacheRenewed), ["src2", "dist2"]);
  });
});

describe("steadyStateStorage", () => {
  const image = [base, workdir, dist1];
  const renewed = [dist1];
  const cases: Array<{
    name: string;
    input: Parameters<typeof steadyStateStorage>[0];
    bytes: number;
    lines: Array<[string, number, number]>;
  }> = [
    {
      name: "one build, no cache: the image once",
      input: { image, renewed, cache: [], cacheRenewed: [], retainedBuilds: 1, retainedSupersededCaches: 0 },
      bytes: 47_856_206,
      lines: [["current image: every layer once", 3, 47_856_206]],
    },
    {
      name: "prod-like: 101 builds, cache, 14 superseded caches",
      input: {
        image,
        renewed,
        cache: [builderBase, modules, blob("src", 1_539), base, workdir, dist1],
        cacheRenewed: [blob("src", 1_539), dist1],
        retainedBuilds: 101,
        retainedSupersededCaches: 14,
      },
      // 47,856,206 + (395,678,697 + 10,209,056 + 1,539) + 100 × 2,582 + 14 × 1,539
      bytes: 454_025_244,
      lines: [
        ["current image: every layer once", 3, 47_856_206],
        ["registry cache: layers not in the image", 3, 405_889_292],
        ["100 older kept builds x renewed layers", 100, 258_200],
        ["14 superseded caches x renewed cache-only layers", 14, 21_546],
      ],
    },
    {
      name: "two platforms: shared layers once",
      input: {
        image: [base, workdir, dist1, armBase, workdir, dist1],
        renewed: [workdir, dist1, workdir],
        cache: [],
        cacheRenewed: [],
        retainedBuilds: 3,
        retainedSupersededCaches: 5,
      },
      bytes: 95_461_564,
      lines: [
        ["current image: every layer once", 4, 95_456_206],
        ["2 older kept builds x renewed layers", 4, 5_358],
      ],
    },
  ];
  for (const { name, input, bytes, lines } of cases) {
    it(name, () => {
      const result = steadyStateStorage(input);
      assert.equal(result.bytes, bytes);
      assert.deepEqual(
        result.lines.map((line) => [line.what, line.layers, line.bytes]),
        lines,
      );
      assert.equal(
        result.lines.reduce((total, line) => total + line.bytes, 0),
        result.bytes,
      );
    });
  }

  it("rejects counts that are not whole numbers, naming the key", () => {
    const input = {
      image,
      renewed,
      cache: [],
      cacheRenewed: [],
      retainedBuilds: 1,
      retainedSupersededCaches: 0,
    };
    assert.throws(() => steadyStateStorage({ ...input, retainedBuilds: 0 }), {
      key: "retainedBuilds",
      message: "retainedBuilds is 0: expected a whole number from 1 to 100000",
    });
    assert.throws(() => steadyStateStorage({ ...input, retainedSupersededCaches: 1.5 }), {
      key: "retainedSupersededCaches",
      message: "retainedSupersededCaches is 1.5: expected a whole number from 0 to 100000",
    });
    // 3.9e80 superseded caches x a 4.6e227-byte blob was Infinity bytes (the fuzz suite's counterexample).
    assert.throws(() => steadyStateStorage({ ...input, retainedSupersededCaches: 3.911374659776037e80 }), {
      key: "retainedSupersededCaches",
      message: "retainedSupersededCaches is 3.911374659776037e+80: expected a whole number from 0 to 100000",
    });
  });
});
