#!/usr/bin/env node
// Soak run (issue 9): the local worker (scripts/local.mjs: the deployable bundle on Miniflare, fresh D1 and R2 in a
// temp dir) under a bounded mix from several concurrent clients on 127.0.0.1:
//   90% resolves of models:/soak/Production, 4% observation batches, 3% uploads (a version declaring one small
//   artifact, then its single PUT), 2% moves of Production, 1% rollbacks of Production.
// Afterwards it checks that no request failed with 5xx (or at all, on the wire), that every acknowledged write is
// present, and that the audit log holds exactly the events of the acknowledged mutations, each under the request
// id that made it. It prints throughput, p50/p99 per kind and the checks; the exit code is 1 when a check fails.
//
//   node bench/soak.mjs [--seconds 60] [--clients 8] [--rate-limit N]
//   (--rate-limit: mutations per token and minute; the default is high enough that the limiter counts every
//    mutation in D1 without refusing one, so its cost is in the figures)
import { randomBytes, createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startLocalRegistry } from "../scripts/local.mjs";

const { values: args } = parseArgs({
  options: { seconds: { type: "string", default: "60" }, clients: { type: "string", default: "8" }, "rate-limit": { type: "string", default: "1000000" } },
});
const SECONDS = Number(args.seconds);
const CLIENTS = Number(args.clients);
const MODEL = "soak";
const METRIC = "soak_latency_ms";
const ADMIN = `soak-${randomBytes(16).toString("hex")}`;
const MIX = [
  ["resolve", 0.9],
  ["observe", 0.04],
  ["upload", 0.03],
  ["move", 0.02],
  ["rollback", 0.01],
];

let base;
const tokens = {};
/** Every request sent: kind, status, latency, request id and what it acknowledged. */
const log = [];
/** READY versions (number) anyone may move Production to. */
const ready = [1, 2, 3];

async function api(method, path, { body, token = ADMIN, raw, headers = {} } = {}) {
  const init = { method, headers: { Authorization: `Bearer ${token}`, ...headers } };
  if (raw !== undefined) init.body = raw;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  return { status: res.status, requestId: res.headers.get("X-Request-Id"), body: text && res.headers.get("Content-Type")?.includes("json") ? JSON.parse(text) : text };
}

