/**
 * A fleet member from another stack's outputs (issue 20, item 2: "from their stack outputs, several
 * stacks"). A StackReference hands over plain JSON; this checks it field by field before the fleet view
 * prices it, and every error names the stack output and the field (`orders-prod.repository.blobs[3].bytes`),
 * never a TypeError from deep inside. Pure: the caller resolves the outputs.
 */
import { InvalidInputError } from "../common/errors";
import { formatCostReport } from "../cost/report";
import { describeValue } from "../cost/validate";
import type { CostEstimate } from "../cost/types";
import type { FleetMember } from "./bill";
import { fleetStorage, type FleetRepository } from "./storage";

/**
 * The fleet member `name` from a stack output `{ repository, estimate }` (what a pipeline's `fleetMember`
 * output holds): throws an InvalidInputError whose key starts with `name`.
 */
export function fleetMemberFromOutput(name: string, output: unknown): FleetMember {
  const at = (key: string) => `${name}.${key}`;
  if (typeof output !== "object" || output === null) {
    throw new InvalidInputError(
      name,
      `${name} must be a fleet member output { repository, estimate }, got ${describeValue(output)}`,
    );
  }
  const { repository, estimate } = output as { repository?: unknown; estimate?: unknown };
  try {
    // The storage model checks every repository field and blob; it names them repositories[0].…
    fleetStorage({ repositories: [repository as FleetRepository] });
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    const key = error.key.replace(/^repositories\[0\]/, "repository");
    throw new InvalidInputError(
      at(key),
      `${name}: ${error.message.replace(/repositories\[0\]/g, "repository")}`,
    );
  }
  try {
    // The report's checks cover every number and text the bill reads from an estimate.
    formatCostReport(estimate as CostEstimate);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    throw new InvalidInputError(at(error.key), `${name}: ${error.message}`);
  }
  return { name, repository: repository as FleetRepository, estimate: estimate as CostEstimate };
}
