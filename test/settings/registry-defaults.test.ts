/**
 * EcrRegistryDefaults' resolver (components/settings/registry-defaults.ts) over generated args (fast-check,
 * seeded): it is idempotent like every resolver (its settings, resolved again, are the same settings), every
 * rejection is an InvalidArgumentError naming EcrRegistryDefaults, and a good share of cases resolve.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { InvalidArgumentError } from "../../components/common/errors";
import { resolveRegistryDefaultsSettings } from "../../components/settings/registry-defaults";

const ACCOUNT = "123456789012";
const RUNS = 300;
const maybe = <T>(good: T[], bad: T[]) =>
  fc.option(
    fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...good) },
      { weight: 1, arbitrary: fc.constantFrom(...bad) },
    ),
    { nil: undefined, freq: 3 },
  );
const rule = (filter: string, ...regions: string[]) => ({
  destinations: regions.map((region) => ({ region, registryId: ACCOUNT })),
  repositoryFilters: [{ filter, filterType: "PREFIX_MATCH" as const }],
});
const template = (prefix: string) => ({
  prefix,
  appliedFors: ["REPLICATION" as const],
  description: "Replicas (test)",
  lifecyclePolicy:
    '{"rules":[{"rulePriority":1,"description":"untagged","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}',
  imageTagMutability: "MUTABLE" as const,
});
const args = fc.record(
  {
    registryId: fc.constantFrom(ACCOUNT, ACCOUNT, ACCOUNT, "12"),
    region: fc.constantFrom("us-east-1", "us-east-1", "eu-west-1", "Mars"),
    existingReplicationRules: maybe<unknown>([[], [rule("payments", "eu-west-2")]], [[{ destinations: [] }]]),
    replicationRules: maybe<unknown>(
      [{}, { "orders (prod)": rule("team/orders", "us-west-2") }],
      [{ "orders (prod)": { destinations: [] } }],
    ),
    replicationTemplates: maybe<unknown>(
      [{}, { "orders (prod)": template("team") }],
      [{ x: template("team") }],
    ),
    createOnPushPrefix: maybe<unknown>(["sandbox", "ROOT"], ["Sandbox"]),
    lifecyclePreset: maybe<unknown>(["dev", "prod"], ["qa"]),
    pullThroughCacheImages: maybe<unknown>([["public.ecr.aws/docker/library/node:22"], []], [["gcr.io/x/y"]]),
    blobMounting: maybe<unknown>([true, false], ["yes"]),
    pullThroughCacheUntaggedDays: maybe<unknown>([7, 30], [0]),
  },
  { requiredKeys: ["registryId", "region"] },
);

describe("resolveRegistryDefaultsSettings: idempotent, every rejection named (fast-check)", () => {
  it("resolving the resolved settings gives them back; rejections are InvalidArgumentErrors of EcrRegistryDefaults", () => {
    let resolved = 0;
    fc.assert(
      fc.property(args, (generated) => {
        let once;
        try {
          once = resolveRegistryDefaultsSettings(generated as never, "EcrRegistryDefaults", "registry");
        } catch (error) {
          if (error instanceof InvalidArgumentError && error.component === "EcrRegistryDefaults") return;
          throw error;
        }
        resolved += 1;
        assert.deepEqual(resolveRegistryDefaultsSettings(once, "EcrRegistryDefaults", "registry"), once);
      }),
      { numRuns: RUNS, seed: 20 },
    );
    // A resolver that rejected everything would pass the rest: a share must resolve.
    assert.ok(resolved >= RUNS * 0.1, `only ${resolved} of ${RUNS} resolved`);
    console.log(`      ${resolved} of ${RUNS} resolved, the others rejected naming the arg`);
  });
});
