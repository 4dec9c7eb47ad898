#!/usr/bin/env node
// Resolve in each read consistency mode (issue 19, docs/deploy-at-scale.md), side by side on local Miniflare:
//
//   node bench/resolve-sessions.mjs     env: BENCH_ROUNDS=5, BENCH_SLICE=2 (s per slice), BENCH_CONNECTIONS=8
//
//   strict   no bookmark, RESOLVE_MAX_STALENESS_MS=0: a D1 session at the primary, one query per resolve
//   session  the same server, each request carrying the bookmark of the previous answer (x-d1-bookmark)
//   bounded  a second server with RESOLVE_MAX_STALENESS_MS=1000: answers from the isolate's memory
// Locally there is one copy of the database, so this measures what sessions cost the Worker (bookmark parsing,
// the session, the header), not what a nearby replica saves: that is latency to the primary, which only a
// deployment shows. Slices alternate between modes so machine load hits each alike; ratios are medians per round.
// The load comes from Node's fetch (no wrk needed), so absolute figures are bounded by this process too.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startLocalRegistry } from "../scripts/local.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SLICE = Number(process.env.BENCH_SLICE ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const ADMIN = `bench-${randomBytes(12).toString("hex")}`;
const work = mkdtempSync(join(tmpdir(), "edgereg-sessions-"));

async function main() {
  const servers = [];
  try {
    servers.push(await server("unbounded", "0"));
    servers.push(await server("bounded", "1000"));
    const [unbounded, bounded] = await Promise.all(servers.map(seed));
    const modes = {
      strict: { base: unbounded, carryBookmark: false, expect: "strict" },
      session: { base: unbounded, carryBookmark: true, expect: "session" },
      bounded: { base: bounded, carryBookmark: false, expect: "bounded" },
    };
    await measure(modes);
  } finally {
    for (const s of servers) await s.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function server(name, staleness) {
  const registry = await startLocalRegistry({
    port: await freePort(),
    persistTo: join(work, name),
    adminToken: ADMIN,
    vars: { RESOLVE_MAX_STALENESS_MS: staleness },
    quiet: true,
  });
  return { name, base: registry.url, stop: () => registry.dispose() };
}

async function seed({ base }) {
  const api = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return res.json();
  };
  await api("POST", "/v1/models", { name: "bench" });
  for (const semver of ["1.0.0", "1.1.0"]) await api("POST", "/v1/models/bench/versions", { semver });
  await api("PUT", "/v1/models/bench/refs/Staging", { version: 2 });
  await api("PUT", "/v1/models/bench/refs/Production", { version: 2 });
  const reader = (await api("POST", "/v1/tokens", { name: "serving", role: "reader" })).secret;
  return { url: `${base}/v1/resolve?ref=${encodeURIComponent("models:/bench/Production")}`, reader };
}

/** CONNECTIONS loops resolving for SLICE seconds; each session loop carries its own answers' bookmarks. */
async function slice(mode) {
  const deadline = performance.now() + SLICE * 1000;
  const latencies = [];
  let wrongMode = 0;
  const loop = async () => {
    let bookmark = null;
    while (performance.now() < deadline) {
      const headers = { Authorization: `Bearer ${mode.base.reader}` };
      if (mode.carryBookmark && bookmark) headers["x-d1-bookmark"] = bookmark;
      const started = performance.now();
      const res = await fetch(mode.base.url, { headers });
      await res.arrayBuffer();
      latencies.push(performance.now() - started);
      if (res.status !== 200) throw new Error(`resolve → ${res.status}`);
      if (res.headers.get("x-d1-consistency") !== mode.expect && bookmark !== null) wrongMode++;
      bookmark = res.headers.get("x-d1-bookmark") ?? bookmark;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  if (wrongMode > 0) throw new Error(`${wrongMode} answers did not name ${mode.expect}`);
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / SLICE, p99: latencies[Math.floor(latencies.length * 0.99)] };
}

async function measure(modes) {
  const names = Object.keys(modes);
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) await slice({ ...modes[n] }); // warm-up
  console.log(`measuring ${ROUNDS} rounds × ${names.length} modes, ${SLICE} s slices, ${CONNECTIONS} connections`);
  for (let round = 0; round < ROUNDS; round++) for (const n of names) runs[n].push(await slice(modes[n]));
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ratio = (a, b) => median(runs[a].map((x, i) => x.rps / runs[b][i].rps));
  console.log("\nmode      req/s   p99 ms");
  for (const n of names) console.log(`${n.padEnd(8)} ${median(runs[n].map((x) => x.rps)).toFixed(0).padStart(6)} ${median(runs[n].map((x) => x.p99)).toFixed(1).padStart(8)}`);
  const sessionVsStrict = ratio("session", "strict");
  console.log(`\nsession ÷ strict = ${sessionVsStrict.toFixed(2)} (goal ≥ 0.9, no extra cost for sessions: ${sessionVsStrict >= 0.9 ? "met" : "MISSED"})`);
  console.log(`bounded ÷ strict = ${ratio("bounded", "strict").toFixed(2)}`);
}

await main();
