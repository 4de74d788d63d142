/**
 * The registry scanning configuration a pipeline sets when it is asked to manage it
 * (`manageRegistryScanning: true`), as plain values (issue 18 item 2).
 *
 * Why it is built with care: the configuration is one per account and Region, and writing it replaces
 * all of it. PutRegistryScanningConfiguration "Creates or updates the scanning configuration for your
 * private registry" with the `scanType` and the `rules` given
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutRegistryScanningConfiguration.html),
 * and with enhanced scanning "Any repositories not matching an enhanced scanning filter will have
 * scanning disabled" (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-filters.html).
 * A rule filtered to this repository alone (what the component registered before) stops the scanning of
 * every other repository in the account and Region. Deleting the resource does not restore it either:
 * `aws.ecr.RegistryScanningConfiguration` "Can't be completely deleted, instead reverts to the default
 * BASIC scanning configuration without rules" (@pulumi/aws 7.48 ecr/registryScanningConfiguration.d.ts).
 *
 * So, when this stack manages it:
 * - every repository stays scanned unless the user names other filters on purpose: the default filter
 *   is `*` ("A filter with a wildcard (*) matches on any repository name where the wildcard replaces
 *   zero or more characters", same user-guide page);
 * - the scan frequency is an explicit choice for enhanced scanning (`SCAN_ON_PUSH` scans an image once,
 *   when pushed; `CONTINUOUS_SCAN` has Amazon Inspector rescan it as new vulnerabilities are published,
 *   and those rescans are billed): no default, the error names both. Basic scanning supports only
 *   `SCAN_ON_PUSH` ("When the BASIC scan type is specified, the SCAN_ON_PUSH scan frequency is
 *   supported", https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RegistryScanningRule.html);
 * - filters must be ones ECR takes: 1-255 characters matching
 *   `^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$`, filterType `WILDCARD`
 *   (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ScanningRepositoryFilter.html), at most
 *   100 per rule (RegistryScanningRule `repositoryFilters`, "Maximum number of 100 items");
 * - filters that leave out this repository are reported: its images would not be scanned.
 *
 * The resolved frequency also tells the cost model whether rescans apply to this repository, and that
 * this stack's own configuration says so (`pricing.source`).
 */
import type { ArgumentProblem } from "../common/argument-problem";
import { REGISTRY_SCAN_FREQUENCIES, RegistryScanFrequency } from "../common/enums";
import type { ScanFrequency, ScanningMode, ScanningSource } from "../cost/types";
import { describeValue } from "../cost/validate";

// Scan frequencies a pipeline may choose: the arg's enum (../common/enums.ts), re-exported for the tests.
export { RegistryScanFrequency };
const FREQUENCIES: readonly string[] = REGISTRY_SCAN_FREQUENCIES;

/** The filter that keeps every repository scanned. */
export const EVERY_REPOSITORY = "*";

/** ECR's limits on scanning filters (sources in the module comment). */
export const SCANNING_FILTER_LIMITS = {
  perRule: 100,
  characters: 255,
  pattern: /^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$/,
} as const;

export interface RegistryScanningInput {
  /** `manageRegistryScanning`: nothing is built (and nothing checked) unless true. */
  manage: boolean;
  /** `scanningMode`, resolved (`basic` or `enhanced`). */
  scanningMode: string;
  /** `registryScanFrequency` as given (undefined when unset). */
  frequency: unknown;
  /** `registryScanFilters` as given (undefined: every repository). */
  filters: unknown;
  /** This repository's name when it is a plain string (an Output is checked when it resolves). */
  repositoryName: string | undefined;
}

export interface RegistryScanningRule {
  scanFrequency: RegistryScanFrequency;
  repositoryFilters: { filter: string; filterType: "WILDCARD" }[];
}

