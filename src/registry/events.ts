/**
 * Webhook events: routes and jobs report what changed after their batch committed; matching webhooks get a
 * delivery row (the exact body to sign, the log of every attempt), then one of two transports sends it:
 * - the webhook queue (the WEBHOOK_QUEUE binding, src/registry/delivery-queue.ts consumes it): one message per
 *   delivery, retried by the queue with backoff, dead-lettered after its max_retries; the cron trigger re-enqueues
 *   deliveries whose message went missing;
 * - without that binding, directly: the first attempt after the response (waitUntil), retries by the cron trigger.
 */
import type { Context } from "hono";
import { isoAt, type Clock } from "../domain/clock";
import {
  deliveryBody,
  isDelivered,
  nextAttemptAt,
  SIGNATURE_HEADER,
  signatureOf,
  subscribes,
  type RegistryEvent,
} from "../domain/webhooks";
import { privateTargetsAllowed, webhookTargetProblem } from "../domain/webhook-targets";
import type { AppEnv } from "../env";
import type { Database } from "../store/db";
import type { DeliveryTicket } from "../store/deliveries";
import { claimDelivery, dueDeliveries, insertDeliveries, recordAttempt, webhooksFor, type Attempt, type NewDelivery } from "../store/webhooks";

/** A receiver gets this long to answer; the lease keeps a concurrent sender off the delivery meanwhile. */
const TIMEOUT_MS = 10_000;
const LEASE_MS = 60_000;
const ERROR_CHARS = 500;
/** sendBatch takes at most 100 messages. */
const QUEUE_BATCH = 100;

export type { DeliveryTicket } from "../store/deliveries";
export type DeliveryQueue = Queue<DeliveryTicket>;

/** Where deliveries may go: private targets only when WEBHOOK_ALLOW_PRIVATE_TARGETS says so. */
export interface DeliveryPolicy {
  allowPrivateTargets: boolean;
}

/** The safe default for any caller that doesn't pass the deployment's setting. */
const PUBLIC_TARGETS_ONLY: DeliveryPolicy = { allowPrivateTargets: false };

export const deliveryPolicyOf = (vars: { WEBHOOK_ALLOW_PRIVATE_TARGETS?: string }): DeliveryPolicy => ({
  allowPrivateTargets: privateTargetsAllowed(vars.WEBHOOK_ALLOW_PRIVATE_TARGETS),
});

export interface Emitter {
  db: Database;
  clock: Clock;
  waitUntil(promise: Promise<unknown>): void;
  /** The webhook queue, when the deployment binds one; without it deliveries go out directly. */
  queue?: DeliveryQueue;
  /** Where deliveries may go (WEBHOOK_ALLOW_PRIVATE_TARGETS); public targets only when absent. */
  policy?: DeliveryPolicy;
}

/** The one call a route makes after its change committed: deliveries go out after the response. */
export function notify(c: Context<AppEnv>, ...events: RegistryEvent[]): void {
  emitLater(emitterOf(c), events);
}

export function emitterOf(c: Context<AppEnv>): Emitter {
  return {
    db: c.var.db,
    clock: c.var.clock,
    waitUntil: (p) => c.executionCtx.waitUntil(p),
    queue: c.env.WEBHOOK_QUEUE,
    policy: deliveryPolicyOf(c.env),
  };
}

export function emitLater(emitter: Emitter, events: RegistryEvent[]): void {
  if (events.length === 0) return;
  emitter.waitUntil(
    emit(emitter.db, emitter.clock, events, emitter.queue, emitter.policy).catch((error) => console.error("webhook delivery failed to start", error)),
  );
}

/** Records a delivery per subscribed webhook and event, then enqueues each (or makes each first attempt). */
export async function emit(db: Database, clock: Clock, events: RegistryEvent[], queue?: DeliveryQueue, policy = PUBLIC_TARGETS_ONLY): Promise<void> {
  const now = isoAt(clock.now());
  const rows: NewDelivery[] = [];
  const ordered = new Set<string>();
  for (const event of events) {
    const hooks = (await webhooksFor(db, event.model)).filter((h) => subscribes(h.events, event.type));
    if (hooks.length === 0) continue;
    const eventId = crypto.randomUUID();
    const body = deliveryBody(eventId, now, event);
    for (const hook of hooks) {
      if (hook.ordered) ordered.add(hook.id);
      rows.push({
        id: crypto.randomUUID(),
        webhookId: hook.id,
        eventId,
        event: event.type,
        model: event.model,
        body,
        status: "pending",
        attempts: [],
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      });
    }
  }
  await insertDeliveries(db, rows);
  // From here on the delivery log has them: a failed enqueue is re-enqueued by the cron sweep.
  if (queue) return enqueue(queue, rows.map((r) => ({ delivery: r.id, generation: 0, webhook: r.webhookId, model: r.model, ordered: ordered.has(r.webhookId) })));
  // One webhook receives its events in the order they happened; different webhooks are served side by side.
  const byWebhook = new Map<string, NewDelivery[]>();
  for (const r of rows) byWebhook.set(r.webhookId, [...(byWebhook.get(r.webhookId) ?? []), r]);
  await Promise.all(
    [...byWebhook.values()].map(async (queue) => {
      for (const r of queue) await attemptDelivery(db, clock, r.id, policy);
    }),
  );
}

/** One message per delivery, in order. */
export async function enqueue(queue: DeliveryQueue, tickets: DeliveryTicket[]): Promise<void> {
  for (let i = 0; i < tickets.length; i += QUEUE_BATCH) {
    await queue.sendBatch(tickets.slice(i, i + QUEUE_BATCH).map((body) => ({ body, contentType: "json" as const })));
  }
}

