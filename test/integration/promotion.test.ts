// The promotion gate (issue 18 item 3) on the local registry, for one and for two platforms, with what
// the provider runs: BuildKitImage's docker-build Image(s) (and the content tag's Index for two
// platforms) recorded under mocks and run as pulumi-docker-build v0.0.22 would
// (lib/component-build.ts), then each promotion tag as the docker-build Index the component registers
// for it (components/buildkit/promotion.ts `promotionIndexes`): `docker buildx imagetools create --tag
// <tag> <content ref>` (client.go 340-364), run only when `promotionDecision` lets it. "ECR's size" is
// what ECR reports as imageSizeInBytes, computed from the registry: the manifest's layers added up, the
// largest child for an index (ImageDetail.imageSizeInBytes, "If the image is a manifest list, this will
// be the max size of all manifests in the list").
//
// Shown: over budget with onBudgetExceeded "fail", no promotion tag is written (404); within it, one
// platform's promotion tag names a one-entry index whose only entry is the pushed image (imagetools
// wraps a single manifest: another digest, the same image and the same ECR size), two platforms'
// names the content index itself (same digest); a later build over budget leaves the tags on the
// earlier image; a later build within budget re-points them; `push: false` (a fixed tag already on this
// build) writes nothing.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  promotionDecision,
  promotionIndexes,
  type PromotionDecision,
} from "../../components/buildkit/promotion";
import { REPO_ROOT } from "../../tools/lib/bench-variants";
import { runCommand } from "../../tools/lib/process";
import { LOCAL_REGISTRY } from "../../tools/lib/registry";
import {
  DOCKER,
  ECR_REPOSITORY_URL,
  indexCreateInvocation,
  recordComponentBuild,
  removeCreatedImages,
  runComponentBuild,
  type ComponentBuildRun,
} from "../helpers/component-build";
import { requireInfrastructure } from "./lib/infrastructure";
import { DOCKER_LIST, OCI_INDEX, getManifest } from "../helpers/registry-manifests";

const RUN = `userpaths-${process.pid}`;
const CONTEXT = join(REPO_ROOT, ".work", "integration-promotion", RUN);
const TAGS = ["deployed-it", "latest"];

/** ECR's imageSizeInBytes as the registry shows it: layers added up; for an index, its largest child. */
async function ecrStyleSize(repository: string, reference: string): Promise<number> {
  const top = await getManifest(repository, reference);
  if (top.manifests !== undefined) {
    const sizes = await Promise.all(top.manifests.map((entry) => ecrStyleSize(repository, entry.digest)));
    return Math.max(...sizes);
  }
  return (top.layers ?? []).reduce((total, layer) => total + layer.size, 0);
}

async function tagDigest(repository: string, tag: string): Promise<string | undefined> {
  const response = await fetch(`http://${LOCAL_REGISTRY}/v2/${repository}/manifests/${tag}`, {
    method: "HEAD",
    headers: {
      accept: [
        OCI_INDEX,
        DOCKER_LIST,
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
      ].join(", "),
    },
  });
  if (response.status === 404) return undefined;
  assert.equal(response.status, 200, `HEAD ${repository}:${tag}`);
  return response.headers.get("docker-content-digest") ?? undefined;
}

/** A scratch image with `bytes` of random (incompressible) payload: its compressed size is about that. */
function writeContext(bytes: number): string {
  rmSync(CONTEXT, { recursive: true, force: true });
  mkdirSync(CONTEXT, { recursive: true });
  writeFileSync(join(CONTEXT, "Dockerfile"), "FROM scratch\nCOPY payload.bin /payload.bin\n");
  writeFileSync(join(CONTEXT, "payload.bin"), randomBytes(bytes));
  return CONTEXT;
}

interface Pushed {
  run: ComponentBuildRun;
  contentTag: string;
  /** The Index source the component gives: the Image's `ref`, or the content Index's `<tag>@<digest>`. */
  contentRef: string;
  size: number;
}

async function buildAndPush(
  platforms: ("linux/amd64" | "linux/arm64")[],
  repository: string,
  bytes: number,
): Promise<Pushed> {
  const context = writeContext(bytes);
  const recorded = await recordComponentBuild({
    context,
    dockerfile: join(context, "Dockerfile"),
    platforms,
    cache: false,
    network: "host",
  });
  const run = await runComponentBuild(recorded, repository);
  const contentRef =
    platforms.length === 1 ? run.images[0]!.ref! : `${run.indexes[0]!.tag}@${run.indexes[0]!.digest}`;
  return {
    run,
    contentTag: recorded.contentTag,
    contentRef,
    size: await ecrStyleSize(repository, run.digest),
  };
}

