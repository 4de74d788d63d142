import assert from "node:assert/strict";
import { formatArgumentProblem } from "../../components/common/argument-problem";
import {
  EXCLUSION_FILTER_LIMITS,
  MOVING_TAG_NAMES,
  TagRole,
  exclusionFilterProblem,
  fixedTagMoves,
  nextVersion,
  planTagMutability,
  tagLookupFrom,
  tagRole,
  type FixedTagCheckInput,
  type TagLookup,
} from "../../components/buildkit/tag-policy";

const conventions = { contentTagPrefix: "ctx-", deployedTagPrefix: "deployed-", cacheTag: "buildcache" };
const CACHE = { filter: "buildcache*", filterType: "WILDCARD" };
const DEPLOYED = { filter: "deployed-*", filterType: "WILDCARD" };
const exact = (filter: string) => ({ filter, filterType: "WILDCARD" });

describe("tag policy: which tags move and which stay (issue 18 item 1)", () => {
  const roles: [string, TagRole][] = [
    ["ctx-0123456789abcdef", "content"],
    ["ctx-0123456789abcdef-arm64", "content"],
    ["buildcache", "cache"],
    ["buildcache-amd64", "cache"],
    ["deployed-prod", "deployed"],
    ["latest", "moving"],
    ["stable", "moving"],
    ["prod", "moving"],
    ["staging", "moving"],
    ["main", "moving"],
    ["release-1.4.0", "fixed"],
    ["v2", "fixed"],
    ["1.4", "fixed"],
    ["git-3f2a9c1", "fixed"],
    ["Latest", "fixed"], // tags are case-sensitive: only the exact lower-case names move
    ["latest-2", "fixed"],
    ["buildcachex", "fixed"],
  ];
  for (const [tag, role] of roles)
    it(`${tag} is ${role}`, () => assert.equal(tagRole(tag, conventions), role));

  it("the moving names are all valid exact exclusion filters (no wildcard, ECR's characters)", () => {
    for (const name of MOVING_TAG_NAMES) assert.equal(exclusionFilterProblem(name), undefined, name);
    assert.equal(new Set(MOVING_TAG_NAMES).size, MOVING_TAG_NAMES.length);
  });

  const plans: {
    name: string;
    extraTags: string[];
    cacheTag?: string;
    filters: { filter: string; filterType: string }[];
    moving: string[];
    fixed: string[];
    messages: string[];
  }[] = [
    {
      name: "no extra tags: the cache tags and deployed-* move",
      extraTags: [],
      filters: [CACHE, DEPLOYED],
      moving: [],
      fixed: [],
      messages: [],
    },
    {
      name: 'the issue\'s case, extraTags ["latest"]: latest gets its own filter',
      extraTags: ["latest"],
      filters: [CACHE, DEPLOYED, exact("latest")],
      moving: ["latest"],
      fixed: [],
      messages: [],
    },
    {
      name: "a version and a deployed marker: only the marker moves, through deployed-*",
      extraTags: ["release-1.4.0", "deployed-prod"],
      filters: [CACHE, DEPLOYED],
      moving: ["deployed-prod"],
      fixed: ["release-1.4.0"],
      messages: [],
    },
    {
      name: "three moving names fill ECR's five filters; duplicates count once",
      extraTags: ["latest", "stable", "latest", "prod", "v1"],
      filters: [CACHE, DEPLOYED, exact("latest"), exact("stable"), exact("prod")],
      moving: ["latest", "stable", "prod"],
      fixed: ["v1"],
      messages: [],
    },
    {
      name: "a fourth moving name is rejected with the deployed-* fix",
      extraTags: ["latest", "stable", "prod", "staging"],
      filters: [CACHE, DEPLOYED, exact("latest"), exact("stable"), exact("prod")],
      moving: ["latest", "stable", "prod"],
      fixed: [],
      messages: [
        'EcrImagePipeline: invalid argument "extraTags[3]": "staging" is re-pointed to every new build, so the repository must exempt it from tag immutability, but ECR allows 5 exclusion filters per repository and they are taken (buildcache*, deployed-*, latest, stable, prod). Use "deployed-staging" instead: every deployed-* tag moves through the one deployed-* filter, and the lifecycle presets keep the images it names.',
      ],
    },
    {
      name: "a content-prefixed and a cache tag are rejected",
      extraTags: ["ctx-mine", "buildcache-arm64"],
      filters: [CACHE, DEPLOYED],
      moving: [],
      fixed: [],
      messages: [
        'EcrImagePipeline: invalid argument "extraTags[0]": "ctx-mine" starts with "ctx-", the prefix of the content tags the lifecycle policy keeps a number of (it would count as a build and expire like one). Use a tag that does not start with "ctx-".',
        'EcrImagePipeline: invalid argument "extraTags[1]": "buildcache-arm64" is a build-cache tag (buildcache or buildcache-<arch>), which every build overwrites with cache metadata. Remove it from extraTags, or set cacheTag to another tag.',
      ],
    },
    {
      name: "a 128-character cacheTag makes a 129-character filter",
      extraTags: [],
      cacheTag: "c".repeat(128),
      filters: [{ filter: `${"c".repeat(128)}*`, filterType: "WILDCARD" }, DEPLOYED],
      moving: [],
      fixed: [],
      messages: [
        `EcrImagePipeline: invalid argument "cacheTag": the repository exempts the cache tags from tag immutability with the filter "${"c".repeat(128)}*" is 129 characters; ECR takes exclusion filters of at most 128. Use a cacheTag of at most 127 characters.`,
      ],
    },
  ];
  for (const plan of plans)
    it(plan.name, () => {
      const result = planTagMutability(plan.extraTags, {
        ...conventions,
        cacheTag: plan.cacheTag ?? conventions.cacheTag,
      });
      assert.deepEqual(result.filters, plan.filters);
      assert.deepEqual(result.moving, plan.moving);
      assert.deepEqual(result.fixed, plan.fixed);
      assert.deepEqual(
        result.problems.map((p) => formatArgumentProblem("EcrImagePipeline", p)),
        plan.messages,
      );
      assert.ok(result.filters.length <= EXCLUSION_FILTER_LIMITS.filters);
    });

  it("every filter a plan without problems returns is one ECR takes", () => {
    const result = planTagMutability(["latest", "stable", "prod"], conventions);
    assert.deepEqual(result.problems, []);
    for (const { filter } of result.filters) assert.equal(exclusionFilterProblem(filter), undefined, filter);
  });

  const filterProblems: [string, string | undefined][] = [
    ["buildcache*", undefined],
    ["*-rc-*", undefined],
    ["a*b*c*", '"a*b*c*" has 3 wildcards; ECR takes at most 2'],
    [
      "release/1",
      `"release/1" has characters ECR does not take in an exclusion filter (only letters, digits, '.', '_', '-' and '*')`,
    ],
    [
      "",
      `"" has characters ECR does not take in an exclusion filter (only letters, digits, '.', '_', '-' and '*')`,
    ],
    ["x".repeat(128), undefined],
  ];
  for (const [filter, problem] of filterProblems)
    it(`filter ${JSON.stringify(filter.slice(0, 20))}: ${problem ?? "accepted"}`, () =>
      assert.equal(exclusionFilterProblem(filter), problem));
});

