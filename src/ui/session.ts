/**
 * The UI's session cookie and CSRF defence. Signing in opens a server-side session (src/auth/sessions.ts) whose
 * random id goes in an HttpOnly, Secure, SameSite=Strict `__Host-` cookie (src/auth/middleware.ts reads it for /ui
 * routes only); the token itself never reaches the browser's storage. Every form carries a synchronizer token:
 * the HMAC of the session secret (or, before sign-in, of a random login nonce kept in its own cookie), so a page
 * from another origin cannot produce it and a post without it is refused.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { principalOfRequest, SESSION_COOKIE } from "../auth/middleware";
import type { Principal } from "../auth/principal";
import { closeUiSession, openUiSession } from "../auth/sessions";
import { secretsEqual } from "../auth/secrets";
import { DomainError } from "../domain/errors";
import type { AppEnv } from "../env";

export const CSRF_FIELD = "_csrf";
const LOGIN_COOKIE = "__Host-edgereg_login";
const LOGIN_SECONDS = 60 * 60;

const cookieOptions = (maxAge: number) => ({ path: "/", secure: true, httpOnly: true, sameSite: "Strict" as const, maxAge });

/** Opens a session for the principal that just signed in and hands its id to the browser. */
export async function startSession(c: Context<AppEnv>, principal: Principal): Promise<void> {
  const session = await openUiSession(c, principal);
  setCookie(c, SESSION_COOKIE, session.id, cookieOptions(session.maxAgeSeconds));
  deleteCookie(c, LOGIN_COOKIE, { path: "/", secure: true });
}

/** Sign-out: ends the session in D1 (when it is still live) and drops the cookie. */
export async function signOut(c: Context<AppEnv>): Promise<void> {
  const credentials = c.get("credentials");
  const principal = await principalOfRequest(c).catch(() => null);
  if (principal && credentials.kind === "session") await closeUiSession(c, credentials.idHash, principal);
  endSession(c);
}

/** Drops the cookie (the session is already over, or is being ended). */
export function endSession(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
}

export const hasSession = (c: Context<AppEnv>) => getCookie(c, SESSION_COOKIE) !== undefined;

/** The CSRF token of the signed-in session, for the forms a page renders. */
export async function sessionCsrfToken(c: Context<AppEnv>): Promise<string> {
  const secret = getCookie(c, SESSION_COOKIE);
  return secret ? csrfTokenOf(secret) : "";
}

/** The sign-in form's CSRF token, from a nonce cookie set now if the browser has none. */
export async function loginCsrfToken(c: Context<AppEnv>): Promise<string> {
  let nonce = getCookie(c, LOGIN_COOKIE);
  if (!nonce) {
    nonce = randomToken();
    setCookie(c, LOGIN_COOKIE, nonce, cookieOptions(LOGIN_SECONDS));
  }
  return csrfTokenOf(nonce);
}

/** Refuses (403) a form whose token does not match the session's (or, for sign-in, the login nonce's). */
export async function assertCsrf(c: Context<AppEnv>, form: Record<string, unknown>, kind: "session" | "login"): Promise<void> {
  const secret = getCookie(c, kind === "session" ? SESSION_COOKIE : LOGIN_COOKIE);
  const sent = form[CSRF_FIELD];
  if (!secret || typeof sent !== "string" || !(await secretsEqual(sent, await csrfTokenOf(secret)))) {
    throw new DomainError("FORBIDDEN", "the form's CSRF token is missing or stale; reload the page and try again", { field: CSRF_FIELD });
  }
}

async function csrfTokenOf(secret: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode("edgereg-ui-csrf-v1"));
  return base64url(new Uint8Array(mac));
}

function randomToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
