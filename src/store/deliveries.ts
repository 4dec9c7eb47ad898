/**
 * The delivery log as the webhook queue uses it: claims under a lease and a generation (a message of an older
 * enqueueing is stale), per-(webhook, model) order for ordered webhooks, dead letters, the cron sweep's re-enqueue,
 * and the admin's redeliver and replay. Every state change is one conditional statement, so duplicate queue
 * messages, the sweep and the admin never race each other into a double send.
 */
import { and, asc, eq, gte, lt, sql } from "drizzle-orm";
import { conflict, notFound } from "../domain/errors";
import { auditInsertIfChanged, type Mutation } from "./audit";
import { inList, type Database } from "./db";
import { deliveryView, type Attempt, type DeliveryView } from "./webhooks";
import { webhookDeliveries as d, webhooks } from "./schema";

/** What a queue message carries: the delivery, the enqueueing it belongs to, and its (webhook, model) stream. */
export interface DeliveryTicket {
  delivery: string;
  generation: number;
  webhook: string;
  model: string | null;
  /** false when the webhook did not ask for order (a batch may then send it alongside its model's others). */
  ordered?: boolean;
}

export interface ClaimedDelivery {
  id: string;
  body: string;
  event: string;
  model: string | null;
  sequence: number;
  attempts: Attempt[];
  webhookId: string;
  url: string;
  secret: string;
  ordered: boolean;
}

export type Claim =
  | { kind: "claimed"; delivery: ClaimedDelivery }
  | { kind: "waiting" }
  /** another consumer is sending it (or died doing so) until `until` */
  | { kind: "leased"; until: string }
  | { kind: "stale" };

const returningTicket = { delivery: d.id, generation: d.generation, webhook: d.webhookId, model: d.model };

// Raw SQL: correlated subqueries over the same table need the outer row named explicitly.
const unleased = (now: string) => sql`(${d.leaseUntil} IS NULL OR ${d.leaseUntil} <= ${now})`;
const earlierUnsettled = sql`EXISTS (SELECT 1 FROM "webhook_deliveries" AS "earlier"
  WHERE "earlier"."webhook_id" = "webhook_deliveries"."webhook_id" AND "earlier"."model" IS "webhook_deliveries"."model"
    AND "earlier"."sequence" < "webhook_deliveries"."sequence" AND "earlier"."status" = 'pending')`;
const webhookIsOrdered = sql`(SELECT "ordered" FROM "webhooks" WHERE "webhooks"."id" = "webhook_deliveries"."webhook_id") = 1`;

/**
 * Takes a delivery for one attempt: it must be pending, of the ticket's generation, not leased, and, for an ordered
 * webhook, the first unsettled one of its model. Otherwise it parks (`waiting`, in the same statement that sees the
 * earlier one unsettled, so that one's settlement finds it) or the ticket is stale.
 */
export async function claimQueuedDelivery(db: Database, ticket: DeliveryTicket, now: string, leaseUntil: string): Promise<Claim> {
  const mine = and(eq(d.id, ticket.delivery), eq(d.generation, ticket.generation), eq(d.status, "pending"), unleased(now));
  // Settlements race the parking; a settled predecessor between the two statements is seen on the next round.
  for (let round = 0; round < 3; round++) {
    const [claimed] = await db
      .update(d)
      .set({ leaseUntil, waiting: false, updatedAt: now })
      .where(and(mine, sql`NOT (${webhookIsOrdered} AND ${earlierUnsettled})`))
      .returning();
    if (claimed) {
      const hook = await db
        .select({ url: webhooks.url, secret: webhooks.secret, ordered: webhooks.ordered, deletedAt: webhooks.deletedAt })
        .from(webhooks)
        .where(eq(webhooks.id, claimed.webhookId))
        .get();
      if (!hook || hook.deletedAt) return { kind: "stale" };
      const { id, body, event, model, sequence, webhookId } = claimed;
      return { kind: "claimed", delivery: { id, body, event, model, sequence, webhookId, attempts: claimed.attempts as Attempt[], url: hook.url, secret: hook.secret, ordered: hook.ordered } };
    }
    const [parked] = await db
      .update(d)
      .set({ waiting: true, updatedAt: now })
      .where(and(mine, webhookIsOrdered, earlierUnsettled))
      .returning({ id: d.id });
    if (parked) return { kind: "waiting" };
    const row = await db
      .select({ leaseUntil: d.leaseUntil })
      .from(d)
      .where(and(eq(d.id, ticket.delivery), eq(d.generation, ticket.generation), eq(d.status, "pending")))
      .get();
    if (!row) return { kind: "stale" };
    if (row.leaseUntil && row.leaseUntil > now) return { kind: "leased", until: row.leaseUntil };
  }
  return { kind: "stale" };
}

