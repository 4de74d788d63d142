// Multi-platform benchmark: the arm64 build of app/ on this amd64 machine, with app/Dockerfile as it is
// (deps and build stages on `--platform=$BUILDPLATFORM`, native) and with those `--platform` flags
// removed (every RUN under qemu emulation). Side by side in one run, alternating, each build from an
// empty layer cache (`--no-cache`; bases are local, npm's cache mount is shared by both). Prints the wall
// times and their ratio. Needs the test engine with arm64 emulation and the slim/distroless bases for
// both platforms (bash scripts/test-infra.sh up). Run: npx tsx tools/bench-platforms.ts [rounds]
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchVariant, prepareContext, REPO_ROOT, TEST_BASE_IMAGES } from "./lib/bench-variants";
import { engineClient, withTestEngine } from "./lib/engine";
import { runCommand } from "./lib/process";

const CLI = engineClient();
const env = withTestEngine(process.env);
const WORK = join(REPO_ROOT, ".work", "bench-platforms");

/** app/Dockerfile's text without `--platform=$BUILDPLATFORM`: the stages then run on the target platform. */
export function withoutBuildPlatform(dockerfile: string): string {
  const stripped = dockerfile.replace(/^FROM --platform=\$BUILDPLATFORM /gm, "FROM ");
  if (stripped === dockerfile) throw new Error("app/Dockerfile has no FROM --platform=$BUILDPLATFORM");
  return stripped;
}

async function build(context: string, dockerfile: string, platform: string): Promise<number> {
  const { seconds } = await runCommand(
    CLI,
    [
      "buildx",
      "build",
      "--progress=plain",
      "--network=host",
      "--provenance=false",
      "--no-cache",
      "--platform",
      platform,
      // The slim base exists for both platforms; the full one only for amd64, which the variant
      // without $BUILDPLATFORM could not use for arm64.
      "--build-arg",
      `NODE_BUILD_IMAGE=${TEST_BASE_IMAGES.slim}`,
      "--build-arg",
      `NODE_RUNTIME_IMAGE=${TEST_BASE_IMAGES.distroless}`,
      "-f",
      dockerfile,
      "--output",
      "type=cacheonly",
      context,
    ],
    { env },
  );
  return seconds;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 2);
  const context = prepareContext(benchVariant("optimized"), WORK);
  const native = join(context, "Dockerfile");
  const emulated = join(WORK, "emulated.Dockerfile");
  writeFileSync(emulated, withoutBuildPlatform(readFileSync(native, "utf8")));
  const times: Record<string, number[]> = { amd64: [], "arm64 native stages": [], "arm64 emulated": [] };
  for (let round = 0; round < rounds; round++) {
    times.amd64!.push(await build(context, native, "linux/amd64"));
    times["arm64 native stages"]!.push(await build(context, native, "linux/arm64"));
    times["arm64 emulated"]!.push(await build(context, emulated, "linux/arm64"));
  }
  const median = (values: number[]): number =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const base = median(times.amd64!);
  console.log(`arm64 build of app/ (--no-cache, bases local), ${rounds} rounds, upper-median wall time:`);
  for (const [name, values] of Object.entries(times)) {
    console.log(
      `  ${name.padEnd(22)} ${median(values).toFixed(1).padStart(6)} s  (${(median(values) / base).toFixed(2)}× amd64)  runs: ${values.map((v) => v.toFixed(1)).join(", ")}`,
    );
  }
  console.log(
    `  emulated / native stages: ${(median(times["arm64 emulated"]!) / median(times["arm64 native stages"]!)).toFixed(2)}×`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
