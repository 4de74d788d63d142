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
import { formatLifecycleProblems } from "./format";
import { selectedStorageClass, selectionMatchesTags } from "./match";
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
  if (errors.length > 0) throw new Error(`Invalid lifecycle policy:\n${formatLifecycleProblems(errors)}`);
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

function markedBy(
  rule: LifecyclePolicyRule,
  candidates: readonly LifecycleImage[],
  now: Date,
): Set<LifecycleImage> {
  const { countType, countNumber } = rule.selection;
  if (countType === "imageCountMoreThan")
    return new Set([...candidates].sort(newestFirst).slice(countNumber));
  const momentOf = (image: LifecycleImage): Date =>
    countType === "sinceImagePushed"
      ? image.pushedAt
      : countType === "sinceImagePulled"
        ? (image.lastPulledAt ?? image.pushedAt)
        : (image.archivedAt ?? image.pushedAt);
  return new Set(candidates.filter((image) => olderThanDays(momentOf(image), now, countNumber)));
}

/** Rules evaluated against already-validated, priority-sorted rules. */
export function simulateLifecycleRules(
  rules: readonly LifecyclePolicyRule[],
  images: readonly LifecycleImage[],
  now: Date,
): LifecycleSimulation {
  const decided = new Map<LifecycleImage, LifecycleImageOutcome>();
  const shieldedBy = new Map<LifecycleImage, number>();
  for (const rule of rules) {
    const candidates = images.filter(
      (image) =>
        storageClassOf(image) === selectedStorageClass(rule.selection) &&
        selectionMatchesTags(rule.selection, image.tags),
    );
    const marked = markedBy(rule, candidates, now);
    for (const image of candidates) {
      if (shieldedBy.has(image)) continue;
      shieldedBy.set(image, rule.rulePriority);
      if (marked.has(image)) {
        const action = rule.action.type;
        decided.set(image, {
          digest: image.digest,
          action,
          rulePriority: rule.rulePriority,
          reason: `rule ${rule.rulePriority} ${action === "expire" ? "expires" : "archives"} it`,
        });
      }
    }
  }
  // A child of a manifest list that is not itself leaving standard storage stays.
  const leaving = new Set([...decided.values()].map((outcome) => outcome.digest));
  for (const [image, outcome] of decided) {
    const parent = (image.referencedBy ?? []).find(
      (digest) => !leaving.has(digest) && images.some((other) => other.digest === digest),
    );
    if (parent !== undefined) {
      decided.set(image, {
        digest: image.digest,
        action: "keep",
        rulePriority: outcome.rulePriority,
        reason: `rule ${outcome.rulePriority} selects it, but manifest list ${parent} still references it`,
      });
    }
  }
  const outcomes = images.map((image): LifecycleImageOutcome => {
    const outcome = decided.get(image);
    if (outcome) return outcome;
    const shield = shieldedBy.get(image);
    return shield === undefined
      ? { digest: image.digest, action: "keep", reason: "no rule selects it" }
      : {
          digest: image.digest,
          action: "keep",
          rulePriority: shield,
          reason: `rule ${shield} selects it and keeps it`,
        };
  });
  const sum = (action: LifecycleImageAction): number =>
    images.reduce((total, image, i) => total + (outcomes[i]?.action === action ? image.sizeBytes : 0), 0);
  return {
    images: outcomes,
    expired: outcomes.filter((o) => o.action === "expire").map((o) => o.digest),
    transitioned: outcomes.filter((o) => o.action === "transition").map((o) => o.digest),
    kept: outcomes.filter((o) => o.action === "keep").map((o) => o.digest),
    expiredBytes: sum("expire"),
    transitionedBytes: sum("transition"),
    keptBytes: sum("keep"),
  };
}

/**
 * Which images ECR would expire or archive, and by which rule, at `now`. `policy` is the policy text,
 * a parsed policy document, or typed rules (priorities assigned as renderLifecyclePolicy does).
 * Throws if the policy has validation errors.
 */
export function simulateLifecycle(
  policy: LifecyclePolicyInput,
  images: readonly LifecycleImage[],
  now: Date,
): LifecycleSimulation {
  return simulateLifecycleRules(lifecycleRulesOf(policy), images, now);
}
