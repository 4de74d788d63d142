import assert from "node:assert/strict";
import { formatArgumentProblem } from "../../components/common/argument-problem";
import {
  planRegistryScanning,
  scanFilterMatches,
  scanFilterProblem,
  type RegistryScanningInput,
} from "../../components/settings/registry-scanning";

const input = (overrides: Partial<RegistryScanningInput>): RegistryScanningInput => ({
  manage: true,
  scanningMode: "enhanced",
  frequency: "SCAN_ON_PUSH",
  filters: undefined,
  repositoryName: "orders",
  ...overrides,
});
const errorsOf = (overrides: Partial<RegistryScanningInput>) =>
  planRegistryScanning(input(overrides)).errors.map((p) => formatArgumentProblem("EcrImagePipeline", p));
const warningsOf = (overrides: Partial<RegistryScanningInput>) =>
  planRegistryScanning(input(overrides)).warnings.map((p) => formatArgumentProblem("EcrImagePipeline", p));

describe("registry scanning: managing it never narrows what other stacks rely on (issue 18 item 2)", () => {
  it('the issue\'s case: enhanced + manage, no filters: one rule on "*" (every repository), not this repository alone', () => {
    assert.deepEqual(planRegistryScanning(input({})), {
      configuration: {
        scanType: "ENHANCED",
        rules: [
          { scanFrequency: "SCAN_ON_PUSH", repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }] },
        ],
      },
      pricing: { source: "managed", enhanced: true, continuous: false },
      errors: [],
      warnings: [],
    });
  });

  it("continuous scanning, chosen explicitly: rescans are what the configuration says", () => {
    const plan = planRegistryScanning(input({ frequency: "CONTINUOUS_SCAN" }));
    assert.deepEqual(plan.configuration?.rules[0]?.scanFrequency, "CONTINUOUS_SCAN");
    assert.deepEqual(plan.pricing, { source: "managed", enhanced: true, continuous: true });
  });

  it("enhanced without a frequency: the choice is the user's, the error names both", () =>
    assert.deepEqual(errorsOf({ frequency: undefined }), [
      'EcrImagePipeline: invalid argument "registryScanFrequency": not set; with manageRegistryScanning and scanningMode "enhanced" this stack sets how often Amazon Inspector scans every repository it covers. Choose one: "SCAN_ON_PUSH" (each image scanned once, when pushed) or "CONTINUOUS_SCAN" (images rescanned as new vulnerabilities are published; each rescan is billed by Inspector).',
    ]));

  it("basic + manage: scan on push on every repository (the only frequency basic scanning has)", () => {
    const plan = planRegistryScanning(input({ scanningMode: "basic", frequency: undefined }));
    assert.deepEqual(plan.configuration, {
      scanType: "BASIC",
      rules: [
        { scanFrequency: "SCAN_ON_PUSH", repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }] },
      ],
    });
    assert.deepEqual(plan.pricing, { source: "managed", enhanced: false, continuous: false });
  });

  const rejected: { name: string; overrides: Partial<RegistryScanningInput>; messages: string[] }[] = [
    {
      name: "basic with continuous scanning",
      overrides: { scanningMode: "basic", frequency: "CONTINUOUS_SCAN" },
      messages: [
        'EcrImagePipeline: invalid argument "registryScanFrequency": "CONTINUOUS_SCAN" needs enhanced scanning; basic scanning only scans on push. Set scanningMode: "enhanced" for continuous scanning, or use "SCAN_ON_PUSH".',
      ],
    },
    {
      name: "an unknown frequency",
      overrides: { frequency: "MANUAL" },
      messages: [
        'EcrImagePipeline: invalid argument "registryScanFrequency": got "MANUAL". Use one of "SCAN_ON_PUSH", "CONTINUOUS_SCAN".',
      ],
    },
    {
      name: "an empty filter list",
      overrides: { filters: [] },
      messages: [
        'EcrImagePipeline: invalid argument "registryScanFilters": is empty: no repository in the account and Region would be scanned (repositories that match no enhanced scanning filter have scanning disabled). Leave it unset to scan every repository ("*"), or list the repositories to scan.',
      ],
    },
    {
      name: "filters ECR would refuse",
      overrides: { filters: ["Orders", "team--a", "x".repeat(256)] },
      messages: [
        `EcrImagePipeline: invalid argument "registryScanFilters[0]": "Orders" is not a filter ECR takes (lower-case letters, digits and '*', separated by single '.', '_', '-' or '/'). Write a repository name or a pattern with *, e.g. "orders" or "team-a-*".`,
        `EcrImagePipeline: invalid argument "registryScanFilters[1]": "team--a" is not a filter ECR takes (lower-case letters, digits and '*', separated by single '.', '_', '-' or '/'). Write a repository name or a pattern with *, e.g. "orders" or "team-a-*".`,
        `EcrImagePipeline: invalid argument "registryScanFilters[2]": "${"x".repeat(40)}…" is 256 characters; ECR takes 1 to 255. Write a repository name or a pattern with *, e.g. "orders" or "team-a-*".`,
      ],
    },
    {
      name: "not a list",
      overrides: { filters: "orders" },
      messages: [
        'EcrImagePipeline: invalid argument "registryScanFilters": got "orders". Use a list of repository filters, e.g. ["team-a-*", "shared/*"], or leave it unset to scan every repository ("*").',
      ],
    },
    {
      name: "more than 100 filters",
      overrides: { filters: Array.from({ length: 101 }, (_, i) => `r${i}`) },
      messages: [
        'EcrImagePipeline: invalid argument "registryScanFilters": lists 101 filters; ECR takes at most 100 per rule. Combine them with wildcards (e.g. "team-a-*"), or use "*".',
      ],
    },
    {
      name: "scanning settings without manageRegistryScanning are not silently ignored",
      overrides: { manage: false, frequency: "CONTINUOUS_SCAN", filters: ["*"] },
      messages: [
        'EcrImagePipeline: invalid argument "registryScanFrequency": got "CONTINUOUS_SCAN" while manageRegistryScanning is not true, so no registry scanning configuration is created and it would be ignored. Set manageRegistryScanning: true to have this stack own the account-and-Region scanning configuration, or remove registryScanFrequency.',
        'EcrImagePipeline: invalid argument "registryScanFilters": got ["*"] while manageRegistryScanning is not true, so no registry scanning configuration is created and it would be ignored. Set manageRegistryScanning: true to have this stack own the account-and-Region scanning configuration, or remove registryScanFilters.',
      ],
    },
  ];
  for (const { name, overrides, messages } of rejected)
    it(`rejected: ${name}`, () => assert.deepEqual(errorsOf(overrides), messages));

  it("named filters, on purpose: used as given (deduplicated); this repository covered", () => {
    const plan = planRegistryScanning(input({ filters: ["team-a-*", "orders", "team-a-*"] }));
    assert.deepEqual(plan.configuration?.rules[0]?.repositoryFilters, [
      { filter: "team-a-*", filterType: "WILDCARD" },
      { filter: "orders", filterType: "WILDCARD" },
    ]);
    assert.deepEqual(plan.warnings, []);
  });

  it("named filters that leave this repository out: a warning, and no scans priced for it", () => {
    assert.deepEqual(warningsOf({ filters: ["team-a-*"] }), [
      'EcrImagePipeline: invalid argument "registryScanFilters": ["team-a-*"] does not match this repository "orders", so its images will not be scanned (scanning disabled). Add a filter that matches it, e.g. "orders", or leave registryScanFilters unset to scan every repository.',
    ]);
    assert.deepEqual(
      planRegistryScanning(input({ filters: ["team-a-*"], frequency: "CONTINUOUS_SCAN" })).pricing,
      {
        source: "managed",
        enhanced: false,
        continuous: false,
      },
    );
  });

  it("not managed: nothing is created and the pricing says the configuration is not known from here", () =>
    assert.deepEqual(planRegistryScanning(input({ manage: false, frequency: undefined })), {
      configuration: undefined,
      pricing: { source: "not-managed", enhanced: true, continuous: false },
      errors: [],
      warnings: [],
    }));

  // The user guide's table (image-scanning-filters.html): repository names across, filters down.
  const names = ["prod", "repo-prod", "prod-repo", "repo-prod-repo", "prodrepo"];
  const table: [string, boolean[]][] = [
    ["prod", [true, true, true, true, true]],
    ["*prod", [true, true, false, false, false]],
    ["prod*", [true, false, true, false, true]],
    ["*prod*", [true, true, true, true, true]],
    ["prod*repo", [false, false, true, false, true]],
  ];
  for (const [filter, expected] of table)
    it(`filter ${filter} matches as the ECR user guide's table says`, () =>
      assert.deepEqual(
        names.map((name) => scanFilterMatches(filter, name)),
        expected,
      ));

  it("filters ECR takes", () => {
    for (const filter of ["*", "orders", "team-a/*", "a.b_c-d/e*", "*x*"])
      assert.equal(scanFilterProblem(filter), undefined, filter);
  });
});
