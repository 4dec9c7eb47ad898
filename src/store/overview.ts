/**
 * Read models for the admin pages: what a glance at a list of models, a rollout's arms or a version's audit trail
 * needs, each in one round trip. Writes stay in the resource modules (refs, rollouts, …).
 */
import { aliasedTable, and, desc, eq, gte, inArray, sql } from "drizzle-orm";
import type { Aggregate } from "../domain/observations";
import { historyEntryOf, historyRolloutColumns, joinHistoryRollout, type RefHistoryView } from "./refs";
import { auditView, type AuditEvent } from "./audit";
import type { Database } from "./db";
import type { ModelRow } from "./models";
import { auditEvents, models, observations, refHistory, refs, rollouts, versions } from "./schema";

export interface RefSummary {
  ref: string;
  number: number;
  semver: string;
}

export interface ActiveRolloutSummary {
  ref: string;
  stable_version: number;
  candidate_version: number;
  weight_bp: number;
}

/** One entry of a ref's history (as GET …/refs/:ref/history answers it), named with its ref. */
export type RefChangeSummary = RefHistoryView & { ref: string };

export interface ModelSummary {
  refs: RefSummary[];
  rollouts: ActiveRolloutSummary[];
  /** The newest change of any of the model's refs. */
  last_change: RefChangeSummary | null;
}

const fromVersion = aliasedTable(versions, "from_version");
const toVersion = aliasedTable(versions, "to_version");
const stableVersion = aliasedTable(versions, "stable_version");
const candidateVersion = aliasedTable(versions, "candidate_version");

// Batched results arrive as objects keyed by column name, so columns that share a name get their own alias.
const modelName = sql<string>`${models.name}`.as("model_name");

/** Refs (with semvers), active rollouts and the last ref change of each named model, in one batch. */
export async function modelSummaries(db: Database, names: string[]): Promise<Map<string, ModelSummary>> {
  const summaries = new Map(names.map((n) => [n, { refs: [], rollouts: [], last_change: null } as ModelSummary]));
  if (names.length === 0) return summaries;
  const [refRows, rolloutRows, changeRows] = await db.batch([
    db
      .select({ model: modelName, ref: refs.name, number: versions.number, semver: versions.semver })
      .from(refs)
      .innerJoin(models, eq(models.id, refs.modelId))
      .innerJoin(versions, eq(versions.id, refs.versionId))
      .where(inArray(models.name, names))
      .orderBy(refs.name),
    db
      .select({
        model: modelName,
        ref: rollouts.ref,
        stable: sql<number>`${stableVersion.number}`.as("stable_number"),
        candidate: sql<number>`${candidateVersion.number}`.as("candidate_number"),
        weightBp: rollouts.weightBp,
      })
      .from(rollouts)
      .innerJoin(models, eq(models.id, rollouts.modelId))
      .innerJoin(stableVersion, eq(stableVersion.id, rollouts.stableVersionId))
      .innerJoin(candidateVersion, eq(candidateVersion.id, rollouts.candidateVersionId))
      .where(and(inArray(models.name, names), eq(rollouts.status, "active"))),
    historyQuery(db).where(
      sql`${refHistory.id} IN (SELECT MAX(h.id) FROM ref_history h JOIN models m ON m.id = h.model_id WHERE m.name IN ${names} GROUP BY h.model_id)`,
    ),
  ]);
  for (const r of refRows) summaries.get(r.model)!.refs.push({ ref: r.ref, number: r.number, semver: r.semver });
  for (const r of rolloutRows) {
    summaries.get(r.model)!.rollouts.push({ ref: r.ref, stable_version: r.stable, candidate_version: r.candidate, weight_bp: r.weightBp });
  }
  for (const r of changeRows) summaries.get(r.model)!.last_change = changeOf(r);
  return summaries;
}

/** Every ref change of a model, newest first, at most `limit` (rollback previews need each ref's whole stack). */
export async function modelRefHistory(db: Database, model: ModelRow, limit: number): Promise<RefChangeSummary[]> {
  const rows = await historyQuery(db).where(eq(refHistory.modelId, model.id)).orderBy(desc(refHistory.id)).limit(limit);
  return rows.map(changeOf);
}

function historyQuery(db: Database) {
  const query = db
    .select({
      model: modelName,
      ref: refHistory.ref,
      generation: refHistory.generation,
      action: refHistory.action,
      from: sql<number | null>`${fromVersion.number}`.as("from_number"),
      to: sql<number | null>`${toVersion.number}`.as("to_number"),
      actor: refHistory.actor,
      reason: refHistory.reason,
      at: refHistory.at,
      ...historyRolloutColumns,
    })
    .from(refHistory)
    .innerJoin(models, eq(models.id, refHistory.modelId))
    .leftJoin(fromVersion, eq(fromVersion.id, refHistory.fromVersionId))
    .leftJoin(toVersion, eq(toVersion.id, refHistory.toVersionId));
  return joinHistoryRollout(query);
}

type HistoryRow = Awaited<ReturnType<ReturnType<typeof historyQuery>["all"]>>[number];

const changeOf = (r: HistoryRow): RefChangeSummary => ({ ref: r.ref, ...historyEntryOf(r) });

export interface ArmTotals {
  metric: string;
  stable: Aggregate;
  candidate: Aggregate;
}

/** Each metric's observation totals for a rollout's two arms, over windows starting at or after `since`. */
export async function armTotals(db: Database, model: ModelRow, arms: { stable: number; candidate: number }, since: string): Promise<ArmTotals[]> {
  const rows = await db
    .select({
      number: versions.number,
      metric: observations.metric,
      count: sql<number>`SUM(${observations.count})`,
      sum: sql<number>`SUM(${observations.sum})`,
      sumSquares: sql<number>`SUM(${observations.sumSquares})`,
    })
    .from(observations)
    .innerJoin(versions, eq(versions.id, observations.versionId))
    .where(
      and(
        eq(versions.modelId, model.id),
        inArray(versions.number, [arms.stable, arms.candidate]),
        gte(observations.windowStart, since),
      ),
    )
    .groupBy(versions.number, observations.metric)
    .orderBy(observations.metric);
  const empty = (): Aggregate => ({ count: 0, sum: 0, sumSquares: 0 });
  const byMetric = new Map<string, ArmTotals>();
  for (const r of rows) {
    const totals = byMetric.get(r.metric) ?? { metric: r.metric, stable: empty(), candidate: empty() };
    totals[r.number === arms.candidate ? "candidate" : "stable"] = { count: r.count, sum: r.sum, sumSquares: r.sumSquares };
    byMetric.set(r.metric, totals);
  }
  return [...byMetric.values()];
}

/** Audit events about one version of a model, newest first. */
export async function versionAudit(db: Database, modelName: string, number: number, limit: number): Promise<AuditEvent[]> {
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.model, modelName), eq(auditEvents.version, number)))
    .orderBy(desc(auditEvents.id))
    .limit(limit);
  return rows.map(auditView);
}
