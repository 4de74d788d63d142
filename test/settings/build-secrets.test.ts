import assert from "node:assert/strict";
import { formatArgumentProblem, type ArgumentProblem } from "../../components/common/argument-problem";
import {
  credentialBuildArgProblems,
  credentialValueKind,
  secretMountProblems,
} from "../../components/settings/build-secrets";

const text = (problems: ArgumentProblem[]) =>
  problems.map((problem) => formatArgumentProblem("EcrImagePipeline web", problem));

// Shapes only: none of these is a real credential (the AWS one is the IAM guide's example).
const AWS_EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const GITHUB_LIKE = `ghp_${"A1b2".repeat(9)}`;

describe("build secrets: credentials never in build args (issue 18 item 5)", () => {
  const namesFlagged = [
    "AWS_SECRET_ACCESS_KEY",
    "NPM_TOKEN",
    "GITHUB_TOKEN",
    "DB_PASSWORD",
    "STRIPE_KEY",
    "API_KEY",
    "CLIENT_SECRET",
    "PIP_CREDENTIALS",
  ];
  for (const name of namesFlagged)
    it(`${name} is rejected by its name`, () =>
      assert.equal(credentialBuildArgProblems({ [name]: "x" }).length, 1));

  const namesAccepted = [
    "AWS_ACCESS_KEY_ID",
    "NODE_VERSION",
    "PIP_INDEX_URL",
    "PUBLIC_KEY",
    "GPG_KEY",
    "KEY_FILE",
  ];
  for (const name of namesAccepted)
    it(`${name} with a plain value is accepted`, () =>
      assert.deepEqual(credentialBuildArgProblems({ [name]: "https://pypi.org/simple" }), []));

  it("the issue's AWS_SECRET_ACCESS_KEY: the message names the arg and the fix, never the value", () => {
    const messages = text(credentialBuildArgProblems({ AWS_SECRET_ACCESS_KEY: AWS_EXAMPLE_SECRET }));
    assert.deepEqual(messages, [
      'EcrImagePipeline web: invalid argument "buildArgs.AWS_SECRET_ACCESS_KEY": its name looks like a credential; build args are recorded in the image\'s history, readable by anyone who can pull it, and kept in plain text in the Pulumi state. Pass it in secrets (secrets: { "AWS_SECRET_ACCESS_KEY": … }) and read it in the Dockerfile with RUN --mount=type=secret,id=AWS_SECRET_ACCESS_KEY (the value is then at /run/secrets/AWS_SECRET_ACCESS_KEY for that RUN only); if it is not a credential, add "AWS_SECRET_ACCESS_KEY" to nonSecretBuildArgs.',
    ]);
    assert.ok(!messages[0]!.includes(AWS_EXAMPLE_SECRET));
  });

  it("the issue's PIP_INDEX_URL with a token in it: rejected by its value", () => {
    const url = "https://__token__:pypi-secret-value@pypi.example.com/simple";
    const messages = text(credentialBuildArgProblems({ PIP_INDEX_URL: url }));
    assert.deepEqual(messages, [
      'EcrImagePipeline web: invalid argument "buildArgs.PIP_INDEX_URL": its value looks like a URL with a password; build args are recorded in the image\'s history, readable by anyone who can pull it, and kept in plain text in the Pulumi state. Pass it in secrets (secrets: { "PIP_INDEX_URL": … }) and read it in the Dockerfile with RUN --mount=type=secret,id=PIP_INDEX_URL (the value is then at /run/secrets/PIP_INDEX_URL for that RUN only); if it is not a credential, add "PIP_INDEX_URL" to nonSecretBuildArgs.',
    ]);
    assert.ok(!messages[0]!.includes("pypi-secret-value"));
  });

  const values: [string, string | undefined][] = [
    ["https://user:pass@host/x", "a URL with a password"],
    ["https://user:@host/x", undefined], // an empty password is no credential
    [`https://${GITHUB_LIKE}@github.com/org/repo.git`, "a URL with a token as its user"],
    ["https://pypi.org/simple", undefined],
    ["git@github.com:org/repo.git", undefined], // scp-like ssh address: no secret in it
    [GITHUB_LIKE, "an access token (its prefix says so)"],
    [AWS_EXAMPLE_SECRET, "an AWS secret access key (40 base64 characters)"],
    ["3f2a9c1d4e5b6a7980f1e2d3c4b5a69788f0e1d2", undefined], // a 40-hex commit hash
    ["-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn...\n-----END OPENSSH PRIVATE KEY-----", "a private key"],
    ["22-bookworm-slim", undefined],
  ];
  for (const [value, kind] of values)
    it(`value ${JSON.stringify(value.slice(0, 30))}: ${kind ?? "not a credential"}`, () =>
      assert.equal(credentialValueKind(value), kind));

  it("the opt-out, per key: a false positive listed in nonSecretBuildArgs is accepted; a typo there is not", () => {
    assert.deepEqual(credentialBuildArgProblems({ CACHE_KEY: "v3" }, ["CACHE_KEY"]), []);
    assert.deepEqual(text(credentialBuildArgProblems({ CACHE_KEY: "v3" }, ["CACHE_KYE"])), [
      'EcrImagePipeline web: invalid argument "buildArgs.CACHE_KEY": its name looks like a credential; build args are recorded in the image\'s history, readable by anyone who can pull it, and kept in plain text in the Pulumi state. Pass it in secrets (secrets: { "CACHE_KEY": … }) and read it in the Dockerfile with RUN --mount=type=secret,id=CACHE_KEY (the value is then at /run/secrets/CACHE_KEY for that RUN only); if it is not a credential, add "CACHE_KEY" to nonSecretBuildArgs.',
      'EcrImagePipeline web: invalid argument "nonSecretBuildArgs": lists "CACHE_KYE", which is not a build arg. Remove it, or correct the name to one of buildArgs (CACHE_KEY).',
    ]);
  });

  it("a value that is an Output (undefined here) is judged by its name only", () => {
    assert.equal(credentialBuildArgProblems({ NPM_TOKEN: undefined }).length, 1);
    assert.deepEqual(credentialBuildArgProblems({ REGISTRY_URL: undefined }), []);
  });
});

