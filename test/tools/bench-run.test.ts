// What the benches share (tools/lib/bench-run.ts): the median of their runs, their numeric options and
// the wait for a quiet machine. No engine, no registry, no real waiting.
import assert from "node:assert/strict";
import { median, numberOption, quietMachine } from "../../tools/lib/bench-run";

describe("tools/lib/bench-run", () => {
  it("median: the middle value, the mean of the middle two, NaN for none; the input is not sorted in place", () => {
    const values = [9, 1, 5];
    assert.equal(median(values), 5);
    assert.deepEqual(values, [9, 1, 5]);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([7]), 7);
    assert.ok(Number.isNaN(median([])));
  });

  it("numberOption: the value after the flag, the fallback without it, an error naming a bad one", () => {
    assert.equal(numberOption("--rounds", 3, ["--rounds", "5", "--write"]), 5);
    assert.equal(numberOption("--rounds", 3, ["--write"]), 3);
    assert.equal(numberOption("--max-load", 2, ["--max-load", "0.5"]), 0.5);
    assert.throws(
      () => numberOption("--rounds", 3, ["--rounds", "x"]),
      /^Error: --rounds must be a number, got x$/,
    );
    assert.throws(() => numberOption("--rounds", 3, ["--rounds", "-1"]), /--rounds must be a number, got -1/);
    assert.throws(
      () => numberOption("--rounds", 3, ["--rounds"]),
      /--rounds must be a number, got undefined/,
    );
  });

  it("quietMachine: waits while the load is at or above the bound, says so once, returns the load it starts at", async () => {
    const loads = [3, 2, 2.5, 1.2];
    const logged: string[] = [];
    let slept = 0;
    const load = await quietMachine(
      2,
      600,
      (message) => logged.push(message),
      () => loads[0]!,
      async () => {
        slept += 1;
        loads.shift();
      },
    );
    assert.equal(load, 1.2);
    assert.equal(slept, 3);
    assert.deepEqual(logged, ["load average 3.00 ≥ 2: waiting (at most 600 s)"]);
  });

  it("quietMachine: gives up after waitSeconds and returns the load as it is", async () => {
    const logged: string[] = [];
    const load = await quietMachine(
      2,
      0,
      (message) => logged.push(message),
      () => 9,
      async () => assert.fail("no wait with waitSeconds 0"),
    );
    assert.equal(load, 9);
    assert.deepEqual(logged, []);
  });
});
