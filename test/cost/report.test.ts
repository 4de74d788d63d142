import assert from "node:assert/strict";
import { estimateMonthlyCost, formatCostReport, roundToCents } from "../../components/cost";

const MiB = 2 ** 20;

/*
 * eu-west-1, hand arithmetic (GB = 2^30 bytes):
 *   stored   = 0.5 + (11 − 1) × 0.1875 + 0.25 = 2.625 GB;          × 0.10  = 0.2625  → 0.26
 *   endpoint = 10 pulls × 0.5 GB = 5 GB (S3 interface endpoint);   × 0.01  = 0.05
 *   NAT      = 51 pulls × 0.5 GB = 25.5 GB;                      × 0.048 = 1.224   → 1.22
 *   internet = 300 × 0.5 = 150 GB (no allowance), first tier;     × 0.09  = 13.50
 *   scans    = 40 × 0.09 = 3.60;  rescans: DAYS_14 monitors 40 / 30.4 × 14 = 18.4 builds (the deployed
 *              one among them), capped at the 11 kept: 2 × 11 = 22 × 0.01 = 0.22;   scanning 3.82
 *   replica  = under this repository's policy (a creation template): 2.625 × 0.10 = 0.2625;
 *              40 pushes × 0.1875 GB = 7.5 GB × 0.02 (eu-west-1) = 0.15 → 0.41
 *   total    = 0.2625 + 14.774 + 3.82 + 0.4125 = 19.269 → 19.27
 */
const estimate = estimateMonthlyCost({
  region: "eu-west-1",
  imageBytes: 512 * MiB,
  uniqueBytesPerImage: 192 * MiB,
  retainedImages: 11,
  cacheBytes: 256 * MiB,
  pushesPerMonth: 40,
  pulls: { sameRegion: 600, viaInterfaceEndpoint: 10, viaNat: 51, internet: 300 },
  scanning: { mode: "enhanced", rescansPerMonth: 2 },
  replicationRegions: ["us-east-1"],
  replicaRetention: "policy",
});

const expected = `ECR monthly cost estimate: eu-west-1

item                            quantity  unit      rate USD    USD
------------------------------  --------  --------  --------  -----
storage                            2.625  GB-month    0.1000   0.26
pulls same region                    300  GB          0.0000   0.00
pulls via interface endpoint           5  GB          0.0100   0.05
pulls via NAT gateway             25.500  GB          0.0480   1.22
internet egress 0-10 TB              150  GB          0.0900  13.50
enhanced scans on push                40  scan        0.0900   3.60
enhanced rescans                      22  scan        0.0100   0.22
replication storage us-east-1      2.625  GB-month    0.1000   0.26
replication transfer us-east-1     7.500  GB          0.0200   0.15
------------------------------  --------  --------  --------  -----
storage                                                        0.26
transfer                                                      14.77
scanning                                                       3.82
replication                                                    0.41
total per month                                               19.27
(each row is rounded to the cent on its own; the totals are summed before rounding)

notes:
  storage: 1 image + 10 x unique bytes per build + cache: shared layers are stored once
  pulls same region: 600 pulls; free: layers come from S3 through an S3 gateway endpoint or a public subnet
  pulls via interface endpoint: 10 pulls; layers come from S3 through an interface endpoint: PrivateLink data processing (endpoint hours not counted)
  pulls via NAT gateway: 51 pulls; NAT data processing (an S3 gateway endpoint avoids it for the layers)
  internet egress 0-10 TB: 300 pulls from outside AWS; tiers count the month's billed volume
  enhanced scans on push: 40 pushes; Amazon Inspector scans each pushed image once; CONTINUOUS_SCAN by the account's configuration (declared)
  enhanced rescans: 2 rescans per month x 11 monitored images (11 builds: pushed within DAYS_14 or the one in use, at most the 11 kept); CONTINUOUS_SCAN by the account's configuration (declared)
  replication storage us-east-1: the replica keeps what the source keeps: its own copy of this repository's lifecycle policy (https://docs.aws.amazon.com/AmazonECR/latest/userguide/lp_creation.html)
  replication transfer us-east-1: 40 pushes x 0.188 GB replicated per push (every platform's new layers and the cache's), at eu-west-1's inter-region rate
  pull paths: ECR serves layers from S3 through pre-signed URLs, so a pull's bytes take the subnet's path to S3. Same region they are free only through an S3 gateway endpoint (no hourly or per-GB charge) or from a public subnet; through an S3 interface endpoint they pay PrivateLink data processing per GB, through a NAT gateway NAT data processing.

account assumptions (priced, not configured by this stack):
  enhanced scans on push: enhanced scanning with continuous rescans is enabled for this repository by the account's registry scanning configuration, managed outside this stack (declared by the usage settings)
  enhanced rescans: enhanced scanning with continuous rescans is enabled for this repository by the account's registry scanning configuration, managed outside this stack (declared by the usage settings)
  replication storage us-east-1: a repository creation template (appliedFor REPLICATION) in us-east-1 gives the replica this repository's lifecycle policy: registered by the registry's owner (EcrRegistryDefaults replicationTemplates) before the first replicated push

assumptions:
  region: eu-west-1 (rates: ecrPricing)
  image: 536,870,912 bytes (0.500 GB)
  unique bytes per build: 201,326,592 bytes (0.188 GB)
  retained images: 11
  cache: 268,435,456 bytes (0.250 GB)
  stored in the repository: 2,818,572,288 bytes (2.625 GB)
  pushes per month: 40
  pulls per month: same region 600, via interface endpoint 10, via NAT 51, cross-region 0, internet 300
  bytes per pull: 536,870,912 bytes (0.500 GB)
  scanning: enhanced (CONTINUOUS_SCAN, configured by the account, declared), scanned images per push 1 (one per platform), 2 rescans per month of 11 monitored images (re-scan duration DAYS_14)
  replication: us-east-1, replicas under this repository's lifecycle policy
  internet free allowance: not applied (it is shared across the account)
  ECR storage free tier: not applied (500 MB-month for 12 months under the legacy AWS Free Tier; not offered to accounts created on or after 2025-07-15)
  units: GB = 2^30 bytes (1,073,741,824) and TB = 1024 GB, as AWS bills storage (GB-month) and data transfer
size basis: estimate - local build of ctx-0123456789abcdef`;

