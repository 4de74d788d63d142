import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import {
  resolveImageDefaults,
  type BuildNetworkMode,
  type ImagePlatform,
  type LayerCompression,
} from "./defaults";
import { compressionInputs } from "./compression";
import { contentTagFromHash, contextHashFor, imageRefs, registryHost } from "./image-refs";

/** How the image is built: shared by BuildKitImage and EcrImagePipeline (one definition, one doc). */
export interface ImageBuildSettings {
  /** Build context directory. */
  context: pulumi.Input<string>;
  /**
   * Path of the Dockerfile.
   * @default "<context>/Dockerfile"
   */
  dockerfile?: pulumi.Input<string>;
  /**
   * Stage of a multi-stage Dockerfile to build.
   * @default undefined (the last stage)
   */
  target?: pulumi.Input<string>;
  /**
   * Build arguments (`ARG`). They end up in the image's history: never put secrets here.
   * @default {}
   */
  buildArgs?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Build secrets by id, mounted with `RUN --mount=type=secret,id=<id>`; never stored in the image.
   * @default {}
   */
  secrets?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Target platforms; more than one builds a multi-platform image index.
   * @default ["linux/amd64"]
   */
  platforms?: pulumi.Input<pulumi.Input<ImagePlatform>[]>;
  /**
   * Name of an existing buildx builder (e.g. a remote or Kubernetes BuildKit created with
   * `docker buildx create --name ci --driver remote tcp://buildkitd:1234`).
   * @default undefined (the default builder)
   */
  builderName?: pulumi.Input<string>;
  /**
   * Network mode for `RUN` instructions.
   * @default "default"
   */
  network?: pulumi.Input<BuildNetworkMode>;
  /**
   * Tag of the registry cache in the same repository.
   * @default "buildcache"
   */
  cacheTag?: string;
  /**
   * Read and write a BuildKit registry cache at `<repositoryUrl>:<cacheTag>` (mode max, image manifest,
   * OCI media types: the form ECR accepts). Cache export errors are ignored so a cache outage never fails
   * a deploy. A preview that builds (`buildOnPreview`) writes it too.
   * @default true
   */
  cache?: boolean;
  /**
   * Layer compression of the pushed image and the registry cache. `zstd` decompresses faster and is
   * usually smaller; it is sent with level 3 and forced onto the base layers too, with OCI media types,
   * and needs a runtime that reads zstd layers (containerd 1.5+, Fargate platform 1.4).
   * @default "gzip"
   */
  compression?: LayerCompression;
  /**
   * More tags to push, e.g. `release-1.4.0` or `deployed-prod` (mutable, see EcrRepository).
   * @default []
   */
  extraTags?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Keep the pushed image when the resource is replaced or deleted, so a deploy never deletes the image
   * that is still running; the lifecycle policy expires it later.
   * @default true
   */
  retainOnDelete?: boolean;
  /**
   * Build a changed image during `pulumi preview`, so a broken Dockerfile fails the preview. No image is
   * pushed, but that build writes the registry cache (`<cacheTag>`, only the cache): docker-build filters
   * only image pushes in previews. For previews that write nothing, run them with pull-only ECR
   * credentials (the cache write then fails and is ignored) or set this to false.
   * @default true
   */
  buildOnPreview?: pulumi.Input<boolean>;
}

export interface BuildKitImageArgs extends ImageBuildSettings {
  /** URL of the ECR repository to push to: `<account>.dkr.ecr.<region>.amazonaws.com/<name>`. */
  repositoryUrl: pulumi.Input<string>;
  /**
   * Registry id (AWS account) for the ECR authorization token.
   * @default the account of the AWS provider
   */
  registryId?: pulumi.Input<string>;
  /**
   * Content-addressed tag to push. Override only to bring your own (e.g. a git commit).
   * @default "ctx-" + 16 hex digits of a SHA-256 over the context files, Dockerfile, target, build args and platforms
   */
  contentTag?: pulumi.Input<string>;
}

/**
 * A BuildKit image (@pulumi/docker-build) pushed to ECR under a content-addressed tag, with a registry
 * cache in the same repository that really works with ECR.
 */
export class BuildKitImage extends pulumi.ComponentResource {
  public readonly image: dockerBuild.Image;
  /** `sha256:…` of the pushed manifest (or image index for several platforms). */
  public readonly digest: pulumi.Output<string>;
  /** `<repositoryUrl>@<digest>`: the reference to deploy. */
  public readonly imageUri: pulumi.Output<string>;
  /** Every tag pushed, without the repository (`ctx-…` first). */
  public readonly imageTags: pulumi.Output<string[]>;
  public readonly contentTag: pulumi.Output<string>;
  /** SHA-256 over the context files, Dockerfile, target, build args and platforms (unset with `contentTag`). */
  public readonly contextHash: pulumi.Output<string | undefined>;
  /** `<repositoryUrl>:<cacheTag>`, or undefined when the cache is off. */
  public readonly cacheRef: pulumi.Output<string | undefined>;

