/**
 * Issue 12's rule for the pure functions issue 20 added (the fleet storage model and bill, the registry
 * inputs, the new cost inputs, the pull-through cache rule): each returns, or throws the project's
 * InvalidInputError naming the key, within TIME_BOUND_MS of CPU per case, and every amount is finite and >= 0.
 * Seeded, FUZZ_RUNS cases each, with the shared harness (test/helpers/fuzz.ts). A property that accepts a
 * rejection also counts the cases that succeed, and requires some.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { analyzeDockerfile, DockerfileParseError } from "../../components/dockerfile";
import { estimateMonthlyCost, type CostEstimateInput } from "../../components/cost";
import { fleetBills, fleetStorage, type FleetRepository } from "../../components/fleet";
import { mergeReplicationRules, replicationRuleFor, replicationTemplateFor } from "../../components/registry";
import { buildLifecyclePreset, renderLifecyclePolicy } from "../../components/lifecycle";
import { anyNumber, costInputArb, sizedBlobsArb } from "../../tools/lib/fuzz-arbitraries";
import {
  assertAmounts,
  estimateAmounts,
  FUZZ_RUNS,
  options,
  withSuccessShare,
  size,
  TIME_BOUND_MS,
} from "../helpers/fuzz";

const ACCOUNTS = ["123456789012", "210987654321", "12345"];
const repositoryArb: fc.Arbitrary<FleetRepository> = fc.record(
  {
    name: fc.constantFrom("svc-a", "svc-b", "team/c", "docker-hub/library/node", ""),
    registryId: fc.constantFrom(...ACCOUNTS),
    region: fc.constantFrom("us-east-1", "eu-west-1"),
    encryption: fc.option(
      fc.record({
        type: fc.constantFrom("AES256" as const, "KMS" as const, "KMS_DSSE" as const),
        kmsKey: fc.option(fc.constantFrom("k1", "k2"), { nil: undefined }),
      }),
      { nil: undefined },
    ),
    pullThroughCache: fc.boolean(),
    blobs: sizedBlobsArb,
    ownBytes: fc.option(anyNumber, { nil: undefined }),
  },
  { requiredKeys: ["name", "registryId", "region", "blobs"] },
);
const registriesArb = fc.array(
  fc.record({
    registryId: fc.constantFrom(...ACCOUNTS),
    region: fc.constantFrom("us-east-1", "eu-west-1"),
    blobMounting: fc.boolean(),
  }),
  { maxLength: 3 },
);

describe(`fuzz: fleet storage and bill, registry inputs, issue 20 cost inputs, ${FUZZ_RUNS} seeded cases each, ${TIME_BOUND_MS} ms CPU per case`, function () {
  this.timeout(600_000);

  it("fleetStorage: finite bytes, shared never above separate copies, or InvalidInputError; some succeed", () => {
    withSuccessShare("fleetStorage", 0.18, (outcomes) => {
      fc.assert(
        fc.property(fc.array(repositoryArb, { maxLength: 6 }), registriesArb, (repositories, registries) => {
          const storage = outcomes.returnedOrRejected(
            () => fleetStorage({ repositories, registries }),
            () => size(repositories),
          );
          if (storage === undefined) return;
          assertAmounts(
            [
              storage.bytes,
              storage.perRepositoryBytes,
              ...storage.repositories.flatMap((r) => [r.ownCopyBytes, r.attributedBytes]),
            ],
            "fleetStorage",
          );
          assert.ok(
            storage.bytes <= storage.perRepositoryBytes * (1 + 1e-12),
            `${storage.bytes} > ${storage.perRepositoryBytes}`,
          );
        }),
        options,
      );
    });
  });

  it("estimateMonthlyCost with replica, archive, scanning and pull-through cache inputs: finite amounts or InvalidInputError; some succeed", () => {
    withSuccessShare("estimateMonthlyCost (issue 20 inputs)", 0.01, (outcomes) => {
      const extraArb = fc.record(
        {
          replicaRetention: fc.constantFrom("policy", "none", "sometimes"),
          replicaHorizonMonths: anyNumber,
          replicatedBytesPerPush: anyNumber,
          replicaInitialBytes: anyNumber,
          archive: fc.record(
            {
              archivedBytes: anyNumber,
              daysInArchive: fc.option(anyNumber, { nil: undefined }),
              restoresPerMonth: anyNumber,
            },
            { requiredKeys: ["archivedBytes"] },
          ),
          pullThroughCacheBytes: anyNumber,
          source: fc.constantFrom("stack", "account", "elsewhere"),
          frequency: fc.constantFrom("SCAN_ON_PUSH", "CONTINUOUS_SCAN", "DAILY"),
          pullDateRescanDuration: fc.constantFrom("DAYS_14", "DAYS_180", "LIFETIME"),
        },
        { requiredKeys: [] },
      );
      fc.assert(
        fc.property(costInputArb, extraArb, (base, extra) => {
          const { source, frequency, pullDateRescanDuration, ...rest } = extra;
          const input = {
            ...base,
            ...rest,
            scanning: {
              ...base.scanning,
              ...(source === undefined ? {} : { source }),
              ...(frequency === undefined ? {} : { frequency }),
              ...(pullDateRescanDuration === undefined ? {} : { pullDateRescanDuration }),
            },
          } as CostEstimateInput;
          const estimate = outcomes.returnedOrRejected(
            () => estimateMonthlyCost(input),
            () => size(input),
          );
          if (estimate === undefined) return;
          assertAmounts(estimateAmounts(estimate), "estimate");
          for (const line of estimate.lines) assert.equal(typeof line.verified, "boolean", line.item);
        }),
        options,
      );
    });
  });

  it("fleetBills over estimates of the same region: finite amounts or InvalidInputError", () => {
    withSuccessShare("fleetBills", 0.045, (outcomes) => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(repositoryArb, fc.nat(1000)), { minLength: 1, maxLength: 4 }),
          registriesArb,
          (drawn, registries) => {
            const members = drawn.map(([repository, pulls], index) => ({
              name: `m${index}`,
              repository,
              estimate: estimateMonthlyCost({
                region: "us-east-1",
                imageBytes: 2 ** 30,
                retainedImages: 1,
                pushesPerMonth: 1,
                pulls: { internet: pulls, viaNat: pulls },
              }),
            }));
            const bills = outcomes.returnedOrRejected(
              () => fleetBills({ members, registries }),
              () => size(drawn),
            );
            if (bills === undefined) return;
            for (const bill of bills)
              assertAmounts(
                [bill.totalUsd, bill.storedBytes, ...bill.lines.flatMap((l) => [l.quantity, l.rate, l.usd])],
                "bill",
              );
          },
        ),
        options,
      );
    });
  });

  it("replicationRuleFor, mergeReplicationRules, replicationTemplateFor: inputs or InvalidInputError; some succeed", () => {
    withSuccessShare("replication inputs", 0.11, (outcomes) => {
      const policy = renderLifecyclePolicy(buildLifecyclePreset("dev"));
      fc.assert(
        fc.property(
          fc.constantFrom("team/orders", "orders", "Team/x", "a", "team/orders-v2"),
          fc.array(fc.constantFrom("eu-west-1", "us-east-1", "af-south-1", "ap-south-1", ""), {
            maxLength: 30,
          }),
          fc.array(fc.constantFrom("eu-west-1", "us-west-2", "sa-east-1"), { minLength: 1, maxLength: 3 }),
          fc.option(fc.constantFrom("ROOT", "team", "other", "Bad Prefix"), { nil: undefined }),
          (repositoryName, regions, existingRegions, prefix) => {
            const merged = outcomes.returnedOrRejected(
              () => {
                const { rule } = replicationRuleFor({
                  repositoryName,
                  sourceRegion: "us-east-1",
                  registryId: ACCOUNTS[0] as string,
                  replicationRegions: regions,
                });
                const existing = [
                  {
                    destinations: existingRegions.map((region) => ({
                      region,
                      registryId: ACCOUNTS[0] as string,
                    })),
                  },
                ];
                return mergeReplicationRules(existing, [{ requestedBy: "x", rule }]);
              },
              () => `${repositoryName} ${regions.join(",")}`,
            );
            if (merged !== undefined) {
              assert.ok(merged.rules.length >= 1 && merged.rules.length <= 10);
            }
            outcomes.returnedOrRejected(
              () =>
                replicationTemplateFor({
                  repositoryName,
                  lifecyclePolicy: policy,
                  imageTagMutability: "IMMUTABLE",
                  ...(prefix === undefined ? {} : { prefix }),
                }),
              () => `${repositoryName} ${prefix ?? ""}`,
            );
          },
        ),
        options,
      );
    });
  });

  it("analyzeDockerfile with a pull-through cache registry: catalogued findings or DockerfileParseError", () => {
    const fromLine = fc.constantFrom(
      "FROM node:22\n",
      "FROM quay.io/a/b:1 AS x\n",
      "FROM gcr.io/distroless/static\n",
      "FROM public.ecr.aws/docker/library/node\n",
      "ARG B=node:22\nFROM ${B}\n",
      "FROM x",
    );
    fc.assert(
      fc.property(fc.array(fromLine, { maxLength: 40 }), fc.string({ maxLength: 40 }), (lines, tail) => {
        const text = lines.join("") + tail;
        const start = process.cpuUsage();
        try {
          for (const finding of analyzeDockerfile(text, {
            pullThroughCacheRegistry: "123456789012.dkr.ecr.us-east-1.amazonaws.com",
          })) {
            assert.ok(finding.message.length > 0 && finding.fix.length > 0);
          }
        } catch (error) {
          assert.ok(error instanceof DockerfileParseError, String(error));
        }
        const used = process.cpuUsage(start);
        assert.ok((used.user + used.system) / 1000 < TIME_BOUND_MS);
      }),
      options,
    );
  });
});
