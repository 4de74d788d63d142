// The pure parts of tools/bench-fleet.ts: what a registry's storage says each repository links, and the
// table with its two closing lines. A directory laid out as distribution v2.8 lays out its filesystem storage.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blobBytes, renderFleetTable, repositoryLinkedBlobs } from "../../tools/lib/fleet-bench";

const hex = (c: string) => c.repeat(64).slice(0, 64);

describe("bench:fleet helpers", () => {
  let root: string;
  const v2 = () => join(root, "docker", "registry", "v2");
  const blob = (c: string, bytes: number) => {
    const dir = join(v2(), "blobs", "sha256", hex(c).slice(0, 2), hex(c));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "data"), Buffer.alloc(bytes));
  };
  const link = (repository: string, kind: string[], c: string) => {
    const dir = join(v2(), "repositories", ...repository.split("/"), ...kind, "sha256", hex(c));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "link"), `sha256:${hex(c)}`);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "fleet-bench-"));
    blob("a", 1000); // a shared base layer
    blob("b", 30); // svc-1's config
    blob("c", 40); // svc-2's config
    blob("d", 5); // a manifest
    link("bench/svc-1", ["_layers"], "a");
    link("bench/svc-1", ["_layers"], "b");
    link("bench/svc-1", ["_manifests", "revisions"], "d");
    link("bench/svc-2", ["_layers"], "a");
    link("bench/svc-2", ["_layers"], "c");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("repositoryLinkedBlobs: layer links and manifest revisions, each digest once, with the blob store's sizes", () => {
    assert.deepEqual(repositoryLinkedBlobs(root, "bench/svc-1"), [
      { digest: `sha256:${hex("a")}`, bytes: 1000 },
      { digest: `sha256:${hex("b")}`, bytes: 30 },
      { digest: `sha256:${hex("d")}`, bytes: 5 },
    ]);
    assert.deepEqual(repositoryLinkedBlobs(root, "bench/none"), []);
    assert.equal(blobBytes(root, `sha256:${hex("c")}`), 40);
    assert.equal(blobBytes(root, `sha256:${hex("e")}`), undefined);
  });

  it("repositoryLinkedBlobs: a link to a blob the store lacks is an error, not a zero", () => {
    link("bench/svc-2", ["_layers"], "e");
    assert.throws(
      () => repositoryLinkedBlobs(root, "bench/svc-2"),
      /bench\/svc-2 links sha256:e+, which is not in the blob store/,
    );
  });

  it("renderFleetTable: one row per repository, the max error of each accounting", () => {
    const { summaries, maxErrors, table } = renderFleetTable([
      {
        repository: "bench/svc-1",
        change: "2 builds",
        manifests: 4,
        modelRepositoryBytes: 1035,
        registryRepositoryBytes: 1035,
        modelSharedBytes: 1035,
        registrySharedBytes: 1035,
        registryBlobs: 3,
      },
      {
        repository: "bench/svc-2",
        change: "2 builds",
        manifests: 4,
        modelRepositoryBytes: 1040,
        registryRepositoryBytes: 1000, // 4.00 %
        modelSharedBytes: 1075,
        registrySharedBytes: 1075,
        registryBlobs: 4,
      },
    ]);
    assert.deepEqual(summaries, [
      "fleet storage model vs registry: max error 0.0% over 2 repositories (shared blobs)",
      "fleet storage model vs registry: max error 4.0% over 2 repositories (per-repository copies)",
    ]);
    assert.deepEqual(maxErrors, { shared: 0, perRepository: 4 });
    assert.equal(
      table.split("\n")[3],
      "| bench/svc-2 | 2 builds | 4 | 1,040 | 1,000 | 4.00% | 1,075 | 1,075 | 4 | 0.00% |",
    );
  });
});
