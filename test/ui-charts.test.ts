/**
 * The canary's life in the admin UI at the HTTP level, inside the Workers runtime: the rollout, timeline, compare,
 * drift and tokens pages, a PENDING version's missing parts, audit rows naming both arms, and / opening the UI.
 * Pages are read as HTML for their structure (the SVG marks carry data attributes); e2e/charts.test.ts drives them in Chromium.
 */
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, BASE, call, callJson, createModel, createVersion, moveRef, passThroughStaging, tokenFor, uniqueName } from "./helpers";

/** Signs in through the login form, as a browser does, and answers the session's Cookie header. */
async function signIn(token: string): Promise<string> {
  const login = await get("/ui/login");
  const nonce = /__Host-edgereg_login=([^;]+)/.exec(login.headers.get("Set-Cookie")!)![1]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
  const res = await post("/ui/login", `__Host-edgereg_login=${nonce}`, { token, _csrf: csrf, next: "/ui" });
  expect(res.status).toBe(303);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .filter((c) => c.startsWith("__Host-edgereg_session="))
    .join("; ");
}

const get = (path: string, cookie?: string) =>
  exports.default.fetch(new Request(`${BASE}${path}`, { headers: cookie ? { Cookie: cookie } : {}, redirect: "manual" }));

const post = (path: string, cookie: string, form: Record<string, string>) =>
  exports.default.fetch(
    new Request(`${BASE}${path}`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: BASE, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form),
      redirect: "manual",
    }),
  );

const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
const count = (html: string, needle: string) => html.split(needle).length - 1;

let admin: string;
let model: string;
let rolloutId: string;

beforeAll(async () => {
  admin = await signIn(ADMIN);
  model = uniqueName("charts");
  await createModel(model);
  await callJson("PUT", `/v1/models/${model}/policy`, 200, {
    body: { compare: { metric: "accuracy", direction: "higher" }, auto_rollback: { metric: "accuracy", direction: "higher", floor: 0.5, min_samples: 1000, window_s: 3600 } },
  });
  const signature = (inputs: { name: string; type: string }[]) => ({ inputs, outputs: [{ name: "y", type: "double" }] });
  await createVersion(model, "1.0.0", { metrics: { accuracy: 0.9, latency_ms: 40 }, params: { depth: 8 }, signature: signature([{ name: "x", type: "double" }]) });
  await createVersion(model, "2.0.0", { metrics: { accuracy: 0.91, latency_ms: 76 }, params: { depth: 8 }, signature: signature([]) });
  await passThroughStaging(model, 1, 2);
  await moveRef(model, "Production", 1);
  await callJson("PUT", `/v1/models/${model}/rollouts/Production`, 201, { body: { candidate_version: 2, steps: [5, 50, 100], reason: "canary" } });
  await callJson("POST", `/v1/models/${model}/observations`, 200, {
    body: {
      observations: [
        { ref: "Production", arm: "stable", metrics: { accuracy: 0.9, latency_ms: 41 }, count: 40 },
        { ref: "Production", arm: "candidate", metrics: { accuracy: 0.93, latency_ms: 70 }, count: 30 },
      ],
    },
  });
  await callJson("PATCH", `/v1/models/${model}/rollouts/Production`, 200, { body: { step: "next", reason: "holding" } });
  rolloutId = (await callJson("GET", `/v1/models/${model}/rollouts/Production`, 200)).id;
  await callJson("POST", `/v1/models/${model}/rollouts/Production/abort`, 200, { body: { reason: "latency" } });
});

