import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { compressionInputs } from "./buildkit/compression";
import { platformSuffix } from "./buildkit/platforms";
import {
  buildSettingsKey,
  contentTagFromHash,
  contextHashFor,
  digestOfRef,
  imageRefs,
  platformRefs,
  registryHost,
} from "./buildkit/refs";
import { promotionIndexes } from "./buildkit/promotion";
import { fixedTagMoves, tagLookupFrom, type TagLookup } from "./buildkit/tag-policy";
import type { ImagePlatform, LayerCompression } from "./common/enums";
import { InvalidArgumentError } from "./common/errors";
import { ReportTarget, ReportedError } from "./common/reported-error";
import { DEPLOYED_TAG_PREFIX } from "./common/tags";
import { warningLine } from "./settings/args";
import { resolveImageSettings, type BuildKitImageArgs, type ImageBuildSettings } from "./settings/image";

/** The Dockerfile's path: `dockerfile`, or `<context>/Dockerfile` (the default docker-build would use). */
export function dockerfileOf(args: Pick<ImageBuildSettings, "context" | "dockerfile">): pulumi.Input<string> {
  if (args.dockerfile !== undefined) return args.dockerfile;
  // Plain when the context is: BuildKitImage's resolver then reads it (the secret mounts) as the
  // pipeline's did. The same text either way, so docker-build sees the same input.
  return typeof args.context === "string"
    ? `${args.context}/Dockerfile`
    : pulumi.interpolate`${args.context}/Dockerfile`;
}

/**
 * The build settings the content tag hashes besides the files (./buildkit/refs.ts `buildSettingsKey`, which
 * says why), from the resolved settings as BuildKitImage sends them to docker-build: one function for
 * the pipeline, which hashes once, and for BuildKitImage on its own, so that both name the same tag.
 */
export function buildSettingsText(
  settings: Pick<ImageBuildSettings, "context" | "network" | "builderName" | "secrets"> & {
    compression: LayerCompression;
    cache: boolean;
    cacheTag: string;
    platformBuilders: Readonly<Record<string, string>>;
    buildOnPreview?: unknown;
  },
  dockerfile: pulumi.Input<string>,
): pulumi.Output<string> {
  // Secret ids are not secret (`RUN --mount=type=secret,id=<id>` names them); unsecret keeps the tag
  // readable. Their values are left out: the Image ignores them in its Diff (ignoreSecretsInDiffCalculation).
  const secretIds = pulumi.unsecret(
    pulumi.output(settings.secrets ?? {}).apply((secrets) => Object.keys(secrets)),
  );
  return pulumi
    .all([
      settings.context,
      dockerfile,
      settings.network,
      settings.builderName,
      settings.buildOnPreview as pulumi.Input<boolean | undefined>,
      secretIds,
    ])
    .apply(([context, file, network, builderName, buildOnPreview, ids]) =>
      buildSettingsKey({
        context,
        dockerfile: file,
        compression: settings.compression,
        cache: settings.cache,
        cacheTag: settings.cacheTag,
        network,
        builderName,
        platformBuilders: settings.platformBuilders,
        buildOnPreview,
        secretIds: ids,
      }),
    );
}

/**
 * The context hash that names the content tag: the build files and every build setting
 * ({@link buildSettingsText}), from resolved settings. The pipeline (which hashes once and hands the tag
 * over) and BuildKitImage on its own both call this, so the same settings name the same tag.
 */
export function buildContextHashOf(
  settings: Parameters<typeof buildSettingsText>[0] &
    Pick<ImageBuildSettings, "target" | "buildArgs" | "platforms">,
  dockerfile: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi
    .all([
      settings.context,
      dockerfile,
      settings.target,
      settings.buildArgs,
      settings.platforms,
      buildSettingsText(settings, dockerfile),
    ])
    .apply(([context, file, target, buildArgs, platforms, buildSettings]) =>
      contextHashFor({ context, dockerfile: file, target, buildArgs, platforms, buildSettings }),
    );
}

/**
 * A BuildKit image (@pulumi/docker-build) pushed to ECR under a content-addressed tag, with a registry
 * cache in the same repository that really works with ECR. Its args and how they resolve:
 * ./settings/image.ts.
 */
