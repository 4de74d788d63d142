import assert from "node:assert/strict";
import {
  formatLifecycleProblems,
  type LifecyclePolicyProblem,
  validateLifecyclePolicy,
} from "../../components/lifecycle";
import awsExamples from "../fixtures/lifecycle/aws-examples.json";

type Json = Record<string, unknown>;

/** A valid rule (untagged, 7 days) with overrides for the selection or the rule. */
function rule(selection: Json = {}, overrides: Json = {}): Json {
  return {
    rulePriority: 1,
    description: "test rule",
    selection: {
      tagStatus: "untagged",
      countType: "sinceImagePushed",
      countUnit: "days",
      countNumber: 7,
      ...selection,
    },
    action: { type: "expire" },
    ...overrides,
  };
}

function errorsOf(policy: string | object): LifecyclePolicyProblem[] {
  return validateLifecyclePolicy(policy).filter((p) => p.severity === "error");
}

describe("validateLifecyclePolicy: AWS documentation examples", () => {
  // Every example policy of the AWS "Examples of lifecycle policies" page is accepted by ECR.
  for (const [name, policy] of Object.entries(awsExamples.policies)) {
    it(`accepts "${name}" with no errors`, () => {
      assert.deepEqual(errorsOf(JSON.stringify(policy, null, 4)), []);
      assert.deepEqual(errorsOf(policy), []);
    });
  }
});

