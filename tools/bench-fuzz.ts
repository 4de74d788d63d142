// npm run bench:fuzz — the worst case per pure function (issue 12): runs the fuzz suite's generators
// (tools/lib/fuzz-arbitraries.ts, fixed seed) plus the inputs at the promised limits (1 MB of text, 10,000
// rules, 100,000 images, 1e12 pushes a day, and the first size past each limit), and prints, per
// function, the slowest case in CPU milliseconds with its input shape. CPU time of this process, not
// wall time: the machine is shared. Each case runs once untimed first (compilation), then timed: a
// random case once, a limit case `--repeats` times (default 5; the worst is by median, printed with the
// min and the max: the 100 ms bound is for every call, so one run slowed by a full garbage collection
// counts). A second table lists every limit case's min / median / max. Results go in
// docs/ROBUSTNESS.md.
//
//   npx tsx tools/bench-fuzz.ts [--runs 2000] [--repeats 5]
import fc from "fast-check";
import { estimateMonthlyCost, formatCostReport } from "../components/cost";
import { compareCosts, costChangeLines, type ComparedImage } from "../components/cost/comparison";
import { costFor } from "../components/cost/pipeline-cost";
import { steadyStateStorage, type StoredBlob } from "../components/cost/storage";
import { analyzeDockerfile, DockerfileParseError } from "../components/dockerfile";
import { MAX_DOCKERFILE_CHARS } from "../components/dockerfile/parse";
import { MAX_SHELL_WORDS_PER_RUN } from "../components/dockerfile/shell";
import { InvalidInputError } from "../components/common/errors";
import {
  lifecyclePresets,
  type LifecycleImage,
  type LifecycleRule,
  renderLifecyclePolicy,
  simulateLifecycle,
  steadyStateRetention,
  validateLifecyclePolicy,
} from "../components/lifecycle";
import { evaluateSizeBudget } from "../components/size/budget";
import {
  budgetInputArb,
  cadenceArb,
  comparedImageArb,
  costForInputArb,
  costInputArb,
  dockerfileTextArb,
  hostileDockerfileArb,
  imagesArb,
  nowArb,
  policyArb,
  reportInputArb,
  rulesArb,
  sizedBlobsArb,
  validatorInputArb,
} from "./lib/fuzz-arbitraries";

const runsFlag = process.argv.indexOf("--runs");
const RUNS = runsFlag >= 0 ? Number(process.argv[runsFlag + 1]) : 2_000;
const repeatsFlag = process.argv.indexOf("--repeats");
const REPEATS = repeatsFlag >= 0 ? Number(process.argv[repeatsFlag + 1]) : 5;
const SEED = 20_261_130;

interface Case {
  shape: string;
  run: () => unknown;
}

function cpuMs(run: () => unknown): { ms: number; outcome: string } {
  const start = process.cpuUsage();
  let outcome = "returned";
  try {
    run();
  } catch (error) {
    outcome =
      error instanceof InvalidInputError
        ? `InvalidInputError (${error.key})`
        : error instanceof DockerfileParseError
          ? `DockerfileParseError (${error.problem.replace(/ \(.*/, "").slice(0, 60)})`
          : `THREW ${String(error)}`;
  }
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, outcome };
}

interface Timed {
  shape: string;
  outcome: string;
  min: number;
  median: number;
  max: number;
}

/** Each case once untimed (so the first calls' compilation is not reported), then `repeats` times. */
function timeAll(cases: readonly Case[], repeats = 1): Timed[] {
  for (const entry of cases) cpuMs(entry.run);
  return cases.map((entry) => {
    const runs = Array.from({ length: repeats }, () => cpuMs(entry.run));
    const times = runs.map((run) => run.ms).sort((left, right) => left - right);
    return {
      shape: entry.shape,
      outcome: runs[0]?.outcome ?? "",
      min: times[0] as number,
      median: times[Math.floor(repeats / 2)] as number,
      max: times[repeats - 1] as number,
    };
  });
}

/** The case with the highest median. */
function worstOf(timed: readonly Timed[]): Timed {
  return timed.reduce((worst, entry) => (entry.median > worst.median ? entry : worst));
}

