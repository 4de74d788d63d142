/**
 * How many images (and bytes) a policy keeps once a push cadence has run long enough. The cost model
 * prices `retainedBytes`; the cache image is not modelled (the cost model adds cache bytes separately).
 *
 * The history is the one a replay would build: pushes aligned on the end of a `simulatedDays`-long
 * history, one lifecycle run a day (ECR acts "within 24 hours"), rules evaluated as simulateLifecycle
 * does (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html). It is not
 * replayed push by push, though (issue 12: 1e7 pushes a day never returned): images are grouped in
 * classes that the same rules select (one class per push stream, the untagged leftovers, the deployed
 * images), each class is a run of pushes at known ages, and each rule's effect on a class is a count
 * of the pushes in an age window, found by binary search. The work grows with rules × classes, not
 * with pushes. Modelling choices, exact for the presets and the policies of the tests:
 * - every push of a stream matches the rules its example tag matches (the counter that makes the tags
 *   distinct is not matched against patterns), and the deployed images match as the first one does;
 * - a keep-N rule is evaluated at the last run, with the images other rules shield counted as they
 *   stand before it (images a day-based rule removes are counted until that run);
 * - the previous image of a moving tag is untagged from its own push on;
 * - `untaggedPerPush` below 1 leaves floor(pushes × untaggedPerPush) leftovers among the newest pushes.
 */
import { InvalidInputError } from "../common/errors";
import { PROTECTED_TAG_PREFIXES } from "../common/tags";
import { selectedStorageClass, selectionMatchesTags } from "./match";
import { lifecycleRulesOf, type LifecyclePolicyInput } from "./simulate";
import type { LifecyclePolicyRule } from "./types";
import { DAY_COUNT_TYPES, DAY_MS } from "./types";
import { isKeepForeverRule } from "./warnings";

export interface PushStream {
  /**
   * Example tag of one push, e.g. "ctx-0123456789abcdef". Every push gets its own tag of the same shape
   * (a trailing run of 4+ hex digits is replaced by a counter, otherwise "-<n>" is appended), unless
   * `moving` is set.
   */
  tag: string;
  /** Pushes per day; may be fractional (0.2 = one push every 5 days). At most MAX_PUSHES_PER_DAY. */
  perDay: number;
  /** The same tag moves to each new push (like "latest"); the previous image becomes untagged. */
  moving?: boolean;
}

export interface PushCadence {
  /** At most MAX_PUSH_STREAMS streams. */
  pushesPerDay: readonly PushStream[];
  /** Untagged manifests each push leaves behind (e.g. the superseded cache manifest). Default 0. */
  untaggedPerPush?: number;
  /**
   * Images carrying a protected tag. Default 1. Modelled as older than every retention window (an upper
   * bound): they are retained only if the policy shields them.
   */
  deployedImages?: number;
  /** Bytes of one full image. */
  imageBytes: number;
  /** Bytes each further image adds (layers not shared). Default imageBytes. */
  uniqueBytesPerImage?: number;
  /** Tag prefix the deployed images carry. Default PROTECTED_TAG_PREFIXES[0] ("deployed-"). */
  protectedTagPrefix?: string;
}

export interface SteadyStateRuleShare {
  rulePriority: number;
  description?: string;
  /** Retained images whose highest-precedence matching rule is this one. */
  retainedImages: number;
}

export interface SteadyStateRetention {
  retainedImages: number;
  /** imageBytes + (retainedImages − 1) × uniqueBytesPerImage; 0 when nothing is retained. */
  retainedBytes: number;
  /** Of retainedImages, how many are in archive storage. */
  archivedImages: number;
  /** Retained images by the rule that selects them. */
  byRule: SteadyStateRuleShare[];
  /** Retained images no rule selects (kept forever). */
  unselectedImages: number;
  /** Length of the modelled history. */
  simulatedDays: number;
}

/** Limits of the inputs: beyond them the answer is rejected up front rather than computed slowly. */
export const STEADY_STATE_LIMITS = {
  /** 1e12 pushes a day (11.6 million a second) is far above any registry's rate limit. */
  pushesPerDay: 1e12,
  /** Streams in `pushesPerDay`. */
  pushStreams: 100,
  untaggedPerPush: 1_000,
  /** ECR's default "Images per repository" quota. */
  deployedImages: 100_000,
  /** 1 PiB for one image: larger sizes only overflow the byte totals. */
  imageBytes: 2 ** 50,
} as const;

