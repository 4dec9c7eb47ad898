import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import {
  chiSquareSurvival,
  logGamma,
  normalTwoSidedP,
  regularizedBeta,
  regularizedGammaQ,
  studentTQuantile,
  studentTTwoSidedP,
  summarise,
  welchTTest,
} from "./stats";

/** R's `sleep` data set: extra hours of sleep under two drugs. */
const SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

const aggregate = (xs: number[]) =>
  summarise(
    xs.length,
    xs.reduce((s, x) => s + x, 0),
    xs.reduce((s, x) => s + x * x, 0),
  );

const fromSd = (count: number, mean: number, sd: number) => ({ count, mean, variance: sd * sd });

function expectRelative(actual: number, expected: number, tolerance = 1e-9) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(1e-300, Math.abs(expected)));
}

describe("summarise", () => {
  it("turns count, sum and sum of squares into mean and sample variance", () => {
    const s = aggregate(SLEEP_1);
    expect(s.count).toBe(10);
    expectRelative(s.mean, 0.75, 1e-14);
    expectRelative(s.variance, 3.2005555555555554, 1e-12);
  });

  it("gives a single observation no spread", () => {
    expect(summarise(1, 4.2, 4.2 * 4.2)).toEqual({ count: 1, mean: 4.2, variance: 0 });
  });

  it("clamps the rounding error of constant samples at zero", () => {
    const x = 0.1 + 0.2;
    expect(summarise(3, 3 * x, 3 * x * x * (1 - 1e-15)).variance).toBe(0);
  });

  it("refuses an empty or fractional count", () => {
    expect(() => summarise(0, 0, 0)).toThrow(DomainError);
    expect(() => summarise(2.5, 1, 1)).toThrow(/at least one observation/);
  });
});

describe("welchTTest", () => {
  it("matches R's t.test(extra ~ group, data = sleep)", () => {
    const r = welchTTest(aggregate(SLEEP_1), aggregate(SLEEP_2));
    expectRelative(r.difference, 0.75 - 2.33, 1e-12);
    expectRelative(r.t, -1.8608134674868526);
    expectRelative(r.df, 17.776473516178488);
    expectRelative(r.p_value, 0.0793941401873583);
    expectRelative(r.ci_low, -3.3654832307117104);
    expectRelative(r.ci_high, 0.20548323071171137);
  });

  it("matches scipy's ttest_ind_from_stats for large arms (a canary's accuracy)", () => {
    const r = welchTTest(fromSd(400, 0.93, 0.05), fromSd(300, 0.91, 0.07));
    expectRelative(r.t, 4.208583742991371);
    expectRelative(r.df, 515.0886166075805);
    expectRelative(r.p_value, 3.0320806034059756e-5, 1e-8);
    expectRelative(r.ci_low, 0.010663936749755909);
    expectRelative(r.ci_high, 0.029336063250244127);
  });

  it("honours the confidence level (99%) with unequal sizes", () => {
    const r = welchTTest(fromSd(50, 120, 30), fromSd(8, 100, 10), 0.99);
    expectRelative(r.t, 3.621429841700741);
    expectRelative(r.df, 32.15111973196967);
    expectRelative(r.p_value, 0.0009963917889475868, 1e-8);
    expectRelative(r.ci_low, 4.880706784051638);
    expectRelative(r.ci_high, 35.11929321594836);
  });

  it("handles a tiny arm whose degrees of freedom are barely above 2", () => {
    const r = welchTTest(fromSd(3, 5, 1), fromSd(1000, 5.1, 2));
    expectRelative(r.df, 2.048287409502729);
    expectRelative(r.p_value, 0.8788143080753552);
    expectRelative(r.ci_low, -2.543382904555523);
    expectRelative(r.ci_high, 2.343382904555524);
  });

  it("is antisymmetric in its arms", () => {
    const a = aggregate(SLEEP_1);
    const b = aggregate(SLEEP_2);
    const ab = welchTTest(a, b);
    const ba = welchTTest(b, a);
    expectRelative(ba.t, -ab.t, 1e-14);
    expectRelative(ba.p_value, ab.p_value, 1e-14);
    expectRelative(ba.ci_low, -ab.ci_high, 1e-12);
    expectRelative(ba.ci_high, -ab.ci_low, 1e-12);
  });

  it("treats two constant arms as a certain difference", () => {
    expect(welchTTest(fromSd(5, 1, 0), fromSd(7, 1, 0))).toMatchObject({ p_value: 1, t: 0, ci_low: 0, ci_high: 0 });
    expect(welchTTest(fromSd(5, 2, 0), fromSd(7, 1, 0))).toMatchObject({ p_value: 0, t: Infinity, difference: 1 });
  });

  it("refuses arms with fewer than two observations or a bad confidence", () => {
    expect(() => welchTTest(fromSd(1, 1, 0), fromSd(5, 1, 1))).toThrow(/two observations/);
    expect(() => welchTTest(fromSd(5, 1, 1), fromSd(5, 1, 1), 1)).toThrow(/confidence/);
    expect(() => welchTTest(fromSd(5, NaN, 1), fromSd(5, 1, 1))).toThrow(/not finite/);
  });
});

