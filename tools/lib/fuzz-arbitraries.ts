/**
 * Adversarial inputs for the pure modules (issue 12), shared by the fuzz suite (test/fuzz/*.test.ts)
 * and the benchmark (tools/bench-fuzz.ts). Each generator mixes realistic values with the shapes that
 * broke the modules before: NaN, negative and huge numbers, invalid dates, fractional and 2^53 − 1
 * priorities, unknown enum values, wrong types.
 *
 * The mix is weighted so that most cases are inputs the function accepts (issue 19): one bad field
 * rejects the whole case, so a record of ten fields each drawn from `anyNumber` (about 3 in 10 of its
 * values are rejected) was accepted about 1 time in 100, and its property checked the arithmetic on
 * almost nothing. A field is drawn with `mostly`: an accepted value 7 times in 8, `anyNumber` the 8th,
 * so every field still gets hundreds of bad values in 10,000 cases. Each property asserts its share
 * of accepted cases (test/helpers/fuzz.ts withSuccessShare).
 */
import fc from "fast-check";
import type { CostEstimate, CostEstimateInput, CostReportContext } from "../../components/cost";
import {
  PullBytes,
  RescanDuration,
  ScanningMode,
  ecrPricing,
  estimateMonthlyCost,
} from "../../components/cost";
import type { ComparedImage } from "../../components/cost/comparison";
import type { CostForInput } from "../../components/cost/pipeline-cost";
import type { MeasuredLayers, PlatformLayers, StoredBlob } from "../../components/cost/storage";
import type { DockerfileFinding } from "../../components/dockerfile";
import {
  lifecyclePresets,
  type LifecycleAction,
  type LifecycleImage,
  type LifecycleRule,
  type PushCadence,
  renderLifecyclePolicy,
} from "../../components/lifecycle";
import type { SizeBudgetInput } from "../../components/size/budget";

/** Any number a caller could pass: ordinary, at the edges, or not a usable number at all. */
export const anyNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 1000 }) },
  { weight: 2, arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true }) },
  { weight: 2, arbitrary: fc.double() },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      0,
      -1,
      1.5,
      2 ** 50,
      2 ** 53 - 1,
      1e12,
      1e13,
      1e18,
      1e300,
      1e308,
      Number.MAX_VALUE,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ),
  },
);

/** A number every pure module accepts for a size, a count or a rate: finite, >= 1, at most 1e6. */
export const acceptedNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 1000 }) },
  { weight: 1, arbitrary: fc.double({ min: 1, max: 1e6, noNaN: true }) },
);

/** `accepted` 7 times in 8, any number the 8th: mostly valid, and still every bad number (see the top). */
export const mostly = (accepted: fc.Arbitrary<number> = acceptedNumber): fc.Arbitrary<number> =>
  fc.oneof({ weight: 7, arbitrary: accepted }, { weight: 1, arbitrary: anyNumber });

/**
 * One of `accepted` 7 times in 8, one of `rejected` the 8th: the same mix as {@link mostly}, for a field
 * that takes one of a few strings (an enum, a region, an account id).
 */
export const mostlyFrom = <T>(accepted: readonly T[], rejected: readonly T[]): fc.Arbitrary<T> =>
  fc.oneof(
    { weight: 7, arbitrary: fc.constantFrom(...accepted) },
    { weight: 1, arbitrary: fc.constantFrom(...rejected) },
  );

/** ECR's longest tag (300 characters), the shape that made a 4-wildcard pattern backtrack for 39 s. */
const LONG_TAG = "a".repeat(300);

const tag = fc.oneof(
  fc.constant(LONG_TAG),
  fc.constantFrom(
    "ctx-0123456789abcdef",
    "ctx-00aa",
    "deployed-prod",
    "release-1.0",
    "latest",
    "buildcache",
    "v1",
  ),
  fc.string({ maxLength: 12 }),
);

const countType = fc.constantFrom(
  "imageCountMoreThan",
  "sinceImagePushed",
  "sinceImagePulled",
  "sinceImageTransitioned",
) as fc.Arbitrary<LifecycleRule["selection"]["countType"]>;

