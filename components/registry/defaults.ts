/**
 * What EcrRegistryDefaults registers, as plain data (issue 20, items 1, 5, 6): the one replication configuration
 * of the registry (every existing rule kept, the pipelines' rules merged in), the REPLICATION creation templates
 * in each destination region, an optional CREATE_ON_PUSH template, one pull-through cache rule and its
 * PULL_THROUGH_CACHE template per upstream, and the BLOB_MOUNTING account setting. Pure, no Pulumi: the
 * component registers exactly what `registryDefaultsPlan` returns, and every error names the component's arg
 * (`replicationRules["orders (prod)"]`, `pullThroughCacheImages[1]`, …) before anything is registered.
 *
 * Why one owner, and what it cannot guarantee (docs/PRICING.md, "Replication"; README, "EcrRegistryDefaults"):
 * `aws.ecr.ReplicationConfiguration` writes the WHOLE configuration of the registry on create and update
 * (PutReplicationConfiguration, https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutReplicationConfiguration.html:
 * "Creates or updates the replication configuration for a registry"), and its delete writes `rules: []`
 * (terraform-provider-aws internal/service/ecr/replication_configuration.go), turning replication off for
 * every repository. So the owner is handed the rules the registry holds now (`aws ecr describe-registry`)
 * and only adds to them; a rule added outside between that read and the update is lost, and a second owner
 * overwrites the first.
 */
import { InvalidInputError } from "../common/errors";
import { describeValue } from "../cost/validate";
import { formatLifecycleProblems, renderLifecyclePolicy, validateLifecyclePolicy } from "../lifecycle";
import {
  pullThroughCacheFor,
  pullThroughUpstreamOf,
  type PullThroughCacheRuleInputs,
} from "./pull-through-cache";
import {
  mergeReplicationRules,
  replicationRulesFromDescribeRegistry,
  type RegistryWarning,
  type ReplicationRule,
} from "./replication";
import {
  TemplateAppliedFor,
  mergeCreationTemplates,
  pullThroughCacheLifecycleRules,
  pullThroughCacheTemplateFor,
  type RepositoryCreationTemplateInputs,
  type RequestedTemplate,
} from "./templates";

/** The upstream names `pullThroughCacheCredentialArns` is keyed by (CreatePullThroughCacheRule `upstreamRegistry`). */
export const PULL_THROUGH_UPSTREAMS = [
  "docker-hub",
  "ecr-public",
  "quay",
  "k8s",
  "github-container-registry",
  "gitlab-container-registry",
  "azure-container-registry",
] as const;

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
/** A template request's key, as the user wrote it: `replicationTemplates["orders (prod)"]`. */
const keyOf = (arg: string, requestedBy: string) => `${arg}[${JSON.stringify(requestedBy)}]`;

export interface RegistryDefaultsInput {
  registryId: string;
  region: string;
  /** The rules the registry holds now; undefined: the replication configuration is not managed. */
  existingReplicationRules?: readonly unknown[];
  /** Rules pipelines need, by who asks. */
  replicationRules: Readonly<Record<string, unknown>>;
  /** REPLICATION templates pipelines need, by who asks (the same key as their rule). */
  replicationTemplates: Readonly<Record<string, unknown>>;
  /** The CREATE_ON_PUSH template, already built from the repository settings. */
  createOnPush?: RepositoryCreationTemplateInputs;
  pullThroughCacheImages: readonly string[];
  pullThroughCacheCredentialArns: Readonly<Record<string, string>>;
  pullThroughCacheUntaggedDays: number;
  blobMounting: boolean;
}

/** A creation template to register, in `region`, and who asked for it. */
export interface PlannedTemplate {
  region: string;
  inputs: RepositoryCreationTemplateInputs;
  requestedBy: string[];
}

/** One pull-through cache rule and the template for the repositories it creates. */
export interface PlannedPullThroughCache {
  rule: PullThroughCacheRuleInputs;
  template: RepositoryCreationTemplateInputs;
  /** The references (as given) this rule serves. */
  images: string[];
}

