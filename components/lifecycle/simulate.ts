/**
 * What ECR's lifecycle preview would do to a set of images, following the documented evaluation rules
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html, checked 2026-11-22):
 * - "All rules are evaluated at the same time ... then applied based on rule priority."
 * - "An image is expired or archived by exactly one or zero rules."
 * - "An image that matches the tagging requirements of a rule cannot be expired or archived by a rule
 *   with a lower priority", and "Rules ... can still identify them": a lower rule still COUNTS such
 *   images for imageCountMoreThan (examples "Filtering on multiple rules" and "Filtering on all images").
 * - Rules only select images of their storage class (omitted = standard).
 * - imageCountMoreThan ranks by push time, newest kept; sinceImagePulled falls back to push time for
 *   never-pulled images; sinceImageTransitioned measures time in archive.
 * - "If an image is referenced by a manifest list, it cannot be expired or archived without the
 *   manifest list being deleted or archived first."
 */
import { InvalidInputError } from "../common/errors";
import { formatLifecycleProblems } from "./format";
import {
  type CompiledTagSelection,
  compileTagSelection,
  compiledSelectionMatches,
  selectedStorageClass,
} from "./match";
import { normalizeLifecycleRules } from "./render";
import type {
  LifecyclePolicyDocument,
  LifecyclePolicyRule,
  LifecycleRule,
  LifecycleStorageClass,
} from "./types";
import { DAY_MS } from "./types";
import { validateLifecyclePolicy } from "./validate";

export interface LifecycleImage {
  digest: string;
  /** Empty for an untagged image. */
  tags: readonly string[];
  pushedAt: Date;
  lastPulledAt?: Date;
  sizeBytes: number;
  /** Default "standard". */
  storageClass?: LifecycleStorageClass;
  /** When the image entered archive (sinceImageTransitioned). Default: pushedAt. */
  archivedAt?: Date;
  /** Digests of manifest lists (image indexes) that reference this image. */
  referencedBy?: readonly string[];
}

export type LifecycleImageAction = "expire" | "transition" | "keep";

export interface LifecycleImageOutcome {
  digest: string;
  action: LifecycleImageAction;
  /** The rule that acts on the image; for "keep", the highest-precedence rule whose tags match it. */
  rulePriority?: number;
  /** Why, in one sentence. */
  reason: string;
}

export interface LifecycleSimulation {
  /** One outcome per input image, in input order. */
  images: LifecycleImageOutcome[];
  expired: string[];
  transitioned: string[];
  kept: string[];
  expiredBytes: number;
  transitionedBytes: number;
  keptBytes: number;
}

export type LifecyclePolicyInput = string | LifecyclePolicyDocument | readonly LifecycleRule[];

/** Reads and validates a policy; throws the formatted errors if ECR would reject it. */
export function lifecycleRulesOf(policy: LifecyclePolicyInput): LifecyclePolicyRule[] {
  const document: unknown =
    typeof policy === "string"
      ? policy
      : Array.isArray(policy)
        ? { rules: normalizeLifecycleRules(policy) }
        : policy;
  const errors = validateLifecyclePolicy(document as string | object).filter((p) => p.severity === "error");
  if (errors.length > 0) {
    throw new InvalidInputError("policy", `Invalid lifecycle policy:\n${formatLifecycleProblems(errors)}`);
  }
  const parsed = (typeof document === "string" ? JSON.parse(document) : document) as LifecyclePolicyDocument;
  return [...parsed.rules].sort((a, b) => a.rulePriority - b.rulePriority);
}

/** countKind of a CompiledRule: the count type as a number. */
const COUNT_IMAGES = 0;
const SINCE_PUSHED = 1;
const SINCE_PULLED = 2;
const SINCE_TRANSITIONED = 3;

/**
 * What the simulation needs of one rule, read once per call into objects of one shape (one literal,
 * below). Rules parsed from different policies have different hidden classes; reading them inside
 * the per-image loops made V8 deoptimize those loops when a new policy arrived (issue 12).
 */
interface CompiledRule {
  priority: number;
  countKind: number;
  countNumber: number;
  /** The rule selects archived images (else standard ones). */
  archive: boolean;
  expire: boolean;
  selection: CompiledTagSelection;
  /** "rule N expires it" / "rule N archives it". */
  actionReason: string;
  /** "rule N selects it and keeps it". */
  keepReason: string;
}

