import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { closestNames, didYouMean, editDistance } from "./suggest";

describe("did you mean", () => {
  it("finds the stage, ref or model a person meant", () => {
    expect(closestNames("Prodution", ["Production", "Staging", "latest"])).toEqual(["Production"]);
    expect(closestNames("stagign", ["Production", "Staging", "latest"])).toEqual(["Staging"]);
    expect(closestNames("champio", ["champion", "challenger", "Production"])).toEqual(["champion"]);
    expect(closestNames("fraud-detectr", ["fraud-detector", "fraud-detector-v2", "churn"])).toEqual(["fraud-detector"]);
    expect(closestNames("xyz", ["Production", "Staging"])).toEqual([]);
  });

  it("words the suggestion for a message", () => {
    expect(didYouMean([])).toBe("");
    expect(didYouMean(["a"])).toBe(" Did you mean 'a'?");
    expect(didYouMean(["a", "b", "c"])).toBe(" Did you mean 'a', 'b' or 'c'?");
  });

  it("bounds the distance: it is symmetric, zero only for equal strings, and capped at max + 1", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), fc.integer({ min: 0, max: 5 }), (a, b, max) => {
        const d = editDistance(a, b, max);
        expect(d).toBe(editDistance(b, a, max));
        expect(d).toBeLessThanOrEqual(max + 1);
        if (a === b) expect(d).toBe(0);
        else expect(d).toBeGreaterThan(0);
      }),
    );
  });
});
