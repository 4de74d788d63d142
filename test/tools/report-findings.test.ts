import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { instructionLayers, parseReportArgs } from "../../tools/report";
import {
  distinctPercents,
  parseReport,
  targetChecks,
  type VariantResult,
  SEED_VARIANTS,
} from "../../tools/bench-seeds";

describe("npm start: findings with the bytes of their line's layer", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "report-layers-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("maps each RUN/COPY line to the layer BuildKit's history names, continuations and COPY flags included", () => {
    const dockerfile = join(dir, "Dockerfile");
    writeFileSync(
      dockerfile,
      [
        "FROM python:3.12",
        "WORKDIR /app",
        "COPY --chown=app:app app.py .",
        "RUN apt-get update && apt-get install -y \\",
        "    curl",
        "ENV A=1",
        "COPY --from=deps /site /usr/lib/python3/dist-packages",
        "RUN echo not-in-history",
        "",
      ].join("\n"),
    );
    const layers = [
      { createdBy: "debootstrap bookworm", compressedBytes: 1 },
      { createdBy: "WORKDIR /app", compressedBytes: 2 },
      { createdBy: "COPY app.py . # buildkit", compressedBytes: 3 },
      {
        createdBy: "RUN /bin/sh -c apt-get update && apt-get install -y     curl # buildkit",
        compressedBytes: 4,
      },
      { createdBy: "COPY /site /usr/lib/python3/dist-packages # buildkit", compressedBytes: 5 },
    ];
    const mapped = instructionLayers(dockerfile, layers);
    assert.deepEqual(
      [...mapped.entries()].map(([line, layer]) => [line, layer.compressedBytes]),
      [
        [3, 3],
        [4, 4],
        [7, 5],
      ],
    );
    assert.deepEqual([...instructionLayers(join(dir, "missing"), layers).keys()], []);
  });

  it("takes --platform", () => {
    assert.equal(parseReportArgs(["--context", dir, "--platform", "linux/amd64"]).platform, "linux/amd64");
    assert.equal(parseReportArgs(["--context", dir]).platform, undefined);
  });
});

describe("bench:seeds: reading npm start's report and judging the targets", () => {
  const report = [
    "Image bench/x.Dockerfile  (content hash 1ae157673f34eab3)",
    "  compressed (as pushed, gzip):  371.2 MiB  (389,247,469 bytes)",
    "  uncompressed layers:           1.0 GiB  (1,113,458,176 bytes)",
    "Summary:",
    "  dev           $0.06 / month",
    "  staging      $18.14 / month",
    "  prod         $16.51 / month",
    "",
    "Dockerfile findings (2):",
    "  line 3 [root-user] warning: The final stage (0) sets no USER, so it runs as root.",
    "      fix: Create …",
    "  line 6 [install-after-code-copy] warning: apt-get install on line 6 comes after COPY app.py . on line 5, …",
    "      fix: COPY only …",
    "      bytes: line 6's layer is 19.6 MiB compressed (20,539,798 bytes, 83.3 MiB uncompressed)",
    "      cost: 19.6 MiB pushed and stored again per build: dev $0.02/month, staging $0.06/month, prod $0.19/month",
  ].join("\n");

  it("parses the sizes, the monthly summary and the findings with their bytes and cost", () => {
    assert.deepEqual(parseReport(report), {
      compressedBytes: 389_247_469,
      uncompressedBytes: 1_113_458_176,
      monthly: { dev: 0.06, staging: 18.14, prod: 16.51 },
      findings: [
        { id: "root-user", line: 3 },
        {
          id: "install-after-code-copy",
          line: 6,
          layerBytes: 20_539_798,
          cost: "19.6 MiB pushed and stored again per build: dev $0.02/month, staging $0.06/month, prod $0.19/month",
        },
      ],
    });
  });

  it("a target is met only when ours removes more than the seed's claim and its measured after", () => {
    const result = (
      id: string,
      uncompressedBytes: number,
      findings: VariantResult["report"]["findings"] = [],
    ) => ({
      variant: SEED_VARIANTS.find((variant) => variant.id === id)!,
      report: { compressedBytes: 0, uncompressedBytes, monthly: {}, findings },
      pushedBytes: 0,
      layers: 1,
      smokeOutput: "",
    });
    const checks = targetChecks([
      result("004-fat", 1000),
      result("004-slim", 120),
      result("004-multi", 115),
      result("004-best", 100, [{ id: "no-healthcheck", line: 1 }]),
    ]);
    assert.deepEqual(
      checks.map((check) => `${check.target}: ${check.measured} ${check.met}`),
      [
        "004-best removes more than the seed's claimed 89.0%: 90.0% true",
        "004-best removes more than 004-slim measured here (88.0%): 90.0% true",
        "004-best removes more than 004-multi measured here (88.5%): 90.0% true",
        "004-best: findings empty or justified: no-healthcheck (justified) true",
      ],
    );
    const worse = targetChecks([
      result("004-fat", 1000),
      result("004-multi", 115),
      result("004-best", 120, [{ id: "root-user", line: 1 }]),
    ]);
    assert.deepEqual(
      worse.map((check) => check.met),
      [false, false, false],
    );
    // Seed 001's claim (1.2 GB -> 8 MB, 99.333%) against a measurement that rounds to the same 99.3%.
    const close = targetChecks([result("000-naive", 3_044_200_000), result("001-scratch", 21_700_000)]);
    assert.deepEqual(close[0], {
      seed: "001",
      target: "001-scratch removes more than the seed's claimed 99.33%",
      measured: "99.29%",
      met: false,
    });
  });

  it("distinctPercents adds decimals only while two percentages print the same", () => {
    assert.deepEqual(distinctPercents(0.9, 0.89), ["90.0%", "89.0%"]);
    assert.deepEqual(distinctPercents(1 - 8 / 1200, 1 - 21.7 / 3044.2), ["99.33%", "99.29%"]);
    assert.deepEqual(distinctPercents(0.99331, 0.99334), ["99.331%", "99.334%"]);
    assert.deepEqual(distinctPercents(0.5, 0.5), ["50.0%", "50.0%"]);
  });
});
