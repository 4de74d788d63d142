/**
 * Issue 20 (item 1 cost, item 4) and issue 18 (items 2 and 8, cost parts): replicas under their own lifecycle
 * or unbounded, rescans only when configured or declared, pull-date rescans, the first-enable backfill, the
 * archive class, the pull-through cache, and `verified`/`source`/`assumption` on every line. Every expected
 * value is worked out by hand in the comment above it.
 */
import assert from "node:assert/strict";
import {
  estimateMonthlyCost,
  formatCostReport,
  PRICING_SOURCES,
  type CostEstimate,
  type CostEstimateInput,
} from "../../components/cost";
import { archiveExpiryDays, costFor } from "../../components/cost/pipeline-cost";
import { defaultUsageProfile } from "../../components/cost/usage";
import { buildLifecyclePreset, renderLifecyclePolicy } from "../../components/lifecycle";
import { InvalidInputError } from "../../components/common/errors";

const GB = 2 ** 30;
const cents = (usd: number) => Math.round(usd * 100);
const lineOf = (estimate: CostEstimate, item: string) => {
  const found = estimate.lines.find((line) => line.item === item);
  assert.ok(found, `no line "${item}"; lines: ${estimate.lines.map((line) => line.item).join(", ")}`);
  return found;
};
const near = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} vs ${expected}`);

const base: CostEstimateInput = {
  region: "us-east-1",
  imageBytes: 1 * GB,
  retainedImages: 1,
  pushesPerMonth: 0,
};

describe("replication: replicas under their own lifecycle policy, or unbounded over a stated horizon", () => {
  const replicated: CostEstimateInput = {
    ...base,
    uniqueBytesPerImage: 0.25 * GB,
    retainedImages: 10,
    cacheBytes: 0.75 * GB,
    pushesPerMonth: 40,
    replicationRegions: ["eu-west-1"],
  };

  it("without a policy (the default) the replica keeps every push: 1.75 + 479 x 0.25 = 121.5 GB at month 12", () => {
    // first push: image 1 GB + cache 0.75 GB; 40 pushes x 12 months = 480 pushes, 479 more x 0.25 GB each
    // = 119.75 GB; 121.5 GB x $0.10 = $12.15; transfer 40 x 0.25 = 10 GB x $0.02 = $0.20
    const estimate = estimateMonthlyCost(replicated);
    const storage = lineOf(estimate, "replication storage eu-west-1");
    near(storage.quantity, 121.5, "replica GB");
    assert.equal(cents(storage.usd), 1215);
    assert.equal(
      storage.explanation,
      "UNBOUNDED: the replica keeps every replicated image and cache; it grows 10.000 GB a month, priced at the end of month 12 (480 pushes)",
    );
    assert.equal(
      storage.assumption,
      "no lifecycle policy acts on the replica in eu-west-1: no repository creation template (appliedFor REPLICATION) or replica repository gives it one",
    );
    assert.equal(cents(lineOf(estimate, "replication transfer eu-west-1").usd), 20);
    assert.equal(cents(estimate.replicationUsd), 1235);
  });

  it("a shorter horizon prices an earlier month: 6 months, 1.75 + 239 x 0.25 = 61.5 GB", () => {
    const estimate = estimateMonthlyCost({ ...replicated, replicaHorizonMonths: 6 });
    near(lineOf(estimate, "replication storage eu-west-1").quantity, 61.5, "replica GB");
  });

  it("under this repository's policy the replica keeps what the source keeps: 4 GB, assuming the template exists", () => {
    // stored 1 + 9 x 0.25 + 0.75 = 4 GB
    const estimate = estimateMonthlyCost({ ...replicated, replicaRetention: "policy" });
    const storage = lineOf(estimate, "replication storage eu-west-1");
    near(storage.quantity, 4, "replica GB");
    // The template is the registry owner's, not this stack's: an account assumption (issue 20 phase 2).
    assert.equal(
      storage.assumption,
      "a repository creation template (appliedFor REPLICATION) in eu-west-1 gives the replica this repository's lifecycle policy: registered by the registry's owner (EcrRegistryDefaults replicationTemplates) before the first replicated push",
    );
    assert.equal(
      storage.explanation,
      `the replica keeps what the source keeps: its own copy of this repository's lifecycle policy (${PRICING_SOURCES.ecrLifecyclePolicyRegion})`,
    );
  });

  it("transfer counts every replicated byte of a push: 2 platforms + cache = 0.6 GB x 40 = 24 GB x $0.02", () => {
    const estimate = estimateMonthlyCost({
      ...replicated,
      replicaRetention: "policy",
      replicatedBytesPerPush: 0.6 * GB,
    });
    const transfer = lineOf(estimate, "replication transfer eu-west-1");
    near(transfer.quantity, 24, "GB");
    assert.equal(cents(transfer.usd), 48);
  });

  it("costFor: two platforms and the cache cross regions, not one platform's new bytes (issue 20)", () => {
    const MiB = 2 ** 20;
    const layers = {
      platforms: [
        {
          platform: "linux/amd64",
          layers: [{ digest: "sha256:base-a", bytes: 90 * MiB }],
          baseLayerCount: 1,
        },
        {
          platform: "linux/arm64",
          layers: [{ digest: "sha256:base-b", bytes: 88 * MiB }],
          baseLayerCount: 1,
        },
      ],
      cache: [{ digest: "sha256:deps", bytes: 40 * MiB }],
      // A push renews one layer per platform (3 MiB each) and the cache's dependency layer (40 MiB).
      renewed: [
        { digest: "sha256:app-a", bytes: 3 * MiB },
        { digest: "sha256:app-b", bytes: 3 * MiB },
      ],
      cacheRenewed: [{ digest: "sha256:deps", bytes: 40 * MiB }],
    };
    const { estimate } = costFor({
      size: { bytes: 93 * MiB, basis: "estimate", note: "local build" },
      region: "us-east-1",
      policy: renderLifecyclePolicy(buildLifecyclePreset("dev")),
      usage: { ...defaultUsageProfile(), pushesPerDay: 1, replicationRegions: ["eu-west-1"] },
      scanningMode: "basic",
      platforms: 2,
      layers,
      replicaRetention: "policy",
    });
    // 3 + 3 + 40 = 46 MiB a push (before: min(6 MiB, 93 MiB) = 6 MiB, and without the cache)
    assert.equal(estimate.assumptions.replicatedBytesPerPush, 46 * MiB);
    near(lineOf(estimate, "replication transfer eu-west-1").quantity, (30.4 * 46 * MiB) / GB, "GB");
  });

  it("costFor: the replica starts from the image and cache it is first sent (replicaInitialBytes)", () => {
    const { estimate } = costFor({
      size: { bytes: 100, basis: "estimate", note: "n" },
      region: "us-east-1",
      policy: renderLifecyclePolicy(buildLifecyclePreset("dev")),
      usage: { ...defaultUsageProfile(), replicationRegions: ["eu-west-1"] },
      scanningMode: "basic",
      layers: {
        platforms: [
          { platform: "linux/amd64", layers: [{ digest: "sha256:a", bytes: 100 }], baseLayerCount: 0 },
        ],
        cache: [{ digest: "sha256:c", bytes: 30 }],
        renewed: [{ digest: "sha256:a", bytes: 100 }],
        cacheRenewed: [],
      },
    });
    assert.equal(estimate.assumptions.replicaInitialBytes, 130);
    assert.equal(estimate.assumptions.replicaRetention, "none");
  });
});