function compileRule(rule: LifecyclePolicyRule): CompiledRule {
  const { countType, countNumber } = rule.selection;
  const expire = rule.action.type === "expire";
  return {
    priority: rule.rulePriority,
    countKind:
      countType === "imageCountMoreThan"
        ? COUNT_IMAGES
        : countType === "sinceImagePulled"
          ? SINCE_PULLED
          : countType === "sinceImageTransitioned"
            ? SINCE_TRANSITIONED
            : SINCE_PUSHED,
    countNumber,
    archive: selectedStorageClass(rule.selection) === "archive",
    expire,
    selection: compileTagSelection(rule.selection),
    actionReason: `rule ${rule.rulePriority} ${expire ? "expires" : "archives"} it`,
    keepReason: `rule ${rule.rulePriority} selects it and keeps it`,
  };
}

/**
 * Is image a newer than image b for imageCountMoreThan? Newest first; equal push times fall back to the
 * digest, then to input order (the stable sort quickselect replaced), so results never depend on how
 * the selection is computed. A plain function taking the arrays, not a closure: it runs ~3n times.
 */
function isNewer(a: number, b: number, pushedMs: Float64Array, images: readonly LifecycleImage[]): boolean {
  const pushedA = pushedMs[a] as number;
  const pushedB = pushedMs[b] as number;
  if (pushedA !== pushedB) return pushedA > pushedB;
  const digestA = (images[a] as LifecycleImage).digest;
  const digestB = (images[b] as LifecycleImage).digest;
  if (digestA !== digestB) return digestA < digestB;
  return a < b;
}

/**
 * Reorders `order` so that its first `keep` entries are the newest images (by isNewer), in no
 * particular order. Quickselect: about 3n comparisons where a full sort of 100,000 candidates took
 * ~1.7M calls of the comparator (most of the simulation's time). Deterministic pivots (middle of the
 * range); a range that stops shrinking fast enough (an adversarial order) is sorted instead, so the
 * worst case stays n log n.
 */
function selectNewest(
  order: Int32Array,
  keep: number,
  pushedMs: Float64Array,
  images: readonly LifecycleImage[],
): void {
  let from = 0;
  let to = order.length;
  let budget = 2 * Math.ceil(Math.log2(order.length + 1)) + 8;
  while (to - from > 1 && keep > from && keep < to) {
    if (budget-- === 0) {
      const sorted = Array.from(order.subarray(from, to)).sort((a, b) =>
        isNewer(a, b, pushedMs, images) ? -1 : isNewer(b, a, pushedMs, images) ? 1 : 0,
      );
      order.set(sorted, from);
      return;
    }
    const pivot = order[(from + to) >>> 1] as number;
    // Three-way partition: [from, lt) newer than the pivot, [lt, gt) the pivot, [gt, to) older.
    let lt = from;
    let gt = to;
    let index = from;
    while (index < gt) {
      const image = order[index] as number;
      if (image === pivot) index += 1;
      else if (isNewer(image, pivot, pushedMs, images)) {
        order[index] = order[lt] as number;
        order[lt] = image;
        lt += 1;
        index += 1;
      } else {
        gt -= 1;
        order[index] = order[gt] as number;
        order[gt] = image;
      }
    }
    if (keep <= lt) to = lt;
    else if (keep >= gt) from = gt;
    else return;
  }
}

/**
 * The push time of the k-th newest image in `order` (1-based, `1 <= k <= order.length`), reordering
 * `order`. The same quickselect as selectNewest, on the push times alone: numbers, no comparator call
 * and no digest comparison; a range that stops shrinking is sorted.
 */
