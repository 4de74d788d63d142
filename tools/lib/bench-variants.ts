// The four Dockerfiles the size benchmark compares, their build contexts and the test base images they are
// built on. Shared by tools/bench-size.ts and the integration tests (which must build exactly the same).
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { runCommand } from "./process";

export const REPO_ROOT = resolve(__dirname, "..", "..");
export const APP_DIR = join(REPO_ROOT, "app");
/** Scratch space for build contexts (git-ignored). */
export const WORK_DIR = join(REPO_ROOT, ".work", "bench");

/** Built by `bash scripts/test-infra.sh up` from Debian packages; stand-ins for the Docker Hub images. */
export const TEST_BASE_IMAGES = {
  full: "ecr-pipeline-test/node:22-full",
  slim: "ecr-pipeline-test/node:22-slim",
  distroless: "ecr-pipeline-test/node:22-distroless",
} as const;

export type VariantId = "naive" | "slim" | "multistage" | "optimized";

export interface BenchVariant {
  id: VariantId;
  label: string;
  description: string;
  dockerfile: string;
  buildArgs: Record<string, string>;
  /** The naive variant's context has no .dockerignore and carries .git, tests and .env. */
  naiveContext: boolean;
}

export const BENCH_VARIANTS: readonly BenchVariant[] = [
  {
    id: "naive",
    label: "(a) naive",
    description: "full base, one stage, COPY . . without .dockerignore, all deps, apt without cleanup",
    dockerfile: join(REPO_ROOT, "bench", "naive.Dockerfile"),
    buildArgs: { NODE_IMAGE: TEST_BASE_IMAGES.full },
    naiveContext: true,
  },
  {
    id: "slim",
    label: "(b) slim",
    description: "slim base, one stage, deps before code, dev deps stay",
    dockerfile: join(REPO_ROOT, "bench", "slim.Dockerfile"),
    buildArgs: { NODE_IMAGE: TEST_BASE_IMAGES.slim },
    naiveContext: false,
  },
  {
    id: "multistage",
    label: "(c) multi-stage",
    description: "full builder, npm prune --omit=dev, slim runtime",
    dockerfile: join(REPO_ROOT, "bench", "multistage.Dockerfile"),
    buildArgs: { NODE_BUILD_IMAGE: TEST_BASE_IMAGES.full, NODE_RUNTIME_IMAGE: TEST_BASE_IMAGES.slim },
    naiveContext: false,
  },
  {
    id: "optimized",
    label: "(d) app/Dockerfile",
    description:
      "esbuild bundle (no node_modules ship), type check in a separate `check` stage, distroless runtime, non-root, healthcheck",
    dockerfile: join(APP_DIR, "Dockerfile"),
    buildArgs: { NODE_BUILD_IMAGE: TEST_BASE_IMAGES.full, NODE_RUNTIME_IMAGE: TEST_BASE_IMAGES.distroless },
    naiveContext: false,
  },
];

export function benchVariant(id: VariantId): BenchVariant {
  const variant = BENCH_VARIANTS.find((candidate) => candidate.id === id);
  if (!variant) throw new Error(`unknown variant ${id}`);
  return variant;
}

/**
 * Writes a fresh build context for `variant` under `workDir` and returns its path: the app's sources
 * (never its node_modules or dist, so every build starts from the lockfile). The naive context also gets
 * what a developer's checkout holds and a .dockerignore would have kept out.
 */
export function prepareContext(variant: BenchVariant, workDir = WORK_DIR): string {
  const context = join(workDir, `context-${variant.id}`);
  rmSync(context, { recursive: true, force: true });
  mkdirSync(context, { recursive: true });
  cpSync(APP_DIR, context, {
    recursive: true,
    filter: (source) => !/[/\\](node_modules|dist)([/\\]|$)/.test(source.slice(APP_DIR.length)),
  });
  if (variant.naiveContext) addCheckoutClutter(context);
  return context;
}

/** A developer checkout's extras: git history, an .env, editor notes. Deterministic bytes. */
function addCheckoutClutter(context: string): void {
  rmSync(join(context, ".dockerignore"), { force: true });
  const gitDir = join(context, ".git");
  mkdirSync(join(gitDir, "objects", "pack"), { recursive: true });
  mkdirSync(join(gitDir, "refs", "heads"), { recursive: true });
  writeFileSync(join(gitDir, "HEAD"), "ref: refs/heads/main\n");
  writeFileSync(join(gitDir, "config"), "[core]\n\trepositoryformatversion = 0\n\tbare = false\n");
  // History packs are already zlib-compressed, so incompressible bytes stand in for them (4 MiB).
  writeFileSync(
    join(gitDir, "objects", "pack", "pack-bench.pack"),
    pseudoRandomBytes(4 * 1024 * 1024, "git-history"),
  );
  writeFileSync(
    join(context, ".env"),
    "# local development settings (fake values)\nLOG_LEVEL=debug\nDEV_DB=postgres://dev@localhost/dev\n",
  );
  writeFileSync(join(context, "NOTES.md"), "# scratch notes\n\n- try the healthcheck with curl\n");
}

/** `length` bytes from a SHA-256 chain over `seed`: incompressible, and the same on every run. */
export function pseudoRandomBytes(length: number, seed: string): Buffer {
  const chunks: Buffer[] = [];
  let block = createHash("sha256").update(seed).digest();
  for (let written = 0; written < length; written += block.length) {
    chunks.push(block);
    block = createHash("sha256").update(block).digest();
  }
  return Buffer.concat(chunks).subarray(0, length);
}

const VERSION_FILE = join("src", "version.ts");

/** The benchmark's "code-only change": bump APP_VERSION in the context's src/version.ts. */
export function setAppVersion(context: string, version: string): void {
  const file = join(context, VERSION_FILE);
  const before = readFileSync(file, "utf8");
  const after = before.replace(/APP_VERSION = "[^"]*"/, `APP_VERSION = "${version}"`);
  if (after === before && !before.includes(`APP_VERSION = "${version}"`)) {
    throw new Error(`${file} has no APP_VERSION constant to change`);
  }
  writeFileSync(file, after);
}

/**
 * The benchmark's "dependency change": ms 2.1.3 → 2.0.0 in the context's package.json and lockfile (npm
 * resolves it; the build's `npm ci` installs it). 2.0.0, not 2.1.2: 2.1.2's code is 2.1.3's, so the
 * bundle, and the image, would not change (seen: the same image manifest under two ctx- tags); 2.0.0's
 * code differs, so both change.
 */
export async function pinOtherDependency(context: string): Promise<void> {
  await runCommand(
    "npm",
    [
      "install",
      "ms@2.0.0",
      "--package-lock-only",
      "--ignore-scripts",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
    ],
    { cwd: context },
  );
  const lock = readFileSync(join(context, "package-lock.json"), "utf8");
  if (!/"node_modules\/ms": \{\s*"version": "2\.0\.0"/.test(lock))
    throw new Error("the lockfile does not pin ms 2.0.0");
}