describe("tag policy: a fixed tag pointed at another image is caught in preview", () => {
  const found = (imageDigest: string, imageSizeInBytes?: number): TagLookup =>
    imageSizeInBytes === undefined
      ? { state: "found", imageDigest }
      : { state: "found", imageDigest, imageSizeInBytes };
  const A = `sha256:${"a".repeat(64)}`;
  const B = `sha256:${"b".repeat(64)}`;
  const base = (overrides: Partial<FixedTagCheckInput>): FixedTagCheckInput => ({
    repositoryName: "orders",
    contentTag: "ctx-0123456789abcdef",
    content: { state: "absent" },
    singlePlatform: false,
    fixed: [{ tag: "release-1.4.0", argument: "extraTags[0]", lookup: { state: "absent" } }],
    deployedTagPrefix: "deployed-",
    ...overrides,
  });
  const messages = (input: FixedTagCheckInput) =>
    fixedTagMoves(input).errors.map((p) => formatArgumentProblem("EcrImagePipeline", p));
  const fixedAt = (lookup: TagLookup, tag = "release-1.4.0") => [{ tag, argument: "extraTags[0]", lookup }];

  it("a version tag ECR does not hold yet is simply created", () =>
    assert.deepEqual(fixedTagMoves(base({})), { errors: [], unchecked: [] }));

  it("a version tag that names another build, and this run builds a new one: stopped with the fix", () =>
    assert.deepEqual(messages(base({ fixed: fixedAt(found(A, 100)) })), [
      'EcrImagePipeline: invalid argument "extraTags[0]": "release-1.4.0" already names another image in orders (sha256:aaaaaaaaaaaa…), and this run builds a new one (ctx-0123456789abcdef, not in ECR yet); ECR keeps "release-1.4.0" immutable, so moving it would fail with ImageTagAlreadyExistsException after the push. Tag this build with a new version (e.g. "release-1.4.1"), or remove "release-1.4.0" from extraTags to leave it on the image it names.',
    ]));

  it("several platforms: the tag names this build's index (same digest): nothing moves", () =>
    assert.deepEqual(messages(base({ content: found(A, 100), fixed: fixedAt(found(A, 100)) })), []));

  it("several platforms, a rollback to an older build while the version names another: stopped", () =>
    assert.deepEqual(messages(base({ content: found(B, 100), fixed: fixedAt(found(A, 100)) })), [
      'EcrImagePipeline: invalid argument "extraTags[0]": "release-1.4.0" already names another image in orders (sha256:aaaaaaaaaaaa…), and this run promotes ctx-0123456789abcdef (sha256:bbbbbbbbbbbb…); ECR keeps "release-1.4.0" immutable, so moving it would fail with ImageTagAlreadyExistsException after the push. Tag this build with a new version (e.g. "release-1.4.1"), or remove "release-1.4.0" from extraTags to leave it on the image it names.',
    ]));

  it("one platform: the tag names the wrapping index, whose size is the image's: nothing moves", () =>
    assert.deepEqual(
      messages(base({ singlePlatform: true, content: found(B, 100), fixed: fixedAt(found(A, 100)) })),
      [],
    ));

  it("one platform, another size: another build, stopped", () =>
    assert.equal(
      messages(base({ singlePlatform: true, content: found(B, 100), fixed: fixedAt(found(A, 101)) })).length,
      1,
    ));

  it("a fixed name without digits: the fix offers deployed-<name>", () =>
    assert.deepEqual(
      fixedTagMoves(base({ fixed: fixedAt(found(A), "blue") })).errors.map((p) => p.fix),
      [
        'If it should follow every build, name it "deployed-blue" (deployed-* tags move); else remove it from extraTags to leave it on the image it names.',
      ],
    ));

  it("a lookup that failed is reported as unchecked, not as an error", () =>
    assert.deepEqual(
      fixedTagMoves(base({ fixed: fixedAt({ state: "failed", reason: "AccessDeniedException" }) })),
      {
        errors: [],
        unchecked: [
          'could not check whether extraTags[0] "release-1.4.0" already names another image in orders (AccessDeniedException); if it does, ECR refuses to move it and the promotion fails after the push',
        ],
      },
    ));

  it("getImage's outcomes: found, not found (ImageNotFoundException), failed", () => {
    assert.deepEqual(tagLookupFrom({ imageDigest: A, imageSizeInBytes: 5 }), found(A, 5));
    assert.deepEqual(tagLookupFrom({ imageDigest: A }), found(A));
    assert.deepEqual(
      tagLookupFrom({
        error: new Error(
          "reading ECR Images: operation error ECR: DescribeImages, ImageNotFoundException: The image with imageId {imageDigest:'null', imageTag:'v1'} does not exist within the repository with name 'orders'",
        ),
      }),
      { state: "absent" },
    );
    assert.deepEqual(tagLookupFrom({ error: "AccessDeniedException:\n  not allowed" }), {
      state: "failed",
      reason: "AccessDeniedException: not allowed",
    });
    assert.deepEqual(tagLookupFrom({ imageDigest: "" }), {
      state: "failed",
      reason: "aws.ecr.getImage returned no imageDigest",
    });
  });

  const versions: [string, string][] = [
    ["release-1.4.0", "release-1.4.1"],
    ["v9", "v10"],
    ["1.09", "1.10"],
    ["2026-01-15-rc", "2026-01-16-rc"],
    ["blue", "blue"],
  ];
  for (const [tag, next] of versions)
    it(`next version of ${tag} is ${next}`, () => assert.equal(nextVersion(tag), next));
});
