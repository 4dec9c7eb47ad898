/**
 * Canary rollouts on a ref (DESIGN §2, §5). Two constraints keep concurrent admins honest without a read-then-write:
 * the partial unique index allows one active rollout per ref, and every change of a rollout inserts the next
 * rollout_events row, whose primary key (rollout_id, seq) lets only one writer commit against a given state.
 * Starting and promoting also claim the ref's next history generation, so a concurrent manual move fails.
 */
import { aliasedTable, and, asc, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { basisPointsToPercent, newSalt } from "../domain/canary";
import { conflict, notFound } from "../domain/errors";
import { nextStep, startingPlan, type RolloutStatus } from "../domain/rollout";
import type { RefAction } from "../domain/refs";
import type { VersionKey } from "../domain/versions";
import { auditInsert, type Mutation } from "./audit";
import { inList, isUniqueViolation, type Database } from "./db";
import type { ModelRow } from "./models";
import { decodeCursor, pageOf, type Page, type Paged } from "./pagination";
import { readRef, refChangeStatements, type RefMove, type RefState } from "./refs";
import { rolloutEvents, rollouts, versions } from "./schema";
import { requireVersion, type VersionRow } from "./versions";

const RETRIES = 5;

export type RolloutAction = (typeof rolloutEvents.$inferSelect)["action"];

export interface RolloutView {
  id: string;
  ref: string;
  stable_version: number;
  candidate_version: number;
  /** Percent of routing keys the candidate answers, two decimals at most. */
  weight: number;
  salt: string;
  status: RolloutStatus;
  /** Planned weights in percent; `{step: "next"}` moves to the first one above the current weight. */
  steps: number[];
  policy: unknown;
  reason: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  ended_at: string | null;
}

export interface RolloutEventView {
  seq: number;
  action: RolloutAction;
  weight_before: number | null;
  weight_after: number | null;
  actor: string;
  reason: string;
  evidence: unknown;
  at: string;
}

const stableVersion = aliasedTable(versions, "stable_version");
const candidateVersion = aliasedTable(versions, "candidate_version");

/**
 * Distinct column names matter: D1 batches return rows as objects, so two columns both called `number` would
 * collapse into one when drizzle maps a batched result.
 */
function rolloutQuery(db: Database) {
  return db
    .select({
      rollout: rollouts,
      stable: sql<number>`${stableVersion.number}`.as("stable_number"),
      candidate: sql<number>`${candidateVersion.number}`.as("candidate_number"),
    })
    .from(rollouts)
    .innerJoin(stableVersion, eq(stableVersion.id, rollouts.stableVersionId))
    .innerJoin(candidateVersion, eq(candidateVersion.id, rollouts.candidateVersionId));
}

type RolloutJoined = Awaited<ReturnType<ReturnType<typeof rolloutQuery>["all"]>>[number];

interface ActiveRolloutState extends RolloutJoined {
  /** Newest event; the next change must claim seq + 1. */
  seq: number;
}

/** The active rollout on a ref with its newest event number, in one batch. */
async function readActive(db: Database, model: ModelRow, ref: string): Promise<ActiveRolloutState | null> {
  const active = and(eq(rollouts.modelId, model.id), eq(rollouts.ref, ref), eq(rollouts.status, "active"));
  const [rows, seq] = await db.batch([
    rolloutQuery(db).where(active),
    db
      .select({ seq: sql<number | null>`MAX(${rolloutEvents.seq})` })
      .from(rolloutEvents)
      .where(sql`${rolloutEvents.rolloutId} = (SELECT id FROM rollouts WHERE model_id = ${model.id} AND ref = ${ref} AND status = 'active')`),
  ]);
  const row = rows[0];
  return row ? { ...row, seq: seq[0]?.seq ?? 0 } : null;
}

async function requireActive(db: Database, model: ModelRow, ref: string): Promise<ActiveRolloutState> {
  const active = await readActive(db, model, ref);
  if (!active) throw notFound(`no rollout is active on ${ref} of model '${model.name}'`, { model: model.name, ref });
  return active;
}

export interface RolloutStart {
  candidate: VersionKey;
  weightBp?: number;
  stepsBp?: number[];
  reason: string;
  policy?: unknown;
  /** Facts for the start's audit event, e.g. the promotion gate's checks on Production. */
  evidence?: Record<string, unknown>;
}

/** A version that can be a rollout's candidate: READY and not archived (409 otherwise). */
export async function requireCandidate(db: Database, model: ModelRow, key: VersionKey): Promise<VersionRow> {
  const candidate = await requireVersion(db, model, key);
  if (candidate.status !== "READY") {
    throw conflict(`version ${candidate.number} is ${candidate.status}; only a READY version can be a candidate`, {
      field: "candidate_version",
      status: candidate.status,
    });
  }
  if (candidate.archived) {
    throw conflict(`version ${candidate.number} is archived; unarchive it to roll it out`, { field: "candidate_version" });
  }
  return candidate;
}

/** Starts a rollout: the ref's current version is the stable arm; the ref must be set and have no active rollout. */
export async function startRollout(m: Mutation, model: ModelRow, ref: string, input: RolloutStart): Promise<RolloutView> {
  const plan = startingPlan(input.weightBp, input.stepsBp);
  const candidate = await requireCandidate(m.db, model, input.candidate);
  for (let attempt = 0; ; attempt++) {
    const state = await readRef(m.db, model, ref);
    const stable = state.current;
    if (!stable) {
      throw conflict(`${ref} of model '${model.name}' is not set; a rollout needs its current version as the stable arm`, { ref });
    }
    if (state.activeRolloutId) throw alreadyActive(ref, state.activeRolloutId);
    if (stable.versionId === candidate.id) {
      throw conflict(`version ${candidate.number} is already what ${ref} points to`, { field: "candidate_version" });
    }
    const id = crypto.randomUUID();
    const salt = newSalt();
    const view: RolloutView = {
      id,
      ref,
      stable_version: stable.number,
      candidate_version: candidate.number,
      weight: basisPointsToPercent(plan.weightBp),
      salt,
      status: "active",
      steps: plan.stepsBp.map(basisPointsToPercent),
      policy: input.policy ?? null,
      reason: input.reason,
      created_at: m.now,
      created_by: m.actor,
      updated_at: m.now,
      ended_at: null,
    };
    // The ref does not move, but claiming its next generation makes a concurrent manual move fail.
    const { statements } = refChangeStatements(m, model, ref, state, {
      action: "rollout_start",
      to: stable,
      reason: input.reason,
      auditAction: "rollout.start",
      rollout: { id, candidateNumber: candidate.number },
      evidence: { ...armsOf(id, stable.number, candidate.number), weight: view.weight, steps: view.steps, salt, ...input.evidence },
    });
    try {
      await m.db.batch([
        m.db.insert(rollouts).values({
          id,
          modelId: model.id,
          ref,
          stableVersionId: stable.versionId,
          candidateVersionId: candidate.id,
          weightBp: plan.weightBp,
          salt,
          steps: plan.stepsBp,
          policy: input.policy ?? null,
          status: "active",
          reason: input.reason,
          createdAt: m.now,
          createdBy: m.actor,
          updatedAt: m.now,
        }),
        eventInsert(m, id, 1, "start", null, plan.weightBp, input.reason),
        ...statements,
      ]);
      return view;
    } catch (error) {
      if (isUniqueViolation(error, "rollouts")) throw alreadyActive(ref, null);
      if (!isRaceLost(error, attempt)) throw error;
    }
  }
}

export type WeightChange = { weightBp: number } | { step: "next" };

export interface WeightChanged {
  rollout: RolloutView;
  /** false when the rollout already had that weight: nothing was written or audited */
  changed: boolean;
}

/** Widens or narrows the candidate's share; setting the current weight again changes and audits nothing. */
export async function changeWeight(m: Mutation, model: ModelRow, ref: string, change: WeightChange, reason: string): Promise<WeightChanged> {
  for (let attempt = 0; ; attempt++) {
    const active = await requireActive(m.db, model, ref);
    const { rollout } = active;
    const weightBp = "weightBp" in change ? change.weightBp : nextStep(rollout.steps as number[], rollout.weightBp);
    if (weightBp === rollout.weightBp) return { rollout: rolloutView(active), changed: false };
    try {
      await m.db.batch([
        eventInsert(m, rollout.id, active.seq + 1, "weight", rollout.weightBp, weightBp, reason),
        m.db.update(rollouts).set({ weightBp, updatedAt: m.now }).where(and(eq(rollouts.id, rollout.id), eq(rollouts.status, "active"))),
        auditInsert(m, {
          action: "rollout.weight",
          model: model.name,
          version: active.candidate,
          ref,
          before: { ...armsOfActive(active), weight: basisPointsToPercent(rollout.weightBp) },
          after: { ...armsOfActive(active), weight: basisPointsToPercent(weightBp), seq: active.seq + 1 },
          reason,
        }),
      ]);
      return { rollout: rolloutView({ ...active, rollout: { ...rollout, weightBp, updatedAt: m.now } }), changed: true };
    } catch (error) {
      if (!isRaceLost(error, attempt)) throw error;
    }
  }
}

/** Moves the ref to the candidate and closes the rollout, in one batch. */
export async function promoteRollout(m: Mutation, model: ModelRow, ref: string, reason: string): Promise<RolloutView> {
  for (let attempt = 0; ; attempt++) {
    const [state, active] = await Promise.all([readRef(m.db, model, ref), requireActive(m.db, model, ref)]);
    const { rollout } = active;
    const { statements } = refChangeStatements(m, model, ref, state, {
      action: "promote",
      to: { versionId: rollout.candidateVersionId, number: active.candidate },
      reason,
      auditAction: "rollout.promote",
      rollout: { id: rollout.id, candidateNumber: active.candidate },
      evidence: { ...armsOfActive(active), weight: basisPointsToPercent(rollout.weightBp) },
    });
    try {
      await m.db.batch([...closeStatements(m, active, "promoted", "promote", reason, null), ...statements]);
      return rolloutView({ ...active, rollout: { ...rollout, status: "promoted", updatedAt: m.now, endedAt: m.now } });
    } catch (error) {
      if (!isRaceLost(error, attempt)) throw error;
    }
  }
}

/** Closes the rollout; the ref keeps pointing at the stable version, and its history records the abort. */
export async function abortRollout(m: Mutation, model: ModelRow, ref: string, reason: string): Promise<RolloutView> {
  for (let attempt = 0; ; attempt++) {
    const [state, active] = await Promise.all([readRef(m.db, model, ref), requireActive(m.db, model, ref)]);
    try {
      await m.db.batch([
        ...closeStatements(m, active, "aborted", "abort", reason, null),
        ...closingRefStatements(m, model, state, active, { action: "rollout_abort", auditAction: "rollout.abort", status: "aborted", reason }).statements,
      ]);
      return rolloutView({ ...active, rollout: { ...active.rollout, status: "aborted", updatedAt: m.now, endedAt: m.now } });
    } catch (error) {
      if (!isRaceLost(error, attempt)) throw error;
    }
  }
}

/**
 * A rollback on a ref with an active rollout ends the canary (status rolled_back); the ref still points at the
 * stable version, and its history records the rollback. If the rollout ended meanwhile, the caller's picture is
 * stale: 409 rather than a second move.
 */
export async function rollBackRollout(
  m: Mutation,
  model: ModelRow,
  name: string,
  state: RefState,
  options: { reason: string; action?: "rollback" | "auto_rollback"; evidence?: Record<string, unknown> },
): Promise<RefMove & { rollout_id: string }> {
  const action = options.action ?? "rollback";
  for (let attempt = 0; ; attempt++) {
    const [current, active] = await Promise.all([attempt === 0 ? state : readRef(m.db, model, name), readActive(m.db, model, name)]);
    if (!active) throw conflict(`the rollout on ${name} ended concurrently`, { ref: name, rollout_id: state.activeRolloutId });
    const id = active.rollout.id;
    try {
      const { generation, statements } = closingRefStatements(m, model, current, active, {
        action: `rollout_${action}`,
        auditAction: `rollout.${action}`,
        status: "rolled_back",
        reason: options.reason,
        evidence: options.evidence,
      });
      await m.db.batch([...closeStatements(m, active, "rolled_back", action, options.reason, options.evidence ?? null), ...statements]);
      return { ref: name, version: active.stable, previous_version: active.stable, generation, rollout_id: id };
    } catch (error) {
      if (!isRaceLost(error, attempt)) throw error;
    }
  }
}

/**
 * The ref's side of a rollout that ends without a promote: a history entry that claims the next generation but
 * leaves the ref on the stable version, and the audit event naming both arms.
 */
function closingRefStatements(
  m: Mutation,
  model: ModelRow,
  state: RefState,
  active: ActiveRolloutState,
  close: { action: RefAction; auditAction: string; status: RolloutStatus; reason: string; evidence?: Record<string, unknown> },
) {
  const { rollout } = active;
  const arms = armsOfActive(active);
  return refChangeStatements(m, model, rollout.ref, state, {
    action: close.action,
    to: { versionId: rollout.stableVersionId, number: active.stable },
    reason: close.reason,
    auditAction: close.auditAction,
    rollout: { id: rollout.id, candidateNumber: active.candidate, before: { ...arms, status: "active", weight: basisPointsToPercent(rollout.weightBp) } },
    evidence: { ...arms, status: close.status, ...close.evidence },
  });
}

/** What every rollout audit event carries, so each names the rollout, its stable and its candidate the same way. */
const armsOf = (rolloutId: string, stable: number, candidate: number) => ({ rollout_id: rolloutId, stable_version: stable, candidate_version: candidate });
const armsOfActive = (active: ActiveRolloutState) => armsOf(active.rollout.id, active.stable, active.candidate);

/** The active rollout on a ref, else its latest, with every event oldest first. */
export async function getRollout(db: Database, model: ModelRow, ref: string): Promise<RolloutView & { history: RolloutEventView[] }> {
  const onRef = and(eq(rollouts.modelId, model.id), eq(rollouts.ref, ref));
  const newest = sql`(SELECT id FROM rollouts WHERE model_id = ${model.id} AND ref = ${ref} ORDER BY status = 'active' DESC, created_at DESC, id DESC LIMIT 1)`;
  const [rows, events] = await db.batch([
    rolloutQuery(db)
      .where(onRef)
      .orderBy(desc(sql`${rollouts.status} = 'active'`), desc(rollouts.createdAt), desc(rollouts.id))
      .limit(1),
    db.select().from(rolloutEvents).where(sql`${rolloutEvents.rolloutId} = ${newest}`).orderBy(asc(rolloutEvents.seq)),
  ]);
  const row = rows[0];
  if (!row) throw notFound(`${ref} of model '${model.name}' has had no rollout`, { model: model.name, ref });
  return { ...rolloutView(row), history: events.map(eventView) };
}

/** One rollout of the model by id, active or ended, with every event oldest first; 404 when the model has no such rollout. */
export async function getRolloutById(db: Database, model: ModelRow, id: string): Promise<RolloutView & { history: RolloutEventView[] }> {
  const [rows, events] = await db.batch([
    rolloutQuery(db).where(and(eq(rollouts.modelId, model.id), eq(rollouts.id, id))),
    db.select().from(rolloutEvents).where(eq(rolloutEvents.rolloutId, id)).orderBy(asc(rolloutEvents.seq)),
  ]);
  const row = rows[0];
  if (!row) throw notFound(`model '${model.name}' has no rollout '${id}'`, { model: model.name, rollout_id: id });
  return { ...rolloutView(row), history: events.map(eventView) };
}

/** Newest first; the cursor is the last (created_at, id) seen. */
export async function listRollouts(
  db: Database,
  model: ModelRow,
  filter: { ref?: string; status?: RolloutStatus },
  page: Page,
): Promise<Paged<RolloutView>> {
  const after = decodeCursor(page.cursor, z.object({ created_at: z.string(), id: z.string() }));
  const rows = await rolloutQuery(db)
    .where(
      and(
        eq(rollouts.modelId, model.id),
        filter.ref ? eq(rollouts.ref, filter.ref) : undefined,
        filter.status ? eq(rollouts.status, filter.status) : undefined,
        after ? sql`(${rollouts.createdAt}, ${rollouts.id}) < (${after.created_at}, ${after.id})` : undefined,
      ),
    )
    .orderBy(desc(rollouts.createdAt), desc(rollouts.id))
    .limit(page.limit + 1);
  return pageOf(rows, page, rolloutView, (r) => ({ created_at: r.rollout.createdAt, id: r.rollout.id }));
}

/** Every event of each rollout, oldest first, in one query. */
export async function eventsOf(db: Database, rolloutIds: readonly string[]): Promise<Map<string, RolloutEventView[]>> {
  const byRollout = new Map<string, RolloutEventView[]>(rolloutIds.map((id) => [id, []]));
  if (rolloutIds.length === 0) return byRollout;
  const rows = await db.select().from(rolloutEvents).where(inList(rolloutEvents.rolloutId, rolloutIds)).orderBy(asc(rolloutEvents.rolloutId), asc(rolloutEvents.seq));
  for (const row of rows) byRollout.get(row.rolloutId)!.push(eventView(row));
  return byRollout;
}

function eventInsert(
  m: Mutation,
  rolloutId: string,
  seq: number,
  action: RolloutAction,
  before: number | null,
  after: number | null,
  reason: string,
  evidence: unknown = null,
) {
  return m.db.insert(rolloutEvents).values({
    rolloutId,
    seq,
    action,
    weightBpBefore: before,
    weightBpAfter: after,
    actor: m.actor,
    reason,
    evidence,
    at: m.now,
  });
}

/** The closing event (claiming seq + 1) and the status change of a rollout that ends. */
function closeStatements(m: Mutation, active: ActiveRolloutState, status: Exclude<RolloutStatus, "active">, action: RolloutAction, reason: string, evidence: unknown) {
  const { rollout } = active;
  return [
    eventInsert(m, rollout.id, active.seq + 1, action, rollout.weightBp, rollout.weightBp, reason, evidence),
    m.db.update(rollouts).set({ status, updatedAt: m.now, endedAt: m.now }).where(and(eq(rollouts.id, rollout.id), eq(rollouts.status, "active"))),
  ] as const;
}

/** A writer that read the same rollout or ref state committed first: retry against the new state, a few times. */
function isRaceLost(error: unknown, attempt: number): boolean {
  if (!isUniqueViolation(error, "rollout_events") && !isUniqueViolation(error, "ref_history")) return false;
  if (attempt >= RETRIES) throw conflict("the rollout is changing under heavy contention; retry", {});
  return true;
}

const alreadyActive = (ref: string, rolloutId: string | null) =>
  conflict(`a rollout is already active on ${ref}; promote or abort it first`, { ref, ...(rolloutId ? { rollout_id: rolloutId } : {}) });

function rolloutView(row: RolloutJoined): RolloutView {
  const r = row.rollout;
  return {
    id: r.id,
    ref: r.ref,
    stable_version: row.stable,
    candidate_version: row.candidate,
    weight: basisPointsToPercent(r.weightBp),
    salt: r.salt,
    status: r.status,
    steps: (r.steps as number[]).map(basisPointsToPercent),
    policy: r.policy ?? null,
    reason: r.reason,
    created_at: r.createdAt,
    created_by: r.createdBy,
    updated_at: r.updatedAt,
    ended_at: r.endedAt,
  };
}

function eventView(e: typeof rolloutEvents.$inferSelect): RolloutEventView {
  return {
    seq: e.seq,
    action: e.action,
    weight_before: e.weightBpBefore === null ? null : basisPointsToPercent(e.weightBpBefore),
    weight_after: e.weightBpAfter === null ? null : basisPointsToPercent(e.weightBpAfter),
    actor: e.actor,
    reason: e.reason,
    evidence: e.evidence ?? null,
    at: e.at,
  };
}
