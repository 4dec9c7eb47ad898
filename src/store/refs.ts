import { aliasedTable, and, asc, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { conflict, notFound, preconditionFailed } from "../domain/errors";
import { assertExpected, stepToUndo, type RefAction } from "../domain/refs";
import { auditInsert, guardedAuditInsert, isGuardFailure, type Mutation } from "./audit";
import { isUniqueViolation, type Database } from "./db";
import type { ModelRow } from "./models";
import { decodeCursor, pageOf, type Page, type Paged } from "./pagination";
import { rollBackRollout } from "./rollouts";
import { refHistory, refs, rollouts, versions } from "./schema";
import type { VersionRow } from "./versions";

export interface RefTarget {
  versionId: string;
  number: number;
}

export interface RefState {
  /** Where the ref points now; null when unset. */
  current: RefTarget | null;
  /** Newest history generation; the next write must claim generation + 1. */
  generation: number;
  activeRolloutId: string | null;
}

export interface RefMove {
  ref: string;
  version: number | null;
  previous_version: number | null;
  generation: number;
}

/** A writer without expected_version re-reads after losing a race; jittered waits keep losers out of lockstep. */
const RETRIES = 10;
const backoff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 4 * (attempt + 1)));

export async function readRef(db: Database, model: ModelRow, name: string): Promise<RefState> {
  const [current, generation, rollout] = await db.batch([
    db
      .select({ versionId: refs.versionId, number: versions.number })
      .from(refs)
      .innerJoin(versions, eq(versions.id, refs.versionId))
      .where(and(eq(refs.modelId, model.id), eq(refs.name, name))),
    db
      .select({ generation: sql<number | null>`MAX(${refHistory.generation})` })
      .from(refHistory)
      .where(and(eq(refHistory.modelId, model.id), eq(refHistory.ref, name))),
    db
      .select({ id: rollouts.id })
      .from(rollouts)
      .where(and(eq(rollouts.modelId, model.id), eq(rollouts.ref, name), eq(rollouts.status, "active"))),
  ]);
  return { current: current[0] ?? null, generation: generation[0]?.generation ?? 0, activeRolloutId: rollout[0]?.id ?? null };
}

export interface RefChange {
  action: RefAction;
  /** The new target; null removes the ref. */
  to: RefTarget | null;
  reason: string;
  /** Audit action name, e.g. `ref.move`. */
  auditAction: string;
  /** Extra facts for the audit event's `after` (forced gates, failed checks, evidence). */
  evidence?: Record<string, unknown>;
  /** A condition that must still hold when the batch runs, or nothing of it lands (see guardedAuditInsert). */
  guard?: SQL;
  /** The rollout this change belongs to: recorded on the history entry, and the audit row names its candidate. */
  rollout?: { id: string; candidateNumber: number; before?: Record<string, unknown> };
}

/**
 * Writes one ref change: a history row claiming the next generation, the ref itself, and the audit event, in one
 * batch. The history row's unique (model, ref, generation) makes concurrent writers that read the same state
 * collide, so exactly one commits.
 */
export function refChangeStatements(m: Mutation, model: ModelRow, name: string, state: RefState, change: RefChange) {
  const generation = state.generation + 1;
  const history = m.db.insert(refHistory).values({
    modelId: model.id,
    ref: name,
    generation,
    action: change.action,
    fromVersionId: state.current?.versionId ?? null,
    toVersionId: change.to?.versionId ?? null,
    actor: m.actor,
    reason: change.reason,
    at: m.now,
    rolloutId: change.rollout?.id ?? null,
  });
  const write = change.to
    ? m.db
        .insert(refs)
        .values({ modelId: model.id, name, versionId: change.to.versionId, generation, updatedAt: m.now, updatedBy: m.actor })
        .onConflictDoUpdate({
          target: [refs.modelId, refs.name],
          set: { versionId: change.to.versionId, generation, updatedAt: m.now, updatedBy: m.actor },
        })
    : m.db.delete(refs).where(and(eq(refs.modelId, model.id), eq(refs.name, name)));
  const entry = {
    action: change.auditAction,
    model: model.name,
    // Every rollout.* event names the candidate, whichever arm the ref ends on (before/after say where the ref was).
    version: change.rollout ? change.rollout.candidateNumber : (change.to?.number ?? null),
    ref: name,
    before: { version: state.current?.number ?? null, ...change.rollout?.before },
    after: { version: change.to?.number ?? null, generation, ...change.evidence },
    reason: change.reason,
  };
  const audit = change.guard ? guardedAuditInsert(m, entry, change.guard) : auditInsert(m, entry);
  return { generation, statements: [history, write, audit] as const };
}

export interface MoveOptions {
  reason: string;
  /** Compare-and-set: the version number the caller believes the ref points to (null: unset). */
  expected?: number | null;
  action?: RefAction;
  auditAction?: string;
  evidence?: Record<string, unknown>;
  /** Statements that commit in the same batch as the move (a stage transition un-archiving its target). */
  alongside?: readonly unknown[];
}