export class BuildKitImage extends pulumi.ComponentResource {
  /** The docker-build Images: one, or one per platform (`<name>-<arch>`) when several are built. */
  public readonly images: dockerBuild.Image[];
  /** The docker-build Index joining the per-platform images; undefined for a single platform. */
  public readonly index: dockerBuild.Index | undefined;
  /**
   * One docker-build Index per extra tag (`<name>-tag-<tag>`): each points its tag at the pushed image
   * once `promoteWhen` allows, and is kept in ECR when removed (retainOnDelete).
   */
  public readonly promotions: dockerBuild.Index[];
  /** `sha256:…` of the pushed manifest (or image index for several platforms). */
  public readonly digest: pulumi.Output<string>;
  /** `<repositoryUrl>@<digest>`: the reference to deploy. */
  public readonly imageUri: pulumi.Output<string>;
  /** The content tag and the promotion tags, without the repository (`ctx-…` first). */
  public readonly imageTags: pulumi.Output<string[]>;
  public readonly contentTag: pulumi.Output<string>;
  /** SHA-256 over the context files, Dockerfile, target, build args, platforms and build settings (unset with `contentTag`). */
  public readonly contextHash: pulumi.Output<string | undefined>;
  /** `<repositoryUrl>:<cacheTag>` (the first platform's cache for several), or undefined when the cache is off. */
  public readonly cacheRef: pulumi.Output<string | undefined>;
  /** Every registry cache: `<repositoryUrl>:<cacheTag>`, or `<cacheTag>-<arch>` per platform; [] when off. */
  public readonly cacheRefs: pulumi.Output<string[]>;

