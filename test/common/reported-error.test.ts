import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { inspect } from "node:util";
import { formatArgumentProblem } from "../../components/common/argument-problem";
import { ReportedError } from "../../components/common/reported-error";
import { pullPrincipalProblems } from "../../components/settings/input-checks";
import { Severity, runProgram, type ProgramRun } from "../helpers/language-host";

const REPO = path.join(__dirname, "..", "..");
const MESSAGE = formatArgumentProblem("EcrImagePipeline web", pullPrincipalProblems(["*"])[0]!);

/**
 * A program in the shape of a component: it fails either before `super()` (a plain value checked by
 * the resolver) or while an Output-valued arg resolves inside the input of a child resource (the
 * issue's `pullPrincipalArns` failing in the RepositoryPolicy's `policy`). `error` is how it throws.
 */
function programText(
  when: "before-super" | "in-input",
  error: "reported" | "plain" | "run-error-marker",
): string {
  const make = {
    reported: `new ReportedError(message)`,
    plain: `new Error(message)`,
    // A RunError by marker, without ReportedError's message guard: what the SDK prefixes. (Shown by
    // util.inspect as its message only, as ReportedError is: run.js 402 formats every uncaught error,
    // which takes minutes of garbage collection on this loaded machine for the SDK's plain errors.)
    "run-error-marker": `Object.assign(new Error(message), { __pulumiRunError: true, [Symbol.for("nodejs.util.inspect.custom")]() { return this.message; } })`,
  }[error];
  const onComponent = error === "reported" && when === "in-input" ? ".reportedOn(component)" : "";
  return `
require(${JSON.stringify(require.resolve("tsx/cjs"))});
const pulumi = require(${JSON.stringify(path.dirname(require.resolve("@pulumi/pulumi/package.json")))});
const { ReportedError } = require(${JSON.stringify(path.join(REPO, "components/common/reported-error.ts"))});
const { formatArgumentProblem } = require(${JSON.stringify(path.join(REPO, "components/common/argument-problem.ts"))});
const { pullPrincipalProblems } = require(${JSON.stringify(path.join(REPO, "components/settings/input-checks.ts"))});
const check = (arns) => {
  const problems = pullPrincipalProblems(arns);
  return problems.length === 0 ? undefined : formatArgumentProblem("EcrImagePipeline web", problems[0]);
};
class EcrImagePipeline extends pulumi.ComponentResource {
  constructor(name, args) {
    ${when === "before-super" ? `const message = check(args.pullPrincipalArns); if (message !== undefined) throw ${make};` : ""}
    super("ecr-pipeline:index:EcrImagePipeline", name, {}, {});
    const component = this;
    new pulumi.CustomResource("aws:ecr/repositoryPolicy:RepositoryPolicy", name + "-repo-pull-policy", {
      repository: "web",
      policy: pulumi.output(args.pullPrincipalArns).apply((arns) => {
        const message = check(arns);
        if (message !== undefined) throw ${make}${onComponent};
        return "{}";
      }),
    }, { parent: this });
    this.registerOutputs({});
  }
}
new EcrImagePipeline("web", { pullPrincipalArns: ${when === "before-super" ? `["*"]` : `pulumi.output(["*"])`} });
`;
}

