/**
 * The fleet view (issue 20, item 2): several pipelines, of one program or (from their stack outputs) of
 * several stacks, add up to one bill per account and region. Pure, no Pulumi.
 *
 * - Storage is recounted across the pipelines' repositories (./storage.ts): shared layers once where blob
 *   mounting applies, per repository where it does not, each group saying which and why. Each pipeline's own
 *   storage lines are replaced by these.
 * - Internet egress is re-tiered over the fleet's total: the tiers count the account's month, not one
 *   pipeline's ("aggregated with other outbound data transfer across multiple services, and rate tiers will
 *   apply", AWS containers blog, understanding-data-transfer-costs-for-aws-container-services).
 * - Pull-through cache repositories are counted once, from the registry's list, not per pipeline that pulls
 *   through them; without that list each pipeline's attributed `pull-through cache storage` line stays.
 * - Archived builds are part of each repository's own bytes (priced at the standard rate, the archive's
 *   below 150 TB); the archive's minimum-duration surcharge and restore fees stay the pipeline's own lines.
 * - Every other line (pulls, scans, replication) is the pipeline's own, named after it.
 * The per-pipeline reports stay as they are.
 */
import { InvalidInputError } from "../common/errors";
import { applyTiers, BYTES_PER_GB, tierLabel } from "../cost/estimate";
import { ecrPricing, ecrRateCards, PRICING_SOURCES } from "../cost/pricing";
import { describeValue, validatePricing } from "../cost/validate";
import type { CostEstimate, CostLine, EgressTier, RegionPricing } from "../cost/types";
import {
  fleetStorage,
  StorageAccounting,
  type FleetRepository,
  type FleetRepositoryShare,
  type FleetStorageGroup,
  type FleetWarning,
  type RegistrySetting,
} from "./storage";

/** One pipeline of the fleet: its repository (with the blobs it references) and its own estimate. */
export interface FleetMember {
  /** What the bill calls it, e.g. `orders (prod)`; unique in the fleet. */
  name: string;
  /**
   * Its repository. `blobs` are the current image's and cache's blobs; `ownBytes` the rest of its standard
   * storage (older builds' renewed layers, superseded caches), so that blobs + ownBytes is what the pipeline's
   * own estimate stores in standard storage.
   */
  repository: FleetRepository;
  /** The pipeline's `monthlyCost`. */
  estimate: CostEstimate;
}

export interface FleetBillInput {
  members: readonly FleetMember[];
  /** The registries' `BLOB_MOUNTING` settings (off where not listed). */
  registries?: readonly RegistrySetting[];
  /** Repositories pull-through cache rules created, counted once per registry. Default none. */
  pullThroughCacheRepositories?: readonly FleetRepository[];
  /** Subtract the account's 100 GB of free internet egress once, from the fleet's total. Default false. */
  applyFreeTier?: boolean;
}

/** One account-and-region bill. */
export interface FleetBill {
  registryId: string;
  region: string;
  /** Storage groups of this registry (./storage.ts), with the accounting each uses and why. */
  groups: FleetStorageGroup[];
  /** Each repository's own copy and attributed share. */
  repositories: FleetRepositoryShare[];
  lines: CostLine[];
  storageUsd: number;
  transferUsd: number;
  scanningUsd: number;
  replicationUsd: number;
  totalUsd: number;
  /** Bytes stored, and as if every repository kept its own copy. */
  storedBytes: number;
  perRepositoryBytes: number;
  warnings: FleetWarning[];
  notes: string[];
}

// Standard and archive storage are recounted from the repositories' bytes (archived builds are part of each
// member's ownBytes, priced at the standard rate: the archive class costs the same below 150 TB a month). The
// archive's minimum-duration surcharge and restore fees are not bytes held: they stay each member's own.
const STORAGE_ITEMS = /^(storage( |$)|archive storage( |$))/;
const PULL_THROUGH_ITEM = /^pull-through cache storage$/;
/** A member's storage lines the recount leaves to it. */
const MEMBER_STORAGE_ITEMS = /^(archive |pull-through cache storage$)/;
const INTERNET_ITEMS = /^internet egress /;
const SCANNING_ITEMS = /^(enhanced |scanning )/;
const REPLICATION_ITEMS = /^replication /;

function memberKey(member: FleetMember): string {
  return `${member.repository.registryId}/${member.repository.region}`;
}

function sum(lines: readonly CostLine[]): number {
  return lines.reduce((total, line) => total + line.usd, 0);
}

