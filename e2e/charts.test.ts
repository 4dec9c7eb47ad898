/**
 * The canary's life in the admin UI, driven in headless Chromium (Debian's `chromium` through playwright-core)
 * against a local registry: the rollout charts, the timeline, the compare page, a drift report, the tokens page,
 * a PENDING version, the audit log's quick filters, and Promote/Abort asking before they act. Assertions read the
 * pages' structure and content (SVG marks carry data attributes), never pixels. Screenshots of each page go to
 * docs/screenshots/ with UPDATE_SCREENSHOTS=1 (for docs/ui-charts.md), else to a temporary directory.
 *
 * The seed goes through the API, then spreads the history over days: the server stamps every change and
 * observation with its own clock, so the test moves those timestamps back in the local D1 (and inserts minute
 * windows of observations) to give the charts the shape of a real week.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalRegistry } from "../scripts/local.mjs";

const root = resolve(import.meta.dirname, "..");
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS ? join(root, "docs/screenshots") : mkdtempSync(join(tmpdir(), "edgereg-chart-shots-"));
const ADMIN_TOKEN = "charts-e2e-admin-secret";
const MODEL = "flight_delay";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let registry: { url: string; mf: any; dispose(): Promise<void> };
let persistTo: string;
let userDataDir: string;
let context: BrowserContext;
let page: Page;
/** The ended rollout (v2 → v3, aborted) and the active one (v2 → v4). */
let ended: string;
let active: string;
let driftReport: string;
const requested: string[] = [];

