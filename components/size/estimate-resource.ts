/**
 * ImageSizeEstimate: a Pulumi dynamic resource whose outputs are the compressed size of a local build
 * of the image's context, known during `pulumi preview` (the measuring runs in the provider's `check`;
 * why that makes the values known in preview is written, with the Pulumi sources, in
 * ./estimate-provider.ts). The logic lives in plain modules; this file only wires it into Pulumi.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { MeasuredLayers, PlatformLayers, StoredBlob } from "../cost/storage";
import type { LayerCompression } from "../common/enums";
import type { EstimateInputs, EstimateState } from "./estimate-provider";

export interface ImageSizeEstimateArgs {
  /** Build context directory (as given to docker-build's `context.location`). */
  context: pulumi.Input<string>;
  /** Dockerfile path; default `<context>/Dockerfile`. */
  dockerfile?: pulumi.Input<string>;
  target?: pulumi.Input<string>;
  buildArgs?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  platforms?: pulumi.Input<pulumi.Input<string>[]>;
  /** How the push compresses layers; default `gzip` (what dockerd and BuildKit push by default). */
  compression?: pulumi.Input<LayerCompression>;
  /** `hashBuildContext(...).hash` of the same inputs: the cache key and what `diff` compares. */
  contextHash: pulumi.Input<string>;
  /** Directory of cached estimates; default ~/.cache/ecr-pipeline/size-estimates. */
  cacheDir?: pulumi.Input<string>;
  /** Stop measuring after this many seconds (basis `budget` then); default 600 (DEFAULT_ESTIMATE_TIMEOUT_SECONDS). */
  timeoutSeconds?: pulumi.Input<number>;
  /** The pipeline writes a registry cache: measure the cache export too; default false. */
  cache?: pulumi.Input<boolean>;
  /**
   * The image's build secrets by id, so the estimate builds what the image builds (an install from a
   * private registry). Kept secret in the state whatever the caller passed (wrapped in pulumi.secret
   * here), written to 0600 files only for the estimate's builds (local-estimate.ts `withSecretFiles`).
   */
  secrets?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * How the provider process loads ./estimate-provider when it is TypeScript source (a program run from
 * this repository's sources rather than the compiled package): a loader to `require` first, or the
 * `typescript` compiler to transpile with (a require hook installed in the provider process).
 */
export type TypeScriptLoader = { register: string } | { typescript: string };

/**
 * The serialized provider runs in Pulumi's separate dynamic-provider process (plain Node: @pulumi/pulumi
 * cmd/dynamic-provider/index.js `getProvider` loads it with `requireFromString(...).handler()`, no TypeScript
 * support). It captures only plain strings — the absolute path of ./estimate-provider and, when that path
 * is TypeScript source, how to load TypeScript there — and require()s the logic inside each function: the
 * closure serializer (runtime/closure/createClosure.js) captures module-level values it reaches, and local
 * modules would be serialized by value, deeply, rather than required.
 *
 * Why a loader can be missing: the program may run under Pulumi's own ts-node (cmd/run/run.js registers the
 * ts-node vendored at @pulumi/pulumi/vendor/ts-node@7.0.1, which `require.resolve("ts-node")` does not
 * find) or after `npm ci --omit=dev` (no tsx). Then the project's `typescript`, which that ts-node
 * compiles with (cmd/run/tsutils.js typeScriptRequireStrings), transpiles in the provider process. When
 * nothing can load the logic, `check` returns the inputs with a note (basis `budget` downstream) instead
 * of failing the preview; from the compiled package (dist/, .js) no loader is needed.
 */
export function makeProvider(
  logicModulePath: string,
  typeScriptLoader: TypeScriptLoader | undefined,
): pulumi.dynamic.ResourceProvider {
  // require() is the point here (see above): it runs in the provider process, not at import time.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const load = (): typeof import("./estimate-provider") => {
    if (typeScriptLoader !== undefined && "register" in typeScriptLoader) require(typeScriptLoader.register);
    if (typeScriptLoader !== undefined && "typescript" in typeScriptLoader) {
      const extensions = require("module")._extensions as Record<
        string,
        (module: { _compile(code: string, file: string): void }, file: string) => void
      >;
      if (extensions[".ts"] === undefined) {
        const ts = require(typeScriptLoader.typescript) as typeof import("typescript");
        extensions[".ts"] = (module, file) => {
          const source = require("fs").readFileSync(file, "utf8") as string;
          const { outputText } = ts.transpileModule(source, {
            fileName: file,
            compilerOptions: {
              module: ts.ModuleKind.CommonJS,
              target: ts.ScriptTarget.ES2022,
              esModuleInterop: true,
            },
          });
          module._compile(outputText, file);
        };
      }
    }
    return require(logicModulePath) as typeof import("./estimate-provider");
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  // A note must never fail a preview, nor flood it: the reason, bounded.
  const unavailable = (error: unknown): string => {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").trim();
    return `size estimate unavailable: cannot load ${logicModulePath} in the dynamic-provider process (${reason.slice(0, 400)}); install tsx or use the compiled package`;
  };
  // Protobuf Structs cannot hold undefined: an absent size is sent as null, so that in a preview it is a
  // known "no size" rather than unknown (the SDK resolves a missing output as unknown during a preview,
  // @pulumi/pulumi runtime/rpc.js resolveProperties); ImageSizeEstimate turns null back into undefined.
  const withNulls = (state: Record<string, unknown>): Record<string, unknown> => ({
    ...state,
    sizeBytes: state.sizeBytes ?? null,
    uncompressedBytes: state.uncompressedBytes ?? null,
    // The layer structure the cost reads (EcrImagePipeline): known as "none" too, or the cost is unknown.
    storedBytes: state.storedBytes ?? null,
    platformLayers: state.platformLayers ?? null,
    cacheBlobs: state.cacheBlobs ?? null,
    renewedLayers: state.renewedLayers ?? null,
    renewedCacheBlobs: state.renewedCacheBlobs ?? null,
  });
  // The deployed build's layer structure, so the preview prices the deployed image from its own layers
  // (components/cost/storage.ts), not this change's; null (known "none") when it was not measured.
  const layersOf = (state: Partial<EstimateState> | undefined) =>
    state?.platformLayers != null && state.renewedLayers != null
      ? {
          platforms: state.platformLayers,
          cache: state.cacheBlobs ?? [],
          renewed: state.renewedLayers,
          cacheRenewed: state.renewedCacheBlobs ?? [],
        }
      : null;
  const deployedAs = (state: EstimateState) => ({
    deployedContextHash: state.contextHash,
    deployedCompression: state.compression ?? "gzip",
    deployedLayers: layersOf(state),
  });
  return {
    async check(olds: Partial<EstimateState>, news: EstimateInputs) {
      const previous = olds !== undefined && Object.keys(olds).length > 0 ? olds : undefined;
      // The deployed build, for the preview's cost comparison (components/cost/comparison.ts): `olds` are
      // the inputs in the state, i.e. what the last check returned (pulumi/pulumi
      // pkg/resource/deploy/step_generator.go: Check gets `Olds: oldInputs`, then `new.Inputs =
      // resp.Properties`); "" when there is none (a create: the host passes an empty struct). A string,
      // never absent: an absent output is unknown in preview (see withNulls).
      // With its compression (absent = gzip, as estimate-provider.ts `sameBuild` reads it): a change of
      // `compression` alone keeps the context hash and the content tag, yet pushes another image.
      const deployed = {
        deployedContextHash: typeof previous?.contextHash === "string" ? previous.contextHash : "",
        deployedCompression: previous === undefined ? "" : (previous.compression ?? "gzip"),
        deployedLayers: layersOf(previous),
      };
      let logic: typeof import("./estimate-provider");
      try {
        logic = load();
      } catch (error) {
        return { inputs: withNulls({ ...news, layers: [], note: unavailable(error), ...deployed }) };
      }
      const state = await logic.checkEstimate(previous, news, logic.defaultEstimator);
      return {
        inputs:
          state.note === logic.UNKNOWN_VALUE
            ? { ...state, ...deployed }
            : withNulls({ ...state, ...deployed }),
      };
    },
    async diff(_id: string, olds: Partial<EstimateState>, news: EstimateState) {
      try {
        return load().diffEstimate(olds, news);
      } catch {
        return { changes: olds.contextHash !== news.contextHash };
      }
    },
    // Once created or updated, this build is the deployed one: its own hash, so that later runs that
    // keep these outputs (an unchanged resource keeps its old outputs: pulumi/pulumi
    // pkg/resource/deploy/step.go SameStep.Apply, "Retain the ID and outputs") never compare with a
    // stale build. Only a preview shows check's value (create/update are not called then, see
    // ./estimate-provider.ts).
    async create(inputs: EstimateState) {
      // Nothing to create: the measurement was made in check; the content hash names the estimate.
      return { id: inputs.contextHash, outs: { ...inputs, ...deployedAs(inputs) } };
    },
    async update(_id: string, _olds: EstimateState, news: EstimateState) {
      return { outs: { ...news, ...deployedAs(news) } };
    },
  };
}

/** How to load `modulePath` in the provider process: nothing for .js, else the first loader found. */
export function typeScriptLoaderFor(
  modulePath: string,
  resolve: (request: string) => string = (request) =>
    require.resolve(request, { paths: [path.dirname(modulePath)] }),
): TypeScriptLoader | undefined {
  if (!modulePath.endsWith(".ts")) return undefined;
  for (const candidate of ["tsx/cjs", "ts-node/register/transpile-only"]) {
    try {
      return { register: resolve(candidate) };
    } catch {
      // try the next loader
    }
  }
  try {
    return { typescript: resolve("typescript") };
  } catch {
    return undefined;
  }
}

let sharedProvider: pulumi.dynamic.ResourceProvider | undefined;

/** One provider object per process, so Pulumi serializes it once (dynamic provider caching). */
export function imageSizeEstimateProvider(): pulumi.dynamic.ResourceProvider {
  if (sharedProvider === undefined) {
    const logicModulePath = require.resolve("./estimate-provider");
    sharedProvider = makeProvider(logicModulePath, typeScriptLoaderFor(logicModulePath));
  }
  return sharedProvider;
}

export class ImageSizeEstimate extends pulumi.dynamic.Resource {
  /**
   * Compressed bytes the repository stores for the image: every platform's distinct layers once;
   * undefined when no engine was reachable.
   */
  declare readonly sizeBytes: pulumi.Output<number | undefined>;
  declare readonly uncompressedBytes: pulumi.Output<number | undefined>;
  declare readonly layers: pulumi.Output<
    Array<{ createdBy: string; compressedBytes: number; uncompressedBytes: number }>
  >;
  /** Each platform's compressed (`sizeBytes`) and uncompressed bytes; undefined when nothing was measured. */
  declare readonly platformSizes: pulumi.Output<
    Array<{ platform: string; sizeBytes: number; uncompressedBytes: number }> | undefined
  >;
  /** Each platform's layers as pushed (digest, bytes) and base layer count; undefined without digests. */
  declare readonly platformLayers: pulumi.Output<PlatformLayers[] | undefined>;
  /** Blobs of the registry cache export (when `cache`). */
  declare readonly cacheBlobs: pulumi.Output<StoredBlob[] | undefined>;
  /** Image layers a push of this build renews against the previous measured build. */
  declare readonly renewedLayers: pulumi.Output<StoredBlob[] | undefined>;
  /** Cache blobs a push of this build renews. */
  declare readonly renewedCacheBlobs: pulumi.Output<StoredBlob[] | undefined>;
  /** How the number was obtained, or why there is none. */
  declare readonly note: pulumi.Output<string>;
  declare readonly contextHash: pulumi.Output<string>;
  /**
   * The context hash of the deployed build: in a preview, the one in the state (another than
   * `contextHash` when this change builds another context; "" when nothing is deployed yet); after a
   * create or update, `contextHash`. Undefined for a state written before this output existed.
   */
  declare readonly deployedContextHash: pulumi.Output<string | undefined>;
  /** The deployed build's layer compression, as `deployedContextHash` (`""` when nothing is deployed). */
  declare readonly deployedCompression: pulumi.Output<string | undefined>;
  /** The deployed build's measured layers, as `deployedContextHash`; null when they were not measured. */
  declare readonly deployedLayers: pulumi.Output<MeasuredLayers | null | undefined>;

  constructor(name: string, args: ImageSizeEstimateArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      imageSizeEstimateProvider(),
      name,
      {
        ...args,
        // Secret in the state even when the caller passed plain strings (the engine then marks what the
        // provider returns under this key secret too, estimate-provider.ts `secrets`).
        secrets: args.secrets === undefined ? undefined : pulumi.secret(args.secrets),
        sizeBytes: undefined,
        uncompressedBytes: undefined,
        layers: undefined,
        platformSizes: undefined,
        platformLayers: undefined,
        cacheBlobs: undefined,
        renewedLayers: undefined,
        renewedCacheBlobs: undefined,
        note: undefined,
        deployedContextHash: undefined,
        deployedCompression: undefined,
        deployedLayers: undefined,
      },
      opts,
      "ecr-pipeline",
      "ImageSizeEstimate",
    );
    // The provider sends null for "no size" (see makeProvider); callers see undefined, known in preview.
    this.sizeBytes = this.sizeBytes.apply((bytes) => bytes ?? undefined);
    this.uncompressedBytes = this.uncompressedBytes.apply((bytes) => bytes ?? undefined);
  }
}
