import { ruleById, type DockerfileRuleId } from "./rules";
import type { DockerfileFinding } from "./types";

/** A finding for catalog rule `id`: severity and (unless given) the fix come from the catalog. */
export function makeFinding(
  id: DockerfileRuleId,
  line: number,
  message: string,
  details: { stage?: string; estimatedBytesSaved?: number; fix?: string } = {},
): DockerfileFinding {
  const rule = ruleById(id);
  // Messages are sentences: the component logs them as "<message> Fix: <fix>".
  const sentence = /[.!?]$/.test(message) ? message : `${message}.`;
  const finding: DockerfileFinding = {
    id,
    severity: rule.severity,
    line,
    message: sentence,
    fix: details.fix ?? rule.fix,
  };
  if (details.estimatedBytesSaved !== undefined) finding.estimatedBytesSaved = details.estimatedBytesSaved;
  if (details.stage !== undefined) finding.stage = details.stage;
  return finding;
}

/**
 * "11.7 MiB": MiB (2^20 bytes), the unit size budgets are written in (../size/budget.ts prints them so), so
 * a finding's savings compare with the budget as printed (issue 18, item 8). The base-image table stores
 * Docker Hub's figures as bytes (Hub's "MB" read as 10^6 bytes, ./base-images.ts).
 */
export function formatMebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** "a", "a and b", "a, b and c". */
export function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/**
 * The most findings of one rule listed one by one. Past it, the rest of that rule's findings are summed
 * up in one finding (how many, first and last line): a generated Dockerfile with 100,000 `COPY . .`
 * lines gets 21 `copy-whole-context` findings, not 100,000 nobody reads (and building, sorting and
 * logging them cost more than the analysis; issue 12: 100 ms for any input up to 1 MiB).
 */
export const MAX_FINDINGS_PER_RULE = 20;

/** The findings of one rule: the listed ones (sorted by line, then message) and what was left out. */
interface RuleFindings {
  listed: DockerfileFinding[];
  omitted: number;
  firstOmittedLine: number;
  lastOmittedLine: number;
}

const byLineThenMessage = (left: DockerfileFinding, right: DockerfileFinding): number =>
  left.line - right.line || (left.message < right.message ? -1 : left.message > right.message ? 1 : 0);

/**
 * Collects the findings of one analysis, MAX_FINDINGS_PER_RULE per rule: for each rule the first ones
 * in the order the result is sorted in (line, then message), whatever order they arrive in, and one
 * summary finding for the rest. Exact and deterministic: the summary counts every omitted finding.
 */
export class FindingCollector {
  private readonly rules = new Map<DockerfileRuleId, RuleFindings>();

  /**
   * True when a finding of rule `id` on `line` cannot be listed (the rule already lists
   * MAX_FINDINGS_PER_RULE findings on earlier lines): it is counted as omitted, and the caller skips
   * building it. False: build the finding and `add` it.
   */
  omits(id: DockerfileRuleId, line: number): boolean {
    const rule = this.rules.get(id);
    if (rule === undefined || rule.listed.length < MAX_FINDINGS_PER_RULE) return false;
    const lastListed = rule.listed[rule.listed.length - 1] as DockerfileFinding;
    if (line <= lastListed.line) return false;
    this.omit(rule, line);
    return true;
  }

  add(finding: DockerfileFinding): void {
    const id = finding.id as DockerfileRuleId;
    let rule = this.rules.get(id);
    if (rule === undefined) {
      rule = { listed: [], omitted: 0, firstOmittedLine: 0, lastOmittedLine: 0 };
      this.rules.set(id, rule);
    }
    const listed = rule.listed;
    // Insertion from the end: findings of a rule mostly arrive in line order, so this is an append.
    let at = listed.length;
    while (at > 0 && byLineThenMessage(listed[at - 1] as DockerfileFinding, finding) > 0) at -= 1;
    if (at === listed.length) listed.push(finding);
    else listed.splice(at, 0, finding);
    if (listed.length > MAX_FINDINGS_PER_RULE) this.omit(rule, (listed.pop() as DockerfileFinding).line);
  }

  private omit(rule: RuleFindings, line: number): void {
    if (rule.omitted === 0 || line < rule.firstOmittedLine) rule.firstOmittedLine = line;
    if (rule.omitted === 0 || line > rule.lastOmittedLine) rule.lastOmittedLine = line;
    rule.omitted += 1;
  }

  /** The listed findings and one summary per rule with omitted findings, sorted by line, rule, message. */
  sorted(): DockerfileFinding[] {
    const result: DockerfileFinding[] = [];
    for (const [id, rule] of this.rules) {
      for (const finding of rule.listed) result.push(finding);
      if (rule.omitted === 0) continue;
      const { omitted, firstOmittedLine: first, lastOmittedLine: last } = rule;
      const where = first === last ? `on line ${first}` : `on lines ${first} to ${last}`;
      result.push(
        makeFinding(
          id,
          first,
          `${omitted} more ${id} finding${omitted === 1 ? "" : "s"} ${where} ${omitted === 1 ? "is" : "are"} not listed one by one: the analyzer lists at most ${MAX_FINDINGS_PER_RULE} per rule (MAX_FINDINGS_PER_RULE)`,
        ),
      );
    }
    return result.sort(compareFindings);
  }
}

export function compareFindings(left: DockerfileFinding, right: DockerfileFinding): number {
  if (left.line !== right.line) return left.line - right.line;
  if (left.id !== right.id) return left.id < right.id ? -1 : 1;
  return left.message < right.message ? -1 : left.message > right.message ? 1 : 0;
}
