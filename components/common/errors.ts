/**
 * Every error class of ecr-pipeline, in one file: the ground floor, so any folder may throw them, and the
 * package exports them all (components/index.ts). An `InternalError` is a bug in ecr-pipeline itself (an
 * exception the code did not expect), never a problem with the user's input: validators and parsers wrap
 * unexpected exceptions in it instead of reporting them as input errors, so that callers, and the
 * property tests, can tell the two apart (issue 12).
 *
 * The two a user meets for a bad input, InvalidArgumentError and InvalidInputError, are ReportedErrors
 * (./reported-error.ts): `pulumi preview` shows each as one diagnostic, the message alone, on the component
 * it is reported on, without a stack trace (issue 18 item 6).
 */
import { ReportedError } from "./reported-error";

export { ReportedError };

/** An unexpected exception inside ecr-pipeline: a bug to report, not an input to fix. */
export class InternalError extends Error {
  override readonly name = "InternalError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(
      `ecr-pipeline internal error (a bug, please report it with the input that caused it): ${message}`,
      options,
    );
  }
}

/**
 * An input the pure modules refuse: out of range, not a number, or beyond the size they promise to
 * handle in bounded time. `key` is the input as the caller wrote it (e.g. `pushesPerDay[0].perDay`),
 * and the message says the value and the fix.
 */
export class InvalidInputError extends ReportedError {
  override readonly name = "InvalidInputError";

  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The text is not a Dockerfile `docker build` would accept. The message names the line, what is wrong and
 * how to fix it, because it is shown as-is in `pulumi preview`.
 */
export class DockerfileParseError extends Error {
  /** 1-based line of the problem; undefined when it concerns the whole file. */
  readonly line: number | undefined;
  readonly problem: string;
  readonly fix: string;

  constructor(line: number | undefined, problem: string, fix: string) {
    super(`${line === undefined ? "Dockerfile" : `Dockerfile line ${line}`}: ${problem}. Fix: ${fix}`);
    this.name = "DockerfileParseError";
    this.line = line;
    this.problem = problem;
    this.fix = fix;
  }
}

/**
 * Thrown for an argument that cannot work; the message names the component the user called, the
 * argument as they wrote it, the value and the fix. Before `super()` it stops the program as one
 * diagnostic on the stack; when an Output-valued argument is checked as it resolves, the component
 * reports it on itself (`reportedOn`).
 */
export class InvalidArgumentError extends ReportedError {
  constructor(
    readonly component: string,
    readonly argument: string,
    problem: string,
    fix: string,
  ) {
    super(`${component}: invalid argument "${argument}": ${problem}. ${fix}`);
    this.name = "InvalidArgumentError";
  }
}

/**
 * A path of the build context (or the Dockerfile, or its ignore file) cannot be used. The message names
 * the path, what is wrong and the fix, because it is shown as-is in `pulumi preview`.
 */
export class BuildContextError extends Error {
  readonly path: string;
  readonly problem: string;
  readonly fix: string;
  /** The errno code behind it (ENOENT, EACCES, ...), when there is one. */
  readonly code: string | undefined;

  constructor(filePath: string, problem: string, fix: string, code?: string) {
    super(`${filePath}: ${problem}. Fix: ${fix}`);
    this.name = "BuildContextError";
    this.path = filePath;
    this.problem = problem;
    this.fix = fix;
    this.code = code;
  }
}

/** Thrown when the engine answered but the build itself failed (a broken Dockerfile, a failing RUN). */
export class ImageBuildError extends Error {
  constructor(
    message: string,
    readonly outputTail: string,
  ) {
    super(message);
    this.name = "ImageBuildError";
  }
}