describe("the canary's life in the UI", () => {
  it("opens the UI at the registry's origin", async () => {
    const res = await get("/");
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/ui");
  });

  it("draws each arm's metrics over time, the weight steps and the auto-rollback floor of an ended rollout", async () => {
    const res = await get(`/ui/models/${model}/rollouts/${rolloutId}`, admin);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-status="aborted"');
    expect(count(html, 'data-chart="arms"')).toBe(2);
    expect(html).toContain('data-metric="accuracy"');
    expect(html).toContain('data-metric="latency_ms"');
    expect(count(html, 'data-series="stable"')).toBe(2);
    expect(count(html, 'data-series="candidate"')).toBe(2);
    // start, the next step and the abort, on each chart
    expect(count(html, 'data-mark="step"')).toBe(6);
    // the rule watches accuracy only: its floor is drawn once
    expect(count(html, 'data-mark="threshold"')).toBe(1);
    expect(html).toContain("auto-rollback: floor 0.5");
    expect(html).toMatch(/<title>accuracy over time, stable and candidate arms<\/title>/);
    expect(html).toContain('data-event="abort"');
  });

  it("answers 404 for another model's or an unknown rollout, 403 outside a token's scope", async () => {
    expect((await get(`/ui/models/${model}/rollouts/00000000-0000-0000-0000-000000000000`, admin)).status).toBe(404);
    const other = await signIn(await tokenFor("reader", "someone-else-*"));
    expect((await get(`/ui/models/${model}/rollouts/${rolloutId}`, other)).status).toBe(403);
    expect((await get(`/ui/models/${model}/timeline`, other)).status).toBe(403);
  });

  it("shows which version held each stage over time, with the rollout as a band", async () => {
    const html = await (await get(`/ui/models/${model}/timeline`, admin)).text();
    expect(html).toContain('data-chart="timeline"');
    expect(html).toMatch(/data-mark="holding" data-ref="Production" data-version="1"/);
    expect(html).toMatch(/data-mark="holding" data-ref="Staging" data-version="2"/);
    expect(html).toMatch(/data-mark="rollout" data-status="aborted"/);
    expect(html).toContain(`data-rollout="${rolloutId}"`);
  });

  it("compares versions, flagging the metric that differs and the semver rule's verdict", async () => {
    const res = await get(`/ui/models/${model}/compare?v=1&v=2.0.0`, admin);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-row="latency_ms" data-differs="true"');
    expect(html).toContain('data-row="depth" data-differs="false"');
    expect(html).toContain('data-row="input x" data-differs="true"');
    // removing an input is a major change, and 2.0.0 says so (a semver that does not is refused when declared)
    expect(html).toContain('data-verdict="ok"');
    expect(html).toContain("a major bump is required");
    const tooMany = await get(`/ui/models/${model}/compare?${Array.from({ length: 7 }, (_, i) => `v=${i + 1}`).join("&")}`, admin);
    expect(tooMany.status).toBe(400);
    expect((await get(`/ui/models/${model}/compare?v=1&v=9`, admin)).status).toBe(404);
    expect((await get(`/ui/models/${model}/compare?v=1&v=not-a-version`, admin)).status).toBe(400);
  });

  it("names stable and candidate on every audit row of the rollout, and shows details as a diff", async () => {
    const html = await (await get(`/ui/audit?model=${model}&action=${encodeURIComponent("rollout.*")}`, admin)).text();
    const rows = html.split("<tr").filter((r) => r.includes("<code>rollout."));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) expect(row).toContain('data-arms="1-2"');
    expect(html).toContain('<ul class="diff">');
    expect(html).toMatch(/<del>active<\/del> → <ins>aborted<\/ins>/);
    expect(html).toContain('aria-current="true">rollout</a>');
  });

  it("shows a drift report's statistics against their thresholds and the reference distributions", async () => {
    const distances = (shift: number) => Array.from({ length: 60 }, (_, i) => 200 + ((i * 37) % 60) * 25 + shift);
    await callJson("PUT", `/v1/models/${model}/versions/1/reference-data`, 200, { body: { features: { distance_km: distances(0), carrier: distances(0).map((d) => (d % 2 ? "AA" : "DL")) } } });
    const report = await callJson("POST", `/v1/models/${model}/drift`, 201, { body: { version: 1, features: { distance_km: distances(900), carrier: distances(0).map(() => "AA") } } });
    const html = await (await get(`/ui/models/${model}/drift/${report.id}`, admin)).text();
    expect(count(html, 'data-chart="evidence"')).toBe(2);
    expect(html).toContain('data-feature="distance_km" data-drift="true"');
    expect(count(html, 'data-chart="histogram"')).toBe(2);
    expect(html).toContain("reference sample");
    const version = await (await get(`/ui/models/${model}/versions/1`, admin)).text();
    expect(version).toContain(`/ui/models/${model}/drift/${report.id}`);
  });

  it("shows a PENDING version's missing files and the push command that resumes", async () => {
    const pending = await createVersion(model, "2.1.0", {
      artifacts: [
        { path: "model.onnx", size: 10, sha256: "a".repeat(64) },
        { path: "vocab.txt", size: 5, sha256: "b".repeat(64) },
      ],
    });
    const html = await (await get(`/ui/models/${model}/versions/${pending.number}`, admin)).text();
    expect(html).toContain("data-pending");
    expect(html).toContain('data-missing="model.onnx"');
    expect(html).toContain('data-missing="vocab.txt"');
    expect(html).toContain(`edgereg push ${model} model.onnx vocab.txt --version 2.1.0`);
    const ready = await (await get(`/ui/models/${model}/versions/1`, admin)).text();
    expect(ready).not.toContain("data-pending");
  });
});