  constructor(name: string, args: BuildKitImageArgs, opts?: pulumi.ComponentResourceOptions) {
    // Everything that can be wrong with plain args is found before the component is registered. Settings
    // EcrImagePipeline resolved and handed over resolve to themselves (idempotent), its errors named first.
    const report = new ReportTarget();
    const settings = resolveImageSettings(args, "BuildKitImage", report);
    super("ecr-pipeline:index:BuildKitImage", name, {}, opts);
    report.attach(this);
    // Who the user called: errors found after registration name it and are shown on it.
    const user = userFacingComponent(this, opts?.parent);
    for (const warning of settings.secretWarnings) pulumi.log.warn(warningLine(warning), this);

    // The promise form inside an apply: when the registry id fails (EcrImagePipeline holds its repository
    // back on a bad Output-valued arg), this fails with that one error instead of the SDK logging
    // "Error serializing arguments for invoke …" with a stack trace of its own.
    const auth = pulumi
      .output(settings.registryId)
      .apply((registryId) =>
        aws.ecr.getAuthorizationToken(registryId === undefined ? {} : { registryId }, { parent: this }),
      );
    const dockerfile = dockerfileOf(settings);
    // Hashing reads the whole context, so it is skipped when the caller brings the tag (the pipeline
    // hashes once itself).
    this.contextHash =
      settings.contentTag !== undefined ? pulumi.output(undefined) : buildContextHashOf(settings, dockerfile);
    this.contentTag =
      settings.contentTag !== undefined
        ? pulumi.output(settings.contentTag)
        : this.contextHash.apply((hash) => contentTagFromHash(hash ?? ""));

    const refs = pulumi
      .all([settings.repositoryUrl, this.contentTag])
      .apply(([url, contentTag]) => imageRefs(url, contentTag, settings.promotionTags, settings.cacheTag));
    this.imageTags = refs.tags;
    // The content tag alone: the promotion tags are Indexes of their own (below).
    const contentRefs = refs.refs.apply((all) => [all[0]!]);

    // A fixed extra tag (a version) that already names another build would have to move, which ECR
    // refuses after the push (ImageTagAlreadyExistsException): looked up first, the build waits for it
    // (issue 18 item 1, ./buildkit/tag-policy.ts). Its found-on-this-build tags are only recorded.
    const fixedTags = this.fixedTagCheck(settings, user);

    // The provider drops compression without a level (see ./buildkit/compression.ts): both send one, and force.
    const compression = compressionInputs(settings.compression);
    // The cache is written in previews too, on purpose. docker-build sets push=false on image exports in a
    // preview (provider/internal/export.go 236-239, v0.0.22) but never filters cacheTo
    // (`CacheTo.validate(_ bool)`, cache.go 682; "cache manifests are still exported", image.go 138). Leaving
    // cacheTo out only when `pulumi.runtime.isDryRun()` would not help: the provider's Diff compares cacheTo
    // with the state (image.go 952-954), so every preview of an UNCHANGED image would show an update and
    // rebuild it. The inputs are therefore the same in preview and update (test/components/image.test.ts);
    // previews that must write nothing run with pull-only credentials (the write error is ignored).
    // ECR rejects the image index BuildKit writes for a registry cache by default; it needs a single
    // image manifest with OCI media types (https://aws.amazon.com/blogs/containers/announcing-remote-cache-support-in-amazon-ecr-for-buildkit-clients/).
    const cacheFromFor = (ref: pulumi.Input<string>) => [{ registry: { ref } }];
    const cacheToFor = (ref: pulumi.Input<string>) => [
      {
        registry: {
          ref,
          mode: dockerBuild.CacheMode.Max,
          imageManifest: true,
          ociMediaTypes: true,
          ignoreError: true,
          ...compression,
        },
      },
    ];

    const registry = {
      address: pulumi.output(settings.repositoryUrl).apply(registryHost),
      username: auth.userName,
      // The token is a credential: keep it encrypted in state and masked in logs.
      password: pulumi.secret(auth.password),
    };
    const buildDependsOn = dependsOnBoth(
      opts?.dependsOn,
      fixedTags?.apply(() => []),
    );
    const buildOf = (
      childName: string,
      platforms: ImagePlatform[],
      tags: pulumi.Input<string[]>,
      cacheRef: pulumi.Input<string>,
    ): dockerBuild.Image => {
      const platform = platforms.length === 1 ? platforms[0] : undefined;
      const builder =
        (platform === undefined ? undefined : settings.platformBuilders[platform]) ?? settings.builderName;
      return new dockerBuild.Image(
        childName,
        {
          context: { location: settings.context },
          dockerfile: { location: dockerfile },
          target: settings.target,
          buildArgs: settings.buildArgs,
          secrets: settings.secrets,
          // A new secret value alone does not rebuild: the rebuild would push the same immutable content
          // tag, which ECR refuses (./buildkit/refs.ts `buildSettingsKey`); build secrets such as registry
          // tokens rotate without changing what is built. Adding or removing a secret id changes the tag.
          ignoreSecretsInDiffCalculation: pulumi
            .output(settings.secrets ?? {})
            .apply((secrets) => Object.keys(secrets)),
          platforms,
          builder: builder === undefined ? undefined : { name: builder },
          network: settings.network,
          buildOnPreview: settings.buildOnPreview,
          tags,
          // One registry export instead of `push: true`, so the layer compression can be chosen; zstd
          // layers need OCI media types; forceCompression makes every layer the chosen compression.
          push: false,
          exports: [
            { registry: { push: true, ociMediaTypes: settings.compression === "zstd", ...compression } },
          ],
          cacheFrom: settings.cache ? cacheFromFor(cacheRef) : [],
          cacheTo: settings.cache ? cacheToFor(cacheRef) : [],
          registries: [registry],
        },
        // The component's dependsOn holds for the build too (EcrImagePipeline gates the push on the budget),
        // and so does the fixed-tag check.
        { parent: this, retainOnDelete: settings.retainOnDelete, dependsOn: buildDependsOn },
      );
    };

    let contentRef: pulumi.Output<string>;
    if (settings.platforms.length === 1) {
      this.images = [buildOf(name, settings.platforms, contentRefs, refs.cacheRef)];
      this.index = undefined;
      this.cacheRefs = pulumi.output(settings.cache ? [refs.cacheRef] : []);
      this.digest = this.images[0]!.digest;
      // The Image's `ref`: `<content tag>@<digest>` of the pushed manifest (image.go `addDigest`).
      contentRef = this.images[0]!.ref;
    } else {
      // Several platforms, the provider's way: docker-build logs "Caching doesn't work reliably with
      // multi-platform builds" for one build with several platforms and a cacheTo, and its Index docs
      // (provider/internal/index.go 94-102, v0.0.22) recommend one cached build per platform joined by an
      // Index (`docker buildx imagetools create`, client.go 340-364). Each platform gets its own cache
      // tag and an image tagged `<content tag>-<arch>`; the Index carries the content tag.
      const perPlatform = settings.platforms.map((platform) => {
        const platformRef = pulumi
          .all([settings.repositoryUrl, this.contentTag])
          .apply(([url, contentTag]) => platformRefs(url, contentTag, settings.cacheTag, platform));
        return {
          platform,
          cacheRef: platformRef.cacheRef,
          image: buildOf(
            `${name}-${platformSuffix(platform)}`,
            [platform],
            platformRef.ref.apply((ref) => [ref]),
            platformRef.cacheRef,
          ),
        };
      });
      this.images = perPlatform.map((build) => build.image);
      this.cacheRefs = pulumi.output(settings.cache ? perPlatform.map((build) => build.cacheRef) : []);
      // The Image's `ref` is `<tag>@<digest>` of the pushed manifest (image.go `addDigest`).
      const sources = this.images.map((image) => image.ref);
      const indexOf = (childName: string, tag: pulumi.Input<string>): dockerBuild.Index =>
        new dockerBuild.Index(
          childName,
          { tag, sources, push: true, registry },
          // Index.Delete deletes the remote manifest (index.go 292-311): a replaced index must stay, as
          // the image it points to may be running.
          { parent: this, retainOnDelete: settings.retainOnDelete },
        );
      this.index = indexOf(
        name,
        contentRefs.apply((all) => all[0]!),
      );
      contentRef = this.index.ref;
      // The Index outputs `<tag>@<digest>` once pushed, the bare tag in a preview (index.go 166-175):
      // then the digest is unknown, as for a changed single-platform image.
      this.digest = this.index.ref.apply((ref) => {
        const digest = digestOfRef(ref);
        return digest === undefined
          ? pulumi.output(pulumi.unknown as unknown as string)
          : pulumi.output(digest);
      });
    }
    this.cacheRef = this.cacheRefs.apply((all) => all[0]);
    this.imageUri = pulumi.interpolate`${settings.repositoryUrl}@${this.digest}`;

    // The promotion tags (issue 18 item 3): each its own Index over the pushed content image, given its
    // source only once `promoteWhen` allows. An Index whose input fails is not created or updated, so a
    // refused promotion leaves every tag where it was. `imagetools create` copies an index (several
    // platforms: the same digest) and wraps a single image manifest in a one-entry index (one platform).
    // Always retainOnDelete: Index.Delete deletes `<tag>@<digest>` by digest (index.go 292-311), which for
    // several platforms is the content tag's own index.
    const promoteWhen = settings.promoteWhen ?? true;
    const gated = pulumi
      .all([contentRef, promoteWhen, this.contentTag])
      .apply(([ref, promote, contentTag]) => {
        if (promote !== true)
          throw new ReportedError(
            `${user.caller}: promoteWhen is ${JSON.stringify(promote) ?? String(promote)}, so ${settings.promotionTags.join(", ")} ${settings.promotionTags.length === 1 ? "was" : "were"} not pointed at ${contentTag} and ${settings.promotionTags.length === 1 ? "stays on the image it named" : "stay on the images they named"}.`,
          ).reportedOn(user.component);
        return ref;
      });
    const alreadyHere = fixedTags?.apply((check) => check.alreadyHere);
    this.promotions = promotionIndexes(name, "", settings.promotionTags).map(
      ({ childName, retainOnDelete }, i) => {
        const tag = settings.promotionTags[i]!;
        return new dockerBuild.Index(
          childName,
          {
            tag: pulumi.interpolate`${settings.repositoryUrl}:${tag}`,
            sources: [gated],
            // A fixed tag that already names this build is recorded, not pushed: ECR refuses a second
            // push of an immutable tag even of the same digest (aws/containers-roadmap#2179).
            push:
              alreadyHere === undefined || !settings.fixedTags.includes(tag)
                ? true
                : alreadyHere.apply((tags) => !tags.includes(tag)),
            registry,
          },
          { parent: this, retainOnDelete },
        );
      },
    );

    this.registerOutputs({
      digest: this.digest,
      imageUri: this.imageUri,
      imageTags: this.imageTags,
      contentTag: this.contentTag,
      contextHash: this.contextHash,
      cacheRef: this.cacheRef,
      cacheRefs: this.cacheRefs,
    });
  }