/** Appends an attempt, lets go of the lease, and settles the delivery or names when its message comes back. */
export async function recordQueuedAttempt(
  db: Database,
  id: string,
  attempts: Attempt[],
  outcome: { status: "delivered" } | { status: "pending"; nextAttemptAt: string },
  now: string,
): Promise<void> {
  await db
    .update(d)
    .set({ attempts, status: outcome.status, nextAttemptAt: outcome.status === "pending" ? outcome.nextAttemptAt : null, leaseUntil: null, updatedAt: now })
    .where(eq(d.id, id));
}

/** The dead-letter queue's verdict: the delivery failed for good (unless a newer enqueueing took it over). */
export async function markDeadLetter(db: Database, ticket: DeliveryTicket, now: string): Promise<{ webhookId: string; model: string | null } | null> {
  const [dead] = await db
    .update(d)
    .set({ status: "failed", nextAttemptAt: null, leaseUntil: null, waiting: false, updatedAt: now })
    .where(and(eq(d.id, ticket.delivery), eq(d.generation, ticket.generation), eq(d.status, "pending")))
    .returning({ webhookId: d.webhookId, model: d.model });
  return dead ?? null;
}

/** After a delivery of an ordered webhook settled: the next one of its model, if it parked, gets a new ticket. */
export async function releaseNextInOrder(db: Database, webhookId: string, model: string | null, now: string): Promise<DeliveryTicket[]> {
  const next = sql`(SELECT "id" FROM "webhook_deliveries" AS "next" WHERE "next"."webhook_id" = ${webhookId}
    AND "next"."model" IS ${model} AND "next"."status" = 'pending' ORDER BY "next"."sequence" LIMIT 1)`;
  return db
    .update(d)
    .set({ waiting: false, generation: sql`${d.generation} + 1`, nextAttemptAt: now, updatedAt: now })
    .where(and(eq(d.waiting, true), sql`${d.id} = ${next}`))
    .returning(returningTicket);
}

/**
 * The cron sweep: pending deliveries whose message is overdue by the grace (an enqueue that failed, a local queue
 * lost with its server) are enqueued again under the same ticket, and their expected time moves to now. Should the
 * old message still arrive, the two are duplicates, which the lease and the settled status make harmless; a new
 * generation would instead let a sweep shorter than the queue's backlog invalidate every message before it arrives.
 */
export async function requeueOverdue(db: Database, overdueSince: string, now: string, limit: number): Promise<DeliveryTicket[]> {
  const overdue = db
    .select({ id: d.id })
    .from(d)
    .where(and(eq(d.status, "pending"), sql`${d.nextAttemptAt} <= ${overdueSince}`, unleased(now)))
    .orderBy(asc(d.nextAttemptAt))
    .limit(limit);
  return db
    .update(d)
    .set({ waiting: false, nextAttemptAt: now, updatedAt: now })
    .where(and(sql`${d.id} IN ${overdue}`, eq(d.status, "pending")))
    .returning(returningTicket);
}

