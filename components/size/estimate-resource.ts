/**
 * ImageSizeEstimate: a Pulumi dynamic resource whose outputs are the compressed size of a local build
 * of the image's context, known during `pulumi preview` (the measuring runs in the provider's `check`;
 * why that makes the values known in preview is written, with the Pulumi sources, in
 * ./estimate-provider.ts). The logic lives in plain modules; this file only wires it into Pulumi.
 */
import * as pulumi from "@pulumi/pulumi";
import type { LayerCompression } from "./image-tar";
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
}

/**
 * The serialized provider runs in Pulumi's separate dynamic-provider process (plain Node). It captures
 * only two strings — the absolute path of ./estimate-provider and, when that path is TypeScript
 * source (running from this repository rather than the compiled package), a TypeScript loader to
 * register first — and require()s the logic inside each function, as the closure serializer cannot
 * usefully capture local modules by value.
 */
function makeProvider(
  logicModulePath: string,
  typeScriptLoaderPath: string | undefined,
): pulumi.dynamic.ResourceProvider {
  // require() is the point here (see above): it runs in the provider process, not at import time.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const load = (): typeof import("./estimate-provider") => {
    if (typeScriptLoaderPath !== undefined) require(typeScriptLoaderPath);
    return require(logicModulePath) as typeof import("./estimate-provider");
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return {
    async check(olds: Partial<EstimateState>, news: EstimateInputs) {
      const logic = load();
      const previous = olds !== undefined && Object.keys(olds).length > 0 ? olds : undefined;
      return { inputs: await logic.checkEstimate(previous, news, logic.defaultEstimator) };
    },
    async diff(_id: string, olds: Partial<EstimateState>, news: EstimateState) {
      return load().diffEstimate(olds, news);
    },
    async create(inputs: EstimateState) {
      // Nothing to create: the measurement was made in check; the content hash names the estimate.
      return { id: inputs.contextHash, outs: inputs };
    },
    async update(_id: string, _olds: EstimateState, news: EstimateState) {
      return { outs: news };
    },
  };
}

function typeScriptLoaderFor(modulePath: string): string | undefined {
  if (!modulePath.endsWith(".ts")) return undefined;
  for (const candidate of ["tsx/cjs", "ts-node/register/transpile-only"]) {
    try {
      return require.resolve(candidate);
    } catch {
      // try the next loader
    }
  }
  return undefined;
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
  /** How the number was obtained, or why there is none. */
  declare readonly note: pulumi.Output<string>;
  declare readonly contextHash: pulumi.Output<string>;

  constructor(name: string, args: ImageSizeEstimateArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      imageSizeEstimateProvider(),
      name,
      {
        ...args,
        sizeBytes: undefined,
        uncompressedBytes: undefined,
        layers: undefined,
        platformSizes: undefined,
        note: undefined,
      },
      opts,
      "ecr-pipeline",
      "ImageSizeEstimate",
    );
  }
}
