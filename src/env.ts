import type { Clock } from "./domain/clock";
import type { Consistency, SessionPlan } from "./domain/consistency";
import type { Principal } from "./auth/principal";
import type { Database } from "./store/db";
import type { DeliveryTicket } from "./store/deliveries";
import type { ResolveCache } from "./store/resolve";

/** Bindings declared in wrangler.toml, plus secrets from `.dev.vars` or `wrangler secret put`. */
export interface Env {
  DB: D1Database;
  ARTIFACTS: R2Bucket;
  /** Bootstrap admin secret; compared in constant time, never stored. */
  ADMIN_TOKEN?: string;
  /** Signs the short-lived bearers GET /v2/token issues to OCI clients; ADMIN_TOKEN when unset. */
  OCI_BEARER_SECRET?: string;
  /** 0 = strict resolution from D1's primary; > 0 = per-isolate answers at most this old. */
  RESOLVE_MAX_STALENESS_MS?: string;
  /** Mutations one token may make per minute (429 past it); 0 turns the limit off. The bootstrap admin is exempt. */
  RATE_LIMIT_MUTATIONS_PER_MINUTE?: string;
  /** The webhook delivery queue's producer; without it, deliveries go out directly (waitUntil + cron retries). */
  WEBHOOK_QUEUE?: Queue<DeliveryTicket>;
  /** Seconds the queue waits after a delivery's 1st, 2nd, … failed attempt, comma-separated (default 60,300,1800,7200). */
  WEBHOOK_RETRY_DELAYS_S?: string;
  /** A pending delivery whose queue message is this many seconds overdue is re-enqueued by the cron trigger (300). */
  WEBHOOK_REQUEUE_AFTER_S?: string;
  /** Hours an orphaned multipart upload or unreferenced blob is kept before the cron trigger collects it. */
  ORPHAN_GRACE_HOURS?: string;
  /** "true" lets webhooks target loopback, private and link-local addresses (a receiver on the same machine); off by default. */
  WEBHOOK_ALLOW_PRIVATE_TARGETS?: string;
}

/** Per-request values set by middleware and read by handlers through `c.var`. */
export interface Variables {
  requestId: string;
  /** The request's D1 session (docs/deploy-at-scale.md): strict at the primary, or at least as fresh as the caller's bookmark. */
  db: Database;
  readPlan: SessionPlan;
  /** What the answer's X-D1-Consistency says; resolve sets `bounded` when it answered through the isolate's memory. */
  consistency: Consistency;
  clock: Clock;
  /** Who is calling, resolved lazily so routes that batch their own token check avoid an extra round trip. */
  credentials: Credentials;
  principal?: Principal;
  resolveCache: ResolveCache;
}

export type Credentials =
  | { kind: "none" }
  | { kind: "bootstrap-admin" }
  | { kind: "token"; secretHash: string }
  /** An admin UI session cookie (UI routes only): the SHA-256 of its id, looked up in D1. */
  | { kind: "session"; idHash: string }
  | { kind: "invalid"; reason: string };

export type AppEnv = { Bindings: Env; Variables: Variables };