function kthNewestPushTime(order: Int32Array, k: number, pushedMs: Float64Array): number {
  const target = order.length - k; // its index in ascending push time
  let from = 0;
  let to = order.length;
  let budget = 2 * Math.ceil(Math.log2(order.length + 1)) + 8;
  while (to - from > 1) {
    if (budget-- === 0) {
      const sorted = Array.from(order.subarray(from, to)).sort(
        (a, b) => (pushedMs[a] as number) - (pushedMs[b] as number),
      );
      order.set(sorted, from);
      break;
    }
    const pivot = pushedMs[order[(from + to) >>> 1] as number] as number;
    // Three-way partition: [from, lt) pushed before the pivot, [lt, gt) at it, [gt, to) after.
    let lt = from;
    let gt = to;
    let index = from;
    while (index < gt) {
      const image = order[index] as number;
      const pushed = pushedMs[image] as number;
      if (pushed === pivot) index += 1;
      else if (pushed < pivot) {
        order[index] = order[lt] as number;
        order[lt] = image;
        lt += 1;
        index += 1;
      } else {
        gt -= 1;
        order[index] = order[gt] as number;
        order[gt] = image;
      }
    }
    if (target < lt) to = lt;
    else if (target >= gt) from = gt;
    else return pivot;
  }
  return pushedMs[order[target] as number] as number;
}

/**
 * Decides (decidedBy[i] = stamp) the candidates the rule acts on that no earlier rule shields (those
 * with shieldedBy[i] === stamp). `candidates` holds image indexes, and is used as scratch space (its
 * contents are lost). It only dispatches: each loop over the candidates is a small function of its own
 * that reads typed arrays (see simulateWithPushTimes on why).
 */
function decideSelected(
  rule: CompiledRule,
  images: readonly LifecycleImage[],
  pushedMs: Float64Array,
  candidates: Int32Array,
  nowMs: number,
  shieldedBy: Int32Array,
  decidedBy: Int32Array,
  stamp: number,
): void {
  const { countKind, countNumber } = rule;
  if (countKind === COUNT_IMAGES) {
    if (candidates.length <= countNumber) return;
    // Two steps, the same order as one sort by (push time newest first, digest, input order): the push
    // time of the countNumber-th newest image, found on numbers alone; then only the images pushed at
    // exactly that time are ranked by digest. Comparing digests (strings) for every candidate was
    // most of a keep-N rule's time when many images share a push time.
    const cutoff = kthNewestPushTime(candidates, countNumber, pushedMs);
    const keepTied = countNumber - countPushedAfter(candidates, cutoff, pushedMs);
    const tied = decideOlderKeepTied(candidates, cutoff, pushedMs, shieldedBy, decidedBy, stamp);
    const order = candidates.subarray(0, tied);
    selectNewest(order, keepTied, pushedMs, images);
    decideShielded(order.subarray(keepTied), shieldedBy, decidedBy, stamp);
    return;
  }
  // Older than countNumber days: the same arithmetic as `now - moment > days * DAY_MS` per image, with
  // the product made once per rule.
  const limitMs = countNumber * DAY_MS;
  if (countKind === SINCE_PUSHED)
    decidePushedBefore(candidates, pushedMs, nowMs, limitMs, shieldedBy, decidedBy, stamp);
  else decideByDate(countKind, candidates, images, pushedMs, nowMs, limitMs, shieldedBy, decidedBy, stamp);
}

/** How many of the candidates were pushed after `cutoff`. */
function countPushedAfter(candidates: Int32Array, cutoff: number, pushedMs: Float64Array): number {
  let after = 0;
  for (let at = 0; at < candidates.length; at += 1) {
    if ((pushedMs[candidates[at] as number] as number) > cutoff) after += 1;
  }
  return after;
}

/**
 * Decides the shielded candidates pushed before `cutoff`, and moves those pushed at it to the front of
 * `candidates`; returns how many those are.
 */
function decideOlderKeepTied(
  candidates: Int32Array,
  cutoff: number,
  pushedMs: Float64Array,
  shieldedBy: Int32Array,
  decidedBy: Int32Array,
  stamp: number,
): number {
  let tied = 0;
  for (let at = 0; at < candidates.length; at += 1) {
    const i = candidates[at] as number;
    const pushed = pushedMs[i] as number;
    if (pushed < cutoff) {
      if (shieldedBy[i] === stamp) decidedBy[i] = stamp;
    } else if (pushed === cutoff) candidates[tied++] = i; // tied <= at: only entries already read are overwritten
  }
  return tied;
}

