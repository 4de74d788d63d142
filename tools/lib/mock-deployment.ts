/**
 * What a deployment answers under `pulumi.runtime.setMocks`: the account, registry, digests and sizes,
 * and the outputs of the resources and invokes both mock sets give alike. Shared by the resource dump
 * (tools/resource-dump.ts) and the tests' mocks (test/helpers/pulumi-mocks.ts), so that both describe the
 * same deployment; here in tools/lib because tools never import tests (test/layout.test.ts).
 */
export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";
export const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
export const DIGEST = "sha256:" + "ab".repeat(32);
/** Digest of a pushed docker-build Index (an image index). */
export const INDEX_DIGEST = "sha256:" + "cd".repeat(32);
/** imageSizeInBytes ECR reports for the pushed image (50 MiB). */
export const ECR_SIZE_BYTES = 52_428_800;
/** What the local size estimate measures (45 MiB). */
export const ESTIMATE_BYTES = 47_185_920;

/** An ECR Repository's outputs: its name (`<resource name>-a1b2c3d` when none is given), ARN, registry and URL. */
export function repositoryOutputs(
  inputs: Record<string, unknown>,
  resourceName: string,
): Record<string, unknown> {
  const name = (inputs.name as string | undefined) ?? `${resourceName}-a1b2c3d`;
  return {
    name,
    arn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`,
    registryId: ACCOUNT,
    repositoryUrl: `${REGISTRY}/${name}`,
  };
}

/** A pushed docker-build Image's `ref`: its first tag with the digest (image.go `addDigest`). */
export function pushedImageRef(inputs: Record<string, unknown>): string {
  const tags = (inputs.tags as string[] | undefined) ?? [];
  return `${tags[0] ?? `${REGISTRY}/x`}@${DIGEST}`;
}

/** A docker-build Index's `ref` (index.go Update): `<tag>@<digest>` once pushed, the bare tag before. */
export function indexRef(inputs: Record<string, unknown>, pushed: boolean): unknown {
  return pushed ? `${String(inputs.tag)}@${INDEX_DIGEST}` : inputs.tag;
}

/** What `aws.ecr.getAuthorizationToken` returns. */
export const AUTHORIZATION_TOKEN = {
  userName: "AWS",
  password: "token-password",
  proxyEndpoint: `https://${REGISTRY}`,
} as const;

/**
 * An invoke's failure as a provider reports it, with `details`: the program sees `new Error(err.details)`
 * (@pulumi/pulumi runtime/invoke.js), which the tag policy reads (tagLookupFrom).
 */
export function invokeFailure(message: string): Error {
  return Object.assign(new Error(message), { details: message });
}

/** `aws.ecr.getImage` by a tag ECR does not hold. */
export function tagNotFound(tag: string): Error {
  return invokeFailure(
    `ImageNotFoundException: The image with imageId {imageTag:'${tag}'} does not exist within the repository`,
  );
}
