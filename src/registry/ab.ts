/**
 * The A/B view of a rollout: per arm count, mean and variance of the watched metric since the rollout started
 * (until it ended), and Welch's t-test of candidate minus stable.
 */
import { eq, sql } from "drizzle-orm";
import { isoAt } from "../domain/clock";
import { OBSERVATION_WINDOW_MS, windowStartOf, type Aggregate } from "../domain/observations";
import { directionOf, significantlyWorse, type DirectionSource } from "../domain/metric-direction";
import type { Direction, Policy } from "../domain/policy";
import { summarise, welchTTest, type WelchResult } from "../domain/stats";
import type { Database } from "../store/db";
import type { ModelRow } from "../store/models";
import { totalsByMetric, totalsOf, totalsQuery } from "../store/observations";
import { getPolicy } from "../store/policies";
import { rollouts } from "../store/schema";
import { ruleOf } from "./auto-rollback";

export interface ArmStats {
  version: number;
  count: number;
  mean: number | null;
  variance: number | null;
}

export interface ABComparison {
  metric: string;
  direction: Direction;
  since: string;
  until: string | null;
  stable: ArmStats;
  candidate: ArmStats;
  /** candidate minus stable; null until each arm has two observations */
  welch: WelchResult | null;
}

/** The metric a rollout is judged on: its auto-rollback rule's, else the model's comparison metric. */
function watchedMetric(rolloutPolicy: unknown, policy: Policy): { metric: string; direction: Direction } | null {
  const rule = ruleOf(rolloutPolicy, policy) ?? policy.compare;
  return rule ? { metric: rule.metric, direction: rule.direction } : null;
}

async function readRolloutAndPolicy(db: Database, model: ModelRow, rolloutId: string) {
  return Promise.all([
    db
      .select({
        stableVersionId: rollouts.stableVersionId,
        candidateVersionId: rollouts.candidateVersionId,
        policy: rollouts.policy,
        createdAt: rollouts.createdAt,
        endedAt: rollouts.endedAt,
        stable: sql<number>`(SELECT number FROM versions WHERE id = ${rollouts.stableVersionId})`,
        candidate: sql<number>`(SELECT number FROM versions WHERE id = ${rollouts.candidateVersionId})`,
      })
      .from(rollouts)
      .where(eq(rollouts.id, rolloutId))
      .get(),
    getPolicy(db, model),
  ]);
}

/** The observation windows a rollout's life covers: from its start's window to the end of its closing one. */
function lifeOf(rollout: { createdAt: string; endedAt: string | null }) {
  const since = isoAt(windowStartOf(Date.parse(rollout.createdAt)));
  const until = rollout.endedAt ? isoAt(windowStartOf(Date.parse(rollout.endedAt)) + OBSERVATION_WINDOW_MS) : undefined;
  return { since, until };
}

/** Null when neither the rollout nor the model's policy names a metric to compare on. */
export async function abComparison(db: Database, model: ModelRow, rolloutId: string): Promise<ABComparison | null> {
  const [rollout, policy] = await readRolloutAndPolicy(db, model, rolloutId);
  if (!rollout) return null;
  const watched = watchedMetric(rollout.policy, policy);
  if (!watched) return null;
  const { since, until } = lifeOf(rollout);
  const [stable, candidate] = await db.batch([
    totalsQuery(db, rollout.stableVersionId, watched.metric, since, until),
    totalsQuery(db, rollout.candidateVersionId, watched.metric, since, until),
  ]);
  const a = totalsOf(candidate);
  const b = totalsOf(stable);
  return {
    ...watched,
    since,
    until: until ?? null,
    stable: armStats(rollout.stable, b),
    candidate: armStats(rollout.candidate, a),
    welch: a.count >= 2 && b.count >= 2 ? welchTTest(summarise(a.count, a.sum, a.sumSquares), summarise(b.count, b.sum, b.sumSquares)) : null,
  };
}

function armStats(version: number, a: Aggregate): ArmStats {
  if (a.count === 0) return { version, count: 0, mean: null, variance: null };
  const s = summarise(a.count, a.sum, a.sumSquares);
  return { version, count: s.count, mean: s.mean, variance: s.variance };
}

export interface MetricDifference {
  metric: string;
  direction: Direction;
  /** where the direction came from: the policy's metric_directions, the judged metric's rule, or the name rule */
  direction_source: DirectionSource;
  /** the metric the rollout is judged on (its auto-rollback rule's, else the policy's compare metric) */
  judged: boolean;
  stable: ArmStats;
  candidate: ArmStats;
  /** candidate minus stable with its 95% interval; null until each arm has two observations */
  welch: WelchResult | null;
  /** the whole interval lies on the metric's bad side of zero */
  significantly_worse: boolean;
}

export interface MetricWarning {
  metric: string;
  direction: Direction;
  difference: number;
  ci_low: number;
  ci_high: number;
  p_value: number;
  message: string;
}

export interface ArmDifferences {
  since: string;
  until: string | null;
  /** every metric observed on either arm during the rollout, by name */
  metrics: MetricDifference[];
  /** non-judged metrics that got significantly worse on the candidate */
  warnings: MetricWarning[];
}

/** Every metric's difference between a rollout's arms over its life, and warnings for the ones that got worse. */
export async function armDifferences(db: Database, model: ModelRow, rolloutId: string): Promise<ArmDifferences | null> {
  const [rollout, policy] = await readRolloutAndPolicy(db, model, rolloutId);
  if (!rollout) return null;
  const judged = watchedMetric(rollout.policy, policy);
  const { since, until } = lifeOf(rollout);
  const rows = await totalsByMetric(db, [rollout.stableVersionId, rollout.candidateVersionId], since, until);
  const names = [...new Set(rows.map((r) => r.metric))];
  const totals = (versionId: string, metric: string): Aggregate =>
    rows.find((r) => r.versionId === versionId && r.metric === metric) ?? { count: 0, sum: 0, sumSquares: 0 };
  const metrics = names.map((metric): MetricDifference => {
    const { direction, source } = directionOf(metric, policy.metric_directions, judged);
    const a = totals(rollout.candidateVersionId, metric);
    const b = totals(rollout.stableVersionId, metric);
    const welch = a.count >= 2 && b.count >= 2 ? welchTTest(summarise(a.count, a.sum, a.sumSquares), summarise(b.count, b.sum, b.sumSquares)) : null;
    return {
      metric,
      direction,
      direction_source: source,
      judged: judged?.metric === metric,
      stable: armStats(rollout.stable, b),
      candidate: armStats(rollout.candidate, a),
      welch,
      significantly_worse: significantlyWorse(direction, welch),
    };
  });
  const warnings = metrics
    .filter((m) => m.significantly_worse && !m.judged)
    .map(({ metric, direction, welch, candidate, stable }): MetricWarning => ({
      metric,
      direction,
      difference: welch!.difference,
      ci_low: welch!.ci_low,
      ci_high: welch!.ci_high,
      p_value: welch!.p_value,
      message:
        `${metric} is significantly worse on the candidate (v${candidate.version}): ${welch!.difference > 0 ? "+" : ""}${round(welch!.difference)} ` +
        `versus v${stable.version} (95% interval ${round(welch!.ci_low)} to ${round(welch!.ci_high)}; ${direction} is better)`,
    }));
  return { since, until: until ?? null, metrics, warnings };
}

const round = (x: number) => Number(x.toPrecision(4));