/**
 * Moves a ref to a version. Without `expected`, a writer that loses a race re-reads and tries again; with it,
 * losing means the caller's belief is stale: 412.
 */
export async function moveRef(m: Mutation, model: ModelRow, name: string, target: VersionRow, options: MoveOptions): Promise<RefMove> {
  for (let attempt = 0; ; attempt++) {
    const state = await readRef(m.db, model, name);
    assertExpected(name, options.expected, state.current?.number ?? null);
    if (state.activeRolloutId) {
      throw conflict(`a rollout is active on ${name}; promote or abort it before moving the ref`, { ref: name, rollout_id: state.activeRolloutId });
    }
    if (state.current?.versionId === target.id) {
      return { ref: name, version: target.number, previous_version: target.number, generation: state.generation };
    }
    const { generation, statements } = refChangeStatements(m, model, name, state, {
      action: options.action ?? "move",
      to: { versionId: target.id, number: target.number },
      reason: options.reason,
      auditAction: options.auditAction ?? "ref.move",
      evidence: options.evidence,
      // An archive that lands between our read and this batch must not leave the ref on an archived version.
      guard: target.archived ? undefined : sql`(SELECT archived FROM versions WHERE id = ${target.id}) = 0`,
    });
    try {
      if (await committed(m, [...statements, ...(options.alongside ?? [])], options.expected !== undefined, attempt)) {
        return { ref: name, version: target.number, previous_version: state.current?.number ?? null, generation };
      }
    } catch (error) {
      if (isGuardFailure(error)) throw conflict(`version ${target.number} was archived meanwhile; pass force: true with a reason to target it`, { field: "force" });
      throw error;
    }
  }
}

/** Removes a ref (an alias, or a stage the caller forces empty). */
export async function deleteRef(m: Mutation, model: ModelRow, name: string, options: { reason: string; expected?: number | null }): Promise<RefMove> {
  for (let attempt = 0; ; attempt++) {
    const state = await readRef(m.db, model, name);
    assertExpected(name, options.expected, state.current?.number ?? null);
    if (!state.current) throw notFound(`ref '${name}' of model '${model.name}' is not set`, { ref: name });
    if (state.activeRolloutId) {
      throw conflict(`a rollout is active on ${name}; promote or abort it before removing the ref`, { ref: name, rollout_id: state.activeRolloutId });
    }
    const { generation, statements } = refChangeStatements(m, model, name, state, {
      action: "delete",
      to: null,
      reason: options.reason,
      auditAction: "ref.delete",
    });
    if (await committed(m, statements, options.expected !== undefined, attempt)) {
      return { ref: name, version: null, previous_version: state.current.number, generation };
    }
  }
}

/**
 * Instant rollback: moves the ref back to where it pointed before its newest move not yet undone. Never gated;
 * with an active rollout on the ref, rolling back means ending the canary (the ref still points at stable).
 */
export async function rollbackRef(
  m: Mutation,
  model: ModelRow,
  name: string,
  options: { reason: string; expected?: number | null; action?: "rollback" | "auto_rollback"; evidence?: Record<string, unknown> },
): Promise<RefMove & { rollout_id?: string }> {
  for (let attempt = 0; ; attempt++) {
    const state = await readRef(m.db, model, name);
    assertExpected(name, options.expected, state.current?.number ?? null);
    if (state.activeRolloutId) return rollBackRollout(m, model, name, state, options);
    const history = await m.db
      .select({
        generation: refHistory.generation,
        action: refHistory.action,
        fromVersionId: refHistory.fromVersionId,
        toVersionId: refHistory.toVersionId,
      })
      .from(refHistory)
      .where(and(eq(refHistory.modelId, model.id), eq(refHistory.ref, name)));
    const step = stepToUndo(history);
    if (!step) throw conflict(`ref '${name}' has no move to roll back`, { ref: name });
    if (!step.fromVersionId) throw conflict(`ref '${name}' pointed to no version before its last move; nothing to roll back to`, { ref: name });
    const target = await m.db
      .select({ versionId: versions.id, number: versions.number, deletedAt: versions.deletedAt })
      .from(versions)
      .where(eq(versions.id, step.fromVersionId))
      .get();
    if (target!.deletedAt !== null) {
      throw conflict(
        `rolling '${name}' back would point it at version ${target!.number}, which was deleted; an admin restores it first ` +
          `(POST /v1/models/${model.name}/versions/${target!.number}/restore)`,
        { ref: name, version: target!.number, reason: "deleted" },
      );
    }
    const { generation, statements } = refChangeStatements(m, model, name, state, {
      action: options.action ?? "rollback",
      to: { versionId: target!.versionId, number: target!.number },
      reason: options.reason,
      auditAction: options.action === "auto_rollback" ? "ref.auto_rollback" : "ref.rollback",
      evidence: { undoes_generation: step.generation, ...options.evidence },
    });
    if (await committed(m, statements, options.expected !== undefined, attempt)) {
      return { ref: name, version: target!.number, previous_version: state.current?.number ?? null, generation };
    }
  }
}