describe("validateLifecyclePolicy: errors ECR would raise", () => {
  const cases: Array<{ name: string; policy: Json; expected: LifecyclePolicyProblem[] }> = [
    {
      name: "countUnit missing on a day-based count type",
      policy: { rules: [rule({ countUnit: undefined })] },
      expected: [
        {
          severity: "error",
          rulePriority: 1,
          path: "rules[0].selection.countUnit",
          message:
            'countUnit is required when countType is "sinceImagePushed". Fix: add "countUnit": "days".',
        },
      ],
    },
    {
      name: "countUnit with imageCountMoreThan",
      policy: { rules: [rule({ countType: "imageCountMoreThan", countNumber: 5 })] },
      expected: [
        {
          severity: "error",
          rulePriority: 1,
          path: "rules[0].selection.countUnit",
          message:
            'countUnit is only allowed with the day-based count types; ECR rejects it with "imageCountMoreThan". Fix: remove countUnit.',
        },
      ],
    },
    {
      name: "countNumber 0 (AWS: 0 is not an accepted value)",
      policy: { rules: [rule({ countNumber: 0 })] },
      expected: [
        {
          severity: "error",
          rulePriority: 1,
          path: "rules[0].selection.countNumber",
          message:
            "countNumber must be a positive integer (0 is not accepted), got 0. Fix: set countNumber to a whole number of days >= 1.",
        },
      ],
    },
    {
      name: "countNumber not an integer",
      policy: { rules: [rule({ countType: "imageCountMoreThan", countUnit: undefined, countNumber: 2.5 })] },
      expected: [
        {
          severity: "error",
          rulePriority: 1,
          path: "rules[0].selection.countNumber",
          message:
            "countNumber must be a positive integer (0 is not accepted), got 2.5. Fix: set countNumber to a whole number of images >= 1.",
        },
      ],
    },
    {
      name: "tagged without a tag list",
      policy: { rules: [rule({ tagStatus: "tagged" })] },
      expected: [
        {
          severity: "error",
          rulePriority: 1,
          path: "rules[0].selection.tagStatus",
          message:
            'tagStatus "tagged" needs a tagPrefixList or a tagPatternList. Fix: add e.g. "tagPrefixList": ["ctx-"], or use tagStatus "any".',
        },
      ],
    },
    {
      name: "untagged with a tagPrefixList",
      policy: { rules: [rule({ tagPrefixList: ["prod"] })] },
      expected: [
        {
          severity: "error",
          rulePriority: 1,
          path: "rules[0].selection.tagPrefixList",
          message:
            'tagStatus "untagged" must not have a tagPrefixList; tag lists are only used with "tagged". Fix: remove tagPrefixList, or set tagStatus to "tagged".',
        },
      ],
    },
    {
      name: "both tagPatternList and tagPrefixList",
      policy: { rules: [rule({ tagStatus: "tagged", tagPrefixList: ["prod"], tagPatternList: ["prod*"] })] },
      expected: [
        {
          severity: "error",
          rulePriority: 1,
          path: "rules[0].selection.tagPrefixList",
          message:
            "A rule may specify tagPatternList or tagPrefixList, not both. Fix: keep one of the two lists; to select either of two tags, write two rules.",
        },
      ],
    },
    {
      name: 'more than 4 wildcards (AWS: ["test*1*2*3*4*5*6"] is invalid)',
      policy: { rules: [rule({ tagStatus: "tagged", tagPatternList: ["*test*1*2*3", "test*1*2*3*4*5*6"] })] },
      expected: [
        {
          severity: "error",
          rulePriority: 1,
          path: "rules[0].selection.tagPatternList[1]",
          message:
            'Pattern "test*1*2*3*4*5*6" has 6 wildcards; ECR allows at most 4 per pattern. Fix: use at most 4 "*" in each pattern.',
        },
      ],
    },
    {
      name: "transition without targetStorageClass",
      policy: {
        rules: [rule({ tagStatus: "tagged", tagPrefixList: ["prod"] }, { action: { type: "transition" } })],
      },
      expected: [
        {
          severity: "error",
          rulePriority: 1,
          path: "rules[0].action.targetStorageClass",
          message:
            'action "transition" requires "targetStorageClass": "archive". Fix: add "targetStorageClass": "archive".',
        },
      ],
    },
    {
      name: "sinceImagePulled with expire",
      policy: { rules: [rule({ countType: "sinceImagePulled" })] },
      expected: [
        {
          severity: "error",
          rulePriority: 1,
          path: "rules[0].action.type",
          message:
            'countType "sinceImagePulled" cannot be used with action "expire"; ECR only archives by pull time. Fix: use action "transition" to archive, then a second rule with countType "sinceImageTransitioned" and action "expire" to delete.',
        },
      ],
    },
    {
      name: "sinceImageTransitioned without storageClass archive",
      policy: { rules: [rule({ countType: "sinceImageTransitioned", countNumber: 120 })] },
      expected: [
        {
          severity: "error",
          rulePriority: 1,
          path: "rules[0].selection.storageClass",
          message:
            'countType "sinceImageTransitioned" selects archived images and requires "storageClass": "archive". Fix: add "storageClass": "archive".',
        },
      ],
    },
    {
      name: "storageClass archive with sinceImagePushed",
      policy: { rules: [rule({ storageClass: "archive" })] },
      expected: [
        {
          severity: "error",
          rulePriority: 1,
          path: "rules[0].selection.storageClass",
          message:
            'storageClass "archive" is only supported with countType "sinceImageTransitioned", not "sinceImagePushed". Fix: remove storageClass (standard is the default), or use countType "sinceImageTransitioned".',
        },
      ],
    },
    {
      name: "archived images expired before 90 days",
      policy: {
        rules: [rule({ countType: "sinceImageTransitioned", storageClass: "archive", countNumber: 30 })],
      },
      expected: [
        {
          severity: "error",
          rulePriority: 1,
          path: "rules[0].selection.countNumber",
          message:
            "Archived images cannot be expired by a lifecycle policy before 90 days in archive; countNumber is 30. Fix: set countNumber to 90 or more.",
        },
      ],
    },
    {
      name: "unknown field in a selection",
      policy: { rules: [rule({ maxImageCount: 3 })] },
      expected: [
        {
          severity: "error",
          rulePriority: 1,
          path: "rules[0].selection.maxImageCount",
          message:
            'Unknown field "maxImageCount" in a selection; ECR rejects properties its lifecycle policy schema does not define. Fix: remove "maxImageCount"; a selection has only "tagStatus", "tagPatternList", "tagPrefixList", "storageClass", "countType", "countUnit", "countNumber".',
        },
      ],
    },
    {
      name: "duplicate rulePriority",
      policy: { rules: [rule(), rule({ tagStatus: "tagged", tagPrefixList: ["ctx-"] })] },
      expected: [
        {
          severity: "error",
          rulePriority: 1,
          path: "rules[1].rulePriority",
          message:
            "rulePriority 1 is also used by rules[0]; priorities must be unique. Fix: give this rule another priority, or omit rulePriority and let renderLifecyclePolicy assign it.",
        },
      ],
    },
    {
      name: '"any" rule not last',
      policy: {
        rules: [
          rule({ tagStatus: "any" }),
          rule({ tagStatus: "tagged", tagPrefixList: ["ctx-"] }, { rulePriority: 2 }),
        ],
      },
      expected: [
        {
          severity: "error",
          rulePriority: 1,
          path: "rules[0].rulePriority",
          message:
            'A tagStatus "any" rule must have the highest rulePriority among the rules selecting standard images, but rule 2 is not lower. Fix: give this rule a rulePriority above 2, or omit it and let renderLifecyclePolicy place it last.',
        },
      ],
    },
    {
      name: "two rules selecting untagged images",
      policy: { rules: [rule(), rule({ countNumber: 14 }, { rulePriority: 2 })] },
      expected: [
        {
          severity: "error",
          rulePriority: 2,
          path: "rules[1].selection.tagStatus",
          message:
            "Only one rule per storage class may select untagged images; rule 1 already selects untagged standard images. Fix: merge the untagged rules into one.",
        },
      ],
    },
    {
      name: "two rules with the same prefix set",
      policy: {
        rules: [
          rule({ tagStatus: "tagged", tagPrefixList: ["a", "b"] }),
          rule({ tagStatus: "tagged", tagPrefixList: ["b", "a"] }, { rulePriority: 2 }),
        ],
      },
      expected: [
        {
          severity: "error",
          rulePriority: 2,
          path: "rules[1].selection.tagPrefixList",
          message:
            "Rule 1 already selects the same tagPrefixList; ECR requires a unique set of prefixes among the rules selecting standard images. Fix: merge the two rules, or change the prefixes.",
        },
      ],
    },
    {
      name: "rulePriority missing",
      policy: { rules: [rule({}, { rulePriority: undefined })] },
      expected: [
        {
          severity: "error",
          path: "rules[0].rulePriority",
          message:
            "rulePriority is missing. Fix: give every rule a unique whole number >= 1 (renderLifecyclePolicy assigns them).",
        },
      ],
    },
    {
      name: "empty rules",
      policy: { rules: [], padding: "x".repeat(100) },
      expected: [
        {
          severity: "error",
          path: "padding",
          message:
            'Unknown field "padding" in the policy; ECR rejects properties its lifecycle policy schema does not define. Fix: remove "padding"; the policy has only "rules".',
        },
        {
          severity: "error",
          path: "rules",
          message:
            '"rules" is empty; a lifecycle policy needs at least one rule. Fix: add "rules": [...] with at least one rule, or remove the lifecycle policy.',
        },
      ],
    },
  ];
  for (const { name, policy, expected } of cases) {
    it(name, () => {
      assert.deepEqual(validateLifecyclePolicy(JSON.stringify(policy)), expected);
    });
  }

  it("the same rules pass once the documented pairings are respected", () => {
    // Archive then expire after 90 days: the pairing AWS documents for deleting by pull time.
    const policy = {
      rules: [
        rule(
          { countType: "sinceImagePulled", countNumber: 30 },
          { action: { type: "transition", targetStorageClass: "archive" } },
        ),
        rule(
          { countType: "sinceImageTransitioned", storageClass: "archive", countNumber: 90 },
          { rulePriority: 2 },
        ),
      ],
    };
    assert.deepEqual(errorsOf(policy), []);
  });

  it("rejects text that is not JSON, too short or too long", () => {
    assert.deepEqual(validateLifecyclePolicy("{"), [
      {
        severity: "error",
        path: "",
        message:
          "The policy text is 1 characters; ECR requires at least 100. Fix: add the missing rules (a complete rule is longer than 100 characters).",
      },
      {
        severity: "error",
        path: "",
        message: `The policy is not valid JSON (${jsonError("{")}). Fix: pass the text renderLifecyclePolicy returns, or a plain object.`,
      },
    ]);
    const long = JSON.stringify({ rules: [rule({}, { description: "d".repeat(30_720) })] });
    assert.deepEqual(validateLifecyclePolicy(long)[0], {
      severity: "error",
      path: "",
      message: `The policy text is ${long.length} characters; ECR accepts at most 30720. Fix: merge or remove rules, or shorten descriptions.`,
    });
  });
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

describe("validateLifecyclePolicy: warnings", () => {
  const keepDeployed = rule(
    {
      tagStatus: "tagged",
      tagPrefixList: ["deployed-"],
      countType: "imageCountMoreThan",
      countUnit: undefined,
      countNumber: 100_000,
    },
    { rulePriority: 1 },
  );
  const keepRelease = rule(
    {
      tagStatus: "tagged",
      tagPrefixList: ["release-"],
      countType: "imageCountMoreThan",
      countUnit: undefined,
      countNumber: 100_000,
    },
    { rulePriority: 2 },
  );

  it("a keep-N rule selecting any image counts the build cache (and deployed images are not shielded)", () => {
    const policy = {
      rules: [
        rule(
          { tagStatus: "any", countType: "imageCountMoreThan", countUnit: undefined, countNumber: 20 },
          { rulePriority: 1 },
        ),
      ],
    };
    assert.deepEqual(
      validateLifecyclePolicy(policy).map((p) => [p.path, p.message.slice(0, 60)]),
      [
        ["rules[0].selection", 'This rule (tagStatus "any") keeps 20 images and counts the b'],
        ["rules[0].selection", 'This rule can expire images tagged "deployed-*", "release-*"'],
        ["rules[0].selection.countType", "This rule keeps untagged images by count (the newest 20, tag"],
        ["rules[0].selection.tagStatus", 'tagStatus "any" also selects signatures stored under tags (c'],
      ],
    );
    assert.equal(
      validateLifecyclePolicy(policy)[0]?.message,
      'This rule (tagStatus "any") keeps 20 images and counts the build-cache image "buildcache" among them: it takes a slot, and once 20 newer images match the cache is expired, so the next build starts cold. Fix: count builds by their content tag instead: "tagStatus": "tagged", "tagPrefixList": ["ctx-"].',
    );
  });

  it("a tag pattern that matches the cache tag is flagged; a custom cache tag is honoured", () => {
    const policy = {
      rules: [
        keepDeployed,
        keepRelease,
        rule(
          {
            tagStatus: "tagged",
            tagPatternList: ["*cache*"],
            countType: "imageCountMoreThan",
            countUnit: undefined,
            countNumber: 1,
          },
          { rulePriority: 3 },
        ),
      ],
    };
    assert.deepEqual(
      validateLifecyclePolicy(policy).map((p) => p.message.slice(0, 70)),
      ['This rule (tagPatternList ["*cache*"]) keeps 1 image and counts the bu'],
    );
    assert.deepEqual(validateLifecyclePolicy(policy, { cacheTag: "layers" }), []);
  });

  it("deployed images are shielded only by a rule with higher precedence", () => {
    const builds = rule(
      {
        tagStatus: "tagged",
        tagPrefixList: ["ctx-"],
        countType: "imageCountMoreThan",
        countUnit: undefined,
        countNumber: 10,
      },
      { rulePriority: 3 },
    );
    assert.deepEqual(validateLifecyclePolicy({ rules: [keepDeployed, keepRelease, builds] }), []);
    const unshielded = validateLifecyclePolicy({
      rules: [{ ...keepDeployed, rulePriority: 4 }, keepRelease, builds],
    });
    assert.deepEqual(unshielded, [
      {
        severity: "warning",
        rulePriority: 3,
        path: "rules[2].selection",
        message:
          'This rule can expire images tagged "deployed-*" (deployed or released): no higher-priority rule selects those tags to shield them. Fix: put a rule first that keeps them, e.g. {"tagStatus": "tagged", "tagPrefixList": ["deployed-"], "countType": "imageCountMoreThan", "countNumber": 100000} (the presets do).',
      },
    ]);
    assert.deepEqual(validateLifecyclePolicy({ rules: [builds] }, { protectedTagPrefixes: [] }), []);
  });

  it("archive transitions warn that they save nothing below 150 TB", () => {
    const policy = {
      rules: [
        keepDeployed,
        keepRelease,
        rule(
          { tagStatus: "tagged", tagPrefixList: ["ctx-"], countNumber: 30 },
          { rulePriority: 3, action: { type: "transition", targetStorageClass: "archive" } },
        ),
      ],
    };
    assert.deepEqual(validateLifecyclePolicy(policy), [
      {
        severity: "warning",
        rulePriority: 3,
        path: "rules[2].action",
        message:
          "Archive storage costs the same as standard for the first 150 TB a month, bills at least 90 days per archived image and must be restored (up to 20 minutes, per-GB fee) before a pull, so this transition saves nothing below 150 TB. Fix: expire these images instead, unless you must retain them or the registry stores more than 150 TB.",
      },
    ]);
  });

  it("a rule with the same tagPatternList as a higher one never acts", () => {
    const policy = {
      rules: [
        keepDeployed,
        keepRelease,
        rule(
          {
            tagStatus: "tagged",
            tagPatternList: ["ctx-*"],
            countType: "imageCountMoreThan",
            countUnit: undefined,
            countNumber: 10,
          },
          { rulePriority: 3 },
        ),
        rule({ tagStatus: "tagged", tagPatternList: ["ctx-*"], countNumber: 30 }, { rulePriority: 4 }),
      ],
    };
    assert.deepEqual(validateLifecyclePolicy(policy), [
      {
        severity: "warning",
        rulePriority: 4,
        path: "rules[3].selection.tagPatternList",
        message:
          "Rule 3 selects the same tagPatternList with higher precedence, so this rule never acts. Fix: merge the two rules into one.",
      },
    ]);
  });
});

describe("formatLifecycleProblems", () => {
  it("writes one line per problem with severity, rule, path, problem and fix", () => {
    const text = formatLifecycleProblems([
      {
        severity: "error",
        rulePriority: 2,
        path: "rules[1].selection.countUnit",
        message: "countUnit is required. Fix: add it.",
      },
      { severity: "warning", path: "", message: "Too short. Fix: add rules." },
      { severity: "error", path: "rules[0].rulePriority", message: "rulePriority is missing. Fix: add one." },
    ]);
    assert.equal(
      text,
      [
        "error: lifecycle rule 2 at rules[1].selection.countUnit: countUnit is required. Fix: add it.",
        "warning: lifecycle at policy: Too short. Fix: add rules.",
        "error: lifecycle at rules[0].rulePriority: rulePriority is missing. Fix: add one.",
      ].join("\n"),
    );
    assert.equal(formatLifecycleProblems([]), "");
  });
});

describe("validateLifecyclePolicy: bounded, and bugs are not input errors (issue 12)", () => {
  const oneRule = {
    rulePriority: 1,
    selection: { tagStatus: "untagged", countType: "imageCountMoreThan", countNumber: 1 },
    action: { type: "expire" },
  };
  const manyRules = (count: number) =>
    Array.from({ length: count }, (_, i) => ({ ...oneRule, rulePriority: i + 1 }));
  const timed = <T>(run: () => T): [T, number] => {
    const start = performance.now();
    const value = run();
    return [value, performance.now() - start];
  };

  it("stops at the length error for an oversized policy (20,000 rules took 32 s)", () => {
    const text = JSON.stringify({ rules: manyRules(20_000) });
    const [problems, ms] = timed(() => validateLifecyclePolicy(text));
    assert.deepEqual(problems, [
      {
        severity: "error",
        path: "",
        message: `The policy text is ${text.length} characters; ECR accepts at most 30720. Fix: merge or remove rules, or shorten descriptions.`,
      },
    ]);
    assert.ok(ms < 100, `${ms.toFixed(1)} ms`);
  });

  it("rejects an object with 200,000 rules up front, with no stack overflow and no 'could not be read'", () => {
    const policy = { rules: manyRules(200_000) };
    const [problems, ms] = timed(() => validateLifecyclePolicy(policy));
    assert.deepEqual(problems, [
      {
        severity: "error",
        path: "rules",
        message:
          "The policy has 200000 rules; validateLifecyclePolicy reads at most 10000 (ECR's 30720-character limit holds about 260). Fix: merge or remove rules.",
      },
    ]);
    assert.ok(ms < 100, `${ms.toFixed(1)} ms`);
  });

  it("a throwing getter in the user's object is an input error; the object is read once", () => {
    let reads = 0;
    const policy = {
      get rules(): unknown {
        reads += 1;
        throw new Error("no access");
      },
    };
    assert.deepEqual(validateLifecyclePolicy(policy), [
      {
        severity: "error",
        path: "",
        message:
          "The policy object cannot be written as JSON (no access). Fix: pass plain JSON data: no cycles, BigInt or functions.",
      },
    ]);
    // Once to count the rules (the getter throws there too), once in JSON.stringify.
    assert.equal(reads, 2);
  });
});
