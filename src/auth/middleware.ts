import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { DomainError } from "../domain/errors";
import type { AppEnv, Credentials } from "../env";
import { findActiveToken, principalOf, touchTokenIfStale } from "../store/tokens";
import { authorize, BOOTSTRAP_ADMIN, type Principal, type Role } from "./principal";
import { principalOfSession, sessionIdHash } from "./sessions";

export { authorize };
import { digestsEqual, hex, sha256Bytes } from "./secrets";

/** The admin UI keeps its session id in this cookie (HttpOnly, Secure, SameSite=Strict); never the token itself. */
export const SESSION_COOKIE = "__Host-edgereg_session";
const UI_PATH = /^\/ui(\/|$)/;

/**
 * Reads the bearer credential without touching storage; the lookup happens when a route asks for a principal.
 * Only UI routes read the session cookie, so the API never acts on ambient browser credentials (no CSRF there).
 */
export function credentials(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const session = UI_PATH.test(c.req.path) ? getCookie(c, SESSION_COOKIE) : undefined;
    c.set("credentials", session ? { kind: "session", idHash: await sessionIdHash(session) } : await credentialsOf(c.req.header("Authorization"), c.env.ADMIN_TOKEN));
    await next();
  };
}

export async function credentialsOf(header: string | undefined, adminToken: string | undefined): Promise<Credentials> {
  if (!header) return { kind: "none" };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return { kind: "invalid", reason: "Authorization must be 'Bearer <token>'" };
  const secret = match[1]!;
  // One digest serves both the constant-time bootstrap check and the token lookup.
  const digest = await sha256Bytes(secret);
  if (adminToken && digestsEqual(digest, await adminDigest(adminToken))) return { kind: "bootstrap-admin" };
  if (!secret.startsWith("er_")) return { kind: "invalid", reason: "unknown token" };
  return { kind: "token", secretHash: hex(new Uint8Array(digest)) };
}

/** The bootstrap secret's digest, computed once per isolate (per secret value). */
let adminDigestMemo: { token: string; digest: Promise<ArrayBuffer> } | null = null;
function adminDigest(token: string): Promise<ArrayBuffer> {
  if (adminDigestMemo?.token !== token) adminDigestMemo = { token, digest: sha256Bytes(token) };
  return adminDigestMemo.digest;
}

export const unauthenticated = (message: string) => new DomainError("UNAUTHENTICATED", message);

/** The caller, looked up once per request. */
export async function principalOfRequest(c: Context<AppEnv>): Promise<Principal> {
  const known = c.get("principal");
  if (known) return known;
  const creds = c.get("credentials");
  const principal = await lookUp(c, creds);
  c.set("principal", principal);
  return principal;
}

async function lookUp(c: Context<AppEnv>, creds: Credentials): Promise<Principal> {
  switch (creds.kind) {
    case "none":
      throw unauthenticated("this route needs a bearer token: Authorization: Bearer er_…");
    case "invalid":
      throw unauthenticated(creds.reason);
    case "bootstrap-admin":
      return BOOTSTRAP_ADMIN;
    case "session": {
      const principal = await principalOfSession(c, creds.idHash);
      if (!principal) throw unauthenticated("the session has ended (signed out, expired, or its token was revoked); sign in again");
      return principal;
    }
    case "token": {
      const now = new Date(c.var.clock.now()).toISOString();
      const row = await findActiveToken(c.var.db, creds.secretHash, now);
      if (!row) throw unauthenticated("token is unknown, revoked or expired");
      const touch = touchTokenIfStale(c.var.db, row.id, row.lastUsedAt, now);
      if (touch) c.executionCtx.waitUntil(touch.run().catch(() => undefined));
      return principalOf(row);
    }
  }
}

/** Route middleware: the role a route needs, checked against the `:name` model when the path has one. */
export function requireRole(role: Role, options: { unscoped?: boolean } = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = await principalOfRequest(c);
    authorize(principal, role, c.req.param("name"), options);
    await next();
  };
}
