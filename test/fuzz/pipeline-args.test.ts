/**
 * The settings seam under fuzz (issues 11 and 12): EcrImagePipeline's args, every field of
 * EcrImagePipelineArgs (read from the interface itself, tools/args-table.ts, so a new arg is fuzzed the
 * day it is added), each absent, a plausible value or any JSON-ish value (wrong types, NaN, huge
 * numbers, nested junk). `resolvePipelineSettings`, what the component runs before `super()`, must return
 * settings or throw InvalidArgumentError naming one of those args, within TIME_BOUND_MS of CPU: never a
 * TypeError from reading a value of the wrong type, which would reach the user as a crash instead of
 * "invalid argument <name>: got …. <fix>".
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import fc from "fast-check";
import { InvalidArgumentError } from "../../components/common/errors";
import { resolvePipelineSettings } from "../../components/settings/pipeline";
import { readArgs } from "../../tools/args-table";
import { anyNumber } from "../../tools/lib/fuzz-arbitraries";
import { FUZZ_RUNS, options, size, timedCase, withSuccessShare } from "../helpers/fuzz";

const ROOT = path.resolve(__dirname, "../..");
const ARG_NAMES = readArgs(ROOT, "components/settings/pipeline.ts", "EcrImagePipelineArgs").map(
  (row) => row.name,
);
const CONTEXT = path.join(ROOT, "test/fixtures/contexts/hello");

/** Values an arg of any type could be given: right-looking ones and wrong ones. */
const plausible = fc.oneof(
  fc.constantFrom(
    "dev",
    "prod",
    "gzip",
    "zstd",
    "basic",
    "enhanced",
    "warn",
    "fail",
    "linux/amd64",
    "us-east-1",
  ),
  fc.constantFrom(["linux/amd64"], ["linux/amd64", "linux/arm64"], ["eu-west-1"], { A: "1" }, true, false),
  anyNumber,
  fc.constantFrom(CONTEXT, path.join(CONTEXT, "Dockerfile"), "build", "ctx-0123456789abcdef"),
);
const anyValue = fc.oneof(plausible, fc.anything({ maxDepth: 2 }));

/** The context (mostly a real one) and up to four other args, so that some cases pass every check. */
const argsArb = fc
  .tuple(
    fc.oneof({ weight: 4, arbitrary: fc.constant(CONTEXT) }, anyValue),
    fc.uniqueArray(fc.tuple(fc.constantFrom(...ARG_NAMES.filter((name) => name !== "context")), anyValue), {
      maxLength: 4,
      selector: ([name]) => name,
    }),
  )
  .map(([context, rest]) => ({ context, ...Object.fromEntries(rest) }) as Record<string, unknown>);

describe(`fuzz: EcrImagePipeline's args through resolvePipelineSettings, ${FUZZ_RUNS} seeded cases (issues 11, 12)`, function () {
  this.timeout(300_000);

  it(`reads ${ARG_NAMES.length} args from EcrImagePipelineArgs`, () => {
    // The list the generator draws from; if the interface could not be read, the fuzz below would test nothing.
    assert.ok(ARG_NAMES.length >= 30, ARG_NAMES.join(", "));
    for (const name of ["context", "platforms", "compression", "lifecyclePreset", "pushesPerDay"])
      assert.ok(ARG_NAMES.includes(name), name);
  });

  it("returns settings or throws InvalidArgumentError naming an arg the user wrote, never a TypeError", () => {
    const share = withSuccessShare("resolvePipelineSettings", 0.2, (outcomes) =>
      fc.assert(
        fc.property(argsArb, (args) => {
          const outcome = timedCase(
            () =>
              resolvePipelineSettings(
                args as Parameters<typeof resolvePipelineSettings>[0],
                "EcrImagePipeline",
                "web",
              ),
            () => size(args),
          );
          outcomes.record("value" in outcome);
          if ("value" in outcome) return;
          const { error } = outcome;
          assert.ok(error instanceof InvalidArgumentError, `not an InvalidArgumentError: ${String(error)}`);
          assert.equal(error.component, "EcrImagePipeline");
          // The arg named is one the case set (the Dockerfile's default path comes from `context`).
          const top = error.argument.split(/[.[]/)[0] ?? "";
          const set = top === "dockerfile" && !("dockerfile" in args) ? "context" : top;
          assert.ok(set in args, `names "${error.argument}", which the case did not set: ${error.message}`);
          assert.match(error.message, /^EcrImagePipeline: invalid argument "[^"]+": [\s\S]+\. [\s\S]+/);
        }),
        options,
      ),
    );
    // And the other path too: some cases rejected, with the arg named.
    assert.ok(share < 1, "every case was accepted: the rejection path went untested");
  });
});
