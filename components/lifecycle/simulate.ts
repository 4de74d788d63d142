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
import { InvalidInputError } from "../errors";
import { formatLifecycleProblems } from "./format";
import { selectedStorageClass, tagMatcher } from "./match";
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

function olderThanDays(moment: Date, now: Date, days: number): boolean {
  return now.getTime() - moment.getTime() > days * DAY_MS;
}

/**
 * Reorders `order[from..to)` so that its first `keep` entries are the newest images (by `isNewer`), in
 * no particular order. Quickselect: about 3n comparisons where a full sort of 100,000 candidates took
 * ~1.7M calls of the comparator (most of the simulation's time). Deterministic pivots (middle of the
 * range); a range that stops shrinking fast enough (an adversarial order) is sorted instead, so the
 * worst case stays n log n.
 */
function selectNewest(order: Int32Array, keep: number, isNewer: (a: number, b: number) => boolean): void {
  let from = 0;
  let to = order.length;
  let budget = 2 * Math.ceil(Math.log2(order.length + 1)) + 8;
  while (to - from > 1 && keep > from && keep < to) {
    if (budget-- === 0) {
      const sorted = Array.from(order.subarray(from, to)).sort((a, b) =>
        isNewer(a, b) ? -1 : isNewer(b, a) ? 1 : 0,
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
      else if (isNewer(image, pivot)) {
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
 * Marks (marks[i] = stamp) the candidates the rule acts on if nothing shields them. Candidates are
 * image indexes in ascending order.
 */
function markSelected(
  rule: LifecyclePolicyRule,
  images: readonly LifecycleImage[],
  pushedMs: Float64Array,
  candidates: readonly number[],
  now: Date,
  marks: Int32Array,
  stamp: number,
): void {
  const { countType, countNumber } = rule.selection;
  if (countType === "imageCountMoreThan") {
    if (candidates.length <= countNumber) return;
    // Newest first; equal push times fall back to the digest, then to input order (the stable sort
    // this replaced), so results never depend on how the selection is computed.
    const isNewer = (a: number, b: number): boolean => {
      const pushedA = pushedMs[a] as number;
      const pushedB = pushedMs[b] as number;
      if (pushedA !== pushedB) return pushedA > pushedB;
      const digestA = (images[a] as LifecycleImage).digest;
      const digestB = (images[b] as LifecycleImage).digest;
      if (digestA !== digestB) return digestA < digestB;
      return a < b;
    };
    const order = Int32Array.from(candidates);
    selectNewest(order, countNumber, isNewer);
    for (let at = countNumber; at < order.length; at += 1) marks[order[at] as number] = stamp;
    return;
  }
  for (const i of candidates) {
    const image = images[i] as LifecycleImage;
    const moment =
      countType === "sinceImagePushed"
        ? image.pushedAt
        : countType === "sinceImagePulled"
          ? (image.lastPulledAt ?? image.pushedAt)
          : (image.archivedAt ?? image.pushedAt);
    if (olderThanDays(moment, now, countNumber)) marks[i] = stamp;
  }
}

/** One string per distinct value, not one per image: 100,000 outcomes share a handful of reasons. */
function memoized<K, V>(make: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = make(key);
      cache.set(key, value);
    }
    return value;
  };
}

/** Rules evaluated against already-validated, priority-sorted rules. Arrays by image index, not Maps
 * keyed by image objects or Sets of indexes: this runs on up to MAX_SIMULATED_IMAGES images. */
export function simulateLifecycleRules(
  rules: readonly LifecyclePolicyRule[],
  images: readonly LifecycleImage[],
  now: Date,
): LifecycleSimulation {
  const count = images.length;
  /**
   * 1 + index of the rule that acts on the image (0: none). Numbers in a typed array, not outcome
   * objects: the outcomes are built once, in the last pass (100,000 objects made twice, or kept alive
   * across passes, made garbage collection the largest cost).
   */
  const decidedBy = new Int32Array(count);
  /** Priority of the first rule whose tags match the image (0: none yet). */
  const shieldedBy = new Float64Array(count);
  const pushedMs = new Float64Array(count);
  // One pass over the images reads every field the rules need and matches every rule's tags: image by
  // image, not rule by rule, so each image (scattered in memory) is visited once, not once per rule.
  const matchers = rules.map((rule) => ({
    storageClass: selectedStorageClass(rule.selection),
    matches: tagMatcher(rule.selection),
  }));
  const candidatesByRule: number[][] = rules.map(() => []);
  let referenced = false;
  for (let i = 0; i < count; i += 1) {
    const image = images[i] as LifecycleImage;
    pushedMs[i] = image.pushedAt.getTime();
    const storageClass = image.storageClass ?? "standard";
    if (image.referencedBy !== undefined && image.referencedBy.length > 0) referenced = true;
    const tags = image.tags;
    for (let r = 0; r < matchers.length; r += 1) {
      const matcher = matchers[r] as (typeof matchers)[number];
      if (matcher.storageClass === storageClass && matcher.matches(tags))
        (candidatesByRule[r] as number[]).push(i);
    }
  }
  /** marks[i] === the current rule's stamp: the rule acts on image i if nothing shields it. */
  const marks = new Int32Array(count);
  for (const [r, rule] of rules.entries()) {
    const stamp = r + 1;
    const candidates = candidatesByRule[r] as number[];
    markSelected(rule, images, pushedMs, candidates, now, marks, stamp);
    for (const i of candidates) {
      if (shieldedBy[i] !== 0) continue;
      shieldedBy[i] = rule.rulePriority;
      if (marks[i] === stamp) decidedBy[i] = stamp;
    }
  }
  // A child of a manifest list that is not itself leaving standard storage stays. One Map of the
  // digests that matter, not a scan of the images per reference: that was quadratic in the number of
  // images. The parent that keeps image i is stillReferencedBy[i].
  let stillReferencedBy: (string | undefined)[] | undefined;
  if (referenced) {
    // Only the digests a leaving image points at matter (usually a handful of manifest lists):
    // 0 not among the images, 1 present and staying, 2 present and (one of them) leaving.
    const parentState = new Map<string, number>();
    for (let i = 0; i < count; i += 1) {
      const referencedBy = (images[i] as LifecycleImage).referencedBy;
      if (decidedBy[i] === 0 || referencedBy === undefined) continue;
      for (const digest of referencedBy) parentState.set(digest, 0);
    }
    for (let i = 0; i < count; i += 1) {
      const digest = (images[i] as LifecycleImage).digest;
      const state = parentState.get(digest);
      if (state !== undefined && state !== 2) parentState.set(digest, decidedBy[i] === 0 ? 1 : 2);
    }
    const staying = (digest: string): boolean => parentState.get(digest) === 1;
    stillReferencedBy = new Array<string | undefined>(count);
    for (let i = 0; i < count; i += 1) {
      const referencedBy = (images[i] as LifecycleImage).referencedBy;
      if (decidedBy[i] !== 0 && referencedBy !== undefined) stillReferencedBy[i] = referencedBy.find(staying);
    }
  }
  // One pass for the outcomes, the three lists and the three byte sums.
  const result: LifecycleSimulation = {
    images: new Array<LifecycleImageOutcome>(count),
    expired: [],
    transitioned: [],
    kept: [],
    expiredBytes: 0,
    transitionedBytes: 0,
    keptBytes: 0,
  };
  const actionReasons = rules.map(
    (rule) => `rule ${rule.rulePriority} ${rule.action.type === "expire" ? "expires" : "archives"} it`,
  );
  const keptBy = memoized((priority: number) => `rule ${priority} selects it and keeps it`);
  const stillReferenced = memoized((priority: number) =>
    memoized(
      (parent: string) => `rule ${priority} selects it, but manifest list ${parent} still references it`,
    ),
  );
  for (let i = 0; i < count; i += 1) {
    const image = images[i] as LifecycleImage;
    const digest = image.digest;
    const sizeBytes = image.sizeBytes;
    const ruleIndex = (decidedBy[i] as number) - 1;
    const rule = rules[ruleIndex];
    const parent = stillReferencedBy?.[i];
    let outcome: LifecycleImageOutcome;
    if (rule !== undefined && parent === undefined) {
      outcome = {
        digest,
        action: rule.action.type,
        rulePriority: rule.rulePriority,
        reason: actionReasons[ruleIndex] as string,
      };
    } else if (rule !== undefined) {
      outcome = {
        digest,
        action: "keep",
        rulePriority: rule.rulePriority,
        reason: stillReferenced(rule.rulePriority)(parent as string),
      };
    } else {
      const shield = shieldedBy[i] as number;
      outcome =
        shield === 0
          ? { digest, action: "keep", reason: "no rule selects it" }
          : { digest, action: "keep", rulePriority: shield, reason: keptBy(shield) };
    }
    result.images[i] = outcome;
    if (outcome.action === "expire") {
      result.expired.push(digest);
      result.expiredBytes += sizeBytes;
    } else if (outcome.action === "transition") {
      result.transitioned.push(digest);
      result.transitionedBytes += sizeBytes;
    } else {
      result.kept.push(digest);
      result.keptBytes += sizeBytes;
    }
  }
  return result;
}

/** Images simulateLifecycle accepts: ECR's default "Images per repository" quota. */
export const MAX_SIMULATED_IMAGES = 100_000;
/** Bytes of one image it accepts (1 PiB): the byte totals of 100,000 such images stay exact enough. */
export const MAX_IMAGE_SIZE_BYTES = 2 ** 50;
const MAX_TAGS_PER_IMAGE = 1_000;

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && Number.isFinite(value.getTime());
}

/** Rejects what the simulation cannot reason about, naming the image and field. */
function checkImages(images: readonly LifecycleImage[], now: Date): void {
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
  // A plain loop that builds no string and no array per valid image: it runs on up to 100,000 images.
  for (let i = 0; i < images.length; i += 1) checkImage(images[i], i);
}

function checkImage(image: unknown, i: number): void {
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
  checkImages(images, now);
  return simulateLifecycleRules(lifecycleRulesOf(policy), images, now);
}
