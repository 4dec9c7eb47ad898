#!/usr/bin/env node
// Resolve benchmarks (issue 4), each printed as ratios measured side by side in one run:
//   1. split accuracy of canary bucketing (pure: the domain module compiled with esbuild, no server);
//   2. resolve throughput and p99 versus GET /v1/health (one trivial D1 query) and GET /v1/ping (no storage),
//      on the same local worker (goal: resolve ≥ 0.8× health);
//   3. scale: resolve latency with 100,000 versions across 10,000 models versus with 10 versions (goal ≤ 1.15),
//      with the query plan of the resolve query.
// Both databases are served at once from a snapshot bundle (edits in the tree during a run change nothing) and
// measured in alternating slices with Debian's wrk against 127.0.0.1, for a bounded time. Besides wall-clock
// figures it reports the server's CPU time per request from /proc, which stays meaningful on a shared machine.
//
//   node bench/resolve.mjs     env: BENCH_ROUNDS=5, BENCH_SLICE=2 (seconds per wrk run), BENCH_CONNECTIONS=8,
//                              BENCH_MODELS=10000 (models in the big database, 10 versions each),
//                              BENCH_SERVER=wrangler (wrangler dev, default) | miniflare (workerd directly, as npm start)
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { freePort, waitFor } from "../scripts/local.mjs";
import { build } from "esbuild";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SLICE = Number(process.env.BENCH_SLICE ?? 2);
/** `wrangler` (default: wrangler dev, as issue 4 asks) or `miniflare` (scripts/local.mjs, as npm start serves). */
const SERVER = process.env.BENCH_SERVER ?? "wrangler";
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const ADMIN = `bench-${randomBytes(12).toString("hex")}`;
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };
const work = mkdtempSync(join(tmpdir(), "edgereg-bench-"));

const MODELS = Number(process.env.BENCH_MODELS ?? 10_000);
const VERSIONS_PER_MODEL = 10;
const BENCH_MODEL = "bench";

const pct = (x) => `${(x * 100).toFixed(2)}%`;
const fixed = (x, d = 2) => x.toFixed(d);