async function must(method, path, options) {
  const res = await api(method, path, options);
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** One request of the run, timed and recorded; a failure on the wire is recorded as status 0. */
async function timed(kind, method, path, options, extra = {}) {
  const t = performance.now();
  let res;
  try {
    res = await api(method, path, options);
  } catch (error) {
    res = { status: 0, requestId: null, body: String(error) };
  }
  const entry = { kind, status: res.status, ms: performance.now() - t, requestId: res.requestId, body: res.body, ...extra };
  log.push(entry);
  return entry;
}

const pick = () => {
  let x = Math.random();
  for (const [kind, p] of MIX) if ((x -= p) < 0) return kind;
  return "resolve";
};
const any = (xs) => xs[Math.floor(Math.random() * xs.length)];

async function client(id, deadline) {
  let seq = 0;
  while (Date.now() < deadline) {
    const kind = pick();
    if (kind === "resolve") {
      await timed("resolve", "GET", `/v1/resolve?ref=${encodeURIComponent(`models:/${MODEL}/Production`)}`, {
        token: tokens.reader[id],
        headers: { "X-Routing-Key": `user-${Math.floor(Math.random() * 1e6)}` },
      });
    } else if (kind === "observe") {
      const count = 1 + Math.floor(Math.random() * 20);
      await timed("observe", "POST", `/v1/models/${MODEL}/observations`, {
        token: tokens.reporter[id],
        body: { observations: [{ ref: "Production", metrics: { [METRIC]: Math.random() * 100 }, count }] },
      }, { count });
    } else if (kind === "upload") {
      const bytes = randomBytes(512 + Math.floor(Math.random() * 3584));
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      const semver = `2.${id}.${seq++}`;
      const created = await timed("create", "POST", `/v1/models/${MODEL}/versions`, {
        token: tokens.publisher[id],
        body: { semver, description: "soak", artifacts: [{ path: "model.bin", size: bytes.length, sha256 }] },
      }, { semver });
      if (created.status !== 201) continue;
      const put = await timed("upload", "PUT", `/v1/models/${MODEL}/versions/${created.body.number}/artifacts/model.bin`, { token: tokens.publisher[id], raw: bytes }, { number: created.body.number, sha256 });
      if (put.status === 201) ready.push(created.body.number);
    } else if (kind === "move") {
      await timed("move", "PUT", `/v1/models/${MODEL}/refs/Production`, { token: tokens.admin[id], body: { version: any(ready), reason: `soak client ${id}` } });
    } else {
      await timed("rollback", "POST", `/v1/models/${MODEL}/refs/Production/rollback`, { token: tokens.admin[id], body: { reason: `soak client ${id}` } });
    }
  }
}

async function pages(path) {
  const items = [];
  let cursor = null;
  do {
    const page = await must("GET", `${path}${path.includes("?") ? "&" : "?"}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function report(elapsed) {
  const kinds = ["resolve", "observe", "create", "upload", "move", "rollback"];
  console.log(`\n== ${log.length.toLocaleString()} requests in ${elapsed.toFixed(1)} s from ${CLIENTS} clients: ${(log.length / elapsed).toFixed(0)} req/s`);
  console.log("kind        requests    req/s   p50 ms   p99 ms   statuses");
  for (const kind of kinds) {
    const entries = log.filter((e) => e.kind === kind);
    const ms = entries.map((e) => e.ms).sort((a, b) => a - b);
    const statuses = Object.entries(entries.reduce((acc, e) => ((acc[e.status] = (acc[e.status] ?? 0) + 1), acc), {}))
      .map(([s, n]) => `${s}×${n}`)
      .join(" ");
    console.log(
      `${kind.padEnd(10)} ${String(entries.length).padStart(9)} ${(entries.length / elapsed).toFixed(1).padStart(8)} ${percentile(ms, 50).toFixed(1).padStart(8)} ${percentile(ms, 99).toFixed(1).padStart(8)}   ${statuses}`,
    );
  }
  const all = log.map((e) => e.ms).sort((a, b) => a - b);
  console.log(`all        ${String(log.length).padStart(9)} ${(log.length / elapsed).toFixed(1).padStart(8)} ${percentile(all, 50).toFixed(1).padStart(8)} ${percentile(all, 99).toFixed(1).padStart(8)}`);
}

/** The checks after the run; each prints its verdict, and the run fails if any fails. */
async function verify(setupRequestIds) {
  const results = [];
  const checkThat = (name, ok, detail = "") => {
    results.push(ok);
    console.log(`${ok ? "PASS" : "FAIL"}  ${name}${detail ? `: ${detail}` : ""}`);
  };
  console.log("\n== Checks");
  const failed = log.filter((e) => e.status >= 500 || e.status === 0);
  checkThat("no request failed with 5xx or on the wire", failed.length === 0, failed.length ? `${failed.length}, e.g. ${JSON.stringify(failed[0]).slice(0, 300)}` : `${log.length} requests`);
  const limited = log.filter((e) => e.status === 429).length;
  checkThat("no mutation was rate limited (the limiter counted them all)", limited === 0, `${limited} answered 429`);

  // Versions and uploads.
  const versions = new Map((await pages(`/v1/models/${MODEL}/versions`)).map((v) => [v.number, v]));
  const created = log.filter((e) => e.kind === "create" && e.status === 201);
  const missing = created.filter((e) => versions.get(e.body.number)?.semver !== e.semver);
  checkThat("every acknowledged version exists with its semver", missing.length === 0, `${created.length} created, ${missing.length} missing`);
  const uploaded = log.filter((e) => e.kind === "upload" && (e.status === 201 || e.status === 200));
  let unreadable = 0;
  for (const e of uploaded) {
    const v = versions.get(e.number);
    const head = await fetch(`${base}/v1/models/${MODEL}/versions/${e.number}/artifacts/model.bin`, { method: "HEAD", headers: { Authorization: `Bearer ${ADMIN}` } });
    if (v?.status !== "READY" || head.status !== 200 || head.headers.get("ETag") !== `"${e.sha256}"`) unreadable++;
  }
  checkThat("every acknowledged upload is READY and served with its sha256", unreadable === 0, `${uploaded.length} uploads, ${unreadable} not`);

  // Observations: the windows add up to what was acknowledged.
  const observed = log.filter((e) => e.kind === "observe" && e.status === 200).reduce((n, e) => n + e.count, 0);
  const windows = await pages(`/v1/models/${MODEL}/observations?metric=${METRIC}`);
  const stored = windows.reduce((n, w) => n + w.count, 0);
  checkThat("observation windows hold every acknowledged observation", stored === observed, `${observed} acknowledged, ${stored} stored`);

  // Production: history replays to the ref, and each acknowledged change is its own entry.
  const history = (await pages(`/v1/models/${MODEL}/refs/Production/history`)).reverse();
  const contiguous = history.every((h, i) => h.generation === i + 1 && (i === 0 || h.from_version === history[i - 1].to_version));
  const production = (await must("GET", `/v1/models/${MODEL}`)).refs.Production;
  checkThat("Production's history is contiguous and replays to where it points", contiguous && history.at(-1)?.to_version === production, `${history.length} generations, Production → v${production}`);
  const changes = log.filter((e) => (e.kind === "move" || e.kind === "rollback") && e.status === 200 && (e.kind === "rollback" || e.body.previous_version !== e.body.version));
  const misplaced = changes.filter((e) => {
    const h = history[e.body.generation - 1];
    return !h || h.from_version !== e.body.previous_version || h.to_version !== e.body.version;
  });
  checkThat("every acknowledged move and rollback is its own history entry", misplaced.length === 0 && new Set(changes.map((e) => e.body.generation)).size === changes.length, `${changes.length} changes, ${misplaced.length} misplaced`);

  // The audit log: exactly the acknowledged mutations' events, under their request ids.
  const events = await pages(`/v1/audit?model=${MODEL}`);
  const byRequest = new Map();
  for (const e of events) byRequest.set(e.request_id, [...(byRequest.get(e.request_id) ?? []), e.action].sort());
  const expected = new Map();
  for (const e of created) expected.set(e.requestId, ["version.create"]);
  for (const e of uploaded) if (e.status === 201) expected.set(e.requestId, ["artifact.upload", "version.ready"]);
  for (const e of changes) expected.set(e.requestId, [e.kind === "move" ? "ref.move" : "ref.rollback"]);
  const wrong = [...expected].filter(([id, actions]) => JSON.stringify(byRequest.get(id)) !== JSON.stringify(actions));
  const phantom = [...byRequest.keys()].filter((id) => !expected.has(id) && !setupRequestIds.has(id));
  checkThat(
    "the audit log holds exactly one event per acknowledged change, under its request id, and nothing else",
    wrong.length === 0 && phantom.length === 0,
    `${expected.size} mutations, ${events.length} events; ${wrong.length} mismatched, ${phantom.length} unaccounted`,
  );
  return results.every(Boolean);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function main() {
  const persistTo = mkdtempSync(join(tmpdir(), "edgereg-soak-"));
  const registry = await startLocalRegistry({
    port: await freePort(),
    persistTo,
    adminToken: ADMIN,
    quiet: true,
    vars: { RATE_LIMIT_MUTATIONS_PER_MINUTE: args["rate-limit"] },
  });
  base = registry.url;
  try {
    const setup = new Set();
    const setupCall = async (method, path, body) => setup.add((await api(method, path, { body })).requestId);
    await setupCall("POST", "/v1/models", { name: MODEL, description: "soak target" });
    for (const semver of ["1.0.0", "1.1.0", "1.2.0"]) await setupCall("POST", `/v1/models/${MODEL}/versions`, { semver });
    // Clients move Production to any READY version at random: the soak measures contention, not the promotion gate.
    await setupCall("PUT", `/v1/models/${MODEL}/policy`, { require_staging: false });
    await setupCall("PUT", `/v1/models/${MODEL}/refs/Production`, { version: 1, reason: "soak start" });
    for (const role of ["reader", "reporter", "publisher", "admin"]) {
      tokens[role] = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => must("POST", "/v1/tokens", { body: { name: `soak-${role}-${i}`, role } }).then((t) => t.secret)));
    }
    console.log(`soak: ${CLIENTS} clients for ${SECONDS} s against ${base} (rate limit ${args["rate-limit"]} mutations per token and minute)`);
    const started = performance.now();
    const deadline = Date.now() + SECONDS * 1000;
    await Promise.all(Array.from({ length: CLIENTS }, (_, id) => client(id, deadline)));
    report((performance.now() - started) / 1000);
    const ok = await verify(setup);
    console.log(ok ? "\nall checks passed" : "\nSOME CHECKS FAILED");
    process.exitCode = ok ? 0 : 1;
  } finally {
    await registry.dispose();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

await main();
