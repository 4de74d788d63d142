/**
 * Checks on a rule's selection: which tags, storage class and count it selects, and the combinations of
 * these ECR accepts. Every error cites the AWS sentence it enforces (sources in ./types.ts).
 */
import { countWildcards } from "./match";
import type { Json, Problems, RulePart } from "./problems";
import { isPositiveInteger, readPart, show } from "./problems";
import type { LifecycleSelection } from "./types";
import {
  COUNT_TYPES,
  DAY_COUNT_TYPES,
  MAX_WILDCARDS_PER_PATTERN,
  STORAGE_CLASSES,
  TAG_STATUSES,
} from "./types";

const SELECTION_KEYS = [
  "tagStatus",
  "tagPatternList",
  "tagPrefixList",
  "storageClass",
  "countType",
  "countUnit",
  "countNumber",
];

const SELECTION_PART: RulePart = {
  name: "selection",
  where: "a selection",
  keys: SELECTION_KEYS,
  fix: 'add "selection": {"tagStatus": ..., "countType": ..., "countNumber": ...}.',
};

function checkTagList(
  problems: Problems,
  value: Json,
  field: "tagPrefixList" | "tagPatternList",
  path: string,
  priority: number | undefined,
): void {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === "string" && v !== "")) {
    problems.error(
      `${path}.${field}`,
      priority,
      `${field} must be a non-empty array of non-empty strings, got ${show(value)}.`,
      `list the tag ${field === "tagPrefixList" ? "prefixes" : "patterns"}, e.g. ["ctx-"${field === "tagPatternList" ? "*" : ""}].`,
    );
    return;
  }
  const list = value as string[];
  if (field === "tagPatternList") {
    list.forEach((pattern, j) => {
      const wildcards = countWildcards(pattern);
      if (wildcards > MAX_WILDCARDS_PER_PATTERN) {
        problems.error(
          `${path}.tagPatternList[${j}]`,
          priority,
          `Pattern "${pattern}" has ${wildcards} wildcards; ECR allows at most ${MAX_WILDCARDS_PER_PATTERN} per pattern.`,
          `use at most ${MAX_WILDCARDS_PER_PATTERN} "*" in each pattern.`,
        );
      }
    });
  }
}

/** Checks one selection; returns it typed when every field is valid. */
export function checkSelection(
  problems: Problems,
  raw: Json,
  path: string,
  priority: number | undefined,
): LifecycleSelection | undefined {
  const before = problems.list.length;
  const value = readPart(problems, raw, SELECTION_PART, path, priority);
  if (!value) return undefined;

  const tagStatus = value.tagStatus;
  if (!TAG_STATUSES.includes(tagStatus as never)) {
    problems.error(
      `${path}.tagStatus`,
      priority,
      `tagStatus must be "tagged", "untagged" or "any", got ${show(tagStatus)}.`,
      'set "tagStatus" to one of "tagged", "untagged", "any".',
    );
  }
  const hasPrefixes = value.tagPrefixList !== undefined;
  const hasPatterns = value.tagPatternList !== undefined;
  if (hasPrefixes) checkTagList(problems, value.tagPrefixList, "tagPrefixList", path, priority);
  if (hasPatterns) checkTagList(problems, value.tagPatternList, "tagPatternList", path, priority);
  if (hasPrefixes && hasPatterns) {
    problems.error(
      `${path}.tagPrefixList`,
      priority,
      "A rule may specify tagPatternList or tagPrefixList, not both.",
      "keep one of the two lists; to select either of two tags, write two rules.",
    );
  }
  if (tagStatus === "tagged" && !hasPrefixes && !hasPatterns) {
    problems.error(
      `${path}.tagStatus`,
      priority,
      'tagStatus "tagged" needs a tagPrefixList or a tagPatternList.',
      'add e.g. "tagPrefixList": ["ctx-"], or use tagStatus "any".',
    );
  }
  if ((tagStatus === "untagged" || tagStatus === "any") && (hasPrefixes || hasPatterns)) {
    const field = hasPrefixes ? "tagPrefixList" : "tagPatternList";
    problems.error(
      `${path}.${field}`,
      priority,
      `tagStatus "${tagStatus}" must not have a ${field}; tag lists are only used with "tagged".`,
      `remove ${field}, or set tagStatus to "tagged".`,
    );
  }

  const storageClass = value.storageClass;
  if (storageClass !== undefined && !STORAGE_CLASSES.includes(storageClass as never)) {
    problems.error(
      `${path}.storageClass`,
      priority,
      `storageClass must be "standard" or "archive", got ${show(storageClass)}.`,
      'use "standard" (the default) or "archive".',
    );
  }
  const countType = value.countType;
  const countTypeValid = COUNT_TYPES.includes(countType as never);
  if (!countTypeValid) {
    problems.error(
      `${path}.countType`,
      priority,
      `countType must be one of ${COUNT_TYPES.map((c) => `"${c}"`).join(", ")}, got ${show(countType)}.`,
      'use "imageCountMoreThan" to keep the newest N images or "sinceImagePushed" to expire by age.',
    );
  }
  const dayBased = DAY_COUNT_TYPES.includes(countType as never);
  if (countTypeValid && dayBased && value.countUnit === undefined) {
    problems.error(
      `${path}.countUnit`,
      priority,
      `countUnit is required when countType is "${String(countType)}".`,
      'add "countUnit": "days".',
    );
  } else if (countTypeValid && !dayBased && value.countUnit !== undefined) {
    problems.error(
      `${path}.countUnit`,
      priority,
      'countUnit is only allowed with the day-based count types; ECR rejects it with "imageCountMoreThan".',
      "remove countUnit.",
    );
  } else if (value.countUnit !== undefined && value.countUnit !== "days") {
    problems.error(
      `${path}.countUnit`,
      priority,
      `countUnit must be "days", got ${show(value.countUnit)}.`,
      'use "countUnit": "days".',
    );
  }
  const countNumber = value.countNumber;
  if (!isPositiveInteger(countNumber)) {
    problems.error(
      `${path}.countNumber`,
      priority,
      `countNumber must be a positive integer (0 is not accepted), got ${show(countNumber)}.`,
      `set countNumber to a whole number of ${dayBased ? "days" : "images"} >= 1.`,
    );
  }
  if (countType === "sinceImageTransitioned" && storageClass !== "archive") {
    problems.error(
      `${path}.storageClass`,
      priority,
      'countType "sinceImageTransitioned" selects archived images and requires "storageClass": "archive".',
      'add "storageClass": "archive".',
    );
  } else if (countTypeValid && countType !== "sinceImageTransitioned" && storageClass === "archive") {
    problems.error(
      `${path}.storageClass`,
      priority,
      `storageClass "archive" is only supported with countType "sinceImageTransitioned", not "${String(countType)}".`,
      'remove storageClass (standard is the default), or use countType "sinceImageTransitioned".',
    );
  }
  if (problems.list.length !== before) return undefined;
  return value as unknown as LifecycleSelection;
}
