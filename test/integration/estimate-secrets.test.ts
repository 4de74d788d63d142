import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import { useEstimateHost } from "../helpers/estimate-host";

const BASE = "ecr-pipeline-test/node:22-slim";
const SECRET = `userpaths-estimate-secret-${randomBytes(12).toString("hex")}`;

/**
 * The preview-time estimate builds with the image's secrets (issue 18 item 5): the serialized
 * ImageSizeEstimate provider in Pulumi's real dynamic-provider host, on the engine. A Dockerfile that
 * needs a secret (as an install from a private registry does: `required=true`, its hash compared) is
 * measured with it, and without it fails to a note (the budget then stands in). What the host returns
 * holds the value under `secrets` only (the engine marks that key secret again: estimate-provider.ts),
 * never in a note, even when the build prints it; no secret file is left behind.
 */
describe("ImageSizeEstimate with build secrets in the real host (integration)", function () {
  this.timeout(300_000);
  const estimate = useEstimateHost({ prefix: "estimate-secrets-", base: BASE });

  const secretDirs = () =>
    fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith("ecr-pipeline-secrets-"));

  // The secrets as the engine sends them: plain (the dynamic provider does not accept secrets).
  const news = (name: string, run: string, secrets?: Record<string, string>) =>
    estimate.inputs(name, `FROM ${BASE}\n${run}\n`, secrets === undefined ? {} : { secrets });

  const expected = createHash("sha256").update(SECRET).digest("hex");
  // 300 kB written by the RUN that needs the secret: the measured size shows the RUN ran.
  const needsSecret = `RUN --mount=type=secret,id=token,required=true test "$(sha256sum < /run/secrets/token | cut -d' ' -f1)" = "${expected}" && head -c 300000 /dev/urandom > /installed.bin && echo ${process.pid}-${Date.now()} > /run-id`;

  it("with the secret: measured (the RUN that needs it ran); the value is under `secrets` only", async () => {
    const before = secretDirs();
    const input = news("with", needsSecret, { token: SECRET });
    const checked = await estimate.host.check({}, input);
    assert.equal(typeof checked.sizeBytes, "number", String(checked.note));
    assert.match(String(checked.note), /^local build of /);
    // The RUN's 300 kB of random bytes are in the measured layers (compressed, about as large).
    const top = (checked.layers as { createdBy: string; compressedBytes: number }[]).at(-1);
    assert.ok(top !== undefined && top.compressedBytes > 290_000, JSON.stringify(top));
    const created = await estimate.host.create(checked);
    const updated = await estimate.host.update(checked, checked);
    for (const [step, properties] of [
      ["check", checked],
      ["create", created.properties],
      ["update", updated],
    ] as const) {
      const { secrets, ...rest } = properties;
      assert.deepEqual(secrets, { token: SECRET }, `${step} keeps the secrets under their key`);
      assert.ok(!JSON.stringify(rest).includes(SECRET), `${step} shows the secret elsewhere`);
    }
    assert.deepEqual(secretDirs(), before, "the secret files were removed");
  });

  it("without the secret: the build fails, no size, a note (the budget stands in)", async () => {
    // Another RUN text: BuildKit's cache key of a RUN leaves its secret mounts out, so the step the
    // first test ran would come from the cache here, secret or not.
    const checked = await estimate.host.check(
      {},
      news("without", `${needsSecret} && echo ${process.pid}-${Date.now()}`),
    );
    assert.equal(checked.sizeBytes, null);
    assert.match(String(checked.note), /^size estimate failed: docker buildx build failed/);
  });

  it("a build that prints the secret and fails: the note says [secret], never the value", async () => {
    const before = secretDirs();
    const checked = await estimate.host.check(
      {},
      news("prints", "RUN --mount=type=secret,id=token cat /run/secrets/token && exit 5", { token: SECRET }),
    );
    assert.equal(checked.sizeBytes, null);
    const note = String(checked.note);
    assert.ok(!note.includes(SECRET), note);
    assert.match(note, /\[secret\]/);
    assert.deepEqual(secretDirs(), before);
  });
});
