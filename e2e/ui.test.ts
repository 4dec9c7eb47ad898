/**
 * The admin UI driven in headless Chromium (Debian's `chromium` through playwright-core) against a local registry
 * (the deploy bundle on Miniflare, fresh D1 and R2). Seeds data through the API, then signs in and clicks through.
 * Screenshots the models, model and version pages; with UPDATE_SCREENSHOTS=1 into docs/screenshots/ for the README.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalRegistry } from "../scripts/local.mjs";

const root = resolve(import.meta.dirname, "..");
/** The pictures in the README are refreshed on request, so an ordinary test run leaves the work tree clean. */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS ? join(root, "docs/screenshots") : mkdtempSync(join(tmpdir(), "edgereg-screenshots-"));
const ADMIN_TOKEN = "ui-e2e-admin-secret";
const MODEL = "flight_delay";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let registry: { url: string; dispose(): Promise<void> };
let persistTo: string;
let userDataDir: string;
let context: BrowserContext;
let page: Page;
let readerToken: string;
/** Every URL the browser asked for: the pages must load nothing from elsewhere. */
const requested: string[] = [];
/** Webhook deliveries for MODEL: the UI's actions announce what they did exactly as the API's do. */
const delivered: string[] = [];
let receiver: Server;

async function api<T = any>(method: string, path: string, body?: unknown, token = ADMIN_TOKEN): Promise<T> {
  const res = await fetch(`${registry.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
/** Each version's own bytes (identical bytes would be deduplicated and need no upload). */
const weightsOf = (number: number) => `onnx weights of ${MODEL} v${number}\n`;

/** Three models with a history worth looking at: flight_delay (4 versions, Production moved twice, Staging set), two more. */
async function seed() {
  await api("POST", "/v1/models", { name: MODEL, description: "Predicts departure delay in minutes", tags: { team: "ops" } });
  await api("PUT", `/v1/models/${MODEL}/policy`, { compare: { metric: "accuracy", direction: "higher", tolerance: 0 } });
  const versions = [
    { semver: "1.0.0", metrics: { accuracy: 0.874, mae: 8.4 }, description: "Baseline gradient-boosted model trained on 2025 flights" },
    { semver: "1.1.0", metrics: { accuracy: 0.902, mae: 7.9 }, description: "Adds weather features at the departure airport" },
    { semver: "1.2.0", metrics: { accuracy: 0.915, mae: 7.5 }, description: "Retrained on the May data; carrier embeddings" },
    { semver: "1.3.0", metrics: { accuracy: 0.909, mae: 7.6 }, description: "Smaller trees for lower latency" },
  ];
  for (const [i, v] of versions.entries()) {
    const weights = weightsOf(i + 1);
    await api("POST", `/v1/models/${MODEL}/versions`, {
      ...v,
      run_id: `run-8f2a${i}`,
      git_commit: sha256(`commit ${i}`).slice(0, 40),
      source: "github.com/acme/flight-delay",
      dataset: { name: "flights", version: `2025-${String(9 + i).padStart(2, "0")}`, digest: `sha256:${sha256(`data ${i}`)}` },
      params: { learning_rate: 0.05, max_depth: 8 - i, n_estimators: 400 },
      signature: {
        inputs: [
          { name: "distance_km", type: "double" },
          { name: "carrier", type: "string" },
          { name: "dep_hour", type: "long", optional: true },
        ],
        outputs: [{ name: "delay_min", type: "double" }],
      },
      artifacts: [{ path: "model.onnx", size: weights.length, sha256: sha256(weights), content_type: "application/octet-stream" }],
    });
    await api("PUT", `/v1/models/${MODEL}/versions/${i + 1}/artifacts/model.onnx`, weights);
  }
  // Each version passes through Staging before Production, as the default policy's gate asks.
  await api("PUT", `/v1/models/${MODEL}/refs/Staging`, { version: 1, reason: "first candidate" });
  await api("PUT", `/v1/models/${MODEL}/refs/Production`, { version: 1, reason: "first launch" });
  await api("PUT", `/v1/models/${MODEL}/refs/Staging`, { version: 2, reason: "weather features" });
  await api("PUT", `/v1/models/${MODEL}/refs/Production`, { version: 2, reason: "better accuracy on the holdout" });
  await api("PUT", `/v1/models/${MODEL}/refs/Staging`, { version: 3, reason: "May retrain" });
  await api("PUT", `/v1/models/${MODEL}/refs/champion`, { version: 2, reason: "best so far" });
  // A drift reference for v2 and two checks against it: one calm, one after the schedule changed.
  const distances = (shift: number) => Array.from({ length: 60 }, (_, i) => 200 + ((i * 37) % 60) * 25 + shift);
  const carriers = (n: number) => Array.from({ length: 60 }, (_, i) => ["AA", "DL", "UA", "WN"][(i * n) % 4]!);
  await api("PUT", `/v1/models/${MODEL}/versions/2/reference-data`, { features: { distance_km: distances(0), carrier: carriers(1) } });
  await api("POST", `/v1/models/${MODEL}/drift`, { version: 2, features: { distance_km: distances(5), carrier: carriers(1) } });
  await api("POST", `/v1/models/${MODEL}/drift`, { version: 2, features: { distance_km: distances(900), carrier: carriers(2) } });

  await api("POST", "/v1/models", { name: "churn_predictor", description: "Monthly churn risk per subscriber" });
  for (const [semver, auc] of [["0.9.0", 0.78], ["1.0.0", 0.81], ["1.1.0", 0.83]] as const) {
    await api("POST", "/v1/models/churn_predictor/versions", { semver, metrics: { auc } });
  }
  await api("PUT", "/v1/models/churn_predictor/refs/Staging", { version: 2, reason: "quarterly candidate" });
  await api("PUT", "/v1/models/churn_predictor/refs/Production", { version: 2, reason: "quarterly refresh" });
  await api("PUT", "/v1/models/churn_predictor/refs/Staging", { version: 3, reason: "tenure features" });
  await api("PUT", "/v1/models/churn_predictor/rollouts/Production", { candidate_version: 3, weight: 10, reason: "canary" });
  await api("POST", "/v1/models", { name: "fraud_score", description: "Card-not-present fraud probability" });
  await api("POST", "/v1/models/fraud_score/versions", { semver: "3.0.0", metrics: { recall: 0.71 } });
  await api("PUT", "/v1/models/fraud_score/refs/Staging", { version: 1, reason: "shadow evaluation" });

  readerToken = (await api("POST", "/v1/tokens", { name: "dashboards", role: "reader" })).secret;
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/edgereg`;
  await api("POST", "/v1/webhooks", { url: hook, events: ["*"], model: MODEL });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 30_000; !condition(); await new Promise((ok) => setTimeout(ok, 50))) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
  }
}

