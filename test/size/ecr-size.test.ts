import assert from "node:assert/strict";
import { ecrLookupFailed, ecrSizeLookup, withFallbackReason } from "../../components/size/ecr-size";

const DIGEST = "sha256:" + "cd".repeat(32);

describe("ECR values that may be absent (size/ecr-size.ts)", () => {
  const table: Array<[unknown, ReturnType<typeof ecrSizeLookup>]> = [
    [1234, { size: { bytes: 1234, basis: "ecr", note: `imageSizeInBytes of ${DIGEST} in ECR` } }],
    [0, { size: { bytes: 0, basis: "ecr", note: `imageSizeInBytes of ${DIGEST} in ECR` } }],
    [undefined, { missing: `aws.ecr.getImage returned no imageSizeInBytes for ${DIGEST}` }],
    [null, { missing: `aws.ecr.getImage returned imageSizeInBytes=null for ${DIGEST}` }],
    [-1, { missing: `aws.ecr.getImage returned imageSizeInBytes=-1 for ${DIGEST}` }],
    [Number.NaN, { missing: `aws.ecr.getImage returned imageSizeInBytes=NaN for ${DIGEST}` }],
    ["1234", { missing: `aws.ecr.getImage returned imageSizeInBytes=1234 for ${DIGEST}` }],
  ];
  for (const [imageSizeInBytes, expected] of table) {
    it(`ecrSizeLookup(${typeof imageSizeInBytes} ${String(imageSizeInBytes)})`, () => {
      assert.deepEqual(ecrSizeLookup(DIGEST, imageSizeInBytes), expected);
    });
  }

  it("ecrLookupFailed names the digest, the repository and the provider's message", () => {
    assert.deepEqual(ecrLookupFailed("web", DIGEST, new Error("ImageNotFoundException: not here")), {
      missing: `aws.ecr.getImage could not read ${DIGEST} in web (ImageNotFoundException: not here)`,
    });
    assert.deepEqual(ecrLookupFailed("web", DIGEST, new Error("")), {
      missing: `aws.ecr.getImage could not read ${DIGEST} in web (no detail from the provider)`,
    });
  });

  it("withFallbackReason prefixes the reason to a fallback's note, never to an ECR size", () => {
    const estimate = { bytes: 5, basis: "estimate", note: "local build" } as const;
    assert.deepEqual(withFallbackReason(estimate, "why"), {
      bytes: 5,
      basis: "estimate",
      note: "why, so using basis estimate: local build",
    });
    assert.deepEqual(withFallbackReason(estimate, undefined), estimate);
    const ecr = { bytes: 5, basis: "ecr", note: "n" } as const;
    assert.deepEqual(withFallbackReason(ecr, "why"), ecr);
  });
});
