import assert from "node:assert/strict";
import { finalStageBaseDockerfile, sharedPrefixLength } from "../../components/size/base-layers";
import { cacheManifestBlobs, pushedCacheVariants } from "../../components/size/image-tar";

describe("finalStageBaseDockerfile", () => {
  const cases: Array<[string, string, string | undefined, string | undefined]> = [
    [
      "app/-shaped: global ARGs, the runtime stage's FROM",
      [
        "ARG NODE_BUILD_IMAGE=node:22-bookworm",
        "ARG NODE_RUNTIME_IMAGE=gcr.io/distroless/nodejs22-debian12:nonroot",
        "FROM --platform=$BUILDPLATFORM ${NODE_BUILD_IMAGE} AS deps",
        "RUN npm ci",
        "FROM deps AS build",
        "RUN esbuild",
        "FROM ${NODE_RUNTIME_IMAGE} AS runtime",
        "COPY --from=build /app/dist ./dist",
      ].join("\n"),
      undefined,
      [
        "ARG NODE_BUILD_IMAGE=node:22-bookworm",
        "ARG NODE_RUNTIME_IMAGE=gcr.io/distroless/nodejs22-debian12:nonroot",
        "FROM ${NODE_RUNTIME_IMAGE}",
        "",
      ].join("\n"),
    ],
    [
      "a target built FROM an earlier stage: the root of its chain, with its --platform",
      "FROM --platform=$BUILDPLATFORM node:22 AS deps\nRUN npm ci\nFROM deps AS build\nRUN x\nFROM nginx AS web\n",
      "build",
      "FROM --platform=$BUILDPLATFORM node:22\n",
    ],
    [
      "scratch: no base layers",
      "FROM golang AS build\nRUN go build\nFROM scratch\nCOPY --from=build /x /x\n",
      undefined,
      undefined,
    ],
  ];
  for (const [name, dockerfile, target, expected] of cases) {
    it(name, () => assert.equal(finalStageBaseDockerfile(dockerfile, target), expected));
  }

  it("throws for a Dockerfile Docker would reject", () => {
    assert.throws(() => finalStageBaseDockerfile("RUN echo no FROM\n"), { name: "DockerfileParseError" });
  });
});

describe("sharedPrefixLength", () => {
  const cases: Array<[string[], string[], number]> = [
    [["a", "b", "c"], ["a"], 1],
    [["a", "b", "c"], ["a", "b", "c"], 3],
    [["a", "b"], ["x"], 0],
    [["a", "b"], [], 0],
    // A layer equal to a base layer further up is not the base's: only the common prefix counts.
    [["a", "x", "b"], ["a", "b"], 1],
  ];
  for (const [image, base, expected] of cases) {
    it(`${image.join(",")} over ${base.join(",") || "nothing"}: ${expected}`, () =>
      assert.equal(sharedPrefixLength(image, base), expected));
  }
});

describe("cacheManifestBlobs", () => {
  const gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
  it("lists each layer digest once with its size and media type", () => {
    const manifest = {
      config: { mediaType: "application/vnd.buildkit.cacheconfig.v0", digest: "sha256:c", size: 16_205 },
      layers: [
        { mediaType: gzip, digest: "sha256:a", size: 97 },
        { mediaType: gzip, digest: "sha256:b", size: 395_678_697 },
        { mediaType: gzip, digest: "sha256:a", size: 97 },
      ],
    };
    assert.deepEqual(cacheManifestBlobs(manifest), [
      { digest: "sha256:a", bytes: 97, mediaType: gzip, uncompressed: "sha256:a" },
      { digest: "sha256:b", bytes: 395_678_697, mediaType: gzip, uncompressed: "sha256:b" },
    ]);
  });

  it("names each blob's layer by its containerd.io/uncompressed annotation", () => {
    const manifest = {
      layers: [
        {
          mediaType: gzip,
          digest: "sha256:g",
          size: 81,
          annotations: { "containerd.io/uncompressed": "sha256:u" },
        },
      ],
    };
    assert.deepEqual(cacheManifestBlobs(manifest), [
      { digest: "sha256:g", bytes: 81, mediaType: gzip, uncompressed: "sha256:u" },
    ]);
  });
  it("rejects a manifest without layers or a layer without a size", () => {
    assert.throws(() => cacheManifestBlobs({ manifests: [] }), {
      message: "the cache manifest lists no layers[]",
    });
    assert.throws(() => cacheManifestBlobs({ layers: [{ digest: "sha256:a" }] }), {
      message: "the cache manifest's layers[0] has no digest and size",
    });
  });
});

describe("pushedCacheVariants", () => {
  const gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
  const zstd = "application/vnd.oci.image.layer.v1.tar+zstd";
  const tar = "application/vnd.oci.image.layer.v1.tar";
  const blob = (digest: string, mediaType: string, uncompressed: string) => ({
    digest,
    mediaType,
    uncompressed,
  });
  it("keeps the push's compression per layer, and a layer held only in another compression as that", () => {
    // Layer u1: gzip and zstd variants; layer u2: only zstd and uncompressed (as CI's shared engine held).
    const blobs = [
      blob("sha256:g1", gzip, "sha256:u1"),
      blob("sha256:z1", zstd, "sha256:u1"),
      blob("sha256:z2", zstd, "sha256:u2"),
      blob("sha256:u2", tar, "sha256:u2"),
    ];
    assert.deepEqual(pushedCacheVariants(blobs, /\.tar\+gzip$/), {
      kept: [blobs[0], blobs[2], blobs[3]],
      dropped: 1,
    });
  });
});