/** Sends deliveries put back in flight (redeliver, replay) the way new ones go. */
export async function dispatch(emitter: Emitter, tickets: DeliveryTicket[]): Promise<void> {
  if (emitter.queue) return enqueue(emitter.queue, tickets);
  const { db, clock } = emitter;
  emitter.waitUntil(
    Promise.all(tickets.map((t) => attemptDelivery(db, clock, t.delivery, emitter.policy))).catch((error) => console.error("redelivery failed", error)),
  );
}

/** Retries whatever is due (the cron trigger calls this). */
export async function retryDueDeliveries(db: Database, clock: Clock, limit = 100, policy = PUBLIC_TARGETS_ONLY): Promise<number> {
  const due = await dueDeliveries(db, isoAt(clock.now()), limit);
  await Promise.all(due.map((id) => attemptDelivery(db, clock, id, policy)));
  return due.length;
}

/** One signed POST; 2xx settles it, anything else schedules the next attempt or, after the last, fails it. */
export async function attemptDelivery(db: Database, clock: Clock, id: string, policy = PUBLIC_TARGETS_ONLY): Promise<void> {
  const started = clock.now();
  const delivery = await claimDelivery(db, id, isoAt(started), isoAt(started + LEASE_MS));
  if (!delivery) return;
  const { status, error } = await send(delivery, policy);
  const attempts = [...delivery.attempts, { at: isoAt(started), status, error }];
  const now = clock.now();
  const next = nextAttemptAt(attempts.length, now);
  const outcome = isDelivered(status)
    ? { status: "delivered" as const }
    : next === null
      ? { status: "failed" as const }
      : { status: "pending" as const, nextAttemptAt: isoAt(next) };
  await recordAttempt(db, id, attempts, outcome, isoAt(now));
}

/**
 * One signed POST of a recorded delivery: what both transports send. `X-Edgereg-Delivery` is the receiver's
 * idempotency key (the same on every retry and redelivery); `X-Edgereg-Sequence` numbers the model's events.
 */
export async function send(
  delivery: { id: string; url: string; secret: string; event: string; body: string; sequence?: number },
  policy: DeliveryPolicy = PUBLIC_TARGETS_ONLY,
): Promise<Pick<Attempt, "status" | "error">> {
  // Checked again at delivery: the rule or the variable may have changed since the webhook was created.
  const refused = webhookTargetProblem(delivery.url, { allowPrivate: policy.allowPrivateTargets });
  if (refused !== null) return { status: null, error: refused };
  return post(delivery);
}

/** One signed POST; redirects are not followed (a 3xx is a failed attempt), so a receiver cannot bounce it inward. */
async function post(delivery: { id: string; url: string; event: string; secret: string; body: string; sequence?: number }): Promise<{ status: number | null; error: string | null }> {
  try {
    const response = await fetch(delivery.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "edgereg-webhooks",
        "X-Edgereg-Event": delivery.event,
        "X-Edgereg-Delivery": delivery.id,
        ...(delivery.sequence ? { "X-Edgereg-Sequence": String(delivery.sequence) } : {}),
        [SIGNATURE_HEADER]: await signatureOf(delivery.secret, delivery.body),
      },
      body: delivery.body,
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await response.body?.cancel();
    return { status: response.status, error: isDelivered(response.status) ? null : `the receiver answered ${response.status}` };
  } catch (e) {
    return { status: null, error: (e instanceof Error ? e.message : String(e)).slice(0, ERROR_CHARS) };
  }
}

/** A new version is created, and READY at once when it declares no artifacts. */
export function versionCreatedEvents(version: { model: string; number: number; semver: string; status: string }): RegistryEvent[] {
  const data = { version: version.number, semver: version.semver, status: version.status };
  const created: RegistryEvent = { type: "version.created", model: version.model, data };
  return version.status === "READY" ? [created, { type: "version.ready", model: version.model, data }] : [created];
}

/** A ref moved by hand (PUT, DELETE or rollback); a rollback that ended a rollout reports the rollout instead. */
export function refChangedEvents(
  model: string,
  action: "move" | "delete" | "rollback",
  change: { ref: string; version: number | null; previous_version: number | null; generation: number; rollout_id?: string },
  reason: string,
): RegistryEvent[] {
  if (change.rollout_id) {
    return [{ type: "rollout.aborted", model, data: { ref: change.ref, rollout_id: change.rollout_id, status: "rolled_back", reason } }];
  }
  if (change.version === change.previous_version) return [];
  return [{ type: "ref.moved", model, data: { ...change, action, reason } }];
}

/** A rollout started, changed weight, was promoted or aborted. */
export function rolloutEvent(
  type: "rollout.started" | "rollout.changed" | "rollout.promoted" | "rollout.aborted",
  model: string,
  rollout: { id: string; ref: string; stable_version: number; candidate_version: number; weight: number; status: string; reason: string },
): RegistryEvent {
  const { id, ref, stable_version, candidate_version, weight, status, reason } = rollout;
  return { type, model, data: { rollout_id: id, ref, stable_version, candidate_version, weight, status, reason } };
}

/** The upload that verified a version's last artifact made it READY: PENDING before the request, READY after. */
export function versionReadyEvents(model: string, before: { number: number; status: string }, statusAfter: string): RegistryEvent[] {
  if (before.status === "READY" || statusAfter !== "READY") return [];
  return [{ type: "version.ready", model, data: { version: before.number, status: "READY" } }];
}
