import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  LIFECYCLE_PRESET_RETENTION,
  LifecyclePresetName,
  describeLifecyclePreset,
  lifecyclePresets,
} from "../../components/lifecycle/presets";

describe("lifecycle preset prose comes from the preset data", () => {
  it("descriptions are generated from LIFECYCLE_PRESET_RETENTION", () => {
    assert.equal(
      lifecyclePresets.dev.description,
      "Keeps deployed-*/release-* images, the newest 10 ctx-* builds and untagged images for 1 day.",
    );
    assert.equal(
      lifecyclePresets.prod.description,
      "Keeps deployed-*/release-* images, the newest 100 ctx-* builds and untagged images for 14 days.",
    );
    for (const name of Object.values(LifecyclePresetName)) {
      assert.equal(lifecyclePresets[name].description, describeLifecyclePreset(name));
    }
  });

  it("docs/LIFECYCLE.md's preset table shows the numbers of the data", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "LIFECYCLE.md"), "utf8");
    for (const name of Object.values(LifecyclePresetName)) {
      const row = new RegExp(`^\\| ${name} \\| (\\d+) \\| (\\d+) \\|`, "m").exec(doc);
      assert.ok(row, `a row for ${name}`);
      const { keepBuilds, untaggedDays } = LIFECYCLE_PRESET_RETENTION[name];
      assert.deepEqual([Number(row[1]), Number(row[2])], [keepBuilds, untaggedDays], name);
    }
  });
});
