/**
 * Repository policy that lets the listed principals pull and nothing else. The three actions are the
 * ones a pull needs (https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html,
 * "Allow other accounts"); push actions are deliberately absent.
 */
export const PULL_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
];

const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/.+|user\/.+)$|^\d{12}$/;

export function pullOnlyRepositoryPolicy(principalArns: readonly string[]): string {
  if (principalArns.length === 0) {
    throw new Error(
      'EcrRepository: invalid argument "pullPrincipalArns": the list is empty. Leave it unset for no repository policy.',
    );
  }
  for (const arn of principalArns) {
    if (!PRINCIPAL_ARN.test(arn)) {
      throw new Error(
        `EcrRepository: invalid argument "pullPrincipalArns": ${JSON.stringify(arn)} is not an account id or an IAM ` +
          "root, role or user ARN. Use e.g. arn:aws:iam::123456789012:role/deployer or 123456789012.",
      );
    }
  }
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