/** Typed rules, mostly valid, with the priorities and counts that broke the renderer. */
export const rulesArb: fc.Arbitrary<LifecycleRule[]> = fc.array(
  fc
    .record({
      priority: fc.option(fc.oneof(fc.integer({ min: 1, max: 20 }), anyNumber), { nil: undefined, freq: 2 }),
      tagStatus: fc.constantFrom("tagged", "untagged", "any") as fc.Arbitrary<"tagged" | "untagged" | "any">,
      prefixes: fc.array(fc.constantFrom("ctx-", "deployed-", "release-", "v", "x"), {
        minLength: 1,
        maxLength: 2,
      }),
      patterns: fc.option(
        fc.array(fc.constantFrom("ctx-*", "*", "a*b*c*d*e*", "v*", "*a*a*a*a*b"), {
          minLength: 1,
          maxLength: 2,
        }),
        {
          nil: undefined,
        },
      ),
      countType,
      countNumber: fc.oneof(fc.integer({ min: 1, max: 120 }), anyNumber),
      transition: fc.boolean(),
      description: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
    })
    .map(
      ({
        priority,
        tagStatus,
        prefixes,
        patterns,
        countType: type,
        countNumber,
        transition,
        description,
      }) => {
        const selection: LifecycleRule["selection"] = { tagStatus, countType: type, countNumber };
        if (tagStatus === "tagged") {
          if (patterns === undefined) selection.tagPrefixList = prefixes;
          else selection.tagPatternList = patterns;
        }
        if (type === "sinceImageTransitioned") selection.storageClass = "archive";
        const rule: LifecycleRule = { selection };
        if (priority !== undefined) rule.rulePriority = priority;
        if (description !== undefined) rule.description = description;
        if (transition) rule.action = { type: "transition", targetStorageClass: "archive" };
        return rule;
      },
    ),
  { maxLength: 6 },
);

const EXPIRE: LifecycleAction = { type: "expire" };
const TRANSITION: LifecycleAction = { type: "transition", targetStorageClass: "archive" };

const countArb = fc.oneof(
  fc.record({
    countType: fc.constant("imageCountMoreThan" as const),
    countNumber: fc.integer({ min: 1, max: 20 }),
  }),
  fc.record({
    countType: fc.constant("sinceImagePushed" as const),
    countNumber: fc.integer({ min: 1, max: 60 }),
  }),
);

/** A tagged rule; `key` identifies its tag list so generated policies keep prefix sets unique. */
const taggedRuleArb = fc
  .record({
    usePatterns: fc.boolean(),
    prefixes: fc.uniqueArray(fc.constantFrom("ctx-", "v", "feat-", "de", "dep", "rel", "x"), {
      minLength: 1,
      maxLength: 2,
    }),
    patterns: fc.uniqueArray(fc.constantFrom("ctx-*", "*prod*", "v*", "*-rc*", "deploy*", "*", "a*b*c*d*"), {
      minLength: 1,
      maxLength: 2,
    }),
    count: countArb,
    pulledTransition: fc.boolean(),
    action: fc.constantFrom(EXPIRE, TRANSITION),
    description: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
  })
  .map(({ usePatterns, prefixes, patterns, count, pulledTransition, action, description }) => {
    const list = usePatterns ? { tagPatternList: patterns } : { tagPrefixList: prefixes };
    const selection =
      pulledTransition && !usePatterns
        ? {
            tagStatus: "tagged" as const,
            ...list,
            countType: "sinceImagePulled" as const,
            countNumber: count.countNumber,
          }
        : { tagStatus: "tagged" as const, ...list, ...count };
    const rule: LifecycleRule = {
      selection,
      action: selection.countType === "sinceImagePulled" ? TRANSITION : action,
    };
    if (description !== undefined) rule.description = description;
    return {
      rule,
      key: `${usePatterns ? "pattern" : "prefix"}:${[...(usePatterns ? patterns : prefixes)].sort().join(",")}`,
    };
  });

/**
 * Rules ECR accepts, by construction: unique tag lists, at most one untagged rule, `any` rules last per
 * storage class (from test/lifecycle/properties.test.ts, where the round-trip properties use it).
 */
