#!/usr/bin/env node
// Resolve at serving scale (issue 10): strict vs bounded-staleness resolution, and wrangler dev vs Miniflare.
//
//   node bench/resolve-modes.mjs        env: BENCH_ROUNDS=5, BENCH_SLICE=3 (s per wrk run), BENCH_CONNECTIONS=16
//
// Three local servers on the same bundle, measured in alternating slices with Debian's wrk on 127.0.0.1:
//   strict    Miniflare, RESOLVE_MAX_STALENESS_MS=0 (the default: every resolve reads D1's primary)
//   cached    Miniflare, RESOLVE_MAX_STALENESS_MS=1000
//   wrangler  `wrangler dev` (strict), the server `npm start` used before it served Miniflare directly
// A wrk script counts the X-Resolve-Consistency of every answer: each `strong` resolve is exactly one D1 round
// trip (test/resolve.test.ts counts it), each health request one query, so D1 queries/s follow from the counts.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startLocalRegistry, waitFor } from "../scripts/local.mjs";

const ROOT = join(import.meta.dirname, "..");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SLICE = Number(process.env.BENCH_SLICE ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ADMIN = `bench-${randomBytes(12).toString("hex")}`;
const work = mkdtempSync(join(tmpdir(), "edgereg-modes-"));
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };

const COUNTER = join(work, "consistency.lua");
writeFileSync(
  COUNTER,
  `local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) strong = 0; cached = 0 end
function response(status, headers, body)
  local c = headers["X-Resolve-Consistency"] or headers["x-resolve-consistency"]
  if c == "strong" then strong = strong + 1 elseif c == "cached" then cached = cached + 1 end
end
function done(summary, latency, requests)
  local s, c = 0, 0
  for _, t in ipairs(threads) do s = s + t:get("strong"); c = c + t:get("cached") end
  io.write(string.format("CONSISTENCY strong=%d cached=%d\\n", s, c))
end
`,
);

async function main() {
  if (spawnSync("wrk", ["--version"]).error) {
    console.log("wrk is not installed: apt-get install -y wrk");
    process.exitCode = 2;
    return;
  }
  const servers = [];
  try {
    servers.push(await miniflare("strict", "0"));
    servers.push(await miniflare("cached", "1000"));
    servers.push(await wranglerDev("wrangler"));
    for (const s of servers) await seed(s);
    await measure(servers);
  } finally {
    for (const s of servers) await s.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function miniflare(name, staleness) {
  const registry = await startLocalRegistry({
    port: await freePort(),
    persistTo: join(work, name),
    adminToken: ADMIN,
    vars: { RESOLVE_MAX_STALENESS_MS: staleness },
    quiet: true,
  });
  return { name, base: registry.url, stop: () => registry.dispose() };
}

async function wranglerDev(name) {
  const persist = join(work, name);
  execFileSync(process.execPath, [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], {
    cwd: ROOT,
    env,
    input: "y\n",
    stdio: ["pipe", "ignore", "inherit"],
  });
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persist, "--var", `ADMIN_TOKEN:${ADMIN}`, "--log-level", "error", "--show-interactive-dev-session=false"],
    { cwd: ROOT, env, stdio: ["ignore", "ignore", "inherit"], detached: true },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/v1/ping`);
  return {
    name,
    base,
    stop: async () => {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {}
    },
  };
}

async function seed(server) {
  const api = async (method, path, body, token = ADMIN) => {
    const res = await fetch(`${server.base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return res.json();
  };
  await api("POST", "/v1/models", { name: "bench" });
  for (const semver of ["1.0.0", "1.1.0", "1.2.0"]) await api("POST", "/v1/models/bench/versions", { semver });
  await api("PUT", "/v1/models/bench/refs/Staging", { version: 2 });
  await api("PUT", "/v1/models/bench/refs/Production", { version: 2 });
  server.reader = (await api("POST", "/v1/tokens", { name: "serving", role: "reader" })).secret;
  server.targets = {
    ping: { url: `${server.base}/v1/ping` },
    health: { url: `${server.base}/v1/health` },
    resolve: { url: `${server.base}/v1/resolve?ref=${encodeURIComponent("models:/bench/Production")}`, token: server.reader },
  };
  const check = await fetch(server.targets.resolve.url, { headers: { Authorization: `Bearer ${server.reader}` } });
  if (check.status !== 200) throw new Error(`resolve on ${server.name} → ${check.status}`);
}

function wrk(target) {
  const args = ["-t", "2", "-c", String(CONNECTIONS), "-d", `${SLICE}s`, "--latency", "-s", COUNTER];
  if (target.token) args.push("-H", `Authorization: Bearer ${target.token}`);
  args.push(target.url);
  const out = execFileSync("wrk", args, { encoding: "utf8" });
  const errors = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  if (errors > 0) throw new Error(`${target.url}: ${errors} non-2xx responses`);
  const seconds = toSeconds(/requests in ([\d.]+\w+),/.exec(out)[1]);
  const [, strong, cached] = /CONSISTENCY strong=(\d+) cached=(\d+)/.exec(out).map(Number);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]),
    p99: toMs(/^\s+99%\s+([\d.]+\w+)/m.exec(out)[1]),
    strongPerSecond: strong / seconds,
    cachedPerSecond: cached / seconds,
  };
}