function checkMembers(members: readonly FleetMember[]): void {
  if (!Array.isArray(members) || members.length === 0) {
    throw new InvalidInputError(
      "members",
      `members must be a non-empty list of pipelines, got ${describeValue(members)}`,
    );
  }
  const names = new Map<string, number>();
  members.forEach((member, index) => {
    if (typeof member?.name !== "string" || member.name === "") {
      throw new InvalidInputError(
        `members[${index}].name`,
        `members[${index}].name must be a non-empty name, got ${describeValue(member?.name)}`,
      );
    }
    const first = names.get(member.name);
    if (first !== undefined) {
      throw new InvalidInputError(
        `members[${index}].name`,
        `members[${index}].name "${member.name}" is also members[${first}]'s: name each pipeline once (e.g. "<service> (<stack>)")`,
      );
    }
    names.set(member.name, index);
    if (
      typeof member.estimate !== "object" ||
      member.estimate === null ||
      !Array.isArray(member.estimate.lines)
    ) {
      throw new InvalidInputError(
        `members[${index}].estimate`,
        `members[${index}].estimate must be the pipeline's monthlyCost (the object estimateMonthlyCost returns), got ${describeValue(member.estimate)}`,
      );
    }
    const region = member.estimate.assumptions?.region;
    if (region !== member.repository?.region) {
      throw new InvalidInputError(
        `members[${index}].repository.region`,
        `members[${index}].repository.region ${describeValue(member.repository?.region)} is not the region its estimate prices (${describeValue(region)}): pass the repository's own region and estimate`,
      );
    }
  });
}

/**
 * One bill per account and region the members' repositories are in, in first-seen order. Throws an
 * InvalidInputError naming the field for a member without a name, a repeated name, or an estimate of
 * another region.
 */
export function fleetBills(input: FleetBillInput): FleetBill[] {
  checkMembers(input.members);
  const caches = input.pullThroughCacheRepositories ?? [];
  caches.forEach((cache, index) => {
    if (cache?.pullThroughCache !== true) {
      throw new InvalidInputError(
        `pullThroughCacheRepositories[${index}].pullThroughCache`,
        `pullThroughCacheRepositories[${index}].pullThroughCache must be true: list only repositories a pull-through cache rule created`,
      );
    }
  });
  const registries = new Map<string, FleetMember[]>();
  for (const member of input.members) {
    const key = memberKey(member);
    registries.set(key, [...(registries.get(key) ?? []), member]);
  }
  return [...registries.entries()].map(([key, members]) =>
    billFor(
      members,
      caches.filter((cache) => `${cache.registryId}/${cache.region}` === key),
      input.registries ?? [],
      input.applyFreeTier ?? false,
    ),
  );
}

function billFor(
  members: readonly FleetMember[],
  caches: readonly FleetRepository[],
  registries: readonly RegistrySetting[],
  applyFreeTier: boolean,
): FleetBill {
  const first = members[0] as FleetMember;
  const { registryId, region } = first.repository;
  const storage = fleetStorage({
    repositories: [...members.map((member) => member.repository), ...caches],
    registries,
  });
  const card = Object.prototype.hasOwnProperty.call(ecrRateCards, region) ? ecrRateCards[region] : undefined;
  const pricing =
    card === undefined ? pricingFromOutput(first.estimate.assumptions.pricing) : ecrPricing[region];
  if (pricing === undefined)
    throw new InvalidInputError("members[0].estimate.assumptions.pricing", "the estimate has no rate card");
  const storageSource =
    card === undefined
      ? { verified: false, source: "pricing override" }
      : { verified: card.storagePerGBMonth.verified, source: card.storagePerGBMonth.source };

  const storageLines: CostLine[] = storage.groups.map((group) => {
    const shared = group.accounting === StorageAccounting.Shared;
    const line: CostLine = {
      item: shared
        ? `storage shared ${group.encryption} (${group.repositories.length} repositories)`
        : `storage ${group.repositories.join(", ")}`,
      quantity: group.bytes / BYTES_PER_GB,
      unit: "GB-month",
      rate: pricing.storagePerGBMonth,
      usd: (group.bytes / BYTES_PER_GB) * pricing.storagePerGBMonth,
      explanation: `${group.accounting}: ${group.reason}${shared ? `; ${group.perRepositoryBytes} bytes as separate copies` : ""}`,
      ...storageSource,
    };
    if (shared) {
      line.assumption = `a layer mounted into several repositories of registry ${registryId} (${region}) is billed once (${PRICING_SOURCES.ecrBlobMounting} does not state the billing rule)`;
    }
    return line;
  });

  // Each member's own lines, storage excepted (recounted above), internet egress aside (re-tiered below).
  const memberStorage: CostLine[] = [];
  const transfer: CostLine[] = [];
  const scanning: CostLine[] = [];
  const replication: CostLine[] = [];
  let internetGB = 0;
  let internetPulls = 0;
  for (const member of members) {
    for (const line of member.estimate.lines) {
      if (STORAGE_ITEMS.test(line.item)) continue;
      // The cache's repositories are counted once, from the registry's list, when it is given; otherwise
      // each member keeps its attributed line (its assumption says that it may be counted more than once).
      if (PULL_THROUGH_ITEM.test(line.item) && caches.length > 0) continue;
      if (INTERNET_ITEMS.test(line.item)) {
        internetGB += line.quantity;
        internetPulls += 1;
        continue;
      }
      const named = { ...line, item: `${member.name}: ${line.item}` };
      if (SCANNING_ITEMS.test(line.item)) scanning.push(named);
      else if (REPLICATION_ITEMS.test(line.item)) replication.push(named);
      else if (MEMBER_STORAGE_ITEMS.test(line.item)) memberStorage.push(named);
      else transfer.push(named);
    }
  }
  transfer.push(
    ...fleetInternetLines(
      internetGB,
      pricing.internetEgressTiers,
      pricing.internetFreeGB,
      applyFreeTier,
      card,
    ),
  );
  const storageUsd = sum(storageLines) + sum(memberStorage);
  const transferUsd = sum(transfer);
  const scanningUsd = sum(scanning);
  const replicationUsd = sum(replication);
  const notes = [
    `storage: recounted across ${members.length} pipelines' repositories${caches.length === 0 ? "" : ` and ${caches.length} pull-through cache repositories`} (each pipeline's own storage lines are replaced)`,
  ];
  if (internetPulls > 0)
    notes.push(
      "internet egress: the pipelines' volumes summed and priced through the tiers once, as AWS counts the account's month",
    );
  return {
    registryId,
    region,
    groups: storage.groups,
    repositories: storage.repositories,
    lines: [...storageLines, ...memberStorage, ...transfer, ...scanning, ...replication],
    storageUsd,
    transferUsd,
    scanningUsd,
    replicationUsd,
    totalUsd: storageUsd + transferUsd + scanningUsd + replicationUsd,
    storedBytes: storage.bytes,
    perRepositoryBytes: storage.perRepositoryBytes,
    warnings: storage.warnings.map((warning) => namedWarning(warning, members)),
    notes,
  };
}

