/**
 * Automatic rollback (DESIGN §7), run after each observations batch and on the cron trigger.
 * - An active rollout is judged candidate arm against stable arm, both since the rollout started (within the
 *   rule's window); the rule is the rollout's own, else the model policy's. Tripping ends the rollout (rolled_back).
 * - The Production ref (without a rollout) is judged when its last change was a promotion: the version it points
 *   to, since it got there, against the version it replaced over that version's last window before the move.
 *   Tripping moves the ref back. It never undoes more than that promotion, so rollbacks cannot cascade.
 * Too few samples never trips (evaluateAutoRollback); the evidence goes into the audit event.
 * Whoever set the check off (a reporter's batch, the cron run), the rollback is done by the system actor
 * AUTO_ROLLBACK_ACTOR through the same ref and rollout writes as a manual rollback, and announced after it committed.
 */
import { and, eq, sql } from "drizzle-orm";
import { authorize } from "../auth/principal";
import { DomainError } from "../domain/errors";
import { lookBackStart, OBSERVATION_WINDOW_MS, statsOf, windowStartOf, type Aggregate } from "../domain/observations";
import { AutoRollbackRuleSchema, evaluateAutoRollback, type AutoRollbackRule, type MetricStats, type Policy } from "../domain/policy";
import type { RegistryEvent } from "../domain/webhooks";
import type { Mutation } from "../store/audit";
import type { Database } from "../store/db";
import type { ModelRow } from "../store/models";
import { totalsOf, totalsQuery } from "../store/observations";
import { getPolicy, lastMove, modelsToWatch } from "../store/policies";
import { readRef, rollbackRef } from "../store/refs";
import { rollouts, versions } from "../store/schema";
import type { CommandContext } from "./context";

/** The actor auto-rollbacks are recorded under, whoever's batch or which cron run set them off. */
export const AUTO_ROLLBACK_ACTOR = "edgereg:auto-rollback";

export type Trigger = "observations" | "cron";

export interface RuleOutcome {
  ref: string;
  rollout_id: string | null;
  /** the version judged: the rollout's candidate, or what Production points to */
  version: number;
  baseline_version: number | null;
  tripped: boolean;
  reason: string;
  evidence: Record<string, unknown>;
}

const ISO = (ms: number) => new Date(ms).toISOString();

/**
 * Judges every rule of one model and rolls back the ones that trip, under the system actor; answers what each rule
 * saw, tripped or not. Not a door's command: reporting observations and the cron run call it after their own checks.
 */
export async function autoRollback(ctx: CommandContext, model: ModelRow, trigger: Trigger): Promise<RuleOutcome[]> {
  // Only a caller who may report observations (or the system) sets a check off; the rollback is the system's.
  authorize(ctx.principal, "reporter", model.name);
  const outcomes = await judgeAndApply(ctx, model, trigger);
  ctx.emit(...autoRollbackEvents(model, outcomes));
  return outcomes;
}

async function judgeAndApply(m: Mutation, model: ModelRow, trigger: Trigger): Promise<RuleOutcome[]> {
  const system: Mutation = { db: m.db, requestId: m.requestId, now: m.now, actor: AUTO_ROLLBACK_ACTOR };
  const nowMs = Date.parse(m.now);
  const [policy, active] = await Promise.all([getPolicy(m.db, model), activeRollouts(m.db, model)]);
  const outcomes: RuleOutcome[] = [];
  for (const rollout of active) {
    const outcome = await judgeRollout(m.db, rollout, policy, nowMs, trigger);
    if (outcome) outcomes.push(await applied(system, model, outcome));
  }
  if (policy.auto_rollback && !active.some((r) => r.ref === "Production")) {
    const outcome = await judgeProduction(m.db, model, policy.auto_rollback, nowMs, trigger);
    if (outcome) outcomes.push(await applied(system, model, outcome));
  }
  return outcomes;
}

/** The events announced for the rules that tripped. */
function autoRollbackEvents(model: ModelRow, outcomes: RuleOutcome[]): RegistryEvent[] {
  return outcomes
    .filter((o) => o.tripped)
    .map((o) => ({ type: "auto_rollback" as const, model: model.name, data: { ...o } }));
}

type ActiveRollout = Awaited<ReturnType<typeof activeRollouts>>[number];

function activeRollouts(db: Database, model: ModelRow) {
  return db
    .select({
      id: rollouts.id,
      ref: rollouts.ref,
      stableVersionId: rollouts.stableVersionId,
      candidateVersionId: rollouts.candidateVersionId,
      stable: sql<number>`(SELECT number FROM versions WHERE id = ${rollouts.stableVersionId})`,
      candidate: sql<number>`(SELECT number FROM versions WHERE id = ${rollouts.candidateVersionId})`,
      policy: rollouts.policy,
      createdAt: rollouts.createdAt,
    })
    .from(rollouts)
    .where(and(eq(rollouts.modelId, model.id), eq(rollouts.status, "active")));
}

