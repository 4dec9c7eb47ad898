/** Test helpers: talk to the worker exactly as a client would, through its fetch handler. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { createApp } from "../src/app";
import { runScheduled } from "../src/jobs/scheduled";

export const ADMIN = "test-admin-secret";
export const BASE = "http://edgereg.test";

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Sends a request to the worker; `token: null` sends none, the default is the bootstrap admin. */
export async function call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  const token = options.token === undefined ? ADMIN : options.token;
  if (token) headers.set("Authorization", `Bearer ${token}`);
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    if (typeof options.body === "string" || options.body instanceof Uint8Array || options.body instanceof ReadableStream) {
      body = options.body as BodyInit;
    } else {
      body = JSON.stringify(options.body);
      headers.set("Content-Type", "application/json");
    }
  }
  return exports.default.fetch(new Request(`${BASE}${path}`, { method, headers, body }));
}

/** Calls and parses JSON, asserting the status so a failing test shows the server's error. */
export async function callJson<T = any>(method: string, path: string, status: number, options: CallOptions = {}): Promise<T> {
  const res = await call(method, path, options);
  const text = await res.text();
  expect(res.status, `${method} ${path} → ${res.status} ${text}`).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}

let counter = 0;
/** Storage is shared within a test file, so each test names its own models. */
export const uniqueName = (prefix = "m") => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export async function createModel(name = uniqueName(), extra: Record<string, unknown> = {}) {
  return callJson("POST", "/v1/models", 201, { body: { name, ...extra } });
}

export async function createVersion(model: string, semver: string, extra: Record<string, unknown> = {}) {
  return callJson("POST", `/v1/models/${model}/versions`, 201, { body: { semver, ...extra } });
}

export async function moveRef(model: string, ref: string, version: number | string, extra: Record<string, unknown> = {}) {
  return callJson("PUT", `/v1/models/${model}/refs/${ref}`, 200, { body: { version, ...extra } });
}

/**
 * Moves Staging through each version in turn, so each has been in Staging: what the default policy's gate
 * (require_staging) asks of a version before Production.
 */
export async function passThroughStaging(model: string, ...versions: (number | string)[]) {
  for (const version of versions) await moveRef(model, "Staging", version);
}

/** Creates a token with the given role and scope and returns its secret. */
export async function tokenFor(role: "reader" | "reporter" | "publisher" | "admin", modelGlob = "*"): Promise<string> {
  const created = await callJson("POST", "/v1/tokens", 201, { body: { name: `${role}-${uniqueName()}`, role, model_glob: modelGlob } });
  return created.secret;
}

/** Audit events for a model, oldest first. */
export async function auditOf(model: string): Promise<any[]> {
  const page = await callJson("GET", `/v1/audit?model=${encodeURIComponent(model)}&limit=200`, 200);
  return page.items.reverse();
}

/**
 * Row counts of every table, to prove a refused request changed nothing. Leaves out `rate_limits`: its per-minute
 * windows gain a row whenever a request crosses a minute boundary, which is bookkeeping, not state.
 */
export async function tableCounts(): Promise<Record<string, number>> {
  const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT IN ('d1_migrations', 'rate_limits')").all<{ name: string }>();
  const counts: Record<string, number> = {};
  for (const { name } of tables.results) {
    const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).first<{ n: number }>();
    counts[name] = row?.n ?? 0;
  }
  return counts;
}

