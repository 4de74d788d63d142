import assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { BuildKitImage } from "../../components/image";
import { EcrImagePipeline } from "../../components/pipeline";
import {
  buildSettingsKey,
  contentTagFor,
  imageRefs,
  registryHost,
  type BuildTagSettings,
} from "../../components/buildkit/refs";
import { imageInputValidator } from "../helpers/docker-build-schema";
import {
  DIGEST,
  INDEX_DIGEST,
  REGISTRY,
  installMocks,
  isKnown,
  secretValue,
  settle,
  unwrapSecrets,
  valueOf,
} from "../helpers/pulumi-mocks";

/** How a secret value reaches the mocks. */
function secretOf(value: unknown): unknown {
  return { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value };
}

const context = path.join(__dirname, "..", "fixtures", "contexts", "hello");
/** A context whose Dockerfile has a named stage (`builder`), for the `target` arg. */
const twoStage = path.join(__dirname, "..", "fixtures", "contexts", "two-stage");
const repositoryUrl = `${REGISTRY}/web`;
/** What the content tag hashes besides the files: every setting docker-build's Diff would rebuild for. */
const settingsOf = (overrides: Partial<BuildTagSettings> = {}): string =>
  buildSettingsKey({
    context,
    dockerfile: `${context}/Dockerfile`,
    compression: "gzip",
    cache: true,
    cacheTag: "buildcache",
    // Unset: docker-build's own default ("default") is not in the component's settings.
    network: undefined,
    platformBuilders: {},
    buildOnPreview: true,
    secretIds: [],
    ...overrides,
  });
const contentTag = contentTagFor({
  context,
  dockerfile: path.join(context, "Dockerfile"),
  platforms: ["linux/amd64"],
  buildSettings: settingsOf(),
});