export const validRulesArb = fc
  .record({
    tagged: fc.uniqueArray(taggedRuleArb, { maxLength: 4, selector: (entry) => entry.key }),
    untagged: fc.option(countArb, { nil: undefined }),
    anyRule: fc.option(fc.record({ count: countArb, action: fc.constantFrom(EXPIRE, TRANSITION) }), {
      nil: undefined,
    }),
    archiveExpiry: fc.option(fc.integer({ min: 90, max: 400 }), { nil: undefined }),
    explicitPriorities: fc.boolean(),
  })
  .map(({ tagged, untagged, anyRule, archiveExpiry, explicitPriorities }) => {
    const rules: LifecycleRule[] = tagged.map((entry) => entry.rule);
    if (untagged) rules.push({ selection: { tagStatus: "untagged", ...untagged }, action: EXPIRE });
    if (archiveExpiry !== undefined) {
      rules.push({
        selection: { tagStatus: "any", countType: "sinceImageTransitioned", countNumber: archiveExpiry },
      });
    }
    if (anyRule) rules.push({ selection: { tagStatus: "any", ...anyRule.count }, action: anyRule.action });
    if (rules.length === 0)
      rules.push({ selection: { tagStatus: "untagged", countType: "imageCountMoreThan", countNumber: 1 } });
    return explicitPriorities ? rules.map((rule, i) => ({ ...rule, rulePriority: 10 * (i + 1) })) : rules;
  });

/**
 * A preset's policy text, rendered when first drawn rather than when this module loads: a renderer that
 * throws then fails the properties that use it, each with its own message, instead of every suite that
 * imports this file failing to load. Rendered once per preset.
 */
const presetTexts = new Map<string, string>();
const presetTextArb: fc.Arbitrary<string> = fc
  .constantFrom(...Object.entries(lifecyclePresets))
  .map(([name, preset]) => {
    const text = presetTexts.get(name) ?? renderLifecyclePolicy(preset.rules);
    presetTexts.set(name, text);
    return text;
  });

/**
 * A policy as the functions take it: a preset, rules ECR accepts (typed or rendered), typed rules with
 * the priorities and counts that broke the renderer (few of which ECR accepts), or JSON junk. Valid
 * policies are over half of the draws, so that simulateLifecycle and steadyStateRetention mostly get
 * past the policy check (with the five kinds drawn alike, 1 policy in 4 was valid).
 */
export const policyArb: fc.Arbitrary<string | object | LifecycleRule[]> = fc.oneof(
  {
    weight: 2,
    arbitrary: presetTextArb,
  },
  { weight: 2, arbitrary: validRulesArb },
  { weight: 1, arbitrary: validRulesArb.map((rules) => renderLifecyclePolicy(rules)) },
  { weight: 1, arbitrary: rulesArb },
  {
    weight: 1,
    arbitrary: rulesArb.map((rules) => {
      try {
        return renderLifecyclePolicy(rules);
      } catch {
        return "{}";
      }
    }),
  },
  { weight: 1, arbitrary: fc.jsonValue().map((value) => ({ rules: [value] })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

/** Anything the validator can be handed: JSON values, text, objects with odd rules. */
export const validatorInputArb: fc.Arbitrary<string | object> = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value) ?? "null"),
  fc.jsonValue().filter((value): value is object => typeof value === "object" && value !== null),
  fc.jsonValue().map((value) => ({ rules: [value, value] })),
  fc.jsonValue().map((value) => ({ rules: [{ rulePriority: 1, selection: value, action: value }] })),
  fc.anything().map((value) => ({ rules: [value] })),
  fc.string({ maxLength: 300 }),
  policyArb.filter((policy) => typeof policy === "string" || !Array.isArray(policy)),
);

export const cadenceArb: fc.Arbitrary<PushCadence> = fc.record(
  {
    pushesPerDay: fc.array(
      fc.record({
        tag,
        perDay: mostly(fc.double({ min: 0, max: 50, noNaN: true })),
        moving: fc.boolean(),
      }),
      { maxLength: 3 },
    ),
    untaggedPerPush: fc.option(mostly(fc.integer({ min: 0, max: 10 })), { nil: undefined }),
    deployedImages: fc.option(mostly(), { nil: undefined }),
    imageBytes: mostly(),
    uniqueBytesPerImage: fc.option(mostly(), { nil: undefined }),
  },
  { requiredKeys: ["pushesPerDay", "imageBytes"] },
);

