/**
 * Inputs of the registry-wide replication configuration (`aws.ecr.ReplicationConfiguration`), as plain data.
 * Pure, no Pulumi: a component registers what these functions return (issue 20, item 1).
 *
 * What the API does, and why the care:
 * - PutReplicationConfiguration "Creates or updates the replication configuration for a registry": ONE
 *   configuration per registry (account and region), rules ≤ 10, destinations per rule ≤ 25 in the AWS
 *   provider's schema (100 in the current API reference), repository filters per rule ≤ 100, filter type
 *   `PREFIX_MATCH` only (ECR API, ReplicationConfiguration / ReplicationRule / RepositoryFilter,
 *   https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationRule.html).
 * - `aws.ecr.ReplicationConfiguration` (@pulumi/aws 7.48.0, bridged from terraform-provider-aws
 *   internal/service/ecr/replication_configuration.go): create and update both call
 *   PutReplicationConfiguration with the rules declared; read calls DescribeRegistry; DELETE calls
 *   PutReplicationConfiguration with `rules: []`, i.e. turns replication off for the whole registry; its id is
 *   the account id. A second stack declaring its own resource overwrites the first's rules on every update.
 * So this stack never writes the configuration on its own: `mergeReplicationRules` keeps every rule that
 * exists (read with `aws ecr describe-registry` and parsed by `replicationRulesFromDescribeRegistry`, or held by
 * the one stack that owns the configuration) and adds this repository's rule, and the owner registers the
 * merged result (docs/PRICING.md, "Replication", and the phase-2 design in the fleet report).
 */
import { InvalidInputError } from "../common/errors";
import { hasRateCard, PRICED_REGIONS } from "../cost/pipeline-cost";
import { describeValue } from "../cost/validate";

/** One destination, as the provider takes it. */
export interface ReplicationDestination {
  region: string;
  /** 12-digit account id of the destination registry. */
  registryId: string;
}

/** Replication filter types (ECR API RepositoryFilter `filterType`: `PREFIX_MATCH` only). */
export const ReplicationFilterType = { PrefixMatch: "PREFIX_MATCH" } as const;
export type ReplicationFilterType = (typeof ReplicationFilterType)[keyof typeof ReplicationFilterType];

/** A repository filter; ECR has only `PREFIX_MATCH`. */
export interface ReplicationRepositoryFilter {
  filter: string;
  /**
   * Always `PREFIX_MATCH` ({@link ReplicationFilterType}). Typed `string`, not the one-member enum: this
   * type is a component output, and Pulumi's schema analyzer before 3.276 (the lowest SDK we support is
   * 3.248) refuses a single string literal ("Unsupported type … type '"PREFIX_MATCH"'").
   */
  filterType: string;
}

/** One rule of `aws.ecr.ReplicationConfiguration`'s `replicationConfiguration.rules`. */
export interface ReplicationRule {
  destinations: ReplicationDestination[];
  /** Absent: the rule replicates every repository of the registry. */
  repositoryFilters?: ReplicationRepositoryFilter[];
}

/** A problem that does not block: the field it is about and what to do. */
export interface RegistryWarning {
  key: string;
  message: string;
}

/** Limits of the configuration, from the provider's schema (the stricter where it and the API differ). */
export const REPLICATION_LIMITS = { rules: 10, destinationsPerRule: 25, filtersPerRule: 100 } as const;

const ACCOUNT_ID = /^\d{12}$/;
/** ECR repository names (API CreateRepository's repositoryName pattern, 2-256 characters). */
export const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export interface ReplicationRuleArgs {
  /** The source repository. */
  repositoryName: string;
  /** The source registry's region. */
  sourceRegion: string;
  /** The source registry's account id. */
  registryId: string;
  /** Destination regions, in the source account unless `destinationRegistryId` says otherwise. */
  replicationRegions: readonly string[];
  /** Account of the destination registries (cross-account replication). Default `registryId`. */
  destinationRegistryId?: string;
  /** Repository names known in the registry: those the prefix filter would also match are warned about. */
  knownRepositories?: readonly string[];
}

/** Checks a repository name as ECR does, naming `key`. */
export function checkRepositoryName(name: unknown, key: string): string {
  if (typeof name !== "string" || name.length < 2 || name.length > 256 || !REPOSITORY_NAME.test(name)) {
    throw new InvalidInputError(
      key,
      `${key} ${describeValue(name)} is not an ECR repository name: 2-256 lowercase letters, digits and ._- separators, namespaces joined by "/" (e.g. "team/orders")`,
    );
  }
  return name;
}

function checkAccount(id: unknown, key: string): string {
  if (typeof id !== "string" || !ACCOUNT_ID.test(id)) {
    throw new InvalidInputError(key, `${key} must be a 12-digit account id, got ${describeValue(id)}`);
  }
  return id;
}

/**
 * This repository's replication rule: its name as the one `PREFIX_MATCH` filter, one destination per region.
 * Errors (InvalidInputError naming `replicationRegions[i]`): a region without a rate card (the cost of the
 * replica could not be priced), the source region itself in the same account, a region listed twice, more
 * destinations than a rule takes. Warnings: other known repositories the prefix also matches.
 */
