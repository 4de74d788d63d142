/**
 * Inputs of `aws.ecr.PullThroughCacheRule` for the base images a Dockerfile pulls from public registries, and
 * the reference a build uses instead. Pure, no Pulumi (issue 20, item 5).
 *
 * Upstream URLs and prefixes as the ECR API documents them (CreatePullThroughCacheRule `upstreamRegistryUrl`:
 * "Amazon ECR Public (ecr-public) – public.ecr.aws, Docker Hub (docker-hub) – registry-1.docker.io, GitHub
 * Container Registry (github-container-registry) – ghcr.io, GitLab Container Registry
 * (gitlab-container-registry) – registry.gitlab.com, Kubernetes (k8s) – registry.k8s.io, Microsoft Azure
 * Container Registry (azure-container-registry) – <custom>.azurecr.io, Quay (quay) – quay.io"), and which need
 * a Secrets Manager credential: "Amazon ECR Public, Kubernetes container image registry, and Quay (doesn't
 * require authentication); Docker Hub, Microsoft Azure Container Registry, GitHub Container Registry, GitLab
 * Container Registry and Chainguard Registry (requires authentication with AWS Secrets Manager secret)" (ECR
 * user guide, pull-through-cache.html; the secret's name must begin with `ecr-pullthroughcache/`). A Docker
 * Hub official image is pulled as `<prefix>/library/<name>` ("For Docker Hub official images, the /library
 * prefix must be included", pull-through-cache-working-pulling.html). Chainguard is left out: its URL is not
 * in the API reference read here. gcr.io is not a supported upstream.
 */
import { InvalidInputError } from "../common/errors";
import { describeValue } from "../cost/validate";

export interface PullThroughUpstream {
  /** The API's name for the upstream, e.g. `docker-hub`. */
  upstream: string;
  /** `upstreamRegistryUrl` of the rule. */
  upstreamRegistryUrl: string;
  /** The ECR repository prefix the console uses by default (any namespace works). */
  defaultPrefix: string;
  /** The rule needs `credentialArn` (a Secrets Manager secret named `ecr-pullthroughcache/...`). */
  credentialRequired: boolean;
}

/** Registry host → upstream. Docker Hub also covers images written without a registry. */
const UPSTREAMS: readonly (PullThroughUpstream & { hosts: readonly string[] })[] = [
  {
    upstream: "docker-hub",
    upstreamRegistryUrl: "registry-1.docker.io",
    defaultPrefix: "docker-hub",
    credentialRequired: true,
    hosts: ["docker.io", "index.docker.io", "registry-1.docker.io"],
  },
  {
    upstream: "ecr-public",
    upstreamRegistryUrl: "public.ecr.aws",
    defaultPrefix: "ecr-public",
    credentialRequired: false,
    hosts: ["public.ecr.aws"],
  },
  {
    upstream: "quay",
    upstreamRegistryUrl: "quay.io",
    defaultPrefix: "quay",
    credentialRequired: false,
    hosts: ["quay.io"],
  },
  {
    upstream: "k8s",
    upstreamRegistryUrl: "registry.k8s.io",
    defaultPrefix: "kubernetes",
    credentialRequired: false,
    hosts: ["registry.k8s.io"],
  },
  {
    upstream: "github-container-registry",
    upstreamRegistryUrl: "ghcr.io",
    defaultPrefix: "github",
    credentialRequired: true,
    hosts: ["ghcr.io"],
  },
  {
    upstream: "gitlab-container-registry",
    upstreamRegistryUrl: "registry.gitlab.com",
    defaultPrefix: "gitlab",
    credentialRequired: true,
    hosts: ["registry.gitlab.com"],
  },
];

/** An image reference split as a registry client does: registry host (if any), path, tag or digest. */
export interface SplitReference {
  /** Host of the registry, or undefined for Docker Hub's short form (`node:22`, `bitnami/redis`). */
  host: string | undefined;
  /** Repository path in that registry, e.g. `library/node`, `bitnami/redis`, `distroless/static`. */
  path: string;
  /** `:tag` or `@sha256:...`, as written (empty when neither). */
  suffix: string;
}

