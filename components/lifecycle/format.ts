import type { LifecyclePolicyProblem } from "./types";

/**
 * One line per problem: severity, rule priority and path, then the problem and its fix. The
 * repository component throws this text at preview when there are errors and logs the warnings.
 */
export function formatLifecycleProblems(problems: readonly LifecyclePolicyProblem[]): string {
  return problems
    .map((problem) => {
      const where = problem.path === "" ? "policy" : problem.path;
      const rule = problem.rulePriority === undefined ? "" : `rule ${problem.rulePriority} `;
      return `${problem.severity}: lifecycle ${rule}at ${where}: ${problem.message}`;
    })
    .join("\n");
}
