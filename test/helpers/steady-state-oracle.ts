/**
 * TEST ORACLE: the replay steadyStateRetention used before issue 12 (one event per push), kept only to
 * check the closed form against it on inputs it can afford. Not shipped.
 *
 * How many images (and bytes) a policy keeps once a push cadence has run long enough, found by
 * replaying a synthetic push history through the same simulation as simulateLifecycle, one lifecycle
 * run per day (ECR acts "within 24 hours"). The cost model prices `retainedBytes`; the cache image is
 * not modelled (the cost model adds cache bytes separately).
 */
import { PROTECTED_TAG_PREFIXES } from "../../components/common/tags";
import type { LifecycleImage } from "../../components/lifecycle/simulate";
import {
  lifecycleRulesOf,
  simulateLifecycleRules,
  type LifecyclePolicyInput,
} from "../../components/lifecycle/simulate";
import type { LifecyclePolicyRule } from "../../components/lifecycle/types";
import { DAY_COUNT_TYPES, DAY_MS } from "../../components/lifecycle/types";
import { isKeepForeverRule } from "../../components/lifecycle/warnings";
import type {
  PushCadence,
  PushStream,
  SteadyStateRetention,
  SteadyStateRuleShare,
} from "../../components/lifecycle/steady-state";

const MAX_SIMULATED_DAYS = 3_650;
const HISTORY_START = Date.UTC(2026, 0, 1);

/** Long enough for every acting rule's window to fill and chain (transition, then expire). */
function horizonDays(rules: readonly LifecyclePolicyRule[], cadence: PushCadence): number {
  const rates = cadence.pushesPerDay.map((s) => s.perDay).filter((rate) => rate > 0);
  const slowest = rates.length > 0 ? Math.min(...rates) : 0;
  let days = 2;
  for (const rule of rules.filter((r) => !isKeepForeverRule(r))) {
    const { countType, countNumber } = rule.selection;
    if (DAY_COUNT_TYPES.includes(countType)) days += countNumber;
    else if (slowest > 0) days += Math.ceil(countNumber / slowest);
  }
  return Math.min(days, MAX_SIMULATED_DAYS);
}

function tagFactory(stream: PushStream): (n: number) => string {
  if (stream.moving) return () => stream.tag;
  const hexRun = /[0-9a-f]{4,}$/.exec(stream.tag);
  if (hexRun) {
    const width = hexRun[0].length;
    const head = stream.tag.slice(0, hexRun.index);
    const modulus = width >= 13 ? Number.MAX_SAFE_INTEGER : 16 ** width;
    return (n) => head + (n % modulus).toString(16).padStart(width, "0");
  }
  return (n) => `${stream.tag}-${n}`;
}

function checkCadence(cadence: PushCadence): void {
  const nonNegative = (value: number | undefined, name: string): void => {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`${name} must be a finite number >= 0, got ${value}.`);
    }
  };
  cadence.pushesPerDay.forEach((s, i) => nonNegative(s.perDay, `pushesPerDay[${i}].perDay`));
  nonNegative(cadence.untaggedPerPush, "untaggedPerPush");
  nonNegative(cadence.deployedImages, "deployedImages");
  nonNegative(cadence.imageBytes, "imageBytes");
  nonNegative(cadence.uniqueBytesPerImage, "uniqueBytesPerImage");
}

interface PushEvent {
  at: number;
  stream: number;
  sequence: number;
}