export function replicationRuleFor(args: ReplicationRuleArgs): {
  rule: ReplicationRule;
  warnings: RegistryWarning[];
} {
  const repositoryName = checkRepositoryName(args.repositoryName, "repositoryName");
  const registryId = checkAccount(args.registryId, "registryId");
  const destinationRegistryId = checkAccount(
    args.destinationRegistryId ?? registryId,
    "destinationRegistryId",
  );
  if (!Array.isArray(args.replicationRegions) || args.replicationRegions.length === 0) {
    throw new InvalidInputError(
      "replicationRegions",
      `replicationRegions must list at least one region to replicate to, got ${describeValue(args.replicationRegions)}`,
    );
  }
  if (args.replicationRegions.length > REPLICATION_LIMITS.destinationsPerRule) {
    throw new InvalidInputError(
      "replicationRegions",
      `replicationRegions lists ${args.replicationRegions.length} regions; one replication rule takes at most ${REPLICATION_LIMITS.destinationsPerRule} destinations`,
    );
  }
  const destinations: ReplicationDestination[] = [];
  args.replicationRegions.forEach((region: unknown, index) => {
    const key = `replicationRegions[${index}]`;
    if (typeof region !== "string" || !hasRateCard(region)) {
      throw new InvalidInputError(
        key,
        `${key} ${describeValue(region)} has no rate card, so its replica could not be priced (prices are data in components/cost/pricing.ts, docs/PRICING.md). Use one of the priced regions: ${PRICED_REGIONS.join(", ")}.`,
      );
    }
    if (region === args.sourceRegion && destinationRegistryId === registryId) {
      throw new InvalidInputError(
        key,
        `${key} "${region}" is the repository's own region in the same account: replication needs another region or another account`,
      );
    }
    if (destinations.some((each) => each.region === region)) {
      throw new InvalidInputError(key, `${key} "${region}" is listed twice`);
    }
    destinations.push({ region, registryId: destinationRegistryId });
  });
  const warnings: RegistryWarning[] = [];
  const others = (args.knownRepositories ?? []).filter(
    (name) => name !== repositoryName && name.startsWith(repositoryName),
  );
  if (others.length > 0) {
    warnings.push({
      key: "repositoryName",
      message: `the replication filter "${repositoryName}" is a prefix (PREFIX_MATCH is the only filter type), so it also replicates ${others
        .map((name) => `"${name}"`)
        .join(
          ", ",
        )}. Fix: name the repository so that no other starts with its name (e.g. "${repositoryName}/app"), or accept their replicas.`,
    });
  }
  return {
    rule: { destinations, repositoryFilters: [{ filter: repositoryName, filterType: "PREFIX_MATCH" }] },
    warnings,
  };
}

/** A rule another stack (or the owner) asks for, named after who asked: the merge's errors name it. */
export interface RequestedRule {
  /** Who asks, e.g. `orders (prod)`: named in errors and warnings. */
  requestedBy: string;
  rule: ReplicationRule;
}

const destinationKey = (destinations: readonly ReplicationDestination[]) =>
  destinations
    .map((destination) => `${destination.registryId}/${destination.region}`)
    .sort()
    .join(" ");

const matches = (rule: ReplicationRule, repository: string) =>
  rule.repositoryFilters === undefined ||
  rule.repositoryFilters.length === 0 ||
  rule.repositoryFilters.some((filter) => repository.startsWith(filter.filter));

/**
 * The registry's replication configuration with `requested` rules added and every `existing` rule kept as
 * it is (order, destinations, filters): never drops another stack's rule. A request whose destination set
 * equals an existing rule's adds its filter to that rule (if no filter there already covers it); otherwise it
 * becomes a new rule. Errors name `requested[i]` (who asked) when the configuration would pass ECR's limits;
 * warnings name it when another rule already replicates the repository to one of the same destinations
 * (a filter that overlaps another rule's).
 */
