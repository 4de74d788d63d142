/**
 * Repository policy that lets the listed principals pull and nothing else. The three actions are the
 * ones a pull needs (https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html,
 * "Allow other accounts"); push actions are deliberately absent.
 */
import { throwFirstProblem } from "./args";
import { pullPrincipalProblems } from "./input-checks";

export const PULL_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
];

/**
 * `pullPrincipalArns`, plain or as it resolved (./repository.ts hands this to `checkedInput`): a
 * non-empty list of 12-digit account ids or IAM root, role, user or assumed-role ARNs
 * (./input-checks.ts `pullPrincipalProblems`, which says why `*` and groups are not); the first problem
 * stops the program, naming `caller`, the element as written, the value and the fix.
 */
export function checkPullPrincipalArns(caller: string, principalArns: unknown): void {
  throwFirstProblem(caller, pullPrincipalProblems(principalArns));
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
