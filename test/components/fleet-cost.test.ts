/**
 * EcrFleetCost under mocks (issue 20, item 2): three pipelines, one of this program, one read from another
 * stack through a StackReference, one from a stack output as plain JSON, added up to one account-and-region
 * bill: shared layers once where blob mounting applies (same registry, same encryption), per repository where
 * it does not (a different KMS key), the report saying which and why, and a warning naming the member whose
 * key keeps it from sharing. Each pipeline's own report stays as it is.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { InvalidArgumentError } from "../../components/common/errors";
import { EcrFleetCost } from "../../components/fleet-cost";
import { EcrImagePipeline } from "../../components/pipeline";
import type { EcrImagePipelineArgs } from "../../components/settings/pipeline";
import { ACCOUNT, installMocks, settle, valueOf } from "../helpers/pulumi-mocks";

const hello = path.join(__dirname, "..", "fixtures", "contexts", "hello");
const MiB = 1024 * 1024;
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/payments`;
const blob = (name: string, bytes: number) => ({ digest: `sha256:${name}`, bytes });
/**
 * One service's build as the size estimate measures it: the shared Node base (40 MiB), its own dependencies
 * and app layer, and a registry cache whose builder stage is the same base for every service (150 MiB).
 */
const layersOf = (service: string, deps: number, app: number) => ({
  platformLayers: [
    {
      platform: "linux/amd64",
      layers: [
        blob("base", 40 * MiB),
        blob(`deps-${service}`, deps * MiB),
        blob(`app-${service}`, app * MiB),
      ],
      baseLayerCount: 1,
    },
  ],
  cacheBlobs: [blob("builder", 150 * MiB), blob("base", 40 * MiB), blob(`deps-${service}`, deps * MiB)],
  renewedLayers: [blob(`app-${service}`, app * MiB)],
  renewedCacheBlobs: [],
});
const USAGE: Partial<EcrImagePipelineArgs> = {
  lifecyclePreset: "staging",
  pullsPerMonthViaNat: 300,
  pullsPerMonthInternet: 2000,
};

/** Another stack's pipeline, run on its own: its fleetMember output as that stack would export it. */
async function otherStackMember(
  service: string,
  deps: number,
  app: number,
  args: Partial<EcrImagePipelineArgs> = {},
) {
  installMocks({ stack: "prod", estimateLayers: layersOf(service, deps, app) });
  const pipeline = new EcrImagePipeline(service, {
    context: hello,
    repositoryName: `team/${service}`,
    ...USAGE,
    ...args,
  });
  await settle(pipeline.fleetMember, pipeline.costReport);
  return { member: await valueOf(pipeline.fleetMember), report: await valueOf(pipeline.costReport) };
}

/*
 * Checked by hand: the shared group stores base 40 + builder 150 + orders' deps 30 and app 2 + web's deps 20
 * and app 1 = 243 MiB once, plus each one's older builds (staging keeps 30 builds: 29 x 2 and 29 x 1 MiB) =
 * 330 MiB = 346,030,080 bytes; orders is attributed 58 + 40/2 + 150/2 + 30 + 2 = 185 MiB. payments (KMS) keeps
 * its own 40 + 150 + 25 + 3 + 29 x 3 = 305 MiB = 319,815,680 bytes; the 2 layers it has in common with orders
 * (base and builder, 190 MiB = 199,229,440 bytes) are stored twice. Internet egress: 3 x 2000 pulls x 50 MiB
 * = 292.969 GB in the first tier.
 */
