/**
 * The string enums of the components' args (the ground floor: every folder may use them). Each is an
 * `as const` object plus a type of its values, with the list of its values for the checks and the stack
 * config reader. The enums an engine owns stay with it (ScanningMode, PullBytes, RescanDuration in
 * ../cost/types.ts; LifecyclePresetName in ../lifecycle/).
 */

// String enums are written as `as const` objects plus a type of their values: TypeScript callers pass plain
// strings ("basic"), and Pulumi's component schema analyzer (@pulumi/pulumi provider/experimental) turns
// them into schema enums, so the components can be exposed to Python, Go and YAML without a redesign.
// A bare union type ("basic" | "enhanced") is rejected by that analyzer.

/** Layer compression of the pushed image. */
export const LayerCompression = { Gzip: "gzip", Zstd: "zstd" } as const;
export type LayerCompression = (typeof LayerCompression)[keyof typeof LayerCompression];
/** What an image over its size budget does. */
export const BudgetAction = { Warn: "warn", Fail: "fail" } as const;
export type BudgetAction = (typeof BudgetAction)[keyof typeof BudgetAction];
/** Linux platforms docker-build accepts (a subset of its `Platform` enum: ECR images run on Linux). */
export const ImagePlatform = {
  Linux386: "linux/386",
  LinuxAmd64: "linux/amd64",
  LinuxArm: "linux/arm",
  LinuxArm64: "linux/arm64",
  LinuxMips64: "linux/mips64",
  LinuxMips64le: "linux/mips64le",
  LinuxPpc64le: "linux/ppc64le",
  LinuxRiscv64: "linux/riscv64",
  LinuxS390x: "linux/s390x",
} as const;
export type ImagePlatform = (typeof ImagePlatform)[keyof typeof ImagePlatform];
/** Network mode for RUN instructions (docker-build's `NetworkMode`). */
export const BuildNetworkMode = { Default: "default", Host: "host", None: "none" } as const;
export type BuildNetworkMode = (typeof BuildNetworkMode)[keyof typeof BuildNetworkMode];

/**
 * How often a registry scanning configuration this stack manages scans (ECR RegistryScanningRule
 * `scanFrequency`): once on push, or continuously (Amazon Inspector rescans as new vulnerabilities are
 * published, each rescan billed). MANUAL is basic-only and never chosen here (../settings/registry-scanning.ts).
 */
export const RegistryScanFrequency = {
  ScanOnPush: "SCAN_ON_PUSH",
  ContinuousScan: "CONTINUOUS_SCAN",
} as const;
export type RegistryScanFrequency = (typeof RegistryScanFrequency)[keyof typeof RegistryScanFrequency];

export const LAYER_COMPRESSIONS: readonly LayerCompression[] = Object.values(LayerCompression);
export const IMAGE_PLATFORMS: readonly ImagePlatform[] = Object.values(ImagePlatform);
export const BUDGET_ACTIONS: readonly BudgetAction[] = Object.values(BudgetAction);
export const REGISTRY_SCAN_FREQUENCIES: readonly RegistryScanFrequency[] =
  Object.values(RegistryScanFrequency);
