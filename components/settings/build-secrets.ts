/**
 * Secrets never in build args (issue 18 item 5), as plain functions.
 *
 * Why a credential must not be a build arg: BuildKit records the build args a RUN uses in the image's
 * history (`created_by: "RUN |1 NPM_TOKEN=… /bin/sh -c …"`), which anyone who can pull the image reads
 * (test/integration/build-secrets.test.ts shows it on the engine), and docker-build keeps its inputs,
 * build args included, in plain text in the Pulumi state. A build secret (`secrets`, read with
 * `RUN --mount=type=secret,id=<id>`) is mounted for that RUN only and is in no layer
 * (https://docs.docker.com/build/building/secrets/).
 *
 * - {@link credentialBuildArgProblems}: a build arg whose name looks like a credential (the analyzer's
 *   rule, ../dockerfile/analyze.ts `looksLikeSecretName`: `*TOKEN*`, `*SECRET*`, `*PASSWORD*`, `*_KEY`
 *   but not `*_KEY_ID`, …) or whose value does (a URL with a password, a known token prefix, an AWS
 *   secret access key's shape, a private key) is rejected with the fix, unless its name is listed in
 *   `nonSecretBuildArgs` (the per-key opt-out for false positives). Messages never show the value.
 * - {@link secretMountProblems}: a secret passed but mounted by no RUN of the stages built, or mounted
 *   but not passed, reported by id (the Dockerfile read with the analyzer's parser).
 */
import type { ArgumentProblem } from "../common/argument-problem";
import { looksLikeSecretName } from "../dockerfile/analyze";
import { DockerfileParseError } from "../common/errors";
import { parseDockerfile, type ParsedDockerfile, type ParsedInstruction } from "../dockerfile/parse";

/** Token formats with a documented prefix (GitHub, GitLab, Slack, npm, PyPI, Stripe). */
const TOKEN_PREFIXES =
  /^(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|npm_[A-Za-z0-9]{30,}|pypi-[A-Za-z0-9_-]{50,}|sk_live_[A-Za-z0-9]{20,})$/;
/**
 * An AWS secret access key: 40 characters of base64 (`wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY` in
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html). A 40-digit hex
 * commit hash has the same length: only a value with upper AND lower case letters counts.
 */
const AWS_SECRET_KEY = /^[A-Za-z0-9/+]{40}$/;

/** Why a build-arg value looks like a credential (never the value itself), or undefined. */
export function credentialValueKind(value: string): string | undefined {
  const trimmed = value.trim();
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(trimmed)) return "a private key";
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/?#@\s]*)@/i.exec(trimmed);
  if (url !== null) {
    const userinfo = url[1] ?? "";
    if (userinfo.includes(":") && userinfo.slice(userinfo.indexOf(":") + 1) !== "")
      return "a URL with a password";
    if (TOKEN_PREFIXES.test(decodeURIComponentSafe(userinfo))) return "a URL with a token as its user";
  }
  if (TOKEN_PREFIXES.test(trimmed)) return "an access token (its prefix says so)";
  if (AWS_SECRET_KEY.test(trimmed) && /[A-Z]/.test(trimmed) && /[a-z]/.test(trimmed))
    return "an AWS secret access key (40 base64 characters)";
  return undefined;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Build args that look like credentials. `buildArgs` holds the plain values (a value that is an
 * Output is passed as `undefined` and only its name is judged; the resolver judges the value when the
 * Output resolves, with this function). `nonSecretBuildArgs` is the opt-out, by name.
 */
export function credentialBuildArgProblems(
  buildArgs: Readonly<Record<string, unknown>>,
  nonSecretBuildArgs: readonly string[] = [],
): ArgumentProblem[] {
  const problems: ArgumentProblem[] = [];
  const optOut = new Set(nonSecretBuildArgs);
  for (const [name, value] of Object.entries(buildArgs)) {
    if (optOut.has(name)) continue;
    const why = looksLikeSecretName(name)
      ? "its name looks like a credential"
      : typeof value === "string"
        ? credentialValueKind(value)
        : undefined;
    if (why === undefined) continue;
    const id = /^[A-Za-z0-9_.-]+$/.test(name) ? name : "my_secret";
    problems.push({
      argument: `buildArgs.${name}`,
      problem: `${why.startsWith("its") ? why : `its value looks like ${why}`}; build args are recorded in the image's history, readable by anyone who can pull it, and kept in plain text in the Pulumi state`,
      fix: `Pass it in secrets (secrets: { ${JSON.stringify(id)}: … }) and read it in the Dockerfile with RUN --mount=type=secret,id=${id} (the value is then at /run/secrets/${id} for that RUN only); if it is not a credential, add ${JSON.stringify(name)} to nonSecretBuildArgs.`,
    });
  }
  for (const name of optOut)
    if (!(name in buildArgs))
      problems.push({
        argument: "nonSecretBuildArgs",
        problem: `lists ${JSON.stringify(name)}, which is not a build arg`,
        fix: `Remove it, or correct the name to one of buildArgs (${Object.keys(buildArgs).join(", ") || "none"}).`,
      });
  return problems;
}

/** One `RUN --mount=type=secret`: the id it reads and where it is. */
export interface SecretMount {
  id: string;
  line: number;
  /** The stage's name or index, as the analyzer's findings name it. */
  stage: string;
  /** `required=true`: BuildKit fails the RUN when the secret is not passed. */
  required: boolean;
}

