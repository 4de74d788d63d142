/**
 * Cost guardrails and the cost document, wired (issue 21): EcrImagePipeline checks `maxMonthlyUsd`,
 * `maxMonthlyIncreaseUsd` and `maxMonthlyIncreasePercent` against costChange; with
 * `onCostGuardrailExceeded: "fail"` a preview that exceeds one stops before anything is built or pushed,
 * with one message naming the guardrail, the limit, the figure and the line items that moved most, and no
 * promotion tag ever moves to an image whose cost fails one. `costJson` carries every line, the
 * comparison and the verdicts (each document the tests produce is validated against its schema where
 * the mocks receive the outputs: test/helpers/pulumi-mocks.ts).
 *
 * The done-when case runs prod's own stack program (stacks/index.ts, stacks/Pulumi.prod.yaml) in preview,
 * once under mocks and once with the size estimate answered by Pulumi's real dynamic-provider host
 * (`node @pulumi/pulumi/cmd/dynamic-provider`, the serialized ImageSizeEstimate provider the program
 * registers, over gRPC: tools/lib/dynamic-provider-host.ts).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ReportedError } from "../../components/common/reported-error";
import { EcrImagePipeline } from "../../components/pipeline";
import type { CostDocument } from "../../components/review";
import type { EcrImagePipelineArgs } from "../../components/settings/pipeline";
import { readStackConfig } from "../../stacks/stack-files";
import {
  PROVIDER_KEY,
  startDynamicProviderHost,
  type DynamicProviderHost,
} from "../../tools/lib/dynamic-provider-host";
import {
  DEPLOYED_CONTEXT_HASH,
  costDocuments,
  installMocks,
  runReporting,
  settle,
  valueOf,
  type MockScenario,
  type Recorder,
} from "../helpers/pulumi-mocks";

const root = path.join(__dirname, "..", "..");
const hello = path.join(root, "test", "fixtures", "contexts", "hello");
const MiB = 1024 * 1024;
/** A change that triples the image: the deployed one is 55 MiB (DEPLOYED_SIZE_BYTES), this one 165 MiB. */
const BIG = 165 * MiB;

async function run(scenario: MockScenario, args: Partial<EcrImagePipelineArgs>) {
  const rec = installMocks(scenario);
  const warnings: string[] = [];
  const warn = pulumi.log.warn;
  pulumi.log.warn = (message: string) => (warnings.push(message), Promise.resolve());
  try {
    const { errors, result } = await runReporting(rec, () => {
      const p = new EcrImagePipeline(
        "web",
        { context: hello, repositoryName: "web", pullsPerMonthViaNat: 1000, ...args },
        { transformations: rec.transformations },
      );
      return p;
    });
    return { rec, p: result as EcrImagePipeline, errors, warnings };
  } finally {
    pulumi.log.warn = warn;
  }
}

const built = (rec: Recorder) =>
  rec.resources.filter((r) => r.type === "docker-build:index:Image" || r.type === "docker-build:index:Index");

async function documentOf(p: EcrImagePipeline): Promise<CostDocument> {
  return JSON.parse((await valueOf(p.costJson)) ?? "null") as CostDocument;
}

