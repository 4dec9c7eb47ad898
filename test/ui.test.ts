/**
 * The admin UI's contract at the HTTP level, inside the Workers runtime: sessions, CSRF, roles and scopes, gates,
 * security headers. The browser flows themselves are driven in Chromium by e2e/ui.test.ts.
 */
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, BASE, callJson, createModel, createVersion, moveRef, tokenFor, uiSessionOf, uniqueName } from "./helpers";

const SESSION = "__Host-edgereg_session";

interface UiOptions {
  session?: string;
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

async function ui(method: string, path: string, options: UiOptions = {}): Promise<Response> {
  // Browsers send Origin with every POST; the UI refuses posts that don't come from its own pages.
  const headers = new Headers({ ...(method === "POST" ? { Origin: BASE } : {}), ...options.headers });
  // `session` names the token a browser signed in with; the cookie is the session id sign-in gave it.
  if (options.session) headers.set("Cookie", `${SESSION}=${(await uiSessionOf(options.session)) ?? encodeURIComponent(options.session)}`);
  let body: URLSearchParams | undefined;
  if (options.form) {
    body = new URLSearchParams(options.form);
    headers.set("Content-Type", "application/x-www-form-urlencoded");
  }
  return exports.default.fetch(new Request(`${BASE}${path}`, { method, headers, body, redirect: "manual" }));
}

/** The CSRF token a signed-in page put in its forms. */
async function csrfOf(session: string): Promise<string> {
  const html = await (await ui("GET", "/ui", { session })).text();
  return /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
}

let model: string;

beforeAll(async () => {
  model = uniqueName("ui");
  await createModel(model, { description: "UI contract" });
  for (const [semver, accuracy] of [["1.0.0", 0.8], ["1.1.0", 0.85], ["1.2.0", 0.9]] as const) {
    await createVersion(model, semver, { metrics: { accuracy } });
  }
  for (const version of [1, 2]) await moveRef(model, "Staging", version);
  await moveRef(model, "Production", 1);
  await moveRef(model, "Production", 2);
});

describe("admin UI sessions", () => {
  it("sends a visitor without a session to sign in, keeping where they were going", async () => {
    const res = await ui("GET", `/ui/models/${model}?metric=accuracy`);
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/ui/login?next=${encodeURIComponent(`/ui/models/${model}?metric=accuracy`)}`);
  });

  it("signs in with a token and the login form's CSRF token, into a strict cookie; refuses a bad token", async () => {
    const login = await ui("GET", "/ui/login");
    const nonce = /__Host-edgereg_login=([^;]+)/.exec(login.headers.get("Set-Cookie")!)![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
    const cookie = { Cookie: `__Host-edgereg_login=${nonce}` };

    const refused = await ui("POST", "/ui/login", { headers: cookie, form: { token: "er_unknown", _csrf: csrf, next: "/ui" } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("Set-Cookie") ?? "").not.toContain(SESSION);

    const forged = await ui("POST", "/ui/login", { headers: cookie, form: { token: ADMIN, _csrf: "forged" } });
    expect(forged.status).toBe(403);

    const res = await ui("POST", "/ui/login", { headers: cookie, form: { token: ADMIN, _csrf: csrf, next: `/ui/models/${model}` } });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/ui/models/${model}`);
    const set = res.headers.getSetCookie().find((c) => c.startsWith(SESSION))!;
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/Secure/);
    expect(set).toMatch(/SameSite=Strict/);
    expect(set).toMatch(/Path=\//);
  });

  it("never redirects off the UI after sign-in", async () => {
    const login = await ui("GET", "/ui/login");
    const nonce = /__Host-edgereg_login=([^;]+)/.exec(login.headers.get("Set-Cookie")!)![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
    for (const next of ["https://evil.example/", "//evil.example/ui", "/v1/tokens", "/ui\\@evil.example"]) {
      const res = await ui("POST", "/ui/login", { headers: { Cookie: `__Host-edgereg_login=${nonce}` }, form: { token: ADMIN, _csrf: csrf, next } });
      expect(res.headers.get("Location")).toBe("/ui");
    }
  });

  it("reads the session cookie on UI routes only: the API still needs a bearer token", async () => {
    expect((await ui("GET", "/ui", { session: ADMIN })).status).toBe(200);
    expect((await ui("GET", "/v1/models", { session: ADMIN })).status).toBe(401);
  });

  it("signs out with the session's CSRF token, clearing the cookie and ending the session", async () => {
    const token = await tokenFor("reader");
    const csrf = await csrfOf(token);
    const res = await ui("POST", "/ui/logout", { session: token, form: { _csrf: csrf } });
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie().find((c) => c.startsWith(SESSION))).toMatch(/Max-Age=0/);
    // The old cookie, sent again (as a copy of it would be), no longer signs anyone in.
    const again = await ui("GET", "/ui", { session: token });
    expect(again.status).toBe(303);
    expect(again.headers.get("Location")).toMatch(/^\/ui\/login/);
  });

  it("drops a session whose token was revoked", async () => {
    const created = await callJson("POST", "/v1/tokens", 201, { body: { name: uniqueName("revoked"), role: "reader" } });
    expect((await ui("GET", "/ui", { session: created.secret })).status).toBe(200);
    await callJson("DELETE", `/v1/tokens/${created.id}`, 200);
    const res = await ui("GET", "/ui", { session: created.secret });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toMatch(/^\/ui\/login/);
  });
});