describe("errors as Pulumi users expect them: one diagnostic, no stack trace (issue 18 item 6)", function () {
  this.timeout(120_000);
  let workDir: string;
  before(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "reported-error-"));
  });
  after(() => fs.rmSync(workDir, { recursive: true, force: true }));

  async function run(name: string, text: string): Promise<ProgramRun> {
    const directory = path.join(workDir, name);
    fs.mkdirSync(directory);
    fs.writeFileSync(
      path.join(directory, "package.json"),
      JSON.stringify({ name: "proof", main: "index.js" }),
    );
    fs.writeFileSync(path.join(directory, "index.js"), text);
    return runProgram(directory, "index.js");
  }
  const errors = (result: ProgramRun) => result.diagnostics.filter((d) => d.severity === Severity.Error);

  it("ReportedError before super(): exactly the message, once, on the stack; the language host bails (32)", async () => {
    const result = await run("reported-before", programText("before-super", "reported"));
    assert.deepEqual(
      errors(result),
      [{ severity: Severity.Error, message: MESSAGE, urn: "" }],
      result.stderr,
    );
    assert.equal(result.exitCode, 32);
    assert.deepEqual(
      result.registered,
      ["pulumi:pulumi:Stack::proof-dev"],
      "nothing of the component registered",
    );
  });

  it("control, an Error as InvalidArgumentError is today: 'Running program … failed', the stack trace and the object", async () => {
    const result = await run("plain-before", programText("before-super", "plain"));
    const [only] = errors(result);
    assert.equal(errors(result).length, 1);
    assert.match(only!.message, /^Running program '.*' failed with an unhandled exception:\n/);
    assert.match(only!.message, /\n +at /, "a stack trace");
  });

  it("ReportedError while an Output arg resolves in a child's input: the message without 'error serializing property', on the component", async () => {
    const result = await run("reported-input", programText("in-input", "reported"));
    assert.deepEqual(
      errors(result),
      [
        {
          severity: Severity.Error,
          message: MESSAGE,
          urn: "urn:pulumi:dev::proof::ecr-pipeline:index:EcrImagePipeline::web",
        },
      ],
      result.stderr,
    );
    assert.equal(result.exitCode, 32);
  });

  it("control, a RunError by marker only: the SDK names the child's property ('error serializing property \"policy\"')", async () => {
    const result = await run("marker-input", programText("in-input", "run-error-marker"));
    assert.deepEqual(
      errors(result).map((d) => d.message),
      [`error serializing property "policy": ${MESSAGE}`],
    );
  });

  /** A program that constructs the real EcrImagePipeline (the package's sources, loaded with tsx). */
  function pipelineProgram(pullPrincipalArns: string): string {
    return `
require(${JSON.stringify(require.resolve("tsx/cjs"))});
const pulumi = require(${JSON.stringify(path.dirname(require.resolve("@pulumi/pulumi/package.json")))});
const { EcrImagePipeline } = require(${JSON.stringify(path.join(REPO, "components", "index.ts"))});
new EcrImagePipeline("web", {
  context: ${JSON.stringify(path.join(REPO, "test", "fixtures", "contexts", "hello"))},
  repositoryName: "web",
  pullPrincipalArns: ${pullPrincipalArns},
});
`;
  }
  const PIPELINE_MESSAGE =
    'EcrImagePipeline: invalid argument "pullPrincipalArns[0]": "*" lets every AWS account pull: a public repository policy, not a pull grant to named principals. List the account ids or IAM ARNs that may pull; to grant a whole AWS Organization, write the policy yourself (aws.ecr.RepositoryPolicy with an aws:PrincipalOrgID condition) and leave pullPrincipalArns unset.';

  it('the real EcrImagePipeline, pullPrincipalArns ["*"]: one diagnostic naming the pipeline, the arg, the value and the fix; nothing registered', async () => {
    const result = await run("pipeline-plain", pipelineProgram(`["*"]`));
    assert.deepEqual(
      errors(result),
      [{ severity: Severity.Error, message: PIPELINE_MESSAGE, urn: "" }],
      result.stderr,
    );
    assert.doesNotMatch(errors(result)[0]!.message, /\n\s+at /, "no stack trace");
    assert.equal(result.exitCode, 32);
    assert.deepEqual(result.registered, ["pulumi:pulumi:Stack::proof-dev"]);
  });

  it("the real EcrImagePipeline, pullPrincipalArns as an Output: the same message, once, on the pipeline; none of its children registered", async () => {
    const result = await run("pipeline-output", pipelineProgram(`pulumi.output(["*"])`));
    // Planted: the check's error not reported on the component (no ReportTarget): the diagnostic had no URN.
    assert.deepEqual(
      errors(result),
      [
        {
          severity: Severity.Error,
          message: PIPELINE_MESSAGE,
          urn: "urn:pulumi:dev::proof::ecr-pipeline:index:EcrImagePipeline::web",
        },
      ],
      result.stderr,
    );
    assert.equal(result.exitCode, 32);
    assert.deepEqual(result.registered, [
      "pulumi:pulumi:Stack::proof-dev",
      "ecr-pipeline:index:EcrImagePipeline::web",
    ]);
  });

  it("the class itself: instanceof Error, markers for the SDK, the message immune to rewriting", () => {
    const error = new ReportedError('EcrImagePipeline web: invalid argument "x": y. z.');
    assert.ok(error instanceof Error);
    assert.equal(error.__pulumiRunError, true);
    error.message = `error serializing property "policy": ${error.message}`;
    assert.equal(error.message, 'EcrImagePipeline web: invalid argument "x": y. z.');
    const resource = {};
    assert.equal(error.reportedOn(resource), error);
    assert.deepEqual(
      [error.__pulumiRunError, error.__pulumResourceError, error.resource, error.hideStack],
      [false, true, resource, true],
    );
    assert.deepEqual(Object.keys(error), [], "nothing enumerable for util.inspect to walk");
    assert.equal(inspect(error), 'Error: EcrImagePipeline web: invalid argument "x": y. z.');
  });
});
