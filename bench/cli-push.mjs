#!/usr/bin/env node
// Memory of `edgereg push` (issue 6): the peak resident set size of the CLI process while it hashes and uploads one
// 1 GiB file in parallel multipart parts, printed beside the same command's idle peak (`edgereg --help`) and the
// file's size, with the peak of each quarter of the run (flat when memory does not grow with the bytes sent); then
// the same for pulling the file back.
// The registry is the worker on Miniflare with a temporary persist dir; the CLI is the built cli/dist/edgereg.mjs.
//
//   node bench/cli-push.mjs      env: BENCH_PUSH_MIB=1024, BENCH_PART_SIZE=64MiB, BENCH_CONCURRENCY=4
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startLocalRegistry } from "../scripts/local.mjs";

const ROOT = resolve(import.meta.dirname, "..");
const MIB = 1024 * 1024;
const SIZE_MIB = Number(process.env.BENCH_PUSH_MIB ?? 1024);
const PART_SIZE = process.env.BENCH_PART_SIZE ?? "64MiB";
const CONCURRENCY = process.env.BENCH_CONCURRENCY ?? "4";
const ADMIN = `bench-${randomBytes(12).toString("hex")}`;
const CLI = join(ROOT, "cli/dist/edgereg.mjs");
const work = mkdtempSync(join(tmpdir(), "edgereg-bench-push-"));

const mib = (bytes) => `${(bytes / MIB).toFixed(1)} MiB`;

/** The process's resident set size now, from /proc (Linux); null elsewhere or once it has exited. */
function currentRss(pid) {
  try {
    const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kib === undefined ? null : Number(kib) * 1024;
  } catch {
    return null;
  }
}

/**
 * Runs the CLI with the RSS preload; answers its peak RSS in bytes (from the kernel, exact), RSS samples taken
 * every 250 ms (to see whether memory grows as bytes are sent), its wall time, exit code and stdout.
 */
async function measured(args, env) {
  const rssFile = join(work, `rss-${Date.now()}`);
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", join(ROOT, "bench/rss-at-exit.mjs"), CLI, ...args], {
    cwd: work,
    env: { ...process.env, ...env, EDGEREG_BENCH_RSS_FILE: rssFile },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const samples = [];
  const sampler = setInterval(() => {
    const rss = currentRss(child.pid);
    if (rss !== null) samples.push(rss);
  }, 250);
  let stdout = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  const code = await new Promise((ok) => child.on("close", ok));
  clearInterval(sampler);
  return { code, seconds: (performance.now() - started) / 1000, peakRss: Number(readFileSync(rssFile, "utf8")), samples, stdout };
}

/** The highest sample in each quarter of the run. */
function quarterPeaks(samples) {
  const size = Math.ceil(samples.length / 4);
  return [0, 1, 2, 3].map((q) => Math.max(...samples.slice(q * size, (q + 1) * size)));
}

/** 1 MiB of fresh random bytes repeated: content no earlier run stored, written without holding the file in memory. */
function writeArtifact(path) {
  const block = randomBytes(MIB);
  const fd = openSync(path, "w");
  for (let i = 0; i < SIZE_MIB; i++) {
    block.writeUInt32LE(i, 0);
    writeSync(fd, block);
  }
  closeSync(fd);
}

async function main() {
  const built = spawnSync(process.execPath, [join(ROOT, "cli/build.mjs")], { stdio: "inherit" });
  if (built.status !== 0) throw new Error("cli/build.mjs failed");
  const file = join(work, "weights.bin");
  writeArtifact(file);
  const registry = await startLocalRegistry({ port: 0, persistTo: join(work, "state"), vars: { ADMIN_TOKEN: ADMIN }, quiet: true });
  try {
    const env = { EDGEREG_URL: registry.url, EDGEREG_TOKEN: ADMIN };
    const idle = await measured(["--help"], env);
    const push = await measured(
      ["push", "bench-push", "weights.bin", "--version", "1.0.0", "--part-size", PART_SIZE, "--concurrency", CONCURRENCY, "--json", "-q"],
      env,
    );
    if (push.code !== 0) throw new Error(`push exited ${push.code}`);
    const report = JSON.parse(push.stdout);
    const size = SIZE_MIB * MIB;
    console.log(`edgereg push of one ${mib(size)} file, parts of ${PART_SIZE}, ${CONCURRENCY} in flight (${report.uploads[0].parts} parts)`);
    console.log(`  version status           ${report.version.status}`);
    console.log(`  wall time                ${push.seconds.toFixed(1)} s (${mib(size / push.seconds)}/s, hashing included)`);
    console.log(`  peak RSS, push           ${mib(push.peakRss)}`);
    console.log(`  peak RSS, edgereg --help ${mib(idle.peakRss)}`);
    console.log(`  push / idle              ${(push.peakRss / idle.peakRss).toFixed(2)}×`);
    if (push.samples.length >= 4) console.log(`  RSS peak by quarter      ${quarterPeaks(push.samples).map(mib).join(" → ")}`);
    console.log(`  push above idle / file   ${(((push.peakRss - idle.peakRss) / size) * 100).toFixed(2)}% of the file's size`);

    // The way back: the same file downloaded, written to disk and its sha256 verified.
    const pull = await measured(["pull", "bench-push/1.0.0", "-o", "pulled", "--json", "-q"], env);
    if (pull.code !== 0) throw new Error(`pull exited ${pull.code}`);
    console.log(`edgereg pull of the same file`);
    console.log(`  wall time                ${pull.seconds.toFixed(1)} s (${mib(size / pull.seconds)}/s, verification included)`);
    console.log(`  peak RSS, pull           ${mib(pull.peakRss)}`);
  } finally {
    await registry.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