export function steadyStateRetentionByReplay(
  policy: LifecyclePolicyInput,
  cadence: PushCadence,
): SteadyStateRetention {
  checkCadence(cadence);
  const rules = lifecycleRulesOf(policy);
  const days = horizonDays(rules, cadence);
  const end = HISTORY_START + days * DAY_MS;
  const uniqueBytes = cadence.uniqueBytesPerImage ?? cadence.imageBytes;
  const factories = cadence.pushesPerDay.map(tagFactory);

  // Pushes aligned on the end of the history, so the final state is the same for any horizon.
  const events: PushEvent[] = [];
  cadence.pushesPerDay.forEach((stream, index) => {
    if (stream.perDay <= 0) return;
    const interval = DAY_MS / stream.perDay;
    const count = Math.floor((days * DAY_MS) / interval);
    for (let k = count; k >= 0; k--) {
      events.push({ at: Math.round(end - k * interval), stream: index, sequence: count - k });
    }
  });
  events.sort((a, b) => a.at - b.at || a.stream - b.stream);

  let alive: LifecycleImage[] = [];
  let digestCounter = 0;
  const nextDigest = (): string => `sha256:${(digestCounter++).toString(16).padStart(64, "0")}`;
  const protectedPrefix = cadence.protectedTagPrefix ?? PROTECTED_TAG_PREFIXES[0] ?? "deployed-";
  for (let i = 0; i < Math.floor(cadence.deployedImages ?? 1); i++) {
    const buildTag = factories[0]?.(Number.MAX_SAFE_INTEGER - i);
    const tags = [`${protectedPrefix}env${i}`, ...(buildTag !== undefined ? [buildTag] : [])];
    alive.push({
      digest: nextDigest(),
      tags,
      pushedAt: new Date(HISTORY_START - DAY_MS),
      sizeBytes: uniqueBytes,
    });
  }

  let untaggedDebt = 0;
  let cursor = 0;
  let last = simulateLifecycleRules(rules, alive, new Date(HISTORY_START));
  for (let day = 1; day <= days; day++) {
    const runAt = HISTORY_START + day * DAY_MS;
    for (; cursor < events.length && (events[cursor] as PushEvent).at <= runAt; cursor++) {
      const event = events[cursor] as PushEvent;
      const stream = cadence.pushesPerDay[event.stream] as PushStream;
      const tag = (factories[event.stream] as (n: number) => string)(event.sequence);
      if (stream.moving) {
        alive = alive.map((image) =>
          image.tags.includes(tag) ? { ...image, tags: image.tags.filter((t) => t !== tag) } : image,
        );
      }
      untaggedDebt += cadence.untaggedPerPush ?? 0;
      for (; untaggedDebt >= 1; untaggedDebt--) {
        alive.push({
          digest: nextDigest(),
          tags: [],
          pushedAt: new Date(event.at - 1),
          sizeBytes: uniqueBytes,
        });
      }
      alive.push({ digest: nextDigest(), tags: [tag], pushedAt: new Date(event.at), sizeBytes: uniqueBytes });
    }
    last = simulateLifecycleRules(rules, alive, new Date(runAt));
    const outcomes = last.images;
    alive = alive.flatMap((image, i): LifecycleImage[] => {
      const action = outcomes[i]?.action;
      if (action === "expire") return [];
      if (action === "transition")
        return [{ ...image, storageClass: "archive", archivedAt: new Date(runAt) }];
      return [image];
    });
  }

  // Attribute what survived the last run to the rule that selects it there.
  const survivors = last.images.filter((outcome) => outcome.action !== "expire");
  const byRule = rules
    .map((rule): SteadyStateRuleShare => {
      const share: SteadyStateRuleShare = {
        rulePriority: rule.rulePriority,
        retainedImages: survivors.filter((o) => o.rulePriority === rule.rulePriority).length,
      };
      if (rule.description !== undefined) share.description = rule.description;
      return share;
    })
    .filter((share) => share.retainedImages > 0);
  const retainedImages = alive.length;
  return {
    retainedImages,
    retainedBytes: retainedImages === 0 ? 0 : cadence.imageBytes + (retainedImages - 1) * uniqueBytes,
    archivedImages: alive.filter((image) => image.storageClass === "archive").length,
    byRule,
    unselectedImages: survivors.filter((o) => o.rulePriority === undefined).length,
    simulatedDays: days,
  };
}