export interface RegistryDefaultsPlan {
  /** `<account>.dkr.ecr.<region>.amazonaws.com`. */
  registryHost: string;
  /** The rules to register; undefined when the replication configuration is not managed. */
  replicationRules: ReplicationRule[] | undefined;
  /** REPLICATION templates in destination regions, then the CREATE_ON_PUSH template, in request order. */
  templates: PlannedTemplate[];
  pullThroughCaches: PlannedPullThroughCache[];
  /** Each `pullThroughCacheImages` reference → the reference to build FROM. */
  cachedReferences: Record<string, string>;
  blobMounting: boolean;
  /** Problems that do not block (overlapping rules, ROOT templates), naming the arg. */
  warnings: RegistryWarning[];
}

/** The rules parsed as describe-registry prints them, errors named under `key` and ending with `fix`. */
function parseRules(
  rules: readonly unknown[],
  key: (index: number) => string,
  fix: string,
): ReplicationRule[] {
  try {
    return replicationRulesFromDescribeRegistry({ replicationConfiguration: { rules } });
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    const match = /^replicationConfiguration\.rules\[(\d+)\]/.exec(error.key);
    const rename = (text: string) =>
      match === null ? text : text.split(match[0]).join(key(Number(match[1])));
    throw new InvalidInputError(rename(error.key), `${rename(error.message)}. Fix: ${fix}`);
  }
}

const EXISTING_FIX =
  'pass the rules as `aws ecr describe-registry` prints them: { destinations: [{ region, registryId }], repositoryFilters?: [{ filter, filterType: "PREFIX_MATCH" }] }';
const REQUESTED_FIX = "pass the pipeline's replicationRule output unchanged";

function checkTemplate(value: unknown, key: string): RepositoryCreationTemplateInputs {
  const inputs = value as Partial<RepositoryCreationTemplateInputs> | null;
  if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) {
    throw new InvalidInputError(
      key,
      `${key} must be a creation template (a pipeline's replicationTemplate output), got ${describeValue(value)}`,
    );
  }
  if (!Array.isArray(inputs.appliedFors) || !inputs.appliedFors.includes(TemplateAppliedFor.Replication)) {
    throw new InvalidInputError(
      `${key}.appliedFors`,
      `${key}.appliedFors must include "REPLICATION", got ${describeValue(inputs.appliedFors)}`,
    );
  }
  if (typeof inputs.prefix !== "string" || inputs.prefix === "") {
    throw new InvalidInputError(
      `${key}.prefix`,
      `${key}.prefix must be a template prefix, got ${describeValue(inputs.prefix)}`,
    );
  }
  if (typeof inputs.lifecyclePolicy !== "string") {
    throw new InvalidInputError(
      `${key}.lifecyclePolicy`,
      `${key}.lifecyclePolicy must be lifecycle policy JSON text, got ${describeValue(inputs.lifecyclePolicy)}`,
    );
  }
  // The same checks EcrRepository's policy passed (ECR would reject a policy with errors at create).
  const errors = validateLifecyclePolicy(inputs.lifecyclePolicy).filter((each) => each.severity === "error");
  if (errors.length > 0) {
    throw new InvalidInputError(
      `${key}.lifecyclePolicy`,
      `${key}.lifecyclePolicy would be rejected:\n${formatLifecycleProblems(errors)}`,
    );
  }
  return inputs as RepositoryCreationTemplateInputs;
}

/**
 * Everything EcrRegistryDefaults registers, checked. Errors (InvalidInputError, key = the arg as written):
 * a bad account id or region; requested rules without `existingReplicationRules` (the existing rules would be
 * overwritten); a rule or template that is not one; a template without a rule under its key (its regions are
 * the rule's destinations), whose prefix does not reach the rule's repositories, or for a destination in
 * another account; two templates for one prefix and region with different settings; more rules or filters
 * than ECR allows; a pull-through cache image no rule can serve, or whose upstream needs a credential not
 * given; a credential for an unknown upstream; two templates with one prefix in this registry.
 */