/** Decides every shielded image in `indexes`. */
function decideShielded(
  indexes: Int32Array,
  shieldedBy: Int32Array,
  decidedBy: Int32Array,
  stamp: number,
): void {
  for (let at = 0; at < indexes.length; at += 1) {
    const i = indexes[at] as number;
    if (shieldedBy[i] === stamp) decidedBy[i] = stamp;
  }
}

/** sinceImagePushed: `now - pushed > limit`. */
function decidePushedBefore(
  candidates: Int32Array,
  pushedMs: Float64Array,
  nowMs: number,
  limitMs: number,
  shieldedBy: Int32Array,
  decidedBy: Int32Array,
  stamp: number,
): void {
  for (let at = 0; at < candidates.length; at += 1) {
    const i = candidates[at] as number;
    if (shieldedBy[i] === stamp && nowMs - (pushedMs[i] as number) > limitMs) decidedBy[i] = stamp;
  }
}

/** sinceImagePulled and sinceImageTransitioned: the moment is a date of the image, else its push time. */
function decideByDate(
  countKind: number,
  candidates: Int32Array,
  images: readonly LifecycleImage[],
  pushedMs: Float64Array,
  nowMs: number,
  limitMs: number,
  shieldedBy: Int32Array,
  decidedBy: Int32Array,
  stamp: number,
): void {
  for (let at = 0; at < candidates.length; at += 1) {
    const i = candidates[at] as number;
    if (shieldedBy[i] !== stamp) continue;
    const image = images[i] as LifecycleImage;
    const moment = countKind === SINCE_PULLED ? image.lastPulledAt : image.archivedAt;
    const momentMs = moment === undefined ? (pushedMs[i] as number) : moment.getTime();
    if (nowMs - momentMs > limitMs) decidedBy[i] = stamp;
  }
}

/** Rules whose tags one pass over the images matches: one bit each in an Int32Array entry. */
const RULES_PER_MATCH_PASS = 32;

/**
 * Sets bit b of matched[i] when rule first + b selects image i by storage class and tags, for up to
 * RULES_PER_MATCH_PASS rules from `first`.
 */
function matchTags(
  rules: readonly CompiledRule[],
  first: number,
  images: readonly LifecycleImage[],
  matched: Int32Array,
): void {
  const chunk = rules.slice(first, first + RULES_PER_MATCH_PASS);
  // Arrays built by push from an empty literal, not by Array.prototype.map: the hot loop below reads
  // them, and map's results did not always have the same hidden class, which made V8 deoptimize this
  // loop ("wrong map") in the first calls on a new input (node --trace-deopt).
  const selections: CompiledTagSelection[] = [];
  for (const rule of chunk) selections.push(rule.selection);
  const wantArchive = Uint8Array.from(chunk, (rule) => (rule.archive ? 1 : 0));
  const rulesInChunk = chunk.length;
  // A local binding: under a CommonJS loader an imported function can be a getter on the module object,
  // read on every call otherwise (tsx's, measured: ~5 % of the simulation).
  const matches = compiledSelectionMatches;
  for (let i = 0; i < images.length; i += 1) {
    const image = images[i] as LifecycleImage;
    const tags = image.tags;
    const archive = image.storageClass === "archive" ? 1 : 0;
    let mask = 0;
    for (let b = 0; b < rulesInChunk; b += 1) {
      if (wantArchive[b] === archive && matches(selections[b] as CompiledTagSelection, tags)) mask |= 1 << b;
    }
    matched[i] = mask;
  }
}

/**
 * Fills pushedMs[i] with image i's push time; true when some image is referenced by a manifest list.
 * (simulateLifecycle does this while it checks the images: one pass over them less.)
 */
function readPushTimes(images: readonly LifecycleImage[], pushedMs: Float64Array): boolean {
  let referenced = false;
  for (let i = 0; i < images.length; i += 1) {
    const image = images[i] as LifecycleImage;
    pushedMs[i] = image.pushedAt.getTime();
    const referencedBy = image.referencedBy;
    if (referencedBy !== undefined && referencedBy.length > 0) referenced = true;
  }
  return referenced;
}

/**
 * Puts the indexes of the images whose `matched` has `bit` into `buffer`, shields those no earlier rule
 * matched with `stamp`, and returns how many there are.
 */
