/**
 * Pulumi mocks that record every resource and invoke, with the outputs a real deployment would give.
 * `preview: true` runs the program as `pulumi preview` does; `imageChanged: true` leaves the image's
 * digest unknown there, as for an image about to be rebuilt.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { InvalidArgumentError } from "../../components/common/errors";
import {
  AUTHORIZATION_TOKEN,
  DIGEST,
  ECR_SIZE_BYTES,
  ESTIMATE_BYTES,
  REGION,
  invokeFailure,
  indexRef,
  pushedImageRef,
  repositoryOutputs,
  tagNotFound,
} from "../../tools/lib/mock-deployment";
import { assertCostDocument } from "./cost-schema";

// The deployment the mocks describe, shared with the resource dump (tools/lib/mock-deployment.ts).
export {
  ACCOUNT,
  DIGEST,
  ECR_SIZE_BYTES,
  ESTIMATE_BYTES,
  INDEX_DIGEST,
  REGION,
  REGISTRY,
} from "../../tools/lib/mock-deployment";
/** The context hash of the build deployed before this change (its content tag: `ctx-a1a1a1a1a1a1a1a1`). */
export const DEPLOYED_CONTEXT_HASH = "a1".repeat(32);
/** imageSizeInBytes ECR reports for the deployed image's content tag (55 MiB). */
export const DEPLOYED_SIZE_BYTES = 57_671_680;
/** imageSizeInBytes of each platform's image of the deployed build (`<content tag>-<arch>`). */
export const DEPLOYED_PLATFORM_BYTES: Record<string, number> = { amd64: 30_000_000, arm64: 28_000_000 };

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  custom: boolean;
}
export interface RecordedCall {
  token: string;
  inputs: Record<string, unknown>;
}
export interface RecordedOptions {
  type: string;
  name: string;
  retainOnDelete: boolean | undefined;
  parentName: string | undefined;
}

export interface MockScenario {
  preview?: boolean;
  /** In preview, the image is about to be rebuilt: its digest (and so ECR's size) is unknown. */
  imageChanged?: boolean;
  /** What the local size estimate reports; undefined = no engine reachable. */
  estimateBytes?: number | undefined;
  /**
   * The estimate's layer structure (its `platformLayers`, `cacheBlobs`, `renewedLayers`,
   * `renewedCacheBlobs` outputs); absent = none measured, sent as null as the real provider does.
   */
  // A key left out is absent from the state, as in a state written before the output existed.
  estimateLayers?: Partial<{
    platformLayers: unknown;
    cacheBlobs: unknown;
    renewedLayers: unknown;
    renewedCacheBlobs: unknown;
  }>;
  /**
   * What `aws.ecr.getImage` finds for the digest: the image with its size (default), the image without
   * `imageSizeInBytes` (AWS leaves it out), or nothing (the invoke fails, as for an image not found yet).
   */
  ecrImage?: "found" | "no-size" | "not-found";
  /**
   * Which build the size estimate says is deployed (`deployedContextHash`). In a preview, what the
   * provider's check returns: `this` build (default), an `other` one ({@link DEPLOYED_CONTEXT_HASH}),
   * `none` ("" : no state, a first deployment), or `absent` (a state written before the output existed:
   * the key is missing). Outside a preview the outputs are what create/update write, this build's hash
   * (test/size/deployed-context-hash.test.ts), except `absent` (an unchanged resource keeps old outputs).
   */
  deployedBuild?: "this" | "other" | "none" | "absent";
  /** In a preview, the deployed build's compression (`deployedCompression`); default this build's. */
  deployedCompression?: string;
  /** The deployed build's measured layers (`deployedLayers`); default null (not measured), as the provider sends it. */
  deployedLayers?: Record<string, unknown>;
  /** What `aws.ecr.getImage` finds for the deployed image's tag(s); default its size. */
  deployedImage?: "found" | "no-size" | "not-found";
  /** `aws.getRegion` returns neither `region` nor `name`. */
  regionAbsent?: boolean;
  stack?: string;
  /** Outputs of the stack a StackReference reads. */
  stackReferenceOutputs?: Record<string, unknown>;
  /**
   * What ECR holds under each tag, for the lookups by tag before a push (a fixed extra tag and the
   * content tag, issue 18 item 1): found (`imageDigest`, `imageSizeInBytes`), or `"error"` (the lookup
   * itself fails: no permission). Given, a tag not listed is not found (ImageNotFoundException), except
   * the deployed build's content tag; not given, every tag lookup answers as for the deployed image.
   */
  ecrTags?: Record<string, { imageDigest: string; imageSizeInBytes?: number } | "error">;
  /**
   * Replaces the ImageSizeEstimate's state in preview: what the real dynamic-provider host's `check`
   * returned for these inputs (test/components/guardrails.test.ts runs it), instead of the mock's.
   */
  estimateState?: (inputs: Record<string, unknown>) => Promise<Record<string, unknown>>;
}

