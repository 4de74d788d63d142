/**
 * Checks every argument that plain values can check, before a component calls `super()`: nothing is
 * registered for a bad input, and the error names the argument as the user wrote it (on the component
 * the user called), the bad value and the fix. Defaults and plain-value checks are ./defaults.ts's
 * resolvers; this adds what needs the disk or the rate cards. One call at the top of each constructor:
 *
 *   EcrImagePipeline → preflightPipeline(args, name)   (its own, repository and image settings, resolved
 *                      once and named EcrImagePipeline; the children are handed them as their args)
 *   EcrRepository    → handedOver("repository", args, …resolveRepositorySettings)   (./defaults.ts)
 *   BuildKitImage    → handedOver("image", args, …preflightImage)
 *
 * Inputs that are Outputs pass through unchecked (their value is only known later; the wiring checks
 * them again inside its apply). Reads the build context and Dockerfile from disk when they are plain
 * strings; no Pulumi import, no clock, no shell.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readRegularTextFile } from "../buildkit/context";
import { FALLBACK_PRICING_REGION, PRICED_REGIONS, hasRateCard } from "../cost/pipeline-cost";
import {
  resolveImageSettings,
  resolvePipelineSettings,
  type ImageDefaultsInput,
  type ImageSettingsResolved,
  type PipelineDefaultsInput,
  type PipelineSettings,
} from "./defaults";
import { DockerfileParseError, InvalidArgumentError } from "../common/errors";
import { MAX_DOCKERFILE_CHARS, parseDockerfile } from "../dockerfile/parse";
import { IMAGE_TAG_PATTERN, IMAGE_TAG_RULE } from "../common/tags";

/** The image args preflight looks at; any field may be an Output (then it is skipped). */
export interface ImagePreflightInput extends ImageDefaultsInput {
  context?: unknown;
  dockerfile?: unknown;
  target?: unknown;
  extraTags?: unknown;
  contentTag?: unknown;
}

/**
 * Image args: extra tags (valid tags, not the cache tag), the build context (an existing directory),
 * the Dockerfile (an existing file) and the target (a stage the Dockerfile defines). Paths are
 * resolved from the working directory, as docker-build resolves them.
 */
export function preflightImage<A extends ImagePreflightInput>(
  args: A,
  component: string,
): ImageSettingsResolved<A> {
  const resolved = resolveImageSettings(args, component);
  checkImageInputs(args, component, resolved.cacheTag);
  return resolved;
}

/** The checks of {@link preflightImage} beyond the resolver's: tags, and the build files on disk. */
function checkImageInputs(args: ImagePreflightInput, component: string, cacheTag: string): void {
  const tags: [string, unknown][] = [];
  if (Array.isArray(args.extraTags)) for (const tag of args.extraTags) tags.push(["extraTags", tag]);
  tags.push(["contentTag", args.contentTag]);
  for (const [argument, tag] of tags) {
    if (typeof tag !== "string") continue;
    if (!IMAGE_TAG_PATTERN.test(tag)) {
      throw new InvalidArgumentError(
        component,
        argument,
        `${JSON.stringify(tag)} is not a valid image tag`,
        `Use ${IMAGE_TAG_RULE}.`,
      );
    }
    if (tag === cacheTag) {
      throw new InvalidArgumentError(
        component,
        argument,
        `${JSON.stringify(tag)} is the build-cache tag (cacheTag), which every build overwrites with cache metadata`,
        `Remove it from ${argument}, or set cacheTag to another tag.`,
      );
    }
  }

  checkBuildFiles(args, component);
}

