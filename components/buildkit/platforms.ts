/**
 * The platforms the components build: the default when none is given, and how a platform names its own
 * build in a multi-platform image.
 */
import { ImagePlatform } from "../common/enums";

/**
 * What BuildKitImage and EcrImagePipeline build when `platforms` is not set (the one place this default
 * is written: the resolver applies it, and the size estimate measures it for a build that names none).
 */
export const DEFAULT_PLATFORM = ImagePlatform.LinuxAmd64;

/**
 * The tag suffix (and child-name suffix) of one platform's build in a multi-platform image:
 * `linux/amd64` → `amd64`, `linux/arm/v7` → `arm-v7`.
 */
export function platformSuffix(platform: string): string {
  return platform.replace(/^linux\//, "").replace(/\//g, "-");
}
