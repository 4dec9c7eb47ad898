#!/usr/bin/env node
// Artifact benchmark (issue 3), measured side by side in one run on this machine: upload a large file through the
// local worker as a multipart upload (parallel parts, sha256 verified at completion), then download it through the
// worker, through a bare Worker that only streams the same local R2 object (the ceiling local R2 allows), and from a
// plain Node static file server (node:http + fs.createReadStream, its own process). Prints MB/s of each, the ratio
// to the static server (goal ≥ 0.5×) and the RSS growth of the worker's workerd while downloading (goal < 64 MB).
// The same comparison runs for a smaller artifact stored by a single PUT, whose local reads take R2's fast path.
// The worker is a snapshot bundle served by `wrangler dev --no-bundle` with local D1 and R2 in a temporary
// directory, so edits in the tree during a run change nothing; everything temporary is removed at the end.
//
//   node bench/artifacts.mjs [--size 1GiB] [--part-size 64MiB] [--parallel 4] [--rounds 2] [--single-size 64MiB]
import { execFileSync, spawn } from "node:child_process";
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, mkdtempSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, waitFor } from "../scripts/local.mjs";
import { parseArgs } from "node:util";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };
const ADMIN = `bench-${randomBytes(12).toString("hex")}`;
const MB = 1e6;
const MiB = 1024 * 1024;

const { values: opts } = parseArgs({
  options: {
    size: { type: "string", default: "1GiB" },
    "part-size": { type: "string", default: "64MiB" },
    parallel: { type: "string", default: "4" },
    rounds: { type: "string", default: "2" },
    "single-size": { type: "string", default: "64MiB" },
  },
});
const SIZE = bytesOf(opts.size);
const PART_SIZE = bytesOf(opts["part-size"]);
const PARALLEL = Number(opts.parallel);
const ROUNDS = Number(opts.rounds);
const SINGLE = Math.min(bytesOf(opts["single-size"]), SIZE);

function bytesOf(text) {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|KB|MB|GB)?$/i.exec(text);
  if (!m) throw new Error(`cannot read a size from '${text}' (try 64MiB or 1GiB)`);
  const unit = { b: 1, kib: 1024, mib: MiB, gib: 1024 * MiB, kb: 1e3, mb: 1e6, gb: 1e9 }[(m[2] ?? "b").toLowerCase()];
  return Math.round(Number(m[1]) * unit);
}

const work = mkdtempSync(join(tmpdir(), "edgereg-bench-artifacts-"));
const stops = [];

