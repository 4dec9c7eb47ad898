/**
 * The A/B view of a rollout: per arm count, mean and variance of the watched metric since the rollout started
 * (until it ended), and Welch's t-test of candidate minus stable.
 */
import { eq, sql } from "drizzle-orm";
import { isoAt } from "../domain/clock";
import { OBSERVATION_WINDOW_MS, windowStartOf, type Aggregate } from "../domain/observations";
import type { Direction, Policy } from "../domain/policy";
import { summarise, welchTTest, type WelchResult } from "../domain/stats";
import type { Database } from "../store/db";
import type { ModelRow } from "../store/models";
import { totalsOf, totalsQuery } from "../store/observations";
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

/** Null when neither the rollout nor the model's policy names a metric to compare on. */
export async function abComparison(db: Database, model: ModelRow, rolloutId: string): Promise<ABComparison | null> {
  const [rollout, policy] = await Promise.all([
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
  if (!rollout) return null;
  const watched = watchedMetric(rollout.policy, policy);
  if (!watched) return null;
  const since = isoAt(windowStartOf(Date.parse(rollout.createdAt)));
  const until = rollout.endedAt ? isoAt(windowStartOf(Date.parse(rollout.endedAt)) + OBSERVATION_WINDOW_MS) : undefined;
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
