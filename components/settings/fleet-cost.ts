/**
 * EcrFleetCost's args: declared and documented (the README's table is generated from this interface), then
 * resolved by one function, `resolveFleetCostSettings`. Each member is checked field by field, now when it is
 * plain and when it resolves when it is an Output (another stack's `fleetMember`), with the error naming
 * `members["<name>"]` and the field: ../fleet/outputs.ts `fleetMemberFromOutput` does the checking.
 */
import type * as pulumi from "@pulumi/pulumi";
import { InvalidArgumentError, InvalidInputError } from "../common/errors";
import { checkedInput } from "../common/outputs";
import { describeValue } from "../cost/validate";
import {
  fleetMemberFromOutput,
  type FleetMemberOutput,
  type FleetRepository,
  type RegistrySetting,
} from "../fleet";
import { unknownArgProblems } from "./arg-names";
import { booleanArg, throwFirstProblem } from "./args";

/** Several pipelines' repositories and estimates, added up to one bill per account and region. */
export interface EcrFleetCostArgs {
  /**
   * The pipelines to add up, keyed by the name the bill gives each (e.g. `"orders (prod)"`): each
   * EcrImagePipeline's `fleetMember` output, of this program or of another stack
   * (`stackRef.getOutput("fleetMember")`).
   */
  members: Record<string, pulumi.Input<FleetMemberOutput>>;
  /**
   * Registries whose `BLOB_MOUNTING` account setting is known (EcrRegistryDefaults' `registrySetting`
   * output); a registry not listed counts as disabled, ECR's default.
   * @default []
   */
  registries?: pulumi.Input<RegistrySetting>[];
  /**
   * Repositories pull-through cache rules created, with their blobs (`pullThroughCache: true`): counted
   * once per registry instead of each pipeline's attributed `pull-through cache storage` line.
   * @default []
   */
  pullThroughCacheRepositories?: FleetRepository[];
  /** Subtract the account's 100 GB a month of free internet egress once, from the fleet's total. @default false */
  applyFreeTier?: boolean;
}

export interface FleetCostSettings {
  /** Member names, in the order given. */
  names: string[];
  /** Each member, checked (an Output: when it resolves). */
  members: pulumi.Input<FleetMemberOutput>[];
  registries: pulumi.Input<RegistrySetting>[];
  pullThroughCacheRepositories: FleetRepository[];
  applyFreeTier: boolean;
}

/** A member output checked under `members["<name>"]`, as an InvalidArgumentError naming `caller`. */
function checkMember(caller: string, name: string, output: unknown): void {
  try {
    fleetMemberFromOutput(name, output);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    const field = error.key.startsWith(`${name}.`) ? error.key.slice(name.length + 1) : "";
    const argument = `members[${JSON.stringify(name)}]${field === "" ? "" : `.${field}`}`;
    const problem = error.message.startsWith(`${name}: `)
      ? error.message.slice(name.length + 2)
      : error.message;
    throw new InvalidArgumentError(
      caller,
      argument,
      problem.replace(/\.$/, ""),
      "Pass an EcrImagePipeline's fleetMember output as it is.",
    );
  }
}

/**
 * Resolves EcrFleetCost's args. Errors (InvalidArgumentError naming `caller`): no members; a member that is
 * not a fleet member output (an Output: when it resolves); registries that are not a list; a non-boolean
 * `applyFreeTier`. The bill's own checks (a repeated repository, an estimate of another region) run when
 * the members are known.
 */
export function resolveFleetCostSettings(args: EcrFleetCostArgs, caller: string): FleetCostSettings {
  throwFirstProblem(caller, unknownArgProblems("EcrFleetCost", args));
  const members = args.members as unknown;
  if (
    typeof members !== "object" ||
    members === null ||
    Array.isArray(members) ||
    Object.keys(members).length === 0
  ) {
    throw new InvalidArgumentError(
      caller,
      "members",
      `got ${describeValue(members)}`,
      'Pass the pipelines\' fleetMember outputs keyed by name, e.g. { "orders (prod)": orders.fleetMember }.',
    );
  }
  const names = Object.keys(members);
  const checked = names.map(
    (name) =>
      checkedInput((members as Record<string, unknown>)[name], (output) =>
        checkMember(caller, name, output),
      ) as pulumi.Input<FleetMemberOutput>,
  );
  if (args.registries !== undefined && !Array.isArray(args.registries)) {
    throw new InvalidArgumentError(
      caller,
      "registries",
      `got ${describeValue(args.registries)}`,
      "Pass a list of EcrRegistryDefaults' registrySetting outputs (or { registryId, region, blobMounting }).",
    );
  }
  if (args.pullThroughCacheRepositories !== undefined && !Array.isArray(args.pullThroughCacheRepositories)) {
    throw new InvalidArgumentError(
      caller,
      "pullThroughCacheRepositories",
      `got ${describeValue(args.pullThroughCacheRepositories)}`,
      "Pass a list of repositories, each with pullThroughCache: true.",
    );
  }
  return {
    names,
    members: checked,
    registries: args.registries ?? [],
    pullThroughCacheRepositories: args.pullThroughCacheRepositories ?? [],
    applyFreeTier: booleanArg(caller, "applyFreeTier", args.applyFreeTier, false),
  };
}