describe("the tokens page", () => {
  it("creates a reporter token and shows its secret once; the secret works; revoking stops it", async () => {
    const page = await get("/ui/tokens", admin);
    expect(page.status).toBe(200);
    const csrf = csrfIn(await page.text());
    const name = uniqueName("serving");
    const created = await post("/ui/tokens", admin, { _csrf: csrf, name, role: "reporter", model_glob: model, expires: "2999-01-01" });
    expect(created.status).toBe(201);
    const html = await created.text();
    const secret = /data-secret="[^"]*">([^<]+)</.exec(html)![1]!;
    expect(count(html, secret)).toBe(1);
    expect(secret).toMatch(/^er_/);
    expect((await call("GET", `/v1/models/${model}`, { token: secret })).status).toBe(200);

    const again = await (await get("/ui/tokens", admin)).text();
    expect(again).toContain(`data-token="${name}"`);
    expect(again).not.toContain(secret);

    const listed = await callJson("GET", "/v1/tokens?limit=200", 200);
    const id = listed.items.find((t: { name: string }) => t.name === name).id;
    expect(listed.items.find((t: { name: string }) => t.name === name)).toMatchObject({ role: "reporter", model_glob: model, expires_at: "2999-01-01T23:59:59.999Z" });
    const revoked = await post(`/ui/tokens/${id}/revoke`, admin, { _csrf: csrf });
    expect(revoked.status).toBe(303);
    expect((await call("GET", `/v1/models/${model}`, { token: secret })).status).toBe(401);
  });

  it("refuses a bad form with the field named, and a scoped admin or a reader with 403", async () => {
    const csrf = csrfIn(await (await get("/ui/tokens", admin)).text());
    const bad = await post("/ui/tokens", admin, { _csrf: csrf, name: "ok", role: "overlord", model_glob: "*", expires: "" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("role");
    const past = await post("/ui/tokens", admin, { _csrf: csrf, name: "late", role: "reader", model_glob: "*", expires: "2001-01-01" });
    expect(past.status).toBe(400);
    for (const token of [await tokenFor("admin", "team-*"), await tokenFor("reader")]) {
      const session = await signIn(token);
      expect((await get("/ui/tokens", session)).status).toBe(403);
      const theirs = csrfIn(await (await get("/ui", session)).text());
      expect((await post("/ui/tokens", session, { _csrf: theirs, name: "sneaky", role: "admin", model_glob: "*", expires: "" })).status).toBe(403);
    }
  });
});