export interface Recorder {
  resources: RecordedResource[];
  calls: RecordedCall[];
  options: RecordedOptions[];
  /** `transformations` to pass to a component so child options (retainOnDelete, parent) are recorded. */
  transformations: pulumi.ResourceTransformation[];
  /** Mock answers still being computed (an `estimateState` over gRPC): runReporting waits for them. */
  pending: number;
}

export function installMocks(scenario: MockScenario = {}): Recorder {
  const recorder: Recorder = { resources: [], calls: [], options: [], transformations: [], pending: 0 };
  const preview = scenario.preview ?? false;
  const estimateBytes = "estimateBytes" in scenario ? scenario.estimateBytes : ESTIMATE_BYTES;
  recorder.transformations.push((args) => {
    recorder.options.push({
      type: args.type,
      name: args.name,
      retainOnDelete: args.opts.retainOnDelete,
      parentName: args.opts.parent?.constructor === undefined ? undefined : nameOf(args.opts.parent),
    });
    return undefined;
  });
  pulumi.runtime.setMocks(
    {
      async newResource(args: pulumi.runtime.MockResourceArgs): Promise<{
        id: string | undefined;
        state: Record<string, unknown>;
      }> {
        recorder.resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          custom: args.custom ?? true,
        });
        const state: Record<string, unknown> = { ...args.inputs };
        switch (args.type) {
          case "aws:ecr/repository:Repository":
            Object.assign(state, repositoryOutputs(args.inputs, args.name));
            break;
          case "docker-build:index:Image":
            if (!(preview && scenario.imageChanged))
              Object.assign(state, {
                digest: DIGEST,
                contextHash: "c0ffee",
                ref: pushedImageRef(args.inputs),
              });
            break;
          case "docker-build:index:Index":
            Object.assign(state, { ref: indexRef(args.inputs, !(preview && scenario.imageChanged)) });
            break;
          case "pulumi-nodejs:dynamic/ecr-pipeline:ImageSizeEstimate":
            // The layer structure: null when not measured, as the real provider sends it (estimate-resource.ts).
            Object.assign(
              state,
              scenario.estimateLayers ?? {
                storedBytes: null,
                platformLayers: null,
                cacheBlobs: null,
                renewedLayers: null,
                renewedCacheBlobs: null,
              },
            );
            Object.assign(
              state,
              estimateBytes === undefined
                ? // What the real provider's check returns then (test/size/estimate-host.test.ts): null, not absent.
                  {
                    sizeBytes: null,
                    uncompressedBytes: null,
                    note: "no Docker engine reachable: size not estimated",
                  }
                : { sizeBytes: estimateBytes, note: "local build of the context, gzip layers summed" },
            );
            {
              const deployedBuild = scenario.deployedBuild ?? "this";
              if (deployedBuild !== "absent") {
                const hashes = { this: args.inputs.contextHash, other: DEPLOYED_CONTEXT_HASH, none: "" };
                state.deployedContextHash = preview ? hashes[deployedBuild] : args.inputs.contextHash;
                const compression = (args.inputs.compression as string | undefined) ?? "gzip";
                state.deployedCompression = !preview
                  ? compression
                  : deployedBuild === "none"
                    ? ""
                    : (scenario.deployedCompression ?? compression);
                state.deployedLayers = scenario.deployedLayers ?? null;
              }
            }
            if (scenario.estimateState !== undefined) {
              // Counted while it runs: a real host's answer can take longer than runReporting's quiet
              // window on a loaded machine (seen at load 10: the run ended before check was called).
              recorder.pending += 1;
              try {
                return { id: `${args.name}-id`, state: await scenario.estimateState(args.inputs) };
              } finally {
                recorder.pending -= 1;
              }
            }
            break;
          case "pulumi:pulumi:StackReference":
            Object.assign(state, { outputs: scenario.stackReferenceOutputs ?? {} });
            break;
        }
        return { id: args.type.startsWith("pulumi:pulumi") ? args.name : `${args.name}-id`, state };
      },
      call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        recorder.calls.push({ token: args.token, inputs: args.inputs });
        switch (args.token) {
          case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
            return { ...AUTHORIZATION_TOKEN };
          case "aws:ecr/getImage:getImage":
            if (typeof args.inputs.imageTag === "string") {
              const tag = args.inputs.imageTag;
              const held = scenario.ecrTags?.[tag];
              if (held === "error")
                throw invokeFailure(
                  `AccessDeniedException: not authorized to perform ecr:DescribeImages on ${tag}`,
                );
              if (held !== undefined) return { imageTag: tag, ...held };
              if (
                scenario.ecrTags !== undefined &&
                !tag.startsWith(`ctx-${DEPLOYED_CONTEXT_HASH.slice(0, 16)}`)
              )
                throw tagNotFound(tag);
              // The deployed image, looked up by its content tag (or each platform's `<tag>-<arch>`).
              if (scenario.deployedImage === "not-found") throw new Error(`ImageNotFoundException: ${tag}`);
              if (scenario.deployedImage === "no-size") return { imageTag: tag };
              const arch = /-([a-z0-9-]+)$/.exec(tag.slice("ctx-".length + 16))?.[1];
              return {
                imageTag: tag,
                imageSizeInBytes: arch === undefined ? DEPLOYED_SIZE_BYTES : DEPLOYED_PLATFORM_BYTES[arch],
              };
            }
            if (scenario.ecrImage === "not-found") {
              throw new Error(`ImageNotFoundException: ${String(args.inputs.imageDigest)}`);
            }
            return scenario.ecrImage === "no-size"
              ? { imageDigest: args.inputs.imageDigest }
              : { imageSizeInBytes: ECR_SIZE_BYTES, imageDigest: args.inputs.imageDigest };
          case "aws:index/getRegion:getRegion":
            return scenario.regionAbsent ? {} : { region: REGION, name: REGION };
          default:
            return args.inputs;
        }
      },
    },
    "ecr-pipeline",
    scenario.stack ?? "dev",
    preview,
  );
  validateCostDocumentsOnRegistration();
  return recorder;
}

