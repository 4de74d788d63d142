// The component's builds, run for real: record BuildKitImage's docker-build Image (and Index) inputs
// under mocks and run what the provider makes of them against the engine and the local registry: each
// Image's `docker buildx build` (./docker-build-invocation.ts), then each Index's `docker buildx imagetools
// create` ({@link indexCreateInvocation}). Shared by provider-equivalence.test.ts and size-estimate.test.ts.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BuildKitImage } from "../../components/image";
import type { BuildKitImageArgs } from "../../components/settings/image";
import { REGISTRY, installMocks, settle, unwrapSecrets, valueOf } from "./pulumi-mocks";
import { getManifest } from "./registry-manifests";
import { REPO_ROOT, TEST_BASE_IMAGES } from "../../tools/lib/bench-variants";
import { parsePlainProgress } from "../../tools/lib/buildx";
import { runCommand } from "../../tools/lib/process";
import { LOCAL_REGISTRY } from "../../tools/lib/registry";
import { engineClient } from "../../tools/lib/engine";
import {
  digestFromMetadata,
  providerBuildInvocation,
  type RecordedImageInputs,
} from "./docker-build-invocation";

export const DOCKER = engineClient();

export const RUN_ID = `p${process.pid}`;
export const WORK = join(REPO_ROOT, ".work", "proof", RUN_ID);
export const ECR_REPOSITORY_URL = `${REGISTRY}/web`;

export function repositoryFor(name: string): string {
  return `proof-${RUN_ID}-${name}`;
}

/**
 * The bases in the registry, so any engine (the private one too) pulls them from there. The builder
 * stages use the slim base: test-infra.sh builds the full one for amd64 only, and app/Dockerfile runs
 * its deps and build stages on the target platform.
 */
export const REGISTRY_BASES = {
  slim: `${LOCAL_REGISTRY}/${repositoryFor("bases")}/node:22-slim`,
  distroless: `${LOCAL_REGISTRY}/${repositoryFor("bases")}/node:22-distroless`,
};

/** Local tags this run created (bases retagged, content tags of the builds), removed by {@link removeCreatedImages}. */
const createdTags = new Set<string>();

/** Untags what this run tagged in the shared engine (never anything else). */
export async function removeCreatedImages(): Promise<void> {
  if (createdTags.size === 0) return;
  await runCommand(DOCKER, ["image", "rm", ...createdTags]).catch(() => undefined);
  createdTags.clear();
}

export async function pushBasesToRegistry(): Promise<void> {
  for (const [local, remote] of [
    [TEST_BASE_IMAGES.slim, REGISTRY_BASES.slim],
    [TEST_BASE_IMAGES.distroless, REGISTRY_BASES.distroless],
  ] as const) {
    await runCommand(DOCKER, ["tag", local, remote]);
    createdTags.add(remote);
    await runCommand(DOCKER, ["push", "--quiet", remote]);
  }
}

/** The bases the component builds take (pushed to the registry by {@link pushBasesToRegistry}). */
export const COMPONENT_BUILD_BASES = [TEST_BASE_IMAGES.slim, TEST_BASE_IMAGES.distroless];

/** A recorded `docker-build:index:Image` (test/helpers/pulumi-mocks.ts records every resource). */
export interface RecordedImage {
  /** The child's name: `web` for one platform, `web-<arch>` per platform for several. */
  name: string;
  inputs: RecordedImageInputs;
}

/** The `docker-build:index:Index` inputs our components send (provider/internal/index.go 55-59, v0.0.22). */
export interface RecordedIndexInputs {
  tag: string;
  sources: string[];
  push?: boolean;
  /** Credentials: the provider logs the CLI in with them (index.go `client`), not argv. */
  registry?: unknown;
}

export interface RecordedIndex {
  /** `web` for the content tag, `web-tag-<tag>` for each extra tag. */
  name: string;
  inputs: RecordedIndexInputs;
}

export interface ComponentBuild {
  /** The first Image's inputs: THE build for one platform (for several, use {@link runComponentBuild}). */
  inputs: RecordedImageInputs;
  /** Every docker-build Image the component registered, in registration order. */
  images: RecordedImage[];
  /** Every docker-build Index it registered (none for one platform). */
  indexes: RecordedIndex[];
  /** `imageUri` under mocks: `<repositoryUrl>@<Image.digest>`, or `@<Index digest>` for several platforms. */
  mockImageUri: string | undefined;
  contentTag: string;
}

