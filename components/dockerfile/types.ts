/** How much a finding matters: `error` should block, `warning` costs bytes or safety, `info` is a hint. */
export const FindingSeverity = { Error: "error", Warning: "warning", Info: "info" } as const;
// The `as const` object + type pattern (not a bare union) is what Pulumi's component schema analyzer
// turns into an enum, so the component's `findings` output stays usable from other languages.
export type FindingSeverity = (typeof FindingSeverity)[keyof typeof FindingSeverity];

/** One problem found in a Dockerfile, with the line it is on and how to fix it. */
export interface DockerfileFinding {
  /** A rule id from `dockerfileRules`, e.g. `full-base-image`. */
  id: string;
  severity: FindingSeverity;
  /** 1-based line of the instruction the finding is about. */
  line: number;
  message: string;
  fix: string;
  /** Compressed bytes the fix would save, only where a sourced number supports it. */
  estimatedBytesSaved?: number;
  /** The build stage (its `AS` name, or its index as Docker numbers it) the finding is in. */
  stage?: string;
}

export interface AnalyzeDockerfileOptions {
  /**
   * Text of the build context's `.dockerignore`. `null`: the context has none. `undefined`: unknown, so the
   * rules that judge the build context are skipped rather than guessed.
   */
  dockerignore?: string | null;
  /** Paths of the files in the build context, relative to its root (forward slashes). */
  contextFiles?: readonly string[];
  /** The stage that is built (`--target`); the last stage when omitted, as in `docker build`. */
  target?: string;
  /** Platforms the image is built for; with two or more, `emulated-build-stage` applies. */
  platforms?: readonly string[];
  /**
   * The ECR registry host the image is pushed to (`<account>.dkr.ecr.<region>.amazonaws.com`); with it,
   * `base-image-pull-through-cache` reports bases an ECR pull-through cache rule could serve.
   */
  pullThroughCacheRegistry?: string;
  /**
   * Builder per platform (the pipeline's `platformBuilders`): a platform listed here builds on its own
   * (native) builder, so only the platforms left to the default builder can run under emulation.
   */
  platformBuilders?: Readonly<Record<string, string>>;
  /**
   * Text of the build context's pip requirements files by path (`requirements.txt`,
   * `requirements/dev.txt`, …): `python-dev-packages` reads what `pip install -r <file>` installs.
   * Without it, only the file's name can mark it as a development file.
   */
  requirementFiles?: Readonly<Record<string, string>>;
}

/**
 * Which stages a rule looks at. `final-image`: only stages whose layers end up in the built image (the
 * target stage and the stages it is built `FROM`); a builder stage only hands over what `COPY --from` takes.
 * `any-stage`: every stage, because the problem (a leaked secret, a stale package index) does not depend on
 * which layers are kept.
 */
export type RuleScope = "final-image" | "any-stage";

/** One entry of the rule catalog: what the rule checks, why it matters and how to fix it. */
export interface DockerfileRule {
  id: string;
  severity: FindingSeverity;
  scope: RuleScope;
  title: string;
  why: string;
  fix: string;
  /** Where the practice is documented. */
  docs: string;
}

/**
 * One simple command of a RUN: its words (quotes removed; leading `VAR=value`, `sudo`, `env` and shell
 * keywords such as `then` removed; redirections dropped), and the environment variables the command
 * sees beyond the Dockerfile's ENV/ARG: its own `VAR=value` prefix, `env VAR=value`, and what an
 * earlier `export VAR=value` in the same RUN set.
 */
export interface ShellCommand {
  words: string[];
  environment: ReadonlyMap<string, string>;
}