async function main() {
  try {
    const file = join(work, "model.bin");
    let t = Date.now();
    const { sha256, prefixSha256 } = await generate(file, SIZE, SINGLE);
    console.log(`test file: ${mib(SIZE)} of deterministic bytes, sha256 ${sha256.slice(0, 16)}…, written in ${secs(Date.now() - t)}`);

    const worker = await startWorker();
    const files = await startStaticServer(file);
    const bare = await startBareWorker(worker.persist);
    // wrangler dev runs two workerd processes: its proxy, listening on the port we chose, and the worker itself.
    const workerds = () => descendants(worker.pid).filter((pid) => comm(pid) === "workerd");
    const proxyPid = listenerOf(worker.port, workerds());
    const rss = rssSampler(() => workerds().filter((pid) => pid !== proxyPid));
    const proxyRss = rssSampler(() => [proxyPid]);
    const bareRss = rssSampler(() => descendants(process.pid).filter((pid) => comm(pid) === "workerd" && !workerds().includes(pid)));

    const model = "bench-artifacts";
    await api(worker.base, "POST", "/v1/models", { name: model });
    const version = await api(worker.base, "POST", `/v1/models/${model}/versions`, {
      semver: "1.0.0",
      artifacts: [
        { path: "model.bin", size: SIZE, sha256 },
        { path: "single.bin", size: SINGLE, sha256: prefixSha256 },
      ],
    });
    const base = `/v1/models/${model}/versions/${version.number}`;
    await api(worker.base, "GET", base); // warm the isolate
    await sleep(1000);
    const memory = { edgereg: { idle: rss.reset() }, "wrangler dev proxy": { idle: proxyRss.reset() }, bare: { idle: bareRss.reset() } };

    // Upload: parts in parallel, then complete (which streams the whole object through SHA-256).
    t = performance.now();
    const session = await api(worker.base, "POST", `${base}/uploads`, { path: "model.bin", part_size: PART_SIZE });
    const { ms: partsMs } = await uploadParts(file, session.part_count, (n) => `${worker.base}${base}/uploads/${session.id}/parts/${n}`);
    const done = await api(worker.base, "POST", `${base}/uploads/${session.id}/complete`);
    const uploadMs = performance.now() - t;
    if (done.status !== "completed") throw new Error(`upload ended ${JSON.stringify(done)}`);
    t = performance.now();
    await send(`${worker.base}${base}/artifacts/single.bin`, () => createReadStream(file, { end: SINGLE - 1 }), SINGLE);
    const singleMs = performance.now() - t;
    memory.edgereg.upload = growth(rss.peak(), memory.edgereg.idle);
    memory["wrangler dev proxy"].upload = growth(proxyRss.peak(), memory["wrangler dev proxy"].idle);

    // The same multipart upload and verification by a Worker with nothing else to do, into a bucket of its own.
    t = performance.now();
    const bareUpload = await api(bare.base, "POST", "/upload");
    const { parts } = await uploadParts(file, session.part_count, (n) => `${bare.base}/upload/${bareUpload.id}/${n}`);
    const bareDone = await api(bare.base, "POST", `/upload/${bareUpload.id}/complete`, parts);
    const bareUploadMs = performance.now() - t;
    if (bareDone.sha256 !== sha256) throw new Error(`bare upload assembled ${bareDone.sha256}`);
    memory.bare.upload = growth(bareRss.peak(), memory.bare.idle);

    console.log(
      `\n== upload ${mib(SIZE)}: ${session.part_count} parts of ${mib(PART_SIZE)}, ${PARALLEL} in parallel, then complete + sha256 of the whole\n` +
        `edgereg          ${rate(SIZE, uploadMs)} (parts ${rate(SIZE, partsMs)}, complete + verify ${secs(uploadMs - partsMs)})\n` +
        `bare R2 Worker   ${rate(SIZE, bareUploadMs)}\n` +
        (retried ? `(${retried} part request(s) failed in wrangler dev's proxy, 503 or reset, and were sent again)\n` : "") +
        `edgereg single PUT of ${mib(SINGLE)}: ${rate(SINGLE, singleMs)}`,
    );

    const samplers = { edgereg: rss, "wrangler dev proxy": proxyRss, bare: bareRss };
    /** Runs a phase and records each process's peak growth over the start of the phase. */
    const measured = async (phase, run) => {
      await sleep(1000);
      const before = Object.fromEntries(Object.entries(samplers).map(([k, sampler]) => [k, sampler.reset()]));
      const result = await run();
      for (const [k, sampler] of Object.entries(samplers)) memory[k][phase] = growth(sampler.peak(), before[k]);
      return result;
    };
    const auth = { Authorization: `Bearer ${ADMIN}` };
    const ratio = await measured("multipart", () =>
      compare(`${mib(SIZE)}, assembled by the multipart upload`, SIZE, {
        edgereg: [`${worker.base}${base}/artifacts/model.bin`, auth],
        bare: [`${bare.base}/blobs/sha256/${sha256}`, {}],
        static: [`${files.base}/model.bin`, {}],
      }),
    );
    await measured("single", () =>
      compare(`${mib(SINGLE)}, stored by a single PUT`, SINGLE, {
        edgereg: [`${worker.base}${base}/artifacts/single.bin`, auth],
        bare: [`${bare.base}/blobs/sha256/${prefixSha256}`, {}],
        static: [`${files.base}/model.bin?bytes=${SINGLE}`, {}],
      }),
    );
    const verified = await download(`${worker.base}${base}/artifacts/model.bin`, auth, SIZE, true);
    if (verified.sha256 !== sha256) throw new Error(`download through the worker has sha256 ${verified.sha256}, expected ${sha256}`);

    console.log(`\n== workerd memory, peak growth VmRSS / RssAnon (a Worker's workerd also runs its local R2 and D1 simulators)`);
    console.log(`${"".padEnd(20)} ${"idle".padStart(9)}   ${"upload + verify".padStart(21)}   ${"multipart downloads".padStart(21)}   ${"single-PUT downloads".padStart(21)}`);
    const pair = (g) => `+${mb(g.rss)} / +${mb(g.anon)}`;
    for (const [name, m] of Object.entries(memory)) {
      const label = name === "bare" ? "bare R2 Worker" : name;
      console.log(`${label.padEnd(20)} ${mb(m.idle.rss).padStart(9)}   ${pair(m.upload).padStart(21)}   ${pair(m.multipart).padStart(21)}   ${pair(m.single).padStart(21)}`);
    }
    const goal = (bytes) => `${bytes < 64 * MB ? "met" : "MISSED"} (${mb(bytes)})`;
    console.log(
      "(RssAnon leaves out file pages mapped from local R2's blob files; VmRSS counts them. Sampled every 25 ms.)\n" +
        `\n${mib(SIZE)} through edgereg again, hashed by the client: sha256 matches\n` +
        `goal download ≥ 0.5× the static server: ${ratio >= 0.5 ? "met" : "MISSED"} (${ratio.toFixed(2)}×)\n` +
        `goal memory growth < 64 MB, edgereg's workerd (RssAnon): single-PUT downloads ${goal(memory.edgereg.single.anon)}; ` +
        `multipart downloads ${goal(memory.edgereg.multipart.anon)}; upload beyond the bare Worker's ${goal(memory.edgereg.upload.anon - memory.bare.upload.anon)}`,
    );
  } finally {
    for (const stop of stops.reverse()) await stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Sends the file's parts, PARALLEL at a time; returns the elapsed time and the answers in part order. */
const growth = (peak, base) => ({ rss: peak.rss - base.rss, anon: peak.anon - base.anon });

async function uploadParts(file, count, urlOf) {
  const t = performance.now();
  const parts = [];
  await pool(Array.from({ length: count }, (_, i) => i + 1), PARALLEL, async (n) => {
    const start = (n - 1) * PART_SIZE;
    const end = Math.min(SIZE, start + PART_SIZE) - 1;
    parts[n - 1] = await send(urlOf(n), () => createReadStream(file, { start, end }), end - start + 1);
  });
  return { ms: performance.now() - t, parts };
}

/** Downloads from each server in turn, ROUNDS times; prints the best round of each; returns edgereg ÷ static. */
async function compare(title, size, targets) {
  const runs = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, [url, headers]] of Object.entries(targets)) runs[name].push(mbps(size, await download(url, headers, size)));
  }
  const best = Object.fromEntries(Object.entries(runs).map(([k, xs]) => [k, Math.max(...xs)]));
  const labels = {
    edgereg: "edgereg GET …/versions/1/artifacts/…",
    bare: "a bare Worker streaming the same local R2 object",
    static: "Node static file server (node:http + fs)",
  };
  console.log(`\n== download ${title} (best of ${ROUNDS} rounds)\n${"".padEnd(55)}  MB/s   ÷ static   every round`);
  for (const [name, mbps] of Object.entries(best)) {
    console.log(`${labels[name].padEnd(54)} ${mbps.toFixed(0).padStart(6)} ${(mbps / best.static).toFixed(2).padStart(9)}×   ${runs[name].map((x) => x.toFixed(0)).join(", ")}`);
  }
  console.log(`edgereg ÷ bare R2 Worker: ${(best.edgereg / best.bare).toFixed(2)}× (what the registry's own code costs)`);
  return best.edgereg / best.static;
}