async function main() {
  try {
    await splitAccuracy();
    if (!hasWrk()) {
      console.log("\nwrk is not installed: `apt-get install -y wrk`, then run again for the HTTP benchmarks.");
      process.exitCode = 2;
      return;
    }
    const config = snapshotWorker();
    // Both databases are served at once and measured in alternating slices, so load from anything else on the
    // machine hits both sides of every ratio alike; each figure is the median over the rounds.
    const small = await startServer("small", config, seedSql({ fillerModels: 0 }));
    const big = await startServer("big", config, seedSql({ fillerModels: MODELS - 1 }));
    try {
      await measure(small, big);
    } finally {
      for (const server of [small, big]) await server.stop();
    }
    await explainPlans(config, big.persist, big.label);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Split accuracy

async function splitAccuracy() {
  const canary = await importTs(join(ROOT, "src/domain/canary.ts"), "canary");
  const keys = Array.from({ length: 100_000 }, () => randomUUID());
  const saltA = canary.newSalt();
  const saltB = canary.newSalt();
  const bucketsA = keys.map((k) => canary.bucketOf(saltA, k));
  const bucketsB = keys.map((k) => canary.bucketOf(saltB, k));
  const candidate = (buckets, bp) => buckets.map((b) => b < bp);

  console.log(`\n== Split accuracy: ${keys.length.toLocaleString()} random keys, salts ${saltA} / ${saltB}`);
  console.log("weight   observed   deviation   within ±0.5 pp");
  let allWithin = true;
  for (const percent of [1, 5, 50]) {
    const bp = canary.percentToBasisPoints(percent);
    const share = candidate(bucketsA, bp).filter(Boolean).length / keys.length;
    const deviation = (share - percent / 100) * 100;
    const within = Math.abs(deviation) <= 0.5;
    allWithin &&= within;
    // armFor is what resolve calls: it must agree with the bucket rule.
    const agree = keys.slice(0, 1000).every((k, i) => (canary.armFor({ salt: saltA, weightBp: bp }, k) === "candidate") === bucketsA[i] < bp);
    console.log(`${String(percent).padStart(5)}%   ${pct(share).padStart(8)}   ${fixed(deviation, 3).padStart(7)} pp   ${within && agree ? "yes" : "NO"}`);
  }

  const steps = [100, 500, 1000, 2500, 5000, 10_000];
  let monotonic = true;
  for (let i = 1; i < steps.length; i++) {
    const before = candidate(bucketsA, steps[i - 1]);
    const after = candidate(bucketsA, steps[i]);
    monotonic &&= before.every((c, k) => !c || after[k]);
  }
  console.log(`monotonic widening 1% → 5% → 10% → 25% → 50% → 100%: every candidate key stays a candidate: ${monotonic ? "yes" : "NO"}`);

  // Independence: two rollouts' candidate sets overlap as chance predicts (p·q), tested with a 2×2 chi-square.
  for (const [p, q] of [
    [5, 5],
    [50, 50],
    [5, 50],
  ]) {
    const a = candidate(bucketsA, p * 100);
    const b = candidate(bucketsB, q * 100);
    const n = [0, 0, 0, 0];
    for (let i = 0; i < keys.length; i++) n[(a[i] ? 2 : 0) + (b[i] ? 1 : 0)]++;
    const chi2 = chiSquare2x2(n);
    const both = n[3] / keys.length;
    console.log(
      `independence at ${p}% × ${q}%: both arms ${pct(both)} (chance ${pct((p / 100) * (q / 100))}), ` +
        `chi² = ${fixed(chi2, 2)} (independent at 1% level: ${chi2 < 6.635 ? "yes" : "NO"})`,
    );
  }
  console.log(`split accuracy goal (±0.5 pp at 1%, 5%, 50%): ${allWithin ? "met" : "MISSED"}`);
}

function chiSquare2x2([n00, n01, n10, n11]) {
  const total = n00 + n01 + n10 + n11;
  const rows = [n00 + n01, n10 + n11];
  const cols = [n00 + n10, n01 + n11];
  const observed = [
    [n00, n01],
    [n10, n11],
  ];
  let chi2 = 0;
  for (let r = 0; r < 2; r++) {
    for (let c = 0; c < 2; c++) {
      const expected = (rows[r] * cols[c]) / total;
      chi2 += (observed[r][c] - expected) ** 2 / expected;
    }
  }
  return chi2;
}

/** Compiles a TypeScript module (and what it imports) with esbuild into the temp dir and imports it. */
async function importTs(entry, name, { platform = "neutral" } = {}) {
  const outfile = join(work, `${name}.mjs`);
  await build({ entryPoints: [entry], bundle: true, format: "esm", platform, outfile, logLevel: "error", nodePaths: [join(ROOT, "node_modules")] });
  return import(pathToFileURL(outfile).href);
}

// ---------------------------------------------------------------------------------------------------------------
// 2 + 3. The local worker under wrk

function hasWrk() {
  return spawnSync("wrk", ["--version"], { encoding: "utf8" }).error === undefined;
}

function wrangler(args, { json = false } = {}) {
  const out = execFileSync(process.execPath, [WRANGLER, ...args], { cwd: work, env, encoding: "utf8", maxBuffer: 64 << 20, stdio: ["pipe", "pipe", "pipe"], input: "y\n" });
  return json ? JSON.parse(out) : out;
}

/** The bundle `wrangler deploy` would upload, with a config that serves it as is. */
function snapshotWorker() {
  execFileSync(process.execPath, [WRANGLER, "deploy", "--dry-run", "--outdir", join(work, "dist")], { cwd: ROOT, env, stdio: "pipe" });
  const config = readFileSync(join(ROOT, "wrangler.toml"), "utf8")
    .replace(/^main\s*=.*$/m, 'main = "dist/index.js"')
    .replace(/^migrations_dir\s*=.*$/m, `migrations_dir = ${JSON.stringify(join(ROOT, "migrations"))}`);
  const path = join(work, "wrangler.toml");
  writeFileSync(path, config);
  return path;
}

async function startServer(name, config, seed) {
  const persist = join(work, `${name}-state`);
  mkdirSync(persist, { recursive: true });
  const seedFile = join(work, `${name}-seed.sql`);
  writeFileSync(seedFile, seed.sql);
  const t = Date.now();
  wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist, "-c", config]);
  wrangler(["d1", "execute", "DB", "--local", "--persist-to", persist, "-c", config, "--file", seedFile, "-y"]);
  const label = `${seed.versions.toLocaleString()} versions / ${seed.models.toLocaleString()} models`;
  console.log(`\n${name}: ${label}, seeded by SQL in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  const port = await freePort();
  const { base, stop, pids } = SERVER === "miniflare" ? await serveOnMiniflare(port, persist) : serveOnWranglerDev(port, config, persist);
  try {
    await waitFor(`${base}/v1/ping`);
    const reader = (await api(base, "POST", "/v1/tokens", { name: "bench-reader", role: "reader" }, ADMIN)).secret;
    await api(base, "PUT", `/v1/models/${BENCH_MODEL}/rollouts/Staging`, { candidate_version: VERSIONS_PER_MODEL, weight: 50, reason: "bench" }, ADMIN);
    const resolve = (ref) => ({ url: `${base}/v1/resolve?ref=${encodeURIComponent(`models:/${BENCH_MODEL}${ref}`)}`, token: reader });
    const targets = {
      ping: { url: `${base}/v1/ping` },
      health: { url: `${base}/v1/health` },
      "resolve Production": resolve("/Production"),
      "resolve ^1.2 (range)": resolve("/^1.2"),
      "resolve Staging (rollout)": resolve("/Staging"),
    };
    for (const target of Object.values(targets)) await check(target);
    return { name, label, persist, targets, stop, pids };
  } catch (error) {
    stop();
    throw error;
  }
}

const THROUGHPUT = ["ping", "health", "resolve Production", "resolve ^1.2 (range)", "resolve Staging (rollout)"];
const LATENCY = ["health", "resolve Production", "resolve ^1.2 (range)"];
const RESOLVES = THROUGHPUT.slice(2);

async function measure(small, big) {
  const servers = [small, big];
  for (const server of servers) await wrk(server.targets.health, { seconds: 2, connections: CONNECTIONS }); // warm-up
  const runs = { throughput: { small: {}, big: {} }, latency: { small: {}, big: {} } };
  const record = (kind, server, label, result) => ((runs[kind][server.name][label] ??= []).push(result));
  console.log(`\nmeasuring: ${ROUNDS} rounds × (${THROUGHPUT.length} endpoints at ${CONNECTIONS} connections + ${LATENCY.length} at 1 connection) × 2 databases, ${SLICE} s slices`);
  for (let round = 0; round < ROUNDS; round++) {
    for (const label of THROUGHPUT) {
      for (const server of servers) record("throughput", server, label, await wrk(server.targets[label], { seconds: SLICE, connections: CONNECTIONS, server }));
    }
    for (const label of LATENCY) {
      for (const server of servers) record("latency", server, label, await wrk(server.targets[label], { seconds: SLICE, connections: 1, server }));
    }
  }

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const perRound = (xs, ys, f) => median(xs.map((x, i) => f(x, ys[i])));
  const goal = (ok) => (ok ? "met" : "MISSED");

  for (const server of servers) {
    const t = runs.throughput[server.name];
    console.log(`\n== Throughput and p99, ${server.label} (medians over ${ROUNDS} rounds; ratios per round, then the median)`);
    console.log("endpoint                    req/s   p99 ms  req/s÷health  req/s÷ping  p99÷health   CPU ms/req  capacity÷health");
    for (const label of THROUGHPUT) {
      const r = t[label];
      console.log(
        `${label.padEnd(26)} ${fixed(median(r.map((x) => x.rps)), 0).padStart(6)} ${fixed(median(r.map((x) => x.p99)), 1).padStart(8)} ` +
          `${fixed(perRound(r, t.health, (a, b) => a.rps / b.rps)).padStart(13)} ${fixed(perRound(r, t.ping, (a, b) => a.rps / b.rps)).padStart(11)} ` +
          `${fixed(perRound(r, t.health, (a, b) => a.p99 / b.p99)).padStart(11)} ${fixed(median(r.map((x) => x.cpuPerRequest)), 3).padStart(12)} ` +
          `${fixed(perRound(r, t.health, (a, b) => b.cpuPerRequest / a.cpuPerRequest)).padStart(16)}`,
      );
    }
    const worst = Math.min(...RESOLVES.map((l) => perRound(t[l], t.health, (a, b) => a.rps / b.rps)));
    const worstCapacity = Math.min(...RESOLVES.map((l) => perRound(t[l], t.health, (a, b) => b.cpuPerRequest / a.cpuPerRequest)));
    console.log(
      `goal resolve ≥ 0.8× health (every form): wall-clock throughput ${goal(worst >= 0.8)} (lowest ${fixed(worst)}); ` +
        `CPU capacity ${goal(worstCapacity >= 0.8)} (lowest ${fixed(worstCapacity)})`,
    );
  }

  console.log(`\n== Scale: resolve at 1 connection, ${big.label} ÷ ${small.label} (medians over ${ROUNDS} rounds)`);
  console.log("endpoint                   p50 small ms  p50 big ms   p50 ratio   mean ratio   CPU ratio   goal ≤ 1.15 (p50, CPU)");
  for (const label of LATENCY) {
    const s = runs.latency.small[label];
    const b = runs.latency.big[label];
    const p50 = perRound(b, s, (x, y) => x.p50 / y.p50);
    const mean = perRound(b, s, (x, y) => x.mean / y.mean);
    const cpu = perRound(b, s, (x, y) => x.cpuPerRequest / y.cpuPerRequest);
    console.log(
      `${label.padEnd(26)} ${fixed(median(s.map((x) => x.p50)), 3).padStart(12)} ${fixed(median(b.map((x) => x.p50)), 3).padStart(11)} ` +
        `${fixed(p50).padStart(11)} ${fixed(mean).padStart(12)} ${fixed(cpu).padStart(11)}   ${label === "health" ? "(baseline)" : `${goal(p50 <= 1.15)}, ${goal(cpu <= 1.15)}`}`,
    );
  }
}

/** `wrangler dev` on the snapshot bundle (its Node proxy sits in front of workerd, as in `npm run dev`). */
function serveOnWranglerDev(port, config, persist) {
  const child = spawn(
    process.execPath,
    [WRANGLER, "dev", "-c", config, "--no-bundle", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persist, "--var", `ADMIN_TOKEN:${ADMIN}`, "--log-level", "error", "--show-interactive-dev-session=false"],
    { cwd: work, env, stdio: ["ignore", "ignore", "inherit"], detached: true },
  );
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
  };
  return { base: `http://127.0.0.1:${port}`, stop, pids: () => [child.pid] };
}

/** The deployable bundle on Miniflare directly, as `npm start` serves it (no proxy in front of workerd). */
async function serveOnMiniflare(port, persist) {
  const { startLocalRegistry } = await import(pathToFileURL(join(ROOT, "scripts/local.mjs")).href);
  const before = new Set(treeOf([process.pid]));
  const registry = await startLocalRegistry({ port, persistTo: persist, adminToken: ADMIN, quiet: true });
  // The workerd processes this registry started; the bench's own Node process only waits on wrk meanwhile.
  const own = [...treeOf([process.pid])].filter((pid) => !before.has(pid));
  return { base: registry.url, stop: () => registry.dispose(), pids: () => own };
}

/** A request of the kind wrk will send, checked once so a benchmark never measures errors. */
async function check(target) {
  const res = await fetch(target.url, { headers: target.token ? { Authorization: `Bearer ${target.token}`, "X-Routing-Key": "bench-key" } : {} });
  if (res.status !== 200) throw new Error(`${target.url} → ${res.status} ${await res.text()}`);
}

/** One wrk run; with `server`, also the CPU time the server's processes spent per request. */
async function wrk(target, { seconds, connections, server }) {
  const args = ["-t", String(Math.min(2, connections)), "-c", String(connections), "-d", `${seconds}s`, "--latency"];
  if (target.token) args.push("-H", `Authorization: Bearer ${target.token}`, "-H", "X-Routing-Key: bench-key");
  args.push(target.url);
  const cpuBefore = server ? cpuMs(server.pids()) : 0;
  const out = execFileSync("wrk", args, { encoding: "utf8" });
  const cpu = server ? cpuMs(server.pids()) - cpuBefore : NaN;
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const percentile = (p) => toMs(new RegExp(`^\\s+${p}%\\s+([\\d.]+\\w+)`, "m").exec(out)?.[1]);
  const errors = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  if (errors > 0) throw new Error(`${target.url}: ${errors} non-2xx responses under load`);
  return { rps, p50: percentile(50), p99: percentile(99), mean: toMs(/Latency\s+([\d.]+\w+)/.exec(out)?.[1]), cpuPerRequest: cpu / requests };
}

// CPU time from /proc: robust where wall-clock throughput is not, on a machine other work shares. At saturation a
// worker's throughput is bounded by its CPU time per request, so the CPU ratio is the capacity ratio.
const TICK_MS = 1000 / Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim() || 100);

function procStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), comm: text.slice(text.indexOf("(") + 1, text.lastIndexOf(")")) };
  } catch {
    return null;
  }
}

function processTable() {
  const table = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(entry);
    if (stat) table.set(Number(entry), stat);
  }
  return table;
}

/** `roots` and all their descendants. */
function treeOf(roots, table = processTable()) {
  const pids = new Set(roots);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, stat] of table) if (!pids.has(pid) && pids.has(stat.ppid) && stat.comm !== "wrk") (pids.add(pid), (grew = true));
  }
  return pids;
}

function cpuMs(roots) {
  const table = processTable();
  let ticks = 0;
  for (const pid of treeOf(roots, table)) ticks += table.get(pid)?.ticks ?? 0;
  return ticks * TICK_MS;
}

function toMs(text) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? "");
  if (!m) return NaN;
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2]];
}

/** EXPLAIN QUERY PLAN of the resolve query, exactly as the store builds it, against the big database. */
async function explainPlans(config, persist, label) {
  const entry = join(work, "plans-entry.ts");
  writeFileSync(
    entry,
    [
      `export { resolutionQuery } from ${JSON.stringify(join(ROOT, "src/store/resolve.ts"))};`,
      `export { parseReference } from ${JSON.stringify(join(ROOT, "src/domain/reference.ts"))};`,
    ].join("\n"),
  );
  const mod = await importTs(entry, "plans", { platform: "node" });
  console.log(`\n== Query plans of the resolve query (${label}); every table is reached through an index`);
  for (const ref of [`models:/${BENCH_MODEL}/Staging`, `models:/${BENCH_MODEL}/^1.2`, `models:/${BENCH_MODEL}/latest`, `models:/${BENCH_MODEL}/7`]) {
    const { sql, params } = mod.resolutionQuery(mod.parseReference(ref), "0".repeat(64), new Date().toISOString());
    const [result] = wrangler(["d1", "execute", "DB", "--local", "--persist-to", persist, "-c", config, "--json", "--command", `EXPLAIN QUERY PLAN ${inlineParams(sql, params)}`], { json: true });
    console.log(`\n-- ${ref}`);
    for (const row of result.results) console.log(`   ${"  ".repeat(depth(result.results, row))}${row.detail}`);
    const scans = result.results.filter((r) => /^SCAN /.test(r.detail) && r.detail !== "SCAN CONSTANT ROW");
    if (scans.length > 0) console.log(`   !! full scans: ${scans.map((r) => r.detail).join("; ")}`);
  }
}

