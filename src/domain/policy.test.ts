import { describe, expect, it } from "vitest";
import {
  DEFAULT_POLICY,
  PolicySchema,
  evaluateAutoRollback,
  evaluatePromotion,
  type AutoRollbackRule,
  type Policy,
  type PromotionInput,
} from "./policy";

const policy = (raw: unknown): Policy => PolicySchema.parse(raw);

const promotion = (overrides: Partial<PromotionInput> = {}): PromotionInput => ({
  target: "Production",
  policy: DEFAULT_POLICY,
  candidate: { number: 8, metrics: { accuracy: 0.93, latency_ms: 41 }, wasInStaging: true },
  champion: { number: 7, metrics: { accuracy: 0.92, latency_ms: 45 } },
  ...overrides,
});

describe("PolicySchema", () => {
  it("defaults to staging first, no pipeline requirement, force allowed and no floors", () => {
    expect(DEFAULT_POLICY).toEqual({ require_staging: true, require_pipeline: false, forbid_force: false, floors: {} });
  });

  it("takes forbid_force as a boolean", () => {
    expect(policy({ forbid_force: true }).forbid_force).toBe(true);
    expect(PolicySchema.safeParse({ forbid_force: "yes" }).success).toBe(false);
  });

  it("fills defaults inside the optional parts", () => {
    const parsed = policy({
      compare: { metric: "accuracy", direction: "higher" },
      drift: {},
    });
    expect(parsed.compare).toEqual({ metric: "accuracy", direction: "higher", tolerance: 0 });
    expect(parsed.drift).toEqual({ drift_share: 0.5 });
  });

  it("accepts a complete policy as written in DESIGN §4", () => {
    const full = {
      require_staging: false,
      require_pipeline: true,
      forbid_force: true,
      floors: { accuracy: 0.9, auc: 0.8 },
      compare: { metric: "accuracy", direction: "higher", tolerance: 0.005 },
      auto_rollback: {
        metric: "latency_ms",
        direction: "lower",
        floor: 250,
        max_drop: 30,
        min_samples: 200,
        window_s: 300,
      },
      drift: { stattest_threshold: 0.01, drift_share: 0.3 },
    };
    expect(policy(full)).toEqual(full);
  });

  it("rejects unknown keys at every level", () => {
    expect(PolicySchema.safeParse({ require_stagin: true }).success).toBe(false);
    expect(PolicySchema.safeParse({ compare: { metric: "a", direction: "higher", tolerence: 1 } }).success).toBe(false);
    expect(PolicySchema.safeParse({ drift: { drift_share: 0.5, features: [] } }).success).toBe(false);
  });

  it("rejects out-of-range values", () => {
    const bad = [
      { floors: { accuracy: "high" } },
      { floors: { "": 1 } },
      { compare: { metric: "a", direction: "up" } },
      { compare: { metric: "a", direction: "higher", tolerance: -0.1 } },
      { auto_rollback: { metric: "a", direction: "higher", floor: 1, min_samples: 0, window_s: 60 } },
      { auto_rollback: { metric: "a", direction: "higher", floor: 1, min_samples: 10, window_s: 1.5 } },
      { auto_rollback: { metric: "a", direction: "higher", max_drop: -1, min_samples: 10, window_s: 60 } },
      { drift: { drift_share: 0 } },
      { drift: { drift_share: 1.5 } },
      { drift: { stattest_threshold: 0 } },
      { require_staging: "yes" },
    ];
    for (const raw of bad) expect(PolicySchema.safeParse(raw).success, JSON.stringify(raw)).toBe(false);
  });

  it("requires auto_rollback to set max_drop or floor", () => {
    const result = PolicySchema.safeParse({
      auto_rollback: { metric: "a", direction: "higher", min_samples: 10, window_s: 60 },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("auto_rollback needs max_drop or floor");
  });
});

describe("evaluatePromotion", () => {
  it("passes the default policy for a staged candidate, with one check", () => {
    expect(evaluatePromotion(promotion())).toEqual({
      passed: true,
      checks: [{ name: "staged_first", passed: true, detail: "version 8 has been in Staging" }],
    });
  });

  it("refuses Production for a version that skipped Staging", () => {
    const result = evaluatePromotion(promotion({ candidate: { number: 8, metrics: {}, wasInStaging: false } }));
    expect(result.passed).toBe(false);
    expect(result.checks).toEqual([
      { name: "staged_first", passed: false, detail: "version 8 must be in Staging before Production" },
    ]);
  });

  it("skips the staged-first check when the policy does not require it", () => {
    const result = evaluatePromotion(
      promotion({
        policy: policy({ require_staging: false }),
        candidate: { number: 8, metrics: {}, wasInStaging: false },
      }),
    );
    expect(result).toEqual({ passed: true, checks: [] });
  });

  it("checks each floor, failing a missing metric", () => {
    const result = evaluatePromotion(
      promotion({ policy: policy({ floors: { accuracy: 0.9, auc: 0.8, latency_ms: 50 } }) }),
    );
    expect(result.passed).toBe(false);
    expect(result.checks.slice(1)).toEqual([
      { name: "floor:accuracy", passed: true, value: 0.93, threshold: 0.9, detail: "accuracy 0.93 ≥ floor 0.9" },
      { name: "floor:auc", passed: false, value: null, threshold: 0.8, detail: "auc is not recorded" },
      { name: "floor:latency_ms", passed: false, value: 41, threshold: 50, detail: "latency_ms 41 < floor 50" },
    ]);
  });

  it("passes a metric exactly at its floor", () => {
    const result = evaluatePromotion(promotion({ policy: policy({ floors: { accuracy: 0.93 } }) }));
    expect(result.passed).toBe(true);
  });

  it("lets a challenger that is better or equal through, for either direction", () => {
    const higher = evaluatePromotion(
      promotion({ policy: policy({ compare: { metric: "accuracy", direction: "higher" } }) }),
    );
    expect(higher.passed).toBe(true);
    expect(higher.checks[1]).toMatchObject({ name: "compare:accuracy", passed: true, value: 0.93, threshold: 0.92 });
    const lower = evaluatePromotion(
      promotion({ policy: policy({ compare: { metric: "latency_ms", direction: "lower" } }) }),
    );
    expect(lower.checks[1]).toMatchObject({ name: "compare:latency_ms", passed: true, value: 41, threshold: 45 });
  });

  it("refuses a challenger worse than the champion beyond the tolerance", () => {
    const worse = promotion({
      candidate: { number: 8, metrics: { accuracy: 0.9, latency_ms: 60 }, wasInStaging: true },
      policy: policy({ compare: { metric: "accuracy", direction: "higher", tolerance: 0.01 } }),
    });
    const result = evaluatePromotion(worse);
    expect(result.passed).toBe(false);
    expect(result.checks[1]).toEqual({
      name: "compare:accuracy",
      passed: false,
      value: 0.9,
      threshold: 0.91,
      detail: "accuracy 0.9 vs 0.92 of version 7 (higher is better, tolerance 0.01): worse by 0.02",
    });
    const slower = evaluatePromotion({
      ...worse,
      policy: policy({ compare: { metric: "latency_ms", direction: "lower", tolerance: 10 } }),
    });
    expect(slower.checks[1]).toMatchObject({ passed: false, value: 60, threshold: 55 });
  });

  it("accepts a challenger worse by exactly the tolerance despite decimal rounding", () => {
    const result = evaluatePromotion(
      promotion({
        candidate: { number: 8, metrics: { accuracy: 0.92 }, wasInStaging: true },
        champion: { number: 7, metrics: { accuracy: 0.93 } },
        policy: policy({ compare: { metric: "accuracy", direction: "higher", tolerance: 0.01 } }),
      }),
    );
    expect(result.passed).toBe(true);
    expect(result.checks[1]?.detail).toMatch(/worse by 0\.01$/);
  });

  it("passes the comparison when there is no champion or it lacks the metric", () => {
    const compare = policy({ compare: { metric: "accuracy", direction: "higher" } });
    expect(evaluatePromotion(promotion({ policy: compare, champion: null })).checks[1]).toEqual({
      name: "compare:accuracy",
      passed: true,
      value: 0.93,
      threshold: null,
      detail: "no current version to compare with",
    });
    const old = evaluatePromotion(promotion({ policy: compare, champion: { number: 2, metrics: {} } }));
    expect(old.checks[1]).toMatchObject({ passed: true, detail: "version 2 has no accuracy to compare with" });
  });

  it("fails the comparison when the candidate lacks the metric", () => {
    const result = evaluatePromotion(
      promotion({
        policy: policy({ compare: { metric: "f1", direction: "higher" } }),
        champion: { number: 7, metrics: { f1: 0.5 } },
      }),
    );
    expect(result.passed).toBe(false);
    expect(result.checks[1]).toEqual({ name: "compare:f1", passed: false, value: null, detail: "f1 is not recorded" });
  });

  it("checks only the floors on the way to Staging", () => {
    const strict = policy({
      floors: { accuracy: 0.95 },
      compare: { metric: "accuracy", direction: "higher" },
    });
    const result = evaluatePromotion(
      promotion({
        target: "Staging",
        policy: strict,
        candidate: { number: 8, metrics: { accuracy: 0.5 }, wasInStaging: false },
      }),
    );
    expect(result.checks.map((c) => c.name)).toEqual(["floor:accuracy"]);
    expect(result.passed).toBe(false);
  });

  it("orders the checks staged_first, floors, compare and passes only when all pass", () => {
    const result = evaluatePromotion(
      promotion({
        policy: policy({ floors: { accuracy: 0.9 }, compare: { metric: "accuracy", direction: "higher" } }),
      }),
    );
    expect(result.checks.map((c) => c.name)).toEqual(["staged_first", "floor:accuracy", "compare:accuracy"]);
    expect(result.passed).toBe(true);
  });
});

describe("evaluateAutoRollback", () => {
  const rule = (r: Partial<AutoRollbackRule>): AutoRollbackRule => ({
    metric: "accuracy",
    direction: "higher",
    min_samples: 100,
    window_s: 300,
    ...r,
  });

  it("waits for min_samples before judging", () => {
    const verdict = evaluateAutoRollback(rule({ floor: 0.9 }), { current: { count: 99, mean: 0.1 } });
    expect(verdict.trip).toBe(false);
    expect(verdict.reason).toBe("99 of 100 samples so far");
  });

  it("trips when a higher-is-better mean falls below the floor", () => {
    const verdict = evaluateAutoRollback(rule({ floor: 0.9 }), { current: { count: 100, mean: 0.85 } });
    expect(verdict).toEqual({
      trip: true,
      reason: "accuracy mean 0.85 is below the floor 0.9 over 100 samples",
      evidence: {
        metric: "accuracy",
        direction: "higher",
        min_samples: 100,
        floor: 0.9,
        max_drop: null,
        current: { count: 100, mean: 0.85 },
        baseline: null,
        drop: null,
      },
    });
    expect(evaluateAutoRollback(rule({ floor: 0.9 }), { current: { count: 100, mean: 0.9 } }).trip).toBe(false);
  });

  it("trips when a lower-is-better mean rises above the floor", () => {
    const latency = rule({ metric: "latency_ms", direction: "lower", floor: 250 });
    expect(evaluateAutoRollback(latency, { current: { count: 500, mean: 251 } })).toMatchObject({
      trip: true,
      reason: "latency_ms mean 251 is above the floor 250 over 500 samples",
    });
    expect(evaluateAutoRollback(latency, { current: { count: 500, mean: 249 } }).trip).toBe(false);
  });

  it("trips when the mean degrades from the baseline by more than max_drop", () => {
    const verdict = evaluateAutoRollback(rule({ max_drop: 0.02 }), {
      baseline: { count: 5000, mean: 0.93 },
      current: { count: 300, mean: 0.9 },
    });
    expect(verdict.trip).toBe(true);
    expect(verdict.reason).toBe("accuracy mean 0.9 is worse than the baseline 0.93 by 0.03 (max_drop 0.02)");
    expect(verdict.evidence.drop).toBeCloseTo(0.03, 12);
  });

  it("does not trip on a drop of exactly max_drop, nor on an improvement", () => {
    const r = rule({ max_drop: 0.01 });
    expect(
      evaluateAutoRollback(r, { baseline: { count: 500, mean: 0.93 }, current: { count: 300, mean: 0.92 } }).trip,
    ).toBe(false);
    const better = evaluateAutoRollback(r, {
      baseline: { count: 500, mean: 0.9 },
      current: { count: 300, mean: 0.99 },
    });
    expect(better.trip).toBe(false);
    expect(better.evidence.drop).toBeCloseTo(-0.09, 12);
  });

  it("measures a lower-is-better drop as a rise", () => {
    const r = rule({ metric: "latency_ms", direction: "lower", max_drop: 20 });
    const verdict = evaluateAutoRollback(r, {
      baseline: { count: 900, mean: 100 },
      current: { count: 100, mean: 125 },
    });
    expect(verdict).toMatchObject({
      trip: true,
      reason: "latency_ms mean 125 is worse than the baseline 100 by 25 (max_drop 20)",
    });
    expect(
      evaluateAutoRollback(r, { baseline: { count: 900, mean: 100 }, current: { count: 100, mean: 80 } }).trip,
    ).toBe(false);
  });

  it("ignores max_drop without a baseline or with a thin one", () => {
    const r = rule({ max_drop: 0.01 });
    const none = evaluateAutoRollback(r, { current: { count: 300, mean: 0.1 } });
    expect(none).toMatchObject({
      trip: false,
      reason: "accuracy within limits over 300 samples; no baseline with enough samples to compare with",
    });
    const thin = evaluateAutoRollback(r, { baseline: { count: 10, mean: 0.99 }, current: { count: 300, mean: 0.1 } });
    expect(thin.trip).toBe(false);
    expect(thin.evidence).toMatchObject({ baseline: { count: 10, mean: 0.99 }, drop: null });
  });

  it("names both reasons when floor and max_drop trip together", () => {
    const verdict = evaluateAutoRollback(rule({ floor: 0.8, max_drop: 0.05 }), {
      baseline: { count: 1000, mean: 0.9 },
      current: { count: 1000, mean: 0.7 },
    });
    expect(verdict.trip).toBe(true);
    expect(verdict.reason.split("; ")).toHaveLength(2);
  });

  it("says within limits when nothing trips", () => {
    const verdict = evaluateAutoRollback(rule({ floor: 0.8, max_drop: 0.05 }), {
      baseline: { count: 1000, mean: 0.9 },
      current: { count: 1000, mean: 0.88 },
    });
    expect(verdict).toMatchObject({ trip: false, reason: "accuracy within limits over 1000 samples" });
  });
});