const json = (value: unknown): string => {
  try {
    const length = (JSON.stringify(value) ?? "").length;
    return length >= 10_000 ? `${(length / 1e6).toFixed(2)} MB JSON` : `${length} chars JSON`;
  } catch {
    return "unserializable";
  }
};

const sample = <T>(arb: fc.Arbitrary<T>): T[] => fc.sample(arb, { numRuns: RUNS, seed: SEED });

const rule = (i: number): LifecycleRule => ({
  rulePriority: i + 1,
  selection: {
    tagStatus: "tagged",
    tagPrefixList: [`p${i}-`],
    countType: "imageCountMoreThan",
    countNumber: 5,
  },
});
const manyRules = (count: number): LifecycleRule[] => Array.from({ length: count }, (_, i) => rule(i));
const megabyteText = `{"rules":[${'{"rulePriority":1},'.repeat(55_000)}1]}`;
const NOW = new Date(Date.UTC(2026, 10, 22));
const images = (count: number, tagged: boolean): LifecycleImage[] =>
  Array.from({ length: count }, (_, i) => ({
    digest: `sha256:${i}`,
    tags: tagged ? [`ctx-${i.toString(16).padStart(16, "0")}`] : [],
    pushedAt: new Date(NOW.getTime() - (i % 400) * 86_400_000),
    sizeBytes: 100_000_000,
    ...(i > 0 && !tagged ? { referencedBy: ["sha256:0"] } : {}),
  }));
const rules10k = manyRules(10_000);
const rules200k = manyRules(200_000);
const rules250Text = renderLifecyclePolicy(manyRules(250));
const tagged100k = images(100_000, true);
const children100k = images(100_000, false);
const tagged100k1 = images(100_001, true);
const devPolicy = renderLifecyclePolicy(lifecyclePresets.dev.rules);
const prodPolicy = renderLifecyclePolicy(lifecyclePresets.prod.rules);
const cadence = (perDay: number) => ({
  pushesPerDay: [{ tag: "ctx-0123456789abcdef", perDay }],
  untaggedPerPush: 1,
  imageBytes: 2e9,
});

const fillDockerfile = (head: string, fragment: string): string =>
  head + fragment.repeat(Math.floor((MAX_DOCKERFILE_CHARS - head.length) / fragment.length));
const dockerfileCase = (shape: string, text: string): Case => ({
  shape: `${shape} (${Math.round(text.length / 1024)} KiB)`,
  run: () => analyzeDockerfile(text, { dockerignore: null }),
});

const random = {
  steadyStateRetention: sample(fc.tuple(policyArb, cadenceArb)).map(([policy, c]) => ({
    shape: `random: policy ${json(policy)}, ${c.pushesPerDay.length} streams`,
    run: () => steadyStateRetention(policy as string, c),
  })),
  simulateLifecycle: sample(fc.tuple(policyArb, imagesArb, nowArb)).map(([policy, list, now]) => ({
    shape: `random: policy ${json(policy)}, ${list.length} images`,
    run: () => simulateLifecycle(policy as string, list, now),
  })),
  validateLifecyclePolicy: sample(validatorInputArb).map((input) => ({
    shape: `random: ${typeof input}, ${json(input)}`,
    run: () => validateLifecyclePolicy(input),
  })),
  renderLifecyclePolicy: sample(rulesArb).map((rules) => ({
    shape: `random: ${rules.length} rules`,
    run: () => renderLifecyclePolicy(rules),
  })),
  estimateMonthlyCost: sample(costInputArb).map((input) => ({
    shape: `random: ${json(input)}`,
    run: () => estimateMonthlyCost(input),
  })),
  formatCostReport: sample(reportInputArb).map(([estimate, context]) => ({
    shape: `random: ${estimate.lines.length} lines`,
    run: () => formatCostReport(estimate, context),
  })),
  evaluateSizeBudget: sample(budgetInputArb).map((input) => ({
    shape: `random: ${input.findings?.length ?? 0} findings`,
    run: () => evaluateSizeBudget(input),
  })),
  steadyStateStorage: sample(fc.tuple(sizedBlobsArb, sizedBlobsArb, fc.nat(200), fc.nat(200))).map(
    ([image, cache, retainedBuilds, superseded]) => ({
      shape: `random: ${image.length} image and ${cache.length} cache blobs, ${retainedBuilds} builds`,
      run: () =>
        steadyStateStorage({
          image,
          renewed: image.slice(-2),
          cache,
          cacheRenewed: cache.slice(-2),
          retainedBuilds: retainedBuilds + 1,
          retainedSupersededCaches: superseded,
        }),
    }),
  ),
  costFor: sample(costForInputArb).map((input) => ({
    shape: `random: ${json(input)}`,
    run: () => costFor(input),
  })),
  compareCosts: sample(fc.tuple(comparedImageArb, comparedImageArb)).map(([deployed, change]) => ({
    shape: `random: ${json({ deployed, change })}`,
    run: () => costChangeLines(compareCosts(deployed, change, "ctx-0123456789abcdef")),
  })),
  analyzeDockerfile: [...sample(dockerfileTextArb), ...sample(hostileDockerfileArb)].map((text) => ({
    shape: `random: ${text.length} chars, ${text.split("\n").length} lines`,
    run: () => analyzeDockerfile(text, { dockerignore: null }),
  })),
};