describe("admin UI pages", () => {
  it("serve HTML under a strict Content-Security-Policy, with the stylesheet served and cached for good", async () => {
    const res = await ui("GET", `/ui/models/${model}`, { session: ADMIN });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("X-Frame-Options")).toBe("DENY");
    const csp = res.headers.get("Content-Security-Policy")!;
    expect(csp).toMatch(/default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'nonce-[^']+'; form-action 'self'; frame-ancestors 'none'/);
    const html = await res.text();
    expect(html).not.toMatch(/style="/);
    const sheet = /<link rel="stylesheet" href="([^"]+)"/.exec(html)![1]!;
    const css = await ui("GET", sheet);
    expect(css.headers.get("Content-Type")).toMatch(/^text\/css/);
    expect(css.headers.get("Cache-Control")).toContain("immutable");
  });

  it("answer an unknown page or model with an HTML 404", async () => {
    for (const path of ["/ui/nope", `/ui/models/${uniqueName("missing")}`]) {
      const res = await ui("GET", path, { session: ADMIN });
      expect(res.status).toBe(404);
      expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    }
  });

  it("show a scoped token only its models, and refuse the others", async () => {
    const scoped = await tokenFor("reader", `${model}*`);
    const other = uniqueName("other");
    await createModel(other);
    const list = await (await ui("GET", "/ui", { session: scoped })).text();
    expect(list).toContain(model);
    expect(list).not.toContain(other);
    expect((await ui("GET", `/ui/models/${other}`, { session: scoped })).status).toBe(403);
  });

  it("keep the audit log for admins", async () => {
    const reader = await tokenFor("reader");
    expect((await ui("GET", "/ui/audit", { session: reader })).status).toBe(403);
    const res = await ui("GET", `/ui/audit?model=${model}&action=ref.*&since=2020-01-01`, { session: ADMIN });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("ref.move");
    expect((await ui("GET", "/ui/audit?since=yesterday", { session: ADMIN })).status).toBe(400);
  });
});

describe("admin UI actions", () => {
  it("refuse a post from another origin even with a valid session and token", async () => {
    const csrf = await csrfOf(ADMIN);
    const res = await ui("POST", `/ui/models/${model}/refs/Production/rollback`, {
      session: ADMIN,
      headers: { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
      form: { reason: "cross-site", _csrf: csrf },
    });
    expect(res.status).toBe(403);
    expect((await callJson("GET", `/v1/models/${model}`, 200)).refs.Production).toBe(2);
  });

  it("refuse a rollback without a reason, and perform one with it, audited", async () => {
    const csrf = await csrfOf(ADMIN);
    const path = `/ui/models/${model}/refs/Production/rollback`;
    expect((await ui("POST", path, { session: ADMIN, form: { reason: " ", _csrf: csrf } })).status).toBe(400);
    const res = await ui("POST", path, { session: ADMIN, form: { reason: "latency", _csrf: csrf } });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/ui/models/${model}?done=rollback&ref=Production`);
    expect((await callJson("GET", `/v1/models/${model}`, 200)).refs.Production).toBe(1);
    const history = await callJson("GET", `/v1/models/${model}/refs/Production/history`, 200);
    expect(history.items[0]).toMatchObject({ action: "rollback", actor: "admin", reason: "latency" });
    const page = await (await ui("GET", res.headers.get("Location")!, { session: ADMIN })).text();
    expect(page).toContain("Production rolled back: it serves v1 (1.0.0).");
  });

  it("hold a rollout on Production to the promotion gate, listing failed checks, unless forced with a reason", async () => {
    const csrf = await csrfOf(ADMIN);
    const path = `/ui/models/${model}/rollouts`;
    const form = { ref: "Production", candidate: "3", weights: "5, 50, 100", reason: "", _csrf: csrf };
    const refused = await ui("POST", path, { session: ADMIN, form });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toMatch(/require_staging|Staging/);

    const forced = await ui("POST", path, { session: ADMIN, form: { ...form, force: "on", reason: "hotfix, skipping Staging" } });
    expect(forced.status).toBe(303);
    const rollout = await callJson("GET", `/v1/models/${model}/rollouts/Production`, 200);
    expect(rollout).toMatchObject({ status: "active", weight: 5, steps: [5, 50, 100], candidate_version: 3, stable_version: 1 });

    // The weight slider's one script runs under the page's CSP nonce.
    const page = await ui("GET", `/ui/models/${model}`, { session: ADMIN });
    const html = await page.text();
    const nonce = /<script nonce="([^"]+)">/.exec(html)![1]!;
    expect(page.headers.get("Content-Security-Policy")).toContain(`script-src 'nonce-${nonce}'`);
    // Production had no version before v1, but rolling it back now ends the canary.
    expect(html).toContain("End the rollout, keep v1");

    const next = await ui("POST", `/ui/models/${model}/rollouts/Production/weight`, { session: ADMIN, form: { step: "next", reason: "", _csrf: csrf } });
    expect(next.status).toBe(303);
    expect((await callJson("GET", `/v1/models/${model}/rollouts/Production`, 200)).weight).toBe(50);

    const promoted = await ui("POST", `/ui/models/${model}/rollouts/Production/promote`, { session: ADMIN, form: { reason: "holds at 50%", _csrf: csrf } });
    expect(promoted.status).toBe(303);
    expect((await callJson("GET", `/v1/models/${model}`, 200)).refs.Production).toBe(3);
  });

  it("refuse a weight that is not a percent", async () => {
    const other = uniqueName("ui-weight");
    await createModel(other);
    const csrf = await csrfOf(ADMIN);
    const res = await ui("POST", `/ui/models/${other}/rollouts/Production/weight`, { session: ADMIN, form: { weight: "150", reason: "", _csrf: csrf } });
    expect(res.status).toBe(400);
  });
});
