/**
 * The delivery log's commands: put one settled delivery back in flight (redeliver), or every dead letter of a
 * webhook recorded in a time range (replay). Both keep the delivery's id, body and attempts (the log stays
 * complete), write their audit event in the same batch, then send through the deployment's transport.
 */
import { authorize } from "../auth/principal";
import { badRequest } from "../domain/errors";
import * as store from "../store/deliveries";
import type { DeliveryView } from "../store/webhooks";
import type { CommandContext } from "./context";

export type { DeliveryView } from "../store/webhooks";
export { listDeliveries } from "../store/webhooks";

/** Most dead letters one replay call puts back; `more` says to call again. */
export const REPLAY_LIMIT = 500;

// Webhooks see events of any model their glob matches: an unscoped admin's to manage, like the webhooks themselves.
const authorizeDeliveries = (ctx: CommandContext) => authorize(ctx.principal, "admin", undefined, { unscoped: true });

export async function redeliverDelivery(ctx: CommandContext, webhookId: string, deliveryId: string): Promise<DeliveryView> {
  authorizeDeliveries(ctx);
  const ticket = await store.redeliver(ctx, webhookId, deliveryId);
  await send(ctx, [ticket]);
  return store.getDelivery(ctx.db, webhookId, deliveryId);
}

export interface ReplayInput {
  since: string;
  until: string;
}

export interface ReplayResult {
  replayed: number;
  deliveries: string[];
  /** More dead letters are in the range than one call replays. */
  more: boolean;
}

export async function replayDeadLetters(ctx: CommandContext, webhookId: string, range: ReplayInput): Promise<ReplayResult> {
  authorizeDeliveries(ctx);
  if (!(Date.parse(range.since) < Date.parse(range.until))) {
    throw badRequest("until must be later than since", { field: "until", since: range.since, until: range.until });
  }
  const since = new Date(range.since).toISOString();
  const until = new Date(range.until).toISOString();
  const { tickets, more } = await store.replayDeadLetters(ctx, webhookId, { since, until }, REPLAY_LIMIT);
  await send(ctx, tickets);
  return { replayed: tickets.length, deliveries: tickets.map((t) => t.delivery), more };
}

/** The rows are pending and committed: should the send fail, the cron sweep sends them. */
async function send(ctx: CommandContext, tickets: store.DeliveryTicket[]): Promise<void> {
  if (tickets.length === 0) return;
  try {
    await ctx.deliver?.(tickets);
  } catch (error) {
    console.error("redelivery: enqueue failed; the cron sweep will send", error);
  }
}
