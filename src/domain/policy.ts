/**
 * A model's policy (DESIGN §4 "policy", §7) and the gates it sets: the promotion checks on a stage transition and the
 * auto-rollback rule on live observations. Absent parts check nothing; there is no default comparison metric.
 */
import { z } from "zod";

const MetricName = z.string().min(1).max(128);
const DirectionSchema = z.enum(["higher", "lower"]);

/** Which way a metric improves: accuracy is "higher", latency or error rate "lower". */
export type Direction = z.infer<typeof DirectionSchema>;

export const CompareRuleSchema = z.strictObject({
  metric: MetricName,
  direction: DirectionSchema,
  /** how much worse than the champion (in the metric's own units) a challenger may be */
  tolerance: z.number().min(0).default(0),
});

/** 31 days: a look-back longer than the registry keeps meaningful windows, and far inside the Date range. */
export const MAX_WINDOW_S = 31 * 24 * 3600;
/** Floors are checked one by one on every promotion; a model has at most 1000 metrics. */
export const MAX_FLOORS = 1000;
/** A safe integer: the count of observations a rule waits for. */
export const MAX_MIN_SAMPLES = 1e12;

/** `window_s` tells the caller which observations to aggregate; the rule itself judges the aggregates. */
export const AutoRollbackRuleSchema = z
  .strictObject({
    metric: MetricName,
    direction: DirectionSchema,
    /** the largest tolerated degradation of the mean versus the baseline, in the metric's units */
    max_drop: z.number().min(0).optional(),
    /** the worst tolerated mean: a minimum for "higher" metrics, a maximum for "lower" ones */
    floor: z.number().optional(),
    min_samples: z.number().int().min(1).max(MAX_MIN_SAMPLES),
    window_s: z.number().int().min(1).max(MAX_WINDOW_S),
  })
  .refine((rule) => rule.max_drop !== undefined || rule.floor !== undefined, {
    message: "auto_rollback needs max_drop or floor",
  });

export const DriftRuleSchema = z.strictObject({
  /** overrides each test's own threshold: a p-value for KS, chi-square and z; a distance for Wasserstein */
  stattest_threshold: z.number().positive().optional(),
  /** the share of drifted features at which the data set counts as drifted */
  drift_share: z.number().gt(0).max(1).default(0.5),
});

export const PolicySchema = z.strictObject({
  require_staging: z.boolean().default(true),
  /** when true, stage refs move only through POST …/stage and rollouts: a direct PUT of Production or Staging is refused */
  require_pipeline: z.boolean().default(false),
  /** when true, nobody (not even an admin) may force a stage move past a failed check or onto an archived version */
  forbid_force: z.boolean().default(false),
  /** minimum values of the candidate's metrics */
  floors: z
    .record(MetricName, z.number())
    .refine((f) => Object.keys(f).length <= MAX_FLOORS, `at most ${MAX_FLOORS} floors`)
    .meta({ maxProperties: MAX_FLOORS })
    .default({}),
  compare: CompareRuleSchema.optional(),
  auto_rollback: AutoRollbackRuleSchema.optional(),
  drift: DriftRuleSchema.optional(),
  /** which way each named metric improves, for the per-metric differences between a rollout's arms (else named by rule) */
  metric_directions: z.record(MetricName, DirectionSchema).optional(),
});

export type Policy = z.infer<typeof PolicySchema>;
export type CompareRule = z.infer<typeof CompareRuleSchema>;
export type AutoRollbackRule = z.infer<typeof AutoRollbackRuleSchema>;
export type DriftRule = z.infer<typeof DriftRuleSchema>;

export const DEFAULT_POLICY: Policy = PolicySchema.parse({});

/**
 * A policy as stored: one written before `window_s` and `min_samples` had bounds is read with them clamped, so
 * it keeps working (it once made every observation batch answer 500) instead of failing to parse.
 */
export function storedPolicy(raw: unknown): Policy {
  const rule = (raw as { auto_rollback?: Record<string, unknown> } | null)?.auto_rollback;
  if (!rule || typeof rule !== "object") return PolicySchema.parse(raw);
  const clamp = (v: unknown, max: number) => (typeof v === "number" && v > max ? max : v);
  const clamped = { ...rule, window_s: clamp(rule.window_s, MAX_WINDOW_S), min_samples: clamp(rule.min_samples, MAX_MIN_SAMPLES) };
  return PolicySchema.parse({ ...(raw as object), auto_rollback: clamped });
}

export type Check = {
  name: string;
  passed: boolean;
  value?: number | null;
  threshold?: number | null;
  detail: string;
};

export type GateResult = { passed: boolean; checks: Check[] };

export type PromotionInput = {
  target: "Production" | "Staging";
  policy: Policy;
  candidate: { number: number; metrics: Record<string, number>; wasInStaging: boolean };
  /** the version the target ref points to now, if any */
  champion: { number: number; metrics: Record<string, number> } | null;
};

/**
 * The gate on a stage transition. Moving to Staging checks the floors only: Staging is where a candidate is tried,
 * so the staged-first rule and the comparison with the champion guard the door to Production. `require_pipeline`
 * decides which doors are gated, not what a gate checks, so it is the caller's concern.
 */
export function evaluatePromotion(input: PromotionInput): GateResult {
  const { target, policy, candidate, champion } = input;
  const checks: Check[] = [];
  if (target === "Production" && policy.require_staging) checks.push(stagedFirst(candidate));
  for (const [metric, floor] of Object.entries(policy.floors))
    checks.push(floorCheck(metric, floor, candidate.metrics[metric]));
  if (target === "Production" && policy.compare) checks.push(compareCheck(policy.compare, candidate.metrics, champion));
  return { passed: checks.every((c) => c.passed), checks };
}

