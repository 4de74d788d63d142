/**
 * The serialized ImageSizeEstimate provider in Pulumi's real dynamic-provider host against the Docker
 * engine (tools/lib/dynamic-provider-host.ts), for the integration suites that drive it as `pulumi preview`
 * does. Call inside `describe`: its `before` skips the suite without the engine (or without `base`, when
 * given), or fails it with CI=true; then makes a scratch directory, serializes the provider and starts the
 * host in the repository root. Its `after` stops the host and removes the directory.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dockerEngineAvailable, runDocker } from "../../components/size/docker-cli";
import { imageSizeEstimateProvider } from "../../components/size/estimate-resource";
import {
  PROVIDER_KEY,
  serializeProvider,
  startDynamicProviderHost,
  type DynamicProviderHost,
} from "../../tools/lib/dynamic-provider-host";

export interface EstimateHost {
  readonly host: DynamicProviderHost;
  /** The serialized provider (the `__provider` input). */
  readonly provider: string;
  readonly workDir: string;
  /**
   * Writes a build context `name` holding only `dockerfile` and returns the inputs the engine sends for it:
   * the provider, the context, a context hash of its own per name and run, the estimate cache, and `extra`.
   */
  inputs(name: string, dockerfile: string, extra?: Record<string, unknown>): Record<string, unknown>;
}

export function useEstimateHost(options: { prefix: string; base?: string }): EstimateHost {
  const root = path.join(__dirname, "..", "..");
  let host: DynamicProviderHost | undefined;
  let provider: string | undefined;
  let workDir: string | undefined;
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`the estimate host's ${what} is used before its before hook ran`);
    return value;
  };

  before(async function () {
    let missing: string | undefined;
    if (!(await dockerEngineAvailable())) missing = "no Docker engine";
    else if (
      options.base !== undefined &&
      (await runDocker(["image", "inspect", options.base])).exitCode !== 0
    )
      missing = `no base image ${options.base}`;
    if (missing !== undefined) {
      const reason = `${missing}: run \`bash scripts/test-infra.sh up\``;
      if (process.env.CI === "true") throw new Error(reason);
      console.log(`    skipped: ${reason}`);
      this.skip();
    }
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), options.prefix));
    provider = await serializeProvider(imageSizeEstimateProvider());
    host = await startDynamicProviderHost(process.env, root);
  });
  after(async () => {
    await host?.stop();
    if (workDir !== undefined) fs.rmSync(workDir, { recursive: true, force: true });
  });

  return {
    get host() {
      return started(host, "host");
    },
    get provider() {
      return started(provider, "provider");
    },
    get workDir() {
      return started(workDir, "scratch directory");
    },
    inputs(name, dockerfile, extra = {}) {
      const dir = path.join(started(workDir, "scratch directory"), name);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, "Dockerfile"), dockerfile);
      return {
        [PROVIDER_KEY]: started(provider, "provider"),
        context: dir,
        contextHash: `${name}-${process.pid}`.padEnd(64, "0"),
        cacheDir: path.join(started(workDir, "scratch directory"), "cache"),
        ...extra,
      };
    },
  };
}
