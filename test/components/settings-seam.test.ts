/**
 * The settings seam (issue 11): one resolver (components/defaults.ts) resolves every setting once, the
 * pipeline hands its children the resolved objects, and the wiring files do not name the settings.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  handedOver,
  resolveImageSettings,
  resolvePipelineDefaults,
  resolveRepositorySettings,
  withWiring,
} from "../../components/settings/defaults";
import { USAGE_COUNT_KEYS } from "../../components/cost/usage";
import { CONFIG_TABLE } from "../../stacks/profile";

const root = path.join(__dirname, "..", "..");

describe("settings seam: resolved once, handed over", () => {
  const never = (): never => assert.fail("resolved again");

  it("a child takes the object the resolver made as it is, and resolves anything else", () => {
    const repository = resolveRepositorySettings({ lifecyclePreset: "dev" }, "EcrImagePipeline", "web");
    assert.equal(
      handedOver("repository", repository, never),
      repository,
      "the resolver's own object is not resolved again",
    );
    assert.ok(Object.isFrozen(repository), "nothing changes between the check and the use");
    // A copy that looks resolved, or the resolved object of the other child, is resolved like any args.
    const copy = { ...repository };
    assert.equal(
      handedOver("repository", copy, () => "resolved"),
      "resolved",
    );
    assert.equal(
      handedOver("image", repository, () => "resolved"),
      "resolved",
    );
  });

  it("image settings with the parent's wiring stay resolved; the wiring cannot replace a setting", () => {
    const image = resolveImageSettings({ platforms: ["linux/amd64", "linux/arm64"] }, "EcrImagePipeline");
    const wired = withWiring(image, { repositoryUrl: "r", contentTag: "ctx-0000000000000000" });
    assert.equal(handedOver("image", wired, never), wired);
    assert.deepEqual(wired.platforms, ["linux/amd64", "linux/arm64"]);
    assert.equal(wired.repositoryUrl, "r");
    assert.equal(wired.buildOnPreview, true);
    // @ts-expect-error: a resolved setting is not wiring (it would skip the resolver's checks).
    withWiring(image, { cacheTag: "other" });
  });

  it("the repository's platformsPerImage comes from the image's resolved platforms", () => {
    const settings = resolveRepositorySettings(
      {
        platformsPerImage: resolveImageSettings({ platforms: ["linux/amd64", "linux/arm64"] }, "t").platforms
          .length,
      },
      "t",
      "web",
    );
    assert.equal(settings.imagesPerBuild, 3);
  });
});

/**
 * The wiring files do not name a setting the resolver owns: a new per-field line in pipeline.ts or
 * stacks/index.ts (forwarding, defaulting or converting one arg) fails here. The names come from the
 * resolvers themselves and the config table, so a setting added there is covered with no edit here.
 */
describe("settings seam: the wiring files do not name the settings", () => {
  /** Code without comments, and without reads of component outputs (`repository.x`, `this.x`, …). */
  function codeOf(file: string): string {
    return fs
      .readFileSync(path.join(root, file), "utf8")
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/(^|\s)\/\/.*$/gm, "$1")
      .replace(/export const \{[^}]*\} = pipeline;/g, "")
      .replace(/\b(?:this|pipeline|repository|image|estimate)\.\w+/g, "");
  }
  const mentions = (code: string, names: Iterable<string>): string[] =>
    [...new Set(names)].filter((name) => new RegExp(`\\b${name}\\b`).test(code)).sort();

  const repositorySettings = Object.keys(resolveRepositorySettings({}, "t", "web"));
  const imageSettings = Object.keys(resolveImageSettings({}, "t"));
  const budgetSettings = Object.keys(resolvePipelineDefaults({}).budget.rule);
  const configEntries = Object.entries(CONFIG_TABLE);
  const configKeysAndArgs = configEntries.flatMap(([key, { arg }]) => [key, arg]);

  it("pipeline.ts names none of the repository, budget or usage settings, and only the image settings it wires itself", () => {
    // What the pipeline uses for itself, not forwards: the platforms and compression its hash, findings
    // and estimate are keyed by; the scanning mode its cost prices; whether a registry cache is written
    // (the estimate measures it) and its tag (whose superseded manifests the storage cost counts).
    const ownUse = new Set(["platforms", "compression", "scanningMode", "cache", "cacheTag"]);
    const names = [
      ...repositorySettings,
      ...imageSettings,
      ...budgetSettings,
      ...USAGE_COUNT_KEYS,
      "retention",
      "maxImageSizeMiB",
    ].filter((name) => !ownUse.has(name));
    assert.ok(names.includes("lifecyclePreset") && names.includes("maxImageSizeBytes"));
    assert.deepEqual(mentions(codeOf("components/pipeline.ts"), names), []);
  });

  it("stacks/index.ts names no config key and no arg the config sets", () => {
    assert.ok(configKeysAndArgs.includes("lifecyclePreset") && configKeysAndArgs.includes("maxImageSizeMiB"));
    assert.deepEqual(mentions(codeOf("stacks/index.ts"), configKeysAndArgs), []);
  });

  it("the check sees a mention: a forwarded arg in either file", () => {
    const forwarded = "const x = { lifecyclePreset: profile.args.lifecyclePreset, maxImageSizeBytes: 1 };";
    assert.deepEqual(mentions(forwarded, configKeysAndArgs), ["lifecyclePreset", "maxImageSizeBytes"]);
  });
});
