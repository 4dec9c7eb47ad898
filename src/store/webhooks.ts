import { globMatches } from "../auth/principal";
import { and, desc, eq, isNull, lte, sql } from "drizzle-orm";
import { z } from "zod";
import { notFound } from "../domain/errors";
import { auditInsert, type Mutation } from "./audit";
import type { Database } from "./db";
import { decodeCursor, pageOf, type Page, type Paged } from "./pagination";
import { webhookDeliveries, webhooks } from "./schema";

export type WebhookRow = typeof webhooks.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  model: string;
  description: string;
  ordered: boolean;
  created_at: string;
  created_by: string;
  deleted_at: string | null;
}

export interface Attempt {
  at: string;
  /** the receiver's HTTP status; null when no answer came */
  status: number | null;
  error: string | null;
}

export interface DeliveryView {
  id: string;
  webhook_id: string;
  event_id: string;
  event: string;
  model: string | null;
  status: DeliveryRow["status"];
  sequence: number;
  attempts: Attempt[];
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
}

const SECRET_BYTES = 32;

/** Random, `whsec_`-prefixed so it never reads as a bearer token; it keys HMACs and authenticates nothing. */
function newSigningSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `whsec_${btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

export async function createWebhook(
  m: Mutation,
  input: { url: string; events: string[]; model?: string; description?: string; ordered?: boolean },
): Promise<WebhookView & { secret: string }> {
  const row: WebhookRow = {
    id: crypto.randomUUID(),
    url: input.url,
    events: [...new Set(input.events)],
    modelGlob: input.model ?? "*",
    secret: newSigningSecret(),
    description: input.description ?? "",
    ordered: input.ordered ?? false,
    createdAt: m.now,
    createdBy: m.actor,
    deletedAt: null,
  };
  const view = webhookView(row);
  await m.db.batch([
    m.db.insert(webhooks).values(row),
    auditInsert(m, { action: "webhook.create", after: { id: row.id, url: row.url, events: row.events, model: row.modelGlob, ordered: row.ordered } }),
  ]);
  return { ...view, secret: row.secret };
}

/** Newest first; the cursor is the last (created_at, id) seen. Deleted webhooks only on request. */
export async function listWebhooks(db: Database, page: Page, includeDeleted: boolean): Promise<Paged<WebhookView>> {
  const after = decodeCursor(page.cursor, z.object({ at: z.string(), id: z.string() }));
  const rows = await db
    .select()
    .from(webhooks)
    .where(
      and(
        includeDeleted ? undefined : isNull(webhooks.deletedAt),
        after ? sql`(${webhooks.createdAt}, ${webhooks.id}) < (${after.at}, ${after.id})` : undefined,
      ),
    )
    .orderBy(desc(webhooks.createdAt), desc(webhooks.id))
    .limit(page.limit + 1);
  return pageOf(rows, page, webhookView, (r) => ({ at: r.createdAt, id: r.id }));
}

export async function requireWebhook(db: Database, id: string): Promise<WebhookRow> {
  const row = await db.select().from(webhooks).where(eq(webhooks.id, id)).get();
  if (!row) throw notFound(`webhook ${id} does not exist`, { id });
  return row;
}

export const getWebhook = async (db: Database, id: string): Promise<WebhookView> => webhookView(await requireWebhook(db, id));

/** Stops deliveries at once (pending retries included); the webhook and its delivery log stay readable. */
export async function deleteWebhook(m: Mutation, id: string): Promise<WebhookView> {
  const row = await requireWebhook(m.db, id);
  if (row.deletedAt) return webhookView(row);
  await m.db.batch([
    m.db.update(webhooks).set({ deletedAt: m.now }).where(and(eq(webhooks.id, id), isNull(webhooks.deletedAt))),
    m.db
      .update(webhookDeliveries)
      .set({ status: "failed", nextAttemptAt: null, updatedAt: m.now })
      .where(and(eq(webhookDeliveries.webhookId, id), eq(webhookDeliveries.status, "pending"))),
    auditInsert(m, { action: "webhook.delete", before: { id, url: row.url, events: row.events, model: row.modelGlob } }),
  ]);
  return webhookView({ ...row, deletedAt: m.now });
}

/**
 * Live webhooks whose model glob matches the event's model (events without a model reach only `*` webhooks).
 * Globs are matched here, not by SQLite: D1 refuses GLOB patterns over 50 bytes, and one long glob would stop
 * every delivery.
 */
export async function webhooksFor(db: Database, model: string | null): Promise<WebhookRow[]> {
  const live = await db.select().from(webhooks).where(isNull(webhooks.deletedAt));
  return live.filter((hook) => (model === null ? hook.modelGlob === "*" : globMatches(hook.modelGlob, model)));
}

export type NewDelivery = Omit<DeliveryRow, "sequence" | "generation" | "leaseUntil" | "waiting">;

/** Records deliveries; each takes the next sequence number of its (webhook, model) inside its own insert. */
export async function insertDeliveries(db: Database, rows: NewDelivery[]): Promise<void> {
  if (rows.length === 0) return;
  const [first, ...rest] = rows.map((r) =>
    db.insert(webhookDeliveries).values({
      ...r,
      sequence: sql`(SELECT COALESCE(MAX(${webhookDeliveries.sequence}), 0) + 1 FROM ${webhookDeliveries} WHERE ${webhookDeliveries.webhookId} = ${r.webhookId} AND ${webhookDeliveries.model} IS ${r.model})`,
    }),
  );
  await db.batch([first!, ...rest]);
}

/**
 * Claims a due delivery for one attempt by pushing its next_attempt_at to `leaseUntil`: of two senders (the
 * request's waitUntil and a cron run) only one gets it. Answers what the attempt needs, or null.
 */
export async function claimDelivery(db: Database, id: string, now: string, leaseUntil: string) {
  const [claimed] = await db
    .update(webhookDeliveries)
    .set({ nextAttemptAt: leaseUntil, updatedAt: now })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, now)))
    .returning({ id: webhookDeliveries.id, body: webhookDeliveries.body, event: webhookDeliveries.event, sequence: webhookDeliveries.sequence, attempts: webhookDeliveries.attempts, webhookId: webhookDeliveries.webhookId });
  if (!claimed) return null;
  const hook = await db
    .select({ url: webhooks.url, secret: webhooks.secret, deletedAt: webhooks.deletedAt })
    .from(webhooks)
    .where(eq(webhooks.id, claimed.webhookId))
    .get();
  if (!hook || hook.deletedAt) return null;
  return { ...claimed, attempts: claimed.attempts as Attempt[], url: hook.url, secret: hook.secret };
}

/** Appends an attempt and settles the delivery (delivered, failed) or schedules the next try. */
export async function recordAttempt(
  db: Database,
  id: string,
  attempts: Attempt[],
  outcome: { status: "delivered" | "failed" } | { status: "pending"; nextAttemptAt: string },
  now: string,
) {
  await db
    .update(webhookDeliveries)
    .set({
      attempts,
      status: outcome.status,
      nextAttemptAt: outcome.status === "pending" ? outcome.nextAttemptAt : null,
      updatedAt: now,
    })
    .where(eq(webhookDeliveries.id, id));
}

/** Pending deliveries whose next attempt is due, oldest due first. */
export async function dueDeliveries(db: Database, now: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, now)))
    .orderBy(webhookDeliveries.nextAttemptAt)
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Newest first; the cursor is the last (created_at, id) seen. */
export async function listDeliveries(db: Database, webhookId: string, page: Page): Promise<Paged<DeliveryView>> {
  await requireWebhook(db, webhookId);
  const after = decodeCursor(page.cursor, z.object({ at: z.string(), id: z.string() }));
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.webhookId, webhookId),
        after ? sql`(${webhookDeliveries.createdAt}, ${webhookDeliveries.id}) < (${after.at}, ${after.id})` : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(page.limit + 1);
  return pageOf(rows, page, deliveryView, (r) => ({ at: r.createdAt, id: r.id }));
}

function webhookView(r: WebhookRow): WebhookView {
  return {
    id: r.id,
    url: r.url,
    events: r.events,
    model: r.modelGlob,
    description: r.description,
    ordered: r.ordered,
    created_at: r.createdAt,
    created_by: r.createdBy,
    deleted_at: r.deletedAt,
  };
}

export function deliveryView(r: DeliveryRow): DeliveryView {
  return {
    id: r.id,
    webhook_id: r.webhookId,
    event_id: r.eventId,
    event: r.event,
    model: r.model,
    status: r.status,
    sequence: r.sequence,
    attempts: r.attempts as Attempt[],
    next_attempt_at: r.nextAttemptAt,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}