/** Splits `reference` like the Docker reference grammar: a first component with "." or ":" or "localhost" is a host. */
export function splitImageReference(reference: string): SplitReference {
  let rest = reference.trim();
  let suffix = "";
  const at = rest.indexOf("@");
  if (at >= 0) {
    suffix = rest.slice(at);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    suffix = `${rest.slice(colon)}${suffix}`;
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf("/");
  const first = slash < 0 ? "" : rest.slice(0, slash);
  const isHost = first !== "" && (first.includes(".") || first.includes(":") || first === "localhost");
  const host = isHost ? first.toLowerCase() : undefined;
  let path = isHost ? rest.slice(slash + 1) : rest;
  if (host === undefined || UPSTREAMS[0]?.hosts.includes(host)) {
    if (!path.includes("/")) path = `library/${path}`;
  }
  return { host, path, suffix };
}

/** The upstream a reference's registry is, or undefined when no pull-through cache rule can serve it. */
export function pullThroughUpstreamOf(reference: string): PullThroughUpstream | undefined {
  const { host } = splitImageReference(reference);
  const match =
    host === undefined
      ? UPSTREAMS[0]
      : (UPSTREAMS.find((upstream) => upstream.hosts.includes(host)) ??
        (host.endsWith(".azurecr.io")
          ? {
              upstream: "azure-container-registry",
              upstreamRegistryUrl: host,
              defaultPrefix: "azure",
              credentialRequired: true,
              hosts: [host],
            }
          : undefined));
  if (match === undefined) return undefined;
  const { hosts: _hosts, ...upstream } = match;
  return upstream;
}

/** `aws.ecr.PullThroughCacheRule` arguments, as plain values. */
export interface PullThroughCacheRuleInputs {
  ecrRepositoryPrefix: string;
  upstreamRegistryUrl: string;
  /** Set when the upstream requires authentication. */
  credentialArn?: string;
}

export interface PullThroughCachePlan {
  upstream: PullThroughUpstream;
  rule: PullThroughCacheRuleInputs;
  /** The repository ECR creates for this image, e.g. `docker-hub/library/node`. */
  cachedRepository: string;
  /** What to write in FROM instead: `<registry>/<cachedRepository><tag or digest>`. */
  cachedReference: string;
}

/**
 * Where `reference` is cached under `prefix` (default: the upstream's console prefix) in the registry
 * `registryHost`, without checking credentials: the upstream, the repository ECR creates and the reference to
 * build FROM. Undefined for a registry no pull-through cache rule can serve.
 */
export function cachedReferenceOf(
  reference: string,
  registryHost: string,
  prefix?: string,
): { upstream: PullThroughUpstream; cachedRepository: string; cachedReference: string } | undefined {
  const upstream = pullThroughUpstreamOf(reference);
  if (upstream === undefined) return undefined;
  const { path, suffix } = splitImageReference(reference);
  const cachedRepository = `${prefix ?? upstream.defaultPrefix}/${path.toLowerCase()}`;
  return { upstream, cachedRepository, cachedReference: `${registryHost}/${cachedRepository}${suffix}` };
}

/**
 * The pull-through cache rule that serves `reference` from `registryHost` (e.g.
 * `123456789012.dkr.ecr.us-east-1.amazonaws.com`), and the reference to build FROM. Undefined for a registry
 * no rule can serve. Errors (InvalidInputError naming the arg): an upstream that needs a credential without
 * `credentialArn`, a credential whose secret name does not begin with `ecr-pullthroughcache/`.
 */
export function pullThroughCacheFor(
  reference: string,
  registryHost: string,
  options: { prefix?: string; credentialArn?: string } = {},
): PullThroughCachePlan | undefined {
  const upstream = pullThroughUpstreamOf(reference);
  if (upstream === undefined) return undefined;
  const prefix = options.prefix ?? upstream.defaultPrefix;
  if (
    !/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(prefix) ||
    prefix.length < 2 ||
    prefix.length > 30
  ) {
    throw new InvalidInputError(
      "prefix",
      `prefix ${describeValue(prefix)} is not a pull-through cache repository prefix: 2-30 lowercase letters, digits and ._-/ separators`,
    );
  }
  const rule: PullThroughCacheRuleInputs = {
    ecrRepositoryPrefix: prefix,
    upstreamRegistryUrl: upstream.upstreamRegistryUrl,
  };
  if (upstream.credentialRequired) {
    if (options.credentialArn === undefined) {
      throw new InvalidInputError(
        "credentialArn",
        `${upstream.upstream} (${upstream.upstreamRegistryUrl}) needs credentialArn: a pull-through cache rule for it authenticates with a Secrets Manager secret. Fix: store the upstream's username and access token in a secret named "ecr-pullthroughcache/<name>" and pass its ARN.`,
      );
    }
    if (
      !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:ecr-pullthroughcache\/.+$/.test(
        options.credentialArn,
      )
    ) {
      throw new InvalidInputError(
        "credentialArn",
        `credentialArn ${describeValue(options.credentialArn)} is not a Secrets Manager secret whose name begins with "ecr-pullthroughcache/", as ECR requires`,
      );
    }
    rule.credentialArn = options.credentialArn;
  }
  const cached = cachedReferenceOf(reference, registryHost, prefix);
  if (cached === undefined) return undefined;
  return {
    upstream,
    rule,
    cachedRepository: cached.cachedRepository,
    cachedReference: cached.cachedReference,
  };
}