const NOW = Date.UTC(2026, 10, 22);
const DAY = 86_400_000;
const validDateArb: fc.Arbitrary<Date> = fc
  .integer({ min: 0, max: 400 })
  .map((days) => new Date(NOW - days * DAY));
const dateArb: fc.Arbitrary<Date> = fc.oneof(
  { weight: 8, arbitrary: validDateArb },
  { weight: 1, arbitrary: fc.constant(new Date(Number.NaN)) },
  { weight: 1, arbitrary: fc.double().map((ms) => new Date(ms)) },
);

/** Up to 30 images; sizes and dates from `bytes` and `date`. */
const imagesOf = (bytes: fc.Arbitrary<number>, date: fc.Arbitrary<Date>): fc.Arbitrary<LifecycleImage[]> =>
  fc
    .array(
      fc.record({
        tags: fc.array(tag, { maxLength: 3 }),
        pushedAt: date,
        lastPulledAt: fc.option(date, { nil: undefined }),
        sizeBytes: bytes,
        archived: fc.boolean(),
        child: fc.boolean(),
      }),
      { maxLength: 30 },
    )
    .map((specs) =>
      specs.map((spec, i): LifecycleImage => {
        const image: LifecycleImage = {
          digest: `sha256:${i}`,
          tags: spec.tags,
          pushedAt: spec.pushedAt,
          sizeBytes: spec.sizeBytes,
        };
        if (spec.lastPulledAt !== undefined) image.lastPulledAt = spec.lastPulledAt;
        if (spec.archived) image.storageClass = "archive";
        if (spec.child && i > 0) image.referencedBy = [`sha256:${i - 1}`];
        return image;
      }),
    );

/**
 * Images with valid sizes and dates 3 times in 4; the 4th, any number and any date for each: one bad
 * image of up to 30 rejects the list, so drawing every field from the bad mix left few lists valid.
 */
export const imagesArb: fc.Arbitrary<LifecycleImage[]> = fc.oneof(
  { weight: 3, arbitrary: imagesOf(fc.integer({ min: 0, max: 2 ** 40 }), validDateArb) },
  { weight: 1, arbitrary: imagesOf(anyNumber, dateArb) },
);

export const nowArb: fc.Arbitrary<Date> = fc.oneof(
  { weight: 3, arbitrary: validDateArb },
  { weight: 1, arbitrary: dateArb },
);

const regions = Object.keys(ecrPricing);

/**
 * Cost inputs: with `badValues`, each field mixes in the values estimateMonthlyCost rejects (`mostly`;
 * a region or rescan duration that is junk 1 time in 10); without, only values it accepts.
 */
