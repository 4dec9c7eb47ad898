/** Server-side UI sessions: the cookie is a random id, D1 keeps its hash; sign-out, expiry and revocation end it. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import type { Env } from "../src/env";
import { ADMIN, BASE, callJson, clockedRegistry, sha256Hex, tokenFor, uiSessionOf, uniqueName } from "./helpers";

const SESSION = "__Host-edgereg_session";

/** A browser's GET of a UI page with this session cookie, optionally through an app with another clock or env. */
async function page(cookie: string, options: { nowMs?: number; env?: Partial<Env> } = {}): Promise<Response> {
  const request = new Request(`${BASE}/ui`, { headers: { Cookie: `${SESSION}=${cookie}` }, redirect: "manual" });
  if (options.nowMs === undefined && !options.env) return exports.default.fetch(request);
  const app = createApp(options.nowMs === undefined ? {} : { clock: { now: () => options.nowMs! } });
  const ctx = createExecutionContext();
  const res = await app.fetch(request, { ...env, ...options.env }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const signedIn = (res: Response) => res.status === 200;
const sentToSignIn = (res: Response) => res.status === 303 && /^\/ui\/login/.test(res.headers.get("Location") ?? "");

async function signOut(cookie: string) {
  const html = await (await page(cookie)).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  return exports.default.fetch(
    new Request(`${BASE}/ui/logout`, {
      method: "POST",
      headers: { Origin: BASE, Cookie: `${SESSION}=${cookie}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: csrf }),
      redirect: "manual",
    }),
  );
}

describe("UI sessions", () => {
  it("the cookie is a random session id, not the token; D1 keeps only its SHA-256", async () => {
    const token = await tokenFor("reader");
    const [one, two] = [await uiSessionOf(token, { fresh: true }), await uiSessionOf(token, { fresh: true })];
    expect(one).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(one).not.toBe(two);
    for (const cookie of [one!, two!]) {
      expect(cookie).not.toContain(token);
      expect(token).not.toContain(cookie);
      expect(signedIn(await page(cookie))).toBe(true);
    }
    const rows = await env.DB.prepare("SELECT id_hash FROM ui_sessions WHERE id_hash IN (?, ?, ?)").bind(one, await sha256Hex(one!), token).all();
    expect(rows.results).toEqual([{ id_hash: await sha256Hex(one!) }]);
    // The token itself is no session: a cookie holding it signs nobody in.
    expect(sentToSignIn(await page(token))).toBe(true);
  });

  it("sign-out ends the session: the old cookie, sent again, leads to sign-in", async () => {
    const token = await tokenFor("admin");
    const cookie = (await uiSessionOf(token, { fresh: true }))!;
    const other = (await uiSessionOf(token, { fresh: true }))!;
    expect((await signOut(cookie)).status).toBe(303);
    expect(sentToSignIn(await page(cookie))).toBe(true);
    // Only that session: the same token's other browser stays signed in.
    expect(signedIn(await page(other))).toBe(true);
    const audit = await callJson("GET", "/v1/audit?action=session.*&limit=200", 200);
    expect(audit.items.map((e: any) => e.action)).toEqual(expect.arrayContaining(["session.open", "session.end"]));
  });

  it("revoking the token ends every session opened with it", async () => {
    const created = await callJson("POST", "/v1/tokens", 201, { body: { name: uniqueName("ui"), role: "reader" } });
    const cookies = [(await uiSessionOf(created.secret, { fresh: true }))!, (await uiSessionOf(created.secret, { fresh: true }))!];
    for (const cookie of cookies) expect(signedIn(await page(cookie))).toBe(true);
    await callJson("DELETE", `/v1/tokens/${created.id}`, 200);
    for (const cookie of cookies) expect(sentToSignIn(await page(cookie))).toBe(true);
  });

  it("a session expires after twelve hours, and with its token's expiry", async () => {
    const token = await tokenFor("reader");
    const cookie = (await uiSessionOf(token, { fresh: true }))!;
    expect(signedIn(await page(cookie, { nowMs: Date.now() + 11 * 3600_000 }))).toBe(true);
    expect(sentToSignIn(await page(cookie, { nowMs: Date.now() + 12 * 3600_000 + 60_000 }))).toBe(true);

    const expiring = await callJson("POST", "/v1/tokens", 201, {
      body: { name: uniqueName("ui"), role: "reader", expires_at: new Date(Date.now() + 3600_000).toISOString() },
    });
    const short = (await uiSessionOf(expiring.secret, { fresh: true }))!;
    expect(signedIn(await page(short))).toBe(true);
    expect(sentToSignIn(await page(short, { nowMs: Date.now() + 2 * 3600_000 }))).toBe(true);
  });

  it("the cron trigger drops sessions that ended or expired, and only those", async () => {
    const token = await tokenFor("reader");
    const [ended, live] = [(await uiSessionOf(token, { fresh: true }))!, (await uiSessionOf(token, { fresh: true }))!];
    await signOut(ended);
    const stored = async (cookie: string) => (await env.DB.prepare("SELECT 1 FROM ui_sessions WHERE id_hash = ?").bind(await sha256Hex(cookie)).first()) !== null;
    expect(await stored(ended)).toBe(true);
    await clockedRegistry(Date.now() + 1000).cron();
    expect(await stored(ended)).toBe(false);
    expect(await stored(live)).toBe(true);
    expect(signedIn(await page(live))).toBe(true);
    await clockedRegistry(Date.now() + 13 * 3600_000).cron();
    expect(await stored(live)).toBe(false);
  });

  it("the bootstrap admin signs in too; rotating ADMIN_TOKEN ends its sessions", async () => {
    const cookie = (await uiSessionOf(ADMIN, { fresh: true }))!;
    expect(cookie).not.toContain(ADMIN);
    expect(signedIn(await page(cookie))).toBe(true);
    expect(sentToSignIn(await page(cookie, { env: { ADMIN_TOKEN: "a-rotated-admin-secret" } }))).toBe(true);
    expect(sentToSignIn(await page(cookie, { env: { ADMIN_TOKEN: undefined } }))).toBe(true);
    expect((await signOut(cookie)).status).toBe(303);
    expect(sentToSignIn(await page(cookie))).toBe(true);
  });
});