function stagedFirst(candidate: PromotionInput["candidate"]): Check {
  return {
    name: "staged_first",
    passed: candidate.wasInStaging,
    detail: candidate.wasInStaging
      ? `version ${candidate.number} has been in Staging`
      : `version ${candidate.number} must be in Staging before Production`,
  };
}

function floorCheck(metric: string, floor: number, value: number | undefined): Check {
  const name = `floor:${metric}`;
  if (!isMetricValue(value))
    return { name, passed: false, value: null, threshold: floor, detail: `${metric} is not recorded` };
  const passed = value >= floor;
  return { name, passed, value, threshold: floor, detail: `${metric} ${value} ${passed ? "≥" : "<"} floor ${floor}` };
}

function compareCheck(rule: CompareRule, metrics: Record<string, number>, champion: PromotionInput["champion"]): Check {
  const name = `compare:${rule.metric}`;
  const value = metrics[rule.metric];
  if (!isMetricValue(value)) return { name, passed: false, value: null, detail: `${rule.metric} is not recorded` };
  if (!champion) return { name, passed: true, value, threshold: null, detail: "no current version to compare with" };
  const championValue = champion.metrics[rule.metric];
  if (!isMetricValue(championValue)) {
    return {
      name,
      passed: true,
      value,
      threshold: null,
      detail: `version ${champion.number} has no ${rule.metric} to compare with`,
    };
  }
  const worseBy = degradation(rule.direction, championValue, value);
  const threshold = rule.direction === "higher" ? championValue - rule.tolerance : championValue + rule.tolerance;
  const passed = !exceeds(worseBy, rule.tolerance, championValue, value);
  const verdict = worseBy > 0 ? `worse by ${round(worseBy)}` : "not worse";
  return {
    name,
    passed,
    value,
    threshold,
    detail:
      `${rule.metric} ${value} vs ${championValue} of version ${champion.number} ` +
      `(${rule.direction} is better, tolerance ${rule.tolerance}): ${verdict}`,
  };
}

export type MetricStats = { count: number; mean: number };

export type RollbackVerdict = {
  trip: boolean;
  reason: string;
  evidence: {
    metric: string;
    direction: Direction;
    min_samples: number;
    floor: number | null;
    max_drop: number | null;
    current: MetricStats;
    baseline: MetricStats | null;
    /** how much worse the current mean is than the baseline's (negative when better); null without a baseline */
    drop: number | null;
  };
};

/**
 * Judges the current window's aggregates against the rule. Nothing trips before `min_samples` observations; the
 * baseline (the stable arm, or the version before) is compared only when it too has `min_samples`, so a thin
 * baseline cannot trip a rollback on noise.
 */
export function evaluateAutoRollback(
  rule: AutoRollbackRule,
  stats: { baseline?: MetricStats | null; current: MetricStats },
): RollbackVerdict {
  const { current } = stats;
  const baseline = stats.baseline && stats.baseline.count >= rule.min_samples ? stats.baseline : null;
  const drop = baseline ? degradation(rule.direction, baseline.mean, current.mean) : null;
  const evidence: RollbackVerdict["evidence"] = {
    metric: rule.metric,
    direction: rule.direction,
    min_samples: rule.min_samples,
    floor: rule.floor ?? null,
    max_drop: rule.max_drop ?? null,
    current,
    baseline: stats.baseline ?? null,
    drop,
  };
  if (current.count < rule.min_samples) {
    return { trip: false, reason: `${current.count} of ${rule.min_samples} samples so far`, evidence };
  }
  const reasons: string[] = [];
  if (rule.floor !== undefined && isWorse(rule.direction, current.mean, rule.floor)) {
    const side = rule.direction === "higher" ? "below" : "above";
    reasons.push(
      `${rule.metric} mean ${round(current.mean)} is ${side} the floor ${rule.floor} over ${current.count} samples`,
    );
  }
  if (
    rule.max_drop !== undefined &&
    baseline &&
    drop !== null &&
    exceeds(drop, rule.max_drop, baseline.mean, current.mean)
  ) {
    reasons.push(
      `${rule.metric} mean ${round(current.mean)} is worse than the baseline ${round(baseline.mean)} ` +
        `by ${round(drop)} (max_drop ${rule.max_drop})`,
    );
  }
  if (reasons.length > 0) return { trip: true, reason: reasons.join("; "), evidence };
  const unchecked = rule.max_drop !== undefined && !baseline ? "; no baseline with enough samples to compare with" : "";
  return { trip: false, reason: `${rule.metric} within limits over ${current.count} samples${unchecked}`, evidence };
}

/** How much worse `value` is than `reference` in the metric's bad direction (negative when better). */
function degradation(direction: Direction, reference: number, value: number): number {
  return direction === "higher" ? reference - value : value - reference;
}

function isWorse(direction: Direction, value: number, limit: number): boolean {
  return direction === "higher" ? value < limit : value > limit;
}

/** `amount > allowance`, forgiving the rounding of the subtraction that produced `amount` (0.93 - 0.92 > 0.01). */
function exceeds(amount: number, allowance: number, a: number, b: number): boolean {
  return amount > allowance + 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
}

function isMetricValue(value: number | undefined): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** Differences of decimals print as 0.020000000000000018; twelve significant digits say the same thing. */
function round(x: number): number {
  return Number(x.toPrecision(12));
}
