/**
 * The components follow the rules that let Pulumi expose a TypeScript component to other languages:
 * this runs Pulumi's own component schema analyzer (@pulumi/pulumi provider/experimental, what a
 * PulumiPlugin.yaml package uses to infer the schema) over the package entry and checks what it infers.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { Analyzer, type AnalyzeResult } from "@pulumi/pulumi/provider/experimental/analyzer";

const root = path.join(__dirname, "..", "..");
const COMPONENTS = [
  "EcrImagePipeline",
  "EcrRepository",
  "BuildKitImage",
  "EcrRegistryDefaults",
  "EcrFleetCost",
];

describe("component schema (Pulumi's analyzer, for Python/Go/YAML use)", function () {
  this.timeout(120_000);
  let result: AnalyzeResult;

  before(() => {
    const packageJson = { name: "ecr-pipeline", main: "components/index.ts" };
    result = new Analyzer(root, "ecr-pipeline", packageJson, new Set(COMPONENTS)).analyze();
  });

  it("infers all five components without unions, intersections or callbacks", () => {
    assert.deepEqual(Object.keys(result.components).sort(), [...COMPONENTS].sort());
  });

  it("turns the string enums into schema enums", () => {
    const enumValues = (name: string): unknown[] =>
      (result.typeDefinitions[name]?.enum ?? []).map((member) => member.value);
    assert.deepEqual(enumValues("ScanningMode"), ["basic", "enhanced"]);
    assert.deepEqual(enumValues("LayerCompression"), ["gzip", "zstd"]);
    assert.deepEqual(enumValues("BudgetAction"), ["warn", "fail"]);
    assert.deepEqual(enumValues("LifecyclePresetName"), ["dev", "staging", "prod"]);
    assert.deepEqual(enumValues("RegistryScanFrequency"), ["SCAN_ON_PUSH", "CONTINUOUS_SCAN"]);
    assert.deepEqual(enumValues("CostGuardrailAction"), ["warn", "fail"]);
    assert.deepEqual(enumValues("CostGuardrailStatus").sort(), ["fail", "ok", "unchecked", "warn"]);
    assert.deepEqual(enumValues("SizeBasis"), ["ecr", "estimate", "budget"]);
    assert.deepEqual(enumValues("CostChangeStatus"), [
      "compared",
      "unchanged",
      "first-deployment",
      "deployed-unknown",
      "not-compared",
    ]);
    const pipelineInputs = result.components.EcrImagePipeline!.inputs;
    assert.deepEqual(pipelineInputs.scanningMode, {
      $ref: "#/types/ecr-pipeline:index:ScanningMode",
      optional: true,
      plain: true,
      description: pipelineInputs.scanningMode!.description,
    });
  });

  it("exposes the pipeline's outputs, and requires only the build context", () => {
    const pipeline = result.components.EcrImagePipeline!;
    assert.deepEqual(Object.keys(pipeline.outputs).sort(), [
      "costChange",
      "costGuardrails",
      "costJson",
      "costReport",
      "findings",
      "fleetMember",
      "imageDigest",
      "imageSize",
      "imageSizeBytes",
      "imageTags",
      "imageUri",
      "monthlyCost",
      "replicationRule",
      "replicationTemplate",
      "repositoryArn",
      "repositoryName",
      "repositoryUrl",
      "sizeBudget",
    ]);
    const required = Object.entries(pipeline.inputs)
      .filter(([, definition]) => !definition.optional)
      .map(([name]) => name);
    assert.deepEqual(required, ["context"]);
    assert.deepEqual(
      Object.entries(result.components.BuildKitImage!.inputs)
        .filter(([, definition]) => !definition.optional)
        .map(([name]) => name)
        .sort(),
      ["context", "repositoryUrl"],
    );
  });

  it("exposes the registry's owner and the fleet view, each requiring only what it cannot default", () => {
    const requiredOf = (name: string) =>
      Object.entries(result.components[name]!.inputs)
        .filter(([, definition]) => !definition.optional)
        .map(([input]) => input)
        .sort();
    assert.deepEqual(requiredOf("EcrRegistryDefaults"), ["region", "registryId"]);
    assert.deepEqual(Object.keys(result.components.EcrRegistryDefaults!.outputs).sort(), [
      "cachedReferences",
      "registryHost",
      "registrySetting",
      "replicationRules",
      "warnings",
    ]);
    assert.deepEqual(requiredOf("EcrFleetCost"), ["members"]);
    assert.deepEqual(Object.keys(result.components.EcrFleetCost!.outputs).sort(), [
      "bills",
      "costReport",
      "totalUsd",
    ]);
    // String enums are schema enums (an `as const` object each), not unions. (The replication filter's
    // type is a plain string: a one-member enum is refused by the analyzer of the lowest SDK, 3.248.)
    const enumValues = (name: string): unknown[] =>
      (result.typeDefinitions[name]?.enum ?? []).map((member) => member.value);
    assert.deepEqual(enumValues("ReplicaRetention").sort(), ["none", "policy"]);
  });
});