const costInputOf = (badValues: boolean): fc.Arbitrary<CostEstimateInput> => {
  const number = badValues ? mostly : (accepted: fc.Arbitrary<number> = acceptedNumber) => accepted;
  const text = (accepted: fc.Arbitrary<string>, maxLength: number): fc.Arbitrary<string> =>
    badValues
      ? fc.oneof({ weight: 9, arbitrary: accepted }, { weight: 1, arbitrary: fc.string({ maxLength }) })
      : accepted;
  return fc
    .record({
      region: text(fc.constantFrom(...regions), 12),
      imageBytes: number(),
      uniqueShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      retainedImages: number(),
      cacheBytes: fc.option(number(), { nil: undefined }),
      pushesPerMonth: number(),
      pulls: fc.record(
        {
          sameRegion: number(),
          viaInterfaceEndpoint: number(),
          viaNat: number(),
          crossRegion: number(),
          internet: number(),
        },
        { requiredKeys: [] },
      ),
      bytesPerPull: fc.option(number(), { nil: undefined }),
      enhanced: fc.boolean(),
      rescansPerMonth: fc.option(number(), { nil: undefined }),
      // The API's durations mostly, sometimes a typo ("DAYS_7", "14"): the estimate names the key.
      rescanDuration: fc.option(text(fc.constantFrom(...Object.values(RescanDuration)), 8), {
        nil: undefined,
      }),
      imagesPerPush: fc.option(number(fc.integer({ min: 1, max: 8 })), { nil: undefined }),
      replicationRegions: fc.subarray(regions, { maxLength: 3 }),
      applyFreeTier: fc.boolean(),
      override: fc.option(fc.record({ rate: number(), free: number(), upTo: number() }), {
        nil: undefined,
        freq: 4,
      }),
    })
    .map((drawn) => {
      const input: CostEstimateInput = {
        region: drawn.region,
        imageBytes: drawn.imageBytes,
        retainedImages: drawn.retainedImages,
        pushesPerMonth: drawn.pushesPerMonth,
        pulls: drawn.pulls,
        scanning: {
          mode: drawn.enhanced ? "enhanced" : "basic",
          ...(drawn.rescansPerMonth === undefined ? {} : { rescansPerMonth: drawn.rescansPerMonth }),
          ...(drawn.rescanDuration === undefined
            ? {}
            : { rescanDuration: drawn.rescanDuration as RescanDuration }),
          ...(drawn.imagesPerPush === undefined ? {} : { imagesPerPush: drawn.imagesPerPush }),
        },
        replicationRegions: drawn.replicationRegions.filter((region) => region !== drawn.region),
        applyFreeTier: drawn.applyFreeTier,
      };
      if (drawn.uniqueShare !== undefined) input.uniqueBytesPerImage = drawn.imageBytes * drawn.uniqueShare;
      if (drawn.cacheBytes !== undefined) input.cacheBytes = drawn.cacheBytes;
      if (drawn.bytesPerPull !== undefined) input.bytesPerPull = drawn.bytesPerPull;
      if (drawn.override !== undefined) {
        const { rate, free, upTo } = drawn.override;
        input.pricing = {
          storagePerGBMonth: rate,
          internetEgressTiers: [
            { upToGB: upTo, perGB: rate },
            { upToGB: Infinity, perGB: rate },
          ],
          internetFreeGB: free,
          natPerGB: rate,
          interfaceEndpointPerGB: rate,
          interRegionPerGB: rate,
          enhancedScanPerImage: rate,
          enhancedRescanPerImage: rate,
        };
      }
      return input;
    });
};

/** Cost inputs with bad values mixed into every field (see {@link costInputOf}). */
export const costInputArb: fc.Arbitrary<CostEstimateInput> = costInputOf(true);
/** Cost inputs estimateMonthlyCost accepts, every field drawn from its accepted values. */
export const validCostInputArb: fc.Arbitrary<CostEstimateInput> = costInputOf(false);

/** Estimates as estimateMonthlyCost returns them, some with a field broken after the fact. */
export const reportInputArb: fc.Arbitrary<[CostEstimate, CostReportContext]> = fc
  .record({
    input: costInputArb,
    broken: fc.option(
      fc.record({ line: fc.nat(20), field: fc.constantFrom("usd", "quantity", "rate"), value: anyNumber }),
      {
        nil: undefined,
      },
    ),
    context: fc.record(
      {
        basis: fc.string({ maxLength: 20 }),
        basisNote: fc.string({ maxLength: 200 }),
        title: fc.string({ unit: "grapheme", maxLength: 80 }),
      },
      { requiredKeys: [] },
    ),
  })
  .map(({ input, broken, context }): [CostEstimate, CostReportContext] => {
    let estimate: CostEstimate;
    try {
      estimate = estimateMonthlyCost(input);
    } catch {
      estimate = estimateMonthlyCost({
        region: "us-east-1",
        imageBytes: 1,
        retainedImages: 1,
        pushesPerMonth: 1,
      });
    }
    if (broken !== undefined && estimate.lines.length > 0) {
      const index = broken.line % estimate.lines.length;
      estimate = {
        ...estimate,
        lines: estimate.lines.map((line, i) =>
          i === index ? { ...line, [broken.field]: broken.value } : line,
        ),
      };
    }
    return [estimate, context];
  });

