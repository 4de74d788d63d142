/**
 * How a size the component reports was obtained. Every size and cost output carries one, so a
 * reviewer can tell a measurement from a guess:
 * - `ecr`: the compressed size ECR reports for the pushed digest (`aws.ecr.getImage` →
 *   `imageSizeInBytes`), i.e. what ECR bills for. Known in preview only when the image is unchanged.
 * - `estimate`: the compressed size of a local build of the same context, measured before anything is
 *   pushed (the preview-time estimate).
 * - `budget`: nothing better is known, so the environment's size budget stands in (an upper bound the
 *   team committed to, not a measurement).
 */
export const SizeBasis = { Ecr: "ecr", Estimate: "estimate", Budget: "budget" } as const;
export type SizeBasis = (typeof SizeBasis)[keyof typeof SizeBasis];

/** A size with its basis and a one-line note on where it came from. */
export interface KnownImageSize {
  /** Compressed bytes of one image (all platforms), as a registry stores it. */
  bytes: number;
  basis: SizeBasis;
  /** e.g. "imageSizeInBytes of sha256:… in ECR" or "no Docker engine reachable: using the budget". */
  note: string;
}
