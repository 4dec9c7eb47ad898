import { and, desc, eq, gte, lt, lte, SQL, sql } from "drizzle-orm";
import type { Database } from "./db";
import { auditEvents } from "./schema";
import { z } from "zod";
import { decodeCursor, pageOf, type Page, type Paged } from "./pagination";

/** Who performs a mutation, when, and under which request: the part every audit event shares. */
export interface Mutation {
  db: Database;
  actor: string;
  requestId: string;
  /** ISO-8601 UTC time of the request, used for every timestamp the mutation writes. */
  now: string;
}

export interface AuditEntry {
  action: string;
  model?: string | null;
  /** A version number, or SQL that computes it inside the same batch (e.g. for a just-inserted version). */
  version?: number | SQL | null;
  ref?: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

export function auditInsert(m: Mutation, entry: AuditEntry) {
  return m.db.insert(auditEvents).values(auditValues(m, entry));
}

/**
 * An audit insert that is also the batch's guard: when `condition` no longer holds at write time, its NOT NULL `at`
 * gets NULL and D1 rolls the whole batch back. It closes the gap between a route's read and its batch.
 */
export function guardedAuditInsert(m: Mutation, entry: AuditEntry, condition: SQL) {
  return m.db.insert(auditEvents).values({ ...auditValues(m, entry), at: sql`CASE WHEN ${condition} THEN ${m.now} END` });
}

/** True when a batch was rolled back because its guardedAuditInsert's condition failed. */
export function isGuardFailure(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${(error as { cause?: unknown }).cause ?? ""}` : String(error);
  return /NOT NULL constraint failed: audit_events\.at/.test(text);
}

/** An audit insert that only lands when the statement before it in the batch changed a row. */
export function auditInsertIfChanged(m: Mutation, entry: AuditEntry) {
  const v = auditValues(m, entry);
  const value = (x: unknown) => (x instanceof SQL ? x : sql`${x}`);
  return m.db.insert(auditEvents).select(
    m.db
      .select({
        // insert…select needs every column in table order; NULL lets SQLite assign the id.
        id: sql<number>`NULL`.as("id"),
        at: value(v.at).as("at"),
        actor: value(v.actor).as("actor"),
        action: value(v.action).as("action"),
        model: value(v.model).as("model"),
        version: value(v.version).as("version"),
        ref: value(v.ref).as("ref"),
        before: value(json(v.before)).as("before"),
        after: value(json(v.after)).as("after"),
        reason: value(v.reason).as("reason"),
        requestId: value(v.requestId).as("request_id"),
      })
      .from(sql`(SELECT 1)`)
      .where(sql`changes() > 0`),
  );
}

function auditValues(m: Mutation, e: AuditEntry) {
  return {
    at: m.now,
    actor: m.actor,
    action: e.action,
    model: e.model ?? null,
    version: e.version ?? null,
    ref: e.ref ?? null,
    before: e.before ?? null,
    after: e.after ?? null,
    reason: e.reason ?? "",
    requestId: m.requestId,
  };
}

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

export interface AuditFilter {
  model?: string;
  actor?: string;
  action?: string;
  since?: string;
  until?: string;
  /** Restricts a scoped admin to the models its token may touch (SQLite GLOB). */
  modelGlob?: string;
}

export interface AuditEvent {
  id: number;
  at: string;
  actor: string;
  action: string;
  model: string | null;
  version: number | null;
  ref: string | null;
  before: unknown;
  after: unknown;
  reason: string;
  request_id: string;
}

/** Newest first; the cursor is the last id seen, so pages stay stable while new events arrive. */
export async function listAudit(db: Database, filter: AuditFilter, page: Page): Promise<Paged<AuditEvent>> {
  const after = decodeCursor(page.cursor, z.object({ id: z.number().int() }));
  const where = and(
    filter.model ? eq(auditEvents.model, filter.model) : undefined,
    filter.actor ? eq(auditEvents.actor, filter.actor) : undefined,
    filter.action ? actionMatches(filter.action) : undefined,
    filter.since ? gte(auditEvents.at, filter.since) : undefined,
    filter.until ? lte(auditEvents.at, filter.until) : undefined,
    filter.modelGlob && filter.modelGlob !== "*" ? sql`${auditEvents.model} GLOB ${filter.modelGlob}` : undefined,
    after ? lt(auditEvents.id, after.id) : undefined,
  );
  const rows = await db.select().from(auditEvents).where(where).orderBy(desc(auditEvents.id)).limit(page.limit + 1);
  return pageOf(rows, page, auditView, (r) => ({ id: r.id }));
}

export function auditView(r: typeof auditEvents.$inferSelect): AuditEvent {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    model: r.model,
    version: r.version,
    ref: r.ref,
    before: r.before,
    after: r.after,
    reason: r.reason,
    request_id: r.requestId,
  };
}

/** `ref.*` matches every action of that family; anything else matches exactly. */
function actionMatches(action: string) {
  if (!action.endsWith(".*")) return eq(auditEvents.action, action);
  // A prefix compare, not LIKE: D1 refuses LIKE patterns over 50 bytes (and `_` in the family would be a wildcard).
  const prefix = action.slice(0, -1);
  return sql`substr(${auditEvents.action}, 1, ${prefix.length}) = ${prefix}`;
}
