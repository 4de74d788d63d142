/**
 * The arg-name lists of components/settings/arg-names.ts against the Args interfaces they stand for (read
 * by tools/args-table.ts, which writes the README's tables), and the closest-name suggestion.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import {
  ARG_NAMES,
  REQUIRED_ARG_NAMES,
  closestName,
  unknownArgProblems,
} from "../../components/settings/arg-names";
import { resolvePipelineSettings } from "../../components/settings/pipeline";
import { ARGS_INTERFACES, readArgs } from "../../tools/args-table";

const root = path.join(__dirname, "..", "..");

describe("arg names: each component's list is its Args interface", () => {
  for (const [file, iface] of ARGS_INTERFACES) {
    const component = iface.replace(/Args$/, "");
    it(`${component}: every declared field, required ones as required`, () => {
      const rows = readArgs(root, file, iface);
      assert.deepEqual([...(ARG_NAMES[component] ?? [])].sort(), rows.map((row) => row.name).sort());
      assert.deepEqual(
        [...(REQUIRED_ARG_NAMES[component] ?? [])].sort(),
        rows
          .filter((row) => !row.optional)
          .map((row) => row.name)
          .sort(),
      );
    });
  }
});

describe("closestName: the suggestion for a misspelt arg", () => {
  const known = ARG_NAMES.EcrImagePipeline!;
  const cases: [string, string | undefined][] = [
    ["extraTag", "extraTags"],
    ["ExtraTags", "extraTags"],
    ["extra_tags", "extraTags"],
    ["maxImageSizeMb", "maxImageSizeBytes"],
    ["maxImageSize", "maxImageSizeBytes"],
    ["lifecyclePrest", "lifecyclePreset"],
    ["pullsPerMonthViaNAT", "pullsPerMonthViaNat"],
    ["dockerFile", "dockerfile"],
    ["repository", "repositoryName"],
    ["extraTgas", "extraTags"],
    ["image", undefined],
    ["contentTag", undefined],
    ["x", undefined],
  ];
  for (const [key, expected] of cases) {
    it(`${key} -> ${String(expected)}`, () => assert.equal(closestName(key, known), expected));
  }
});

describe("unknownArgProblems", () => {
  it("declared args, set or undefined, are no problem; a required one unset or null is", () => {
    assert.deepEqual(unknownArgProblems("EcrImagePipeline", { context: "app", target: undefined }), []);
    assert.deepEqual(
      unknownArgProblems("EcrImagePipeline", { context: null }).map((p) => `${p.argument}: ${p.problem}`),
      ["context: is required and is null"],
    );
    assert.deepEqual(
      unknownArgProblems("EcrImagePipeline", undefined).map((p) => p.argument),
      ["context"],
    );
  });

  it("every unknown key, in the order written, after the missing required ones", () => {
    assert.deepEqual(
      unknownArgProblems("BuildKitImage", { context: "app", tag: "x", platform: "linux/amd64" }).map(
        (p) => `${p.argument} | ${p.fix}`,
      ),
      [
        "repositoryUrl | Set repositoryUrl to the repository's URL, e.g. an EcrRepository's repositoryUrl output.",
        'tag | Remove it; BuildKitImage\'s arguments are listed in the README ("BuildKitImage").',
        'platform | Did you mean "platforms"? Rename it, or remove it.',
      ],
    );
  });
});

describe("the arg names checked are the component's, whatever the caller is named", () => {
  // tools/report (npm start) resolves each stack file's args naming the file as the caller: the check
  // first looked up the caller's name and refused every arg ("not an argument of stacks/Pulumi.dev.yaml").
  const hello = path.join(root, "test", "fixtures", "contexts", "hello");
  it("a stack file as the caller: declared args resolve, a misspelt one is named against EcrImagePipeline", () => {
    const settings = resolvePipelineSettings(
      { context: hello, repositoryName: "web", lifecyclePreset: "dev" },
      "stacks/Pulumi.dev.yaml",
      "app-dev",
    );
    assert.equal(settings.repository.lifecyclePreset, "dev");
    assert.throws(
      () =>
        resolvePipelineSettings(
          { context: hello, extraTag: ["latest"] } as never,
          "stacks/Pulumi.dev.yaml",
          "app-dev",
        ),
      {
        message:
          'stacks/Pulumi.dev.yaml: invalid argument "extraTag": is not an argument of EcrImagePipeline, so it would be ignored. Did you mean "extraTags"? Rename it, or remove it.',
      },
    );
  });
});
