/**
 * The two Output helpers of the components: `checkedInput`, how an arg that may be an Output is checked
 * (every resolver of ../settings/ uses it), and `firstKnown`, how the pipeline picks the best value known
 * in preview. The only file below the components that creates Outputs; it never reads one's value.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ReportTarget } from "./reported-error";

/**
 * An arg checked where the user wrote it, whether it is plain or an Output: `check` runs now on a plain
 * value, so a bad one stops the program before anything is registered, and on an Output's value when it
 * resolves (also a list or map holding Outputs: the whole, once every part is known). `check` throws an
 * InvalidArgumentError naming the component the user called, so the error is the same either way; a
 * parent that hands the result to a child hands it an already-checked Output, and the child's own check
 * of the same value can never fail first. The value to use is returned: the plain value itself, or the
 * checked Output. With a `target` (./reported-error.ts `ReportTarget`), an error the check throws when
 * an Output resolves is reported on the component attached to it, so `pulumi preview` shows it on that
 * component's row (a plain value's error stops the program before the component exists).
 *
 *   pullPrincipalArns: checkedInput(args.pullPrincipalArns, (arns) => checkPullPrincipalArns(caller, arns), report),
 */
export function checkedInput<T>(
  value: T,
  check: (value: pulumi.Unwrap<T>) => void,
  target?: ReportTarget,
): T | pulumi.Output<pulumi.Unwrap<T>> {
  if (value === undefined || value === null) return value;
  if (!holdsPending(value)) {
    check(value as pulumi.Unwrap<T>);
    return value;
  }
  return pulumi.output(value).apply((resolved) => {
    try {
      check(resolved as pulumi.Unwrap<T>);
    } catch (error) {
      throw target === undefined ? error : target.report(error);
    }
    return resolved;
  }) as pulumi.Output<pulumi.Unwrap<T>>;
}

/**
 * A dependsOn that holds a child back until every pending value among `values` has resolved (and so
 * passed the check `checkedInput` wrapped it in): an Output of no resources, failing with the check's
 * error, so nothing is registered for a bad Output-valued arg. Undefined when nothing is pending.
 */
export function allResolved(values: readonly unknown[]): pulumi.Output<pulumi.Resource[]> | undefined {
  const pending = values.filter((value) => holdsPending(value));
  if (pending.length === 0) return undefined;
  return pulumi.all(pending.map((value) => pulumi.output(value))).apply(() => [] as pulumi.Resource[]);
}

/** Whether `value` is, or holds, an Output or a Promise: a value only known when it resolves. */
export function isPending(value: unknown): boolean {
  return holdsPending(value);
}

/** Whether `value` is, or holds in a list or plain object, an Output or a Promise (not yet known). */
function holdsPending(value: unknown, depth = 0): boolean {
  if (pulumi.Output.isInstance(value) || value instanceof Promise) return true;
  if (depth > 8 || value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some((item) => holdsPending(item, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).some((item) => holdsPending(item, depth + 1));
}

/**
 * The first candidate whose value is known (and not undefined), else `fallback`, as an Output that is
 * known in `pulumi preview` whenever the chosen candidate is.
 *
 * A plain `apply` never runs its callback on an unknown value, so "use the ECR size if the image is
 * unchanged, else the estimate, else the budget" cannot be written with it: the result would be unknown
 * whenever the first input is. The Node SDK's `apply(func, runWithUnknowns)` exists for exactly this
 * ("used to allow callers to process fully- or partially-unknown values and return a known result",
 * sdk/nodejs/output.ts); it is not in the public typings, so it is reached through a narrow cast here
 * and nowhere else. An unknown value arrives as the `pulumi.unknown` sentinel (`pulumi.isUnknown`).
 */
export function firstKnown<T>(
  candidates: readonly pulumi.Input<T | undefined>[],
  fallback: T,
): pulumi.Output<T> {
  const [first, ...rest] = candidates;
  if (candidates.length === 0) return pulumi.output(fallback) as pulumi.Output<T>;
  const head = pulumi.output(first) as unknown as ApplyWithUnknowns<T | undefined>;
  return head.apply(
    (value) =>
      pulumi.isUnknown(value) || value === undefined || value === null ? firstKnown(rest, fallback) : value,
    true,
  ) as pulumi.Output<T>;
}

interface ApplyWithUnknowns<T> {
  apply<U>(func: (value: T) => pulumi.Input<U>, runWithUnknowns: boolean): pulumi.Output<U>;
}
