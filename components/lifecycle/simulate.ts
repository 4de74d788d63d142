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

function storageClassOf(image: LifecycleImage): LifecycleStorageClass {
  return image.storageClass ?? "standard";
}

function olderThanDays(moment: Date, now: Date, days: number): boolean {
  return now.getTime() - moment.getTime() > days * DAY_MS;
}

/** Newest first; equal push times fall back to the digest so results never depend on input order. */
function newestFirst(a: LifecycleImage, b: LifecycleImage): number {
  return (
    b.pushedAt.getTime() - a.pushedAt.getTime() || (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0)
  );
}

/** Indexes (into `images`) of the candidates the rule acts on if nothing shields them. */
function markedBy(
  rule: LifecyclePolicyRule,
  images: readonly LifecycleImage[],
  pushedMs: Float64Array,
  candidates: readonly number[],
  now: Date,
): Set<number> {
  const { countType, countNumber } = rule.selection;
  if (countType === "imageCountMoreThan") {
    if (candidates.length <= countNumber) return new Set();
    // Same order as newestFirst, on push times read once (a sort of 100,000 images calls it ~1.7M times).
    const order = [...candidates].sort(
      (a, b) =>
        (pushedMs[b] as number) - (pushedMs[a] as number) ||
        newestFirst(images[a] as LifecycleImage, images[b] as LifecycleImage),
    );
    return new Set(order.slice(countNumber));
  }
  const momentOf = (image: LifecycleImage): Date =>
    countType === "sinceImagePushed"
      ? image.pushedAt
      : countType === "sinceImagePulled"
        ? (image.lastPulledAt ?? image.pushedAt)
        : (image.archivedAt ?? image.pushedAt);
  return new Set(
    candidates.filter((i) => olderThanDays(momentOf(images[i] as LifecycleImage), now, countNumber)),
  );
}

/** Rules evaluated against already-validated, priority-sorted rules. Arrays by image index, not Maps
 * keyed by image objects: this runs on up to MAX_SIMULATED_IMAGES images. */
