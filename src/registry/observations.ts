/**
 * Live observations from serving: the command a reporter's batch goes through (each report names a version, or a
 * ref and the arm that answered), which then judges the model's auto-rollback rules; and the series the doors read.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import { authorize } from "../auth/principal";
import { badRequest, conflict, notFound } from "../domain/errors";
import { aggregateReports, windowStartOf, type Report } from "../domain/observations";
import { parseVersionKey } from "../domain/versions";
import type { Database } from "../store/db";
import { requireModel, type ModelRow } from "../store/models";
import { addObservations, listObservations, type ObservationWindow, type SeriesFilter } from "../store/observations";
import type { Page, Paged } from "../store/pagination";
import { readRef } from "../store/refs";
import { rollouts } from "../store/schema";
import { requireVersion } from "../store/versions";
import { autoRollback, type RuleOutcome } from "./auto-rollback";
import type { CommandContext } from "./context";

export type { ObservationWindow, SeriesFilter } from "../store/observations";
export type { RuleOutcome } from "./auto-rollback";

export type Arm = "stable" | "candidate";

export interface ObservationReport {
  version?: number | string;
  /** a canonical ref name (the route validates and canonicalises it) */
  ref?: string;
  arm?: Arm;
  metrics: Record<string, number>;
  count?: number;
}

/** Distinct (version, metric) pairs one batch may touch: each is one upserted row. */
export const MAX_SERIES_PER_BATCH = 500;

export interface RecordedBatch {
  accepted: number;
  window_start: string;
  /** version numbers the batch reported on */
  versions: number[];
}

export interface ReportedBatch extends RecordedBatch {
  /** what each auto-rollback rule saw after this batch; tripped ones were rolled back */
  auto_rollback: RuleOutcome[];
}

/**
 * Reporting needs the reporter role (the serving client's token), not just reader: a batch can trip an automatic
 * rollback of Production, which the system actor then carries out in this same request.
 */
export async function reportObservations(ctx: CommandContext, modelName: string, reports: ObservationReport[]): Promise<ReportedBatch> {
  authorize(ctx.principal, "reporter", modelName);
  const model = await requireModel(ctx.db, modelName);
  const recorded = await recordObservations(ctx.db, model, reports, Date.parse(ctx.now));
  return { ...recorded, auto_rollback: await autoRollback(ctx, model, "observations") };
}

/** The observed series of a model the caller may read, oldest window first. */
export async function readObservations(
  ctx: Pick<CommandContext, "db" | "principal">,
  modelName: string,
  filter: SeriesFilter,
  page: Page,
): Promise<Paged<ObservationWindow>> {
  authorize(ctx.principal, "reader", modelName);
  return listObservations(ctx.db, await requireModel(ctx.db, modelName), filter, page);
}

/** Every report lands in the window holding `nowMs`: clients report as they serve, the server stamps the time. */
async function recordObservations(db: Database, model: ModelRow, reports: ObservationReport[], nowMs: number): Promise<RecordedBatch> {
  const targets = new Map<string, Promise<{ id: string; number: number }>>();
  const resolved: Report[] = [];
  for (const r of reports) {
    const key = r.version !== undefined ? `v:${r.version}` : `r:${r.ref}:${r.arm ?? ""}`;
    if (!targets.has(key)) targets.set(key, targetOf(db, model, r));
    const target = await targets.get(key)!;
    resolved.push({ versionId: target.id, metrics: r.metrics, count: r.count ?? 1 });
  }
  const aggregates = [...aggregateReports(resolved).values()];
  if (aggregates.length > MAX_SERIES_PER_BATCH) {
    throw badRequest(`a batch may touch at most ${MAX_SERIES_PER_BATCH} (version, metric) series; split it`, { series: aggregates.length });
  }
  const windowStart = new Date(windowStartOf(nowMs)).toISOString();
  await addObservations(db, windowStart, aggregates);
  const numbers = new Set<number>();
  for (const t of targets.values()) numbers.add((await t).number);
  return { accepted: reports.length, window_start: windowStart, versions: [...numbers].sort((a, b) => a - b) };
}

async function targetOf(db: Database, model: ModelRow, report: ObservationReport): Promise<{ id: string; number: number }> {
  if (report.version !== undefined) {
    const row = await requireVersion(db, model, parseVersionKey(report.version));
    return { id: row.id, number: row.number };
  }
  const ref = report.ref!;
  if (report.arm) return armOf(db, model, ref, report.arm);
  const state = await readRef(db, model, ref);
  if (state.activeRolloutId) {
    throw badRequest(`a rollout is active on ${ref}; say which arm answered (the X-Rollout-Arm header of the resolve answer)`, {
      field: "arm",
      ref,
    });
  }
  if (!state.current) throw notFound(`ref '${ref}' of model '${model.name}' is not set`, { ref });
  return { id: state.current.versionId, number: state.current.number };
}

/** An arm names a version of the ref's newest rollout, so late reports still land on the version that answered. */
async function armOf(db: Database, model: ModelRow, ref: string, arm: Arm): Promise<{ id: string; number: number }> {
  const row = await db
    .select({
      id: arm === "stable" ? rollouts.stableVersionId : rollouts.candidateVersionId,
      number: sql<number>`(SELECT number FROM versions WHERE id = ${arm === "stable" ? rollouts.stableVersionId : rollouts.candidateVersionId})`,
    })
    .from(rollouts)
    .where(and(eq(rollouts.modelId, model.id), eq(rollouts.ref, ref)))
    .orderBy(desc(sql`${rollouts.status} = 'active'`), desc(rollouts.createdAt))
    .limit(1)
    .get();
  if (!row) throw conflict(`${ref} of model '${model.name}' has had no rollout, so it has no ${arm} arm`, { field: "arm", ref });
  return row;
}