async function measure(servers) {
  const endpoints = ["ping", "health", "resolve"];
  const runs = Object.fromEntries(servers.map((s) => [s.name, Object.fromEntries(endpoints.map((e) => [e, []]))]));
  for (const s of servers) wrk(s.targets.health); // warm-up
  console.log(`measuring ${ROUNDS} rounds × ${endpoints.length} endpoints × ${servers.length} servers, ${SLICE} s slices, ${CONNECTIONS} connections`);
  for (let round = 0; round < ROUNDS; round++) {
    for (const e of endpoints) for (const s of servers) runs[s.name][e].push(wrk(s.targets[e]));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ratio = (a, b, f = (x) => x.rps) => median(a.map((x, i) => f(x) / f(b[i])));
  const f2 = (x) => x.toFixed(2);

  console.log("\nserver    endpoint   req/s   p99 ms   D1 queries/s");
  for (const s of servers) {
    for (const e of endpoints) {
      const r = runs[s.name][e];
      const d1 = e === "ping" ? 0 : e === "health" ? median(r.map((x) => x.rps)) : median(r.map((x) => x.strongPerSecond));
      console.log(`${s.name.padEnd(9)} ${e.padEnd(9)} ${median(r.map((x) => x.rps)).toFixed(0).padStart(6)} ${median(r.map((x) => x.p99)).toFixed(1).padStart(8)} ${d1.toFixed(1).padStart(14)}`);
    }
  }
  const strict = runs.strict;
  const cached = runs.cached;
  const goal = (ok) => (ok ? "met" : "MISSED");
  const strictVsHealth = ratio(strict.resolve, strict.health);
  const cachedVsPing = ratio(cached.resolve, cached.ping);
  console.log(`\nstrict: resolve ÷ health = ${f2(strictVsHealth)} (goal ≥ 0.8: ${goal(strictVsHealth >= 0.8)}); resolve ÷ ping = ${f2(ratio(strict.resolve, strict.ping))}`);
  console.log(`cached (1000 ms): resolve ÷ ping = ${f2(cachedVsPing)} (goal ≥ 0.8: ${goal(cachedVsPing >= 0.8)}); resolve ÷ health = ${f2(ratio(cached.resolve, cached.health))}`);
  const cachedD1 = median(cached.resolve.map((x) => x.strongPerSecond));
  console.log(
    `D1 queries/s from resolves: strict ${median(strict.resolve.map((x) => x.strongPerSecond)).toFixed(1)}, cached ${cachedD1.toFixed(2)} ` +
      `(one per isolate, ref and second: expect ≈ 1 here, one isolate, one ref)`,
  );
  console.log(
    `npm start on Miniflare vs wrangler dev (same bundle, strict): ping ${f2(ratio(strict.ping, runs.wrangler.ping))}×, ` +
      `health ${f2(ratio(strict.health, runs.wrangler.health))}×, resolve ${f2(ratio(strict.resolve, runs.wrangler.resolve))}× the requests/s`,
  );
}

function toMs(text) {
  const [, n, unit] = /([\d.]+)(\w+)/.exec(text);
  return Number(n) * ({ us: 0.001, ms: 1, s: 1000, m: 60_000 }[unit] ?? NaN);
}
const toSeconds = (text) => toMs(text) / 1000;



await main();