describe("build secrets: passed but never mounted, mounted but never passed", () => {
  const dockerfile = [
    "# syntax=docker/dockerfile:1",
    "FROM python:3.12-slim AS deps",
    "RUN --mount=type=secret,id=pip_conf,target=/etc/pip.conf pip install -r /req.txt",
    "FROM deps AS test",
    "RUN --mount=type=secret,id=test_token cat /run/secrets/test_token",
    "FROM python:3.12-slim AS assets",
    "RUN --mount=type=secret,target=/root/.npmrc npm ci",
    "FROM python:3.12-slim",
    "COPY --from=deps /usr/local /usr/local",
    "RUN --mount=type=bind,from=assets,source=/dist,target=/dist cp -r /dist /app",
    "RUN --mount=type=secret,id=sentry,required=true true",
  ].join("\n");

  it("the stages built (FROM, COPY --from, --mount from=) are read; a stage not built (test) is not", () =>
    assert.deepEqual(secretMountProblems(dockerfile, undefined, ["pip_conf", ".npmrc", "sentry"]), {
      errors: [],
      warnings: [],
    }));

  it("mounted but not passed: an error per id, with the line, the stage and what BuildKit does", () =>
    assert.deepEqual(text(secretMountProblems(dockerfile, undefined, []).errors), [
      'EcrImagePipeline web: invalid argument "secrets": the Dockerfile mounts the secret "pip_conf" (RUN --mount=type=secret on line 3, stage deps) but secrets has no "pip_conf": that RUN runs without /run/secrets/pip_conf (BuildKit skips a secret it was not given). Add it: secrets: { "pip_conf": … }, or remove the mount.',
      'EcrImagePipeline web: invalid argument "secrets": the Dockerfile mounts the secret ".npmrc" (RUN --mount=type=secret on line 7, stage assets) but secrets has no ".npmrc": that RUN runs without /run/secrets/.npmrc (BuildKit skips a secret it was not given). Add it: secrets: { ".npmrc": … }, or remove the mount.',
      'EcrImagePipeline web: invalid argument "secrets": the Dockerfile mounts the secret "sentry" (RUN --mount=type=secret on line 11, stage 3) but secrets has no "sentry": the build fails there (required=true). Add it: secrets: { "sentry": … }, or remove the mount.',
    ]));

  it("passed but not mounted: a warning naming the secret", () =>
    assert.deepEqual(
      text(
        secretMountProblems(dockerfile, undefined, ["pip_conf", ".npmrc", "sentry", "test_token", "typo"])
          .warnings,
      ),
      [
        'EcrImagePipeline web: invalid argument "secrets.test_token": is passed to the build, but no RUN of the stages built mounts it, so nothing reads it. Mount it where it is needed (RUN --mount=type=secret,id=test_token …), or remove it from secrets.',
        'EcrImagePipeline web: invalid argument "secrets.typo": is passed to the build, but no RUN of the stages built mounts it, so nothing reads it. Mount it where it is needed (RUN --mount=type=secret,id=typo …), or remove it from secrets.',
      ],
    ));

  it("with target test, that stage's mount counts", () =>
    assert.deepEqual(secretMountProblems(dockerfile, "test", ["pip_conf", "test_token"]), {
      errors: [],
      warnings: [],
    }));

  it("a Dockerfile the parser rejects: nothing checked, the reason kept", () => {
    const result = secretMountProblems("FROM\n", undefined, ["x"]);
    assert.deepEqual([result.errors, result.warnings], [[], []]);
    assert.match(result.unparsed ?? "", /^Dockerfile line 1: /);
  });
});