const findingArb: fc.Arbitrary<DockerfileFinding> = fc
  .record({
    id: fc.constantFrom("full-base-image", "root-user", "apt-cache-kept"),
    severity: fc.constantFrom("error", "warning", "info") as fc.Arbitrary<DockerfileFinding["severity"]>,
    line: fc.nat(1000),
    message: fc.string({ maxLength: 80 }),
    saved: fc.option(mostly(), { nil: undefined }),
  })
  .map(({ id, severity, line, message, saved }) => {
    const finding = { id, severity, line, message } as DockerfileFinding;
    if (saved !== undefined) finding.estimatedBytesSaved = saved;
    return finding;
  });

export const budgetInputArb: fc.Arbitrary<SizeBudgetInput> = fc
  .record(
    {
      sizeBytes: mostly(),
      basis: fc.oneof(
        { weight: 7, arbitrary: fc.constantFrom("ecr", "estimate", "budget") },
        { weight: 1, arbitrary: fc.constantFrom("guess", "") },
      ),
      maxImageSizeBytes: mostly(),
      onBudgetExceeded: fc.oneof(
        { weight: 7, arbitrary: fc.constantFrom("warn", "fail") },
        { weight: 1, arbitrary: fc.constantFrom("explode", "") },
      ),
      findings: fc.array(findingArb, { maxLength: 8 }),
    },
    { requiredKeys: ["sizeBytes", "basis"] },
  )
  .map((input) => input as unknown as SizeBudgetInput);

// Fragments that stress each scanner: heredoc markers, variables, quotes, continuations, options.
const HOSTILE_FRAGMENTS = [
  "<<", "<<-", "<<'E", '"', "'", "\\", "\\\n", "${", "${a:-", "$(", "`", "#", "\n", " ", "\t", "\r",
  "&&", "||", ";", "|", "&", ">", "2>&1", "-o", "-t", "apt-get", "install", "update", "pip", "rm -rf /a/*",
  "COPY . .", "=", "[", "]", ",", "--mount=type=cache,target=", "*", "/", "..", "a", "EOF",
]; // prettier-ignore

const instructionLine = fc.oneof(
  {
    weight: 30,
    arbitrary: fc.constantFrom(
      "FROM node:22-bookworm AS build",
      "FROM --platform=$BUILDPLATFORM node:22 AS b2",
      "FROM build",
      "FROM ${BASE:-node}",
      "ARG BASE=node:22-bookworm-slim",
      'ENV NODE_ENV="production" A=1',
      "ENV PIP_NO_CACHE_DIR 1",
      "RUN apt-get -o Acquire::Retries=3 update && apt-get -t x install -y gcc",
      "RUN PIP_NO_CACHE_DIR=1 pip install flask",
      "RUN export PIP_NO_CACHE_DIR=1 && pip install flask",
      "RUN --mount=type=tmpfs,target=/root/.cache/pip pip install x",
      "RUN <<EOF\napt-get update\nEOF",
      "RUN <<-EOT bash\n\tnpm ci\n\tEOT",
      'RUN ["sh", "-c", "apt-get update && rm -rf /var/lib/apt/lists/*"]',
      "RUN rm -rf /app/* && curl -o /tmp/x https://e",
      'COPY [".", "/app"]',
      'ADD "x y" /z',
      "COPY <<EOF /etc/x\nhello\nEOF",
      "WORKDIR a/../b",
      'USER "root"',
      "HEALTHCHECK CMD true",
      "# escape=`",
      "RUN echo a \\",
    ),
  },
  { weight: 3, arbitrary: fc.stringMatching(/^[A-Z]{2,8} [ -~]{0,60}$/) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.constantFrom(...HOSTILE_FRAGMENTS), { maxLength: 60 })
      .map((parts) => parts.join("")),
  },
);

/** Dockerfile-like texts: real instruction lines, random instruction-shaped lines, hostile fragments. */
export const dockerfileTextArb = fc
  .tuple(
    fc.constantFrom("", "FROM node:22\n", "# syntax=docker/dockerfile:1\nFROM debian:bookworm-slim\n"),
    fc.array(instructionLine, { maxLength: 30 }),
  )
  .map(([head, lines]) => head + lines.join("\n"));