/** What the gated Indexes do for `decision`: nothing when it fails; else `imagetools create` per tag. */
async function promote(repository: string, pushed: Pushed, decision: PromotionDecision): Promise<void> {
  if (!decision.promote) return;
  for (const index of promotionIndexes("web", ECR_REPOSITORY_URL, TAGS)) {
    const tag = index.tag.replace(ECR_REPOSITORY_URL, `${LOCAL_REGISTRY}/${repository}`);
    const tagName = tag.slice(tag.lastIndexOf(":") + 1);
    await runCommand(DOCKER, indexCreateInvocation(tag, [pushed.contentRef], decision.push[tagName]));
  }
}

const gate = (pushed: Pushed, maxImageSizeBytes: number) =>
  promotionDecision({
    contentTag: pushed.contentTag,
    contentRef: pushed.contentRef,
    tags: TAGS,
    ecr: { bytes: pushed.size },
    budget: { maxImageSizeBytes, onBudgetExceeded: "fail" },
  });

describe("the promotion gate on the local registry (integration)", function () {
  before(async function () {
    await requireInfrastructure(this);
  });
  after(async () => {
    await removeCreatedImages();
    rmSync(CONTEXT, { recursive: true, force: true });
  });

  for (const platforms of [["linux/amd64"], ["linux/amd64", "linux/arm64"]] as const) {
    const label = `${platforms.length} platform${platforms.length > 1 ? "s" : ""}`;
    const repository = `${RUN}-promotion-${platforms.length}p`;

    it(`${label}: over budget (fail) nothing is promoted; within it the tags name the pushed image; later builds move them only within budget`, async () => {
      const first = await buildAndPush([...platforms], repository, 200_000);
      assert.ok(first.size > 200_000 && first.size < 210_000, `size ${first.size}`);

      // Over budget by one byte: the gate fails, no Index runs, no tag exists. The content tag is pushed.
      const refused = gate(first, first.size - 1);
      assert.equal(refused.promote, false);
      await promote(repository, first, refused);
      for (const tag of TAGS) assert.equal(await tagDigest(repository, tag), undefined, `${tag} written`);
      assert.equal(await tagDigest(repository, first.contentTag), first.run.digest);

      // Within budget: promoted.
      await promote(repository, first, gate(first, first.size));
      for (const tag of TAGS) {
        const promoted = await getManifest(repository, tag);
        if (platforms.length === 1) {
          // imagetools wraps the single image manifest: a one-entry index around the pushed image.
          assert.notEqual(promoted.digest, first.run.digest);
          assert.equal(promoted.mediaType ?? promoted.contentType, DOCKER_LIST);
          assert.deepEqual(
            promoted.manifests?.map((entry) => [
              entry.digest,
              `${entry.platform?.os}/${entry.platform?.architecture}`,
            ]),
            [[first.run.digest, "linux/amd64"]],
          );
        } else {
          // The content tag's index is copied as it is: same digest.
          assert.equal(promoted.digest, first.run.digest);
        }
        // Either way ECR would size it as the pushed image (what tag-policy.ts fixedTagMoves relies on).
        assert.equal(await ecrStyleSize(repository, tag), first.size);
      }
      const promotedDigests = await Promise.all(TAGS.map((tag) => tagDigest(repository, tag)));

      // A later, bigger build over the same budget: refused; the tags stay on the first image.
      const bigger = await buildAndPush([...platforms], repository, 400_000);
      const refusedAgain = gate(bigger, first.size + 1000);
      assert.equal(refusedAgain.promote, false);
      await promote(repository, bigger, refusedAgain);
      assert.deepEqual(await Promise.all(TAGS.map((tag) => tagDigest(repository, tag))), promotedDigests);

      // A later build within budget: the moving tags are re-pointed (docker-build's Index update).
      const next = await buildAndPush([...platforms], repository, 100_000);
      await promote(repository, next, gate(next, first.size + 1000));
      for (const tag of TAGS) {
        const moved = await getManifest(repository, tag);
        const names = platforms.length === 1 ? moved.manifests?.map((entry) => entry.digest) : [moved.digest];
        assert.deepEqual(names, [next.run.digest], `${tag} was not re-pointed`);
      }

      // push: false (a fixed tag already on this build): `imagetools create --dry-run` writes nothing.
      const before = await tagDigest(repository, "latest");
      await runCommand(
        DOCKER,
        indexCreateInvocation(`${LOCAL_REGISTRY}/${repository}:latest`, [first.contentRef], false),
      );
      assert.equal(await tagDigest(repository, "latest"), before);
    });
  }
});
