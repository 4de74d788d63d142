/**
 * What the integration suites need from `bash scripts/test-infra.sh up`, checked one way for all of them:
 * an engine with buildx whose default builder can build the platforms asked for (arm64 needs the binfmt
 * emulation), the registry on 127.0.0.1:5000 and the base images. Without them a suite is skipped with
 * the reason, unless CI=true, where it fails.
 */
import { docker } from "../../../tools/lib/docker";
import { LOCAL_REGISTRY, registryAnswers } from "../../../tools/lib/registry";

/** Why a suite cannot run here, or undefined. */
export async function missingInfrastructure(
  options: { platforms?: readonly string[]; bases?: readonly string[] } = {},
): Promise<string | undefined> {
  let builder: string;
  try {
    builder = (await docker(["buildx", "inspect", "default"])).stdout;
  } catch (error) {
    return `no Docker engine with buildx (${String(error).split("\n")[0]})`;
  }
  for (const platform of options.platforms ?? []) {
    if (!builder.includes(platform)) return `the default builder cannot build ${platform} (no emulation?)`;
  }
  if (!(await registryAnswers())) return `no registry answers on ${LOCAL_REGISTRY}`;
  for (const base of options.bases ?? []) {
    try {
      await docker(["image", "inspect", base]);
    } catch {
      return `base image ${base} is missing`;
    }
  }
  return undefined;
}

/** In a `before` hook: skips the suite (locally) or fails it (CI=true) when something is missing. */
export async function requireInfrastructure(
  context: Mocha.Context,
  options: { platforms?: readonly string[]; bases?: readonly string[] } = {},
): Promise<void> {
  const missing = await missingInfrastructure(options);
  if (missing === undefined) return;
  const hint = "start it with: bash scripts/test-infra.sh up";
  if (process.env.CI === "true") throw new Error(`CI=true but ${missing}; ${hint}`);
  console.log(`      skipped: ${missing} (${hint})`);
  context.skip();
}