/** One delivery of one webhook, as the log shows it. */
export async function getDelivery(db: Database, webhookId: string, id: string): Promise<DeliveryView> {
  const row = await db.select().from(d).where(and(eq(d.id, id), eq(d.webhookId, webhookId))).get();
  if (!row) throw notFound(`delivery ${id} of webhook ${webhookId} does not exist`, { delivery: id });
  return deliveryView(row);
}

async function requireDelivery(db: Database, webhookId: string, id: string) {
  const hook = await db.select({ deletedAt: webhooks.deletedAt }).from(webhooks).where(eq(webhooks.id, webhookId)).get();
  if (!hook) throw notFound(`webhook ${webhookId} does not exist`, { id: webhookId });
  if (hook.deletedAt) throw conflict(`webhook ${webhookId} is deleted; nothing is sent to it any more`, { id: webhookId, deleted_at: hook.deletedAt });
  const row = await db.select().from(d).where(and(eq(d.id, id), eq(d.webhookId, webhookId))).get();
  if (!row) throw notFound(`delivery ${id} of webhook ${webhookId} does not exist`, { delivery: id });
  return row;
}

/** Puts a settled delivery back in flight (same id, same body), audited in the same batch. */
export async function redeliver(m: Mutation, webhookId: string, id: string): Promise<DeliveryTicket> {
  const row = await requireDelivery(m.db, webhookId, id);
  if (row.status === "pending") throw conflict(`delivery ${id} is still in flight`, { delivery: id, status: row.status });
  const [[ticket]] = await m.db.batch([
    m.db
      .update(d)
      .set({ status: "pending", generation: sql`${d.generation} + 1`, waiting: false, leaseUntil: null, nextAttemptAt: m.now, updatedAt: m.now })
      .where(and(eq(d.id, id), eq(d.status, row.status)))
      .returning(returningTicket),
    auditInsertIfChanged(m, { action: "webhook.redeliver", model: row.model, before: { status: row.status }, after: { webhook_id: webhookId, delivery: id, event: row.event, status: "pending" } }),
  ]);
  if (!ticket) throw conflict(`delivery ${id} changed while it was being redelivered; try again`, { delivery: id });
  return ticket;
}

/** Dead letters of one webhook recorded in [since, until), oldest first, at most `limit` per call. */
export async function replayDeadLetters(
  m: Mutation,
  webhookId: string,
  range: { since: string; until: string },
  limit: number,
): Promise<{ tickets: DeliveryTicket[]; more: boolean }> {
  const hook = await m.db.select({ deletedAt: webhooks.deletedAt }).from(webhooks).where(eq(webhooks.id, webhookId)).get();
  if (!hook) throw notFound(`webhook ${webhookId} does not exist`, { id: webhookId });
  if (hook.deletedAt) throw conflict(`webhook ${webhookId} is deleted; nothing is sent to it any more`, { id: webhookId, deleted_at: hook.deletedAt });
  const dead = await m.db
    .select({ id: d.id })
    .from(d)
    .where(and(eq(d.webhookId, webhookId), eq(d.status, "failed"), gte(d.createdAt, range.since), lt(d.createdAt, range.until)))
    .orderBy(asc(d.createdAt), asc(d.sequence))
    .limit(limit + 1);
  const ids = dead.slice(0, limit).map((r) => r.id);
  if (ids.length === 0) return { tickets: [], more: false };
  const [tickets] = await m.db.batch([
    m.db
      .update(d)
      .set({ status: "pending", generation: sql`${d.generation} + 1`, waiting: false, leaseUntil: null, nextAttemptAt: m.now, updatedAt: m.now })
      .where(and(inList(d.id, ids), eq(d.status, "failed")))
      .returning(returningTicket),
    auditInsertIfChanged(m, { action: "webhook.replay", after: { webhook_id: webhookId, since: range.since, until: range.until, deliveries: ids } }),
  ]);
  return { tickets, more: dead.length > limit };
}
