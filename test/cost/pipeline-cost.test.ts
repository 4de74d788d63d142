import assert from "node:assert/strict";
import { costFor } from "../../components/cost/pipeline-cost";
import { defaultUsageProfile } from "../../components/cost/usage";
import { buildLifecyclePreset, renderLifecyclePolicy } from "../../components/lifecycle";

describe("costFor", () => {
  const input = {
    size: { bytes: 50 * 1024 ** 2, basis: "estimate" as const, note: "local build" },
    policy: renderLifecyclePolicy(buildLifecyclePreset("dev")),
    usage: { ...defaultUsageProfile(), pushesPerDay: 10, pullsPerMonthViaNat: 100 },
    scanningMode: "basic" as const,
  };

  it("prices a provider region without a rate card with us-east-1 rates and says so, never failing", () => {
    const fallback = costFor({ ...input, region: "af-south-1" });
    const usEast = costFor({ ...input, region: "us-east-1" });
    assert.equal(fallback.estimate.assumptions.region, "us-east-1");
    assert.equal(fallback.estimate.totalUsd, usEast.estimate.totalUsd);
    assert.equal(
      fallback.report.split("\n")[0],
      "ECR monthly cost estimate: af-south-1, priced with us-east-1 rates (no rate card for af-south-1 in ecrPricing; see docs/PRICING.md)",
    );
    assert.equal(usEast.report.split("\n")[0], "ECR monthly cost estimate: us-east-1");
  });
});