async function signIn(token: string) {
  await page.goto(`${registry.url}/ui/login`);
  await page.fill("#token", token);
  await Promise.all([page.waitForURL(/\/ui(\?|$)/), page.click("button[type=submit]")]);
}

const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

/** The Production card's current version, as the page shows it. */
const productionTarget = () => page.locator('article[aria-label="Production ref"] .target a').innerText();

beforeAll(async () => {
  persistTo = mkdtempSync(join(tmpdir(), "edgereg-ui-"));
  userDataDir = mkdtempSync(join(tmpdir(), "edgereg-chromium-"));
  mkdirSync(SCREENSHOTS, { recursive: true });
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      delivered.push(JSON.parse(body).type);
      res.end();
    });
  });
  await new Promise<void>((ok) => receiver.listen(0, "127.0.0.1", ok));
  registry = await startLocalRegistry({ port: 0, persistTo, vars: { ADMIN_TOKEN, WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" }, quiet: true });
  await seed();
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("request", (r) => requested.push(r.url()));
});

afterAll(async () => {
  await context?.close();
  await registry?.dispose();
  receiver?.closeAllConnections();
  receiver?.close();
  for (const dir of [persistTo, userDataDir, process.env.UPDATE_SCREENSHOTS ? undefined : SCREENSHOTS]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("admin UI in a real browser", () => {
  it("sends a visitor without a session to sign in, and refuses an unknown token", async () => {
    const response = await page.goto(`${registry.url}/ui/models/${MODEL}`);
    expect(new URL(page.url()).pathname).toBe("/ui/login");
    expect(new URL(page.url()).searchParams.get("next")).toBe(`/ui/models/${MODEL}`);
    const csp = response!.headers()["content-security-policy"]!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");

    await page.fill("#token", "er_not_a_token");
    await page.click("button[type=submit]");
    await expect(page.locator("[role=alert]").innerText()).resolves.toContain("unknown, revoked or expired");
  });

  it("signs an admin in with an HttpOnly, Secure, SameSite=Strict cookie, and finds a model", async () => {
    await signIn(ADMIN_TOKEN);
    const cookie = (await context.cookies()).find((c) => c.name === "__Host-edgereg_session")!;
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/" });

    await expect(page.locator("h1").innerText()).resolves.toBe("Models");
    const rows = page.locator("tbody tr");
    await expect(rows.count()).resolves.toBe(3);
    const flight = rows.filter({ hasText: MODEL });
    await expect(flight.innerText()).resolves.toMatch(/v2\s+1\.1\.0/);
    await expect(rows.filter({ hasText: "churn_predictor" }).innerText()).resolves.toContain("Production: v3 at 10%");
    await shot("models");

    await page.fill("input[name=q]", "flight");
    await Promise.all([page.waitForURL(/q=flight/), page.click("form[role=search] button")]);
    await expect(rows.count()).resolves.toBe(1);
    await Promise.all([page.waitForURL(new RegExp(`/ui/models/${MODEL}$`)), page.click(`a:has-text("${MODEL}")`)]);
    await expect(page.locator("h1").innerText()).resolves.toBe(MODEL);
    await expect(productionTarget()).resolves.toBe("v2");
    await expect(page.locator('article[aria-label="Staging ref"] .target a').innerText()).resolves.toBe("v3");
  });

  it("starts a rollout on Production, widens it, and aborts it", async () => {
    await page.click("details.start > summary");
    await page.selectOption("#start-ref", "Production");
    await page.selectOption("#start-candidate", "3");
    await page.fill("#start-weights", "5, 50, 100");
    await page.fill("#start-reason", "May retrain, canary first");
    await Promise.all([page.waitForURL(/done=start/), page.click('button:has-text("Start rollout")')]);
    const panel = page.locator('section[aria-label="Rollout on Production"]');
    await expect(panel.locator(".weight").innerText()).resolves.toBe("5%");
    expect((await api("GET", `/v1/models/${MODEL}/rollouts/Production`)).weight).toBe(5);

    // Live observations from serving clients, per arm, so the panel has something to compare.
    await api("POST", `/v1/models/${MODEL}/observations`, {
      observations: [
        { ref: "Production", arm: "stable", metrics: { accuracy: 1 }, count: 450 },
        { ref: "Production", arm: "stable", metrics: { accuracy: 0 }, count: 50 },
        { ref: "Production", arm: "candidate", metrics: { accuracy: 1 }, count: 470 },
        { ref: "Production", arm: "candidate", metrics: { accuracy: 0 }, count: 30 },
        { ref: "Production", arm: "stable", metrics: { latency_ms: 41 }, count: 500 },
        { ref: "Production", arm: "candidate", metrics: { latency_ms: 38 }, count: 500 },
      ],
    });

    await page.fill(`#weight-Production`, "50");
    await expect(page.locator("#weight-Production-value").innerText()).resolves.toBe("50%");
    await page.fill("#weight-Production-reason", "error rate flat at 5%");
    await Promise.all([page.waitForURL(/done=weight/), page.click('button:has-text("Set weight")')]);
    await expect(panel.locator(".weight").innerText()).resolves.toBe("50%");
    expect((await api("GET", `/v1/models/${MODEL}/rollouts/Production`)).weight).toBe(50);
    const judged = panel.locator("tbody tr").first();
    await expect(judged.innerText()).resolves.toMatch(/accuracy[\s\S]*0\.9[\s\S]*n = 500[\s\S]*0\.94[\s\S]*n = 500/);
    await shot("model");

    // Abort asks first, as Rollback does: its form sits behind a <details> summary.
    await expect(page.locator("#abort-Production").isVisible()).resolves.toBe(false);
    await panel.locator('summary:has-text("Abort…")').click();
    await page.fill("#abort-Production", "holding for the holiday freeze");
    await Promise.all([page.waitForURL(/done=abort/), page.click('button:has-text("Abort, keep v2")')]);
    await expect(panel.count()).resolves.toBe(0);
    await expect(page.locator("[role=status]").innerText()).resolves.toContain("aborted");
    const rollout = await api("GET", `/v1/models/${MODEL}/rollouts/Production`);
    expect(rollout).toMatchObject({ status: "aborted", weight: 50, stable_version: 2, candidate_version: 3 });
    await expect(productionTarget()).resolves.toBe("v2");
  });

  it("rolls Production back with one click and a reason, and the API resolves the previous version", async () => {
    const card = page.locator('article[aria-label="Production ref"]');
    await card.locator("summary").click();
    await card.locator("input[name=reason]").fill("p99 latency regression");
    await Promise.all([page.waitForURL(/done=rollback/), card.locator('button:has-text("Roll back to v1")').click()]);
    await expect(page.locator("[role=status]").innerText()).resolves.toContain("Production rolled back: it serves v1");
    await expect(productionTarget()).resolves.toBe("v1");

    const resolved = await api("GET", `/v1/resolve?ref=${encodeURIComponent(`models:/${MODEL}/Production`)}`);
    expect(resolved.number).toBe(1);
    expect((await api("GET", `/v1/models/${MODEL}`)).refs.Production).toBe(1);
    const history = await api("GET", `/v1/models/${MODEL}/refs/Production/history`);
    expect(history.items[0]).toMatchObject({ action: "rollback", from_version: 2, to_version: 1, reason: "p99 latency regression" });

    const announced = ["rollout.started", "rollout.changed", "rollout.aborted", "ref.moved"];
    await until(() => announced.every((type) => delivered.includes(type)), `webhook deliveries of ${announced.join(", ")}`);
  });

  it("shows a version's lineage, metrics, signature and artifacts, and downloads through the session", async () => {
    await page.goto(`${registry.url}/ui/models/${MODEL}/versions/2`);
    const text = await page.locator("main").innerText();
    for (const expected of ["run-8f2a1", "flights", "accuracy", "0.902", "learning_rate", "distance_km", "model.onnx", `${weightsOf(2).length} B`, "data set drifted", "no drift"]) {
      expect(text).toContain(expected);
    }
    await expect(page.locator("#audit-heading").count()).resolves.toBe(1);
    await shot("version");

    const href = (await page.locator('a:has-text("Download")').getAttribute("href"))!;
    const download = await page.request.get(`${registry.url}${href}`);
    expect(download.status()).toBe(200);
    expect(download.headers()["content-disposition"]).toContain("attachment");
    expect(await download.text()).toBe(weightsOf(2));
  });

  it("filters the audit log", async () => {
    await page.goto(`${registry.url}/ui/audit?model=${MODEL}&action=${encodeURIComponent("ref.*")}`);
    const rows = page.locator("tbody tr");
    await expect(rows.first().innerText()).resolves.toContain("ref.rollback");
    const actions = await page.locator("tbody tr td:nth-child(3)").allInnerTexts();
    expect(actions.length).toBeGreaterThan(3);
    for (const action of actions) expect(action).toMatch(/^ref\./);
  });

  it("refuses a form post without the CSRF token, or with a forged one (403), and changes nothing", async () => {
    const rollback = `/ui/models/${MODEL}/refs/Staging/rollback`;
    for (const tamper of ["remove", "forge"] as const) {
      await page.goto(`${registry.url}/ui/models/${MODEL}`);
      const card = page.locator('article[aria-label="Staging ref"]');
      await card.locator("summary").click();
      await card.locator("input[name=reason]").fill("an attacker's rollback");
      await card.locator("input[name=_csrf]").evaluate((input, how) => {
        if (how === "remove") input.remove();
        else (input as HTMLInputElement).value = "forged";
      }, tamper);
      const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith(rollback)), card.locator("button[type=submit]").click()]);
      expect(response.status()).toBe(403);
      await expect(page.locator("[role=alert]").innerText()).resolves.toContain("CSRF token");
    }
    expect((await api("GET", `/v1/models/${MODEL}`)).refs.Staging).toBe(3);
  });

  it("works with JavaScript disabled: a rollback is a plain form behind a <details>", async () => {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setScriptExecutionDisabled", { value: true });
    try {
      await page.goto(`${registry.url}/ui/models/${MODEL}`);
      const card = page.locator('article[aria-label="Staging ref"]');
      await card.locator("summary").click();
      await card.locator("input[name=reason]").fill("May retrain is not ready");
      await Promise.all([page.waitForURL(/done=rollback/), card.locator('button:has-text("Roll back to v2")').click()]);
      expect((await api("GET", `/v1/models/${MODEL}`)).refs.Staging).toBe(2);
    } finally {
      await cdp.send("Emulation.setScriptExecutionDisabled", { value: false });
      await cdp.detach();
    }
  });

  it("shows a reader everything but no action buttons, and refuses a reader's post", async () => {
    await Promise.all([page.waitForURL(/\/ui\/login$/), page.click('button:has-text("Sign out")')]);
    await signIn(readerToken);
    await page.goto(`${registry.url}/ui/models/${MODEL}`);
    await expect(productionTarget()).resolves.toBe("v1");
    await expect(page.locator("table").count()).resolves.toBeGreaterThan(0);
    // The only form that posts is sign-out.
    const posting = await page.locator('form[method="post"]').evaluateAll((forms) => forms.map((f) => f.getAttribute("action")));
    expect(posting).toEqual(["/ui/logout"]);
    await expect(page.locator("text=Roll back").count()).resolves.toBe(0);
    await expect(page.locator("text=Start a rollout").count()).resolves.toBe(0);
    await expect(page.locator('nav a:has-text("Audit log")').count()).resolves.toBe(0);

    // A reader's own, valid CSRF token does not make a rollback theirs to do.
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/refs/Production/rollback")),
      page.waitForURL(/\/refs\/Production\/rollback$/),
      page.evaluate((model) => {
        const form = document.createElement("form");
        form.method = "post";
        form.action = `/ui/models/${model}/refs/Production/rollback`;
        for (const [name, value] of [
          ["reason", "reader tries"],
          ["_csrf", (document.querySelector('input[name="_csrf"]') as HTMLInputElement).value],
        ]) {
          const input = form.appendChild(document.createElement("input"));
          input.name = name!;
          input.value = value!;
        }
        document.body.appendChild(form).submit();
      }, MODEL),
    ]);
    expect(response.status()).toBe(403);
    expect((await api("GET", `/v1/models/${MODEL}`)).refs.Production).toBe(1);
    const audit = await page.goto(`${registry.url}/ui/audit`);
    expect(audit!.status()).toBe(403);
  });

  it("fits a phone's width without sideways scrolling of the page", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${registry.url}/ui/models/${MODEL}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot("model-phone");
  });

  it("loaded nothing from anywhere but the registry", () => {
    const origins = new Set(requested.map((u) => new URL(u).origin));
    expect([...origins]).toEqual([registry.url]);
  });
});