const mbps = (size, run) => size / run.ms / 1000;

/** Deterministic bytes (AES-128-CTR keystream of a fixed key), written and hashed (whole and prefix) as they stream. */
async function generate(path, size, prefix) {
  const cipher = createCipheriv("aes-128-ctr", Buffer.alloc(16, 7), Buffer.alloc(16, 0));
  const hash = createHash("sha256");
  const prefixHash = createHash("sha256");
  const out = createWriteStream(path);
  const zeros = Buffer.alloc(4 * MiB);
  for (let written = 0; written < size; ) {
    const chunk = cipher.update(zeros.subarray(0, Math.min(zeros.length, size - written)));
    hash.update(chunk);
    if (written < prefix) prefixHash.update(chunk.subarray(0, prefix - written));
    written += chunk.length;
    if (!out.write(chunk)) await new Promise((r) => out.once("drain", r));
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
  return { sha256: hash.digest("hex"), prefixSha256: prefixHash.digest("hex") };
}

/**
 * The bundle `wrangler deploy` would upload, served by `wrangler dev` with local state in the temp dir. The worker's
 * files sit in a directory of their own: `--no-bundle` watches it, and writes into local R2 must not reload the worker.
 */
async function startWorker() {
  const dir = join(work, "worker");
  execFileSync(process.execPath, [WRANGLER, "deploy", "--dry-run", "--outdir", join(dir, "dist")], { cwd: ROOT, env, stdio: "pipe" });
  const config = join(dir, "wrangler.toml");
  writeFileSync(
    config,
    readFileSync(join(ROOT, "wrangler.toml"), "utf8")
      .replace(/^main\s*=.*$/m, 'main = "dist/index.js"')
      .replace(/^migrations_dir\s*=.*$/m, `migrations_dir = ${JSON.stringify(join(ROOT, "migrations"))}`)
      .replace(/^\[triggers\][^[]*/m, ""),
  );
  const persist = join(work, "state");
  execFileSync(process.execPath, [WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persist, "-c", config], {
    cwd: dir,
    env,
    stdio: "pipe",
    input: "y\n",
  });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // BENCH_LOG=file keeps wrangler's debug log there.
  const logTo = process.env.BENCH_LOG ? openSync(process.env.BENCH_LOG, "w") : "inherit";
  const child = spawn(
    process.execPath,
    [WRANGLER, "dev", "-c", config, "--no-bundle", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persist,
      "--var", `ADMIN_TOKEN:${ADMIN}`, "--log-level", process.env.BENCH_LOG ? "debug" : "error", "--show-interactive-dev-session=false"],
    { cwd: dir, env, stdio: ["ignore", logTo, logTo], detached: true },
  );
  stops.push(() => killGroup(child));
  await waitFor(`${base}/v1/ping`);
  return { base, port, pid: child.pid, persist };
}

/**
 * A Worker that does only the R2 part of edgereg's work: stream an object, or a multipart upload verified by
 * streaming the whole object through SHA-256. On Miniflare over the same local R2 state (edgereg's bucket read
 * only; its own uploads go to a bucket of their own).
 */
async function startBareWorker(persist) {
  const { Miniflare } = await import("miniflare");
  const bucket = /bucket_name\s*=\s*"([^"]+)"/.exec(readFileSync(join(ROOT, "wrangler.toml"), "utf8"))[1];
  const mf = new Miniflare({
    modules: true,
    compatibilityDate: "2026-05-01",
    script: `export default { async fetch(request, env) {
      const [, head, id, n] = new URL(request.url).pathname.split("/");
      if (head === "upload" && !id) return Response.json({ id: (await env.SCRATCH.createMultipartUpload("bench")).uploadId });
      const upload = id && env.SCRATCH.resumeMultipartUpload("bench", id);
      if (head === "upload" && n === "complete") {
        await upload.complete(await request.json());
        const digest = new crypto.DigestStream("SHA-256");
        await (await env.SCRATCH.get("bench")).body.pipeTo(digest);
        return Response.json({ sha256: [...new Uint8Array(await digest.digest)].map((b) => b.toString(16).padStart(2, "0")).join("") });
      }
      if (head === "upload") {
        const size = Number(request.headers.get("Content-Length"));
        return Response.json(await upload.uploadPart(Number(n), request.body.pipeThrough(new FixedLengthStream(size))));
      }
      const object = await env.ARTIFACTS.get(new URL(request.url).pathname.slice(1));
      return object ? new Response(object.body, { headers: { "Content-Length": String(object.size) } }) : new Response(null, { status: 404 });
    } }`,
    r2Buckets: { ARTIFACTS: bucket, SCRATCH: "bench-bare-uploads" },
    r2Persist: join(persist, "v3", "r2"),
    host: "127.0.0.1",
    port: await freePort(),
  });
  stops.push(() => mf.dispose());
  return { base: (await mf.ready).origin };
}

