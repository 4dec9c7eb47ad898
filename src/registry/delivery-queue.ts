/**
 * The webhook queue's consumers. A message is a ticket (delivery id + generation); the delivery log in D1 is the
 * truth, so a duplicate or stale message sends nothing. The delivery queue signs and sends, asks the queue to bring
 * a failed message back after the configured backoff, and the queue moves it to the dead-letter queue after its
 * max_retries; the dead-letter consumer marks the delivery failed. Ordered webhooks: see claimQueuedDelivery.
 */
import { isoAt, type Clock } from "../domain/clock";
import { isDelivered, queueRetryDelay, retryDelaysOf } from "../domain/webhooks";
import type { Env } from "../env";
import { database, type Database } from "../store/db";
import {
  claimQueuedDelivery,
  markDeadLetter,
  recordQueuedAttempt,
  releaseNextInOrder,
  requeueOverdue,
  type DeliveryTicket,
} from "../store/deliveries";
import { deliveryPolicyOf, enqueue, send, type DeliveryPolicy, type DeliveryQueue } from "./events";

/** Longer than a receiver's 10 s timeout plus the writes around it. */
const LEASE_MS = 15_000;
/** A pending delivery's message this late is presumed lost (the cron sweep re-enqueues it). */
const DEFAULT_REQUEUE_AFTER_S = 300;
const SWEEP_LIMIT = 500;

/** The dead-letter queue is recognised by name: the delivery queue's name plus this suffix (wrangler.toml). */
export const DEAD_LETTER_SUFFIX = "-dlq";

interface Consumer {
  db: Database;
  clock: Clock;
  queue: DeliveryQueue;
  retryDelays: readonly number[];
  policy: DeliveryPolicy;
}

/** The Worker's `queue` handler for both queues. */
export async function consumeWebhookBatch(batch: MessageBatch<unknown>, env: Env, clock: Clock): Promise<void> {
  const queue = env.WEBHOOK_QUEUE;
  if (!queue) throw new Error("a webhook queue batch arrived but the WEBHOOK_QUEUE producer binding is missing");
  const consumer: Consumer = { db: database(env.DB), clock, queue, retryDelays: retryDelaysOf(env.WEBHOOK_RETRY_DELAYS_S), policy: deliveryPolicyOf(env) };
  if (batch.queue.endsWith(DEAD_LETTER_SUFFIX)) await consumeDeadLetters(batch, consumer);
  else await consumeDeliveries(batch, consumer);
}

/**
 * Streams (webhook, model) are served side by side; one stream's messages go one after another, in batch order,
 * unless the ticket says its webhook did not ask for order (then each message is a stream of its own).
 */
async function consumeDeliveries(batch: MessageBatch<unknown>, consumer: Consumer): Promise<void> {
  const streams = new Map<string, Array<{ message: Message<unknown>; ticket: DeliveryTicket }>>();
  for (const message of batch.messages) {
    const ticket = ticketOf(message.body);
    if (!ticket) {
      console.error("webhook queue: dropping a message that is not a delivery ticket", message.id);
      message.ack();
      continue;
    }
    const key = ticket.ordered === false ? message.id : `${ticket.webhook}\n${ticket.model ?? ""}`;
    streams.set(key, [...(streams.get(key) ?? []), { message, ticket }]);
  }
  await Promise.all(
    [...streams.values()].map(async (stream) => {
      for (const { message, ticket } of stream) {
        try {
          await deliverOnce(message, ticket, consumer);
        } catch (error) {
          // D1 or the queue failed us: the message comes back; the delivery row keeps it pending meanwhile.
          console.error("webhook queue: delivery attempt failed to run", error);
          message.retry({ delaySeconds: queueRetryDelay(message.attempts, consumer.retryDelays) });
        }
      }
    }),
  );
}

async function deliverOnce(message: Message<unknown>, ticket: DeliveryTicket, { db, clock, queue, retryDelays, policy }: Consumer): Promise<void> {
  const started = clock.now();
  const claim = await claimQueuedDelivery(db, ticket, isoAt(started), isoAt(started + LEASE_MS));
  if (claim.kind === "leased") {
    // Whoever holds it may have died mid-send: look again once the lease has run out.
    message.retry({ delaySeconds: Math.max(1, Math.ceil((Date.parse(claim.until) - started) / 1000)) });
    return;
  }
  if (claim.kind !== "claimed") {
    // Settled, superseded by a newer ticket, or parked behind an earlier delivery of its model.
    message.ack();
    return;
  }
  const delivery = claim.delivery;
  const { status, error } = await send(delivery, policy);
  const attempts = [...delivery.attempts, { at: isoAt(started), status, error }];
  const now = clock.now();
  if (isDelivered(status)) {
    await recordQueuedAttempt(db, delivery.id, attempts, { status: "delivered" }, isoAt(now));
    message.ack();
    if (delivery.ordered) await enqueue(queue, await releaseNextInOrder(db, delivery.webhookId, delivery.model, isoAt(now)));
    return;
  }
  const delay = queueRetryDelay(message.attempts, retryDelays);
  await recordQueuedAttempt(db, delivery.id, attempts, { status: "pending", nextAttemptAt: isoAt(now + delay * 1000) }, isoAt(now));
  // After the queue's max_retries this goes to the dead-letter queue instead.
  message.retry({ delaySeconds: delay });
}

async function consumeDeadLetters(batch: MessageBatch<unknown>, { db, clock, queue }: Consumer): Promise<void> {
  for (const message of batch.messages) {
    const ticket = ticketOf(message.body);
    if (ticket) {
      const now = isoAt(clock.now());
      const dead = await markDeadLetter(db, ticket, now);
      // Its model's next delivery may have parked behind it (ordered webhooks): the stream moves on.
      if (dead) await enqueue(queue, await releaseNextInOrder(db, dead.webhookId, dead.model, now));
    }
    message.ack();
  }
}

/** The cron trigger's part: re-enqueue pending deliveries whose message is overdue. Answers how many. */
export async function requeueOverdueDeliveries(env: Env, clock: Clock): Promise<number> {
  const queue = env.WEBHOOK_QUEUE;
  if (!queue) return 0;
  const now = clock.now();
  const graceS = Number(env.WEBHOOK_REQUEUE_AFTER_S);
  const grace = (Number.isFinite(graceS) && graceS >= 0 ? graceS : DEFAULT_REQUEUE_AFTER_S) * 1000;
  const tickets = await requeueOverdue(database(env.DB), isoAt(now - grace), isoAt(now), SWEEP_LIMIT);
  await enqueue(queue, tickets);
  return tickets.length;
}

function ticketOf(body: unknown): DeliveryTicket | null {
  if (typeof body !== "object" || body === null) return null;
  const { delivery, generation, webhook, model } = body as Record<string, unknown>;
  if (typeof delivery !== "string" || typeof generation !== "number" || typeof webhook !== "string") return null;
  const { ordered } = body as Record<string, unknown>;
  return { delivery, generation, webhook, model: typeof model === "string" ? model : null, ...(ordered === false ? { ordered } : {}) };
}