describe("formatCostReport", () => {
  it("renders the lines, totals, notes, assumptions and basis as an exact fixed-width table", () => {
    assert.equal(
      formatCostReport(estimate, { basis: "estimate", basisNote: "local build of ctx-0123456789abcdef" }),
      expected,
    );
  });

  it("is deterministic and plain ASCII, even when the basis note is not", () => {
    const context = { basis: "ecr", basisNote: "imageSizeInBytes of sha256:ab… in ECR — unchanged" };
    const first = formatCostReport(estimate, context);
    assert.equal(formatCostReport(estimate, context), first);
    assert.match(first, /^[\x20-\x7e\n]*$/);
    assert.ok(
      first.endsWith("size basis: ecr - imageSizeInBytes of sha256:ab... in ECR - unchanged"),
      first.slice(-80),
    );
  });

  it("omits the basis line without a basis, and takes a title", () => {
    const report = formatCostReport(estimate, { title: "app (dev)" });
    assert.equal(report.split("\n")[0], "app (dev)");
    assert.ok(!report.includes("size basis:"));
    assert.ok(
      report.endsWith(
        "ECR storage free tier: not applied (500 MB-month for 12 months under the legacy AWS Free Tier; not offered to accounts created on or after 2025-07-15)\n" +
          "  units: GB = 2^30 bytes (1,073,741,824) and TB = 1024 GB, as AWS bills storage (GB-month) and data transfer",
      ),
    );
  });

  it("prints the allowance and an override when they are used", () => {
    const withAllowance = estimateMonthlyCost({
      region: "mars-1",
      imageBytes: 2 ** 30,
      retainedImages: 1,
      pushesPerMonth: 0,
      applyFreeTier: true,
      pricing: {
        storagePerGBMonth: 0.1,
        internetEgressTiers: [{ upToGB: Infinity, perGB: 0.09 }],
        internetFreeGB: 100,
        natPerGB: 0,
        interfaceEndpointPerGB: 0,
        interRegionPerGB: 0,
        enhancedScanPerImage: 0,
        enhancedRescanPerImage: 0,
      },
    });
    const report = formatCostReport(withAllowance);
    assert.ok(report.includes("  region: mars-1 (rates: caller override)\n"));
    assert.ok(report.includes("  internet free allowance: applied (100 GB)"));
  });
});

describe("roundToCents", () => {
  const cases: [number, number][] = [
    [0, 0],
    [0.004, 0],
    [0.005, 0.01],
    [1.005, 1.01], // stored as 1.00499999999999989…; a plain Math.round(x * 100) gives 1.00
    [19.219, 19.22],
    [14.724, 14.72],
    [53891.2, 53891.2],
    [-1.005, -1.01],
  ];
  for (const [usd, rounded] of cases) {
    it(`${usd} -> ${rounded}`, () => assert.equal(roundToCents(usd), rounded));
  }
});

describe("formatCostReport: numbers it prints are numbers (issue 12)", () => {
  it("rejects an estimate carrying NaN or Infinity, naming the field, instead of printing NaN", () => {
    const broken = {
      ...estimate,
      lines: estimate.lines.map((line, i) => (i === 1 ? { ...line, usd: Number.NaN } : line)),
    };
    assert.throws(() => formatCostReport(broken), {
      name: "InvalidInputError",
      key: "estimate.lines[1].usd",
      message: "estimate.lines[1].usd must be a finite number >= 0 to be reported, got NaN.",
    });
    assert.throws(() => formatCostReport({ ...estimate, totalUsd: Number.POSITIVE_INFINITY }), {
      name: "InvalidInputError",
      key: "estimate.totalUsd",
    });
  });

  it("prints amounts from 1e21 on in full digits, not exponent notation", () => {
    const huge = estimateMonthlyCost({
      region: "us-east-1",
      imageBytes: 2 ** 50,
      retainedImages: 1e18,
      pushesPerMonth: 0,
    });
    const report = formatCostReport(huge);
    assert.doesNotMatch(report, /e\+|NaN|Infinity/);
    // 2^20 GB × 1e18 images × $0.10 = 1.048576e23 USD.
    assert.match(report, /total per month\s+104,857,600,000,000,000,000,000\.00\n/);
  });
});
