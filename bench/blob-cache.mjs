#!/usr/bin/env node
// The Worker's blob cache (issue 14 item 4), measured side by side in one run: the same authorized download of a
// verified artifact, answered from the Workers Cache API (a hit) or from R2 (the request sends
// `Cache-Control: no-cache`, which bypasses the cache). Requests of the two kinds alternate in rounds, so both see
// the same machine. Prints the median latency, throughput and the hit/uncached ratio for each artifact size.
//
//   node bench/blob-cache.mjs      env: BENCH_ROUNDS=6, BENCH_REQUESTS=20 (per kind and round), BENCH_SIZES=256KiB,8MiB
//
// The registry is the bundle `wrangler deploy` would upload, served by Miniflare (scripts/local.mjs) in a child
// process with local D1, R2 and cache in a temporary directory; its output goes to a file, printed on failure.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "../scripts/local.mjs";

const ROOT = join(import.meta.dirname, "..");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20);
const SIZES = (process.env.BENCH_SIZES ?? "256KiB,8MiB").split(",").map(bytesOf);
const ADMIN = `bench-${randomBytes(12).toString("hex")}`;
const work = mkdtempSync(join(tmpdir(), "edgereg-blob-cache-"));
const serverLog = join(work, "server.log");

function bytesOf(text) {
  const m = /^(\d+)(KiB|MiB)?$/i.exec(text.trim());
  if (!m) throw new Error(`cannot read a size from '${text}'`);
  return Number(m[1]) * ({ kib: 1024, mib: 1024 * 1024 }[(m[2] ?? "").toLowerCase()] ?? 1);
}

async function startServer() {
  const port = await freePort();
  const out = openSync(serverLog, "a");
  const script = `import(${JSON.stringify(join(ROOT, "scripts/local.mjs"))}).then((m) => m.startLocalRegistry({ port: ${port}, persistTo: ${JSON.stringify(join(work, "state"))}, adminToken: ${JSON.stringify(ADMIN)}, quiet: true })).then((r) => process.on("SIGTERM", () => r.dispose().then(() => process.exit(0))))`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, stdio: ["ignore", out, out], env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/v1/ping`, 120_000);
  return { base, stop: () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once("exit", resolve), child.kill("SIGTERM")))) };
}

async function api(base, method, path, body, headers = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN}`, ...(body && !(body instanceof Uint8Array) ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body instanceof Uint8Array ? body : body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  return res.json();
}

/** One download; returns milliseconds and whether the Worker's cache answered. */
async function download(url, bypass) {
  const started = performance.now();
  const res = await fetch(url, { headers: { Authorization: `Bearer ${ADMIN}`, ...(bypass ? { "Cache-Control": "no-cache" } : {}) } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`GET ${url} → ${res.status}`);
  return { ms: performance.now() - started, source: res.headers.get("X-Blob-Cache") };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const server = await startServer();
  try {
    const model = "bench-blob-cache";
    await api(server.base, "POST", "/v1/models", { name: model });
    for (const [i, size] of SIZES.entries()) {
      const bytes = randomBytes(size);
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      const v = await api(server.base, "POST", `/v1/models/${model}/versions`, { semver: `1.0.${i}`, artifacts: [{ path: "w.bin", size, sha256 }] });
      await api(server.base, "PUT", `/v1/models/${model}/versions/${v.number}/artifacts/w.bin`, new Uint8Array(bytes));
      const url = `${server.base}/v1/models/${model}/versions/${v.number}/artifacts/w.bin`;
      // Fill the cache (after the first response), then warm both paths.
      for (let tries = 0; (await download(url, false)).source !== "hit"; tries++) {
        if (tries > 100) throw new Error("the blob cache never answered");
        await new Promise((r) => setTimeout(r, 50));
      }
      const times = { hit: [], uncached: [] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const kind of round % 2 ? ["uncached", "hit"] : ["hit", "uncached"]) {
          for (let n = 0; n < REQUESTS; n++) {
            const { ms, source } = await download(url, kind === "uncached");
            if (source !== (kind === "hit" ? "hit" : "miss")) throw new Error(`expected a ${kind} answer, got X-Blob-Cache: ${source}`);
            times[kind].push(ms);
          }
        }
      }
      const mbps = (ms) => size / 1e6 / (ms / 1000);
      const [hit, uncached] = [median(times.hit), median(times.uncached)];
      console.log(
        `${(size / 1024).toFixed(0).padStart(6)} KiB  cache hit ${hit.toFixed(2).padStart(7)} ms (${mbps(hit).toFixed(0).padStart(5)} MB/s)` +
          `  uncached (R2) ${uncached.toFixed(2).padStart(7)} ms (${mbps(uncached).toFixed(0).padStart(5)} MB/s)` +
          `  hit/uncached time ${(hit / uncached).toFixed(2)}×, speed-up ${(uncached / hit).toFixed(2)}×  (median of ${times.hit.length} each)`,
      );
    }
  } catch (error) {
    console.error(readFileSync(serverLog, "utf8").slice(-4000));
    throw error;
  } finally {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