/** Runs a ref batch; false means a concurrent writer claimed the generation first and the caller should retry. */
async function committed(m: Mutation, statements: readonly unknown[], strict: boolean, attempt: number): Promise<boolean> {
  try {
    await m.db.batch(statements as never);
    return true;
  } catch (error) {
    if (!isUniqueViolation(error, "ref_history")) throw error;
    if (strict) throw preconditionFailed("the ref moved concurrently; read it again and retry", { field: "expected_version" });
    if (attempt >= RETRIES) throw conflict("the ref is moving under heavy contention; retry", {});
    await backoff(attempt);
    return false;
  }
}

export interface RefView {
  ref: string;
  version: number;
  generation: number;
  updated_at: string;
  updated_by: string;
}

export async function listRefs(db: Database, model: ModelRow): Promise<RefView[]> {
  const rows = await db
    .select({ ref: refs.name, version: versions.number, generation: refs.generation, updatedAt: refs.updatedAt, updatedBy: refs.updatedBy })
    .from(refs)
    .innerJoin(versions, eq(versions.id, refs.versionId))
    .where(eq(refs.modelId, model.id))
    .orderBy(asc(refs.name));
  return rows.map((r) => ({ ref: r.ref, version: r.version, generation: r.generation, updated_at: r.updatedAt, updated_by: r.updatedBy }));
}

export interface RefHistoryView {
  generation: number;
  action: RefAction;
  from_version: number | null;
  to_version: number | null;
  actor: string;
  reason: string;
  at: string;
  /** The rollout the entry belongs to, naming both arms; null for plain moves. */
  rollout: HistoryRollout | null;
}

export interface HistoryRollout {
  id: string;
  stable_version: number;
  candidate_version: number;
}

const stableOfRollout = aliasedTable(versions, "rollout_stable");
const candidateOfRollout = aliasedTable(versions, "rollout_candidate");

/** Columns naming an entry's rollout and its arms; join with `joinHistoryRollout`. */
export const historyRolloutColumns = {
  rolloutId: refHistory.rolloutId,
  rolloutStable: sql<number | null>`${stableOfRollout.number}`.as("rollout_stable_number"),
  rolloutCandidate: sql<number | null>`${candidateOfRollout.number}`.as("rollout_candidate_number"),
};

export function joinHistoryRollout<Q extends { leftJoin: (...args: any[]) => any }>(query: Q): Q {
  return query
    .leftJoin(rollouts, eq(rollouts.id, refHistory.rolloutId))
    .leftJoin(stableOfRollout, eq(stableOfRollout.id, rollouts.stableVersionId))
    .leftJoin(candidateOfRollout, eq(candidateOfRollout.id, rollouts.candidateVersionId)) as Q;
}

export function historyRolloutOf(r: { rolloutId: string | null; rolloutStable: number | null; rolloutCandidate: number | null }): HistoryRollout | null {
  return r.rolloutId === null ? null : { id: r.rolloutId, stable_version: r.rolloutStable!, candidate_version: r.rolloutCandidate! };
}

/** A ref_history row (joined with its versions' numbers and its rollout) as the API answers it. */
export function historyEntryOf(r: {
  generation: number;
  action: RefAction;
  from: number | null;
  to: number | null;
  actor: string;
  reason: string;
  at: string;
  rolloutId: string | null;
  rolloutStable: number | null;
  rolloutCandidate: number | null;
}): RefHistoryView {
  return {
    generation: r.generation,
    action: r.action,
    from_version: r.from,
    to_version: r.to,
    actor: r.actor,
    reason: r.reason,
    at: r.at,
    rollout: historyRolloutOf(r),
  };
}

/** Newest first; the cursor is the last generation seen. */
export async function listRefHistory(db: Database, model: ModelRow, name: string, page: Page): Promise<Paged<RefHistoryView>> {
  const after = decodeCursor(page.cursor, z.object({ generation: z.number().int() }));
  const fromVersion = aliasedTable(versions, "from_version");
  const toVersion = aliasedTable(versions, "to_version");
  const query = db
    .select({
      generation: refHistory.generation,
      action: refHistory.action,
      from: fromVersion.number,
      to: toVersion.number,
      actor: refHistory.actor,
      reason: refHistory.reason,
      at: refHistory.at,
      ...historyRolloutColumns,
    })
    .from(refHistory)
    .leftJoin(fromVersion, eq(fromVersion.id, refHistory.fromVersionId))
    .leftJoin(toVersion, eq(toVersion.id, refHistory.toVersionId));
  const rows = await joinHistoryRollout(query)
    .where(and(eq(refHistory.modelId, model.id), eq(refHistory.ref, name), after ? lt(refHistory.generation, after.generation) : undefined))
    .orderBy(desc(refHistory.generation))
    .limit(page.limit + 1);
  return pageOf(rows, page, historyEntryOf, (r) => ({ generation: r.generation }));
}
