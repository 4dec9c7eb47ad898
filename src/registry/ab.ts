/**
 * The A/B view of a rollout: per arm count, mean and variance of each observed metric since the rollout started
 * (until it ended), Welch's t-test of candidate minus stable, and warnings for the metrics that got significantly
 * worse; the judged (watched) metric is also answered on its own as `ab`.
 */
import { and, eq, sql } from "drizzle-orm";
import { isoAt } from "../domain/clock";
import { EMPTY_AGGREGATE, OBSERVATION_WINDOW_MS, windowStartOf, type Aggregate } from "../domain/observations";
import { directionOf, significantlyWorse, type DirectionSource } from "../domain/metric-direction";
import type { Direction, Policy } from "../domain/policy";
import { summarise, welchTTest, type WelchResult } from "../domain/stats";
import type { Database } from "../store/db";
import type { ModelRow } from "../store/models";
import { inList } from "../store/db";
import { totalsByMetric } from "../store/observations";
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

/** The observation windows a rollout's life covers: from its start's window to the end of its closing one. */
function lifeOf(rollout: { createdAt: string; endedAt: string | null }) {
  const since = isoAt(windowStartOf(Date.parse(rollout.createdAt)));
  const until = rollout.endedAt ? isoAt(windowStartOf(Date.parse(rollout.endedAt)) + OBSERVATION_WINDOW_MS) : undefined;
  return { since, until };
}

export interface RolloutAnalysis {
  /** the judged metric; null when neither the rollout nor the model's policy names one */
  ab: ABComparison | null;
  differences: ArmDifferences;
}

/**
 * The A/B comparison and every metric's difference for each rollout, from one read of the rollouts, one of the
 * policy and one batch of per-metric totals (one statement per rollout), however many rollouts a page holds.
 */
export async function analyseRollouts(db: Database, model: ModelRow, rolloutIds: readonly string[]): Promise<Map<string, RolloutAnalysis>> {
  const analyses = new Map<string, RolloutAnalysis>();
  if (rolloutIds.length === 0) return analyses;
  const [rows, policy] = await Promise.all([
    db
      .select({
        id: rollouts.id,
        stableVersionId: rollouts.stableVersionId,
        candidateVersionId: rollouts.candidateVersionId,
        policy: rollouts.policy,
        createdAt: rollouts.createdAt,
        endedAt: rollouts.endedAt,
        stable: sql<number>`(SELECT number FROM versions WHERE id = ${rollouts.stableVersionId})`,
        candidate: sql<number>`(SELECT number FROM versions WHERE id = ${rollouts.candidateVersionId})`,
      })
      .from(rollouts)
      .where(and(eq(rollouts.modelId, model.id), inList(rollouts.id, rolloutIds))),
    getPolicy(db, model),
  ]);
  if (rows.length === 0) return analyses;
  const lives = rows.map(lifeOf);
  const [first, ...rest] = rows.map((r, i) => totalsByMetric(db, [r.stableVersionId, r.candidateVersionId], lives[i]!.since, lives[i]!.until));
  const totals = await db.batch([first!, ...rest]);
  rows.forEach((rollout, i) => {
    const { since, until } = lives[i]!;
    const judged = watchedMetric(rollout.policy, policy);
    const metrics = differencesOf(rollout, totals[i]!, judged, policy);
    const judgedRow = judged ? metrics.find((m) => m.metric === judged.metric) : undefined;
    const ab: ABComparison | null = judged
      ? {
          ...judged,
          since,
          until: until ?? null,
          stable: judgedRow?.stable ?? armStats(rollout.stable, EMPTY_AGGREGATE),
          candidate: judgedRow?.candidate ?? armStats(rollout.candidate, EMPTY_AGGREGATE),
          welch: judgedRow?.welch ?? null,
        }
      : null;
    analyses.set(rollout.id, { ab, differences: { since, until: until ?? null, metrics, warnings: warningsOf(metrics) } });
  });
  return analyses;
}

/** Null when neither the rollout nor the model's policy names a metric to compare on. */
export async function abComparison(db: Database, model: ModelRow, rolloutId: string): Promise<ABComparison | null> {
  return (await analyseRollouts(db, model, [rolloutId])).get(rolloutId)?.ab ?? null;
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

type Totals = { versionId: string; metric: string } & Aggregate;

function differencesOf(
  rollout: { stableVersionId: string; candidateVersionId: string; stable: number; candidate: number },
  rows: Totals[],
  judged: { metric: string; direction: Direction } | null,
  policy: Policy,
): MetricDifference[] {
  const totals = (versionId: string, metric: string): Aggregate =>
    rows.find((r) => r.versionId === versionId && r.metric === metric) ?? EMPTY_AGGREGATE;
  return [...new Set(rows.map((r) => r.metric))].map((metric): MetricDifference => {
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
}

/** Non-judged metrics that got significantly worse: the judged one is its rule's (and auto-rollback's) business. */
function warningsOf(metrics: MetricDifference[]): MetricWarning[] {
  return metrics
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
}

const round = (x: number) => Number(x.toPrecision(4));
