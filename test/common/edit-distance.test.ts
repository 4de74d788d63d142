import assert from "node:assert/strict";
import { editDistance } from "../../components/common/edit-distance";

describe("editDistance (did-you-mean for arg names and stack config keys)", () => {
  const cases: [string, string, number][] = [
    ["", "", 0],
    ["extraTag", "extraTags", 1],
    ["lifecyclePrest", "lifecyclePreset", 1],
    ["pushesperday", "pushesPerDay".toLowerCase(), 0],
    ["kitten", "sitting", 3],
    ["abc", "", 3],
    ["x".repeat(101), "y", 101],
  ];
  for (const [a, b, expected] of cases)
    it(`${JSON.stringify(a.length > 20 ? `${a.slice(0, 5)}…(${a.length})` : a)} ~ ${JSON.stringify(b)} = ${expected}`, () => {
      assert.equal(editDistance(a, b), expected);
      assert.equal(editDistance(b, a), expected);
    });
});