const EXPECTED_BILL = `ECR fleet monthly cost estimate: account 123456789012, us-east-1

item                                    quantity  unit      rate USD    USD
--------------------------------------  --------  --------  --------  -----
storage shared AES256 (2 repositories)     0.322  GB-month    0.1000   0.03
storage team/payments                      0.298  GB-month    0.1000   0.03
orders (prod): pulls via NAT gateway      14.648  GB          0.0450   0.66
web (prod): pulls via NAT gateway         14.648  GB          0.0450   0.66
payments (prod): pulls via NAT gateway    14.648  GB          0.0450   0.66
internet egress 0-10 TB                  292.969  GB          0.0900  26.37
orders (prod): scanning basic             30.400  scan        0.0000   0.00
web (prod): scanning basic                30.400  scan        0.0000   0.00
payments (prod): scanning basic           30.400  scan        0.0000   0.00
--------------------------------------  --------  --------  --------  -----
storage                                                                0.06
transfer                                                              28.34
scanning                                                               0.00
replication                                                            0.00
total per month                                                       28.41
(each row is rounded to the cent on its own; the totals are summed before rounding)

storage accounting:
  shared [team/orders, team/web] AES256: 346,030,080 bytes (0.322 GB) - BLOB_MOUNTING is enabled and these repositories share the encryption AES256: a layer they reference is stored once (an assumption about the bill: AWS does not state how a mounted layer is billed; and the pushing client must send mount parameters, which it does when the layer came from a repository of the same registry)
  per-repository [team/payments] KMS ${KEY}: 319,815,680 bytes (0.298 GB) - BLOB_MOUNTING is enabled, but no other repository of this registry has the encryption KMS ${KEY}: nothing to share
  stored: 665,845,760 bytes (0.620 GB); as separate copies: 865,075,200 bytes (0.806 GB)

repositories (own copy / attributed share):
  team/orders: 293,601,280 bytes (0.273 GB) / 193,986,560 bytes (0.181 GB)
  team/web: 251,658,240 bytes (0.234 GB) / 152,043,520 bytes (0.142 GB)
  team/payments: 319,815,680 bytes (0.298 GB) / 319,815,680 bytes (0.298 GB)

notes:
  storage: recounted across 3 pipelines' repositories (each pipeline's own storage lines are replaced)
  internet egress: the pipelines' volumes summed and priced through the tiers once, as AWS counts the account's month

warnings:
  members["payments (prod)"].repository.encryption.type "KMS" ("team/payments") differs from members["orders (prod)"].repository's "AES256" ("team/orders"): blob mounting needs identical encryption type and key, so the 2 layers (199229440 bytes) both reference are stored twice. Fix: give both repositories the same encryption (or accept the copies).

account assumptions (priced, not configured by these stacks):
  storage shared AES256 (2 repositories): a layer mounted into several repositories of registry 123456789012 (us-east-1) is billed once (https://docs.aws.amazon.com/AmazonECR/latest/userguide/blob-mounting.html does not state the billing rule)`;

