/**
 * A pipeline as a fleet member (components/fleet/member.ts) and the lines the fleet bill leaves to each
 * member (components/fleet/bill.ts): the pull-through cache's attributed line when the registry's cache
 * repositories are not listed, and the archive's restore fee and minimum-duration surcharge, which are not
 * bytes held. Exact values.
 */
import assert from "node:assert/strict";
import { costFor } from "../../components/cost/pipeline-cost";
import { defaultUsageProfile } from "../../components/cost/usage";
import { fleetBills, fleetMemberOf } from "../../components/fleet";
import { buildLifecyclePreset, renderLifecyclePolicy } from "../../components/lifecycle";

const ACCOUNT = "123456789012";
const MiB = 2 ** 20;
const blob = (name: string, bytes: number) => ({ digest: `sha256:${name}`, bytes });
const policy = renderLifecyclePolicy(buildLifecyclePreset("dev"));
const size = { bytes: 50 * MiB, basis: "estimate" as const, note: "measured" };
const layers = {
  platforms: [
    { platform: "linux/amd64", layers: [blob("base", 40 * MiB), blob("app", 10 * MiB)], baseLayerCount: 1 },
  ],
  cache: [blob("builder", 100 * MiB), blob("base", 40 * MiB)],
  renewed: [blob("app", 10 * MiB)],
  cacheRenewed: [],
};

describe("fleetMemberOf: the pipeline's repository as the fleet counts it", () => {
  it("measured layers: image and cache blobs by digest, each once; the older builds as its own bytes", () => {
    const cost = costFor({
      size,
      region: "us-east-1",
      policy,
      usage: defaultUsageProfile(),
      scanningMode: "basic",
      layers,
    });
    const member = fleetMemberOf({ repositoryName: "team/web", registryId: ACCOUNT, layers, cost });
    // dev keeps 10 builds: 9 older x 10 MiB renewed.
    assert.deepEqual(member.repository, {
      name: "team/web",
      registryId: ACCOUNT,
      region: "us-east-1",
      blobs: [blob("base", 40 * MiB), blob("app", 10 * MiB), blob("builder", 100 * MiB)],
      ownBytes: 90 * MiB,
    });
    assert.equal(member.estimate.assumptions.storedBytes, 240 * MiB);
  });

  it("no layers (whole-image model): nothing to match by digest, the whole stored size is its own", () => {
    const cost = costFor({
      size,
      region: "us-east-1",
      policy,
      usage: defaultUsageProfile(),
      scanningMode: "basic",
    });
    const member = fleetMemberOf({
      repositoryName: "team/web",
      registryId: ACCOUNT,
      kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
      cost,
    });
    // 10 builds x 50 MiB + a 50 MiB cache.
    assert.deepEqual(member.repository, {
      name: "team/web",
      registryId: ACCOUNT,
      region: "us-east-1",
      encryption: { type: "KMS", kmsKey: "arn:aws:kms:us-east-1:123456789012:key/k" },
      blobs: [],
      ownBytes: 550 * MiB,
    });
  });
});

describe("fleetBills: the lines a member keeps", () => {
  const archiving = renderLifecyclePolicy([
    {
      selection: {
        tagStatus: "tagged",
        tagPrefixList: ["ctx-"],
        countType: "imageCountMoreThan",
        countNumber: 5,
      },
      action: { type: "transition", targetStorageClass: "archive" },
    },
  ]);
  const member = (name: string, pullThroughCacheBytes: number) => {
    const cost = costFor({
      size,
      region: "us-east-1",
      policy: archiving,
      usage: { ...defaultUsageProfile(), pushesPerDay: 1 },
      scanningMode: "basic",
      layers,
      archiveRestoresPerMonth: 2,
      pullThroughCacheBytes,
    });
    return { name, ...fleetMemberOf({ repositoryName: `team/${name}`, registryId: ACCOUNT, layers, cost }) };
  };

  it("without the cache's repositories each member keeps its attributed pull-through line; the restore fee stays its own, in storage", () => {
    const [bill] = fleetBills({ members: [member("a", 80 * MiB), member("b", 80 * MiB)] });
    const items = bill?.lines.map((line) => line.item) ?? [];
    assert.deepEqual(
      items.filter((item) => /pull-through|archive/.test(item)),
      [
        "a: archive restores",
        "a: pull-through cache storage",
        "b: archive restores",
        "b: pull-through cache storage",
      ],
    );
    const own = bill?.lines.filter((line) => /^[ab]: (pull-through|archive)/.test(line.item)) ?? [];
    const recounted = bill?.lines.filter((line) => line.item.startsWith("storage ")) ?? [];
    const sum = (lines: { usd: number }[]) => lines.reduce((total, line) => total + line.usd, 0);
    assert.ok(Math.abs((bill?.storageUsd ?? 0) - sum(own) - sum(recounted)) < 1e-12, "both in storage");
  });

  it("with the cache's repositories listed, the pull-through lines go: the cache is counted once", () => {
    const [bill] = fleetBills({
      members: [member("a", 80 * MiB), member("b", 80 * MiB)],
      pullThroughCacheRepositories: [
        {
          name: "docker-hub/library/node",
          registryId: ACCOUNT,
          region: "us-east-1",
          pullThroughCache: true,
          blobs: [blob("node", 80 * MiB)],
        },
      ],
    });
    assert.deepEqual(
      bill?.lines.map((line) => line.item).filter((item) => /pull-through|archive|docker-hub/.test(item)),
      ["storage docker-hub/library/node", "a: archive restores", "b: archive restores"],
    );
  });
});