/** `count` distinct blobs of `bytes` each (the storage model's limits: 10,000 blobs, 1 PiB each). */
const distinctBlobsOf = (prefix: string, count: number, bytes: number): StoredBlob[] =>
  Array.from({ length: count }, (_, i) => ({ digest: `sha256:${prefix}${i}`, bytes }));
const blobs10k = distinctBlobsOf("i", 10_000, 2 ** 50);
const cache10k = distinctBlobsOf("c", 10_000, 2 ** 50);
// For costFor: stored bytes within the 1 PiB the cost model prices (10,000 GiB per list).
const gibBlobs10k = distinctBlobsOf("g", 10_000, 2 ** 30);
const gibCache10k = distinctBlobsOf("k", 10_000, 2 ** 30);
const atMostAmounts: ComparedImage = {
  basis: "ecr",
  sizeBytes: 1e300,
  storedBytes: 1e300,
  monthlyUsd: 1e300,
  note: "at the limit",
};

const atLimits: Record<keyof typeof random, Case[]> = {
  analyzeDockerfile: [
    dockerfileCase(
      "limit: RUN apt-get install -y gcc per line",
      fillDockerfile("FROM a\n", "RUN apt-get install -y gcc\n"),
    ),
    dockerfileCase(
      "limit: COPY then rm per line",
      fillDockerfile("FROM a\n", "COPY x /a/x\nRUN rm -rf /a/x\n"),
    ),
    dockerfileCase("limit: RUN a per line", fillDockerfile("FROM a\n", "RUN a\n")),
    dockerfileCase("limit: one stage per line", fillDockerfile("", "FROM a AS b\n")),
    dockerfileCase("limit: COPY . . per line", fillDockerfile("FROM a\n", "COPY . .\n")),
    dockerfileCase(
      `limit: one RUN of ${MAX_SHELL_WORDS_PER_RUN} commands a;`,
      `FROM a\nRUN ${"a;".repeat(MAX_SHELL_WORDS_PER_RUN)}`,
    ),
    dockerfileCase("limit: RUN << + name characters", fillDockerfile("FROM a\nRUN <<", "a")),
    dockerfileCase("limit: one RUN of 2>&1", fillDockerfile("FROM a\nRUN ", "2>&1")),
    dockerfileCase("limit: FROM ${a:-${a:-...", fillDockerfile("FROM ", "${a:-")),
    dockerfileCase("limit: comment lines", fillDockerfile("FROM a\n", "# c\n")),
    dockerfileCase("limit: one RUN per line", fillDockerfile("FROM a\n", "RUN apt-get update\n")),
    dockerfileCase("past limit: one RUN of a;", fillDockerfile("FROM a\nRUN ", "a;")),
    dockerfileCase("past limit: continuation lines", fillDockerfile("FROM a\nRUN ", "x \\\n")),
    dockerfileCase("limit: one RUN of flags", fillDockerfile("FROM a\nRUN ", "--a=b ")),
    dockerfileCase("past limit: over 1 MiB", `FROM a\nRUN ${"x".repeat(MAX_DOCKERFILE_CHARS)}`),
  ],
  steadyStateRetention: [
    {
      shape: "limit: prod preset, 1e12 pushes a day",
      run: () => steadyStateRetention(prodPolicy, cadence(1e12)),
    },
    {
      shape: "limit: dev preset, 1e7 pushes a day",
      run: () => steadyStateRetention(devPolicy, cadence(1e7)),
    },
    {
      shape: "limit: ctx- expired after 3650 days, 10 a day",
      run: () =>
        steadyStateRetention(
          [
            {
              selection: {
                tagStatus: "tagged",
                tagPrefixList: ["ctx-"],
                countType: "sinceImagePushed",
                countNumber: 3650,
              },
            },
          ],
          cadence(10),
        ),
    },
    { shape: "past limit: 1e300 pushes a day", run: () => steadyStateRetention(devPolicy, cadence(1e300)) },
  ],
  simulateLifecycle: [
    {
      shape: "limit: dev preset, 100,000 tagged images",
      run: () => simulateLifecycle(devPolicy, tagged100k, NOW),
    },
    {
      shape: "limit: dev preset, 100,000 untagged children of one index",
      run: () => simulateLifecycle(devPolicy, children100k, NOW),
    },
    {
      shape: "past limit: 100,001 images",
      run: () => simulateLifecycle(devPolicy, tagged100k1, NOW),
    },
  ],
  validateLifecyclePolicy: [
    { shape: "limit: 1 MB of policy text", run: () => validateLifecyclePolicy(megabyteText) },
    {
      shape: "limit: object with 10,000 rules",
      run: () => validateLifecyclePolicy({ rules: rules10k }),
    },
    {
      shape: "past limit: object with 200,000 rules",
      run: () => validateLifecyclePolicy({ rules: rules200k }),
    },
    {
      shape: "limit: 30,720-character policy, ~250 rules",
      run: () => validateLifecyclePolicy(rules250Text),
    },
  ],
  renderLifecyclePolicy: [
    { shape: "limit: 10,000 rules", run: () => renderLifecyclePolicy(rules10k) },
    { shape: "past limit: 200,000 rules", run: () => renderLifecyclePolicy(rules200k) },
  ],
  estimateMonthlyCost: [
    {
      shape: "limit: every field at its limit, 100 replication regions",
      run: () =>
        estimateMonthlyCost({
          region: "home",
          imageBytes: 2 ** 50,
          retainedImages: 1e18,
          pushesPerMonth: 1e18,
          pulls: {
            sameRegion: 1e18,
            viaInterfaceEndpoint: 1e18,
            viaNat: 1e18,
            crossRegion: 1e18,
            internet: 1e18,
          },
          replicationRegions: Array.from({ length: 100 }, (_, i) => `r${i}`),
          pricing: {
            storagePerGBMonth: 1e6,
            internetEgressTiers: [
              ...Array.from({ length: 99 }, (_, i) => ({ upToGB: i + 1, perGB: 1 })),
              { upToGB: Infinity, perGB: 1 },
            ],
            internetFreeGB: 100,
            natPerGB: 1e6,
            interfaceEndpointPerGB: 1e6,
            interRegionPerGB: 1e6,
            enhancedScanPerImage: 1e6,
            enhancedRescanPerImage: 1e6,
          },
        }),
    },
  ],
  formatCostReport: [
    {
      shape: "limit: 1,000 lines, 10,000-character notes",
      run: () => {
        const estimate = estimateMonthlyCost({
          region: "us-east-1",
          imageBytes: 1e9,
          retainedImages: 10,
          pushesPerMonth: 100,
        });
        const line = {
          ...(estimate.lines[0] as (typeof estimate.lines)[0]),
          explanation: "x".repeat(10_000),
        };
        return formatCostReport(
          { ...estimate, lines: Array.from({ length: 1_000 }, () => line) },
          { title: "t".repeat(10_000), basisNote: "n".repeat(10_000) },
        );
      },
    },
  ],
  steadyStateStorage: [
    {
      shape: "limit: 10,000 image and 10,000 cache blobs of 1 PiB, 100,000 kept builds and caches",
      run: () =>
        steadyStateStorage({
          image: blobs10k,
          renewed: blobs10k,
          cache: cache10k,
          cacheRenewed: cache10k,
          retainedBuilds: 100_000,
          retainedSupersededCaches: 100_000,
        }),
    },
    {
      shape: "past limit: 10,001 blobs",
      run: () =>
        steadyStateStorage({
          image: distinctBlobsOf("p", 10_001, 1),
          renewed: [],
          cache: [],
          cacheRenewed: [],
          retainedBuilds: 1,
          retainedSupersededCaches: 0,
        }),
    },
  ],
  costFor: [
    {
      shape: "limit: prod preset, 3 platforms of 10,000 1-GiB layers, 10,000-blob cache, 2.5e11 pushes a day",
      run: () =>
        costFor({
          size: { bytes: 2 ** 40, basis: "estimate", note: "at the limit" },
          region: "sa-east-1",
          policy: prodPolicy,
          usage: {
            pushesPerDay: 2.5e11,
            pullsPerMonthSameRegion: 1e12,
            pullsPerMonthViaInterfaceEndpoint: 1e12,
            pullsPerMonthViaNat: 1e12,
            pullsPerMonthCrossRegion: 1e12,
            pullsPerMonthInternet: 1e12,
            rescansPerMonth: 1e12,
            rescanDuration: "LIFETIME",
            pullBytes: "renewedLayers",
            replicationRegions: ["us-east-1", "eu-west-1"],
            applyFreeTier: true,
          },
          scanningMode: "enhanced",
          platforms: 3,
          layers: {
            platforms: ["linux/amd64", "linux/arm64", "linux/arm/v7"].map((platform) => ({
              platform,
              layers: gibBlobs10k,
              baseLayerCount: 1,
            })),
            cache: gibCache10k,
            renewed: gibBlobs10k.slice(-10),
            cacheRenewed: gibCache10k.slice(-10),
          },
        }),
    },
  ],
  compareCosts: [
    {
      shape: "limit: every amount 1e300",
      run: () => costChangeLines(compareCosts(atMostAmounts, atMostAmounts, "ctx-0123456789abcdef")),
    },
    {
      shape: "past limit: an amount of Number.MAX_VALUE",
      run: () => compareCosts({ ...atMostAmounts, monthlyUsd: Number.MAX_VALUE }, atMostAmounts, "ctx-0"),
    },
  ],
  evaluateSizeBudget: [
    {
      shape: "limit: 10,000 findings",
      run: () =>
        evaluateSizeBudget({
          sizeBytes: 2e9,
          basis: "ecr",
          maxImageSizeBytes: 1e9,
          findings: Array.from({ length: 10_000 }, (_, i) => ({
            id: "root-user",
            severity: "warning",
            line: i,
            message: "m",
            estimatedBytesSaved: i,
          })) as never,
        }),
    },
  ],
};

