/**
 * Which bottom layers of a built image come from the final stage's base image. Pure, no Pulumi, no
 * Docker: the local estimate (./local-estimate.ts) builds {@link finalStageBaseDockerfile} next to the
 * real Dockerfile, exported the same way, and {@link sharedPrefixLength} of the two layer lists is the
 * base layer count.
 *
 * Why a second build and not the image config's history: BuildKit marks the history entries a
 * Dockerfile writes with `comment: "buildkit.dockerfile.v0"` (seen on an OCI export of app/ on
 * BuildKit 0.13: `WORKDIR /app`, `COPY /app/dist ./dist # buildkit`, … carry it; the distroless test
 * base's single entry carries `distroless-style node 22.23.5 (amd64)`), but a base that was itself
 * built from a Dockerfile by BuildKit carries the same comment on its own entries (the base's history
 * is copied into the image's, moby/buildkit frontend/dockerfile/dockerfile2llb `commitToHistory`
 * appends to the base config's history), so the comment cannot tell the base's layers from the
 * Dockerfile's. The layers of the base itself, built and compressed the same way, can: a layer is the
 * same blob in both exports exactly when it comes from the base.
 */
import { parseDockerfile } from "../dockerfile/parse";

/**
 * A Dockerfile whose image is the base of `text`'s final stage (the `target`, else the last stage):
 * the global ARGs, then the FROM of the root of the final stage's chain of `FROM <stage>` (the
 * external image its layers start from), with its flags (`--platform=…`). `undefined` when that root
 * is `scratch` (no base layers). Throws DockerfileParseError for a Dockerfile Docker would reject.
 */
export function finalStageBaseDockerfile(text: string, target?: string): string | undefined {
  const parsed = parseDockerfile(text, target);
  const rootIndex = parsed.finalChain[0];
  const root = rootIndex === undefined ? undefined : parsed.stage(rootIndex);
  if (root === undefined) return undefined;
  if (root.baseImage?.resolved.toLowerCase() === "scratch" || root.baseWritten.toLowerCase() === "scratch")
    return undefined;
  const flags = root.fromFlags.map((flag) =>
    flag.value === null ? `--${flag.name}` : `--${flag.name}=${flag.value}`,
  );
  return [
    ...parsed.globalArgs.map((arg) => `ARG ${arg.rawArguments}`),
    ["FROM", ...flags, root.baseWritten].join(" "),
    "",
  ].join("\n");
}

/** How many leading entries `image` and `base` have in common (by digest): the base's layers in the image. */
export function sharedPrefixLength(image: readonly string[], base: readonly string[]): number {
  let shared = 0;
  while (shared < image.length && shared < base.length && image[shared] === base[shared]) shared++;
  return shared;
}
