import assert from "node:assert/strict";
import { FALLBACK_PRICING_REGION } from "../../components/cost/pipeline-cost";
import { regionFromProvider } from "../../components/settings/cost";

describe("the region priced when costRegion is unset (settings/cost.ts)", () => {
  it("regionFromProvider: region, then v6's name, then the fallback pricing region with a note", () => {
    assert.equal(FALLBACK_PRICING_REGION, "us-east-1");
    assert.deepEqual(regionFromProvider({ region: "eu-west-1", name: "eu-west-2" }), { region: "eu-west-1" });
    assert.deepEqual(regionFromProvider({ name: "eu-west-2" }), { region: "eu-west-2" });
    const fallback = {
      region: "us-east-1",
      note: "aws.getRegion reported no region: pricing us-east-1. Set costRegion to price the repository's region.",
    };
    assert.deepEqual(regionFromProvider({ region: "" }), fallback);
    assert.deepEqual(regionFromProvider(undefined), fallback);
  });
});