/** node:http + fs.createReadStream in its own process, so it shares no event loop with this client. */
async function startStaticServer(file) {
  const port = await freePort();
  const code = `
    const http = require("node:http"), fs = require("node:fs");
    const size = fs.statSync(${JSON.stringify(file)}).size;
    http.createServer((req, res) => {
      const bytes = Number(new URL(req.url, "http://x").searchParams.get("bytes") ?? size);
      res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": bytes });
      fs.createReadStream(${JSON.stringify(file)}, { end: bytes - 1 }).pipe(res);
    }).listen(${port}, "127.0.0.1", () => console.log("ready"));`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"], detached: true });
  stops.push(() => killGroup(child));
  await new Promise((resolve) => child.stdout.once("data", resolve));
  return { base: `http://127.0.0.1:${port}` };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/**
 * PUTs a body with a known length; rejects unless the answer is 2xx. A 503 or a reset connection is sent again, as
 * any client of a resumable upload would: wrangler dev's proxy answers so when a pooled connection to the worker breaks.
 */
let retried = 0;
async function send(url, body, length, attempts = 4) {
  for (let attempt = 1; ; attempt++) {
    const { status, text } = await put(url, body(), length);
    if (status >= 200 && status < 300) return text ? JSON.parse(text) : null;
    if ((status !== 503 && status !== 0) || attempt === attempts) throw new Error(`PUT ${url} → ${status || "connection reset"} ${text}`);
    retried++;
  }
}

/** Resolves with the answer, or status 0 when the connection failed first. */
function put(url, stream, length) {
  return new Promise((resolve) => {
    const req = http.request(url, {
      method: "PUT",
      agent: false,
      headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/octet-stream", "Content-Length": length },
    });
    const fail = (error) => {
      stream.destroy();
      resolve({ status: 0, text: String(error) });
    };
    req.on("response", (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        stream.destroy();
        resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() });
      });
      res.on("error", fail);
    });
    req.on("error", fail);
    stream.on("error", fail);
    stream.pipe(req);
  });
}

