/**
 * Checks of single arguments that were accepted and failed later (issue 18 item 4), as plain
 * functions: each takes the value as the user wrote it (or as its Output resolved) and returns the
 * problems, with the argument's name, the value and the fix. The resolver calls them before `super()`
 * for plain values, and inside the apply that resolves an Output-valued arg (the same function, so the
 * message is the same either way). No Pulumi import.
 */
import type { ArgumentProblem } from "../common/argument-problem";
import { describeValue } from "../cost/validate";

/**
 * Principals a repository policy's `"Principal": { "AWS": [...] }` takes for a pull-only grant: an
 * account id (12 digits), an account's root, an IAM role or user (with or without a path), or an STS
 * assumed-role session, in any partition (aws, aws-cn, aws-us-gov, aws-iso…). IAM: "You can specify
 * … AWS accounts, IAM users, IAM roles, … role sessions" and "You cannot identify a user group as a
 * principal" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
 * IAM names: letters, digits and `+=,.@_-` (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html).
 */
const ACCOUNT_ID = /^\d{12}$/;
const IAM_NAME = "[A-Za-z0-9+=,.@_-]+";
const PRINCIPAL_ARN = new RegExp(
  `^arn:aws(?:-[a-z]+)*:(?:iam::\\d{12}:(?:root|(?:role|user)/(?:${IAM_NAME}/)*${IAM_NAME})|sts::\\d{12}:assumed-role/${IAM_NAME}/${IAM_NAME})$`,
);
const ARN_ACCOUNT = /^arn:aws(?:-[a-z]+)*:(?:iam|sts)::([^:]*):/;

/** Problems with `pullPrincipalArns` (a plain list, or the list its Output resolved to). */
export function pullPrincipalProblems(value: unknown, argument = "pullPrincipalArns"): ArgumentProblem[] {
  const example = 'e.g. ["123456789012", "arn:aws:iam::123456789012:role/deployer"]';
  if (!Array.isArray(value))
    return [
      {
        argument,
        problem: `got ${describeValue(value)}`,
        fix: `List the account ids or IAM ARNs that may pull, ${example}, or leave it unset for no repository policy.`,
      },
    ];
  if (value.length === 0)
    return [
      {
        argument,
        problem: "the list is empty (a repository policy needs at least one principal)",
        fix: "Leave it unset for no repository policy, or list the account ids or IAM ARNs that may pull.",
      },
    ];
  const problems: ArgumentProblem[] = [];
  value.forEach((principal: unknown, index) => {
    const at = `${argument}[${index}]`;
    if (typeof principal === "number") {
      problems.push({
        argument: at,
        problem: `got the number ${describeValue(principal)}`,
        fix: `Write account ids as strings ("${String(principal).padStart(12, "0")}"): a number drops leading zeros.`,
      });
      return;
    }
    if (typeof principal !== "string") {
      problems.push({
        argument: at,
        problem: `got ${describeValue(principal)}`,
        fix: `Use a string, ${example}.`,
      });
      return;
    }
    if (ACCOUNT_ID.test(principal) || PRINCIPAL_ARN.test(principal)) return;
    if (principal === "*") {
      problems.push({
        argument: at,
        problem:
          '"*" lets every AWS account pull: a public repository policy, not a pull grant to named principals',
        fix: "List the account ids or IAM ARNs that may pull; to grant a whole AWS Organization, write the policy yourself (aws.ecr.RepositoryPolicy with an aws:PrincipalOrgID condition) and leave pullPrincipalArns unset.",
      });
      return;
    }
    if (/^\d+$/.test(principal)) {
      problems.push({
        argument: at,
        problem: `${JSON.stringify(principal)} is not an account id: AWS account ids are exactly 12 digits (it has ${principal.length})`,
        fix: "Copy the 12-digit id (aws sts get-caller-identity --query Account in that account); keep leading zeros.",
      });
      return;
    }
    const account = ARN_ACCOUNT.exec(principal)?.[1];
    if (account !== undefined && !ACCOUNT_ID.test(account)) {
      problems.push({
        argument: at,
        problem: `${JSON.stringify(principal)} has the account ${JSON.stringify(account)}, which is not 12 digits`,
        fix: "Use the ARN as IAM shows it, e.g. arn:aws:iam::123456789012:role/deployer.",
      });
      return;
    }
    problems.push({
      argument: at,
      problem: `${JSON.stringify(principal)} is not an account id or an IAM root, role, user or assumed-role ARN${/:group\//.test(principal) ? " (IAM groups cannot be principals)" : ""}`,
      fix: "Use e.g. 123456789012, arn:aws:iam::123456789012:root or arn:aws:iam::123456789012:role/deployer.",
    });
  });
  return problems;
}

/**
 * docker-build's `network` (provider/internal/network.go `NetworkMode`, v0.0.22): "default" (the
 * sandbox network), "host" or "none". Docker's own network names (`bridge`, a user-defined network)
 * are not build network modes.
 */
export const BUILD_NETWORK_MODES: readonly string[] = ["default", "host", "none"];

/** Problems with `network` (a plain value, or what its Output resolved to); undefined is the default. */
export function networkProblems(value: unknown, argument = "network"): ArgumentProblem[] {
  if (value === undefined || (typeof value === "string" && BUILD_NETWORK_MODES.includes(value))) return [];
  return [
    {
      argument,
      problem:
        value === "bridge"
          ? '"bridge" is a Docker network, not a build network mode: RUN steps get "default" (BuildKit\'s own sandbox network, the bridge-like one), "host" or "none"'
          : `got ${describeValue(value)}; RUN steps take "default", "host" or "none" (docker-build's NetworkMode)`,
      fix: 'Use "default" (or leave it unset), "host" or "none".',
    },
  ];
}