function collectCandidates(
  matched: Int32Array,
  bit: number,
  buffer: Int32Array,
  shieldedBy: Int32Array,
  stamp: number,
): number {
  let found = 0;
  for (let i = 0; i < matched.length; i += 1) {
    if (((matched[i] as number) & bit) === 0) continue;
    buffer[found++] = i;
    if (shieldedBy[i] === 0) shieldedBy[i] = stamp;
  }
  return found;
}

/**
 * Runs every rule: decidedBy[i] = 1 + index of the rule that acts on image i (0: none), shieldedBy[i] =
 * 1 + index of the first rule whose tags match it (0: none).
 */
function applyRules(
  rules: readonly CompiledRule[],
  images: readonly LifecycleImage[],
  pushedMs: Float64Array,
  nowMs: number,
  shieldedBy: Int32Array,
  decidedBy: Int32Array,
): void {
  const count = images.length;
  // Tags are matched image by image for up to 32 rules at a time (a bit per rule in `matched`), so each
  // image (scattered in memory) is read once per 32 rules, not once per rule. Rule by rule, the
  // candidates then go into one buffer of indexes that every rule reuses: no list per rule.
  const matched = new Int32Array(count);
  const buffer = new Int32Array(count);
  for (let r = 0; r < rules.length; r += 1) {
    const rule = rules[r] as CompiledRule;
    const stamp = r + 1;
    const bit = 1 << (r % RULES_PER_MATCH_PASS);
    if (bit === 1) matchTags(rules, r, images, matched);
    // The candidates, and the shield of those no earlier rule matched: shieldedBy[i] === stamp then
    // says "this rule is the first to match image i", which is what decideSelected asks.
    const found = collectCandidates(matched, bit, buffer, shieldedBy, stamp);
    if (found > 0)
      decideSelected(rule, images, pushedMs, buffer.subarray(0, found), nowMs, shieldedBy, decidedBy, stamp);
  }
}

/** The first digest in `referencedBy` that is present and staying (parentState 1), if any. */
function stayingParent(
  referencedBy: readonly string[],
  parentState: Map<string, number>,
): string | undefined {
  for (let p = 0; p < referencedBy.length; p += 1) {
    const digest = referencedBy[p] as string;
    if (parentState.get(digest) === 1) return digest;
  }
  return undefined;
}

/** Leaving images kept because a manifest list that stays references them (keepReferenced). */
interface ReferencedKeeps {
  /** One "rule N selects it, but manifest list D still references it" per rule and parent. */
  reasons: string[];
  /** By image index: the index of its reason, for an image whose decidedBy is negative. */
  reasonOf: Int32Array;
}

/**
 * A child of a manifest list that is not itself leaving standard storage stays: such an image's
 * decidedBy[i] becomes -decidedBy[i] (kept, by that rule) and reasonOf[i] the index of its reason in
 * the returned list ("rule N selects it, but manifest list D still references it", one string per
 * rule and parent). Returns undefined when no leaving image is kept so.
 *
 * One Map of the digests that matter, not a scan of the images per reference: that was quadratic in
 * the number of images. Only the digests a leaving image points at matter (usually a handful of
 * manifest lists): 0 not among the images, 1 present and staying, 2 present and (one of them) leaving.
 */