  /**
   * Looks up each fixed extra tag and the content tag in ECR (the promise form of getImage inside an
   * apply, so a lookup that fails is caught: see EcrImagePipeline's `ecrLookup`) and stops with the fix
   * when a fixed tag names another build (../buildkit/tag-policy.ts `fixedTagMoves`); a lookup that could
   * not tell is a warning. Resolves to the fixed tags already on this build. Undefined without fixed tags.
   */
  private fixedTagCheck(
    settings: ReturnType<typeof resolveImageSettings<BuildKitImageArgs>>,
    user: { caller: string; component: pulumi.Resource },
  ): pulumi.Output<{ alreadyHere: string[] }> | undefined {
    if (settings.fixedTags.length === 0) return undefined;
    const extraTags = settings.extraTags ?? [];
    return pulumi
      .all([settings.repositoryUrl, this.contentTag, settings.registryId])
      .apply(async ([url, contentTag, registryId]) => {
        const repositoryName = repositoryNameOf(url);
        const lookup = (imageTag: string): Promise<TagLookup> =>
          aws.ecr
            .getImage(
              registryId === undefined
                ? { repositoryName, imageTag }
                : { repositoryName, imageTag, registryId },
              { parent: this },
            )
            .then(
              (found) => tagLookupFrom(found),
              (error: unknown) => tagLookupFrom({ error }),
            );
        const [content, ...fixed] = await Promise.all([contentTag, ...settings.fixedTags].map(lookup));
        const check = fixedTagMoves({
          repositoryName,
          contentTag,
          content: content!,
          singlePlatform: settings.platforms.length === 1,
          fixed: settings.fixedTags.map((tag, i) => ({
            tag,
            argument: `extraTags[${extraTags.indexOf(tag)}]`,
            lookup: fixed[i]!,
          })),
          deployedTagPrefix: DEPLOYED_TAG_PREFIX,
        });
        for (const line of check.unchecked) pulumi.log.warn(line, user.component);
        const [error] = check.errors;
        if (error !== undefined)
          throw new InvalidArgumentError(user.caller, error.argument, error.problem, error.fix).reportedOn(
            user.component,
          );
        return {
          alreadyHere: settings.fixedTags.filter((_, i) => fixed[i]!.state === "found"),
        };
      });
  }
}

