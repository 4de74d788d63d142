import assert from "node:assert/strict";
import { formatArgumentProblem, type ArgumentProblem } from "../../components/common/argument-problem";
import {
  autoNamedRepositoryProblems,
  budgetProblems,
  costRegionProblems,
  networkProblems,
  pullPrincipalProblems,
} from "../../components/settings/input-checks";

const text = (problems: ArgumentProblem[]) =>
  problems.map((problem) => formatArgumentProblem("EcrImagePipeline web", problem));

describe("input checks: every input checked where it is written (issue 18 item 4)", () => {
  describe("pullPrincipalArns", () => {
    const accepted = [
      ["123456789012"],
      ["arn:aws:iam::123456789012:root"],
      ["arn:aws:iam::123456789012:role/deployer", "arn:aws:iam::123456789012:role/team/ci/deployer"],
      ["arn:aws:iam::123456789012:user/alice"],
      ["arn:aws:sts::123456789012:assumed-role/deployer/session-1"],
      ["arn:aws-cn:iam::123456789012:root", "arn:aws-us-gov:iam::123456789012:role/x"],
      ["arn:aws-iso-b:iam::123456789012:role/x"],
    ];
    for (const list of accepted)
      it(`accepts ${list.join(", ")}`, () => assert.deepEqual(pullPrincipalProblems(list), []));

    const rejected: [string, unknown, string[]][] = [
      [
        'the issue\'s "*"',
        ["*"],
        [
          'EcrImagePipeline web: invalid argument "pullPrincipalArns[0]": "*" lets every AWS account pull: a public repository policy, not a pull grant to named principals. List the account ids or IAM ARNs that may pull; to grant a whole AWS Organization, write the policy yourself (aws.ecr.RepositoryPolicy with an aws:PrincipalOrgID condition) and leave pullPrincipalArns unset.',
        ],
      ],
      [
        "an 11-digit account (the issue's case)",
        ["12345678901"],
        [
          'EcrImagePipeline web: invalid argument "pullPrincipalArns[0]": "12345678901" is not an account id: AWS account ids are exactly 12 digits (it has 11). Copy the 12-digit id (aws sts get-caller-identity --query Account in that account); keep leading zeros.',
        ],
      ],
      [
        "an account as a number",
        [12345678901],
        [
          'EcrImagePipeline web: invalid argument "pullPrincipalArns[0]": got the number 12345678901. Write account ids as strings ("012345678901"): a number drops leading zeros.',
        ],
      ],
      [
        "an ARN with a short account",
        ["arn:aws:iam::1234:role/x"],
        [
          'EcrImagePipeline web: invalid argument "pullPrincipalArns[0]": "arn:aws:iam::1234:role/x" has the account "1234", which is not 12 digits. Use the ARN as IAM shows it, e.g. arn:aws:iam::123456789012:role/deployer.',
        ],
      ],
      [
        "an IAM group, second in the list",
        ["123456789012", "arn:aws:iam::123456789012:group/devs"],
        [
          'EcrImagePipeline web: invalid argument "pullPrincipalArns[1]": "arn:aws:iam::123456789012:group/devs" is not an account id or an IAM root, role, user or assumed-role ARN (IAM groups cannot be principals). Use e.g. 123456789012, arn:aws:iam::123456789012:root or arn:aws:iam::123456789012:role/deployer.',
        ],
      ],
      [
        "a service principal",
        ["ecs-tasks.amazonaws.com"],
        [
          'EcrImagePipeline web: invalid argument "pullPrincipalArns[0]": "ecs-tasks.amazonaws.com" is not an account id or an IAM root, role, user or assumed-role ARN. Use e.g. 123456789012, arn:aws:iam::123456789012:root or arn:aws:iam::123456789012:role/deployer.',
        ],
      ],
      [
        "an empty list",
        [],
        [
          'EcrImagePipeline web: invalid argument "pullPrincipalArns": the list is empty (a repository policy needs at least one principal). Leave it unset for no repository policy, or list the account ids or IAM ARNs that may pull.',
        ],
      ],
      [
        "a string instead of a list",
        "123456789012",
        [
          'EcrImagePipeline web: invalid argument "pullPrincipalArns": got "123456789012". List the account ids or IAM ARNs that may pull, e.g. ["123456789012", "arn:aws:iam::123456789012:role/deployer"], or leave it unset for no repository policy.',
        ],
      ],
      [
        "an account with a trailing space",
        ["123456789012 "],
        [
          'EcrImagePipeline web: invalid argument "pullPrincipalArns[0]": "123456789012 " is not an account id or an IAM root, role, user or assumed-role ARN. Use e.g. 123456789012, arn:aws:iam::123456789012:root or arn:aws:iam::123456789012:role/deployer.',
        ],
      ],
    ];
    for (const [name, value, messages] of rejected)
      it(`rejects ${name}`, () => assert.deepEqual(text(pullPrincipalProblems(value)), messages));
  });

  describe("network", () => {
    for (const mode of [undefined, "default", "host", "none"])
      it(`accepts ${String(mode)}`, () => assert.deepEqual(networkProblems(mode), []));
    it('rejects the issue\'s "bridge" with what it means', () =>
      assert.deepEqual(text(networkProblems("bridge")), [
        'EcrImagePipeline web: invalid argument "network": "bridge" is a Docker network, not a build network mode: RUN steps get "default" (BuildKit\'s own sandbox network, the bridge-like one), "host" or "none". Use "default" (or leave it unset), "host" or "none".',
      ]));
    it("rejects anything else", () =>
      assert.deepEqual(text(networkProblems("HOST")), [
        'EcrImagePipeline web: invalid argument "network": got "HOST"; RUN steps take "default", "host" or "none" (docker-build\'s NetworkMode). Use "default" (or leave it unset), "host" or "none".',
      ]));
  });

  describe("maxImageSizeBytes", () => {
    for (const budget of [undefined, 1024 ** 2, 200 * 1024 ** 2, 2 ** 50])
      it(`accepts ${String(budget)}`, () => assert.deepEqual(budgetProblems(budget), []));
    const rejected: [unknown, string][] = [
      [
        150,
        'EcrImagePipeline web: invalid argument "maxImageSizeBytes": 150 bytes is under 1 MiB, smaller than any image with a base layer: a budget in MiB or MB written as bytes, most likely. Write it in bytes: 150 * 1024 ** 2 (157286400) for 150 MiB, or 150 * 1000 ** 2 (150000000) for 150 MB.',
      ],
      [
        0.5,
        'EcrImagePipeline web: invalid argument "maxImageSizeBytes": 0.5 bytes is under 1 MiB, smaller than any image with a base layer: a budget in MiB or MB written as bytes, most likely. Write it in bytes: 0.5 * 1024 ** 2 (524288) for 0.5 MiB, or 0.5 * 1000 ** 2 (500000) for 0.5 MB.',
      ],
      [
        1048575,
        'EcrImagePipeline web: invalid argument "maxImageSizeBytes": 1048575 bytes is under 1 MiB, smaller than any image with a base layer: a budget in MiB or MB written as bytes, most likely. Write it in bytes: 1048575 * 1024 ** 2 (1099510579200) for 1048575 MiB, or 1048575 * 1000 ** 2 (1048575000000) for 1048575 MB.',
      ],
      [
        1.5 * 1024 ** 2 + 0.25,
        'EcrImagePipeline web: invalid argument "maxImageSizeBytes": 1572864.25 is not a whole number of bytes. Round it, e.g. Math.round(...) (1572864), or leave it unset for no budget.',
      ],
      [
        2 ** 50 + 1,
        'EcrImagePipeline web: invalid argument "maxImageSizeBytes": 1125899906842625 bytes is over 1 PiB (1125899906842624), more than the cost model prices: a unit mix-up, most likely. Give the budget in bytes, e.g. 2 * 1024 ** 3 for 2 GiB, or leave it unset for no budget.',
      ],
      [
        "200MB",
        'EcrImagePipeline web: invalid argument "maxImageSizeBytes": got "200MB". Use a positive number of bytes, e.g. 200 * 1024 ** 2 for 200 MiB, or leave it unset for no budget.',
      ],
      [
        -1,
        'EcrImagePipeline web: invalid argument "maxImageSizeBytes": got -1. Use a positive number of bytes, e.g. 200 * 1024 ** 2 for 200 MiB, or leave it unset for no budget.',
      ],
    ];
    for (const [budget, message] of rejected)
      it(`rejects ${JSON.stringify(budget)}`, () =>
        assert.deepEqual(text(budgetProblems(budget)), [message]));
  });

  describe("a repository name auto-named from the component name", () => {
    it("the issue's Orders: rejected, with repositoryName and the lower-case name as fixes", () =>
      assert.deepEqual(text(autoNamedRepositoryProblems("Orders", "Orders-repo", undefined)), [
        'EcrImagePipeline web: invalid argument "repositoryName": not set, so the repository is auto-named from the component name "Orders" as "Orders-repo-<7 random hex digits>", which ECR rejects (repository names are 2-256 lower-case letters and digits with single \'.\', \'_\' or \'-\' between them, \'/\' for namespaces). Set repositoryName (e.g. "orders"), or name the component in lower case ("orders").',
      ]));
    it("a name lower-casing cannot fix (a space): repositoryName only", () =>
      assert.deepEqual(
        autoNamedRepositoryProblems("Orders API", "Orders API-repo", undefined).map((p) => p.fix),
        ['Set repositoryName (e.g. "orders-api").'],
      ));
    it("EcrRepository on its own is auto-named from its own name", () =>
      assert.equal(autoNamedRepositoryProblems("web_v2", "web_v2", undefined).length, 0));
    it("a lower-case name, or a repositoryName given (plain or Output): nothing to report", () => {
      assert.deepEqual(autoNamedRepositoryProblems("orders", "orders-repo", undefined), []);
      assert.deepEqual(autoNamedRepositoryProblems("Orders", "Orders-repo", "orders"), []);
      assert.deepEqual(autoNamedRepositoryProblems("Orders", "Orders-repo", { anOutput: true }), []);
    });
    it("a component name whose auto-name would be over 256 characters", () =>
      assert.equal(
        autoNamedRepositoryProblems("a".repeat(250), `${"a".repeat(250)}-repo`, undefined).length,
        1,
      ));
  });

  describe("costRegion resolved from an Output", () => {
    const priced = ["eu-west-1", "us-east-1"];
    it("a priced region is fine", () => assert.deepEqual(costRegionProblems("eu-west-1", priced), []));
    it("the issue's us-east-9 is an error naming costRegion, not us-east-1 rates", () =>
      assert.deepEqual(text(costRegionProblems("us-east-9", priced)), [
        'EcrImagePipeline web: invalid argument "costRegion": "us-east-9" has no rate card (prices are data in components/cost/pricing.ts, docs/PRICING.md). Use one of the priced regions: eu-west-1, us-east-1; or leave costRegion unset to price the AWS provider\'s region.',
      ]));
    it("an Output that resolved to something else than a string", () =>
      assert.deepEqual(
        costRegionProblems(undefined, priced).map((p) => p.problem),
        ["resolved to undefined, not a region name"],
      ));
  });
});
