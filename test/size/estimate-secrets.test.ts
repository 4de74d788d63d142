import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkEstimate, type EstimateInputs, type Estimator } from "../../components/size/estimate-provider";
import { ImageSizeEstimate } from "../../components/size/estimate-resource";
import { ImageBuildError } from "../../components/common/errors";
import { redactSecrets, withSecretFiles } from "../../components/size/local-estimate";
import { installMocks, secretValue, settle } from "../helpers/pulumi-mocks";

const SECRET = "userpaths-unit-secret-value";

function secretDirs(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith("ecr-pipeline-secrets-"));
}

describe("size estimate with build secrets (issue 18 item 5): files only for the build", () => {
  it("no secrets: no flags, no directory", async () => {
    const before = secretDirs();
    assert.deepEqual(await withSecretFiles(undefined, async (flags) => flags), []);
    assert.deepEqual(await withSecretFiles({}, async (flags) => flags), []);
    assert.deepEqual(secretDirs(), before);
  });

  it("each secret in a 0600 file of a 0700 directory while the build runs, gone after", async () => {
    const before = secretDirs();
    let seen:
      { flags: readonly string[]; files: { mode: number; text: string }[]; dirMode: number } | undefined;
    await withSecretFiles({ token: SECRET, "pip.conf": "[global]\n" }, async (flags) => {
      const files = flags
        .filter((flag) => flag.startsWith("id="))
        .map((flag) => /,src=(.*)$/.exec(flag)![1]!)
        .map((file) => ({ mode: fs.statSync(file).mode & 0o777, text: fs.readFileSync(file, "utf8") }));
      const dir = path.dirname(/,src=(.*)$/.exec(flags[1]!)![1]!);
      seen = { flags, files, dirMode: fs.statSync(dir).mode & 0o777 };
    });
    assert.ok(seen);
    assert.deepEqual(
      seen.flags.map((flag) => flag.replace(/src=.*\/(secret-\d)$/, "src=<dir>/$1")),
      ["--secret", "id=token,src=<dir>/secret-0", "--secret", "id=pip.conf,src=<dir>/secret-1"],
    );
    assert.deepEqual(seen.files, [
      { mode: 0o600, text: SECRET },
      { mode: 0o600, text: "[global]\n" },
    ]);
    assert.equal(seen.dirMode, 0o700);
    assert.deepEqual(secretDirs(), before, "the directory is removed");
  });

  it("a failed build: the directory is removed and the values are redacted from the error", async () => {
    const before = secretDirs();
    await assert.rejects(
      withSecretFiles({ token: SECRET }, async () => {
        throw new ImageBuildError(
          `docker buildx build failed:\n> echo ${SECRET}\n${SECRET}`,
          `tail ${SECRET}`,
        );
      }),
      (error: unknown) => {
        assert.ok(error instanceof ImageBuildError);
        assert.equal(error.message, "docker buildx build failed:\n> echo [secret]\n[secret]");
        assert.equal(error.outputTail, "tail [secret]");
        return true;
      },
    );
    assert.deepEqual(secretDirs(), before);
  });

  it("an id buildx cannot take is refused before anything is written", async () => {
    const before = secretDirs();
    await assert.rejects(
      withSecretFiles({ "a,b": SECRET }, async () => "built"),
      /^Error: the secret id "a,b" cannot be passed to buildx --secret \(no commas, quotes, '=' or line breaks\)$/,
    );
    assert.deepEqual(secretDirs(), before);
  });

  it("redactSecrets leaves short values alone (a 1-3 character secret would blank the whole note)", () =>
    assert.equal((redactSecrets(new Error("a b c"), { x: "b" }) as Error).message, "a b c"));

  it("checkEstimate: the estimator gets the secrets; a failure's note never holds them; they stay under `secrets`", async () => {
    const news: EstimateInputs = {
      context: "/ctx",
      contextHash: "ab".repeat(32),
      secrets: { token: SECRET },
    };
    let received: Record<string, string> | undefined;
    const failing: Estimator = async (inputs) => {
      received = inputs.secrets;
      throw new Error(`RUN printenv printed ${SECRET}`);
    };
    const state = await checkEstimate(undefined, news, failing);
    assert.deepEqual(received, { token: SECRET });
    assert.equal(state.note, "size estimate failed: RUN printenv printed [secret]");
    const { secrets, ...rest } = state;
    assert.deepEqual(secrets, { token: SECRET });
    assert.ok(!JSON.stringify(rest).includes(SECRET), JSON.stringify(rest));
  });
});

describe("ImageSizeEstimate registers the secrets as a secret (under mocks)", () => {
  it("plain strings from the caller reach the engine as a secret; the other inputs stay plain", async () => {
    const recorder = installMocks();
    const estimate = new ImageSizeEstimate("web-size-estimate", {
      context: "/ctx",
      contextHash: "ab".repeat(32),
      secrets: { token: SECRET },
    });
    await settle(estimate.note);
    const registered = recorder.resources.find((resource) => resource.name === "web-size-estimate");
    assert.ok(registered);
    assert.deepEqual(secretValue(registered.inputs.secrets), { token: SECRET });
    assert.equal(secretValue(registered.inputs.context), undefined);
    assert.equal(registered.inputs.context, "/ctx");
  });
});
