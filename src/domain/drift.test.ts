import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import {
  detectDrift,
  kolmogorovSurvival,
  ksTest,
  populationStabilityIndex,
  wassersteinDistance,
  type FeatureDrift,
} from "./drift";

/** Deterministic uniform [0, 1) generator (mulberry32), so samples are the same in every run and in scipy checks. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Box–Muller normals; the expected values below were computed by scipy 1.17 on exactly these samples. */
function normals(seed: number, n: number, mean = 0, sd = 1): number[] {
  const random = mulberry32(seed);
  const out: number[] = [];
  while (out.length < n) {
    const u = 1 - random();
    const v = random();
    out.push(mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
  return out;
}

const sorted = (xs: number[]) => Float64Array.from(xs).sort();
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const repeat = <T>(value: T, times: number): T[] => Array.from({ length: times }, () => value);

function expectRelative(actual: number | null, expected: number, tolerance = 1e-9) {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

const one = (reference: number[] | string[], current: number[] | string[], threshold?: number): FeatureDrift =>
  detectDrift({ x: reference }, { x: current }, { stattest_threshold: threshold }).features.x!;

describe("ksTest", () => {
  it("gives scipy's exact p for fully separated samples: 2 / C(n+m, n)", () => {
    expect(ksTest(sorted(range(1, 5)), sorted(range(6, 10)))).toEqual({ statistic: 1, p_value: 2 / 252 });
    expectRelative(ksTest(sorted(range(1, 3)), sorted(range(4, 7))).p_value, 2 / 35, 1e-14);
  });

  it("keeps tiny exact p-values precise", () => {
    const r = ksTest(sorted(range(1, 50)), sorted(range(51, 100)));
    expectRelative(r.p_value, 2 / 1.0089134454556419e29, 1e-12);
  });

  it("finds no difference between equal samples", () => {
    expect(ksTest(sorted([3, 1, 2]), sorted([1, 2, 3]))).toEqual({ statistic: 0, p_value: 1 });
    expect(ksTest(sorted([1]), sorted([2]))).toEqual({ statistic: 1, p_value: 1 });
  });

  it("matches scipy.stats.ks_2samp(method='exact')", () => {
    const small = ksTest(sorted(normals(1, 40)), sorted(normals(2, 55, 0.5)));
    expectRelative(small.statistic, 0.2431818181818182, 1e-15);
    expectRelative(small.p_value, 0.1072393983632806);
    const unequal = ksTest(sorted(normals(5, 1000)), sorted(normals(6, 3000, 0.05, 1.1)));
    expectRelative(unequal.statistic, 0.04633333333333333, 1e-15);
    expectRelative(unequal.p_value, 0.07865112790393206);
    const shifted = ksTest(sorted(normals(21, 2000)), sorted(normals(22, 1500, 0.3)));
    expectRelative(shifted.p_value, 3.925822879507272e-15, 1e-7);
  });

  it("handles ties like scipy", () => {
    const a = normals(11, 300).map((x) => Math.round(x * 3));
    const b = normals(12, 250, 0.3).map((x) => Math.round(x * 3));
    const r = ksTest(sorted(a), sorted(b));
    expectRelative(r.statistic, 0.10466666666666667, 1e-15);
    expectRelative(r.p_value, 0.09365045151289006);
  });

  it("is symmetric in its samples", () => {
    const a = sorted(normals(31, 70));
    const b = sorted(normals(32, 45, 0.2));
    const ab = ksTest(a, b);
    const ba = ksTest(b, a);
    expect(ba.statistic).toBe(ab.statistic);
    expectRelative(ba.p_value, ab.p_value, 1e-13);
  });

  it("uses Kolmogorov's limit for samples beyond 10000 (scipy.stats.kstwobign)", () => {
    const r = ksTest(sorted(normals(9, 20000)), sorted(normals(10, 15000, 0.01)));
    expectRelative(r.statistic, 0.014266666666666667, 1e-13);
    expectRelative(r.p_value, 0.061047666063239955, 1e-12);
  });
});

describe("kolmogorovSurvival", () => {
  it("matches scipy.stats.kstwobign.sf on both sides of its series switch", () => {
    expectRelative(kolmogorovSurvival(0.5), 0.9639452436648751, 1e-13);
    expectRelative(kolmogorovSurvival(0.9999), 0.2701068819688554, 1e-13);
    expectRelative(kolmogorovSurvival(1), 0.26999967167735456, 1e-13);
    expectRelative(kolmogorovSurvival(1.0001), 0.2698924922564844, 1e-13);
    expectRelative(kolmogorovSurvival(1.36), 0.049485876755377876, 1e-13);
    expectRelative(kolmogorovSurvival(3), 3.045995948942526e-8, 1e-12);
    expect(kolmogorovSurvival(0)).toBe(1);
    expect(kolmogorovSurvival(0.05)).toBe(1);
  });
});

describe("wassersteinDistance", () => {
  it("is the mean shift between samples of one shape", () => {
    expect(wassersteinDistance(sorted([0, 1, 3]), sorted([5, 6, 8]))).toBe(5);
    expect(wassersteinDistance(sorted([1, 2, 3]), sorted([1, 2, 3]))).toBe(0);
  });

  it("integrates |F_a - F_b| for samples of different sizes", () => {
    // F_a - F_b is 1/3 - 1/2 on [1, 2) and 2/3 - 1 on [2, 3): 1/6 + 1/3.
    expect(wassersteinDistance(sorted([1, 2, 3]), sorted([1, 1, 2, 2]))).toBeCloseTo(0.5, 15);
  });

  it("matches scipy.stats.wasserstein_distance", () => {
    expectRelative(wassersteinDistance(sorted(normals(1, 40)), sorted(normals(2, 55, 0.5))), 0.545078392481047, 1e-13);
    expectRelative(
      wassersteinDistance(sorted(normals(21, 2000)), sorted(normals(22, 1500, 0.3))),
      0.3253702551164703,
      1e-12,
    );
  });
});

describe("populationStabilityIndex", () => {
  it("puts a current sample that fell into one decile at Σ (c - r)·ln(c/r) with 0.0001 for empty bins", () => {
    const expected = 0.9 * Math.log(10) + 9 * (0.0001 - 0.1) * Math.log(0.0001 / 0.1);
    expectRelative(populationStabilityIndex(sorted(range(1, 100)), sorted(repeat(5, 100))), expected, 1e-14);
  });

  it("is zero for the same distribution", () => {
    expect(populationStabilityIndex(sorted(range(1, 100)), sorted(range(1, 100)))).toBe(0);
  });

  it("merges tied deciles instead of making empty bins", () => {
    // Deciles of 90 zeros and 10 ones are all 0 except the last: two bins, (-∞, 0] and (0, ∞).
    const reference = sorted([...repeat(0, 90), ...repeat(1, 10)]);
    const current = sorted([...repeat(0, 80), ...repeat(1, 20)]);
    const expected = (0.8 - 0.9) * Math.log(0.8 / 0.9) + (0.2 - 0.1) * Math.log(0.2 / 0.1);
    expectRelative(populationStabilityIndex(reference, current), expected, 1e-14);
  });

  it("matches the same binning done with numpy", () => {
    expectRelative(
      populationStabilityIndex(sorted(normals(1, 40)), sorted(normals(2, 55, 0.5))),
      1.061682224768186,
      1e-12,
    );
    expectRelative(
      populationStabilityIndex(sorted(normals(5, 1000)), sorted(normals(6, 3000, 0.05, 1.1))),
      0.037211447767831245,
      1e-11,
    );
  });
});

describe("detectDrift", () => {
  it("judges a small numerical feature by KS and reports every numeric measure", () => {
    expect(one(normals(1, 40), normals(2, 55, 0.5))).toEqual({
      kind: "numerical",
      test: "ks",
      statistic: expect.closeTo(0.2431818181818182, 14),
      p_value: expect.closeTo(0.1072393983632806, 12),
      ks_statistic: expect.closeTo(0.2431818181818182, 14),
      ks_p_value: expect.closeTo(0.1072393983632806, 12),
      wasserstein: expect.closeTo(0.545078392481047, 12),
      wasserstein_norm: expect.closeTo(0.5573549912623855, 12),
      psi: expect.closeTo(1.061682224768186, 12),
      drift: false,
    });
  });

  it("drifts by KS when p ≤ 0.05, or under a looser stattest_threshold", () => {
    expect(one(range(1, 5).concat(range(1, 5)), range(6, 15))).toMatchObject({ test: "ks", drift: true });
    expect(one(normals(1, 40), normals(2, 55, 0.5), 0.2)).toMatchObject({ test: "ks", drift: true });
  });

  it("uses KS up to 1000 reference rows and normalised Wasserstein beyond", () => {
    expect(one(normals(5, 1000), normals(6, 3000, 0.05, 1.1))).toMatchObject({
      test: "ks",
      p_value: expect.closeTo(0.07865112790393206, 12),
      wasserstein_norm: expect.closeTo(0.1274315066221736, 12),
      drift: false,
    });
    expect(one(normals(5, 1001), normals(6, 3000, 0.05, 1.1))).toMatchObject({ test: "wasserstein", p_value: null });
  });

  it("drifts by Wasserstein when the distance reaches 0.1 reference standard deviations", () => {
    const reference = normals(21, 2000);
    const shifted = one(reference, normals(22, 1500, 0.3));
    expect(shifted).toMatchObject({ kind: "numerical", test: "wasserstein", p_value: null, drift: true });
    expectRelative(shifted.statistic, 0.32471023904159024, 1e-12);
    expectRelative(shifted.wasserstein, 0.3253702551164703, 1e-12);
    expectRelative(shifted.psi, 0.11735512557833622, 1e-12);
    expectRelative(shifted.ks_p_value, 3.925822879507272e-15, 1e-7);
    const steady = one(reference, normals(23, 1500, 0.02));
    expect(steady).toMatchObject({ test: "wasserstein", drift: false });
    expectRelative(steady.statistic, 0.09058684462793455, 1e-12);
    expectRelative(steady.ks_p_value, 0.07417616310603091, 1e-12);
  });

  it("floors the normalising deviation at 0.001 for a constant reference", () => {
    const result = one(repeat(5, 1001), [5, 5, 5, 5.001, 5.002, 5.003, 5.004, 5.005, 5.006, 5.007]);
    expect(result.test).toBe("wasserstein");
    expectRelative(result.wasserstein_norm, result.wasserstein! / 0.001, 1e-14);
    expect(result.drift).toBe(true);
  });

  it("treats numbers with at most five distinct values as categories, still reporting KS, Wasserstein and PSI", () => {
    const five = one([1, 2, 3, 4, 5, 1, 2], [1, 2, 3, 4, 5, 5]);
    expect(five).toMatchObject({ kind: "categorical", test: "chisquare" });
    expect(five.ks_statistic).not.toBeNull();
    expect(five.wasserstein).not.toBeNull();
    expect(five.psi).not.toBeNull();
    expect(one([1, 2, 3, 4, 5, 1, 2], [1, 2, 3, 4, 6, 5])).toMatchObject({ kind: "numerical", test: "ks" });
  });

  it("runs chi-square on more than two categories: current counts against reference proportions", () => {
    // expected 50, 30, 20 against observed 30, 30, 40: (20²/50 + 0 + 20²/20) = 28 on 2 df, p = e^-14.
    const reference = [...repeat("sunny", 50), ...repeat("rain", 30), ...repeat("snow", 20)];
    const current = [...repeat("sunny", 30), ...repeat("rain", 30), ...repeat("snow", 40)];
    const result = one(reference, current);
    expect(result).toMatchObject({
      kind: "categorical",
      test: "chisquare",
      drift: true,
      ks_statistic: null,
      psi: null,
    });
    expectRelative(result.statistic, 28, 1e-14);
    expectRelative(result.p_value, Math.exp(-14), 1e-12);
  });

  it("scales expected counts when the samples differ in size", () => {
    const reference = [...repeat("a", 20), ...repeat("b", 20), ...repeat("c", 20)];
    const current = [...repeat("a", 100), ...repeat("b", 100), ...repeat("c", 100)];
    expect(one(reference, current)).toMatchObject({ statistic: 0, p_value: 1, drift: false });
  });

  it("calls a category the reference never saw certain drift", () => {
    const result = one(["a", "b", "c", "a"], ["a", "b", "d", "c"]);
    expect(result).toMatchObject({ test: "chisquare", statistic: Infinity, p_value: 0, drift: true });
  });

  it("runs the two-proportion z-test on two categories", () => {
    // "no" share 0.40 → 0.55, pooled 0.475: z = 0.15 / √(0.475·0.525·(1/100 + 1/100)).
    const reference = [...repeat("yes", 60), ...repeat("no", 40)];
    const current = [...repeat("yes", 45), ...repeat("no", 55)];
    const result = one(reference, current);
    expect(result).toMatchObject({ kind: "categorical", test: "z", drift: true });
    expectRelative(result.statistic, 2.123976976214366, 1e-13);
    expectRelative(result.p_value, 0.033672068856345834, 1e-12);
  });

  it("finds no drift in a single shared category", () => {
    expect(one(["x", "x"], ["x"])).toMatchObject({ test: "z", statistic: 0, p_value: 1, drift: false });
    expect(one([0, 0, 0], [0])).toMatchObject({ test: "z", p_value: 1, drift: false, ks_statistic: 0 });
  });

  it("calls the data set drifted when at least drift_share of its features drift", () => {
    const steady = normals(41, 200);
    const moved = normals(42, 200, 3);
    const reference = { a: steady, b: steady, c: steady, d: steady };
    const half = detectDrift(reference, { a: moved, b: moved, c: steady, d: steady });
    expect(half.drift_share).toBe(0.5);
    expect(half.dataset_drift).toBe(true);
    const quarter = detectDrift(reference, { a: moved, b: steady, c: steady, d: steady });
    expect(quarter).toMatchObject({ drift_share: 0.25, dataset_drift: false });
    expect(
      detectDrift(reference, { a: moved, b: steady, c: steady, d: steady }, { drift_share: 0.25 }).dataset_drift,
    ).toBe(true);
    expect(Object.keys(half.features)).toEqual(["a", "b", "c", "d"]);
  });

  it("names the features found on one side only", () => {
    const call = () => detectDrift({ a: [1], b: [2] }, { a: [1], c: [3] });
    expect(call).toThrow(DomainError);
    expect(call).toThrow(
      "features differ between reference and current: b (missing from current), c (not in the reference)",
    );
    try {
      call();
    } catch (e) {
      expect((e as DomainError).code).toBe("BAD_REQUEST");
      expect((e as DomainError).details).toEqual({ missing_from_current: ["b"], missing_from_reference: ["c"] });
    }
  });

  it("refuses empty, mixed or non-finite samples and bad options", () => {
    expect(() => detectDrift({ a: [] }, { a: [1] })).toThrow("feature a has no reference values");
    expect(() => detectDrift({ a: [1] }, { a: [] })).toThrow("feature a has no current values");
    expect(() => detectDrift({ a: [1, 2] }, { a: ["1", "2"] })).toThrow(/numbers on one side and strings on the other/);
    expect(() => detectDrift({ a: [1, "2"] as unknown as number[] }, { a: [1] })).toThrow(
      /only finite numbers or only strings/,
    );
    expect(() => detectDrift({ a: [1, NaN] }, { a: [1] })).toThrow(DomainError);
    expect(() => detectDrift({ a: [1, Infinity] }, { a: [1] })).toThrow(DomainError);
    expect(() => detectDrift({}, {})).toThrow("no features to compare");
    expect(() => detectDrift({ a: [1] }, { a: [1] }, { drift_share: 0 })).toThrow(/drift_share/);
    expect(() => detectDrift({ a: [1] }, { a: [1] }, { stattest_threshold: -1 })).toThrow(/stattest_threshold/);
  });

  it("handles a 1000-row reference against 10000 current rows on many features", () => {
    const reference: Record<string, number[]> = {};
    const current: Record<string, number[]> = {};
    for (let f = 0; f < 8; f++) {
      reference[`f${f}`] = normals(500 + f, 1000);
      current[`f${f}`] = normals(300 + f, 10000, f < 4 ? 0 : 0.5);
    }
    const report = detectDrift(reference, current);
    expect(Object.values(report.features).map((r) => r.drift)).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
      true,
      true,
    ]);
    expect(report).toMatchObject({ drift_share: 0.5, dataset_drift: true });
    // scipy.stats.ks_2samp on the same samples, exact far into the tail
    expectRelative(report.features.f1!.p_value!, 0.7197207748163018, 1e-12);
    expectRelative(report.features.f4!.p_value!, 6.019222617438182e-28, 1e-10);
  });
});