export function registryDefaultsPlan(input: RegistryDefaultsInput): RegistryDefaultsPlan {
  if (typeof input.registryId !== "string" || !ACCOUNT_ID.test(input.registryId)) {
    throw new InvalidInputError(
      "registryId",
      `registryId must be the registry's 12-digit account id, got ${describeValue(input.registryId)}. Fix: pass the AWS provider's account, e.g. (await aws.getCallerIdentity()).accountId`,
    );
  }
  if (typeof input.region !== "string" || !REGION.test(input.region)) {
    throw new InvalidInputError(
      "region",
      `region must be a region code such as "us-east-1", got ${describeValue(input.region)}. Fix: pass the AWS provider's region (stack config aws:region)`,
    );
  }
  const { registryId, region } = input;
  // A pipeline without replication outputs undefined for both: nothing asked.
  const asked = (record: Readonly<Record<string, unknown>>) =>
    Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined && value !== null));
  const replicationRules = asked(input.replicationRules);
  const replicationTemplates = asked(input.replicationTemplates);
  const registryHost = `${registryId}.dkr.ecr.${region}.amazonaws.com`;
  const warnings: RegistryWarning[] = [];

  // Replication: the existing rules, then every request merged in (never dropping a rule).
  const requesters = Object.keys(replicationRules);
  let mergedRules: ReplicationRule[] | undefined;
  if (input.existingReplicationRules === undefined) {
    if (requesters.length > 0) {
      throw new InvalidInputError(
        "existingReplicationRules",
        `existingReplicationRules is unset while replicationRules asks for ${requesters.map((each) => JSON.stringify(each)).join(", ")}: the replication configuration is written whole, so the rules the registry holds now would be deleted. Fix: pass them (the "rules" of \`aws ecr describe-registry --query replicationConfiguration\`), or [] when it holds none`,
      );
    }
  } else {
    if (!Array.isArray(input.existingReplicationRules)) {
      throw new InvalidInputError(
        "existingReplicationRules",
        `existingReplicationRules must be a list of rules, got ${describeValue(input.existingReplicationRules)}`,
      );
    }
    const existing = parseRules(
      input.existingReplicationRules,
      (index) => `existingReplicationRules[${index}]`,
      EXISTING_FIX,
    );
    const requested = requesters.map((requestedBy) => {
      const key = keyOf("replicationRules", requestedBy);
      const [rule] = parseRules([replicationRules[requestedBy]], () => key, REQUESTED_FIX);
      return { requestedBy, rule: rule as ReplicationRule, key };
    });
    // mergeReplicationRules names requests `requested[i].rule.…`; the user wrote `replicationRules["<key>"].…`.
    const rename = (text: string) =>
      text.replace(
        /requested\[(\d+)\](?:\.rule)?/g,
        (match, index: string) => requested[Number(index)]?.key ?? match,
      );
    try {
      const merged = mergeReplicationRules(existing, requested);
      mergedRules = merged.rules;
      warnings.push(
        ...merged.warnings.map((warning) => ({ key: rename(warning.key), message: warning.message })),
      );
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      throw new InvalidInputError(rename(error.key), error.message);
    }
  }

  // REPLICATION templates: in each destination region of the rule with the same key.
  const templateRequests: (RequestedTemplate & { key: string })[] = [];
  for (const requestedBy of Object.keys(replicationTemplates)) {
    const key = keyOf("replicationTemplates", requestedBy);
    const inputs = checkTemplate(replicationTemplates[requestedBy], key);
    if (!Object.prototype.hasOwnProperty.call(replicationRules, requestedBy)) {
      throw new InvalidInputError(
        key,
        `${key} has no replicationRules entry ${JSON.stringify(requestedBy)}: a template is registered in the destination regions of the rule with the same key. Fix: pass the pipeline's replicationRule under the same key`,
      );
    }
    const [rule] = parseRules(
      [replicationRules[requestedBy]],
      () => keyOf("replicationRules", requestedBy),
      REQUESTED_FIX,
    );
    for (const filter of rule?.repositoryFilters ?? []) {
      if (inputs.prefix !== "ROOT" && !filter.filter.startsWith(`${inputs.prefix}/`)) {
        throw new InvalidInputError(
          `${key}.prefix`,
          `${key}.prefix "${inputs.prefix}" does not reach the repositories its rule replicates ("${filter.filter}"): ECR would create those replicas without this lifecycle policy. Fix: use the pipeline's replicationTemplate output unchanged`,
        );
      }
    }
    for (const destination of rule?.destinations ?? []) {
      if (destination.registryId !== registryId) {
        throw new InvalidInputError(
          key,
          `${key}: the rule replicates to account ${destination.registryId} (${destination.region}), and this component registers templates in account ${registryId} only. Fix: register the template with an EcrRegistryDefaults in that account, or drop it from replicationTemplates`,
        );
      }
      templateRequests.push({ requestedBy, region: destination.region, inputs, key });
    }
    if (inputs.prefix === "ROOT") {
      warnings.push({
        key: `${key}.prefix`,
        message: `${key}: prefix "ROOT" gives its lifecycle policy to every repository ECR creates by replication in ${rule?.destinations.map((each) => each.region).join(", ")} that no other template matches.`,
      });
    }
  }
  let merged: RequestedTemplate[];
  try {
    merged = mergeCreationTemplates(templateRequests);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    const index = Number(/^requested\[(\d+)\]$/.exec(error.key)?.[1]);
    throw new InvalidInputError(templateRequests[index]?.key ?? error.key, error.message);
  }
  const templates: PlannedTemplate[] = merged.map((template) => ({
    region: template.region,
    inputs: template.inputs,
    requestedBy: [
      ...new Set(
        templateRequests
          .filter((each) => each.region === template.region && each.inputs.prefix === template.inputs.prefix)
          .map((each) => each.requestedBy),
      ),
    ],
  }));

  // Pull-through cache: one rule (and template) per prefix, in first-seen order.
  const credentials = input.pullThroughCacheCredentialArns;
  for (const upstream of Object.keys(credentials)) {
    if (!(PULL_THROUGH_UPSTREAMS as readonly string[]).includes(upstream)) {
      throw new InvalidInputError(
        `pullThroughCacheCredentialArns[${JSON.stringify(upstream)}]`,
        `pullThroughCacheCredentialArns is keyed by upstream; ${JSON.stringify(upstream)} is not one. Fix: use one of ${PULL_THROUGH_UPSTREAMS.join(", ")}`,
      );
    }
  }
  const lifecyclePolicy = renderLifecyclePolicy(
    pullThroughCacheLifecycleRules(input.pullThroughCacheUntaggedDays),
  );
  const pullThroughCaches: PlannedPullThroughCache[] = [];
  const cachedReferences: Record<string, string> = {};
  input.pullThroughCacheImages.forEach((image, index) => {
    const key = `pullThroughCacheImages[${index}]`;
    const upstream = typeof image === "string" ? pullThroughUpstreamOf(image) : undefined;
    if (upstream === undefined) {
      throw new InvalidInputError(
        key,
        `${key} ${describeValue(image)} is not in a registry a pull-through cache rule can serve (Docker Hub, ECR Public, Quay, registry.k8s.io, GitHub, GitLab or Azure container registries). Fix: leave it out, or copy the image into an ECR repository yourself`,
      );
    }
    let plan: ReturnType<typeof pullThroughCacheFor>;
    try {
      const credentialArn = credentials[upstream.upstream];
      plan = pullThroughCacheFor(image, registryHost, credentialArn === undefined ? {} : { credentialArn });
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      const arg =
        error.key === "credentialArn"
          ? `pullThroughCacheCredentialArns[${JSON.stringify(upstream.upstream)}]`
          : key;
      throw new InvalidInputError(arg, `${key} ${JSON.stringify(image)}: ${error.message}`);
    }
    if (plan === undefined) return;
    cachedReferences[image] = plan.cachedReference;
    const prefix = plan.rule.ecrRepositoryPrefix;
    const existing = pullThroughCaches.find((each) => each.rule.ecrRepositoryPrefix === prefix);
    if (existing === undefined) {
      pullThroughCaches.push({
        rule: plan.rule,
        template: pullThroughCacheTemplateFor(prefix, lifecyclePolicy),
        images: [image],
      });
    } else if (!existing.images.includes(image)) {
      existing.images.push(image);
    }
  });

  // One template per prefix in this registry (CreateRepositoryCreationTemplate fails on an existing prefix).
  if (input.createOnPush !== undefined) {
    const clash = pullThroughCaches.find((each) => each.template.prefix === input.createOnPush?.prefix);
    if (clash !== undefined) {
      throw new InvalidInputError(
        "createOnPushPrefix",
        `createOnPushPrefix "${input.createOnPush.prefix}" is also the prefix of the pull-through cache rule for ${clash.rule.upstreamRegistryUrl}: ECR keeps one creation template per prefix. Fix: use another prefix for repositories created on push`,
      );
    }
    templates.push({ region, inputs: input.createOnPush, requestedBy: ["createOnPushPrefix"] });
  }

  return {
    registryHost,
    replicationRules: mergedRules,
    templates,
    pullThroughCaches,
    cachedReferences,
    blobMounting: input.blobMounting,
    warnings,
  };
}