function keepReferenced(
  rules: readonly CompiledRule[],
  images: readonly LifecycleImage[],
  decidedBy: Int32Array,
): ReferencedKeeps | undefined {
  const parentState = new Map<string, number>();
  for (let i = 0; i < images.length; i += 1) {
    if (decidedBy[i] === 0) continue;
    const referencedBy = (images[i] as LifecycleImage).referencedBy;
    if (referencedBy === undefined) continue;
    for (let p = 0; p < referencedBy.length; p += 1) parentState.set(referencedBy[p] as string, 0);
  }
  if (parentState.size === 0) return undefined;
  for (let i = 0; i < images.length; i += 1) {
    const digest = (images[i] as LifecycleImage).digest;
    const state = parentState.get(digest);
    if (state !== undefined && state !== 2) parentState.set(digest, decidedBy[i] === 0 ? 1 : 2);
  }
  const reasons: string[] = [];
  const reasonIndex = new Map<string, number>();
  const reasonOf = new Int32Array(images.length);
  // Consecutive children usually share the rule and the parent: the last reason is reused without
  // building its key.
  let lastStamp = 0;
  let lastParent = "";
  let lastIndex = 0;
  for (let i = 0; i < images.length; i += 1) {
    const stamp = decidedBy[i] as number;
    if (stamp === 0) continue;
    const referencedBy = (images[i] as LifecycleImage).referencedBy;
    if (referencedBy === undefined) continue;
    const parent = stayingParent(referencedBy, parentState);
    if (parent === undefined) continue;
    if (stamp !== lastStamp || parent !== lastParent) {
      // "<rule index> <parent>" is unique: a digest never contains a space.
      const key = `${stamp} ${parent}`;
      let index = reasonIndex.get(key);
      if (index === undefined) {
        index = reasons.length;
        const priority = (rules[stamp - 1] as CompiledRule).priority;
        reasons.push(`rule ${priority} selects it, but manifest list ${parent} still references it`);
        reasonIndex.set(key, index);
      }
      lastStamp = stamp;
      lastParent = parent;
      lastIndex = index;
    }
    decidedBy[i] = -stamp;
    reasonOf[i] = lastIndex;
  }
  return reasons.length > 0 ? { reasons, reasonOf } : undefined;
}

const NO_RULE_REASON = "no rule selects it";

/**
 * The outcomes, the three digest lists and the three byte sums, in one pass that reads of each image
 * only its digest and size, and of the rules only their compiled form: no string, no tuple per image.
 * The lists grow by push: allocated at their final length (new Array(n), counted in an extra pass)
 * they made twice as many scavenges (measured: 48 against 24 in 40 runs), a large young array being
 * collected as a whole.
 */
function outcomesOf(
  rules: readonly CompiledRule[],
  images: readonly LifecycleImage[],
  decidedBy: Int32Array,
  shieldedBy: Int32Array,
  referenced: ReferencedKeeps | undefined,
): LifecycleSimulation {
  const referencedReasons = referenced?.reasons ?? [];
  // Read only where decidedBy[i] < 0, which keepReferenced sets together with its reason.
  const reasonOf = referenced?.reasonOf ?? new Int32Array(0);
  const outcomes: LifecycleImageOutcome[] = [];
  const expired: string[] = [];
  const transitioned: string[] = [];
  const kept: string[] = [];
  let expiredBytes = 0;
  let transitionedBytes = 0;
  let keptBytes = 0;
  for (let i = 0; i < images.length; i += 1) {
    const image = images[i] as LifecycleImage;
    const digest = image.digest;
    const sizeBytes = image.sizeBytes;
    const stamp = decidedBy[i] as number;
    if (stamp > 0) {
      const rule = rules[stamp - 1] as CompiledRule;
      if (rule.expire) {
        outcomes.push({ digest, action: "expire", rulePriority: rule.priority, reason: rule.actionReason });
        expired.push(digest);
        expiredBytes += sizeBytes;
      } else {
        outcomes.push({
          digest,
          action: "transition",
          rulePriority: rule.priority,
          reason: rule.actionReason,
        });
        transitioned.push(digest);
        transitionedBytes += sizeBytes;
      }
      continue;
    }
    if (stamp < 0) {
      const reason = referencedReasons[reasonOf[i] as number] as string;
      outcomes.push({
        digest,
        action: "keep",
        rulePriority: (rules[-stamp - 1] as CompiledRule).priority,
        reason,
      });
    } else {
      const shield = shieldedBy[i] as number;
      if (shield === 0) outcomes.push({ digest, action: "keep", reason: NO_RULE_REASON });
      else {
        const rule = rules[shield - 1] as CompiledRule;
        outcomes.push({ digest, action: "keep", rulePriority: rule.priority, reason: rule.keepReason });
      }
    }
    kept.push(digest);
    keptBytes += sizeBytes;
  }
  return { images: outcomes, expired, transitioned, kept, expiredBytes, transitionedBytes, keptBytes };
}