describe("scanning: rescans only when the configuration or a declared usage setting says so (issue 18)", () => {
  const enhanced = (scanning: Partial<NonNullable<CostEstimateInput["scanning"]>>): CostEstimateInput => ({
    ...base,
    retainedImages: 101,
    pushesPerMonth: 30.4,
    scanning: { mode: "enhanced", rescansPerMonth: 4, ...scanning },
  });

  it("this stack scanning on push: no rescan line, a note saying why, the backfill as a one-off note", () => {
    const estimate = estimateMonthlyCost(enhanced({ source: "stack", frequency: "SCAN_ON_PUSH" }));
    assert.deepEqual(
      estimate.lines.map((line) => line.item),
      ["storage", "enhanced scans on push"],
    );
    assert.equal(lineOf(estimate, "enhanced scans on push").assumption, undefined);
    // Backfill: builds pushed within 30 days (30) or pulled within 90 (90 + 1 = 91), of the 101 kept: 91 x $0.09.
    assert.deepEqual(estimate.notes, [
      "rescans not priced: this stack's registry scanning configuration scans on push only (SCAN_ON_PUSH), so rescansPerMonth 4 does not apply",
      `one-off, not in the monthly total: when this stack first turns enhanced scanning on, Amazon Inspector also scans the images pushed within 30 days or pulled within 90 days: up to 91 images x 0.09 USD = 8.19 USD once (${PRICING_SOURCES.inspectorEcrScanning})`,
    ]);
    assert.equal(cents(estimate.scanningUsd), 274); // 30.4 x $0.09 = $2.736
    // The report prints them under the line notes, each on its own line.
    const report = formatCostReport(estimate).split("\n");
    for (const note of estimate.notes ?? []) assert.ok(report.includes(`  ${note}`), note);
  });

  it("this stack scanning continuously: rescans priced, no assumption on the lines", () => {
    const estimate = estimateMonthlyCost(enhanced({ source: "stack", frequency: "CONTINUOUS_SCAN" }));
    const rescans = lineOf(estimate, "enhanced rescans");
    assert.equal(rescans.quantity, 56); // 4 x 14
    assert.equal(rescans.assumption, undefined);
    assert.match(rescans.explanation, /; CONTINUOUS_SCAN by this stack's registry scanning configuration$/);
  });

  it("an account configured elsewhere: rescansPerMonth declares continuous scanning, and each line says it is assumed", () => {
    const estimate = estimateMonthlyCost(enhanced({}));
    assert.equal(estimate.assumptions.scanning.frequency, "CONTINUOUS_SCAN");
    for (const item of ["enhanced scans on push", "enhanced rescans"]) {
      assert.equal(
        lineOf(estimate, item).assumption,
        "enhanced scanning with continuous rescans is enabled for this repository by the account's registry scanning configuration, managed outside this stack (declared by the usage settings)",
      );
    }
    assert.deepEqual(estimate.notes, []);
  });

  it("an account declared to scan on push: no rescans even with rescansPerMonth, and the note names the declaration", () => {
    const estimate = estimateMonthlyCost(enhanced({ frequency: "SCAN_ON_PUSH" }));
    assert.equal(
      estimate.lines.find((line) => line.item === "enhanced rescans"),
      undefined,
    );
    assert.deepEqual(estimate.notes, [
      "rescans not priced: the declared account configuration scans on push only (SCAN_ON_PUSH), so rescansPerMonth 4 does not apply",
    ]);
  });

  // [what, scanning, monitored builds, why]
  const pullDate: [string, Partial<NonNullable<CostEstimateInput["scanning"]>>, number][] = [
    // push DAYS_14: 14; pulled within DAYS_30: 30 replaced + the deployed one = 31 → 31
    [
      "pull date DAYS_30 outlasts push DAYS_14: 30 + 1 = 31",
      { pullDateRescanDuration: "DAYS_30", pullDateRescanMode: "LAST_PULL_DATE" },
      31,
    ],
    // push DAYS_30: 30; in use within DAYS_14: 15 → 30
    [
      "push DAYS_30 outlasts in-use DAYS_14: 30",
      { rescanDuration: "DAYS_30", pullDateRescanDuration: "DAYS_14" },
      30,
    ],
    // pulled within DAYS_180: 181, more than the 101 kept → 101
    ["pull date DAYS_180: at most the 101 kept", { pullDateRescanDuration: "DAYS_180" }, 101],
  ];
  for (const [what, scanning, builds] of pullDate) {
    it(`monitored builds, ${what}`, () => {
      const estimate = estimateMonthlyCost(enhanced(scanning));
      assert.equal(estimate.assumptions.monitoredImages, builds);
      assert.equal(lineOf(estimate, "enhanced rescans").quantity, 4 * builds);
    });
  }

  it("the pull-date mode is in the rescan explanation and the report's assumptions", () => {
    const estimate = estimateMonthlyCost(
      enhanced({ pullDateRescanDuration: "DAYS_30", pullDateRescanMode: "LAST_PULL_DATE" }),
    );
    assert.equal(
      lineOf(estimate, "enhanced rescans").explanation,
      "4 rescans per month x 31 monitored images (31 builds: pushed within DAYS_14 or those pulled within DAYS_30 (each build is deployed until the next replaces it), at most the 101 kept); CONTINUOUS_SCAN by the account's configuration (declared)",
    );
    assert.ok(
      formatCostReport(estimate).includes(
        "  scanning: enhanced (CONTINUOUS_SCAN, configured by the account, declared), scanned images per push 1 (one per platform), 4 rescans per month of 31 monitored images (re-scan duration DAYS_14, by pull date DAYS_30 from LAST_PULL_DATE)",
      ),
    );
  });

  it("rejects a frequency or pull-date value the API does not have, naming the field", () => {
    assert.throws(
      () => estimateMonthlyCost(enhanced({ frequency: "DAILY" as never })),
      (error: unknown) =>
        error instanceof InvalidInputError &&
        error.key === "scanning.frequency" &&
        error.message ===
          'scanning.frequency must be one of "SCAN_ON_PUSH", "CONTINUOUS_SCAN" (ECR enhanced scanning frequencies), got "DAILY"',
    );
    assert.throws(
      () => estimateMonthlyCost(enhanced({ pullDateRescanDuration: "LIFETIME" as never })),
      (error: unknown) =>
        error instanceof InvalidInputError &&
        error.message ===
          'scanning.pullDateRescanDuration must be one of "DAYS_14", "DAYS_30", "DAYS_60", "DAYS_90", "DAYS_180" (Amazon Inspector\'s ECR re-scan durations by pull date), got "LIFETIME"',
    );
  });
});

describe("archive class: archive rates, the 90-day minimum, restores (issue 20, item 4)", () => {
  const archived: CostEstimateInput = {
    ...base,
    uniqueBytesPerImage: 0.5 * GB,
    retainedImages: 7, // 1 + 6 x 0.5 = 4 GB stored
    archive: { archivedBytes: 2 * GB, daysInArchive: 30, restoresPerMonth: 3 },
  };

  it("2 of 4 GB archived for 30 days, 3 restores of 1 GB: standard 2 GB, archive 2 GB + 4 GB minimum, restores 3 GB", () => {
    // standard (4 - 2) GB x $0.10 = $0.20; archive 2 GB x $0.10 = $0.20; minimum: 2 GB x (90 / 30 - 1) = 4 GB
    // x $0.10 = $0.40; restores 3 x 1 GB x $0.03 = $0.09 → storage $0.89
    const estimate = estimateMonthlyCost(archived);
    near(lineOf(estimate, "storage").quantity, 2, "standard GB");
    assert.deepEqual(
      estimate.lines.map(({ item, quantity, rate }) => ({ item, quantity, rate })),
      [
        { item: "storage", quantity: 2, rate: 0.1 },
        { item: "archive storage 0-150 TB", quantity: 2, rate: 0.1 },
        { item: "archive minimum duration", quantity: 4, rate: 0.1 },
        { item: "archive restores", quantity: 3, rate: 0.03 },
        { item: "scanning basic", quantity: 0, rate: 0 },
      ],
    );
    assert.equal(cents(estimate.storageUsd), 89);
    assert.equal(lineOf(estimate, "archive minimum duration").source, PRICING_SOURCES.ecrArchiveDocs);
    assert.equal(lineOf(estimate, "archive restores").verified, false); // $0.03 confirmed for ap-northeast-1 only
  });

  it("at 90 days or more in archive there is no minimum-duration line", () => {
    const estimate = estimateMonthlyCost({
      ...archived,
      archive: { archivedBytes: 2 * GB, daysInArchive: 90 },
    });
    assert.equal(
      estimate.lines.find((line) => line.item === "archive minimum duration"),
      undefined,
    );
  });

  it("restored images are scanned again with enhanced scanning and replicated again", () => {
    // 3 restores x $0.09; transfer 3 x 1 GB x $0.02 added to the replication transfer
    const estimate = estimateMonthlyCost({
      ...archived,
      scanning: { mode: "enhanced" },
      replicationRegions: ["eu-west-1"],
      replicaRetention: "policy",
    });
    assert.equal(lineOf(estimate, "enhanced scans of restored images").quantity, 3);
    near(lineOf(estimate, "replication transfer eu-west-1").quantity, 3, "GB");
  });

  it("rejects archived bytes that are not part of the stored bytes, naming the field", () => {
    assert.throws(
      () => estimateMonthlyCost({ ...archived, archive: { archivedBytes: 5 * GB } }),
      (error: unknown) =>
        error instanceof InvalidInputError &&
        error.key === "archive.archivedBytes" &&
        error.message ===
          `archive.archivedBytes (${5 * GB}) must be part of the stored bytes (${4 * GB}): archived images are kept images in another storage class`,
    );
  });

  it("archiveExpiryDays reads the sinceImageTransitioned expire rule of a policy", () => {
    const policy = JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          selection: {
            tagStatus: "any",
            storageClass: "archive",
            countType: "sinceImageTransitioned",
            countUnit: "days",
            countNumber: 120,
          },
          action: { type: "expire" },
        },
      ],
    });
    assert.equal(archiveExpiryDays(policy), 120);
    assert.equal(archiveExpiryDays(renderLifecyclePolicy(buildLifecyclePreset("prod"))), undefined);
    assert.equal(archiveExpiryDays("not json"), undefined);
  });
});

