/**
 * Repository policy that lets the listed principals pull and nothing else. The three actions are the
 * ones a pull needs (https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html,
 * "Allow other accounts"); push actions are deliberately absent.
 */
import { InvalidArgumentError } from "../common/errors";

export const PULL_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
];

const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/.+|user\/.+)$|^\d{12}$/;

/**
 * `pullPrincipalArns`, plain or as it resolved (./repository.ts hands this to `checkedInput`): a
 * non-empty list of account ids or IAM root, role or user ARNs. What is not a list is left as it was
 * before this check moved here: the policy's apply fails on it.
 */
export function checkPullPrincipalArns(caller: string, principalArns: unknown): void {
  if (!Array.isArray(principalArns)) return;
  if (principalArns.length === 0) {
    throw new InvalidArgumentError(
      caller,
      "pullPrincipalArns",
      "the list is empty",
      "Leave it unset for no repository policy.",
    );
  }
  for (const arn of principalArns) {
    if (PRINCIPAL_ARN.test(arn as string)) continue;
    throw new InvalidArgumentError(
      caller,
      "pullPrincipalArns",
      `${JSON.stringify(arn)} is not an account id or an IAM root, role or user ARN`,
      "Use e.g. arn:aws:iam::123456789012:role/deployer or 123456789012.",
    );
  }
}

/** The policy JSON for principals already checked (`checkPullPrincipalArns`): sorted, each once. */
export function pullOnlyRepositoryPolicy(principalArns: readonly string[]): string {
  const principals = [...new Set(principalArns)].sort();
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PullOnly",
        Effect: "Allow",
        Principal: { AWS: principals },
        Action: PULL_ACTIONS,
      },
    ],
  });
}
