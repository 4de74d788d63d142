/**
 * The settings seam (issues 11 and 19): settings flow one way. The stack program hands the profile's args
 * on whole; EcrImagePipeline hands its args to one resolver (components/settings/pipeline.ts) and reads
 * nothing but the settings it returns. A new line that reads, forwards, defaults or converts an arg in
 * either file fails here.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_TABLE } from "../../stacks/profile";

const root = path.join(__dirname, "..", "..");

/** Code without comments (a comment may name an arg). */
function codeOf(file: string): string {
  return fs
    .readFileSync(path.join(root, file), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|\s)\/\/.*$/gm, "$1");
}

/** Every use of the identifier `args` in `code`, with the rest of its line. */
const usesOfArgs = (code: string): string[] => [...code.matchAll(/\bargs\b.*$/gm)].map((m) => m[0].trim());
/** The two uses the constructor needs: its parameter, and the one call that resolves it. */
const RESOLVED_ONCE = [
  "args: EcrImagePipelineArgs, opts?: pulumi.ComponentResourceOptions) {",
  'args, "EcrImagePipeline", name, report);',
];

describe("settings seam: the pipeline reads resolved settings only", () => {
  it("pipeline.ts uses its args once: it hands them to resolvePipelineSettings", () => {
    assert.deepEqual(usesOfArgs(codeOf("components/pipeline.ts")), RESOLVED_ONCE);
    assert.match(
      codeOf("components/pipeline.ts"),
      /= resolvePipelineSettings\(args, "EcrImagePipeline", name, report\);/,
    );
  });

  it("the check sees a raw read (planted: `args.platforms` in the constructor)", () => {
    const planted = codeOf("components/pipeline.ts").replace(
      "super(",
      "const platforms = args.platforms ?? [];\n    super(",
    );
    assert.notDeepEqual(usesOfArgs(planted), RESOLVED_ONCE);
  });
});

describe("settings seam: the stack program names no setting", () => {
  const configKeysAndArgs = Object.entries(CONFIG_TABLE).flatMap(([key, { arg }]) => [key, arg]);
  /** Code without reads of the pipeline's outputs (`pipeline.x`) and its destructured outputs. */
  const programCode = (): string =>
    codeOf("stacks/index.ts")
      .replace(/export const \{[^}]*\} = pipeline;/g, "")
      .replace(/\bpipeline\.\w+/g, "");
  const mentions = (code: string, names: Iterable<string>): string[] =>
    [...new Set(names)].filter((name) => new RegExp(`\\b${name}\\b`).test(code)).sort();

  it("stacks/index.ts names no config key and no arg the config sets", () => {
    assert.ok(configKeysAndArgs.includes("lifecyclePreset") && configKeysAndArgs.includes("maxImageSizeMiB"));
    assert.deepEqual(mentions(programCode(), configKeysAndArgs), []);
  });

  it("the check sees a mention: a forwarded arg", () => {
    const forwarded = "const x = { lifecyclePreset: profile.args.lifecyclePreset, maxImageSizeBytes: 1 };";
    assert.deepEqual(mentions(forwarded, configKeysAndArgs), ["lifecyclePreset", "maxImageSizeBytes"]);
  });
});