export async function sha256Hex(bytes: Uint8Array | string): Promise<string> {
  const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  const digest = await crypto.subtle.digest("SHA-256", data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Deterministic pseudo-random bytes (xorshift32), so tests can make large artifacts without storing them. */
export function artifactBytes(size: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(size);
  const words = new Uint32Array(bytes.buffer, 0, size >>> 2);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  for (let i = words.length * 4; i < size; i++) bytes[i] = (seed + i) & 0xff;
  return bytes;
}

/** Uploads an artifact's bytes in one PUT (publisher or admin); returns the response. */
export async function putArtifact(model: string, version: number | string, path: string, bytes: Uint8Array | string, token?: string | null) {
  return call("PUT", `/v1/models/${model}/versions/${version}/artifacts/${path}`, { body: bytes, token });
}

/**
 * The bindings without the webhook queue: deliveries go out directly (waitUntil, cron retries), so a test that
 * checks which events a command announces sees them when its call returns. test/webhook-queue.test.ts covers the queue.
 */
export const directDelivery = () => ({ ...env, WEBHOOK_QUEUE: undefined });

/**
 * The registry with a clock the test moves (observation windows, retries) instead of sleeping. Each request's
 * waitUntil work (webhook deliveries, sent directly: see directDelivery) has finished when `call` returns.
 */
export function clockedRegistry(startMs = Date.now()) {
  const clock = { ms: startMs, now: () => clock.ms };
  const app = createApp({ clock });
  const clockedCall = async (method: string, path: string, options: CallOptions = {}): Promise<Response> => {
    const headers = new Headers(options.headers);
    const token = options.token === undefined ? ADMIN : options.token;
    if (token) headers.set("Authorization", `Bearer ${token}`);
    const raw = typeof options.body === "string" || options.body instanceof Uint8Array;
    if (options.body !== undefined && !raw) headers.set("Content-Type", "application/json");
    const body = options.body === undefined ? undefined : raw ? (options.body as BodyInit) : JSON.stringify(options.body);
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`${BASE}${path}`, { method, headers, body }), directDelivery(), ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
  return {
    clock,
    advance: (seconds: number) => void (clock.ms += seconds * 1000),
    call: clockedCall,
    async callJson<T = any>(method: string, path: string, status: number, options: CallOptions = {}): Promise<T> {
      const res = await clockedCall(method, path, options);
      const text = await res.text();
      expect(res.status, `${method} ${path} → ${res.status} ${text}`).toBe(status);
      return (text ? JSON.parse(text) : null) as T;
    },
    /** What the cron trigger does, at the registry's time. */
    cron: () => runScheduled(directDelivery(), clock),
  };
}

/**
 * A registry with a clock the test moves and bindings of the test's choosing (vars such as ORPHAN_GRACE_HOURS, a
 * faulty DB, the webhook queue: `env: { WEBHOOK_QUEUE: env.WEBHOOK_QUEUE }`; without it deliveries go out directly). `restart()` builds a new app, as a fresh isolate would; `setEnv()` changes bindings between calls.
 */
export function registryWith(options: { startMs?: number; env?: Partial<import("../src/env").Env> } = {}) {
  const clock = { ms: options.startMs ?? Date.now(), now: () => clock.ms };
  const overrides: Partial<import("../src/env").Env> = { ...options.env };
  const bindings = () => ({ ...directDelivery(), ...overrides });
  let app = createApp({ clock });
  const send = async (method: string, path: string, options: CallOptions = {}): Promise<Response> => {
    const headers = new Headers(options.headers);
    const token = options.token === undefined ? ADMIN : options.token;
    if (token) headers.set("Authorization", `Bearer ${token}`);
    const raw = typeof options.body === "string" || options.body instanceof Uint8Array || options.body instanceof ReadableStream;
    if (options.body !== undefined && !raw) headers.set("Content-Type", "application/json");
    const body = options.body === undefined ? undefined : raw ? (options.body as BodyInit) : JSON.stringify(options.body);
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`${BASE}${path}`, { method, headers, body }), bindings(), ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
  return {
    clock,
    advance: (seconds: number) => void (clock.ms += seconds * 1000),
    call: send,
    async callJson<T = any>(method: string, path: string, status: number, options: CallOptions = {}): Promise<T> {
      const res = await send(method, path, options);
      const text = await res.text();
      expect(res.status, `${method} ${path} → ${res.status} ${text}`).toBe(status);
      return (text ? JSON.parse(text) : null) as T;
    },
    cron: () => runScheduled(bindings(), clock),
    restart: () => void (app = createApp({ clock })),
    setEnv: (patch: Partial<import("../src/env").Env>) => void Object.assign(overrides, patch),
  };
}

/**
 * A D1 binding whose batches fail, when `fails` picks them, on one more statement appended at their end (a NOT NULL
 * violation, as a constraint would fail a real write): D1 runs a batch as one transaction, so nothing of it may land.
 * The violation is on `models`, not `audit_events.at`, whose NULL is the signature of a guarded audit's refusal.
 */
export function faultyD1(d1: D1Database, fails: (sql: string[]) => boolean): D1Database {
  return proxyD1(d1, {
    get(target, property) {
      if (property === "batch") {
        return (statements: D1PreparedStatement[]) => {
          const sql = statements.map((s) => String((s as unknown as { statement?: string }).statement ?? ""));
          if (!fails(sql)) return target.batch(statements);
          return target.batch([...statements, target.prepare("INSERT INTO models (id) VALUES (NULL)")]);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const uiSessions = new Map<string, string>();

/**
 * The session cookie value a browser gets by signing in with `token` through the login form (once per token and
 * test file unless `fresh`); null when sign-in is refused.
 */
export async function uiSessionOf(token: string, options: { fresh?: boolean } = {}): Promise<string | null> {
  const known = uiSessions.get(token);
  if (known && !options.fresh) return known;
  const login = await exports.default.fetch(new Request(`${BASE}/ui/login`));
  const nonce = /__Host-edgereg_login=([^;]+)/.exec(login.headers.get("Set-Cookie") ?? "")?.[1];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())?.[1];
  if (!nonce || !csrf) throw new Error("the sign-in page carried no CSRF token");
  const res = await exports.default.fetch(
    new Request(`${BASE}/ui/login`, {
      method: "POST",
      headers: { Origin: BASE, Cookie: `__Host-edgereg_login=${nonce}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token, _csrf: csrf }),
      redirect: "manual",
    }),
  );
  await res.body?.cancel();
  const id = /__Host-edgereg_session=([^;]+)/.exec(res.headers.getSetCookie().join("\n"))?.[1];
  if (!id) return null;
  uiSessions.set(token, id);
  return id;
}

/**
 * A proxy of a D1 binding whose handler also wraps every session opened from it (`withSession`): each request of
 * the registry runs its statements through one session, so a test that intercepts D1 must intercept those.
 */
export function proxyD1(d1: D1Database, handler: ProxyHandler<D1Database>): D1Database {
  return new Proxy(d1, {
    get(target, property, receiver) {
      if (property === "withSession") {
        return (start?: string) => new Proxy(target.withSession(start) as unknown as D1Database, handler);
      }
      return handler.get ? handler.get(target, property, receiver) : Reflect.get(target, property, target);
    },
  });
}