/** The build context is a directory, the Dockerfile a readable file, the target one of its stages. */
function checkBuildFiles(args: ImagePreflightInput, component: string): void {
  if (typeof args.context !== "string") return;
  const context = args.context;
  if (!isDirectory(context)) {
    throw new InvalidArgumentError(
      component,
      "context",
      `${JSON.stringify(context)} is not a directory (resolved from ${process.cwd()} to ${path.resolve(context)})`,
      "Pass the build context directory, relative to the directory the program runs in, or absolute.",
    );
  }
  if (args.dockerfile !== undefined && typeof args.dockerfile !== "string") return;
  const dockerfile = args.dockerfile ?? path.join(context, "Dockerfile");
  let text: string;
  try {
    // Not fs.readFileSync: a FIFO named Dockerfile would block the program (./build-context.ts).
    text = readRegularTextFile(dockerfile, "dockerfile", MAX_DOCKERFILE_CHARS * 3);
  } catch {
    throw new InvalidArgumentError(
      component,
      "dockerfile",
      `${JSON.stringify(dockerfile)} is not a readable file${args.dockerfile === undefined ? " (the default <context>/Dockerfile)" : ""}`,
      "Pass the Dockerfile's path, relative to the directory the program runs in, or absolute.",
    );
  }
  if (typeof args.target !== "string") return;
  const stages = stageNames(text);
  if (stages === undefined) return;
  // BuildKit matches `--target` to `FROM … AS <name>` case-insensitively (stage names are lower-cased,
  // moby/buildkit frontend/dockerfile/instructions/parse.go parseBuildStageName).
  if (!stages.includes(args.target.toLowerCase())) {
    throw new InvalidArgumentError(
      component,
      "target",
      `${JSON.stringify(args.target)} is not a stage of ${dockerfile} (its named stages: ${stages.length === 0 ? "none" : stages.join(", ")})`,
      "Name one of those stages, or leave target unset to build the last stage.",
    );
  }
}

/**
 * Named stages (`FROM … AS name`) of a Dockerfile, lower case, in order, read with the analyzer's parser
 * (./dockerfile/parse.ts); undefined when it cannot be parsed (the build reports that with more context).
 */
export function stageNames(dockerfileText: string): string[] | undefined {
  try {
    return parseDockerfile(dockerfileText)
      .stages.map((stage) => stage.name)
      .filter((name): name is string => name !== undefined);
  } catch (error) {
    if (error instanceof DockerfileParseError) return undefined;
    throw error;
  }
}

/**
 * Cost args whose plain values can be priced: `costRegion` and `replicationRegions` must have a rate
 * card. A region only known from the AWS provider (an Output) is checked when it resolves, and falls back
 * to {@link FALLBACK_PRICING_REGION}'s rate card with a note in the cost report instead of failing (./cost/pipeline-cost.ts).
 */
export function preflightCost(
  args: { costRegion?: unknown; replicationRegions?: unknown },
  component: string,
): void {
  const regions: [string, unknown][] = [["costRegion", args.costRegion]];
  if (Array.isArray(args.replicationRegions)) {
    for (const region of args.replicationRegions) regions.push(["replicationRegions", region]);
  }
  for (const [argument, region] of regions) {
    if (typeof region !== "string" || hasRateCard(region)) continue;
    throw new InvalidArgumentError(
      component,
      argument,
      `${JSON.stringify(region)} has no rate card (prices are data in components/cost/pricing.ts, docs/PRICING.md)`,
      `Use one of the priced regions: ${PRICED_REGIONS.join(", ")}; or leave costRegion unset to price the AWS provider's region (an unpriced one falls back to ${FALLBACK_PRICING_REGION} rates, with a note in the cost report).`,
    );
  }
}

export { PRICED_REGIONS };

export interface PipelinePreflightInput extends PipelineDefaultsInput, ImagePreflightInput {
  costRegion?: unknown;
}

/**
 * Everything EcrImagePipeline can check before it registers: its own size and cost args, and the args it
 * hands to EcrRepository and BuildKitImage, all named `EcrImagePipeline` (the component the user called):
 * the settings as ./defaults.ts resolves them (once), plus the checks that need the disk or the rate cards.
 */
export function preflightPipeline<A extends PipelinePreflightInput>(
  args: A,
  name: string,
): PipelineSettings<A> {
  const component = "EcrImagePipeline";
  const settings = resolvePipelineSettings(args, component, name);
  checkImageInputs(args, component, settings.image.cacheTag);
  preflightCost(args, component);
  return settings;
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