function fleetInternetLines(
  totalGB: number,
  tiers: readonly EgressTier[],
  freeGB: number,
  applyFreeTier: boolean,
  card: (typeof ecrRateCards)[string] | undefined,
): CostLine[] {
  if (totalGB <= 0) return [];
  const lines: CostLine[] = [];
  const free = applyFreeTier ? Math.min(totalGB, freeGB) : 0;
  if (applyFreeTier) {
    lines.push({
      item: "internet egress free allowance",
      quantity: free,
      unit: "GB",
      rate: 0,
      usd: 0,
      explanation: "account-wide free allowance, applied once to the fleet's total",
      verified: card?.internetFreeGB.verified ?? false,
      source: card?.internetFreeGB.source ?? "pricing override",
      assumption: `the account's ${freeGB} GB a month of free internet egress is not used outside this fleet`,
    });
  }
  applyTiers(totalGB - free, tiers).forEach((tier, index) => {
    const figure = card?.internetEgressTiers[index]?.perGB;
    lines.push({
      item: `internet egress ${tierLabel(tier.fromGB, tier.toGB)}`,
      quantity: tier.gb,
      unit: "GB",
      rate: tier.perGB,
      usd: tier.usd,
      explanation: "every pipeline's internet pulls, tiered over the fleet's month",
      verified: figure?.verified ?? false,
      source: figure?.source ?? "pricing override",
    });
  });
  return lines;
}

/**
 * A caller's rate card as a stack output carries it: JSON has no Infinity, so the open-ended last tier's
 * `upToGB` arrives as null and is restored before the card is checked.
 */
function pricingFromOutput(pricing: RegionPricing): RegionPricing {
  const tiers = Array.isArray(pricing?.internetEgressTiers) ? pricing.internetEgressTiers : [];
  return validatePricing(
    {
      ...pricing,
      internetEgressTiers: tiers.map((tier, index) =>
        index === tiers.length - 1 && (tier?.upToGB as number | null) === null
          ? { ...tier, upToGB: Infinity }
          : tier,
      ),
    },
    "members[0].estimate.assumptions.pricing",
  );
}

/**
 * A storage warning about `repositories[i]` of one registry's group, named after the member it is about
 * (`members["orders (prod)"].repository.encryption.kmsKey`), the name the bill and the caller use.
 */
function namedWarning(warning: FleetWarning, members: readonly FleetMember[]): FleetWarning {
  const rename = (text: string) =>
    text.replace(/repositories\[(\d+)\]/g, (match, index: string) => {
      const member = members[Number(index)];
      return member === undefined ? match : `members[${JSON.stringify(member.name)}].repository`;
    });
  return { key: rename(warning.key), message: rename(warning.message) };
}
