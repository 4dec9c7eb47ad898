/**
 * Server-side UI sessions. Signing in checks the pasted token like a bearer token, then opens a session: a random
 * id goes to the browser (an HttpOnly `__Host-` cookie, src/ui/session.ts), its SHA-256 to D1 with an expiry.
 * The token never leaves the sign-in request. Sign-out ends the session; revoking or expiring the token, or
 * rotating ADMIN_TOKEN for the bootstrap admin's sessions, ends it too, because every UI request looks it up.
 */
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { endUiSession, findLiveUiSession, insertUiSession } from "../store/sessions";
import { principalOf } from "../store/tokens";
import { BOOTSTRAP_ADMIN, type Principal } from "./principal";
import { hex, secretsEqual, sha256Bytes, sha256Hex } from "./secrets";

/** How long a UI session lasts from sign-in, whatever happens meanwhile. */
export const UI_SESSION_SECONDS = 12 * 60 * 60;

const SESSION_ID_BYTES = 32;

/** Opens a session for the principal this request signed in as; returns the id for the cookie. */
export async function openUiSession(c: Context<AppEnv>, principal: Principal): Promise<{ id: string; maxAgeSeconds: number }> {
  const id = base64url(crypto.getRandomValues(new Uint8Array(SESSION_ID_BYTES)));
  const nowMs = c.var.clock.now();
  const bootstrap = principal.id === BOOTSTRAP_ADMIN.id;
  await insertUiSession(
    { db: c.var.db, actor: principal.name, requestId: c.var.requestId, now: new Date(nowMs).toISOString() },
    {
      idHash: await sha256Hex(id),
      tokenId: bootstrap ? null : principal.id,
      adminSecretHash: bootstrap && c.env.ADMIN_TOKEN ? await sha256Hex(c.env.ADMIN_TOKEN) : null,
      expiresAt: new Date(nowMs + UI_SESSION_SECONDS * 1000).toISOString(),
    },
  );
  return { id, maxAgeSeconds: UI_SESSION_SECONDS };
}

/** The principal a session cookie stands for, or null when the session is unknown, ended, expired or its token dead. */
export async function principalOfSession(c: Context<AppEnv>, idHash: string): Promise<Principal | null> {
  const session = await findLiveUiSession(c.var.db, idHash, new Date(c.var.clock.now()).toISOString());
  if (!session) return null;
  if (session.kind === "token") return principalOf(session.token);
  const admin = c.env.ADMIN_TOKEN;
  return admin && (await secretsEqual(hex(new Uint8Array(await sha256Bytes(admin))), session.adminSecretHash)) ? BOOTSTRAP_ADMIN : null;
}

/** Sign-out: ends the session the cookie names, when it is still open. */
export async function closeUiSession(c: Context<AppEnv>, idHash: string, principal: Principal): Promise<void> {
  const m = { db: c.var.db, actor: principal.name, requestId: c.var.requestId, now: new Date(c.var.clock.now()).toISOString() };
  await endUiSession(m, idHash, principal.id);
}

/** The id hash D1 keys a session by. */
export const sessionIdHash = (id: string) => sha256Hex(id);

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
