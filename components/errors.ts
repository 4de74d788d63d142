/**
 * A bug in this library, not a problem with the user's input: an exception nobody planned for, caught at
 * the boundary of a pure module and re-thrown as this type so that callers (and property tests) can tell
 * "your input is wrong" (the module's own input error, e.g. DockerfileParseError) from "we are wrong".
 */
export class InternalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InternalError";
  }
}