const MIB = 1024 ** 2;
/** The largest budget the cost model can price (components/cost/validate.ts COST_LIMITS.bytes: 1 PiB). */
export const MAX_BUDGET_BYTES = 2 ** 50;

/**
 * Problems with `maxImageSizeBytes`. A budget under 1 MiB is almost certainly MiB (or MB) written as
 * bytes (`150` meant as 150 MiB): no image with a base layer is that small, and the fix gives the bytes.
 */
export function budgetProblems(value: unknown, argument = "maxImageSizeBytes"): ArgumentProblem[] {
  if (value === undefined) return [];
  const unset = "or leave it unset for no budget";
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0)
    return [
      {
        argument,
        problem: `got ${describeValue(value)}`,
        fix: `Use a positive number of bytes, e.g. 200 * 1024 ** 2 for 200 MiB, ${unset}.`,
      },
    ];
  if (value < MIB) {
    const amount = Number.isInteger(value) ? value : Number(value.toPrecision(6));
    return [
      {
        argument,
        problem: `${describeValue(value)} bytes is under 1 MiB, smaller than any image with a base layer: a budget in MiB or MB written as bytes, most likely`,
        fix: `Write it in bytes: ${amount} * 1024 ** 2 (${Math.round(amount * MIB)}) for ${amount} MiB, or ${amount} * 1000 ** 2 (${Math.round(amount * 1e6)}) for ${amount} MB.`,
      },
    ];
  }
  if (!Number.isInteger(value))
    return [
      {
        argument,
        problem: `${describeValue(value)} is not a whole number of bytes`,
        fix: `Round it, e.g. Math.round(...) (${Math.round(value)}), ${unset}.`,
      },
    ];
  if (value > MAX_BUDGET_BYTES)
    return [
      {
        argument,
        problem: `${describeValue(value)} bytes is over 1 PiB (${MAX_BUDGET_BYTES}), more than the cost model prices: a unit mix-up, most likely`,
        fix: `Give the budget in bytes, e.g. 2 * 1024 ** 3 for 2 GiB, ${unset}.`,
      },
    ];
  return [];
}

/**
 * ECR repository names: 2-256 characters; lower-case letters and digits in components separated by
 * one `.`, `_` or `-`, components grouped by `/`
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html, repositoryName).
 */
export const ECR_REPOSITORY_NAME =
  /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/**
 * What the AWS provider names an `aws.ecr.Repository` without `name`: the resource's logical name, `-`,
 * and 7 random hex digits, case kept. pulumi-aws provider/resources.go `setAutonaming` gives every
 * resource with a `name` input `tfbridge.AutoName("name", 255, "-")` unless it has its own naming (some
 * do, e.g. `aws_elasticsearch_domain` lower-cases with `AutoNameTransform`); `aws_ecr_repository` has
 * none (`{Tok: awsResource(ecrMod, "Repository")}`). A stack's `pulumi:autonaming` configuration can
 * change the pattern; this predicts Pulumi's default.
 */
function predictedAutoName(logicalName: string): string {
  // Seven hex digits stand for the random ones: any of them gives the same verdict.
  return `${logicalName}-0000000`;
}

/**
 * Problems when `repositoryName` is unset and the name the provider would derive from the logical
 * name (`<component name>-repo` under EcrImagePipeline, the component name under EcrRepository) is one
 * ECR rejects (issue 18: a component named `Orders` failed in ECR). Rejected, not lower-cased: the
 * repository's name then stays the name the user wrote, and setting `repositoryName` is one line.
 */
export function autoNamedRepositoryProblems(
  componentName: string,
  logicalName: string,
  repositoryName: unknown,
): ArgumentProblem[] {
  if (repositoryName !== undefined) return [];
  const predicted = predictedAutoName(logicalName);
  if (ECR_REPOSITORY_NAME.test(predicted)) return [];
  const lower = componentName.toLowerCase();
  const suggestion = ECR_REPOSITORY_NAME.test(predictedAutoName(logicalName.toLowerCase()))
    ? `, or name the component in lower case (${JSON.stringify(lower)})`
    : "";
  const example = lower
    .replace(/[^a-z0-9._/-]+/g, "-")
    .replace(/[._-]{2,}/g, "-")
    .replace(/^[._/-]+|[._/-]+$/g, "");
  return [
    {
      argument: "repositoryName",
      problem: `not set, so the repository is auto-named from the component name ${JSON.stringify(componentName)} as "${logicalName}-<7 random hex digits>", which ECR rejects (repository names are 2-256 lower-case letters and digits with single '.', '_' or '-' between them, '/' for namespaces)`,
      fix: `Set repositoryName (e.g. ${JSON.stringify(example.length >= 2 ? example : "app")})${suggestion}.`,
    },
  ];
}

/**
 * Problems with the value a `costRegion` Output resolved to (a plain string is checked the same way
 * before `super()`): a region without a rate card is an error naming `costRegion`, never priced with
 * another region's rates. `pricedRegions` are the regions that have one (components/cost/pricing.ts).
 */
export function costRegionProblems(
  value: unknown,
  pricedRegions: readonly string[],
  argument = "costRegion",
): ArgumentProblem[] {
  if (typeof value === "string" && pricedRegions.includes(value)) return [];
  return [
    {
      argument,
      problem:
        typeof value === "string"
          ? `${JSON.stringify(value)} has no rate card (prices are data in components/cost/pricing.ts, docs/PRICING.md)`
          : `resolved to ${describeValue(value)}, not a region name`,
      fix: `Use one of the priced regions: ${pricedRegions.join(", ")}; or leave costRegion unset to price the AWS provider's region.`,
    },
  ];
}