describe("EcrFleetCost: several pipelines and stacks, one account-and-region bill", () => {
  it("three pipelines (this program, a StackReference, a plain stack output): the exact bill, shared where blob mounting applies, per repository where the KMS key differs", async () => {
    const web = await otherStackMember("web", 20, 1);
    const payments = await otherStackMember("payments", 25, 3, { kmsKeyArn: KEY });
    const rec = installMocks({
      stack: "platform",
      estimateLayers: layersOf("orders", 30, 2),
      stackReferenceOutputs: { fleetMember: web.member },
    });
    const orders = new EcrImagePipeline("orders", {
      context: hello,
      repositoryName: "team/orders",
      ...USAGE,
    });
    const webStack = new pulumi.StackReference("organization/web/prod");
    const fleet = new EcrFleetCost("fleet", {
      members: {
        "orders (prod)": orders.fleetMember,
        "web (prod)": webStack.getOutput("fleetMember"),
        "payments (prod)": payments.member as never,
      },
      registries: [{ registryId: ACCOUNT, region: "us-east-1", blobMounting: true }],
    });
    await settle(fleet.costReport, orders.costReport);
    assert.equal(await valueOf(fleet.costReport), EXPECTED_BILL);
    const bills = (await valueOf(fleet.bills)) ?? [];
    assert.equal(bills.length, 1);
    assert.equal(await valueOf(fleet.totalUsd), bills[0]?.totalUsd);
    // The fleet registers no resource of its own beyond itself.
    assert.deepEqual(
      rec.resources.filter((each) => each.name === "fleet").map((each) => each.type),
      ["ecr-pipeline:index:EcrFleetCost"],
    );
    // Each pipeline's report stays its own: orders' storage lines are not the fleet's.
    assert.match((await valueOf(orders.costReport)) ?? "", /^storage older builds +0\.057 +GB-month/m);
    assert.match(web.report ?? "", /^ECR monthly cost estimate: us-east-1$/m);
  });

  it("blob mounting not known to be enabled: every repository its own copy, and the report says why", async () => {
    const web = await otherStackMember("web", 20, 1);
    installMocks({ estimateLayers: layersOf("orders", 30, 2) });
    const orders = new EcrImagePipeline("orders", {
      context: hello,
      repositoryName: "team/orders",
      ...USAGE,
    });
    const fleet = new EcrFleetCost("fleet", {
      members: { "orders (prod)": orders.fleetMember, "web (prod)": web.member as never },
    });
    const bills = (await valueOf(fleet.bills)) ?? [];
    assert.deepEqual(
      bills[0]?.groups.map((group) => [group.accounting, group.repositories, group.reason]),
      [
        [
          "per-repository",
          ["team/orders"],
          "BLOB_MOUNTING is not known to be enabled in this registry (disabled by default): each repository stores its own copy of every layer",
        ],
        [
          "per-repository",
          ["team/web"],
          "BLOB_MOUNTING is not known to be enabled in this registry (disabled by default): each repository stores its own copy of every layer",
        ],
      ],
    );
    assert.equal(bills[0]?.storedBytes, 293_601_280 + 251_658_240);
  });
});

describe("EcrFleetCost: bad members, named", () => {
  it("no members: stopped before anything is registered", async () => {
    const rec = installMocks();
    assert.throws(
      () => new EcrFleetCost("fleet", { members: {} }),
      (error: unknown) =>
        error instanceof InvalidArgumentError &&
        error.message ===
          `EcrFleetCost: invalid argument "members": got {}. Pass the pipelines' fleetMember outputs keyed by name, e.g. { "orders (prod)": orders.fleetMember }.`,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(rec.resources, []);
  });

  it("a plain member that is not a fleet member: stopped before anything is registered, naming the field", async () => {
    const rec = installMocks();
    assert.throws(
      () =>
        new EcrFleetCost("fleet", {
          members: {
            "web (prod)": {
              repository: {
                name: "team/web",
                registryId: ACCOUNT,
                region: "us-east-1",
                blobs: [{ digest: "sha256:x", bytes: -1 }],
              },
              estimate: {},
            } as never,
          },
        }),
      (error: unknown) => {
        assert.ok(error instanceof InvalidArgumentError, String(error));
        assert.equal(error.argument, 'members["web (prod)"].repository.blobs[0].bytes');
        return true;
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(rec.resources, []);
  });

  it("another stack's output that is not a fleet member: the bill fails when it resolves, naming the member", async () => {
    installMocks({ stackReferenceOutputs: { fleetMember: { repository: "team/web" } } });
    const fleet = new EcrFleetCost("fleet", {
      members: { "web (prod)": new pulumi.StackReference("organization/web/prod").getOutput("fleetMember") },
    });
    const error = await (fleet.costReport as unknown as { promise(): Promise<unknown> }).promise().then(
      () => undefined,
      (rejected: unknown) => rejected,
    );
    assert.ok(error instanceof InvalidArgumentError, String(error));
    // Pulumi wraps it once more ("error serializing property "outputs": …") when the outputs are registered.
    assert.match(
      error.message,
      /EcrFleetCost: invalid argument "members\["web \(prod\)"\]\.repository": repository must be an object, got "team\/web"\. Pass an EcrImagePipeline's fleetMember output as it is\.$/,
    );
  });
});
