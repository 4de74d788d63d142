import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ARGS_INTERFACES, argsTable, readArgs } from "../tools/args-table";

const root = path.join(__dirname, "..");
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");

describe("docs match the code", () => {
  for (const [file, iface] of ARGS_INTERFACES) {
    it(`every ${iface} field has a doc and a @default, and README's table is generated from them`, () => {
      const rows = readArgs(root, file, iface);
      // Enough that a parse finding nothing fails (EcrFleetCost, the smallest, has 4).
      assert.ok(rows.length >= 3, `${iface} has fields`);
      for (const row of rows) {
        assert.notEqual(row.description, "", `${iface}.${row.name} has a doc comment`);
        if (row.optional) assert.ok(row.defaultValue, `${iface}.${row.name} documents its @default`);
      }
      const block = new RegExp(`<!-- args:${iface} [^\\n]*-->\\n([\\s\\S]*?)\\n<!-- /args -->`).exec(readme);
      assert.ok(block, `README has the ${iface} table`);
      assert.equal(
        block[1],
        argsTable(rows),
        `README's ${iface} table is stale: run npx tsx tools/args-table.ts --write`,
      );
    });
  }

  it("the README's quick start and CI call the same test command", () => {
    assert.match(readme, /^npm test\s/m);
    const ci = fs.readFileSync(path.join(root, ".ci", "run"), "utf8");
    // Once, on Node 24 with the newest SDK; the unit tests again at the lowest peer versions on Node 20.
    assert.equal(ci.match(/^npm test( |$)/gm)?.length, 1, "npm test once, on Node 24");
    assert.match(ci, /^PATH="\$node20_bin:\$PATH" bash scripts\/unit-lowest\.sh/m);
    assert.match(ci, /^bash scripts\/consumer-smoke\.sh/m);
    const lowest = fs.readFileSync(path.join(root, "scripts", "unit-lowest.sh"), "utf8");
    assert.match(lowest, /^npm run test:unit$/m);
  });
});