export function mergeReplicationRules(
  existing: readonly ReplicationRule[],
  requested: readonly RequestedRule[],
): { rules: ReplicationRule[]; warnings: RegistryWarning[] } {
  const rules: ReplicationRule[] = existing.map((rule) => ({
    destinations: rule.destinations.map((destination) => ({ ...destination })),
    ...(rule.repositoryFilters === undefined
      ? {}
      : { repositoryFilters: rule.repositoryFilters.map((filter) => ({ ...filter })) }),
  }));
  const warnings: RegistryWarning[] = [];
  requested.forEach(({ requestedBy, rule }, index) => {
    const key = `requested[${index}]`;
    for (const filter of rule.repositoryFilters ?? []) {
      const destinations = new Set(
        rule.destinations.map((destination) => `${destination.registryId}/${destination.region}`),
      );
      rules.forEach((other, otherIndex) => {
        if (
          destinationKey(other.destinations) === destinationKey(rule.destinations) ||
          !matches(other, filter.filter)
        )
          return;
        const shared = other.destinations.filter((destination) =>
          destinations.has(`${destination.registryId}/${destination.region}`),
        );
        if (shared.length === 0) return;
        warnings.push({
          key: `${key}.rule.repositoryFilters`,
          message: `${requestedBy}: "${filter.filter}" is already replicated to ${shared
            .map((destination) => destination.region)
            .join(", ")} by rule ${otherIndex + 1} (${
            other.repositoryFilters === undefined || other.repositoryFilters.length === 0
              ? "no filter: every repository"
              : `filters ${other.repositoryFilters.map((each) => `"${each.filter}"`).join(", ")}`
          }); the two rules overlap. Fix: drop those destinations from one of them.`,
        });
      });
    }
    const same = rules.find(
      (other) => destinationKey(other.destinations) === destinationKey(rule.destinations),
    );
    if (same === undefined) {
      if (rules.length >= REPLICATION_LIMITS.rules) {
        throw new InvalidInputError(
          key,
          `${requestedBy}: the registry's replication configuration would have ${rules.length + 1} rules; ECR allows ${REPLICATION_LIMITS.rules}. Fix: replicate to the same set of regions as an existing rule (its filters take up to ${REPLICATION_LIMITS.filtersPerRule} repositories), or remove a rule.`,
        );
      }
      rules.push({
        destinations: rule.destinations.map((destination) => ({ ...destination })),
        ...(rule.repositoryFilters === undefined
          ? {}
          : { repositoryFilters: rule.repositoryFilters.map((filter) => ({ ...filter })) }),
      });
      return;
    }
    if (same.repositoryFilters === undefined || same.repositoryFilters.length === 0) return; // it replicates everything
    for (const filter of rule.repositoryFilters ?? []) {
      if (matches(same, filter.filter)) continue;
      if (same.repositoryFilters.length >= REPLICATION_LIMITS.filtersPerRule) {
        throw new InvalidInputError(
          key,
          `${requestedBy}: the rule replicating to ${same.destinations.map((d) => d.region).join(", ")} already has ${REPLICATION_LIMITS.filtersPerRule} repository filters, ECR's limit. Fix: give the repositories a common namespace and filter on it (e.g. "team/"), or use another rule.`,
        );
      }
      same.repositoryFilters.push({ ...filter });
    }
  });
  return { rules, warnings };
}

/**
 * The rules of `aws ecr describe-registry` output (`{ "replicationConfiguration": { "rules": [...] } }`),
 * checked field by field: what a registry holds now, to be kept by `mergeReplicationRules`.
 */
export function replicationRulesFromDescribeRegistry(output: unknown): ReplicationRule[] {
  const configuration = (output as { replicationConfiguration?: unknown } | null)?.replicationConfiguration;
  if (configuration === undefined) return [];
  const rules = (configuration as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) {
    throw new InvalidInputError(
      "replicationConfiguration.rules",
      `replicationConfiguration.rules must be a list, got ${describeValue(rules)}`,
    );
  }
  return rules.map((rule: unknown, index) => {
    const key = `replicationConfiguration.rules[${index}]`;
    const { destinations, repositoryFilters } = (rule ?? {}) as {
      destinations?: unknown;
      repositoryFilters?: unknown;
    };
    if (!Array.isArray(destinations) || destinations.length === 0) {
      throw new InvalidInputError(
        `${key}.destinations`,
        `${key}.destinations must be a non-empty list, got ${describeValue(destinations)}`,
      );
    }
    const parsed: ReplicationRule = {
      destinations: destinations.map((destination: unknown, at) => {
        const { region, registryId } = (destination ?? {}) as { region?: unknown; registryId?: unknown };
        if (typeof region !== "string" || region === "") {
          throw new InvalidInputError(
            `${key}.destinations[${at}].region`,
            `${key}.destinations[${at}].region must be a region code, got ${describeValue(region)}`,
          );
        }
        return { region, registryId: checkAccount(registryId, `${key}.destinations[${at}].registryId`) };
      }),
    };
    if (repositoryFilters !== undefined) {
      if (!Array.isArray(repositoryFilters)) {
        throw new InvalidInputError(
          `${key}.repositoryFilters`,
          `${key}.repositoryFilters must be a list, got ${describeValue(repositoryFilters)}`,
        );
      }
      parsed.repositoryFilters = repositoryFilters.map((filter: unknown, at) => {
        const { filter: value, filterType } = (filter ?? {}) as { filter?: unknown; filterType?: unknown };
        if (typeof value !== "string" || value === "" || filterType !== "PREFIX_MATCH") {
          throw new InvalidInputError(
            `${key}.repositoryFilters[${at}]`,
            `${key}.repositoryFilters[${at}] must be { filter: "<prefix>", filterType: "PREFIX_MATCH" }, got ${describeValue(filter)}`,
          );
        }
        return { filter: value, filterType: "PREFIX_MATCH" as const };
      });
    }
    return parsed;
  });
}