/** A rollout's rule is its own when it set one, else the model's; null when neither says what to watch. */
export function ruleOf(rolloutPolicy: unknown, policy: Policy): AutoRollbackRule | null {
  if (rolloutPolicy === null || rolloutPolicy === undefined) return policy.auto_rollback ?? null;
  const parsed = AutoRollbackRuleSchema.safeParse(rolloutPolicy);
  return parsed.success ? parsed.data : (policy.auto_rollback ?? null);
}

async function judgeRollout(db: Database, rollout: ActiveRollout, policy: Policy, nowMs: number, trigger: Trigger): Promise<RuleOutcome | null> {
  const rule = ruleOf(rollout.policy, policy);
  if (!rule) return null;
  const since = ISO(lookBackStart(nowMs, rule.window_s, Date.parse(rollout.createdAt)));
  const [candidate, stable] = await db.batch([
    totalsQuery(db, rollout.candidateVersionId, rule.metric, since),
    totalsQuery(db, rollout.stableVersionId, rule.metric, since),
  ]);
  const verdict = evaluateAutoRollback(rule, { current: metricStats(totalsOf(candidate)), baseline: statsOf(totalsOf(stable)) });
  return {
    ref: rollout.ref,
    rollout_id: rollout.id,
    version: rollout.candidate,
    baseline_version: rollout.stable,
    tripped: verdict.trip,
    reason: verdict.reason,
    evidence: { trigger, rule, window_start: since, baseline_window_start: since, ...verdict.evidence },
  };
}

async function judgeProduction(db: Database, model: ModelRow, rule: AutoRollbackRule, nowMs: number, trigger: Trigger): Promise<RuleOutcome | null> {
  const [state, move] = await Promise.all([readRef(db, model, "Production"), lastMove(db, model, "Production")]);
  const current = state.current;
  if (!current || !move || move.toVersionId !== current.versionId) return null;
  if ((move.action !== "move" && move.action !== "promote") || !move.fromVersionId) return null;
  const movedAt = Date.parse(move.at);
  const since = ISO(lookBackStart(nowMs, rule.window_s, movedAt));
  const baselineFrom = ISO(lookBackStart(movedAt, rule.window_s));
  const baselineUntil = ISO(windowStartOf(movedAt) + OBSERVATION_WINDOW_MS);
  const [now, before, baseline] = await db.batch([
    totalsQuery(db, current.versionId, rule.metric, since),
    totalsQuery(db, move.fromVersionId, rule.metric, baselineFrom, baselineUntil),
    db.select({ number: versions.number }).from(versions).where(eq(versions.id, move.fromVersionId)),
  ]);
  const verdict = evaluateAutoRollback(rule, { current: metricStats(totalsOf(now)), baseline: statsOf(totalsOf(before)) });
  return {
    ref: "Production",
    rollout_id: null,
    version: current.number,
    baseline_version: baseline[0]?.number ?? null,
    tripped: verdict.trip,
    reason: verdict.reason,
    evidence: { trigger, rule, window_start: since, baseline_window_start: baselineFrom, baseline_window_end: baselineUntil, ...verdict.evidence },
  };
}

/** Carries out a tripped rule; a ref or rollout that changed meanwhile is left alone (someone already acted). */
async function applied(m: Mutation, model: ModelRow, outcome: RuleOutcome): Promise<RuleOutcome> {
  if (!outcome.tripped) return outcome;
  try {
    await rollbackRef(m, model, outcome.ref, {
      reason: `auto-rollback: ${outcome.reason}`,
      action: "auto_rollback",
      expected: outcome.rollout_id ? undefined : outcome.version,
      evidence: { ...outcome.evidence, judged_version: outcome.version, baseline_version: outcome.baseline_version },
    });
    return outcome;
  } catch (error) {
    if (error instanceof DomainError && (error.code === "CONFLICT" || error.code === "PRECONDITION_FAILED")) {
      return { ...outcome, tripped: false, reason: `${outcome.reason}; not rolled back: ${error.message}` };
    }
    throw error;
  }
}

/** An empty window has no mean; the rule sees count 0 and waits for samples. */
const metricStats = (a: Aggregate): MetricStats => statsOf(a) ?? { count: 0, mean: Number.NaN };

/**
 * The cron's sweep, a command of the system: every model with an active rollout or an auto-rollback policy, each on
 * its own. `contextFor` gives each model a context at the time its check starts.
 */
export async function autoRollbackAll(contextFor: () => CommandContext): Promise<{ model: ModelRow; outcomes: RuleOutcome[] }[]> {
  const results: { model: ModelRow; outcomes: RuleOutcome[] }[] = [];
  const first = contextFor();
  authorize(first.principal, "admin", undefined, { unscoped: true });
  for (const model of await modelsToWatch(first.db)) {
    try {
      results.push({ model, outcomes: await autoRollback(contextFor(), model, "cron") });
    } catch (error) {
      // One model's failure must not keep the others from being watched.
      console.error(`auto-rollback check of model ${model.name} failed`, error);
    }
  }
  return results;
}
