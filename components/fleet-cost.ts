import * as pulumi from "@pulumi/pulumi";
import { InvalidArgumentError, InvalidInputError } from "./common/errors";
import { fleetBills, fleetMemberFromOutput, formatFleetReport, type FleetBill } from "./fleet";
import { resolveFleetCostSettings, type EcrFleetCostArgs } from "./settings/fleet-cost";

/**
 * The fleet view (issue 20, item 2): several pipelines, of this program or (from their `fleetMember` stack
 * outputs) of several stacks, added up to one bill per account and region: shared layers counted once where
 * blob mounting applies (same registry, same encryption, not from a pull-through cache), per repository where
 * it does not, each storage group saying which and why; internet egress tiered over the fleet's month. Each
 * pipeline's own `costReport` stays as it is. Registers no resources. Its args and how they resolve:
 * ./settings/fleet-cost.ts; the bill: ./fleet/bill.ts.
 */
export class EcrFleetCost extends pulumi.ComponentResource {
  /** One bill per account and region, in the order the members first name them. */
  public readonly bills: pulumi.Output<FleetBill[]>;
  /** Every bill as a readable table with its storage accounting, shares, notes and warnings. */
  public readonly costReport: pulumi.Output<string>;
  /** Sum of the bills' monthly totals, USD. */
  public readonly totalUsd: pulumi.Output<number>;

  constructor(name: string, args: EcrFleetCostArgs, opts?: pulumi.ComponentResourceOptions) {
    const settings = resolveFleetCostSettings(args, "EcrFleetCost");
    super("ecr-pipeline:index:EcrFleetCost", name, {}, opts);

    this.bills = pulumi
      .all([pulumi.all(settings.members), pulumi.all(settings.registries)])
      .apply(([members, registries]) => {
        let bills: FleetBill[];
        try {
          bills = fleetBills({
            members: members.map((member, index) =>
              fleetMemberFromOutput(settings.names[index] as string, member),
            ),
            registries,
            pullThroughCacheRepositories: settings.pullThroughCacheRepositories,
            applyFreeTier: settings.applyFreeTier,
          });
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error;
          // fleetBills names members by index: the user named them by key.
          const named = (text: string) =>
            text.replace(/members\[(\d+)\]/g, (match, index: string) => {
              const member = settings.names[Number(index)];
              return member === undefined ? match : `members[${JSON.stringify(member)}]`;
            });
          throw new InvalidArgumentError(
            "EcrFleetCost",
            named(error.key),
            named(error.message).replace(/\.$/, ""),
            "Pass each pipeline's fleetMember output once, under its own name.",
          );
        }
        // Blob mounting that cannot apply (a different KMS key or encryption type), named by member.
        for (const bill of bills) for (const warning of bill.warnings) pulumi.log.warn(warning.message, this);
        return bills;
      });
    this.costReport = this.bills.apply((bills) => bills.map(formatFleetReport).join("\n\n"));
    this.totalUsd = this.bills.apply((bills) => bills.reduce((total, bill) => total + bill.totalUsd, 0));

    this.registerOutputs({ bills: this.bills, costReport: this.costReport, totalUsd: this.totalUsd });
  }
}