export interface RegistryScanningPlan {
  /** The `aws.ecr.RegistryScanningConfiguration` args; undefined when this stack does not manage it. */
  configuration: { scanType: "BASIC" | "ENHANCED"; rules: RegistryScanningRule[] } | undefined;
  /**
   * What the cost model may price from it: enhanced scans of this repository, and rescans only under
   * `CONTINUOUS_SCAN`; `source` says these come from the configuration this stack sets (`managed`) or
   * are not known from it (`not-managed`: the account's configuration is set elsewhere).
   */
  pricing: { source: "managed" | "not-managed"; enhanced: boolean; continuous: boolean };
  /** Problems that stop the program (before anything is registered). */
  errors: ArgumentProblem[];
  /** Problems to log as warnings. */
  warnings: ArgumentProblem[];
}

/**
 * Does ECR's scanning filter `filter` match `repositoryName`? "a filter with no wildcard will match all
 * repository names that contain the filter. A filter with a wildcard (*) matches on any repository name
 * where the wildcard replaces zero or more characters" (user guide, image-scanning-filters.html; its
 * table: `prod*` matches `prod-repo` and `prodrepo`, not `repo-prod`).
 */
export function scanFilterMatches(filter: string, repositoryName: string): boolean {
  if (!filter.includes("*")) return repositoryName.includes(filter);
  const pattern = filter
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${pattern}$`).test(repositoryName);
}

/** Why ECR would refuse `filter` as a scanning repository filter, or undefined. */
export function scanFilterProblem(filter: string): string | undefined {
  if (filter.length === 0 || filter.length > SCANNING_FILTER_LIMITS.characters)
    return `${JSON.stringify(filter.length > 40 ? `${filter.slice(0, 40)}…` : filter)} is ${filter.length} characters; ECR takes 1 to ${SCANNING_FILTER_LIMITS.characters}`;
  if (!SCANNING_FILTER_LIMITS.pattern.test(filter))
    return `${JSON.stringify(filter)} is not a filter ECR takes (lower-case letters, digits and '*', separated by single '.', '_', '-' or '/')`;
  return undefined;
}

/** The registry scanning configuration to manage, or why it cannot be built. */
export function planRegistryScanning(input: RegistryScanningInput): RegistryScanningPlan {
  const enhanced = input.scanningMode === "enhanced";
  const notManaged: RegistryScanningPlan = {
    configuration: undefined,
    // Not managed here: the account's configuration decides; the cost model must not assume rescans.
    pricing: { source: "not-managed", enhanced, continuous: false },
    errors: [],
    warnings: [],
  };
  if (!input.manage) {
    for (const [argument, value] of [
      ["registryScanFrequency", input.frequency],
      ["registryScanFilters", input.filters],
    ] as const)
      if (value !== undefined)
        notManaged.errors.push({
          argument,
          problem: `got ${describeValue(value)} while manageRegistryScanning is not true, so no registry scanning configuration is created and it would be ignored`,
          fix: `Set manageRegistryScanning: true to have this stack own the account-and-Region scanning configuration, or remove ${argument}.`,
        });
    return notManaged;
  }
  const errors: ArgumentProblem[] = [];
  const warnings: ArgumentProblem[] = [];

  let frequency: RegistryScanFrequency = RegistryScanFrequency.ScanOnPush;
  if (input.frequency === undefined) {
    if (enhanced)
      errors.push({
        argument: "registryScanFrequency",
        problem:
          'not set; with manageRegistryScanning and scanningMode "enhanced" this stack sets how often Amazon Inspector scans every repository it covers',
        fix: 'Choose one: "SCAN_ON_PUSH" (each image scanned once, when pushed) or "CONTINUOUS_SCAN" (images rescanned as new vulnerabilities are published; each rescan is billed by Inspector).',
      });
  } else if (typeof input.frequency !== "string" || !FREQUENCIES.includes(input.frequency)) {
    errors.push({
      argument: "registryScanFrequency",
      problem: `got ${describeValue(input.frequency)}`,
      fix: `Use one of ${FREQUENCIES.map((value) => JSON.stringify(value)).join(", ")}.`,
    });
  } else if (!enhanced && input.frequency !== RegistryScanFrequency.ScanOnPush) {
    errors.push({
      argument: "registryScanFrequency",
      problem: `${JSON.stringify(input.frequency)} needs enhanced scanning; basic scanning only scans on push`,
      fix: 'Set scanningMode: "enhanced" for continuous scanning, or use "SCAN_ON_PUSH".',
    });
  } else {
    frequency = input.frequency as RegistryScanFrequency;
  }

  let filters: string[] = [EVERY_REPOSITORY];
  if (input.filters !== undefined) {
    if (!Array.isArray(input.filters) || !input.filters.every((filter) => typeof filter === "string")) {
      errors.push({
        argument: "registryScanFilters",
        problem: `got ${describeValue(input.filters)}`,
        fix: 'Use a list of repository filters, e.g. ["team-a-*", "shared/*"], or leave it unset to scan every repository ("*").',
      });
    } else if (input.filters.length === 0) {
      errors.push({
        argument: "registryScanFilters",
        problem:
          "is empty: no repository in the account and Region would be scanned (repositories that match no enhanced scanning filter have scanning disabled)",
        fix: 'Leave it unset to scan every repository ("*"), or list the repositories to scan.',
      });
    } else {
      filters = [...new Set(input.filters as string[])];
      filters.forEach((filter, index) => {
        const problem = scanFilterProblem(filter);
        if (problem !== undefined)
          errors.push({
            argument: `registryScanFilters[${index}]`,
            problem,
            fix: 'Write a repository name or a pattern with *, e.g. "orders" or "team-a-*".',
          });
      });
      if (filters.length > SCANNING_FILTER_LIMITS.perRule)
        errors.push({
          argument: "registryScanFilters",
          problem: `lists ${filters.length} filters; ECR takes at most ${SCANNING_FILTER_LIMITS.perRule} per rule`,
          fix: 'Combine them with wildcards (e.g. "team-a-*"), or use "*".',
        });
    }
  }

  const covered =
    input.repositoryName === undefined
      ? undefined
      : filters.some((filter) => scanFilterMatches(filter, input.repositoryName as string));
  if (covered === false && errors.length === 0)
    warnings.push({
      argument: "registryScanFilters",
      problem: `${describeValue(filters)} does not match this repository ${JSON.stringify(input.repositoryName)}, so its images will not be scanned${enhanced ? " (scanning disabled)" : " on push"}`,
      fix: `Add a filter that matches it, e.g. ${JSON.stringify(input.repositoryName)}, or leave registryScanFilters unset to scan every repository.`,
    });

  return {
    configuration: {
      scanType: enhanced ? "ENHANCED" : "BASIC",
      rules: [
        {
          scanFrequency: frequency,
          repositoryFilters: filters.map((filter) => ({ filter, filterType: "WILDCARD" as const })),
        },
      ],
    },
    pricing: {
      source: "managed",
      // A repository the filters leave out is not scanned by this configuration at all.
      enhanced: enhanced && covered !== false,
      continuous: enhanced && covered !== false && frequency === RegistryScanFrequency.ContinuousScan,
    },
    errors,
    warnings,
  };
}

/** The scanning the cost model prices (../cost/types.ts `ScanningProfile`'s mode, source and frequency). */
export interface ScanningPriced {
  mode: ScanningMode;
  profile: { source: ScanningSource; frequency?: ScanFrequency };
}

/**
 * What the cost model may price of the scanning (docs/PRICING.md "Enhanced scanning"), from a plan's
 * `pricing`: this stack's own configuration (`stack`: enhanced for this repository only when its filters
 * cover it; rescans only with `CONTINUOUS_SCAN`), or, not managed here, the account's as declared by
 * `scanningMode` and the usage settings (`account`: every scanning line says it is an assumption).
 */
export function scanningPriced(pricing: RegistryScanningPlan["pricing"]): ScanningPriced {
  const mode: ScanningMode = pricing.enhanced ? "enhanced" : "basic";
  return pricing.source === "managed"
    ? {
        mode,
        profile: { source: "stack", frequency: pricing.continuous ? "CONTINUOUS_SCAN" : "SCAN_ON_PUSH" },
      }
    : { mode, profile: { source: "account" } };
}
