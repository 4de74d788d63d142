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
  return tagMatchesPatternParts(tag, pattern.split("*"));
}

/**
 * tagMatchesPattern with the pattern already split at `*` (`parts.length >= 1`): the simulation splits
 * each pattern once per rule, not once per image, and walks the middle segments by index (no slice).
 */
export function tagMatchesPatternParts(tag: string, parts: readonly string[]): boolean {
  if (parts.length === 1) return tag === parts[0];
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (tag.length < first.length + last.length || !tag.startsWith(first) || !tag.endsWith(last)) return false;
  let from = first.length;
  const end = tag.length - last.length;
  for (let m = 1; m < parts.length - 1; m += 1) {
    const middle = parts[m] as string;
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
 * A selection's tag filter read once, for selectionMatchesTags on many images (the simulation runs it
 * on up to 100,000 images per rule): plain data, patterns split at `*` up front, matched by
 * compiledSelectionMatches with loops, so no closure or array is made per image.
 */
export interface CompiledTagSelection {
  /** "none": tagged with an empty filter list, which selects nothing. */
  status: "any" | "untagged" | "tagged" | "none";
  kind: "prefix" | "pattern";
  filters: readonly string[];
  /** filters split at `*`, for kind "pattern". */
  patternParts: readonly (readonly string[])[];
}

export function compileTagSelection(
  selection: Pick<LifecycleSelection, "tagStatus" | "tagPrefixList" | "tagPatternList">,
): CompiledTagSelection {
  const { kind, filters } = tagFilterOf(selection);
  const status =
    selection.tagStatus === "any" || selection.tagStatus === "untagged"
      ? selection.tagStatus
      : filters.length === 0
        ? "none"
        : "tagged";
  return {
    status,
    kind,
    filters,
    patternParts: kind === "pattern" ? filters.map((filter) => filter.split("*")) : [],
  };
}

/** selectionMatchesTags(selection, tags) for the compiled selection. */
export function compiledSelectionMatches(selection: CompiledTagSelection, tags: readonly string[]): boolean {
  switch (selection.status) {
    case "any":
      return true;
    case "untagged":
      return tags.length === 0;
    case "none":
      return false;
  }
  if (tags.length === 0) return false;
  const { filters, patternParts } = selection;
  const prefix = selection.kind === "prefix";
  // Every filter must match some tag (the entries of one list are ANDed).
  for (let f = 0; f < filters.length; f += 1) {
    const filter = filters[f] as string;
    let found = false;
    for (let t = 0; t < tags.length && !found; t += 1) {
      const tag = tags[t] as string;
      found = prefix ? tag.startsWith(filter) : tagMatchesPatternParts(tag, patternParts[f] as string[]);
    }
    if (!found) return false;
  }
  return true;
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