function depth(rows, row) {
  let d = 0;
  for (let parent = row.parent; parent !== 0; d++) parent = rows.find((r) => r.id === parent)?.parent ?? 0;
  return d;
}

/** Writes ?N parameters into the SQL for EXPLAIN (wrangler d1 execute --command takes no bindings). */
function inlineParams(sql, params) {
  return sql.replace(/\?(\d+)/g, (_, n) => {
    const p = params[Number(n) - 1];
    return typeof p === "number" ? String(p) : `'${String(p).replace(/'/g, "''")}'`;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Seed data: the bench model (10 versions, Production → 9, Staging → 8, a rollout of 10 on Staging started via the
// API) and filler models with 10 versions each, every version READY with one verified artifact.

function seedSql({ fillerModels }) {
  const now = new Date().toISOString();
  const rows = { models: [], versions: [], artifacts: [], refs: [], ref_history: [] };
  const q = (s) => `'${s}'`;
  const addModel = (index, name) => {
    const modelId = `m-${index}`;
    rows.models.push(`(${q(modelId)}, ${q(name)}, '', ${q(now)}, 'bench', ${q(now)})`);
    for (let n = 1; n <= VERSIONS_PER_MODEL; n++) {
      const id = `v-${index}-${n}`;
      rows.versions.push(`(${q(id)}, ${q(modelId)}, ${n}, '1.${n - 1}.0', 1, ${n - 1}, 0, 'READY', ${q(now)}, 'bench', ${q(now)})`);
      const sha = (index * 100 + n).toString(16).padStart(64, "0");
      rows.artifacts.push(`(${q(id)}, 'model.onnx', 1048576, ${q(sha)}, 'application/octet-stream', ${q(now)})`);
    }
    for (const [ref, n] of [
      ["Production", VERSIONS_PER_MODEL - 1],
      ["Staging", VERSIONS_PER_MODEL - 2],
    ]) {
      rows.refs.push(`(${q(modelId)}, ${q(ref)}, ${q(`v-${index}-${n}`)}, 1, ${q(now)}, 'bench')`);
      rows.ref_history.push(`(${q(modelId)}, ${q(ref)}, 1, 'move', NULL, ${q(`v-${index}-${n}`)}, 'bench', ${q(now)})`);
    }
  };
  addModel(0, BENCH_MODEL);
  for (let i = 1; i <= fillerModels; i++) addModel(i, `model-${String(i).padStart(5, "0")}`);
  const columns = {
    models: "id, name, description, created_at, created_by, updated_at",
    versions: "id, model_id, number, semver, major, minor, patch, status, created_at, created_by, updated_at",
    artifacts: "version_id, path, size, sha256, content_type, verified_at",
    refs: "model_id, name, version_id, generation, updated_at, updated_by",
    ref_history: "model_id, ref, generation, action, from_version_id, to_version_id, actor, at",
  };
  // Statements stay well under D1's 100 KB statement limit.
  const chunks = [];
  for (const [table, values] of Object.entries(rows)) {
    for (let i = 0; i < values.length; i += 200) chunks.push(`INSERT INTO ${table} (${columns[table]}) VALUES\n${values.slice(i, i + 200).join(",\n")};`);
  }
  return { sql: chunks.join("\n"), models: fillerModels + 1, versions: rows.versions.length };
}

// ---------------------------------------------------------------------------------------------------------------



async function api(base, method, path, body, token) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return JSON.parse(text);
}

await main();