describe("BuildKitImage", () => {
  it("registers one docker-build Image with the ECR cache, content tag, auth and retainOnDelete, and an Index per extra tag", async () => {
    const rec = installMocks();
    const image = new BuildKitImage(
      "web",
      { repositoryUrl, context, platforms: ["linux/amd64"], extraTags: ["deployed-dev"] },
      { transformations: rec.transformations },
    );
    await settle(image.imageUri, image.imageTags);

    assert.deepEqual(
      rec.resources.map((r) => `${r.type}::${r.name}`),
      [
        "ecr-pipeline:index:BuildKitImage::web",
        "docker-build:index:Image::web",
        "docker-build:index:Index::web-tag-deployed-dev",
      ],
    );
    assert.deepEqual(
      rec.calls.map((c) => c.token),
      ["aws:ecr/getAuthorizationToken:getAuthorizationToken"],
    );
    const built = rec.resources.find((r) => r.type === "docker-build:index:Image");
    assert.ok(built);
    const cacheRef = `${repositoryUrl}:buildcache`;
    assert.deepEqual(built.inputs, {
      context: { location: context },
      dockerfile: { location: `${context}/Dockerfile` },
      platforms: ["linux/amd64"],
      network: "default",
      // Secret values never rebuild (an immutable tag cannot be pushed twice): none here.
      ignoreSecretsInDiffCalculation: [],
      buildOnPreview: true,
      // The content tag only: deployed-dev is a promotion Index of its own (issue 18 item 3).
      tags: [`${repositoryUrl}:${contentTag}`],
      push: false,
      // gzip at BuildKit's default level, forced: without force BuildKit reuses a zstd blob the engine
      // already holds (components/buildkit/compression.ts); without a level the provider would drop both fields.
      exports: [
        {
          registry: {
            push: true,
            ociMediaTypes: false,
            compression: "gzip",
            compressionLevel: 6,
            forceCompression: true,
          },
        },
      ],
      cacheFrom: [{ registry: { ref: cacheRef } }],
      cacheTo: [
        {
          registry: {
            ref: cacheRef,
            mode: "max",
            imageManifest: true,
            ociMediaTypes: true,
            ignoreError: true,
            compression: "gzip",
            compressionLevel: 6,
            forceCompression: true,
          },
        },
      ],
      // The whole list is secret because the password in it is.
      registries: secretOf([{ address: REGISTRY, username: "AWS", password: "token-password" }]),
    });
    assert.match(contentTag, /^ctx-[0-9a-f]{16}$/);
    const options = rec.options.find((o) => o.type === "docker-build:index:Image");
    assert.equal(options?.retainOnDelete, true);
    // The promotion Index: its source is the pushed content image (the Image's `ref`), always retained.
    const promotion = rec.resources.find((r) => r.type === "docker-build:index:Index");
    assert.deepEqual(promotion?.inputs, {
      tag: `${repositoryUrl}:deployed-dev`,
      sources: [`${repositoryUrl}:${contentTag}@${DIGEST}`],
      push: true,
      registry: secretOf({ address: REGISTRY, username: "AWS", password: "token-password" }),
    });
    assert.equal(rec.options.find((o) => o.type === "docker-build:index:Index")?.retainOnDelete, true);

    assert.equal(await valueOf(image.imageUri), `${repositoryUrl}@${DIGEST}`);
    assert.deepEqual(await valueOf(image.imageTags), [contentTag, "deployed-dev"]);
    assert.equal(await valueOf(image.cacheRef), cacheRef);
  });

  it("passes target, build args, secrets (as secrets, not args), builder and zstd", async () => {
    const rec = installMocks();
    const image = new BuildKitImage(
      "web",
      {
        repositoryUrl,
        context: twoStage,
        target: "builder",
        buildArgs: { NODE_ENV: "production" },
        secrets: { npmrc: "//registry/:_authToken=s3cret" },
        platforms: ["linux/arm64"],
        builderName: "remote-buildkit",
        compression: "zstd",
        cache: false,
        retainOnDelete: false,
      },
      { transformations: rec.transformations },
    );
    await settle(image.imageUri);
    const built = rec.resources.find((r) => r.type === "docker-build:index:Image");
    assert.ok(built);
    assert.equal(built.inputs.target, "builder");
    assert.deepEqual(built.inputs.buildArgs, { NODE_ENV: "production" });
    assert.deepEqual(secretValue(built.inputs.secrets), { npmrc: "//registry/:_authToken=s3cret" });
    assert.ok(
      !JSON.stringify(built.inputs.buildArgs).includes("s3cret"),
      "a secret never becomes a build arg",
    );
    assert.deepEqual(built.inputs.builder, { name: "remote-buildkit" });
    assert.deepEqual(built.inputs.platforms, ["linux/arm64"]);
    // compressionLevel makes the provider send compression at all (export.go ExportWithCompression.String).
    assert.deepEqual(built.inputs.exports, [
      {
        registry: {
          push: true,
          ociMediaTypes: true,
          compression: "zstd",
          compressionLevel: 3,
          forceCompression: true,
        },
      },
    ]);
    assert.deepEqual(built.inputs.cacheFrom, [], "no cache: nothing read");
    assert.deepEqual(built.inputs.cacheTo, [], "no cache: nothing written");
    assert.deepEqual(rec.options.find((o) => o.type === "docker-build:index:Image")?.retainOnDelete, false);
  });

  it("zstd reaches the registry cache too: compression with a level, forced, like the image", async () => {
    const rec = installMocks();
    const image = new BuildKitImage("web", { repositoryUrl, context, compression: "zstd" });
    await settle(image.imageUri);
    const built = rec.resources.find((r) => r.type === "docker-build:index:Image");
    assert.ok(built);
    const cacheRef = `${repositoryUrl}:buildcache`;
    assert.deepEqual(built.inputs.cacheTo, [
      {
        registry: {
          ref: cacheRef,
          mode: "max",
          imageManifest: true,
          ociMediaTypes: true,
          ignoreError: true,
          compression: "zstd",
          compressionLevel: 3,
          forceCompression: true,
        },
      },
    ]);
    assert.deepEqual(built.inputs.cacheFrom, [{ registry: { ref: cacheRef } }]);
  });

  it("passes only inputs the docker-build provider schema accepts", async () => {
    const validate = imageInputValidator();
    for (const args of [
      { repositoryUrl, context },
      {
        repositoryUrl,
        context: twoStage,
        target: "builder",
        buildArgs: { A: "1" },
        secrets: { s: "v" },
        platforms: ["linux/arm64" as const],
        builderName: "b",
        network: "host" as const,
        compression: "zstd" as const,
        extraTags: ["release-1.0.0"],
      },
    ]) {
      const rec = installMocks();
      const image = new BuildKitImage("web", args);
      await settle(image.imageUri);
      const built = rec.resources.find((r) => r.type === "docker-build:index:Image");
      assert.ok(built);
      assert.deepEqual(validate(unwrapSecrets(built.inputs)), []);
    }
    // The validator is not a rubber stamp: a misspelt property or enum value is rejected.
    assert.notDeepEqual(validate({ push: true, cacheTo: [{ registry: { ref: "r", mode: "maximum" } }] }), []);
    assert.notDeepEqual(validate({ push: true, tag: ["x"] }), []);
    assert.notDeepEqual(validate({ tags: ["x"] }), []);
  });

  it("sends the same inputs in preview and update, cacheTo included (no preview-only diff)", async () => {
    // docker-build diffs cacheTo against its state (image.go 952-954): dropping it only in previews would
    // show every unchanged image as an update and rebuild it. What a preview writes is documented instead.
    const inputsFor = async (preview: boolean): Promise<Record<string, unknown>> => {
      const rec = installMocks({ preview });
      const image = new BuildKitImage("web", { repositoryUrl, context, compression: "zstd" });
      await settle(image.imageTags, image.cacheRef);
      const built = rec.resources.find((r) => r.type === "docker-build:index:Image");
      assert.ok(built);
      return built.inputs;
    };
    const inUpdate = await inputsFor(false);
    const inPreview = await inputsFor(true);
    assert.deepEqual(inPreview, inUpdate);
    assert.equal((inPreview.cacheTo as unknown[]).length, 1, "the cache is written by a preview build too");
    assert.equal(inPreview.buildOnPreview, true);
  });

  describe("several platforms: one cached build per platform joined by an Index", () => {
    const twoPlatforms = ["linux/amd64", "linux/arm64"] as const;
    const contentTag2 = contentTagFor({
      context,
      dockerfile: path.join(context, "Dockerfile"),
      platforms: [...twoPlatforms],
      buildSettings: settingsOf({
        compression: "zstd",
        builderName: "ci",
        platformBuilders: { "linux/arm64": "arm-native" },
      }),
    });

    async function build2(preview: boolean, imageChanged = false) {
      const rec = installMocks({ preview, imageChanged });
      const image = new BuildKitImage(
        "web",
        {
          repositoryUrl,
          context,
          platforms: [...twoPlatforms],
          platformBuilders: { "linux/arm64": "arm-native" },
          builderName: "ci",
          compression: "zstd",
          extraTags: ["deployed-prod"],
        },
        { transformations: rec.transformations },
      );
      await settle(image.imageTags, image.cacheRefs);
      await settle(image.imageUri);
      return { rec, image };
    }

    for (const preview of [false, true]) {
      it(`children, parents and exact inputs (preview=${preview})`, async () => {
        const { rec, image } = await build2(preview);
        assert.deepEqual(
          rec.resources.map((r) => `${r.type}::${r.name}`),
          [
            "ecr-pipeline:index:BuildKitImage::web",
            "docker-build:index:Image::web-amd64",
            "docker-build:index:Image::web-arm64",
            "docker-build:index:Index::web",
            "docker-build:index:Index::web-tag-deployed-prod",
          ],
        );
        assert.deepEqual(
          rec.options.map((o) => `${o.type}::${o.name}::${o.parentName}::${o.retainOnDelete}`),
          [
            "ecr-pipeline:index:BuildKitImage::web::undefined::undefined",
            "docker-build:index:Image::web-amd64::web::true",
            "docker-build:index:Image::web-arm64::web::true",
            "docker-build:index:Index::web::web::true",
            "docker-build:index:Index::web-tag-deployed-prod::web::true",
          ],
        );
        const zstd = { compression: "zstd", compressionLevel: 3, forceCompression: true };
        const registries = secretOf([{ address: REGISTRY, username: "AWS", password: "token-password" }]);
        for (const [arch, builder] of [
          ["amd64", "ci"],
          ["arm64", "arm-native"],
        ] as const) {
          const built = rec.resources.find((r) => r.name === `web-${arch}`);
          assert.ok(built);
          const cacheRef = `${repositoryUrl}:buildcache-${arch}`;
          assert.deepEqual(built.inputs, {
            context: { location: context },
            dockerfile: { location: `${context}/Dockerfile` },
            platforms: [`linux/${arch}`],
            builder: { name: builder },
            network: "default",
            ignoreSecretsInDiffCalculation: [],
            buildOnPreview: true,
            tags: [`${repositoryUrl}:${contentTag2}-${arch}`],
            push: false,
            exports: [{ registry: { push: true, ociMediaTypes: true, ...zstd } }],
            cacheFrom: [{ registry: { ref: cacheRef } }],
            cacheTo: [
              {
                registry: {
                  ref: cacheRef,
                  mode: "max",
                  imageManifest: true,
                  ociMediaTypes: true,
                  ignoreError: true,
                  ...zstd,
                },
              },
            ],
            registries,
          });
        }
        const sources = ["amd64", "arm64"].map((arch) => `${repositoryUrl}:${contentTag2}-${arch}@${DIGEST}`);
        const registry = secretOf({ address: REGISTRY, username: "AWS", password: "token-password" });
        const indexes = rec.resources.filter((r) => r.type === "docker-build:index:Index");
        assert.deepEqual(
          indexes.map((index) => index.inputs),
          [
            { tag: `${repositoryUrl}:${contentTag2}`, sources, push: true, registry },
            // A promotion Index: its one source is the content tag's pushed index, so `imagetools create`
            // copies it (the same digest, test/integration/promotion.test.ts).
            {
              tag: `${repositoryUrl}:deployed-prod`,
              sources: [`${repositoryUrl}:${contentTag2}@${INDEX_DIGEST}`],
              push: true,
              registry,
            },
          ],
        );
        assert.deepEqual(await valueOf(image.imageTags), [contentTag2, "deployed-prod"]);
        assert.deepEqual(await valueOf(image.cacheRefs), [
          `${repositoryUrl}:buildcache-amd64`,
          `${repositoryUrl}:buildcache-arm64`,
        ]);
        // imageUri pins the Index's digest, never a platform image's.
        assert.equal(await valueOf(image.imageUri), `${repositoryUrl}@${INDEX_DIGEST}`);
        assert.equal(await valueOf(image.digest), INDEX_DIGEST);
        assert.equal(image.images.length, 2);
        assert.ok(image.index);
      });
    }

    it("in preview of a changed image, the index digest and imageUri are unknown, not `@undefined`", async () => {
      const { image } = await build2(true, true);
      assert.equal(await isKnown(image.imageUri), false);
      assert.equal(await isKnown(image.digest), false);
      assert.equal(await isKnown(image.imageTags), true);
    });

    it("one platform keeps one Image and no Index", async () => {
      const rec = installMocks();
      const image = new BuildKitImage(
        "web",
        { repositoryUrl, context, platforms: ["linux/arm64"] },
        { transformations: rec.transformations },
      );
      await settle(image.imageUri);
      assert.deepEqual(
        rec.resources.map((r) => `${r.type}::${r.name}`),
        ["ecr-pipeline:index:BuildKitImage::web", "docker-build:index:Image::web"],
      );
      assert.deepEqual(
        rec.options.map((o) => `${o.type}::${o.name}::${o.parentName}::${o.retainOnDelete}`),
        [
          "ecr-pipeline:index:BuildKitImage::web::undefined::undefined",
          "docker-build:index:Image::web::web::true",
        ],
      );
      assert.equal(await valueOf(image.imageUri), `${repositoryUrl}@${DIGEST}`);
      assert.equal(image.index, undefined);
      assert.deepEqual(await valueOf(image.cacheRefs), [`${repositoryUrl}:buildcache`]);
    });

    it("the per-platform inputs pass the provider schema", async () => {
      const validate = imageInputValidator();
      const { rec } = await build2(false);
      for (const built of rec.resources.filter((r) => r.type === "docker-build:index:Image")) {
        assert.deepEqual(validate(unwrapSecrets(built.inputs)), []);
      }
    });
  });

  it("in preview, the digest-pinned URI is unknown until the push, the tags are known", async () => {
    installMocks({ preview: true, imageChanged: true });
    const image = new BuildKitImage("web", { repositoryUrl, context });
    await settle(image.imageTags);
    assert.equal(await isKnown(image.imageUri), false);
    assert.equal(await isKnown(image.imageTags), true);
    assert.equal(await isKnown(image.contentTag), true);
  });

  it("imageRefs and registryHost reject what would break a push", () => {
    assert.equal(registryHost(repositoryUrl), REGISTRY);
    assert.throws(() => registryHost("web"), {
      message:
        'BuildKitImage: invalid argument "repositoryUrl": "web" has no "<registry>/<repository>" form. Pass EcrRepository.repositoryUrl (or aws.ecr.Repository.repositoryUrl).',
    });
    assert.throws(() => imageRefs(repositoryUrl, "ctx-1", ["buildcache"], "buildcache"), {
      message:
        'BuildKitImage: the tag "buildcache" is a build-cache tag (buildcache or buildcache-<arch>); every build overwrites it with cache metadata. Remove it from extraTags/contentTag or choose another cacheTag.',
    });
    assert.throws(() => imageRefs(repositoryUrl, "ctx-1", ["bad tag"], "buildcache"), {
      message:
        "BuildKitImage: invalid tag \"bad tag\": use 1-128 characters of letters, digits, '_', '.' and '-', not starting with '.' or '-'.",
    });
    assert.deepEqual(imageRefs(repositoryUrl, "ctx-1", ["ctx-1", "v1"], "buildcache").tags, ["ctx-1", "v1"]);
  });

  describe("bad plain args are rejected before anything is registered, naming the arg and the fix", () => {
    const cases: Array<{ what: string; args: Record<string, unknown>; message: string }> = [
      {
        what: "an unknown platform",
        args: { platforms: ["linux/amd64", "linux/arm64/v8"] },
        message:
          'BuildKitImage: invalid argument "platforms": got "linux/arm64/v8". Use one of "linux/386", "linux/amd64", "linux/arm", "linux/arm64", "linux/mips64", "linux/mips64le", "linux/ppc64le", "linux/riscv64", "linux/s390x".',
      },
      {
        what: "a platform listed twice",
        args: { platforms: ["linux/arm64", "linux/arm64"] },
        message:
          'BuildKitImage: invalid argument "platforms": "linux/arm64" is listed twice. List each platform once.',
      },
      {
        what: "no platform",
        args: { platforms: [] },
        message:
          'BuildKitImage: invalid argument "platforms": got []. List at least one platform, e.g. ["linux/amd64"], or leave it unset.',
      },
      {
        what: "an empty builder name",
        args: { builderName: "" },
        message:
          "BuildKitImage: invalid argument \"builderName\": \"\" is not a buildx builder name. Use the name `docker buildx ls` shows (letters, digits, '.', '_', '-'), or leave it unset for the default builder.",
      },
      {
        what: "an empty per-platform builder name",
        args: { platforms: ["linux/amd64", "linux/arm64"], platformBuilders: { "linux/arm64": " " } },
        message:
          "BuildKitImage: invalid argument \"platformBuilders[\"linux/arm64\"]\": \" \" is not a buildx builder name. Use the name `docker buildx ls` shows (letters, digits, '.', '_', '-'), or leave it unset for the default builder.",
      },
      {
        what: "a builder for a platform not built",
        args: { platformBuilders: { "linux/arm64": "arm-native" } },
        message:
          'BuildKitImage: invalid argument "platformBuilders": "linux/arm64" is not one of the platforms built (linux/amd64). Key it by a platform listed in platforms, e.g. { "linux/arm64": "arm-builder" }.',
      },
      {
        what: "an unknown compression",
        args: { compression: "brotli" },
        message: 'BuildKitImage: invalid argument "compression": got "brotli". Use one of "gzip", "zstd".',
      },
      {
        what: "extra tags as an Output (each is a resource: one platform or several)",
        args: { extraTags: pulumi.output(["deployed-dev"]) },
        message:
          'BuildKitImage: invalid argument "extraTags": got an Output (or a list holding one). Pass a plain list of strings, e.g. ["deployed-prod"]: each extra tag is its own image index, which the program must know before it runs.',
      },
    ];
    for (const { what, args, message } of cases) {
      it(`${what}`, () => {
        const rec = installMocks();
        assert.throws(() => new BuildKitImage("web", { repositoryUrl, context, ...args } as never), {
          message,
        });
        assert.deepEqual(rec.resources, []);
      });
    }

    it("the pipeline checks them before its own registration", () => {
      const rec = installMocks();
      assert.throws(() => new EcrImagePipeline("app", { context, platforms: ["linux/arm64/v8" as never] }), {
        message:
          'EcrImagePipeline: invalid argument "platforms": got "linux/arm64/v8". Use one of "linux/386", "linux/amd64", "linux/arm", "linux/arm64", "linux/mips64", "linux/mips64le", "linux/ppc64le", "linux/riscv64", "linux/s390x".',
      });
      assert.deepEqual(rec.resources, []);
    });
  });

  it("rejects an unknown compression before registering anything", () => {
    const rec = installMocks();
    assert.throws(
      () => new BuildKitImage("web", { repositoryUrl, context, compression: "brotli" as never }),
      {
        message: 'BuildKitImage: invalid argument "compression": got "brotli". Use one of "gzip", "zstd".',
      },
    );
    assert.deepEqual(rec.resources, []);
  });
});

