#!/usr/bin/env node
// OCI door benchmark (issue 18), measured side by side in one run against one local registry (the deploy bundle on
// Miniflare, fresh D1 and R2 in a temporary directory): the same artifact downloaded through /v2/<model>/blobs/<digest>
// and through /v1's by-version artifact route (MB/s, ratio; expected ≈ 1.0×, both stream the same R2 object), and
// manifest requests per second for :Production against /v1/resolve of models:/<model>/Production (both resolve the
// ref in one D1 round trip; the manifest adds its generation and two SHA-256s). Rounds alternate the two sides so
// drift on a busy machine hits both alike. Server errors go to a log file, named at the end.
//
//   node bench/oci.mjs [--size 32MiB] [--rounds 3] [--seconds 2] [--concurrency 8]
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startLocalRegistry } from "../scripts/local.mjs";

const { values: opts } = parseArgs({
  options: {
    size: { type: "string", default: "32MiB" },
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "2" },
    concurrency: { type: "string", default: "8" },
  },
});
const MiB = 1024 * 1024;
const SIZE = Math.round(Number(/^(\d+(?:\.\d+)?)MiB$/i.exec(opts.size)?.[1] ?? NaN) * MiB);
if (!Number.isFinite(SIZE) || SIZE <= 0) throw new Error(`--size takes MiB, as in 32MiB`);
const ROUNDS = Number(opts.rounds);
const SECONDS = Number(opts.seconds);
const CONCURRENCY = Number(opts.concurrency);
const ADMIN = `bench-${randomBytes(12).toString("hex")}`;
const MODEL = "bench-oci";

const work = mkdtempSync(join(tmpdir(), "edgereg-bench-oci-"));
const logFile = join(tmpdir(), `edgereg-bench-oci-${process.pid}.log`);
const serverErrors = [];
const originalError = console.error;
// Miniflare reports the worker's errors through console.error: keep them out of the results, in the log file.
console.error = (...args) => void serverErrors.push(args.map(String).join(" "));

const auth = { Authorization: `Bearer ${ADMIN}` };

async function api(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...auth, ...(body instanceof Uint8Array || body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body instanceof Uint8Array || body === undefined ? body : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** One full download; its time and byte count (checked). */
async function download(url) {
  const t = performance.now();
  const res = await fetch(url, { headers: auth });
  if (!res.ok) throw new Error(`GET ${url} → ${res.status}`);
  let bytes = 0;
  for await (const chunk of res.body) bytes += chunk.length;
  if (bytes !== SIZE) throw new Error(`GET ${url} gave ${bytes} bytes, expected ${SIZE}`);
  return performance.now() - t;
}

/** Requests per second over SECONDS with CONCURRENCY clients in a closed loop. */
async function throughput(url, headers = {}) {
  const end = performance.now() + SECONDS * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const res = await fetch(url, { headers: { ...auth, ...headers } });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`GET ${url} → ${res.status}`);
        done++;
      }
    }),
  );
  return done / SECONDS;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const registry = await startLocalRegistry({ port: 0, persistTo: work, adminToken: ADMIN, quiet: true });
  try {
    const bytes = randomBytes(SIZE);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    await api(registry.url, "POST", "/v1/models", { name: MODEL });
    await api(registry.url, "POST", `/v1/models/${MODEL}/versions`, { semver: "1.0.0", artifacts: [{ path: "model.onnx", size: SIZE, sha256 }] });
    await api(registry.url, "PUT", `/v1/models/${MODEL}/versions/1/artifacts/model.onnx`, new Uint8Array(bytes));
    await api(registry.url, "PUT", `/v1/models/${MODEL}/refs/Production`, { version: 1, force: true, reason: "bench" });

    const urls = {
      v1: `${registry.url}/v1/models/${MODEL}/versions/1/artifacts/model.onnx`,
      v2: `${registry.url}/v2/${MODEL}/blobs/sha256:${sha256}`,
    };
    await download(urls.v1);
    await download(urls.v2);
    const blob = { v1: [], v2: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of round % 2 === 0 ? ["v1", "v2"] : ["v2", "v1"]) blob[side].push(SIZE / 1e6 / ((await download(urls[side])) / 1000));
    }

    const reads = {
      resolve: [`${registry.url}/v1/resolve?ref=${encodeURIComponent(`models:/${MODEL}/Production`)}`],
      manifest: [`${registry.url}/v2/${MODEL}/manifests/Production`, { Accept: "application/vnd.oci.image.manifest.v1+json" }],
    };
    const rps = { resolve: [], manifest: [] };
    for (let round = 0; round < 2; round++) {
      for (const side of round % 2 === 0 ? ["resolve", "manifest"] : ["manifest", "resolve"]) rps[side].push(await throughput(...reads[side]));
    }

    const b1 = median(blob.v1);
    const b2 = median(blob.v2);
    const r1 = Math.max(...rps.resolve);
    const r2 = Math.max(...rps.manifest);
    console.log(`== blob download, ${SIZE / MiB} MiB, median of ${ROUNDS} rounds (MB/s)`);
    console.log(`/v1 GET …/versions/1/artifacts/model.onnx   ${b1.toFixed(0).padStart(6)}   every round: ${blob.v1.map((x) => x.toFixed(0)).join(", ")}`);
    console.log(`/v2 GET /v2/${MODEL}/blobs/sha256:…       ${b2.toFixed(0).padStart(6)}   every round: ${blob.v2.map((x) => x.toFixed(0)).join(", ")}`);
    console.log(`/v2 ÷ /v1: ${(b2 / b1).toFixed(2)}× (expected ≈ 1.0×)`);
    console.log(`\n== ref reads, ${CONCURRENCY} clients × ${SECONDS} s, best of 2 alternating runs (requests/s)`);
    console.log(`/v1/resolve?ref=models:/${MODEL}/Production   ${r1.toFixed(0).padStart(6)}   runs: ${rps.resolve.map((x) => x.toFixed(0)).join(", ")}`);
    console.log(`/v2/${MODEL}/manifests/Production          ${r2.toFixed(0).padStart(6)}   runs: ${rps.manifest.map((x) => x.toFixed(0)).join(", ")}`);
    console.log(`manifest ÷ resolve: ${(r2 / r1).toFixed(2)}×`);
  } finally {
    await registry.dispose();
    rmSync(work, { recursive: true, force: true });
    writeFileSync(logFile, serverErrors.join("\n"));
    console.error = originalError;
    console.log(`\nserver log (errors only): ${logFile} (${serverErrors.length} lines)`);
  }
}

await main();