async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${registry.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined || body instanceof Uint8Array ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : body instanceof Uint8Array ? (body as unknown as BodyInit) : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

const signature = (inputs: { name: string; type: string; optional?: boolean }[]) => ({ inputs, outputs: [{ name: "delay_min", type: "double" }] });
const INPUTS = [
  { name: "distance_km", type: "double" },
  { name: "carrier", type: "string" },
];

async function seed() {
  await api("POST", "/v1/models", { name: MODEL, description: "Predicts departure delay in minutes" });
  await api("PUT", `/v1/models/${MODEL}/policy`, {
    compare: { metric: "accuracy", direction: "higher", tolerance: 0 },
    // Never trips on the seeded numbers (min_samples is out of reach): the chart draws its floor and max_drop lines.
    auto_rollback: { metric: "accuracy", direction: "higher", floor: 0.86, max_drop: 0.03, min_samples: 10_000_000, window_s: 3600 },
  });
  const versions = [
    { semver: "1.0.0", metrics: { accuracy: 0.874, latency_ms: 38, mae: 8.4 }, params: { max_depth: 8, n_estimators: 400 }, signature: signature(INPUTS) },
    { semver: "1.1.0", metrics: { accuracy: 0.902, latency_ms: 41, mae: 7.9 }, params: { max_depth: 8, n_estimators: 400 }, signature: signature([...INPUTS, { name: "dep_hour", type: "long", optional: true }]) },
    { semver: "1.2.0", metrics: { accuracy: 0.915, latency_ms: 78, mae: 7.5 }, params: { max_depth: 10, n_estimators: 800 }, signature: signature([...INPUTS, { name: "dep_hour", type: "long", optional: true }]) },
    { semver: "2.0.0", metrics: { accuracy: 0.909, latency_ms: 36, mae: 7.6 }, params: { max_depth: 6, n_estimators: 400 }, signature: signature([INPUTS[0]!, { name: "dep_hour", type: "long", optional: true }]) },
  ];
  for (const [i, v] of versions.entries()) {
    await api("POST", `/v1/models/${MODEL}/versions`, { ...v, run_id: `run-8f2a${i}`, dataset: { name: "flights", version: `2025-${String(9 + i).padStart(2, "0")}` } });
  }
  await api("PUT", `/v1/models/${MODEL}/refs/Staging`, { version: 1, reason: "first candidate" });
  await api("PUT", `/v1/models/${MODEL}/refs/Production`, { version: 1, reason: "first launch" });
  await api("PUT", `/v1/models/${MODEL}/refs/Staging`, { version: 2, reason: "weather features" });
  await api("PUT", `/v1/models/${MODEL}/refs/Production`, { version: 2, reason: "better accuracy on the holdout" });
  await api("PUT", `/v1/models/${MODEL}/refs/Staging`, { version: 3, reason: "May retrain" });
  ended = (await api("PUT", `/v1/models/${MODEL}/rollouts/Production`, { candidate_version: 3, steps: [5, 25, 50, 100], reason: "May retrain, canary first" })).id;
  await api("PATCH", `/v1/models/${MODEL}/rollouts/Production`, { step: "next", reason: "accuracy holds at 5%" });
  await api("PATCH", `/v1/models/${MODEL}/rollouts/Production`, { step: "next", reason: "accuracy holds at 25%" });
  await api("POST", `/v1/models/${MODEL}/rollouts/Production/abort`, { reason: "latency_ms up 90% on the candidate" });
  await api("PUT", `/v1/models/${MODEL}/refs/Staging`, { version: 4, reason: "smaller trees, lower latency" });
  active = (await api("PUT", `/v1/models/${MODEL}/rollouts/Production`, { candidate_version: 4, steps: [10, 25, 50, 100], reason: "lower latency" })).id;
  await api("PATCH", `/v1/models/${MODEL}/rollouts/Production`, { step: "next", reason: "flat error rate" });

  // A PENDING version: two declared files, one multipart upload that stopped after its first part.
  const big = 11 * 1024 * 1024;
  await api("POST", `/v1/models/${MODEL}/versions`, {
    semver: "2.1.0",
    metrics: { accuracy: 0.912 },
    signature: signature([INPUTS[0]!, { name: "dep_hour", type: "long", optional: true }]),
    artifacts: [
      { path: "model.onnx", size: big, sha256: "ab".repeat(32) },
      { path: "vocab.txt", size: 1200, sha256: "cd".repeat(32) },
    ],
  });
  const session = await api("POST", `/v1/models/${MODEL}/versions/5/uploads`, { path: "model.onnx", part_size: 5 * 1024 * 1024 });
  await api("PUT", `/v1/models/${MODEL}/versions/5/uploads/${session.id}/parts/1`, new Uint8Array(5 * 1024 * 1024));

  const distances = (shift: number) => Array.from({ length: 400 }, (_, i) => 200 + ((i * 37) % 97) * 14 + ((i * 13) % 11) * 30 + shift);
  const carriers = (n: number) => Array.from({ length: 400 }, (_, i) => ["AA", "DL", "UA", "WN", "B6"][(i * n) % 5]!);
  await api("PUT", `/v1/models/${MODEL}/versions/2/reference-data`, { features: { distance_km: distances(0), carrier: carriers(1), dep_hour: distances(0).map((d) => d % 24) } });
  driftReport = (await api("POST", `/v1/models/${MODEL}/drift`, { version: 2, features: { distance_km: distances(240), carrier: carriers(2), dep_hour: distances(0).map((d) => d % 24) } })).id;

  await spreadOverDays();
}

/** Moves the seeded history back over six days and fills both rollouts with minute windows of observations. */
async function spreadOverDays() {
  const db = await registry.mf.getD1Database("DB");
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const { id: modelId } = await db.prepare("SELECT id FROM models WHERE name = ?").bind(MODEL).first();
  await db.prepare("UPDATE models SET created_at = ? WHERE id = ?").bind(iso(now - 6 * 24 * HOUR), modelId).run();
  // Staging v1, Production v1, Staging v2, Production v2, Staging v3, rollout start, Staging v4, rollout start.
  const schedule = [-5.5 * 24, -5 * 24, -3 * 24, -2.6 * 24, -26, -20, -6, -5].map((h) => now + h * HOUR);
  const history = (await db.prepare("SELECT id FROM ref_history WHERE model_id = ? ORDER BY id").bind(modelId).all()).results;
  expect(history.length).toBe(schedule.length);
  for (const [i, row] of history.entries()) await db.prepare("UPDATE ref_history SET at = ? WHERE id = ?").bind(iso(schedule[i]!), row.id).run();
  const endedTimes = [-20, -17, -14, -11].map((h) => now + h * HOUR);
  const activeTimes = [-5, -2].map((h) => now + h * HOUR);
  for (const [id, times] of [[ended, endedTimes], [active, activeTimes]] as const) {
    for (const [i, at] of times.entries()) await db.prepare("UPDATE rollout_events SET at = ? WHERE rollout_id = ? AND seq = ?").bind(iso(at), id, i + 1).run();
    await db.prepare("UPDATE rollouts SET created_at = ?, updated_at = ? WHERE id = ?").bind(iso(times[0]!), iso(times[times.length - 1]!), id).run();
  }
  await db.prepare("UPDATE rollouts SET ended_at = ? WHERE id = ?").bind(iso(endedTimes[3]!), ended).run();
  const versionId = async (n: number) => (await db.prepare("SELECT id FROM versions WHERE model_id = ? AND number = ?").bind(modelId, n).first()).id;
  const [v2, v3, v4] = [await versionId(2), await versionId(3), await versionId(4)];
  const rows: [string, string, string, number, number, number][] = [];
  const windows = (fromMs: number, toMs: number, arms: [string, number, (k: number) => { accuracy: number; latency_ms: number }][]) => {
    for (let t = Math.floor(fromMs / MINUTE) * MINUTE, k = 0; t < toMs; t += 5 * MINUTE, k++) {
      for (const [version, count, metrics] of arms) {
        for (const [metric, mean] of Object.entries(metrics(k))) rows.push([version, metric, iso(t), count, mean * count, count * (mean * mean + 0.01)]);
      }
    }
  };
  const wave = (k: number, size: number) => Math.sin(k / 7) * size;
  windows(endedTimes[0]!, endedTimes[3]!, [
    [v2, 400, (k) => ({ accuracy: 0.9 + wave(k, 0.006), latency_ms: 41 + wave(k, 2) })],
    [v3, 60, (k) => ({ accuracy: 0.912 + wave(k + 3, 0.01), latency_ms: 74 + wave(k, 5) + k * 0.05 })],
  ]);
  windows(activeTimes[0]!, now, [
    [v2, 380, (k) => ({ accuracy: 0.901 + wave(k, 0.005), latency_ms: 41 + wave(k, 2) })],
    [v4, 90, (k) => ({ accuracy: 0.907 + wave(k + 2, 0.008), latency_ms: 36 + wave(k, 1.5) })],
  ]);
  const insert = db.prepare("INSERT INTO observations (version_id, metric, window_start, count, sum, sum_squares) VALUES (?, ?, ?, ?, ?, ?)");
  for (let i = 0; i < rows.length; i += 50) await db.batch(rows.slice(i, i + 50).map((r) => insert.bind(...r)));
}

const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
const go = async (path: string) => {
  const res = await page.goto(`${registry.url}${path}`);
  expect(res!.status(), path).toBeLessThan(400);
};

beforeAll(async () => {
  persistTo = mkdtempSync(join(tmpdir(), "edgereg-charts-"));
  userDataDir = mkdtempSync(join(tmpdir(), "edgereg-chromium-charts-"));
  mkdirSync(SCREENSHOTS, { recursive: true });
  registry = await startLocalRegistry({ port: 0, persistTo, vars: { ADMIN_TOKEN }, quiet: true });
  await seed();
  context = await chromium.launchPersistentContext(userDataDir, { executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 } });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("request", (r) => requested.push(r.url()));
});