describe("pull-through cache storage", () => {
  it("prices the cached bases at the storage rate and says they are shared", () => {
    const estimate = estimateMonthlyCost({ ...base, pullThroughCacheBytes: 0.5 * GB });
    const cache = lineOf(estimate, "pull-through cache storage");
    near(cache.quantity, 0.5, "GB");
    assert.equal(cents(cache.usd), 5);
    assert.match(cache.assumption ?? "", /fleet view counts them once/);
  });
});

describe("every line says whether its rate was confirmed and where it comes from", () => {
  it("us-east-1 storage is verified (cloudburn), eu-west-1 storage is not; free same-region pulls are documented", () => {
    const east = estimateMonthlyCost({ ...base, pulls: { sameRegion: 10 } });
    assert.deepEqual(
      east.lines.map(({ item, verified, source }) => ({ item, verified, source })),
      [
        { item: "storage", verified: true, source: PRICING_SOURCES.cloudburnEcr },
        { item: "pulls same region", verified: true, source: PRICING_SOURCES.containerTransfer },
        { item: "scanning basic", verified: true, source: PRICING_SOURCES.ecrEnhancedScanning },
      ],
    );
    const west = estimateMonthlyCost({ ...base, region: "eu-west-1" });
    assert.deepEqual(
      { verified: west.lines[0]?.verified, source: west.lines[0]?.source },
      { verified: false, source: PRICING_SOURCES.ecrPricing },
    );
  });

  it("a caller's pricing override is never verified", () => {
    const estimate = estimateMonthlyCost({
      ...base,
      pricing: {
        storagePerGBMonth: 0.1,
        internetEgressTiers: [{ upToGB: Infinity, perGB: 0.09 }],
        internetFreeGB: 100,
        natPerGB: 0.045,
        interfaceEndpointPerGB: 0.01,
        interRegionPerGB: 0.02,
        enhancedScanPerImage: 0.09,
        enhancedRescanPerImage: 0.01,
      },
    });
    assert.deepEqual(
      estimate.lines.filter((line) => line.rate > 0).map(({ verified, source }) => ({ verified, source })),
      [{ verified: false, source: "pricing override" }],
    );
  });

  it("the free-tier allowance is an account assumption on its own report line", () => {
    const estimate = estimateMonthlyCost({ ...base, pulls: { internet: 150 }, applyFreeTier: true });
    const report = formatCostReport(estimate).split("\n");
    const at = report.indexOf("account assumptions (priced, not configured by this stack):");
    assert.ok(at > 0, report.join("\n"));
    assert.equal(
      report[at + 1],
      "  internet egress free allowance: the account's 100 GB a month of free internet egress (shared by every service and region) is not used by anything else",
    );
  });
});

describe("costFor: the deployed build counted once (issue 18, item 8)", () => {
  it("dev keeps 10 ctx-* builds; the deployed one is the newest of them, not an 11th", () => {
    const { estimate } = costFor({
      size: { bytes: 100, basis: "budget", note: "budget" },
      region: "us-east-1",
      policy: renderLifecyclePolicy(buildLifecyclePreset("dev")),
      usage: { ...defaultUsageProfile(), pushesPerDay: 5 },
      scanningMode: "basic",
    });
    assert.equal(estimate.assumptions.retainedImages, 10);
  });
});
