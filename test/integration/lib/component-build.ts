// The component's builds, run for real: record BuildKitImage's docker-build Image inputs under mocks and
// run the `docker buildx build` the provider makes from them (./provider-invocation.ts) against the
// engine and the local registry. Shared by provider-equivalence.test.ts and size-estimate.test.ts.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BuildKitImage, type BuildKitImageArgs } from "../../../components/image";
import { REGISTRY, installMocks, settle, unwrapSecrets, valueOf } from "../../components/harness";
import { REPO_ROOT, TEST_BASE_IMAGES } from "../../../tools/lib/bench-variants";
import { runCommand } from "../../../tools/lib/process";
import { LOCAL_REGISTRY, registryAnswers } from "../../../tools/lib/registry";
import { ENGINE_ROOT } from "./private-engine";
import { digestFromMetadata, providerBuildInvocation, type RecordedImageInputs } from "./provider-invocation";

export const DOCKER =
  process.env.ECR_PIPELINE_DOCKER ??
  (existsSync(join(ENGINE_ROOT, "usr/bin/docker")) ? join(ENGINE_ROOT, "usr/bin/docker") : "docker");

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

/** Why the suite cannot run here, or undefined. */
export async function missingInfrastructure(platforms: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await runCommand(DOCKER, ["buildx", "inspect", "default"]);
    for (const platform of platforms)
      if (!stdout.includes(platform)) return `the default builder cannot build ${platform} (no emulation?)`;
  } catch (error) {
    return `no Docker engine with buildx via ${DOCKER}: ${String(error).split("\n")[0]}`;
  }
  if (!(await registryAnswers())) return `no registry answers on ${LOCAL_REGISTRY}`;
  for (const base of [TEST_BASE_IMAGES.slim, TEST_BASE_IMAGES.distroless]) {
    try {
      await runCommand(DOCKER, ["image", "inspect", base]);
    } catch {
      return `base image ${base} is missing`;
    }
  }
  return undefined;
}

export interface ComponentBuild {
  inputs: RecordedImageInputs;
  /** `imageUri` under mocks (the mock's digest) — to show it is `<repositoryUrl>@<Image.digest>`. */
  mockImageUri: string | undefined;
  contentTag: string;
}

/** Constructs BuildKitImage under mocks and returns the docker-build Image inputs it registered. */
export async function recordComponentBuild(
  args: Omit<BuildKitImageArgs, "repositoryUrl">,
): Promise<ComponentBuild> {
  const recorder = installMocks();
  const image = new BuildKitImage("web", { repositoryUrl: ECR_REPOSITORY_URL, ...args });
  await settle(image.imageUri, image.contentTag);
  const built = recorder.resources.find((resource) => resource.type === "docker-build:index:Image");
  assert.ok(built, "the component registered no docker-build Image");
  return {
    inputs: unwrapSecrets(built.inputs) as RecordedImageInputs,
    mockImageUri: await valueOf(image.imageUri),
    contentTag: (await valueOf(image.contentTag)) ?? "",
  };
}

export interface ProviderBuildRun {
  /** `containerimage.digest` from --metadata-file: the provider's `digest` output. */
  digest: string;
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
    rewriteRepository: { from: ECR_REPOSITORY_URL, to: `${LOCAL_REGISTRY}/${repository}` },
    insecureRegistry: true,
  });
  const result = await runCommand(DOCKER, invocation.argv, { env: { ...env, ...invocation.env } });
  // The export stores the image in the engine it ran on (store=true); only the shared one outlives the test.
  if (env === process.env)
    invocation.argv.forEach((arg, index) => {
      if (arg === "--tag") createdTags.add(invocation.argv[index + 1] as string);
    });
  return {
    digest: digestFromMetadata(readFileSync(metadataFile, "utf8")),
    log: result.stderr + result.stdout,
    repository,
    seconds: result.seconds,
    argv: invocation.argv,
    warnings: invocation.warnings,
  };
}

export interface BuildStep {
  id: string;
  /** e.g. `[deps 4/4] RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund` */
  name: string;
  cached: boolean;
}

/** The RUN/COPY/ADD/WORKDIR steps of a plain-progress log, and whether BuildKit reported each CACHED. */
export function buildSteps(log: string): BuildStep[] {
  const steps = new Map<string, BuildStep>();
  const cached = new Set<string>();
  for (const line of log.split("\n")) {
    const step = /^(#\d+) (\[[^\]]+\] (?:RUN|COPY|ADD|WORKDIR)\b.*)$/.exec(line.trim());
    if (step?.[1] !== undefined && step[2] !== undefined && !steps.has(step[1]))
      steps.set(step[1], { id: step[1], name: step[2], cached: false });
    const hit = /^(#\d+) CACHED$/.exec(line.trim());
    if (hit?.[1] !== undefined) cached.add(hit[1]);
  }
  return [...steps.values()].map((step) => ({ ...step, cached: cached.has(step.id) }));
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
