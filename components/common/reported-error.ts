/**
 * Errors a Pulumi user sees as one clean diagnostic (issue 18 item 6): the component, the argument, the
 * value and the fix, without a stack trace and without the SDK's `error serializing property …` prefix.
 * The error classes a user can meet (InvalidArgumentError, InvalidInputError; moving to
 * components/common/errors.ts) extend {@link ReportedError} instead of `Error`. No Pulumi import: the
 * SDK recognizes these by duck typing, as it recognizes its own classes across several SDK copies.
 *
 * How @pulumi/pulumi 3.276 reports an error that leaves the program (cmd/run/run.js 368-404, the
 * `uncaughtException`/`unhandledRejection` handler that `pulumi up` and `preview` run under,
 * pulumi-language-nodejs main.go `constructArguments` starting `node <sdk>/cmd/run …`):
 * - `RunError.isInstance(err)` (errors.js: `utils.isInstance(obj, "__pulumiRunError")`, a true boolean
 *   member): `log.error(err.message)`: one diagnostic, no stack;
 * - `ResourceError.isInstance(err)` (`__pulumResourceError`, the SDK's own spelling) with `hideStack`:
 *   `log.error(err.message, err.resource)`: one diagnostic on that resource, no stack;
 * - anything else: "Running program '<dir>' failed with an unhandled exception:" and `util.inspect(err)`:
 *   the stack trace and every own property of the error object.
 * The process then exits 32 (cmd/run/index.js `nodeJSProcessExitedAfterLoggingUserActionableMessage`),
 * which the language host turns into `Bail: true` (main.go 1056-1060): nothing more is printed.
 *
 * An error thrown while an Output that feeds a resource input resolves (the check of an Output-valued
 * arg in an apply) passes through `serializeFilteredProperties` (runtime/rpc.js 133-146), which rewrites
 * `err.message` to `error serializing property "<the child's input>": …` on the same object. That names
 * a property of a child resource the user never wrote: `message` here ignores writes.
 *
 * test/common/reported-error.test.ts runs programs through cmd/run against a resource monitor and
 * engine of its own (the gRPC services the CLI would serve) and reads the diagnostics the engine gets.
 */

export class ReportedError extends Error {
  /** RunError's marker (errors.js `RunError.isInstance`); false once {@link reportedOn} a resource. */
  declare __pulumiRunError: boolean;
  /** ResourceError's marker (errors.js `ResourceError.isInstance`, spelled as the SDK spells it). */
  declare __pulumResourceError: boolean;
  /** The resource the diagnostic is shown on (ResourceError's `resource`), once {@link reportedOn}. */
  declare resource: object | undefined;
  /** ResourceError's `hideStack`: always, the message says everything. */
  declare readonly hideStack: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // The SDK's `err.message = \`error serializing property …\`` (rpc.js 142) is ignored: the message
    // stays the one that names the user's argument.
    Object.defineProperty(this, "message", {
      get: () => message,
      set: () => undefined,
      enumerable: false,
      configurable: true,
    });
    // Not enumerable: run.js 402 formats every uncaught error with util.inspect (for a trace event),
    // and an enumerable `resource` would have it walk the whole component (70 s of it under load here).
    for (const [key, value] of [
      ["__pulumiRunError", true],
      ["__pulumResourceError", false],
      ["resource", undefined],
      ["hideStack", true],
    ] as const)
      Object.defineProperty(this, key, {
        value,
        writable: key !== "hideStack",
        enumerable: false,
        configurable: true,
      });
  }

  /** How util.inspect (and console.error) shows it: the message, which says everything. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `${this.name}: ${this.message}`;
  }

  /**
   * Shows the diagnostic on `resource` (the component, once `super()` registered it) instead of on
   * the stack: the CLI prints it under that resource's row.
   */
  reportedOn(resource: object): this {
    this.__pulumiRunError = false;
    this.__pulumResourceError = true;
    this.resource = resource;
    return this;
  }
}

/**
 * Where the errors of checks that run later are shown: the component the user called. A resolver runs
 * before `super()`, so the component does not exist yet when it wraps an Output-valued arg in its check
 * (./outputs.ts `checkedInput`); it is handed a target, and the component attaches itself right after
 * `super()`. An Output never resolves synchronously, so every such check runs once the target is
 * attached, and its ReportedError is then reported on the component (one diagnostic on its row).
 */
export class ReportTarget {
  #component: object | undefined;

  /** The component the errors are shown on, once `super()` registered it. */
  attach(component: object): void {
    this.#component = component;
  }

  /**
   * `error` reported on the attached component when it is a ReportedError not yet reported on a
   * resource; anything else (an InternalError, a ReportedError a child already reported) as it is.
   */
  report<E>(error: E): E {
    if (error instanceof ReportedError && this.#component !== undefined && !error.__pulumResourceError)
      error.reportedOn(this.#component);
    return error;
  }
}
