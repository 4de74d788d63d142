// Pure parts of the docker/registry helpers the integration tests and the bench rely on; no engine needed.
import assert from "node:assert/strict";
import { countSteps, parseTarListing } from "../../tools/lib/docker";
import { compressedBytes, layersNotIn, type ImageManifest } from "../../tools/lib/registry";
import { measureRuntimeFloor, parseLddSonames } from "../../tools/lib/runtime-floor";

function manifest(layers: Array<[string, number]>): ImageManifest {
  return {
    schemaVersion: 2,
    config: { digest: "sha256:config", size: 1 },
    layers: layers.map(([digest, size]) => ({
      mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip",
      digest,
      size,
    })),
  };
}

describe("tools/lib helpers (pure)", function () {
  it("parses `tar -tv --numeric-owner` listings: files, directories, symlinks, hard links, devices", function () {
    const listing = [
      "drwxr-xr-x 0/0               0 2024-01-01 00:00 ./",
      "-rwxr-xr-x 0/0       124827920 1985-10-26 08:15 nodejs/bin/node",
      "lrwxrwxrwx 0/0               0 2024-01-01 00:00 lib -> usr/lib",
      "hrw-r--r-- 0/0               0 2024-01-01 00:00 app/a b.js link to app/c.js",
      "crw-rw-rw- 0/0             1,3 2024-01-01 00:00 dev/null",
      "-rw-r--r-- 65532/65532      12 2024-01-01 00:00 home/nonroot/has space.txt",
    ].join("\n");
    assert.deepEqual(parseTarListing(listing), [
      { path: "", type: "directory", size: 0, uid: 0 },
      { path: "nodejs/bin/node", type: "file", size: 124827920, uid: 0 },
      { path: "lib", type: "symlink", size: 0, uid: 0 },
      { path: "app/a b.js", type: "hardlink", size: 0, uid: 0 },
      { path: "dev/null", type: "other", size: 0, uid: 0 },
      { path: "home/nonroot/has space.txt", type: "file", size: 12, uid: 65532 },
    ]);
  });

  it("counts BuildKit steps and the cached ones, ignoring FROM and internal vertices", function () {
    const log = [
      "#5 [runtime 1/4] FROM docker.io/x/y:z",
      "#5 CACHED",
      "#8 [build 2/7] WORKDIR /app",
      "#8 CACHED",
      "#15 [build 6/7] COPY src ./src",
      "#15 DONE 0.1s",
      "#16 [build 7/7] RUN tsc",
      "#16 DONE 3.0s",
    ].join("\n");
    assert.deepEqual(countSteps(log), { steps: 3, cachedSteps: 1 });
  });

  it("sums compressed layer sizes and finds the layers a second push uploads", function () {
    const first = manifest([
      ["sha256:base", 100],
      ["sha256:deps", 20],
      ["sha256:code-v1", 3],
    ]);
    const second = manifest([
      ["sha256:base", 100],
      ["sha256:deps", 20],
      ["sha256:code-v2", 4],
    ]);
    assert.equal(compressedBytes(first), 123);
    assert.deepEqual(
      layersNotIn(second, first).map((layer) => layer.digest),
      ["sha256:code-v2"],
    );
    assert.deepEqual(layersNotIn(first, first), []);
  });

  it("reads sonames from ldd and measures the runtime floor from an image's files", function () {
    const ldd = [
      "\tlinux-vdso.so.1 (0x00007ffd)",
      "\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f)",
      "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)",
      "\t/lib64/ld-linux-x86-64.so.2 (0x00007f)",
    ].join("\n");
    const sonames = parseLddSonames(ldd);
    assert.deepEqual(sonames, ["ld-linux-x86-64.so.2", "libc.so.6", "libstdc++.so.6"]);
    const floor = measureRuntimeFloor(
      [
        { path: "nodejs/bin/node", type: "file", size: 1000, uid: 0 },
        { path: "usr/lib/x86_64-linux-gnu/libstdc++.so.6", type: "file", size: 50, uid: 0 },
        { path: "usr/lib/x86_64-linux-gnu/libc.so.6", type: "file", size: 40, uid: 0 },
        { path: "usr/lib64/ld-linux-x86-64.so.2", type: "file", size: 5, uid: 0 },
        { path: "usr/lib/x86_64-linux-gnu/libunused.so.1", type: "file", size: 999, uid: 0 },
        { path: "etc/ssl/certs/ca-certificates.crt", type: "file", size: 200, uid: 0 },
        { path: "app/dist/server.js", type: "file", size: 7, uid: 0 },
        { path: "app/node_modules/ms/index.js", type: "file", size: 3, uid: 0 },
      ],
      sonames,
    );
    assert.deepEqual(
      { ...floor, libraryFiles: floor.libraryFiles.length },
      {
        nodeBinary: 1000,
        libraries: 95,
        appCode: 7,
        productionDependencies: 3,
        total: 1105,
        libraryFiles: 3,
      },
    );
  });
});
