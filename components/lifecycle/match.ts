/**
 * Tag matching exactly as ECR documents it
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html, "Lifecycle policy
 * evaluation rules"): an image is matched "if all of the tags in the tagPatternList or tagPrefixList
 * value are matched against any of the image's tags"; `prod*` matches `prod`, `prod1` and
 * `production-team1`, so `*` matches any run of characters, including none.
 */
import type { LifecycleSelection, LifecycleStorageClass } from "./types";

/**
 * `*` matches any run of characters, including none; nothing else is special. Matched by literal
 * segments, not by a regular expression: `^.*a.*a.*a.*a.*b$` backtracks, and took 39 s on a 300-character
 * tag (ECR allows 300: imageTag "Maximum length of 300",
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageIdentifier.html; and four
 * wildcards per pattern). Leftmost placement of each middle segment is enough:
 * a later placement never leaves more room for the segments after it.
 */
export function tagMatchesPattern(tag: string, pattern: string): boolean {
  const parts = pattern.split("*");
  if (parts.length === 1) return tag === pattern;
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (tag.length < first.length + last.length || !tag.startsWith(first) || !tag.endsWith(last)) return false;
  let from = first.length;
  const end = tag.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const at = tag.indexOf(middle, from);
    if (at < 0 || at + middle.length > end) return false;
    from = at + middle.length;
  }
  return true;
}

export function tagMatchesFilter(tag: string, filter: string, kind: "prefix" | "pattern"): boolean {
  return kind === "prefix" ? tag.startsWith(filter) : tagMatchesPattern(tag, filter);
}

export interface TagFilter {
  kind: "prefix" | "pattern";
  filters: readonly string[];
}

export function tagFilterOf(
  selection: Pick<LifecycleSelection, "tagPrefixList" | "tagPatternList">,
): TagFilter {
  if (selection.tagPatternList !== undefined) return { kind: "pattern", filters: selection.tagPatternList };
  return { kind: "prefix", filters: selection.tagPrefixList ?? [] };
}

/** Does the rule's tag selection (tag status + lists) select an image carrying `tags`? */
export function selectionMatchesTags(
  selection: Pick<LifecycleSelection, "tagStatus" | "tagPrefixList" | "tagPatternList">,
  tags: readonly string[],
): boolean {
  if (selection.tagStatus === "any") return true;
  if (selection.tagStatus === "untagged") return tags.length === 0;
  if (tags.length === 0) return false;
  const { kind, filters } = tagFilterOf(selection);
  if (filters.length === 0) return false;
  return filters.every((filter) => tags.some((tag) => tagMatchesFilter(tag, filter, kind)));
}

/**
 * selectionMatchesTags for one selection, prepared once: the filter list and its patterns are read
 * and compiled before the loop over images (the simulation runs it on up to 100,000 images per rule).
 */
export function tagMatcher(
  selection: Pick<LifecycleSelection, "tagStatus" | "tagPrefixList" | "tagPatternList">,
): (tags: readonly string[]) => boolean {
  if (selection.tagStatus === "any") return () => true;
  if (selection.tagStatus === "untagged") return (tags) => tags.length === 0;
  const { kind, filters } = tagFilterOf(selection);
  if (filters.length === 0) return () => false;
  const tests: ((tag: string) => boolean)[] = filters.map((filter) => {
    if (kind === "prefix") return (tag) => tag.startsWith(filter);
    return (tag) => tagMatchesPattern(tag, filter);
  });
  return (tags) => {
    if (tags.length === 0) return false;
    for (const test of tests) {
      if (!tags.some(test)) return false;
    }
    return true;
  };
}

/** ECR reads an omitted storageClass as `standard`. */
export function selectedStorageClass(
  selection: Pick<LifecycleSelection, "storageClass">,
): LifecycleStorageClass {
  return selection.storageClass ?? "standard";
}

/**
 * True when the selection matches EVERY image that carries some tag starting with `prefix`, whatever
 * its other tags: that is what shields such images from every lower-precedence rule.
 * A prefix filter must itself be a prefix of `prefix`; a pattern must end in `*` and match `prefix`
 * (the trailing `*` then absorbs any suffix).
 */
export function selectionCoversTagPrefix(
  selection: Pick<LifecycleSelection, "tagStatus" | "tagPrefixList" | "tagPatternList">,
  prefix: string,
): boolean {
  if (selection.tagStatus === "any") return true;
  if (selection.tagStatus !== "tagged") return false;
  const { kind, filters } = tagFilterOf(selection);
  if (filters.length === 0) return false;
  return filters.every((filter) =>
    kind === "prefix" ? prefix.startsWith(filter) : filter.endsWith("*") && tagMatchesPattern(prefix, filter),
  );
}

export function countWildcards(pattern: string): number {
  return pattern.split("*").length - 1;
}