const MAX_SIMULATED_DAYS = 3_650;
const HISTORY_START = Date.UTC(2026, 0, 1);

/** Long enough for every acting rule's window to fill and chain (transition, then expire). */
function horizonDays(rules: readonly LifecyclePolicyRule[], cadence: PushCadence): number {
  let slowest = 0;
  for (const stream of cadence.pushesPerDay) {
    if (stream.perDay > 0 && (slowest === 0 || stream.perDay < slowest)) slowest = stream.perDay;
  }
  let days = 2;
  for (const rule of rules) {
    if (isKeepForeverRule(rule)) continue;
    const { countType, countNumber } = rule.selection;
    if (DAY_COUNT_TYPES.includes(countType)) days += countNumber;
    else if (slowest > 0) days += Math.ceil(countNumber / slowest);
    if (days >= MAX_SIMULATED_DAYS) return MAX_SIMULATED_DAYS;
  }
  return Math.min(days, MAX_SIMULATED_DAYS);
}

function checkCadence(cadence: PushCadence): void {
  if (typeof cadence !== "object" || cadence === null) {
    throw new InvalidInputError("cadence", `cadence must be an object, got ${String(cadence)}.`);
  }
  const number = (value: unknown, key: string, max: number, optional: boolean): void => {
    if (value === undefined && optional) return;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new InvalidInputError(key, `${key} must be a finite number >= 0, got ${String(value)}.`);
    }
    if (value > max) {
      throw new InvalidInputError(
        key,
        `${key} is ${value}; steadyStateRetention accepts at most ${max}. Fix: use a value <= ${max}.`,
      );
    }
  };
  const streams: unknown = cadence.pushesPerDay;
  if (!Array.isArray(streams)) {
    throw new InvalidInputError(
      "pushesPerDay",
      `pushesPerDay must be an array of { tag, perDay }, got ${String(streams)}.`,
    );
  }
  if (streams.length > STEADY_STATE_LIMITS.pushStreams) {
    throw new InvalidInputError(
      "pushesPerDay",
      `pushesPerDay has ${streams.length} streams; steadyStateRetention accepts at most ${STEADY_STATE_LIMITS.pushStreams}. Fix: merge streams that share a tag shape.`,
    );
  }
  (streams as unknown[]).forEach((stream, i) => {
    const entry = (typeof stream === "object" && stream !== null ? stream : {}) as Partial<PushStream>;
    if (typeof entry.tag !== "string") {
      throw new InvalidInputError(
        `pushesPerDay[${i}].tag`,
        `pushesPerDay[${i}].tag must be a string, got ${String(entry.tag)}.`,
      );
    }
    number(entry.perDay, `pushesPerDay[${i}].perDay`, STEADY_STATE_LIMITS.pushesPerDay, false);
  });
  number(cadence.untaggedPerPush, "untaggedPerPush", STEADY_STATE_LIMITS.untaggedPerPush, true);
  number(cadence.deployedImages, "deployedImages", STEADY_STATE_LIMITS.deployedImages, true);
  number(cadence.imageBytes, "imageBytes", STEADY_STATE_LIMITS.imageBytes, false);
  number(cadence.uniqueBytesPerImage, "uniqueBytesPerImage", STEADY_STATE_LIMITS.imageBytes, true);
}

/** The images of one class: same tags, pushes at known ages (ms before the last run), youngest first. */
interface ImageClass {
  tags: readonly string[];
  /** Order among images pushed at the same instant (the replay's digest order): lower ranks newer. */
  tieKey: number;
  total: number;
  /** Images with age <= `age` ms (a negative age counts none). */
  countAtMost(age: number): number;
}

