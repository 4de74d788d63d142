import * as pulumi from "@pulumi/pulumi";

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
