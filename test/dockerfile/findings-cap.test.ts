import assert from "node:assert/strict";
import { analyzeDockerfile, type DockerfileFinding } from "../../components/dockerfile";
import { MAX_FINDINGS_PER_RULE } from "../../components/dockerfile/findings";

/**
 * At most MAX_FINDINGS_PER_RULE (20) findings per rule are listed one by one; the rest of a rule's
 * findings are summed up in one more finding of that rule (count, first and last line). The listed ones
 * are the first in the result's order (line, then message), whatever order the rules produce them in.
 */
const summary = (findings: readonly DockerfileFinding[], id: string): DockerfileFinding[] =>
  findings.filter((finding) => finding.id === id && /not listed one by one/.test(finding.message));

describe("analyzeDockerfile: at most 20 findings per rule, the rest summed up", () => {
  it("lists 20 findings per rule and counts the other 80 in one summary finding", () => {
    // Lines 2..101: 100 RUNs with apt-get update, each a finding of apt-lists-not-removed.
    const text = `FROM a:1\n${"RUN apt-get update\n".repeat(100)}USER app\nHEALTHCHECK CMD true\n`;
    const findings = analyzeDockerfile(text, { dockerignore: null });
    const lists = findings.filter((finding) => finding.id === "apt-lists-not-removed");
    assert.equal(MAX_FINDINGS_PER_RULE, 20);
    assert.equal(lists.length, 21);
    assert.deepEqual(
      lists.slice(0, 20).map((finding) => finding.line),
      Array.from({ length: 20 }, (_, index) => index + 2),
    );
    assert.deepEqual(summary(findings, "apt-lists-not-removed"), [
      {
        id: "apt-lists-not-removed",
        severity: "warning",
        line: 22,
        message:
          "80 more apt-lists-not-removed findings on lines 22 to 101 are not listed one by one: the analyzer lists at most 20 per rule (MAX_FINDINGS_PER_RULE).",
        fix: "End the RUN with `&& rm -rf /var/lib/apt/lists/*`, or use --mount=type=cache,target=/var/lib/apt (and /var/cache/apt).",
      },
    ]);
    // The result stays sorted by line, then rule id: the summary sits among the findings of line 22.
    const keys = findings.map((finding) => [finding.line, finding.id] as const);
    const sorted = [...keys].sort(
      (left, right) => left[0] - right[0] || (left[1] < right[1] ? -1 : left[1] > right[1] ? 1 : 0),
    );
    assert.deepEqual(keys, sorted);
  });

  it("lists 20 exactly without a summary, and says 'finding … is' for one more", () => {
    const twenty = analyzeDockerfile(`FROM a:1\n${"COPY . .\n".repeat(20)}`, { dockerignore: null });
    assert.equal(twenty.filter((finding) => finding.id === "copy-whole-context").length, 20);
    assert.deepEqual(summary(twenty, "copy-whole-context"), []);
    const more = analyzeDockerfile(`FROM a:1\n${"COPY . .\n".repeat(21)}`, { dockerignore: null });
    assert.deepEqual(
      summary(more, "copy-whole-context").map((finding) => finding.message),
      [
        "1 more copy-whole-context finding on line 22 is not listed one by one: the analyzer lists at most 20 per rule (MAX_FINDINGS_PER_RULE).",
      ],
    );
  });

  it("keeps the first 20 in line-then-message order when one line has several findings of a rule", () => {
    // Line 2 has 25 secrets in one ENV; the rule produces them in word order (Z first), the result
    // lists the first 20 by message and counts 5.
    const names = Array.from({ length: 25 }, (_, index) => `${String.fromCharCode(90 - index)}_TOKEN`);
    const text = `FROM a:1\nENV ${names.map((name) => `${name}=x`).join(" ")}\n`;
    const findings = analyzeDockerfile(text, { dockerignore: null });
    const secrets = findings.filter(
      (finding) => finding.id === "secret-in-build-arg-or-env" && !/not listed/.test(finding.message),
    );
    assert.deepEqual(
      secrets.map((finding) => finding.message.slice(4, 11)),
      [...names].sort().slice(0, 20),
    );
    assert.deepEqual(
      summary(findings, "secret-in-build-arg-or-env").map((finding) => finding.message),
      [
        "5 more secret-in-build-arg-or-env findings on line 2 are not listed one by one: the analyzer lists at most 20 per rule (MAX_FINDINGS_PER_RULE).",
      ],
    );
  });

  it("lists at most 20 RUN lines in one consecutive-run finding and counts the rest", () => {
    const findings = analyzeDockerfile(`FROM a:1\n${"RUN a\n".repeat(30)}`, { dockerignore: null });
    const consecutive = findings.filter((finding) => finding.id === "consecutive-run");
    assert.deepEqual(
      consecutive.map((finding) => finding.message),
      [
        `RUNs on lines ${Array.from({ length: 20 }, (_, index) => index + 2).join(", ")} and 10 more up to line 31 are consecutive and could be one layer.`,
      ],
    );
  });

  it("answers 14,999 RUN apt-get update with 21 findings of that rule, not 14,999", () => {
    const text = `FROM a:1\n${"RUN apt-get update\n".repeat(14_999)}`;
    const findings = analyzeDockerfile(text, { dockerignore: null });
    assert.equal(findings.filter((finding) => finding.id === "apt-lists-not-removed").length, 21);
    assert.equal(
      summary(findings, "apt-lists-not-removed")[0]?.message,
      "14979 more apt-lists-not-removed findings on lines 22 to 15000 are not listed one by one: the analyzer lists at most 20 per rule (MAX_FINDINGS_PER_RULE).",
    );
  });
});