export function simulateLifecycleRules(
  rules: readonly LifecyclePolicyRule[],
  images: readonly LifecycleImage[],
  now: Date,
): LifecycleSimulation {
  const decided: (LifecycleImageOutcome | undefined)[] = new Array<LifecycleImageOutcome | undefined>(
    images.length,
  );
  /** Priority of the first rule whose tags match the image (0: none yet). */
  const shieldedBy = new Float64Array(images.length);
  const storageClasses = images.map(storageClassOf);
  const pushedMs = Float64Array.from(images, (image) => image.pushedAt.getTime());
  for (const rule of rules) {
    const storageClass = selectedStorageClass(rule.selection);
    const matches = tagMatcher(rule.selection);
    const candidates: number[] = [];
    images.forEach((image, i) => {
      if (storageClasses[i] === storageClass && matches(image.tags)) candidates.push(i);
    });
    const marked = markedBy(rule, images, pushedMs, candidates, now);
    const action = rule.action.type;
    const reason = `rule ${rule.rulePriority} ${action === "expire" ? "expires" : "archives"} it`;
    for (const i of candidates) {
      if (shieldedBy[i] !== 0) continue;
      shieldedBy[i] = rule.rulePriority;
      if (marked.has(i)) {
        decided[i] = {
          digest: (images[i] as LifecycleImage).digest,
          action,
          rulePriority: rule.rulePriority,
          reason,
        };
      }
    }
  }
  // A child of a manifest list that is not itself leaving standard storage stays. A Set, not a scan
  // of the images per reference: that was quadratic in the number of images.
  const leaving = new Set<string>();
  const present = new Set<string>();
  const referenced = images.some(
    (image) => image.referencedBy !== undefined && image.referencedBy.length > 0,
  );
  if (referenced) {
    images.forEach((image, i) => {
      present.add(image.digest);
      if (decided[i] !== undefined) leaving.add(image.digest);
    });
    images.forEach((image, i) => {
      const outcome = decided[i];
      if (outcome === undefined || image.referencedBy === undefined) return;
      const parent = image.referencedBy.find((digest) => !leaving.has(digest) && present.has(digest));
      if (parent !== undefined) {
        decided[i] = {
          digest: image.digest,
          action: "keep",
          rulePriority: outcome.rulePriority,
          reason: `rule ${outcome.rulePriority} selects it, but manifest list ${parent} still references it`,
        } as LifecycleImageOutcome;
      }
    });
  }
  // One pass for the outcomes, the three lists and the three byte sums.
  const result: LifecycleSimulation = {
    images: new Array<LifecycleImageOutcome>(images.length),
    expired: [],
    transitioned: [],
    kept: [],
    expiredBytes: 0,
    transitionedBytes: 0,
    keptBytes: 0,
  };
  images.forEach((image, i) => {
    let outcome = decided[i];
    if (outcome === undefined) {
      const shield = shieldedBy[i] as number;
      outcome =
        shield === 0
          ? { digest: image.digest, action: "keep", reason: "no rule selects it" }
          : {
              digest: image.digest,
              action: "keep",
              rulePriority: shield,
              reason: `rule ${shield} selects it and keeps it`,
            };
    }
    result.images[i] = outcome;
    if (outcome.action === "expire") {
      result.expired.push(outcome.digest);
      result.expiredBytes += image.sizeBytes;
    } else if (outcome.action === "transition") {
      result.transitioned.push(outcome.digest);
      result.transitionedBytes += image.sizeBytes;
    } else {
      result.kept.push(outcome.digest);
      result.keptBytes += image.sizeBytes;
    }
  });
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
  images.forEach((image: unknown, i) => {
    const where = `images[${i}]`;
    if (typeof image !== "object" || image === null) {
      throw new InvalidInputError(where, `${where} must be an object { digest, tags, pushedAt, sizeBytes }.`);
    }
    const { digest, tags, pushedAt, lastPulledAt, archivedAt, sizeBytes, storageClass, referencedBy } =
      image as Partial<Record<keyof LifecycleImage, unknown>>;
    if (typeof digest !== "string") {
      throw new InvalidInputError(`${where}.digest`, `${where}.digest must be a string.`);
    }
    if (
      !Array.isArray(tags) ||
      tags.length > MAX_TAGS_PER_IMAGE ||
      !tags.every((t) => typeof t === "string")
    ) {
      throw new InvalidInputError(
        `${where}.tags`,
        `${where}.tags must be an array of at most ${MAX_TAGS_PER_IMAGE} strings ([] for an untagged image).`,
      );
    }
    if (!isValidDate(pushedAt)) {
      throw new InvalidInputError(
        `${where}.pushedAt`,
        `${where}.pushedAt must be a valid Date, got ${String(pushedAt)}.`,
      );
    }
    for (const [key, value] of [
      ["lastPulledAt", lastPulledAt],
      ["archivedAt", archivedAt],
    ] as const) {
      if (value !== undefined && !isValidDate(value)) {
        throw new InvalidInputError(
          `${where}.${key}`,
          `${where}.${key} must be a valid Date when set, got ${String(value)}.`,
        );
      }
    }
    if (
      typeof sizeBytes !== "number" ||
      !Number.isFinite(sizeBytes) ||
      sizeBytes < 0 ||
      sizeBytes > MAX_IMAGE_SIZE_BYTES
    ) {
      throw new InvalidInputError(
        `${where}.sizeBytes`,
        `${where}.sizeBytes must be a number of bytes from 0 to ${MAX_IMAGE_SIZE_BYTES}, got ${String(sizeBytes)}.`,
      );
    }
    if (storageClass !== undefined && storageClass !== "standard" && storageClass !== "archive") {
      throw new InvalidInputError(
        `${where}.storageClass`,
        `${where}.storageClass must be "standard" or "archive" when set, got ${String(storageClass)}.`,
      );
    }
    if (
      referencedBy !== undefined &&
      (!Array.isArray(referencedBy) || !referencedBy.every((d) => typeof d === "string"))
    ) {
      throw new InvalidInputError(
        `${where}.referencedBy`,
        `${where}.referencedBy must be an array of digests.`,
      );
    }
  });
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
