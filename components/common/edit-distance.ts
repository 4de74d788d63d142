/**
 * Levenshtein distance, for "did you mean …" in the errors for a misspelt arg name
 * (settings/arg-names.ts) and a misspelt stack config key (stacks/profile.ts). Names are short; a string
 * over 100 characters is simply as far as its length.
 */
export function editDistance(a: string, b: string): number {
  if (a.length > 100 || b.length > 100) return Math.max(a.length, b.length);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}