console.log(
  `bench:fuzz — ${RUNS} seeded random cases per function (seed ${SEED}) plus the limit cases (${REPEATS} timed runs each); CPU ms\n`,
);
const printTable = (rows: string[][]): void => {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  for (const row of rows)
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join(" | ")
        .trimEnd(),
    );
};
const limitShape = (shape: string): string =>
  shape.replace(/^(past )?limit: /, (m) => (m.startsWith("past") ? "past limit: " : ""));
const rows: string[][] = [
  [
    "function",
    "random cases: worst ms",
    "worst random input",
    `limit cases: worst median ms (min–max of ${REPEATS})`,
    "worst limit input",
    "its outcome",
  ],
];
const limitRows: string[][] = [["function", "limit input", "min", "median", "max"]];
for (const name of Object.keys(random) as (keyof typeof random)[]) {
  const randomWorst = worstOf(timeAll(random[name]));
  const limits = timeAll(atLimits[name], REPEATS);
  const limitWorst = worstOf(limits);
  rows.push([
    name,
    randomWorst.median.toFixed(2),
    randomWorst.shape.replace(/^random: /, ""),
    `${limitWorst.median.toFixed(1)} (${limitWorst.min.toFixed(1)}–${limitWorst.max.toFixed(1)})`,
    limitShape(limitWorst.shape),
    limitWorst.outcome,
  ]);
  for (const entry of limits)
    limitRows.push([
      name,
      limitShape(entry.shape),
      entry.min.toFixed(1),
      entry.median.toFixed(1),
      entry.max.toFixed(1),
    ]);
}
printTable(rows);
console.log(`\nEvery limit case, ${REPEATS} timed runs after one untimed (CPU ms):\n`);
printTable(limitRows);