/**
 * Every `costJson` a component registers is validated against schema/cost.v1.schema.json where the mocks
 * receive the component's outputs (the monitor's registerResourceOutputs), so no test can produce one
 * without it being checked; a document that does not match fails the test that is running (or the next
 * one, if its outputs arrive after it ended), in the root `afterEach` below.
 */
export const costDocuments = { validated: 0, invalid: [] as string[] };

function validateCostDocumentsOnRegistration(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): unknown };
  const monitor = settings.getMonitor() as {
    registerResourceOutputs(request: RegisterOutputsRequest, callback: (...args: unknown[]) => void): void;
  };
  const original = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (request, callback) => {
    const outputs = request.getOutputs()?.toJavaScript() ?? {};
    const text = unwrapSecrets(outputs.costJson);
    if (typeof text === "string" && text !== UNKNOWN) {
      try {
        assertCostDocument(JSON.parse(text));
        costDocuments.validated += 1;
      } catch (error) {
        costDocuments.invalid.push(`${request.getUrn()}: ${(error as Error).message}`);
      }
    }
    original(request, callback);
  };
}

interface RegisterOutputsRequest {
  getUrn(): string;
  getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
}

/** The wire value of an unknown output (@pulumi/pulumi runtime/rpc.js `unknownValue`). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

// Mocha's root hook (this module is only loaded by tests): a cost document that broke the schema fails.
if (typeof afterEach === "function")
  afterEach(function checkCostDocuments() {
    const invalid = costDocuments.invalid.splice(0);
    if (invalid.length > 0) throw new Error(`costJson does not match its schema:\n${invalid.join("\n")}`);
  });

function nameOf(resource: pulumi.Resource): string | undefined {
  return (resource as unknown as { __name?: string }).__name;
}

/** Resolves an Output's value; `undefined` when it is unknown (preview). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T | undefined> {
  return new Promise((resolve) => {
    void isKnown(output).then((known) => {
      if (!known) resolve(undefined);
      else output.apply((value) => resolve(value));
    });
  });
}

/** Whether an Output is known (as `pulumi preview` would show a value rather than "output<…>"). */
export function isKnown(output: pulumi.Output<unknown>): Promise<boolean> {
  return (output as unknown as { isKnown: Promise<boolean> }).isKnown;
}