afterAll(async () => {
  await context?.close();
  await registry?.dispose();
  for (const dir of [persistTo, userDataDir, process.env.UPDATE_SCREENSHOTS ? undefined : SCREENSHOTS]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the canary's life in a real browser", () => {
  it("opens the UI at the registry's origin, and signs in", async () => {
    await page.goto(`${registry.url}/`);
    expect(new URL(page.url()).pathname).toBe("/ui/login");
    await page.fill("#token", ADMIN_TOKEN);
    await Promise.all([page.waitForURL(/\/ui(\?|$)/), page.click("button[type=submit]")]);
    await expect(page.locator("h1").innerText()).resolves.toBe("Models");
  });

  it("asks before Promote and Abort, as before a rollback", async () => {
    await go(`/ui/models/${MODEL}`);
    const panel = page.locator('section[aria-label="Rollout on Production"]');
    for (const [summary, button] of [["Promote…", "Promote v4 to all of Production"], ["Abort…", "Abort, keep v2"]] as const) {
      const submit = panel.locator(`button:has-text("${button}")`);
      await expect(submit.isVisible()).resolves.toBe(false);
      await panel.locator(`summary:has-text("${summary}")`).click();
      await expect(submit.isVisible()).resolves.toBe(true);
    }
    // Nothing was sent: the rollout is still on.
    expect((await api("GET", `/v1/models/${MODEL}/rollouts/Production`)).status).toBe("active");
  });

  it("draws each arm of an ended rollout over time, with its weight steps and the auto-rollback threshold", async () => {
    await go(`/ui/models/${MODEL}`);
    await go(`/ui/models/${MODEL}/rollouts/${ended}`);
    await expect(page.locator("h1 [data-status]").innerText()).resolves.toBe("aborted");
    const accuracy = page.locator('figure[data-metric="accuracy"] svg[data-chart="arms"]');
    await expect(accuracy.getAttribute("role")).resolves.toBe("img");
    expect(await accuracy.getAttribute("aria-label")).toMatch(/stable \d+ buckets, candidate \d+ buckets; 4 weight changes marked; 2 auto-rollback threshold lines/);
    expect(await accuracy.locator('[data-series="stable"] circle').count()).toBeGreaterThan(20);
    expect(await accuracy.locator('[data-series="candidate"] rect').count()).toBeGreaterThan(20);
    await expect(accuracy.locator('[data-mark="step"]').count()).resolves.toBe(4);
    const weights = await accuracy.locator('[data-mark="step"]').evaluateAll((marks) => marks.map((m) => m.getAttribute("data-weight")));
    expect(weights).toEqual(["5", "25", "50", "50"]);
    await expect(accuracy.locator('[data-mark="threshold"]').count()).resolves.toBe(2);
    await expect(accuracy.locator('[data-mark="threshold"] text').first().textContent()).resolves.toBe("auto-rollback: floor 0.86");
    // A metric the rule does not watch has no threshold.
    await expect(page.locator('figure[data-metric="latency_ms"] [data-mark="threshold"]').count()).resolves.toBe(0);
    await expect(page.locator('tr[data-event="abort"]').innerText()).resolves.toContain("latency_ms up 90%");
    await shot("rollout");
    // The table fallback holds the same numbers.
    await page.locator('figure[data-metric="accuracy"] details summary').click();
    expect(await page.locator('figure[data-metric="accuracy"] details tbody tr').count()).toBeGreaterThan(20);
  });

  it("shows which version held Production and Staging over time, with both rollouts as bands", async () => {
    await go(`/ui/models/${MODEL}/timeline`);
    const chart = page.locator('svg[data-chart="timeline"]');
    await expect(chart.locator('[data-mark="rollout"]').count()).resolves.toBe(2);
    await expect(chart.locator('[data-mark="rollout"][data-status="aborted"]').count()).resolves.toBe(1);
    const production = await chart.locator('[data-mark="holding"][data-ref="Production"]').evaluateAll((bars) => bars.map((b) => b.getAttribute("data-version")));
    expect(production).toEqual(["1", "2"]);
    const staging = await chart.locator('[data-mark="holding"][data-ref="Staging"]').evaluateAll((bars) => bars.map((b) => b.getAttribute("data-version")));
    expect(staging).toEqual(["1", "2", "3", "4"]);
    await expect(page.locator("tr[data-rollout]").count()).resolves.toBe(2);
    await shot("timeline");
    await Promise.all([page.waitForURL(new RegExp(`/rollouts/${active}$`)), page.locator(`tr[data-rollout="${active}"] a:has-text("Charts")`).click()]);
    await expect(page.locator("h1 [data-status]").innerText()).resolves.toBe("active");
  });

  it("compares versions side by side, highlighting the metric that differs, with the semver verdicts", async () => {
    await go(`/ui/models/${MODEL}/compare?v=2&v=3&v=4`);
    const latency = page.locator('tr[data-row="latency_ms"]');
    await expect(latency.getAttribute("data-differs")).resolves.toBe("true");
    await expect(latency.locator("td").nth(2).innerText()).resolves.toMatch(/78\s*\+37/);
    const highlighted = await latency.locator("td").nth(1).evaluate((td) => getComputedStyle(td).backgroundColor);
    const plain = await page.locator('tr[data-row="n_estimators"] td').nth(1).evaluate((td) => getComputedStyle(td).backgroundColor);
    await expect(page.locator('tr[data-row="n_estimators"]').getAttribute("data-differs")).resolves.toBe("true");
    const same = page.locator('tr[data-row="input distance_km"]');
    await expect(same.getAttribute("data-differs")).resolves.toBe("false");
    expect(await same.locator("td").nth(1).evaluate((td) => getComputedStyle(td).backgroundColor)).not.toBe(highlighted);
    expect(highlighted).toBe(plain);
    await expect(page.locator('tr[data-row="input carrier"]').getAttribute("data-differs")).resolves.toBe("true");
    const verdicts = page.locator("[data-verdict]");
    await expect(verdicts.count()).resolves.toBe(2);
    await expect(verdicts.nth(1).innerText()).resolves.toMatch(/v2 1\.1\.0 → v4 2\.0\.0: .*carrier.*major bump is required.*✓ 2\.0\.0 honours it/);
    await shot("compare");
  });

  it("shows a drift report's statistics against their thresholds, and the reference distributions", async () => {
    await go(`/ui/models/${MODEL}/versions/2`);
    await Promise.all([page.waitForURL(/\/drift\//), page.locator(`a[href$="/drift/${driftReport}"]`).click()]);
    const rows = page.locator("tr[data-feature]");
    await expect(rows.count()).resolves.toBe(3);
    await expect(page.locator('tr[data-feature="distance_km"]').getAttribute("data-drift")).resolves.toBe("true");
    await expect(page.locator('tr[data-feature="dep_hour"]').getAttribute("data-drift")).resolves.toBe("false");
    await expect(page.locator('svg[data-chart="evidence"]').count()).resolves.toBe(3);
    await expect(page.locator('tr[data-feature="distance_km"]').innerText()).resolves.toMatch(/PSI|\d/);
    await expect(page.locator('svg[data-chart="histogram"]').count()).resolves.toBe(3);
    expect(await page.locator('[data-distribution="distance_km"] rect[data-bin]').count()).toBe(20);
    await expect(page.locator('[data-note="distribution"]').innerText()).resolves.toContain("reference sample");
    await shot("drift");
  });

  it("shows a PENDING version's missing files and parts, and the push command that resumes", async () => {
    await go(`/ui/models/${MODEL}/versions/5`);
    const pending = page.locator("[data-pending]");
    await expect(pending.locator('[data-missing="model.onnx"]').innerText()).resolves.toContain("1 of 3 parts received; missing parts 2–3");
    await expect(pending.locator('[data-missing="vocab.txt"]').innerText()).resolves.toContain("no bytes received yet");
    await expect(pending.locator("[data-command]").innerText()).resolves.toBe(`edgereg push ${MODEL} model.onnx vocab.txt --version 2.1.0`);
    await shot("version-pending");
  });

  it("filters the audit log by action family, naming stable and candidate on every rollout row, details as a diff", async () => {
    await go("/ui/audit");
    await Promise.all([page.waitForURL(/action=rollout/), page.locator('nav[aria-label="Action family"] a:has-text("rollout")').click()]);
    const actions = await page.locator("tbody tr td:nth-child(3)").allInnerTexts();
    expect(actions.length).toBeGreaterThanOrEqual(4);
    for (const action of actions) expect(action).toMatch(/^rollout\./);
    const arms = await page.locator("tbody tr [data-arms]").evaluateAll((cells) => cells.map((c) => c.getAttribute("data-arms")));
    expect(arms.length).toBe(actions.length);
    expect(new Set(arms)).toEqual(new Set(["2-3", "2-4"]));
    await expect(page.locator("ul.diff del").first().innerText()).resolves.toBeTruthy();
    await shot("audit");
  });

  it("creates a reporter token with its secret shown once, and revokes it after asking", async () => {
    await go("/ui/tokens");
    // The form is open on a registry with no tokens yet, folded once there are some.
    if (!(await page.locator("#token-name").isVisible())) await page.locator("details.start > summary").click();
    await page.fill("#token-name", "serving-eu");
    await page.selectOption("#token-role", "reporter");
    await page.fill("#token-glob", MODEL);
    await Promise.all([page.waitForURL(/\/ui\/tokens$/), page.click('button:has-text("Create token")')]);
    const secret = await page.locator("[data-secret]").innerText();
    expect(secret).toMatch(/^er_/);
    const me = await fetch(`${registry.url}/v1/models/${MODEL}`, { headers: { Authorization: `Bearer ${secret}` } });
    expect(me.status).toBe(200);
    await shot("tokens");

    await go("/ui/tokens");
    expect(await page.content()).not.toContain(secret);
    const row = page.locator('tr[data-token="serving-eu"]');
    await expect(row.innerText()).resolves.toMatch(/reporter[\s\S]*flight_delay/);
    const revoke = row.locator('button:has-text("Revoke")');
    await expect(revoke.isVisible()).resolves.toBe(false);
    await row.locator("summary").click();
    await Promise.all([page.waitForURL(/done=revoke/), revoke.click()]);
    await expect(page.locator("[role=status]").innerText()).resolves.toContain("serving-eu");
    expect((await fetch(`${registry.url}/v1/models/${MODEL}`, { headers: { Authorization: `Bearer ${secret}` } })).status).toBe(401);
  });

  it("loaded nothing from anywhere but the registry", () => {
    expect([...new Set(requested.map((u) => new URL(u).origin))]).toEqual([registry.url]);
  });
});