/**
 * The simulation once every image's push time is in pushedMs (`referenced`: some image has a non-empty
 * referencedBy). Several small functions, not one: in a process that has run the simulation on many
 * different inputs (the fuzz suite, then the 100,000-image shapes), V8 deoptimized and recompiled the
 * one large function several times per call, and each recompilation of it took 25–33 ms of CPU on a
 * background thread, counted in the process's CPU time (node --trace-opt --trace-deopt, issue 12).
 */
function simulateWithPushTimes(
  rules: readonly LifecyclePolicyRule[],
  images: readonly LifecycleImage[],
  pushedMs: Float64Array,
  referenced: boolean,
  nowMs: number,
): LifecycleSimulation {
  const count = images.length;
  // With pushedMs and applyRules' two, five typed arrays of `count` numbers (2.4 MB at the limit; a
  // sixth in keepReferenced when some leaving image is referenced; before issue 12's allocation pass
  // 2.8 MB and a number[] per rule), nothing else per image until the outcomes. Their memory is
  // outside the JavaScript heap but counts toward V8's external-memory limit, which starts full
  // collections.
  /** 1 + index of the rule that acts on the image (0: none). */
  const decidedBy = new Int32Array(count);
  /** 1 + index of the first rule whose tags match the image (0: none yet); it shields the image. */
  const shieldedBy = new Int32Array(count);
  const compiled: CompiledRule[] = []; // by push, as `selections` in matchTags
  for (const rule of rules) compiled.push(compileRule(rule));
  applyRules(compiled, images, pushedMs, nowMs, shieldedBy, decidedBy);
  return outcomesOf(
    compiled,
    images,
    decidedBy,
    shieldedBy,
    referenced ? keepReferenced(compiled, images, decidedBy) : undefined,
  );
}

/**
 * Rules evaluated against already-validated, priority-sorted rules. Typed arrays by image index, not
 * Maps keyed by image objects, Sets or per-rule lists: this runs on up to MAX_SIMULATED_IMAGES images,
 * and garbage collection of per-image allocations was the largest remaining cost (issue 12). The only
 * objects made per image are its outcome (the API returns one per image) and its entry in one of the
 * three digest lists.
 */
export function simulateLifecycleRules(
  rules: readonly LifecyclePolicyRule[],
  images: readonly LifecycleImage[],
  now: Date,
): LifecycleSimulation {
  const pushedMs = new Float64Array(images.length);
  const referenced = readPushTimes(images, pushedMs);
  return simulateWithPushTimes(rules, images, pushedMs, referenced, now.getTime());
}

/** Images simulateLifecycle accepts: ECR's default "Images per repository" quota. */
export const MAX_SIMULATED_IMAGES = 100_000;
/** Bytes of one image it accepts (1 PiB): the byte totals of 100,000 such images stay exact enough. */
export const MAX_IMAGE_SIZE_BYTES = 2 ** 50;
const MAX_TAGS_PER_IMAGE = 1_000;

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && Number.isFinite(value.getTime());
}

/** Rejects a `now` or an image list the simulation cannot start on (checkEachImage checks the images). */
function checkImageList(images: readonly LifecycleImage[], now: Date): void {
  if (!isValidDate(now)) {
    throw new InvalidInputError("now", `now must be a valid Date, got ${String(now)}.`);
  }
  if (!Array.isArray(images)) {
    throw new InvalidInputError(
      "images",
      "images must be an array of { digest, tags, pushedAt, sizeBytes }.",
    );
  }
  if (images.length > MAX_SIMULATED_IMAGES) {
    throw new InvalidInputError(
      "images",
      `images has ${images.length} entries; simulateLifecycle accepts at most ${MAX_SIMULATED_IMAGES} (ECR's default images-per-repository quota). Fix: simulate a sample of the repository.`,
    );
  }
}

/**
 * Rejects an image the simulation cannot reason about, naming the image and field. Reads each image
 * once: it also fills pushedMs[i] with its push time (what readPushTimes does for
 * simulateLifecycleRules), and returns whether some image is referenced by a manifest list. A plain
 * loop that builds no string and no array per valid image: it runs on up to 100,000 images.
 */
function checkEachImage(images: readonly LifecycleImage[], pushedMs: Float64Array): boolean {
  let referenced = false;
  for (let i = 0; i < images.length; i += 1) if (checkImage(images[i], i, pushedMs)) referenced = true;
  return referenced;
}

