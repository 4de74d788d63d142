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
