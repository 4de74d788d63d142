/**
 * The fleet view (issue 20, item 2): shared layers once where blob mounting applies, per repository where it
 * does not, with the reason; one bill per account and region; members from stack outputs. Exact values,
 * worked out in the comments.
 */
import assert from "node:assert/strict";
import { estimateMonthlyCost } from "../../components/cost";
import { InvalidInputError } from "../../components/common/errors";
import {
  fleetBills,
  fleetMemberFromOutput,
  fleetStorage,
  fleetStoredBytes,
  formatFleetReport,
  type FleetRepository,
} from "../../components/fleet";

const ACCOUNT = "123456789012";
const blob = (name: string, bytes: number) => ({ digest: `sha256:${name}`, bytes });
// The shared base (two layers) and each service's own layer, config and manifest.
const base = [blob("base1", 30_000_000), blob("base2", 5_000_000)];
const service = (
  name: string,
  app: number,
  config: number,
  manifest: number,
  ownBytes: number,
): FleetRepository => ({
  name,
  registryId: ACCOUNT,
  region: "us-east-1",
  blobs: [
    ...base,
    blob(`${name}-app`, app),
    blob(`${name}-config`, config),
    blob(`${name}-manifest`, manifest),
  ],
  ownBytes,
});
// Own copies: a 35,000,000 + 1,002,000 + 4,000,000 = 40,002,000; b 35,000,000 + 2,002,110 = 37,002,110;
// c 35,000,000 + 3,002,220 + 1,000,000 = 39,002,220. Sum 116,006,330.
// Shared: 35,000,000 once + 1,002,000 + 2,002,110 + 3,002,220 + own 5,000,000 = 46,006,330.
const a = service("svc-a", 1_000_000, 1_500, 500, 4_000_000);
const b = service("svc-b", 2_000_000, 1_600, 510, 0);
const c = service("svc-c", 3_000_000, 1_700, 520, 1_000_000);
const enabled = [{ registryId: ACCOUNT, region: "us-east-1", blobMounting: true }];

describe("fleetStoredBytes: the two accountings", () => {
  it("shared: every distinct blob once; per repository: each repository's own copy", () => {
    assert.equal(fleetStoredBytes([a, b, c], "shared"), 46_006_330);
    assert.equal(fleetStoredBytes([a, b, c], "per-repository"), 116_006_330);
  });
});