/** Largest k in [0, count] with ageOf(k) <= age, or -1; ageOf is non-decreasing. */
function lastIndexAtMost(count: number, ageOf: (k: number) => number, age: number): number {
  if (ageOf(0) > age) return -1;
  let low = 0;
  let high = count;
  while (low < high) {
    const middle = low + Math.ceil((high - low) / 2);
    if (ageOf(middle) <= age) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Pushes of one stream: at `end − k × interval` (rounded to the ms) for k = 0..count. */
interface StreamPushes {
  count: number;
  ageOf(k: number): number;
}

function streamPushes(perDay: number, days: number, end: number): StreamPushes {
  const interval = DAY_MS / perDay;
  const count = Math.floor((days * DAY_MS) / interval);
  return { count, ageOf: (k) => end - Math.round(end - k * interval) };
}

/** The smallest integer age in [low, high] where `reached(age)` holds; `high` must satisfy it. */
function firstAge(low: number, high: number, reached: (age: number) => boolean): number {
  while (low < high) {
    const middle = low + Math.floor((high - low) / 2);
    if (reached(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

interface ClassFate {
  /** Images in standard storage after the last run. */
  standardAfter: number;
  /** Images in standard storage before the last run (what a lower keep-N rule counts). */
  standardBefore: number;
  /** Archived images after the last run, split by who keeps them. */
  archivedAtLastRun: number;
  archivedEarlier: number;
}

export function steadyStateRetention(
  policy: LifecyclePolicyInput,
  cadence: PushCadence,
): SteadyStateRetention {
  checkCadence(cadence);
  const rules = lifecycleRulesOf(policy);
  const days = horizonDays(rules, cadence);
  const end = HISTORY_START + days * DAY_MS;
  const uniqueBytes = cadence.uniqueBytesPerImage ?? cadence.imageBytes;
  const untaggedPerPush = cadence.untaggedPerPush ?? 0;

  const classes: ImageClass[] = [];
  const pushing: StreamPushes[] = [];
  cadence.pushesPerDay.forEach((stream, index) => {
    if (stream.perDay <= 0) return;
    const pushes = streamPushes(stream.perDay, days, end);
    pushing.push(pushes);
    const at = (age: number, from: number): number =>
      Math.max(0, lastIndexAtMost(pushes.count, pushes.ageOf, age) + 1 - from);
    if (stream.moving) {
      // The newest push carries the tag; every earlier one lost it to the next push.
      classes.push({
        tags: [stream.tag],
        tieKey: index,
        total: 1,
        countAtMost: (age) => Math.min(1, at(age, 0)),
      });
      classes.push({ tags: [], tieKey: index, total: pushes.count, countAtMost: (age) => at(age, 1) });
    } else {
      classes.push({
        tags: [stream.tag],
        tieKey: index,
        total: pushes.count + 1,
        countAtMost: (age) => at(age, 0),
      });
    }
  });
  if (untaggedPerPush > 0 && pushing.length > 0) {
    // The replay emits a leftover each time the running debt reaches 1, 1 ms before the push.
    const events = pushing.reduce((sum, p) => sum + p.count + 1, 0);
    const emitted = (n: number): number => Math.floor(n * untaggedPerPush);
    classes.push({
      tags: [],
      tieKey: Number.MAX_SAFE_INTEGER,
      total: emitted(events),
      countAtMost: (age) => {
        const newest = pushing.reduce((sum, p) => sum + lastIndexAtMost(p.count, p.ageOf, age - 1) + 1, 0);
        return emitted(events) - emitted(events - newest);
      },
    });
  }
  const deployed = Math.floor(cadence.deployedImages ?? 1);
  if (deployed > 0) {
    const first = cadence.pushesPerDay[0];
    // Deployed images also carry a build tag of the first stream; a moving one has moved on.
    const buildTags = first === undefined || (first.moving && first.perDay > 0) ? [] : [first.tag];
    const protectedPrefix = cadence.protectedTagPrefix ?? PROTECTED_TAG_PREFIXES[0] ?? "deployed-";
    const age = (days + 1) * DAY_MS;
    classes.push({
      tags: [`${protectedPrefix}env0`, ...buildTags],
      tieKey: -1,
      total: deployed,
      countAtMost: (at) => (at >= age ? deployed : 0),
    });
  }
  const oldest = (days + 1) * DAY_MS + 1;

  const standardRules = rules.filter((rule) => selectedStorageClass(rule.selection) === "standard");
  const archiveRules = rules.filter((rule) => selectedStorageClass(rule.selection) === "archive");
  const firstMatch = (among: readonly LifecyclePolicyRule[], tags: readonly string[]) =>
    among.find((rule) => selectionMatchesTags(rule.selection, tags));
  const actingRule = classes.map((c) => firstMatch(standardRules, c.tags));
  const archiveRule = classes.map((c) => firstMatch(archiveRules, c.tags));
  const fates: ClassFate[] = classes.map((c) => ({
    standardAfter: c.total,
    standardBefore: c.total,
    archivedAtLastRun: 0,
    archivedEarlier: 0,
  }));

  for (const rule of standardRules) {
    const own = classes.map((_, i) => i).filter((i) => actingRule[i] === rule);
    if (own.length === 0) continue;
    const { countType, countNumber } = rule.selection;
    /** Own classes of a day-based rule, by the age (ms) beyond which an image has left standard. */
    const cutoff = new Map<number, number>();
    /** Own classes of a keep-N rule that keeps fewer than all. */
    const countKept = new Set<number>();
    if (countType === "imageCountMoreThan") {
      // Newest countNumber candidates survive; candidates shielded by a higher rule count as they stand.
      const candidates = classes
        .map((c, i) => ({ c, i }))
        .filter(({ c }) => selectionMatchesTags(rule.selection, c.tags))
        .sort((a, b) => a.c.tieKey - b.c.tieKey);
      const countOf = (entry: { c: ImageClass; i: number }, age: number): number =>
        own.includes(entry.i)
          ? entry.c.countAtMost(age)
          : Math.min((fates[entry.i] as ClassFate).standardBefore, entry.c.countAtMost(age));
      const upTo = (age: number): number => candidates.reduce((sum, entry) => sum + countOf(entry, age), 0);
      if (upTo(oldest) > countNumber) {
        const boundary = firstAge(0, oldest, (age) => upTo(age) >= countNumber);
        let slots = countNumber - upTo(boundary - 1);
        for (const entry of candidates) {
          const atBoundary = countOf(entry, boundary) - countOf(entry, boundary - 1);
          const taken = Math.min(slots, atBoundary);
          slots -= taken;
          if (!own.includes(entry.i)) continue;
          const kept = entry.c.countAtMost(boundary - 1) + taken;
          const fate = fates[entry.i] as ClassFate;
          fate.standardAfter = kept;
          fate.standardBefore = Math.min(entry.c.total, kept + entry.c.countAtMost(DAY_MS - 1));
          countKept.add(entry.i);
        }
      }
    } else {
      for (const i of own) {
        const c = classes[i] as ImageClass;
        const fate = fates[i] as ClassFate;
        fate.standardAfter = c.countAtMost(countNumber * DAY_MS);
        fate.standardBefore = c.countAtMost((countNumber + 1) * DAY_MS);
        cutoff.set(i, countNumber * DAY_MS);
      }
    }
    if (rule.action.type !== "transition") continue;
    for (const i of [...cutoff.keys(), ...countKept]) {
      const c = classes[i] as ImageClass;
      const fate = fates[i] as ClassFate;
      const left = c.total - fate.standardAfter;
      const expiry = archiveRule[i];
      let archived = left;
      if (expiry !== undefined) {
        // Alive in archive: transitioned at one of the last countNumber + 1 runs.
        const inArchiveWindow = (expiry.selection.countNumber + 1) * DAY_MS;
        const age = cutoff.get(i);
        archived =
          age === undefined
            ? // Keep-N: the k-th newest leaves at the first run after the push that makes it N + 1st.
              Math.min(left, c.countAtMost(inArchiveWindow - 1))
            : // Day-based: pushed between `age` and `age` + the archive window ago.
              c.countAtMost(age + inArchiveWindow) - fate.standardAfter;
      }
      fate.archivedAtLastRun = Math.min(archived, fate.standardBefore - fate.standardAfter);
      fate.archivedEarlier = archived - fate.archivedAtLastRun;
    }
  }

  const shares = new Map<LifecyclePolicyRule, number>();
  let unselectedImages = 0;
  const credit = (rule: LifecyclePolicyRule | undefined, images: number): void => {
    if (images <= 0) return;
    if (rule === undefined) unselectedImages += images;
    else shares.set(rule, (shares.get(rule) ?? 0) + images);
  };
  let retainedImages = 0;
  let archivedImages = 0;
  fates.forEach((fate, i) => {
    credit(actingRule[i], fate.standardAfter + fate.archivedAtLastRun);
    credit(archiveRule[i], fate.archivedEarlier);
    retainedImages += fate.standardAfter + fate.archivedAtLastRun + fate.archivedEarlier;
    archivedImages += fate.archivedAtLastRun + fate.archivedEarlier;
  });
  const byRule = rules
    .filter((rule) => (shares.get(rule) ?? 0) > 0)
    .map((rule): SteadyStateRuleShare => {
      const share: SteadyStateRuleShare = {
        rulePriority: rule.rulePriority,
        retainedImages: shares.get(rule) as number,
      };
      if (rule.description !== undefined) share.description = rule.description;
      return share;
    });
  return {
    retainedImages,
    retainedBytes: retainedImages === 0 ? 0 : cadence.imageBytes + (retainedImages - 1) * uniqueBytes,
    archivedImages,
    byRule,
    unselectedImages,
    simulatedDays: days,
  };
}
