#!/usr/bin/env node
// Webhook delivery (issue 19): through the Cloudflare Queue (the default) against direct delivery from the request
// (waitUntil + cron retries, what a deployment without the queue binding does), side by side in one run.
//
//   node bench/webhooks.mjs        env: BENCH_EVENTS=200, BENCH_CONCURRENCY=8, BENCH_FAIL_SHARE=10 (%), BENCH_WINDOW_S=20
//
// Two local servers (Miniflare, temporary state), each with its own Node receiver. Per server and receiver kind:
// make BENCH_EVENTS ref moves across 4 models from BENCH_CONCURRENCY clients (each move that changed the ref is one
// ref.moved event), then wait up to BENCH_WINDOW_S for the receiver to have accepted every event (deduplicated on
// X-Edgereg-Delivery). Prints events/s from the first move to the last acceptance, the latency from each event's
// `at` to its acceptance (p50, p95), and what the delivery log says at the end: delivered, still pending (a direct
// delivery's retry waits for the cron trigger, 1 min at the earliest), and lost (an event neither accepted nor in
// the delivery log as pending or failed: must be 0).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalRegistry } from "../scripts/local.mjs";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const FAIL_SHARE = Number(process.env.BENCH_FAIL_SHARE ?? 10);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 20);
const MODELS = 4;
const ADMIN = `bench-${randomBytes(12).toString("hex")}`;
const work = mkdtempSync(join(tmpdir(), "edgereg-webhooks-bench-"));

/** A receiver that refuses a fixed share of requests, spread evenly, and remembers each accepted key once. */
async function receiver(failShare) {
  const accepted = new Set();
  const latencies = [];
  let requests = 0;
  let lastAcceptedAt = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const n = requests++;
      const refuse = Math.floor(((n + 1) * failShare) / 100) > Math.floor((n * failShare) / 100);
      const key = String(req.headers["x-edgereg-delivery"]);
      if (!refuse && !accepted.has(key)) {
        accepted.add(key);
        latencies.push(Date.now() - Date.parse(JSON.parse(body).at));
        lastAcceptedAt = performance.now();
      }
      res.writeHead(refuse ? 503 : 200).end();
    });
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    accepted,
    latencies,
    requests: () => requests,
    lastAcceptedAt: () => lastAcceptedAt,
    close: () => new Promise((done) => server.close(done)),
  };
}

async function api(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return JSON.parse(text);
}

async function deliveryLog(base, hook) {
  const items = [];
  let cursor = null;
  do {
    const page = await api(base, "GET", `/v1/webhooks/${hook}/deliveries?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

async function run(mode, base, failShare, round) {
  const box = await receiver(failShare);
  const prefix = `${mode}-${round}`;
  const hook = await api(base, "POST", "/v1/webhooks", { url: box.url, events: ["ref.moved"], model: `${prefix}-*` });
  for (let m = 0; m < MODELS; m++) {
    await api(base, "POST", "/v1/models", { name: `${prefix}-${m}` });
    for (const semver of ["1.0.0", "2.0.0"]) await api(base, "POST", `/v1/models/${prefix}-${m}/versions`, { semver });
  }
  const started = performance.now();
  let next = 0;
  let events = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < EVENTS; i = next++) {
        const moved = await api(base, "PUT", `/v1/models/${prefix}-${i % MODELS}/refs/champion`, { version: (Math.floor(i / MODELS) % 2) + 1 });
        if (moved.version !== moved.previous_version) events++;
      }
    }),
  );
  const emitted = performance.now();
  const deadline = emitted + WINDOW_S * 1000;
  while (box.accepted.size < events && performance.now() < deadline) await new Promise((done) => setTimeout(done, 100));
  const log = await deliveryLog(base, hook.id);
  const count = (status) => log.filter((d) => d.status === status).length;
  const sorted = [...box.latencies].sort((a, b) => a - b);
  const quantile = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const result = {
    mode,
    receiver: failShare ? `${failShare}% fail` : "healthy",
    events,
    emit_s: (emitted - started) / 1000,
    all_accepted: box.accepted.size === events,
    events_per_s: box.accepted.size / ((box.lastAcceptedAt() - started) / 1000),
    p50_ms: quantile(0.5),
    p95_ms: quantile(0.95),
    accepted: box.accepted.size,
    requests: box.requests(),
    delivered: count("delivered"),
    pending: count("pending"),
    failed: count("failed"),
    lost: events - box.accepted.size - count("pending") - count("failed"),
  };
  await api(base, "DELETE", `/v1/webhooks/${hook.id}`);
  await box.close();
  return result;
}

async function main() {
  const servers = {};
  try {
    for (const [mode, webhookQueue] of [["queue", true], ["direct", false]]) {
      const registry = await startLocalRegistry({
        port: 0,
        persistTo: join(work, mode),
        adminToken: ADMIN,
        quiet: true,
        webhookQueue,
        vars: { RATE_LIMIT_MUTATIONS_PER_MINUTE: "0", WEBHOOK_RETRY_DELAYS_S: "1,1,1,1", WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" },
      });
      servers[mode] = registry;
    }
    const rows = [];
    // Alternate the modes so neither gets the quieter moment of the shared machine.
    for (const failShare of [0, FAIL_SHARE]) {
      for (const mode of ["queue", "direct"]) rows.push(await run(mode, servers[mode].url, failShare, rows.length));
    }
    console.log(`\n${EVENTS} ref moves from ${CONCURRENCY} clients across ${MODELS} models; window ${WINDOW_S} s after the last move\n`);
    console.log("| transport | receiver | events | events/s, first move → last acceptance | latency p50 / p95 ms | all accepted in window | receiver requests | delivered | pending | failed | lost |");
    console.log("|---|---|---|---|---|---|---|---|---|---|---|");
    for (const r of rows) {
      console.log(
        `| ${r.mode} | ${r.receiver} | ${r.events} | ${r.events_per_s.toFixed(1)} | ${r.p50_ms} / ${r.p95_ms} | ${r.all_accepted ? "yes" : `no (${r.accepted})`} | ${r.requests} | ${r.delivered} | ${r.pending} | ${r.failed} | ${r.lost} |`,
      );
    }
    for (const failShare of [0, FAIL_SHARE]) {
      const [q, d] = ["queue", "direct"].map((m) => rows.find((r) => r.mode === m && r.receiver === (failShare ? `${failShare}% fail` : "healthy")));
      console.log(`\n${q.receiver}: queue / direct throughput = ${(q.events_per_s / d.events_per_s).toFixed(2)}×; lost: queue ${q.lost}, direct ${d.lost}`);
    }
    const lost = rows.reduce((sum, r) => sum + r.lost, 0);
    if (lost > 0) process.exitCode = 1;
  } finally {
    for (const s of Object.values(servers)) await s.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