describe("the content tag changes with every input docker-build would rebuild for (ECR refuses an immutable tag twice)", () => {
  // The Image inputs docker-build's Diff compares (pulumi-docker-build provider/internal/image.go
  // `Diff`): a change of any makes it build and push every tag again, and ECR answers a push to an
  // immutable tag it holds with ImageTagAlreadyExistsException even for the same digest
  // (aws/containers-roadmap#2179, moby/buildkit#3776). `registries` passwords are ignored there.
  const DIFFED = [
    "buildArgs",
    "buildOnPreview",
    "builder",
    "cacheFrom",
    "cacheTo",
    "context",
    "dockerfile",
    "exports",
    "network",
    "platforms",
    "push",
    "registries",
    "secrets",
    "tags",
    "target",
  ];
  type Args = ConstructorParameters<typeof BuildKitImage>[1];
  const base: Args = { repositoryUrl, context, platforms: ["linux/amd64"], secrets: { npm: "t0ken" } };

  async function recorded(args: Args): Promise<{ inputs: Record<string, unknown>; tag: string }> {
    const rec = installMocks();
    const image = new BuildKitImage("web", args);
    await settle(image.imageUri, image.imageTags);
    const built = rec.resources.find((r) => r.type === "docker-build:index:Image");
    assert.ok(built);
    return { inputs: built.inputs as Record<string, unknown>, tag: String(await valueOf(image.contentTag)) };
  }
  const changedKeys = (left: Record<string, unknown>, right: Record<string, unknown>): string[] =>
    [...new Set([...Object.keys(left), ...Object.keys(right)])]
      .filter((key) => JSON.stringify(left[key]) !== JSON.stringify(right[key]))
      .sort();

  const variations: Array<[string, Partial<Args>]> = [
    ["compression", { compression: "zstd" }],
    ["cache off", { cache: false }],
    ["cache tag", { cacheTag: "cache2" }],
    ["network", { network: "host" }],
    ["builder", { builderName: "ci" }],
    ["buildOnPreview", { buildOnPreview: false }],
    ["a secret id", { secrets: { npm: "t0ken", pip: "t1" } }],
    ["target", { context: twoStage, target: "builder" }],
    ["build args", { buildArgs: { A: "1" } }],
    ["platforms", { platforms: ["linux/arm64"] }],
    ["the Dockerfile's path", { dockerfile: `${context}/./Dockerfile` }],
  ];

  it("sends only inputs its Diff compares (a new one must be looked at here)", async () => {
    const { inputs } = await recorded(base);
    const extra = Object.keys(inputs).filter(
      (key) => !DIFFED.includes(key) && key !== "ignoreSecretsInDiffCalculation",
    );
    assert.deepEqual(extra, []);
  });

  for (const [what, change] of variations) {
    it(`${what}: a new content tag`, async () => {
      const before = await recorded(base);
      const after = await recorded({ ...base, ...change });
      const changed = changedKeys(before.inputs, after.inputs).filter((key) => key !== "tags");
      // Every variation changes what docker-build compares (else it would not rebuild, and the tag may stay).
      assert.ok(
        changed.length > 0 || JSON.stringify(after.inputs.tags) !== JSON.stringify(before.inputs.tags),
        `${what} changes no Image input`,
      );
      assert.notEqual(after.tag, before.tag, `${what} changes ${changed.join(", ")} but not the content tag`);
    });
  }

  it("an extra tag: the same content tag and the same Image (a promotion Index of its own, BUILD_RECIPE_VERSION 3)", async () => {
    // Planted: extraTags back in buildSettingsKey made the tags differ.
    const before = await recorded(base);
    const after = await recorded({ ...base, extraTags: ["release-1.0", "latest"] });
    assert.deepEqual(changedKeys(before.inputs, after.inputs), []);
    assert.equal(after.tag, before.tag);
  });

  it("a new secret value: the same tag, and the Image told to ignore secret values in its Diff", async () => {
    const before = await recorded(base);
    const after = await recorded({ ...base, secrets: { npm: "rotated" } });
    assert.deepEqual(changedKeys(before.inputs, after.inputs), ["secrets"]);
    assert.equal(after.tag, before.tag);
    assert.deepEqual(after.inputs.ignoreSecretsInDiffCalculation, ["npm"]);
  });
});

describe("the pipeline names the same content tag as BuildKitImage would on its own", () => {
  it("same settings, same tag (one function hashes for both)", async () => {
    const args = {
      context,
      platforms: ["linux/amd64" as const],
      compression: "zstd" as const,
      network: "host" as const,
      extraTags: ["deployed-dev"],
      secrets: { npm: "t0ken" },
    };
    installMocks();
    const pipeline = new EcrImagePipeline("web", { ...args, estimateSize: false });
    await settle(pipeline.imageUri, pipeline.imageTags);
    const fromPipeline = ((await valueOf(pipeline.imageTags)) ?? [])[0];
    const rec = installMocks();
    const image = new BuildKitImage("web", { ...args, repositoryUrl });
    await settle(image.imageUri, image.imageTags);
    assert.ok(rec.resources.length > 0);
    assert.match(String(fromPipeline), /^ctx-[0-9a-f]{16}$/);
    assert.equal(fromPipeline, await valueOf(image.contentTag));
  });
});
