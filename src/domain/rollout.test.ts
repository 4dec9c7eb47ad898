import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import { checkSteps, nextStep, startingPlan } from "./rollout";

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return "none";
};

describe("startingPlan", () => {
  it("starts at the weight, or at the first planned step", () => {
    expect(startingPlan(500, undefined)).toEqual({ weightBp: 500, stepsBp: [] });
    expect(startingPlan(undefined, [500, 5000, 10000])).toEqual({ weightBp: 500, stepsBp: [500, 5000, 10000] });
    expect(startingPlan(0, undefined).weightBp).toBe(0);
  });

  it("needs exactly one of weight and steps", () => {
    expect(codeOf(() => startingPlan(undefined, undefined))).toBe("BAD_REQUEST");
    expect(codeOf(() => startingPlan(500, [500]))).toBe("BAD_REQUEST");
  });
});

describe("checkSteps", () => {
  it.each([[[]], [[0, 50]], [[50, 50]], [[50, 5]], [[5, 10001]], [Array.from({ length: 21 }, (_, i) => i + 1)]])(
    "refuses %j",
    (steps) => expect(codeOf(() => checkSteps(steps))).toBe("BAD_REQUEST"),
  );
  it("accepts rising steps up to 100%", () => expect(codeOf(() => checkSteps([1, 500, 5000, 10000]))).toBe("none"));
});

describe("nextStep", () => {
  const steps = [500, 5000, 10000];
  it("goes to the first step above the current weight", () => {
    expect(nextStep(steps, 500)).toBe(5000);
    expect(nextStep(steps, 1200)).toBe(5000);
    expect(nextStep(steps, 0)).toBe(500);
    expect(nextStep(steps, 5000)).toBe(10000);
  });
  it("refuses past the last step, or without a plan", () => {
    expect(codeOf(() => nextStep(steps, 10000))).toBe("CONFLICT");
    expect(codeOf(() => nextStep([], 100))).toBe("CONFLICT");
  });
});