async function api(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return JSON.parse(text);
}

/** Reads the whole body, counting bytes (and hashing when asked); returns the elapsed milliseconds. */
function download(url, headers, size, hash = false) {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const digest = hash ? createHash("sha256") : null;
    http
      .get(url, { agent, headers }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${url} → ${res.statusCode}`));
        let bytes = 0;
        res.on("data", (chunk) => {
          bytes += chunk.length;
          digest?.update(chunk);
        });
        res.on("end", () => {
          if (bytes !== size) return reject(new Error(`GET ${url}: ${bytes} bytes, expected ${size}`));
          resolve({ ms: performance.now() - t, sha256: digest?.digest("hex") });
        });
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

/**
 * Samples the processes `find` names every 25 ms: summed VmRSS, and RssAnon (VmRSS without file pages, which workerd
 * maps while it reads local R2's blob files); reset() starts new peaks and returns the current figures.
 */
function rssSampler(find) {
  let watched = find();
  let peak = { rss: 0, anon: 0 };
  const sample = () => {
    const now = { rss: 0, anon: 0 };
    for (const pid of watched) {
      const m = memoryOf(pid);
      now.rss += m.rss;
      now.anon += m.anon;
    }
    peak = { rss: Math.max(peak.rss, now.rss), anon: Math.max(peak.anon, now.anon) };
    return now;
  };
  const timer = setInterval(sample, 25);
  stops.push(() => clearInterval(timer));
  return {
    pids: () => watched,
    reset() {
      watched = find();
      peak = { rss: 0, anon: 0 };
      return sample();
    },
    peak: () => (sample(), peak),
  };
}

/** The process among `pids` that listens on 127.0.0.1:`port` (found through the socket's inode). */
function listenerOf(port, pids) {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  const inode = readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .find((f) => f[1]?.endsWith(`:${hex}`) && f[3] === "0A")?.[9];
  return pids.find((pid) => {
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`;
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  });
}

function descendants(root) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {}
  }
  const found = [];
  const walk = (pid) => (children.get(pid) ?? []).forEach((c) => (found.push(c), walk(c)));
  walk(root);
  return found;
}

const comm = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
};

function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb("VmRSS"), anon: kb("RssAnon") };
  } catch {
    return { rss: 0, anon: 0 };
  }
}

async function pool(items, size, task) {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(size, queue.length) }, async () => {
    while (queue.length > 0) await task(queue.shift());
  }));
}

function killGroup(child) {
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {}
  return sleep(300);
}



const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const mib = (n) => (n >= 1024 * MiB ? `${(n / 1024 / MiB).toFixed(n % (1024 * MiB) ? 2 : 0)} GiB` : `${(n / MiB).toFixed(0)} MiB`);
const mb = (n) => `${(n / MB).toFixed(1)} MB`;
const rate = (bytes, ms) => `${(bytes / ms / 1000).toFixed(0)} MB/s`;

await main();
// Keep-alive sockets would hold the event loop open.
agent.destroy();
