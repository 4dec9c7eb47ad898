/**
 * Webhook subscriptions and deliveries: which events exist, who receives them, how a body is signed, and when a
 * failed delivery is tried again. Uses only Web Crypto, so it runs anywhere the Worker does.
 */
export const WEBHOOK_EVENTS = [
  "version.created",
  "version.ready",
  "version.deleted",
  "version.restored",
  "ref.moved",
  "stage.changed",
  "rollout.started",
  "rollout.changed",
  "rollout.promoted",
  "rollout.aborted",
  "auto_rollback",
  "drift.detected",
  "model.renamed",
  "model.deleted",
  "model.restored",
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** What a route or job reports after its change committed; `data` is the event's own facts. */
export interface RegistryEvent {
  type: WebhookEvent;
  model: string | null;
  data: Record<string, unknown>;
}

/** `*` subscribes to every event, present and future. */
export const ALL_EVENTS = "*";

/** Whether a webhook listening to `events` wants this event (its model glob is matched where webhooks are stored). */
export const subscribes = (events: readonly string[], type: WebhookEvent) => events.includes(ALL_EVENTS) || events.includes(type);

/** Seconds to wait after failed attempt 1, 2, …; after the last one the delivery has failed for good. */
export const RETRY_DELAYS_S = [60, 300, 1800, 7200] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_S.length + 1;

/** When the next attempt is due after `attempts` failed ones, or null when none is left. */
export function nextAttemptAt(attempts: number, nowMs: number): number | null {
  const delay = RETRY_DELAYS_S[attempts - 1];
  return delay === undefined ? null : nowMs + delay * 1000;
}

/**
 * The queue's backoff: `delays` (seconds) as configured by WEBHOOK_RETRY_DELAYS_S, or RETRY_DELAYS_S when it is
 * unset or not a list of whole seconds within the queue's 0–86400 (12 h in production) limit.
 */
export function retryDelaysOf(setting: string | undefined): readonly number[] {
  const delays = (setting ?? "").split(",").map((part) => part.trim()).filter(Boolean).map(Number);
  const valid = delays.length > 0 && delays.every((d) => Number.isInteger(d) && d >= 0 && d <= 43_200);
  return valid ? delays : RETRY_DELAYS_S;
}

/** Seconds before the queue brings a message back after its `attempt`-th failure; past the list, the last delay. */
export function queueRetryDelay(attempt: number, delays: readonly number[]): number {
  return delays[Math.min(Math.max(attempt, 1), delays.length) - 1] ?? 0;
}

/** Receivers answering 2xx have the event; anything else (or no answer) is retried. */
export const isDelivered = (status: number | null) => status !== null && status >= 200 && status < 300;

export const SIGNATURE_HEADER = "X-Edgereg-Signature";

/** `sha256=<hex of HMAC-SHA256(secret, body)>`, the header a receiver recomputes to trust a delivery. */
export async function signatureOf(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  let hex = "";
  for (const b of mac) hex += b.toString(16).padStart(2, "0");
  return `sha256=${hex}`;
}

/** The JSON body every subscriber of one event receives, byte for byte the same on each retry. */
export function deliveryBody(eventId: string, at: string, event: RegistryEvent): string {
  return JSON.stringify({ id: eventId, type: event.type, at, model: event.model, data: event.data });
}
