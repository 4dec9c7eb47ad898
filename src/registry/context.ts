/**
 * What every registry command receives: who calls (the principal every command authorizes first), the request and
 * time its audit event records, and where its events go once its batch has committed. Doors build one per request
 * with `contextOf`; the cron trigger builds one for the system actors with `systemContext`.
 */
import type { Context } from "hono";
import { principalOfRequest } from "../auth/middleware";
import type { Principal } from "../auth/principal";
import { isoAt, type Clock } from "../domain/clock";
import type { RegistryEvent } from "../domain/webhooks";
import type { AppEnv } from "../env";
import type { Mutation } from "../store/audit";
import type { Database } from "../store/db";
import { dispatch, emitLater, emitterOf, type DeliveryPolicy, type DeliveryQueue, type DeliveryTicket, type Emitter } from "./events";

export interface CommandContext extends Mutation {
  principal: Principal;
  clock: Clock;
  /** Absolute origin the caller used, for links in answers (artifact URLs). */
  baseUrl: string;
  /** Where webhooks may deliver (the deployment's WEBHOOK_ALLOW_PRIVATE_TARGETS), checked at creation and delivery. */
  deliveryPolicy: DeliveryPolicy;
  /** Announces events to webhooks after the response; a command calls it only after its batch committed. */
  emit(...events: RegistryEvent[]): void;
  /**
   * Sends deliveries a command put back in flight (redeliver, replay) the way new ones go. Hand-built contexts may
   * leave it out: the cron trigger's sweep then sends them.
   */
  deliver?(tickets: DeliveryTicket[]): Promise<void>;
}

/** The context of one request: the caller's token is looked up here (401 when missing or unknown). */
export async function contextOf(c: Context<AppEnv>): Promise<CommandContext> {
  const principal = await principalOfRequest(c);
  const db = c.var.db;
  const clock = c.var.clock;
  const emitter = emitterOf(c);
  return {
    db,
    clock,
    principal,
    actor: principal.name,
    requestId: c.var.requestId,
    now: isoAt(clock.now()),
    baseUrl: new URL(c.req.url).origin,
    deliveryPolicy: emitter.policy!,
    emit: (...events) => emitLater(emitter, events),
    deliver: (tickets) => dispatch(emitter, tickets),
  };
}

/** A context for work nobody requested (the cron trigger): an unscoped admin under a system actor's name. */
export function systemContext(options: {
  db: Database;
  clock: Clock;
  actor: string;
  requestId: string;
  waitUntil: (promise: Promise<unknown>) => void;
  queue?: DeliveryQueue;
  /** The deployment's WEBHOOK_ALLOW_PRIVATE_TARGETS; without it, deliveries reach public targets only. */
  policy?: DeliveryPolicy;
}): CommandContext {
  const { db, clock, actor, requestId, waitUntil, queue, policy } = options;
  const emitter: Emitter = { db, clock, waitUntil, queue, policy };
  return {
    db,
    clock,
    principal: { id: actor, name: actor, role: "admin", modelGlob: "*" },
    actor,
    requestId,
    now: isoAt(clock.now()),
    baseUrl: "",
    deliveryPolicy: policy ?? { allowPrivateTargets: false },
    emit: (...events) => emitLater(emitter, events),
    deliver: (tickets) => dispatch(emitter, tickets),
  };
}