/** `<registry>/<name>` → `<name>` (may hold `/`). */
function repositoryNameOf(repositoryUrl: string): string {
  return repositoryUrl.slice(registryHost(repositoryUrl).length + 1);
}

/** Both dependsOn lists as one Output (either may be absent). */
function dependsOnBoth(
  given: pulumi.Input<pulumi.Input<pulumi.Resource>[]> | pulumi.Input<pulumi.Resource> | undefined,
  more: pulumi.Output<pulumi.Resource[]> | undefined,
): pulumi.Input<pulumi.Input<pulumi.Resource>[]> | pulumi.Input<pulumi.Resource> | undefined {
  if (more === undefined) return given;
  if (given === undefined) return more;
  return pulumi
    .all([pulumi.output(given as pulumi.Input<unknown>), more])
    .apply(
      ([first, second]) => [...(Array.isArray(first) ? first : [first]), ...second] as pulumi.Resource[],
    );
}

/**
 * The component the user called, for errors found after registration: the EcrImagePipeline this image
 * belongs to (its children are handed the pipeline's settings, and its errors name it, docs/ARCHITECTURE.md),
 * else this BuildKitImage. Recognised by its type token (`__pulumiType`, set by the SDK's Resource), as
 * this file cannot import the pipeline above it.
 */
function userFacingComponent(
  self: BuildKitImage,
  parent: pulumi.Resource | undefined,
): { caller: string; component: pulumi.Resource } {
  const type = (parent as unknown as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return type === PIPELINE_TYPE && parent !== undefined
    ? { caller: "EcrImagePipeline", component: parent }
    : { caller: "BuildKitImage", component: self };
}

const PIPELINE_TYPE = "ecr-pipeline:index:EcrImagePipeline";
