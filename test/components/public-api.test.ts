/**
 * The public API is written down (issue 19): components/index.ts exports exactly the names pinned here,
 * each named in backticks in README.md or docs/*.md. Exporting a new name fails until it is added here
 * and documented; an undocumented one is internal and stays out of index.ts.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const root = path.join(__dirname, "..", "..");

const PUBLIC_API = [
  // Issue 20 phase 2: the registry's owner, the fleet view, and what they and the pipeline exchange.
  "EcrFleetCost",
  "EcrFleetCostArgs",
  "EcrRegistryDefaults",
  "EcrRegistryDefaultsArgs",
  "FleetBill",
  "FleetMemberOutput",
  "FleetRepository",
  "RegistrySetting",
  "ReplicaRetention",
  "ReplicationRule",
  "RepositoryCreationTemplateInputs",
  "BudgetAction",
  "BuildContextError",
  "BuildKitImage",
  "BuildKitImageArgs",
  "BuildNetworkMode",
  "CostChange",
  "CostEstimate",
  "CostGuardrailAction",
  "CostGuardrailsSummary",
  "CostEstimateInput",
  "DockerfileFinding",
  "DockerfileParseError",
  "EcrImagePipeline",
  "EcrImagePipelineArgs",
  "EcrRepository",
  "EcrRepositoryArgs",
  "ImageBuildError",
  "ImagePlatform",
  "ImageSizeEstimate",
  "InternalError",
  "InvalidArgumentError",
  "InvalidInputError",
  "KnownImageSize",
  "LayerCompression",
  "LifecyclePolicyProblem",
  "LifecyclePresetName",
  "LifecycleRule",
  "PullBytes",
  "RegistryScanFrequency",
  "ReportedError",
  "RescanDuration",
  "ScanningMode",
  "SizeBasis",
  "SizeBudgetVerdict",
  "analyzeDockerfile",
  "buildLifecyclePreset",
  "dockerfileRules",
  "ecrArchivePricing",
  "ecrPricing",
  "ecrRateCards",
  "estimateImageSize",
  "estimateMonthlyCost",
  "evaluateSizeBudget",
  "formatCostReport",
  "formatLifecycleProblems",
  "hashBuildContext",
  "imagesPerBuild",
  "lifecyclePresets",
  "renderLifecyclePolicy",
  "simulateLifecycle",
  "steadyStateRetention",
  "validateLifecyclePolicy",
];

/** The names an entry file exports, read from its syntax: `export { a, type B } from "…"` and declarations. */
function exportedNames(text: string): { names: string[]; starExports: number } {
  const source = ts.createSourceFile("index.ts", text, ts.ScriptTarget.Latest, true);
  const names: string[] = [];
  let starExports = 0;
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      const clause = statement.exportClause;
      if (clause === undefined || ts.isNamespaceExport(clause)) starExports += 1;
      else for (const element of clause.elements) names.push(element.name.text);
      continue;
    }
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
    if (!modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations)
        names.push(declaration.name.getText(source));
    } else if ("name" in statement && statement.name !== undefined) {
      names.push((statement.name as ts.Identifier).text);
    }
  }
  return { names: names.sort(), starExports };
}

/** README.md and docs/*.md, the text a name must appear in (in backticks) to count as documented. */
function documentation(): string {
  const docs = fs.readdirSync(path.join(root, "docs")).filter((file) => file.endsWith(".md"));
  return [path.join(root, "README.md"), ...docs.map((file) => path.join(root, "docs", file))]
    .map((file) => fs.readFileSync(file, "utf8"))
    .join("\n");
}

const undocumented = (names: readonly string[], docs: string): string[] =>
  names.filter((name) => !docs.includes(`\`${name}\``));

describe("public API: components/index.ts exports what the docs name, and nothing else", () => {
  const index = fs.readFileSync(path.join(root, "components", "index.ts"), "utf8");

  it("exports names one by one (no export *), exactly the pinned list", () => {
    const { names, starExports } = exportedNames(index);
    assert.equal(starExports, 0, "an `export *` hides what is public");
    assert.deepEqual(names, [...PUBLIC_API].sort());
  });

  it("every exported name is named in README.md or docs/*.md", () => {
    assert.deepEqual(undocumented(exportedNames(index).names, documentation()), []);
  });

  it("every error class of common/errors.ts is exported", () => {
    const errors = fs.readFileSync(path.join(root, "components", "common", "errors.ts"), "utf8");
    const classes = [...errors.matchAll(/^export class (\w+) extends (?:Error|ReportedError)/gm)].map(
      (m) => m[1]!,
    );
    assert.ok(classes.includes("InvalidArgumentError") && classes.includes("InvalidInputError"));
    assert.ok(classes.length >= 6, classes.join(", "));
    assert.deepEqual(
      [...classes, "ReportedError"].filter((name) => !PUBLIC_API.includes(name)),
      [],
    );
  });

  it("the checks see a name added without a doc (planted: firstKnown exported)", () => {
    const planted = `${index}\nexport { firstKnown } from "./common/outputs";\n`;
    assert.notDeepEqual(exportedNames(planted).names, [...PUBLIC_API].sort());
    assert.deepEqual(undocumented(exportedNames(planted).names, documentation()), ["firstKnown"]);
    assert.equal(exportedNames(`${index}\nexport * from "./cost";\n`).starExports, 1);
  });
});
