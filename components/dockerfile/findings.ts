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

/** "12.3 MB" with Docker Hub's unit (10^6 bytes), as the base-image table uses it. */
export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** "a", "a and b", "a, b and c". */
export function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}