/** Checks image i, sets pushedMs[i]; true when it has a non-empty referencedBy. */
function checkImage(image: unknown, i: number, pushedMs: Float64Array): boolean {
  if (typeof image !== "object" || image === null) {
    throw new InvalidInputError(
      imageAt(i),
      `${imageAt(i)} must be an object { digest, tags, pushedAt, sizeBytes }.`,
    );
  }
  const { digest, tags, pushedAt, lastPulledAt, archivedAt, sizeBytes, storageClass, referencedBy } =
    image as Partial<Record<keyof LifecycleImage, unknown>>;
  if (typeof digest !== "string") {
    throw new InvalidInputError(`${imageAt(i)}.digest`, `${imageAt(i)}.digest must be a string.`);
  }
  if (!Array.isArray(tags) || tags.length > MAX_TAGS_PER_IMAGE || !allStrings(tags)) {
    throw new InvalidInputError(
      `${imageAt(i)}.tags`,
      `${imageAt(i)}.tags must be an array of at most ${MAX_TAGS_PER_IMAGE} strings ([] for an untagged image).`,
    );
  }
  if (!isValidDate(pushedAt)) {
    throw new InvalidInputError(
      `${imageAt(i)}.pushedAt`,
      `${imageAt(i)}.pushedAt must be a valid Date, got ${String(pushedAt)}.`,
    );
  }
  checkOptionalDate(lastPulledAt, i, "lastPulledAt");
  checkOptionalDate(archivedAt, i, "archivedAt");
  if (
    typeof sizeBytes !== "number" ||
    !Number.isFinite(sizeBytes) ||
    sizeBytes < 0 ||
    sizeBytes > MAX_IMAGE_SIZE_BYTES
  ) {
    throw new InvalidInputError(
      `${imageAt(i)}.sizeBytes`,
      `${imageAt(i)}.sizeBytes must be a number of bytes from 0 to ${MAX_IMAGE_SIZE_BYTES}, got ${String(sizeBytes)}.`,
    );
  }
  if (storageClass !== undefined && storageClass !== "standard" && storageClass !== "archive") {
    throw new InvalidInputError(
      `${imageAt(i)}.storageClass`,
      `${imageAt(i)}.storageClass must be "standard" or "archive" when set, got ${String(storageClass)}.`,
    );
  }
  if (referencedBy !== undefined && (!Array.isArray(referencedBy) || !allStrings(referencedBy))) {
    throw new InvalidInputError(
      `${imageAt(i)}.referencedBy`,
      `${imageAt(i)}.referencedBy must be an array of digests.`,
    );
  }
  pushedMs[i] = pushedAt.getTime();
  return referencedBy !== undefined && (referencedBy as readonly string[]).length > 0;
}

/** Where an error is, built only when one is thrown (no string per valid image). */
function imageAt(i: number): string {
  return `images[${i}]`;
}

function allStrings(values: readonly unknown[]): boolean {
  for (const value of values) if (typeof value !== "string") return false;
  return true;
}

function checkOptionalDate(value: unknown, i: number, key: string): void {
  if (value !== undefined && !isValidDate(value)) {
    throw new InvalidInputError(
      `${imageAt(i)}.${key}`,
      `${imageAt(i)}.${key} must be a valid Date when set, got ${String(value)}.`,
    );
  }
}

/**
 * Which images ECR would expire or archive, and by which rule, at `now`. `policy` is the policy text,
 * a parsed policy document, or typed rules (priorities assigned as renderLifecyclePolicy does).
 * Throws InvalidInputError if the policy has validation errors, or for an image it cannot reason about
 * (a size that is not a finite number of bytes >= 0, an invalid date; issue 12), or past the limits.
 */
export function simulateLifecycle(
  policy: LifecyclePolicyInput,
  images: readonly LifecycleImage[],
  now: Date,
): LifecycleSimulation {
  checkImageList(images, now);
  const pushedMs = new Float64Array(images.length);
  const referenced = checkEachImage(images, pushedMs);
  return simulateWithPushTimes(lifecycleRulesOf(policy), images, pushedMs, referenced, now.getTime());
}