describe("cost guardrails, wired (issue 21)", () => {
  const changed: MockScenario = {
    preview: true,
    imageChanged: true,
    deployedBuild: "other",
    estimateBytes: BIG,
  };

  it("a preview that raises the monthly cost past maxMonthlyIncreaseUsd with fail stops before anything is built or pushed: one message", async () => {
    const { rec, p, errors } = await run(changed, {
      extraTags: ["deployed-prod"],
      maxMonthlyIncreaseUsd: 2,
      onCostGuardrailExceeded: "fail",
    });
    assert.equal(errors.length, 1, errors.map(String).join("\n"));
    const error = errors[0] as ReportedError;
    assert.ok(error instanceof ReportedError);
    assert.equal(error.resource, p, "shown on the pipeline");
    // The guardrail, the limit, the figure (deployed -> this change), and the items that moved most.
    assert.equal(
      error.message,
      // By hand (us-east-1, the prod preset's 100 builds + the cache on the whole-image model, 1000 NAT
      // pulls): 55 MiB = 0.0537 GB: 101 x 0.0537 x $0.10 = $0.54 stored + 1000 x 0.0537 x $0.045 =
      // $2.42 NAT = $2.96; 165 MiB = 0.1611 GB: $1.63 + $7.25 = $8.88; +$5.92.
      "EcrImagePipeline web: not pushing the image: maxMonthlyIncreaseUsd: this change raises the monthly cost by $5.92 ($2.96 -> $8.88), over the limit of $2.00. Moved most: pulls via NAT gateway +$4.83 ($2.42 -> $7.25), storage +$1.08 ($0.54 -> $1.63).",
    );
    // Planted: the pre-push guardrail check out of the Image's dependsOn: the Image was registered.
    assert.deepEqual(built(rec), [], "no Image built, no Index: nothing pushed, no tag moved");
  });

  it("the same with warn: a warning, the image built, the verdict in costGuardrails and costJson", async () => {
    const { rec, p, errors, warnings } = await run(changed, {
      maxMonthlyIncreaseUsd: 2,
      maxMonthlyIncreasePercent: 500,
      maxMonthlyUsd: 100,
    });
    assert.deepEqual(errors, []);
    assert.equal(built(rec).length, 1);
    assert.deepEqual(
      warnings.filter((line) => line.startsWith("maxMonthly")),
      [
        "maxMonthlyIncreaseUsd: this change raises the monthly cost by $5.92 ($2.96 -> $8.88), over the limit of $2.00. Moved most: pulls via NAT gateway +$4.83 ($2.42 -> $7.25), storage +$1.08 ($0.54 -> $1.63).",
      ],
    );
    assert.deepEqual(await valueOf(p.costGuardrails), {
      status: "warn",
      message: [
        "maxMonthlyUsd: the repository costs $8.88 a month with this change (basis estimate), within the limit of $100.00.",
        "maxMonthlyIncreaseUsd: this change raises the monthly cost by $5.92 ($2.96 -> $8.88), over the limit of $2.00. Moved most: pulls via NAT gateway +$4.83 ($2.42 -> $7.25), storage +$1.08 ($0.54 -> $1.63).",
        "maxMonthlyIncreasePercent: this change raises the monthly cost by 200.0% ($2.96 -> $8.88), within the limit of 500.0%.",
      ].join("\n"),
      blocksPromotion: false,
    });
    const document = await documentOf(p);
    assert.equal(document.computedIn, "preview");
    assert.equal(document.pipeline, "web");
    assert.equal(document.comparison?.status, "compared");
    assert.deepEqual(
      document.guardrails.verdicts.map((v) => [v.guardrail, v.status, v.figure]),
      [
        ["maxMonthlyUsd", "ok", 8.88],
        ["maxMonthlyIncreaseUsd", "warn", 5.92],
        ["maxMonthlyIncreasePercent", "ok", 200],
      ],
    );
    assert.deepEqual(
      document.comparison?.drivers.slice(0, 2).map((d) => d.item),
      ["pulls via NAT gateway", "storage"],
    );
  });

  it("an arg unknown in preview (a role created in the same run) leaves costChange and the verdict known", async () => {
    const rec = installMocks(changed);
    const { errors, result } = await runReporting(rec, () => {
      // Mocks echo inputs: a new Role's `arn` is not one, so it is unknown in preview, as in a real preview.
      const role = new aws.iam.Role("deployer", { assumeRolePolicy: "{}" });
      return new EcrImagePipeline("web", {
        context: hello,
        repositoryName: "web",
        pullsPerMonthViaNat: 1000,
        pullPrincipalArns: [role.arn],
        maxMonthlyIncreaseUsd: 100,
        onCostGuardrailExceeded: "fail",
      });
    });
    assert.deepEqual(errors, []);
    const p = result as EcrImagePipeline;
    // Planted: the cost input's `usage` as the whole settings object (its Outputs included, as before
    // settings/cost-input.ts), which pulumi.all unwraps deeply: costChange unknown, the guardrail unchecked.
    assert.equal((await valueOf(p.costChange))?.status, "compared", "costChange known");
    assert.equal((await valueOf(p.costGuardrails))?.status, "ok");
  });

  it("figures that are not known never pass: first deployment, no estimate, unchanged", async () => {
    const first = await run(
      { preview: true, imageChanged: true, deployedBuild: "none", estimateBytes: BIG },
      { maxMonthlyIncreaseUsd: 2, onCostGuardrailExceeded: "fail" },
    );
    assert.deepEqual(first.errors, []);
    assert.deepEqual(await valueOf(first.p.costGuardrails), {
      status: "unchecked",
      message:
        "maxMonthlyIncreaseUsd ($2.00 a month) is unchecked: nothing is deployed yet (first deployment), so there is no increase to measure; maxMonthlyUsd limits the total.",
      blocksPromotion: false,
    });
    const noEstimate = await run(
      { preview: true, imageChanged: true },
      { maxMonthlyUsd: 0.01, estimateSize: false, onCostGuardrailExceeded: "fail" },
    );
    assert.deepEqual(noEstimate.errors, []);
    assert.deepEqual(await valueOf(noEstimate.p.costGuardrails), {
      status: "unchecked",
      message:
        "maxMonthlyUsd ($0.01 a month) is unchecked: the monthly cost is priced from the size budget, which is a limit, not a measured size (no ECR size or local estimate yet).",
      blocksPromotion: false,
    });
    const unchanged = await run(
      { preview: true },
      { maxMonthlyIncreasePercent: 0, onCostGuardrailExceeded: "fail" },
    );
    assert.deepEqual(unchanged.errors, []);
    assert.equal((await valueOf(unchanged.p.costGuardrails))?.status, "ok");
  });

  it("after the push, a guardrail that fails on ECR's size keeps every promotion tag where it was", async () => {
    // ECR's 50 MiB prices at more than the estimate's 45 MiB: a total between the two passes before the
    // push (estimate) and fails after it (ECR): the content tag is pushed, deployed-prod does not move.
    const probe = await run({}, { estimateSize: false });
    const ecrTotal = (await valueOf(probe.p.monthlyCost))?.totalUsd ?? 0;
    const limit = Math.floor(ecrTotal * 100 - 1) / 100;
    const { rec, p, errors } = await run(
      {},
      { extraTags: ["deployed-prod"], maxMonthlyUsd: limit, onCostGuardrailExceeded: "fail" },
    );
    assert.equal(errors.length, 1, errors.map(String).join("\n"));
    assert.match(
      (errors[0] as Error).message,
      new RegExp(
        `^EcrImagePipeline web: deployed-prod not promoted: maxMonthlyUsd: the repository costs \\$[0-9.]+ a month with this change \\(basis ecr\\), over the limit of \\$${limit.toFixed(2).replace(".", "\\.")}\\. `,
      ),
    );
    assert.equal((errors[0] as ReportedError).resource, p);
    assert.deepEqual(
      built(rec).map((r) => r.name),
      ["web-image"],
      "the content tag is pushed; the promotion Index is never registered",
    );
  });

  it("costJson: every line with its basis and source, the assumption about the account on the scanning lines, the estimate's notes", async () => {
    const before = costDocuments.validated;
    const { p } = await run({}, { scanningMode: "enhanced", rescansPerMonth: 4 });
    const document = await documentOf(p);
    await settle(p.costJson);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(costDocuments.validated > before, "the mocks validated the registered costJson");
    assert.equal(document.computedIn, "update");
    assert.equal(document.stack, "dev");
    const scanning = document.lines.filter((line) => line.item.startsWith("enhanced "));
    assert.ok(scanning.length > 0);
    for (const line of scanning)
      assert.match(
        line.assumption ?? "",
        /managed outside this stack/,
        `the account's configuration, declared: ${JSON.stringify(line)}`,
      );
    assert.ok(
      document.lines.filter((line) => line.assumption === undefined).length > 0,
      "lines this stack configures carry none",
    );
    assert.deepEqual(document.notes, (await valueOf(p.monthlyCost))?.notes ?? []);
  });
});