describe("fleetStorage: which repositories share, and why", () => {
  it("blob mounting not known to be enabled: each repository its own copy, and the reason says so", () => {
    const storage = fleetStorage({ repositories: [a, b, c] });
    assert.deepEqual(
      storage.groups.map(({ accounting, repositories, bytes }) => ({ accounting, repositories, bytes })),
      [
        { accounting: "per-repository", repositories: ["svc-a"], bytes: 40_002_000 },
        { accounting: "per-repository", repositories: ["svc-b"], bytes: 37_002_110 },
        { accounting: "per-repository", repositories: ["svc-c"], bytes: 39_002_220 },
      ],
    );
    assert.equal(
      storage.groups[0]?.reason,
      "BLOB_MOUNTING is not known to be enabled in this registry (disabled by default): each repository stores its own copy of every layer",
    );
    assert.equal(storage.bytes, 116_006_330);
  });

  it("blob mounting enabled, one encryption: one shared group, the base counted once", () => {
    const storage = fleetStorage({ repositories: [a, b, c], registries: enabled });
    assert.equal(storage.groups.length, 1);
    assert.deepEqual(
      { ...storage.groups[0], reason: undefined },
      {
        registryId: ACCOUNT,
        region: "us-east-1",
        encryption: "AES256",
        accounting: "shared",
        reason: undefined,
        repositories: ["svc-a", "svc-b", "svc-c"],
        bytes: 46_006_330,
        perRepositoryBytes: 116_006_330,
      },
    );
    // svc-a's share: its own 4,000,000 + its 1,002,000 + a third of the 35,000,000 base.
    assert.ok(
      Math.abs((storage.repositories[0]?.attributedBytes ?? 0) - (5_002_000 + 35_000_000 / 3)) < 1e-6,
    );
    assert.equal(storage.repositories[0]?.ownCopyBytes, 40_002_000);
    assert.deepEqual(storage.warnings, []);
  });

  it("a different KMS key: that repository stores its own copy, and a warning names its field", () => {
    const kms = (key: string) => ({
      type: "KMS" as const,
      kmsKey: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${key}`,
    });
    const storage = fleetStorage({
      repositories: [
        { ...a, encryption: kms("one") },
        { ...b, encryption: kms("one") },
        { ...c, encryption: kms("two") },
      ],
      registries: enabled,
    });
    // a and b share: 35,000,000 + 1,002,000 + 2,002,110 + 4,000,000 = 42,004,110; c alone: 39,002,220.
    assert.deepEqual(
      storage.groups.map(({ accounting, bytes }) => ({ accounting, bytes })),
      [
        { accounting: "shared", bytes: 42_004_110 },
        { accounting: "per-repository", bytes: 39_002_220 },
      ],
    );
    assert.equal(
      storage.groups[1]?.reason,
      `BLOB_MOUNTING is enabled, but no other repository of this registry has the encryption KMS arn:aws:kms:us-east-1:${ACCOUNT}:key/two: nothing to share`,
    );
    assert.deepEqual(storage.warnings, [
      {
        key: "repositories[2].encryption.kmsKey",
        message: `repositories[2].encryption.kmsKey "arn:aws:kms:us-east-1:${ACCOUNT}:key/two" ("svc-c") differs from repositories[0]'s "arn:aws:kms:us-east-1:${ACCOUNT}:key/one" ("svc-a"): blob mounting needs identical encryption type and key, so the 2 layers (35000000 bytes) both reference are stored twice. Fix: give both repositories the same encryption (or accept the copies).`,
      },
    ]);
  });

  it("AES256 next to KMS: the warning names the encryption type", () => {
    const storage = fleetStorage({
      repositories: [a, { ...b, encryption: { type: "KMS" } }],
      registries: enabled,
    });
    assert.equal(storage.warnings[0]?.key, "repositories[1].encryption.type");
    assert.match(
      storage.warnings[0]?.message ?? "",
      /^repositories\[1\]\.encryption\.type "KMS" \("svc-b"\) differs from repositories\[0\]'s "AES256"/,
    );
  });

  it("a pull-through cache repository never shares, even with blob mounting on", () => {
    const cache: FleetRepository = {
      ...service("docker-hub/library/node", 0, 0, 0, 0),
      pullThroughCache: true,
    };
    const storage = fleetStorage({ repositories: [a, b, cache], registries: enabled });
    assert.deepEqual(
      storage.groups.map(({ accounting, repositories }) => ({ accounting, repositories })),
      [
        { accounting: "shared", repositories: ["svc-a", "svc-b"] },
        { accounting: "per-repository", repositories: ["docker-hub/library/node"] },
      ],
    );
    assert.equal(
      storage.groups[1]?.reason,
      "created by a pull-through cache rule: blob mounting is not supported for its images",
    );
  });

  it("repositories of another region or account never share with these", () => {
    const other = { ...c, region: "eu-west-1" };
    const storage = fleetStorage({ repositories: [a, b, other], registries: enabled });
    assert.deepEqual(
      storage.groups.map(({ region, accounting }) => ({ region, accounting })),
      [
        { region: "us-east-1", accounting: "shared" },
        { region: "eu-west-1", accounting: "per-repository" },
      ],
    );
  });

  // [what, input, key, message]
  const bad: [string, Parameters<typeof fleetStorage>[0], string, string][] = [
    [
      "a registry id that is not an account id",
      { repositories: [{ ...a, registryId: "12345" }] },
      "repositories[0].registryId",
      'repositories[0].registryId must be the registry\'s 12-digit account id, got "12345"',
    ],
    [
      "a negative blob",
      { repositories: [a, { ...b, blobs: [blob("x", -1)] }] },
      "repositories[1].blobs[0].bytes",
      "repositories[1].blobs[0].bytes must be a finite number of bytes from 0 to 1125899906842624 (1 PiB), got -1",
    ],
    [
      "the same repository twice",
      { repositories: [a, b, { ...a }] },
      "repositories[2].name",
      `repositories[2] and repositories[0] are both "svc-a" in registry ${ACCOUNT} (us-east-1): list each repository once`,
    ],
    [
      "an encryption type ECR does not have",
      { repositories: [{ ...a, encryption: { type: "RSA" as never } }] },
      "repositories[0].encryption.type",
      'repositories[0].encryption.type must be one of "AES256", "KMS", "KMS_DSSE", got "RSA"',
    ],
    [
      "a blob mounting setting that is not a boolean",
      {
        repositories: [a],
        registries: [{ registryId: ACCOUNT, region: "us-east-1", blobMounting: "ENABLED" as never }],
      },
      "registries[0].blobMounting",
      'registries[0].blobMounting must be true or false, got "ENABLED"',
    ],
  ];
  for (const [what, input, key, message] of bad) {
    it(`rejects ${what}, naming the field`, () => {
      assert.throws(
        () => fleetStorage(input),
        (error: unknown) =>
          error instanceof InvalidInputError && error.key === key && error.message === message,
      );
    });
  }
});