/** Waits until every registration started so far has reached the mocks. */
export async function settle(...outputs: pulumi.Output<unknown>[]): Promise<void> {
  for (const output of outputs) await isKnown(output);
  await new Promise((resolve) => setTimeout(resolve, 50));
}

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** The plain value inside a secret as the mocks receive it, or undefined when `value` is not a secret. */
export function secretValue(value: unknown): unknown {
  if (
    value !== null &&
    typeof value === "object" &&
    (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG
  ) {
    return (value as { value: unknown }).value;
  }
  return undefined;
}

/** `value` with every secret replaced by its plain value (for schema validation). */
export function unwrapSecrets(value: unknown): unknown {
  const inner = secretValue(value);
  if (inner !== undefined) return unwrapSecrets(inner);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/**
 * What a run reports: `program` is run under the mocks installed before, and every error that leaves it
 * the way a Pulumi program's errors do (a rejected registration or Output nobody handles reaches the
 * `unhandledRejection` handler of @pulumi/pulumi cmd/run, which reports each error object once) is
 * collected, each once. Returns when the recorder has been quiet for `quietMs`.
 */
export async function runReporting(
  recorder: Recorder,
  program: () => unknown,
  quietMs = 300,
): Promise<{ errors: unknown[]; result: unknown }> {
  const errors = new Set<unknown>();
  const capture = (error: unknown): void => void errors.add(error);
  process.on("unhandledRejection", capture);
  try {
    const result = program();
    let last = "";
    for (let quiet = 0; quiet < quietMs; quiet += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const now = `${recorder.resources.length}/${recorder.calls.length}/${errors.size}`;
      if (now !== last || recorder.pending > 0) quiet = 0;
      last = now;
    }
    return { errors: [...errors], result };
  } finally {
    process.off("unhandledRejection", capture);
  }
}

/**
 * Under fresh mocks, `construct` must throw an InvalidArgumentError with exactly `message`, and nothing may
 * reach the mocks afterwards: a bad plain arg is rejected before `super()`, so no resource is registered.
 */
export async function assertRejectedBeforeRegistration(
  construct: () => unknown,
  message: string,
): Promise<void> {
  const recorder = installMocks();
  assert.throws(construct, (error: unknown) => {
    assert.ok(error instanceof InvalidArgumentError, String(error));
    assert.equal(error.message, message);
    return true;
  });
  // Registrations are asynchronous: give any that started the time to reach the mocks.
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(recorder.resources, [], "nothing registered");
}
