import { describe, expect, it } from "vitest";
import { parseWeights } from "./forms";

describe("rollout weights typed into the start form", () => {
  it("reads one percent as the starting weight and several as the planned steps", () => {
    expect(parseWeights("5")).toEqual({ weight: 5 });
    expect(parseWeights("0.5%")).toEqual({ weight: 0.5 });
    expect(parseWeights("5, 25 50;100")).toEqual({ steps: [5, 25, 50, 100] });
  });

  it("refuses what is not a percent", () => {
    expect(() => parseWeights("five")).toThrow(/not a percent/);
    expect(() => parseWeights("150")).toThrow(/0 to 100/);
    expect(() => parseWeights("1.234")).toThrow(/two decimals/);
  });
});