/** Constructs BuildKitImage under mocks and returns the docker-build Image and Index inputs it registered. */
export async function recordComponentBuild(
  args: Omit<BuildKitImageArgs, "repositoryUrl">,
): Promise<ComponentBuild> {
  const recorder = installMocks();
  const image = new BuildKitImage("web", { repositoryUrl: ECR_REPOSITORY_URL, ...args });
  await settle(image.imageUri, image.contentTag);
  const images = recorder.resources
    .filter((resource) => resource.type === "docker-build:index:Image")
    .map((resource) => ({
      name: resource.name,
      inputs: unwrapSecrets(resource.inputs) as RecordedImageInputs,
    }));
  const indexes = recorder.resources
    .filter((resource) => resource.type === "docker-build:index:Index")
    .map((resource) => ({
      name: resource.name,
      inputs: unwrapSecrets(resource.inputs) as RecordedIndexInputs,
    }));
  const first = images[0];
  assert.ok(first, "the component registered no docker-build Image");
  return {
    inputs: first.inputs,
    images,
    indexes,
    mockImageUri: await valueOf(image.imageUri),
    contentTag: (await valueOf(image.contentTag)) ?? "",
  };
}

export interface ProviderBuildRun {
  /** `containerimage.digest` from --metadata-file: the provider's `digest` output. */
  digest: string;
  /** The provider's `ref` output: the first tag with the digest (image.go 771-781, `addDigest` 1058-1079). */
  ref: string | undefined;
  /** BuildKit's plain progress (stderr). */
  log: string;
  repository: string;
  seconds: number;
  argv: string[];
  warnings: string[];
}