describe("fleetBills: one bill per account and region", () => {
  const GB = 2 ** 30;
  // Each pipeline: 1 GB image, one kept build, 6,000 internet pulls of 1 GB.
  const estimateWith = (region: string) =>
    estimateMonthlyCost({
      region,
      imageBytes: GB,
      retainedImages: 1,
      pushesPerMonth: 0,
      pulls: { internet: 6_000, viaNat: 100 },
      bytesPerPull: GB,
    });

  it("recounts storage, re-tiers internet egress over the fleet, keeps the rest per pipeline", () => {
    const [bill, ...others] = fleetBills({
      members: [
        { name: "a (prod)", repository: a, estimate: estimateWith("us-east-1") },
        { name: "b (prod)", repository: b, estimate: estimateWith("us-east-1") },
      ],
      registries: enabled,
    });
    assert.equal(others.length, 0);
    assert.ok(bill);
    // Alone, each pays 6,000 GB x $0.09 = $540 (together $1,080); the fleet's 12,000 GB cross the 10 TB tier:
    // 10,240 x $0.09 + 1,760 x $0.085 = $921.60 + $149.60 = $1,071.20.
    assert.deepEqual(
      bill.lines.map(({ item, quantity }) => ({ item, quantity })),
      [
        { item: "storage shared AES256 (2 repositories)", quantity: 42_004_110 / GB },
        { item: "a (prod): pulls via NAT gateway", quantity: 100 },
        { item: "b (prod): pulls via NAT gateway", quantity: 100 },
        { item: "internet egress 0-10 TB", quantity: 10_240 },
        { item: "internet egress 10-50 TB", quantity: 1_760 },
        { item: "a (prod): scanning basic", quantity: 0 },
        { item: "b (prod): scanning basic", quantity: 0 },
      ],
    );
    assert.ok(
      Math.abs(bill.transferUsd - (921.6 + 149.6 + 2 * 100 * 0.045)) < 1e-9,
      String(bill.transferUsd),
    );
    assert.equal(bill.storedBytes, 42_004_110);
    assert.equal(bill.perRepositoryBytes, 77_004_110);
    assert.match(
      bill.lines[0]?.assumption ?? "",
      /^a layer mounted into several repositories of registry 123456789012 \(us-east-1\) is billed once/,
    );
    const report = formatFleetReport(bill);
    assert.equal(report.split("\n")[0], "ECR fleet monthly cost estimate: account 123456789012, us-east-1");
    assert.ok(
      report.includes(
        "\n  stored: 42,004,110 bytes (0.039 GB); as separate copies: 77,004,110 bytes (0.072 GB)\n",
      ),
      report,
    );
  });

  it("rejects a member whose estimate prices another region, naming the field", () => {
    assert.throws(
      () => fleetBills({ members: [{ name: "a", repository: a, estimate: estimateWith("eu-west-1") }] }),
      (error: unknown) =>
        error instanceof InvalidInputError &&
        error.key === "members[0].repository.region" &&
        error.message ===
          'members[0].repository.region "us-east-1" is not the region its estimate prices ("eu-west-1"): pass the repository\'s own region and estimate',
    );
  });

  it("a caller's rate card from a stack output (JSON: the open-ended tier's Infinity arrives as null) still tiers", () => {
    const pricing = {
      storagePerGBMonth: 0.2,
      internetEgressTiers: [
        { upToGB: 100, perGB: 0.5 },
        { upToGB: Infinity, perGB: 0.1 },
      ],
      internetFreeGB: 0,
      natPerGB: 0,
      interfaceEndpointPerGB: 0,
      interRegionPerGB: 0,
      enhancedScanPerImage: 0,
      enhancedRescanPerImage: 0,
    };
    const estimate = estimateMonthlyCost({
      region: "mars-1",
      imageBytes: GB,
      retainedImages: 1,
      pushesPerMonth: 0,
      pulls: { internet: 150 },
      bytesPerPull: GB,
      pricing,
    });
    const member = fleetMemberFromOutput(
      "rover",
      JSON.parse(JSON.stringify({ repository: { ...a, region: "mars-1" }, estimate })) as unknown,
    );
    const [bill] = fleetBills({ members: [member] });
    // 150 GB: 100 x $0.50 + 50 x $0.10 = $55
    assert.ok(Math.abs((bill?.transferUsd ?? 0) - 55) < 1e-9, String(bill?.transferUsd));
    assert.equal(bill?.lines[0]?.source, "pricing override");
  });

  it("a member from a stack output is checked field by field, named after the stack", () => {
    const estimate = estimateWith("us-east-1");
    const plain = JSON.parse(JSON.stringify({ repository: a, estimate })) as unknown;
    assert.equal(fleetMemberFromOutput("orders-prod", plain).repository.name, "svc-a");
    const broken = JSON.parse(
      JSON.stringify({ repository: { ...a, blobs: [blob("x", -5)] }, estimate }),
    ) as unknown;
    assert.throws(
      () => fleetMemberFromOutput("orders-prod", broken),
      (error: unknown) =>
        error instanceof InvalidInputError &&
        error.key === "orders-prod.repository.blobs[0].bytes" &&
        error.message ===
          "orders-prod: repository.blobs[0].bytes must be a finite number of bytes from 0 to 1125899906842624 (1 PiB), got -5",
    );
    const noEstimate = JSON.parse(JSON.stringify({ repository: a, estimate: { lines: "x" } })) as unknown;
    assert.throws(
      () => fleetMemberFromOutput("orders-prod", noEstimate),
      (error: unknown) => error instanceof InvalidInputError && error.key === "orders-prod.estimate.lines",
    );
  });
});