describe("the done-when case: prod's preview that raises the monthly cost past maxMonthlyIncreaseUsd stops before anything is pushed", function () {
  this.timeout(120_000);
  afterEach(() => pulumi.runtime.setAllConfig({}));

  /** stacks/index.ts with prod's stack file, as `pulumi preview -s prod` runs it. */
  function prodProgram(): () => unknown {
    pulumi.runtime.setAllConfig(readStackConfig(path.join(root, "stacks", "Pulumi.prod.yaml")));
    return () => {
      const modulePath = require.resolve("../../stacks/index");
      delete require.cache[modulePath];
      return require(modulePath) as unknown; // eslint-disable-line @typescript-eslint/no-require-imports
    };
  }

  const PROD_CHANGE = 145 * MiB;
  const assertStopped = (rec: Recorder, errors: unknown[]): void => {
    assert.equal(errors.length, 1, errors.map(String).join("\n"));
    // By hand (prod: two platforms, 100 builds + the cache kept, 500 NAT and 200 cross-region pulls a
    // month): the deployed build's largest platform is 30,000,000 B = 0.0279 GB, this change 145 MiB =
    // 0.1416 GB. NAT 500 x GB x $0.045: $0.63 -> $3.19; storage 2 platforms x 101 x GB x $0.10: $0.56 ->
    // $2.86; cross-region 200 x GB x $0.02: $0.11 -> $0.57. The scanning lines do not move.
    assert.equal(
      (errors[0] as Error).message,
      "EcrImagePipeline app-prod: not pushing the image: maxMonthlyIncreaseUsd: this change raises the monthly cost by $5.30 ($7.90 -> $13.20), over the limit of $5.00. Moved most: pulls via NAT gateway +$2.56 ($0.63 -> $3.19), storage +$2.30 ($0.56 -> $2.86), pulls cross-region +$0.45 ($0.11 -> $0.57).",
    );
    assert.ok(errors[0] instanceof ReportedError);
    assert.deepEqual(built(rec), [], "nothing built or pushed, no promotion tag moved");
  };

  it("under mocks", async () => {
    const rec = installMocks({
      stack: "prod",
      preview: true,
      imageChanged: true,
      deployedBuild: "other",
      estimateBytes: PROD_CHANGE,
    });
    const { errors } = await runReporting(rec, prodProgram());
    assertStopped(rec, errors);
  });

  describe("with the size estimate answered by the real dynamic-provider host", () => {
    let host: DynamicProviderHost;
    let home: string;
    before(async () => {
      // The provider measures into ~/.cache/ecr-pipeline/size-estimates (local-estimate.ts): a HOME of
      // its own, where this build's estimate is already cached, so no engine is needed; a dead
      // DOCKER_HOST proves none is used.
      home = fs.mkdtempSync(path.join(os.tmpdir(), "guardrail-host-"));
      host = await startDynamicProviderHost(
        { ...process.env, HOME: home, DOCKER_HOST: "unix:///nonexistent/ecr-pipeline-guardrails.sock" },
        root,
      );
    });
    after(async () => {
      await host?.stop();
      fs.rmSync(home, { recursive: true, force: true });
    });

    it("in preview: check measures (from its cache), the guardrail fails, nothing is built", async () => {
      const checked: Record<string, unknown>[] = [];
      const rec = installMocks({
        stack: "prod",
        preview: true,
        imageChanged: true,
        async estimateState(inputs) {
          assert.equal(
            typeof inputs[PROVIDER_KEY],
            "string",
            "the serialized provider the program registered",
          );
          // This build's estimate, cached where the provider reads it (format 4, local-estimate.ts).
          const dir = path.join(home, ".cache", "ecr-pipeline", "size-estimates");
          fs.mkdirSync(dir, { recursive: true });
          fs.writeFileSync(
            path.join(dir, `${String(inputs.contextHash)}.gzip${inputs.cache === true ? ".cache" : ""}.json`),
            JSON.stringify({
              format: 4,
              result: {
                sizeBytes: PROD_CHANGE,
                uncompressedBytes: 2 * PROD_CHANGE,
                layers: [],
                platforms: [],
                note: "local build of app/ (both platforms)",
              },
            }),
          );
          // The deployed build in the state: another context (DEPLOYED_CONTEXT_HASH), measured.
          const olds = { ...inputs, contextHash: DEPLOYED_CONTEXT_HASH, sizeBytes: 30_000_000, note: "" };
          const state = await host.check(olds, inputs);
          checked.push(state);
          return state;
        },
      });
      const { errors } = await runReporting(rec, prodProgram());
      assert.equal(checked.length, 1);
      assert.equal(checked[0]!.sizeBytes, PROD_CHANGE);
      assert.equal(checked[0]!.deployedContextHash, DEPLOYED_CONTEXT_HASH);
      assert.equal(checked[0]!.note, "local build of app/ (both platforms) (cached)");
      assertStopped(rec, errors);
    });
  });
});