/** One fragment repeated up to `maxChars`: the shapes that were superlinear (issue 12). */
export const hostileDockerfileArb = fc
  .tuple(
    fc.constantFrom(
      "FROM a\nRUN ",
      "FROM a\nCOPY ",
      "FROM a\nENV ",
      "FROM a\nWORKDIR ",
      "FROM a\n",
      "ARG A=1\n",
      "FROM a\nRUN <<",
    ),
    fc.constantFrom(
      ...HOSTILE_FRAGMENTS,
      "FROM a AS b\n",
      "COPY x /a/x\n",
      "RUN rm -rf /a/x\n",
      "WORKDIR a\n",
    ),
    fc.integer({ min: 1, max: 20_000 }),
  )
  .map(([head, fragment, times]) => head + fragment.repeat(Math.ceil(times / Math.max(1, fragment.length))));

// Layer storage, the pipeline cost and the cost comparison (test/fuzz/storage-cost.test.ts).

/** A few digests, so that lists share blobs (the case the model is about). */
const digestArb = fc.constantFrom(...Array.from({ length: 8 }, (_, i) => `sha256:${String(i).repeat(64)}`));
const blobArb: fc.Arbitrary<StoredBlob> = fc.record({ digest: digestArb, bytes: anyNumber });
export const blobsArb = fc.array(blobArb, { maxLength: 24 });
/**
 * Realistic sizes 7 times in 8, so most cases get past validation and reach the arithmetic (one bad
 * blob rejects the list, and costFor takes up to six lists).
 */
export const sizedBlobsArb = fc.oneof(
  { weight: 1, arbitrary: blobsArb },
  {
    weight: 7,
    arbitrary: fc.array(fc.record({ digest: digestArb, bytes: fc.integer({ min: 0, max: 2 ** 40 }) }), {
      maxLength: 24,
    }),
  },
);

export const platformLayersArb: fc.Arbitrary<PlatformLayers> = fc.record(
  {
    platform: fc.constantFrom("linux/amd64", "linux/arm64"),
    layers: sizedBlobsArb,
    baseLayerCount: anyNumber,
  },
  { requiredKeys: ["platform", "layers"] },
);

export const measuredLayersArb: fc.Arbitrary<MeasuredLayers> = fc.record({
  platforms: fc.array(platformLayersArb, { minLength: 1, maxLength: 3 }),
  cache: sizedBlobsArb,
  renewed: sizedBlobsArb,
  cacheRenewed: sizedBlobsArb,
});

const pricedRegions = Object.keys(ecrPricing);

export const costForInputArb: fc.Arbitrary<CostForInput> = fc.record(
  {
    size: fc.record({
      bytes: mostly(fc.integer({ min: 0, max: 2 ** 40 })),
      basis: fc.constantFrom("estimate", "ecr", "budget") as fc.Arbitrary<"estimate" | "ecr" | "budget">,
      note: fc.string({ maxLength: 40 }),
    }),
    region: fc.constantFrom(...pricedRegions, "mars-north-1"),
    policy: presetTextArb,
    usage: fc.record({
      pushesPerDay: mostly(),
      pullsPerMonthSameRegion: mostly(),
      pullsPerMonthViaInterfaceEndpoint: mostly(),
      pullsPerMonthViaNat: mostly(),
      pullsPerMonthCrossRegion: mostly(),
      pullsPerMonthInternet: mostly(),
      rescansPerMonth: mostly(),
      rescanDuration: fc.constantFrom(...Object.values(RescanDuration)),
      pullBytes: fc.constantFrom(...Object.values(PullBytes)),
      replicationRegions: fc.subarray(pricedRegions, { maxLength: 3 }),
      applyFreeTier: fc.boolean(),
    }),
    scanningMode: fc.constantFrom(...Object.values(ScanningMode)),
    platforms: mostly(fc.integer({ min: 1, max: 4 })),
    layers: measuredLayersArb,
    cacheTag: fc.constantFrom("buildcache", "cache"),
  },
  { requiredKeys: ["size", "region", "policy", "usage", "scanningMode"] },
);

export const comparedImageArb: fc.Arbitrary<ComparedImage> = fc.record({
  basis: fc.constantFrom("estimate", "ecr", "budget") as fc.Arbitrary<"estimate" | "ecr" | "budget">,
  sizeBytes: anyNumber,
  storedBytes: anyNumber,
  monthlyUsd: anyNumber,
  note: fc.string({ maxLength: 20 }),
});