/** Runs the provider's argv for `inputs`, pushing to 127.0.0.1:5000/<repository>. */
export async function runProviderBuild(
  inputs: RecordedImageInputs,
  repository: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProviderBuildRun> {
  mkdirSync(WORK, { recursive: true });
  const metadataFile = join(WORK, `${repository}-${Date.now()}.metadata.json`);
  const invocation = providerBuildInvocation(inputs, {
    metadataFile,
    rewriteRepository: rewriteTo(repository),
    insecureRegistry: true,
  });
  const result = await runCommand(DOCKER, invocation.argv, { env: { ...env, ...invocation.env } });
  // The export stores the image in the engine it ran on (store=true); only the shared one outlives the test.
  if (env === process.env)
    invocation.argv.forEach((arg, index) => {
      if (arg === "--tag") createdTags.add(invocation.argv[index + 1] as string);
    });
  const digest = digestFromMetadata(readFileSync(metadataFile, "utf8"));
  const firstTag = invocation.argv.find((_, index) => invocation.argv[index - 1] === "--tag");
  return {
    digest,
    ref: firstTag === undefined ? undefined : `${firstTag}@${digest}`,
    log: result.stderr + result.stdout,
    repository,
    seconds: result.seconds,
    argv: invocation.argv,
    warnings: invocation.warnings,
  };
}

function rewriteTo(repository: string): { from: string; to: string } {
  return { from: ECR_REPOSITORY_URL, to: `${LOCAL_REGISTRY}/${repository}` };
}

/** `name:tag@digest` without the digest. */
function withoutDigest(ref: string): string {
  const at = ref.lastIndexOf("@");
  return at === -1 ? ref : ref.slice(0, at);
}

/**
 * The `docker buildx imagetools create` the provider runs for an Index (pulumi-docker-build v0.0.22):
 * index.go 160-193 `Update` calls `cli.ManifestCreate(ctx, input.isPushed(), input.Tag, input.Sources...)`,
 * client.go 340-364: `imagetools create --progress=plain --tag <tag>`, `--dry-run` when not pushed (push
 * defaults to true, index.go 130), then the sources. `sources` are the real refs to join (the mocks' refs
 * carry the mock digest; {@link runComponentBuild} replaces them with the pushed ones).
 */
export function indexCreateInvocation(tag: string, sources: string[], push: boolean | undefined): string[] {
  return [
    "buildx",
    "imagetools",
    "create",
    "--progress=plain",
    "--tag",
    tag,
    ...(push === false ? ["--dry-run"] : []),
    ...sources,
  ];
}

export interface IndexRun {
  name: string;
  /** The Index's tag in the local registry. */
  tag: string;
  /** The real `<tag>@<digest>` refs of the pushed per-platform images it joined. */
  sources: string[];
  /** What the tag resolves to after the create: the provider's Read (index.go 196-250) puts it in `ref`. */
  digest: string;
  argv: string[];
}

export interface ComponentBuildRun {
  repository: string;
  /** One per recorded Image, in registration order. */
  images: Array<ProviderBuildRun & { name: string }>;
  /** One per recorded Index, in registration order. */
  indexes: IndexRun[];
  /** What `imageUri` pins for real: the Index's digest for several platforms, else the Image's. */
  digest: string;
}

/**
 * Runs a recorded component build as the provider would deploy it, pushing to 127.0.0.1:5000/<repository>:
 * every Image's build ({@link runProviderBuild}), then every Index's `imagetools create` over the refs
 * those builds pushed. An Index source is the `ref` output of one of the Images (the mocks give
 * `<first tag>@<mock digest>`, as the provider's `<first tag>@<containerimage.digest>`): each is matched
 * to its Image by the tag and rewritten to the local registry with the real digest.
 */
export async function runComponentBuild(
  build: ComponentBuild,
  repository: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ComponentBuildRun> {
  const rewrite = rewriteTo(repository);
  const local = (value: string) => value.split(rewrite.from).join(rewrite.to);
  const images: ComponentBuildRun["images"] = [];
  for (const image of build.images)
    images.push({ name: image.name, ...(await runProviderBuild(image.inputs, repository, env)) });

  const indexes: IndexRun[] = [];
  for (const index of build.indexes) {
    const sources = index.inputs.sources.map((source) => {
      const built = images.find(
        (run) => run.ref !== undefined && withoutDigest(run.ref) === local(withoutDigest(source)),
      );
      assert.ok(built?.ref, `Index ${index.name}: source ${source} is no recorded Image's ref`);
      return built.ref;
    });
    const tag = local(index.inputs.tag);
    const argv = indexCreateInvocation(tag, sources, index.inputs.push);
    await runCommand(DOCKER, argv, { env });
    const prefix = `${LOCAL_REGISTRY}/${repository}:`;
    assert.ok(tag.startsWith(prefix), `Index ${index.name}: tag ${tag} is not in ${prefix}…`);
    const tagPart = tag.slice(prefix.length);
    indexes.push({
      name: index.name,
      tag,
      sources,
      digest: (await getManifest(repository, tagPart)).digest,
      argv,
    });
  }
  // The component registers the content tag's Index first (components/image.ts): its digest is imageUri's.
  const pinned = build.indexes.length > 0 ? indexes[0] : images[0];
  assert.ok(pinned, "nothing was built");
  return { repository, images, indexes, digest: pinned.digest };
}

/** Untag `reference` (e.g. an image a test pulled into the shared engine) in {@link removeCreatedImages}. */
export function removeAfterRun(reference: string): void {
  createdTags.add(reference);
}

export interface BuildStep {
  /** e.g. `[deps 4/4] RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund` */
  name: string;
  /**
   * BuildKit took the step from a cache: it printed `CACHED`, or (BuildKit 0.13 with a registry cache) it
   * only downloaded the step's layers and ran nothing: tools/lib/buildx.ts `parsePlainProgress`.
   */
  cached: boolean;
}

/** The RUN/COPY/ADD/WORKDIR steps of a plain-progress log, and whether each came from a cache. */
export function buildSteps(log: string): BuildStep[] {
  return parsePlainProgress(log).map((step) => ({
    name: `[${step.position}] ${step.instruction}`,
    cached: step.cached,
  }));
}

export function appArgs(
  context: string,
  extra: Partial<BuildKitImageArgs> = {},
): Omit<BuildKitImageArgs, "repositoryUrl"> {
  return {
    context,
    dockerfile: join(context, "Dockerfile"),
    // The engine here has no bridge network (see BRIEF / test-infra.sh): RUN steps use the host's.
    network: "host",
    buildArgs: { NODE_BUILD_IMAGE: REGISTRY_BASES.slim, NODE_RUNTIME_IMAGE: REGISTRY_BASES.distroless },
    ...extra,
  };
}
