// bench:scale's breakdown (tools/lib/scale-timing.ts): the shim's log lines, which build a command line
// is, and a scenario's wall time split into estimates, builds and the gaps between them. The command
// lines are the ones components/size/local-estimate.ts runs (copied from a bench run's log).
import assert from "node:assert/strict";
import {
  buildKind,
  parseShimLine,
  renderTimingTable,
  scenarioTiming,
  shimLine,
  type DockerCommand,
} from "../../tools/lib/scale-timing";

const common = "--progress plain --provenance=false --network host --platform linux/amd64";
const tail = (context: string) =>
  `--build-arg NODE_BUILD_IMAGE=ecr-pipeline-test/node:22-slim --build-arg NODE_RUNTIME_IMAGE=ecr-pipeline-test/node:22-distroless ${context}`;
const image = (context: string) =>
  `buildx build ${common} --output type=oci,dest=-,compression=gzip,compression-level=6,force-compression=true ${tail(context)}`;
const uncompressed = (context: string) =>
  `buildx build ${common} --output type=oci,dest=-,compression=uncompressed,force-compression=true ${tail(context)}`;
const base = (context: string) =>
  `buildx build ${common} --output type=oci,dest=-,compression=gzip,compression-level=6,force-compression=true --file /tmp/ecr-pipeline-dockerfile-AbC123/Dockerfile ${tail(context)}`;
const cache = (context: string) =>
  `buildx build ${common} --output type=cacheonly --cache-to type=local,dest=/tmp/ecr-pipeline-cache-x,mode=max,image-manifest=true,oci-mediatypes=true,compression=gzip ${tail(context)}`;

/** One estimate's commands from `at` (ms), each build taking `ms[i]`, 10 ms apart. */
function estimate(
  context: string,
  at: number,
  ms: readonly [number, number, number, number],
): DockerCommand[] {
  const commands: DockerCommand[] = [{ startMs: at, endMs: at + 50, exitCode: 0, args: "buildx version" }];
  let time = at + 60;
  [image, uncompressed, base, cache].forEach((line, index) => {
    commands.push({ startMs: time, endMs: time + ms[index]!, exitCode: 0, args: line(context) });
    time += ms[index]! + 10;
  });
  return commands;
}

describe("tools/lib/scale-timing", () => {
  it("shimLine and parseShimLine: start, end, exit code and arguments round-trip; other lines are not commands", () => {
    const command = {
      startMs: 1765008000123,
      endMs: 1765008002456,
      exitCode: 1,
      args: "buildx build --x a b",
    };
    assert.equal(shimLine(command), "1765008000123\t1765008002456\t1\tbuildx build --x a b");
    assert.deepEqual(parseShimLine(shimLine(command)), command);
    // The shim's older format (arguments only), an empty line, a truncated line.
    for (const line of ["buildx build --x", "", "1765008000123\t1765008002456\t0"])
      assert.equal(parseShimLine(line), undefined, line);
  });

  it("buildKind: the estimate's four builds told apart; other commands are none", () => {
    const table: Array<[string, string | undefined]> = [
      [image("/w/svc-0"), "image"],
      [uncompressed("/w/svc-0"), "uncompressed"],
      [base("/w/svc-0"), "base"],
      [cache("/w/svc-0"), "cache"],
      ["buildx version", undefined],
      ["version --format {{.Server.Version}}", undefined],
      ["build --network host --tag x /w/svc-0", undefined],
    ];
    for (const [args, kind] of table) assert.equal(buildKind(args), kind, args);
  });

  it("scenarioTiming: consecutive builds of one context are one estimate, with each build's time and the gaps", () => {
    const start = 1_000_000;
    const commands = [
      { startMs: start + 5, endMs: start + 40, exitCode: 0, args: "version --format {{.Server.Version}}" },
      ...estimate("/w/svc-1", start + 100, [2000, 1500, 1000, 3000]),
      ...estimate("/w/svc-0", start + 7800, [2100, 1600, 1100, 3100]),
    ].reverse(); // the log is in order of the commands' ends, not starts
    const timing = scenarioTiming(commands, start);
    assert.deepEqual(timing.estimates, [
      {
        context: "/w/svc-1",
        startMs: 160,
        endMs: 160 + 2000 + 1500 + 1000 + 3000 + 30,
        builds: { image: 2000, uncompressed: 1500, base: 1000, cache: 3000 },
      },
      {
        context: "/w/svc-0",
        startMs: 7860,
        endMs: 7860 + 2100 + 1600 + 1100 + 3100 + 30,
        builds: { image: 2100, uncompressed: 1600, base: 1100, cache: 3100 },
      },
    ]);
    assert.equal(timing.beforeFirstMs, 160);
    assert.deepEqual(timing.betweenMs, [7860 - 7690]);
    assert.deepEqual(timing.otherCommands, [
      { command: "version --format {{.Server.Version}}", ms: 35 },
      { command: "buildx version", ms: 50 },
      { command: "buildx version", ms: 50 },
    ]);
  });

  it("scenarioTiming: the same context estimated twice in a row is two estimates (a build kind repeats)", () => {
    const commands = [
      ...estimate("/w/svc-0", 0, [100, 100, 100, 100]),
      ...estimate("/w/svc-0", 1000, [100, 100, 100, 100]),
    ];
    const timing = scenarioTiming(commands, 0);
    assert.equal(timing.estimates.length, 2);
    assert.deepEqual(timing.betweenMs, [1060 - 490]);
  });

  it("renderTimingTable: medians per scenario over all rounds; a scenario without builds has no row", () => {
    const alone = (ms: number) => scenarioTiming(estimate("/w/svc-0", 0, [ms, 1000, 500, 2000]), 0);
    const all = scenarioTiming(
      [
        ...estimate("/w/svc-0", 0, [1000, 1000, 500, 2000]),
        ...estimate("/w/svc-1", 5000, [3000, 1000, 500, 2000]),
        ...estimate("/w/svc-2", 12000, [2000, 1000, 500, 2000]),
      ],
      0,
    );
    const table = renderTimingTable([
      { scenario: "unchanged", timing: scenarioTiming([], 0) },
      { scenario: "one alone", timing: alone(1000), machineBusyShare: 0.42, cpuPerEstimateMs: 6543 },
      { scenario: "one alone", timing: alone(3000), machineBusyShare: 0.5 },
      { scenario: "all changed", timing: all, machineBusyShare: 0.976 },
      { scenario: "all changed", timing: undefined },
    ]);
    assert.deepEqual(table.split("\n").slice(2), [
      "| one alone | 2 | 5.53 s (4.53 s–6.53 s) | 2.00 s | 1.00 s | 0.50 s | 2.00 s | — | 0.06 s | 42 %, 50 % | 6.54 s |",
      "| all changed | 3 | 5.53 s (4.53 s–6.53 s) | 2.00 s | 1.00 s | 0.50 s | 2.00 s | 0.47 s, 0.47 s | 0.06 s | 98 % | — |",
    ]);
  });
});