  constructor(name: string, args: BuildKitImageArgs, opts?: pulumi.ComponentResourceOptions) {
    const resolved = resolveImageDefaults(args);
    super("ecr-pipeline:index:BuildKitImage", name, {}, opts);

    const auth = aws.ecr.getAuthorizationTokenOutput(
      args.registryId === undefined ? {} : { registryId: args.registryId },
      { parent: this },
    );
    const dockerfile = args.dockerfile ?? pulumi.interpolate`${args.context}/Dockerfile`;
    // Hashing reads the whole context, so it is skipped when the caller brings the tag (the pipeline
    // hashes once itself).
    this.contextHash =
      args.contentTag !== undefined
        ? pulumi.output(undefined)
        : pulumi
            .all([args.context, dockerfile, args.target, args.buildArgs, args.platforms])
            .apply(([context, file, target, buildArgs, platforms]) =>
              contextHashFor({ context, dockerfile: file, target, buildArgs, platforms }),
            );
    this.contentTag =
      args.contentTag !== undefined
        ? pulumi.output(args.contentTag)
        : this.contextHash.apply((hash) => contentTagFromHash(hash ?? ""));

    const refs = pulumi
      .all([args.repositoryUrl, this.contentTag, args.extraTags ?? []])
      .apply(([url, contentTag, extraTags]) => imageRefs(url, contentTag, extraTags, resolved.cacheTag));
    this.imageTags = refs.tags;
    this.cacheRef = pulumi.output(resolved.cache ? refs.cacheRef : undefined);

    // The provider drops compression without a level (see ./compression.ts): zstd sends one, gzip nothing.
    const compression = compressionInputs(resolved.compression);
    // The cache is written in previews too, on purpose. docker-build sets push=false on image exports in a
    // preview (provider/internal/export.go 236-239, v0.0.22) but never filters cacheTo
    // (`CacheTo.validate(_ bool)`, cache.go 682; "cache manifests are still exported", image.go 138). Leaving
    // cacheTo out only when `pulumi.runtime.isDryRun()` would not help: the provider's Diff compares cacheTo
    // with the state (image.go 952-954), so every preview of an UNCHANGED image would show an update and
    // rebuild it. The inputs are therefore the same in preview and update (test/components/image.test.ts);
    // previews that must write nothing run with pull-only credentials (the write error is ignored).
    // ECR rejects the image index BuildKit writes for a registry cache by default; it needs a single
    // image manifest with OCI media types (https://aws.amazon.com/blogs/containers/announcing-remote-cache-support-in-amazon-ecr-for-buildkit-clients/).
    const cacheFrom = resolved.cache ? [{ registry: { ref: refs.cacheRef } }] : [];
    const cacheTo = resolved.cache
      ? [
          {
            registry: {
              ref: refs.cacheRef,
              mode: dockerBuild.CacheMode.Max,
              imageManifest: true,
              ociMediaTypes: true,
              ignoreError: true,
              ...compression,
            },
          },
        ]
      : [];

    this.image = new dockerBuild.Image(
      name,
      {
        context: { location: args.context },
        dockerfile: { location: dockerfile },
        target: args.target,
        buildArgs: args.buildArgs,
        secrets: args.secrets,
        platforms: args.platforms ?? [dockerBuild.Platform.Linux_amd64],
        builder: args.builderName === undefined ? undefined : { name: args.builderName },
        network: args.network,
        buildOnPreview: args.buildOnPreview ?? true,
        tags: refs.refs,
        // One registry export instead of `push: true`, so the layer compression can be chosen; zstd
        // layers need OCI media types, and forceCompression recompresses gzip base layers too.
        push: false,
        exports: [
          {
            registry: {
              push: true,
              ociMediaTypes: resolved.compression === "zstd",
              ...compression,
            },
          },
        ],
        cacheFrom,
        cacheTo,
        registries: [
          {
            address: pulumi.output(args.repositoryUrl).apply(registryHost),
            username: auth.userName,
            // The token is a credential: keep it encrypted in state and masked in logs.
            password: pulumi.secret(auth.password),
          },
        ],
      },
      // The component's dependsOn holds for the build too (EcrImagePipeline gates the push on the budget).
      { parent: this, retainOnDelete: resolved.retainOnDelete, dependsOn: opts?.dependsOn },
    );

    this.digest = this.image.digest;
    this.imageUri = pulumi.interpolate`${args.repositoryUrl}@${this.image.digest}`;

    this.registerOutputs({
      digest: this.digest,
      imageUri: this.imageUri,
      imageTags: this.imageTags,
      contentTag: this.contentTag,
      contextHash: this.contextHash,
      cacheRef: this.cacheRef,
    });
  }
}
