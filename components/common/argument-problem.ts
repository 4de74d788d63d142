/**
 * A problem with one argument, as a plain value: what the pure checks of components/settings and
 * components/build return instead of throwing, so the resolver that calls them decides the component
 * name, whether the problem stops the program (an error before `super()`, or inside the apply that
 * resolves an Output) or is only logged (a warning), and which error class carries it.
 *
 * `formatArgumentProblem` writes the one line the resolver's error class prints (the same text as
 * `InvalidArgumentError`: `<component>: invalid argument "<argument>": <problem>. <fix>`), so the
 * tests of each check can pin the exact message a user reads.
 */

export interface ArgumentProblem {
  /** The argument as the user wrote it on the component they called, e.g. `pullPrincipalArns[1]`. */
  argument: string;
  /** What is wrong, naming the value (no trailing period). */
  problem: string;
  /** How to fix it: one or more sentences, ending with a period. */
  fix: string;
}

/** `<component>: invalid argument "<argument>": <problem>. <fix>` (InvalidArgumentError's text). */
export function formatArgumentProblem(component: string, problem: ArgumentProblem): string {
  return `${component}: invalid argument "${problem.argument}": ${problem.problem}. ${problem.fix}`;
}