describe("special functions", () => {
  it("logGamma agrees with factorials and Γ(1/2) = √π", () => {
    expectRelative(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14);
    expectRelative(logGamma(10), Math.log(362880), 1e-14);
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-14);
    expectRelative(logGamma(100.5), 361.4355404677776, 1e-14);
  });

  it("regularizedBeta matches its closed forms I_x(1, b) = 1 - (1-x)^b and I_x(a, 1) = x^a", () => {
    for (const x of [0.01, 0.3, 0.5, 0.97]) {
      expectRelative(regularizedBeta(x, 1, 3.5), 1 - (1 - x) ** 3.5, 1e-13);
      expectRelative(regularizedBeta(x, 2.5, 1), x ** 2.5, 1e-13);
    }
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
    expectRelative(regularizedBeta(0.3, 2, 5), 0.579825, 1e-13);
  });

  it("regularizedGammaQ matches the Poisson sum for integer shapes", () => {
    const poissonAtMost = (n: number, x: number) => {
      let term = Math.exp(-x);
      let sum = term;
      for (let k = 1; k < n; k++) sum += term *= x / k;
      return sum;
    };
    const cases: [number, number][] = [
      [1, 0.5],
      [3, 2],
      [10, 3],
      [10, 30],
      [40, 38],
    ];
    for (const [a, x] of cases) {
      expectRelative(regularizedGammaQ(a, x), poissonAtMost(a, x), 1e-12);
    }
  });

  it("chiSquareSurvival gives the textbook critical values", () => {
    expectRelative(chiSquareSurvival(3.841458820694124, 1), 0.05, 1e-12);
    expectRelative(chiSquareSurvival(11.070497693516351, 5), 0.05, 1e-12);
    expectRelative(chiSquareSurvival(7, 2), Math.exp(-3.5), 1e-13);
    expectRelative(chiSquareSurvival(10500, 10000), 0.00024794736798936033, 1e-9);
    expect(chiSquareSurvival(0, 3)).toBe(1);
    expect(chiSquareSurvival(Infinity, 3)).toBe(0);
  });

  it("normalTwoSidedP gives 5% at 1.96 and stays precise far in the tail", () => {
    expectRelative(normalTwoSidedP(1.959963984540054), 0.05, 1e-13);
    expectRelative(normalTwoSidedP(-1.959963984540054), 0.05, 1e-13);
    expectRelative(normalTwoSidedP(8), 1.244192114854348e-15, 1e-12);
    expect(normalTwoSidedP(0)).toBe(1);
  });

  it("Student's t matches the Cauchy (df 1) and df 2 closed forms", () => {
    for (const p of [0.6, 0.9, 0.975, 0.999, 0.01]) {
      expectRelative(studentTQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)), 1e-12);
      expectRelative(studentTQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 1e-12);
    }
    expectRelative(studentTTwoSidedP(1, 1), 0.5, 1e-14);
    expect(studentTQuantile(0.5, 7)).toBe(0);
  });

  it("Student's t tends to the normal for large df", () => {
    expectRelative(studentTQuantile(0.025, 1e6), -1.9599663568141072, 1e-10);
    expectRelative(studentTTwoSidedP(2.5, 1e8), 0.01241933224005455, 1e-8);
    expectRelative(studentTTwoSidedP(40, 3), 3.4380680789158506e-5, 1e-12);
  });
});