/**
 * The secret mounts of the stages built for `target` (the target, the stages it is built FROM, and
 * the stages it copies or mounts from, transitively): `id=`, or the basename of `target=` when there is
 * no id ("id: ID of the secret. Defaults to basename of the target path.", Dockerfile reference,
 * https://docs.docker.com/reference/dockerfile/#run---mounttypesecret). Ids written with a variable
 * (`id=$NAME`) are left out: their value is only known to the build.
 */
export function secretMountsOf(parsed: ParsedDockerfile): SecretMount[] {
  const stages = parsed.stages;
  const byName = new Map<string, number>();
  for (const stage of stages)
    if (stage.name !== undefined && !byName.has(stage.name)) byName.set(stage.name, stage.index);
  const stageOf = (value: string | null | undefined): number | undefined => {
    if (value === null || value === undefined) return undefined;
    const named = byName.get(value.toLowerCase());
    if (named !== undefined) return named;
    return /^\d+$/.test(value) && Number(value) < stages.length ? Number(value) : undefined;
  };
  const mounts: SecretMount[] = [];
  const built = new Set<number>(parsed.finalChain);
  const queue = [...parsed.finalChain];
  for (let next = 0; next < queue.length; next += 1) {
    const stage = stages[queue[next] as number];
    if (stage === undefined) continue;
    const sources: (number | undefined)[] = [stage.parentStageIndex];
    for (const instruction of parsed.instructionsOf(stage)) {
      for (const flag of instruction.flags) if (flag.name === "from") sources.push(stageOf(flag.value));
      for (const options of mountOptions(instruction)) {
        sources.push(stageOf(options.get("from")));
        if ((options.get("type") ?? "bind") !== "secret") continue;
        const target = options.get("target") ?? options.get("dst") ?? options.get("destination");
        const id = options.get("id") ?? (target === undefined ? undefined : target.split("/").pop());
        if (id === undefined || id === "" || id.includes("$")) continue;
        const required = options.get("required");
        mounts.push({
          id,
          line: instruction.line,
          stage: stage.label,
          required: required === "" || required === "true",
        });
      }
    }
    for (const source of sources)
      if (source !== undefined && !built.has(source)) {
        built.add(source);
        queue.push(source);
      }
  }
  return mounts.sort((a, b) => a.line - b.line);
}

/** The options of each `--mount=` flag of a RUN, keys lower-cased, quotes removed. */
function mountOptions(instruction: ParsedInstruction): Map<string, string>[] {
  if (instruction.keyword !== "RUN" || instruction.flags.length === 0) return [];
  const all: Map<string, string>[] = [];
  for (const flag of instruction.flags) {
    if (flag.name !== "mount" || flag.value === null) continue;
    const options = new Map<string, string>();
    for (const option of flag.value.split(",")) {
      const equals = option.indexOf("=");
      const key = (equals < 0 ? option : option.slice(0, equals)).trim().toLowerCase();
      options.set(key, (equals < 0 ? "" : option.slice(equals + 1).trim()).replace(/^"|"$/g, ""));
    }
    all.push(options);
  }
  return all;
}

export interface SecretMountCheck {
  /** A secret mounted by a RUN of the stages built but not passed in `secrets`. */
  errors: ArgumentProblem[];
  /** A secret passed but mounted by no RUN of the stages built. */
  warnings: ArgumentProblem[];
  /** The Dockerfile could not be parsed (the build will say why): nothing was checked. */
  unparsed?: string;
}

/**
 * Secrets passed but never mounted, and mounted but never passed, by id. `secretIds` are the keys of
 * the `secrets` arg (plain: the keys of an Output map are checked when it resolves).
 */
export function secretMountProblems(
  dockerfileText: string,
  target: string | undefined,
  secretIds: readonly string[],
  dockerfileName = "the Dockerfile",
): SecretMountCheck {
  let parsed: ParsedDockerfile;
  try {
    parsed = parseDockerfile(dockerfileText, target);
  } catch (error) {
    if (error instanceof DockerfileParseError) return { errors: [], warnings: [], unparsed: error.message };
    throw error;
  }
  const mounts = secretMountsOf(parsed);
  const passed = new Set(secretIds);
  const errors: ArgumentProblem[] = [];
  const reported = new Set<string>();
  for (const mount of mounts) {
    if (passed.has(mount.id) || reported.has(mount.id)) continue;
    reported.add(mount.id);
    errors.push({
      argument: "secrets",
      problem: `${dockerfileName} mounts the secret ${JSON.stringify(mount.id)} (RUN --mount=type=secret on line ${mount.line}, stage ${mount.stage}) but secrets has no ${JSON.stringify(mount.id)}: ${mount.required ? "the build fails there (required=true)" : `that RUN runs without /run/secrets/${mount.id} (BuildKit skips a secret it was not given)`}`,
      fix: `Add it: secrets: { ${JSON.stringify(mount.id)}: … }, or remove the mount.`,
    });
  }
  const mounted = new Set(mounts.map((mount) => mount.id));
  const warnings: ArgumentProblem[] = secretIds
    .filter((id) => !mounted.has(id))
    .map((id) => ({
      argument: `secrets.${id}`,
      problem: `is passed to the build, but no RUN of the stages built mounts it, so nothing reads it`,
      fix: `Mount it where it is needed (RUN --mount=type=secret,id=${id} …), or remove it from secrets.`,
    }));
  return { errors, warnings };
}
