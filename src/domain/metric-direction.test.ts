import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { directionByName, directionOf, significantlyWorse } from "./metric-direction";

describe("directionByName", () => {
  it.each([
    ["latency_ms", "lower"],
    ["p99LatencyMs", "lower"],
    ["error_rate", "lower"],
    ["errors", "lower"],
    ["val_loss", "lower"],
    ["rmse", "lower"],
    ["response_time", "lower"],
    ["accuracy", "higher"],
    ["auc", "higher"],
    ["uptime", "higher"],
    ["f1", "higher"],
    ["conversion_rate", "higher"],
  ])("%s is %s-is-better", (metric, direction) => {
    expect(directionByName(metric)).toBe(direction);
  });
});

describe("directionOf", () => {
  it("prefers the policy's override, then the judged rule, then the name", () => {
    expect(directionOf("latency_ms", { latency_ms: "higher" }, null)).toEqual({ direction: "higher", source: "policy" });
    expect(directionOf("score", undefined, { metric: "score", direction: "lower" })).toEqual({ direction: "lower", source: "judged" });
    expect(directionOf("score", undefined, { metric: "other", direction: "lower" })).toEqual({ direction: "higher", source: "name" });
  });
});

describe("significantlyWorse", () => {
  it("flags exactly the intervals entirely on the bad side of zero", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.double({ noNaN: true, min: 0, max: 1e6 }), (low, width) => {
        const ci = { ci_low: low, ci_high: low + width };
        expect(significantlyWorse("lower", ci)).toBe(ci.ci_low > 0);
        expect(significantlyWorse("higher", ci)).toBe(ci.ci_high < 0);
        // One interval is never significantly worse both ways.
        expect(significantlyWorse("lower", ci) && significantlyWorse("higher", ci)).toBe(false);
      }),
    );
    expect(significantlyWorse("lower", null)).toBe(false);
  });
});
