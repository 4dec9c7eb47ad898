#!/usr/bin/env node
// Throughput of `edgereg import mlflow`, side by side in one run with `edgereg push` of the same bytes:
//
//   1. many small versions: 50 registered models × 10 versions in the fake MLflow server (cli/fake-mlflow.ts), each
//      version with 2–3 files of a few KiB, imported with one command; then the same files pushed as 500 versions,
//      one `edgereg push` per version with as many pushes in flight as the import's --concurrency;
//   2. one big file: a single version whose 1 GiB artifact the fake server generates as it is read (never held in
//      memory), imported, then the same bytes pushed from a local file.
//
// Each side gets a fresh registry (the worker on Miniflare with its own temporary D1 and R2), so neither finds the
// other's bytes already stored. Prints versions/s and MiB/s of each side and import ÷ push, the import's peak RSS
// for the big file, and how long a second import (nothing to change) takes. The fake MLflow server runs in this
// process; the CLI's stderr goes to a log file in the work directory, printed if a command fails.
//
//   node bench/import-mlflow.mjs      env: BENCH_MODELS=50, BENCH_VERSIONS=10, BENCH_BIG_MIB=1024, BENCH_CONCURRENCY=4,
//                                          BENCH_PART_SIZE=64MiB
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { startLocalRegistry } from "../scripts/local.mjs";

const ROOT = resolve(import.meta.dirname, "..");
const CLI = join(ROOT, "cli/dist/edgereg.mjs");
const MIB = 1024 * 1024;
const MODELS = Number(process.env.BENCH_MODELS ?? 50);
const VERSIONS = Number(process.env.BENCH_VERSIONS ?? 10);
const BIG_MIB = Number(process.env.BENCH_BIG_MIB ?? 1024);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const PART_SIZE = process.env.BENCH_PART_SIZE ?? "64MiB";
const ADMIN = `bench-${randomBytes(12).toString("hex")}`;
const work = mkdtempSync(join(tmpdir(), "edgereg-bench-import-"));
const cliLog = join(work, "cli-stderr.log");

const mib = (bytes) => `${(bytes / MIB).toFixed(1)} MiB`;

/** The fake server is TypeScript: bundled once into the work directory and imported. */
async function loadFake() {
  const outfile = join(work, "fake-mlflow.mjs");
  await build({ entryPoints: [join(ROOT, "cli/fake-mlflow.ts")], bundle: true, platform: "node", target: "node20", format: "esm", outfile, logLevel: "warning" });
  return import(pathToFileURL(outfile).href);
}

/** One CLI run: wall time, exit code, stdout (JSON), peak RSS; stderr appended to the log file. */
function runCli(args, env, { cwd = work } = {}) {
  const rssFile = join(work, `rss-${process.hrtime.bigint()}`);
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", join(ROOT, "bench/rss-at-exit.mjs"), CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH, HOME: work, ...env, EDGEREG_BENCH_RSS_FILE: rssFile },
    stdio: ["ignore", "pipe", openSync(cliLog, "a")],
  });
  let stdout = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  return new Promise((ok) =>
    child.on("close", (code) => {
      let peakRss = null;
      try {
        peakRss = Number(readFileSync(rssFile, "utf8"));
        rmSync(rssFile);
      } catch {}
      ok({ code, stdout, seconds: (performance.now() - started) / 1000, peakRss });
    }),
  );
}

function mustSucceed(result, what) {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}; stderr is in ${cliLog}:\n${readFileSync(cliLog, "utf8").slice(-4000)}`);
  return result;
}

/** The small data set: each version its own run with 2–3 files of 1–8 KiB, also written under files/ for push. */
function seedSmall(mlflow) {
  const versions = [];
  for (let m = 0; m < MODELS; m++) {
    const name = `small-${String(m).padStart(3, "0")}`;
    mlflow.createRegisteredModel(name, { description: `benchmark model ${m}`, tags: { team: "bench" } });
    for (let v = 1; v <= VERSIONS; v++) {
      const run = mlflow.createRun({ metrics: [{ key: "accuracy", value: 0.8 + v / 100 }], params: { seed: String(v) } });
      const dir = join(work, "files", name, String(v));
      mkdirSync(dir, { recursive: true });
      const files = { MLmodel: randomBytes(1024), "model.pkl": randomBytes(4096 + ((m * VERSIONS + v) % 4096)) };
      if (v % 2 === 0) files["requirements.txt"] = randomBytes(2048);
      for (const [path, bytes] of Object.entries(files)) {
        mlflow.logArtifact(run, `model/${path}`, bytes);
        writeFileSync(join(dir, path), bytes);
      }
      mlflow.createModelVersion(name, { source: mlflow.runArtifactUri(run, "model"), run_id: run, stage: v === VERSIONS ? "Production" : "None" });
      versions.push({ name, version: v, dir, files: Object.keys(files).length, bytes: Object.values(files).reduce((sum, b) => sum + b.length, 0) });
    }
  }
  return versions;
}

async function withRegistry(label, body) {
  const registry = await startLocalRegistry({ port: 0, persistTo: join(work, `state-${label}`), vars: { ADMIN_TOKEN: ADMIN }, quiet: true });
  try {
    return await body({ EDGEREG_URL: registry.url, EDGEREG_TOKEN: ADMIN });
  } finally {
    await registry.dispose();
    rmSync(join(work, `state-${label}`), { recursive: true, force: true });
  }
}

/** Runs the jobs with at most `n` at once. */
async function pool(jobs, n) {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < jobs.length) await jobs[next++]();
  }));
}

async function main() {
  const built = spawnSync(process.execPath, [join(ROOT, "cli/build.mjs")], { stdio: "inherit" });
  if (built.status !== 0) throw new Error("cli/build.mjs failed");
  const { FakeMlflow, generatedArtifact } = await loadFake();
  const mlflow = await new FakeMlflow().start();
  const small = seedSmall(mlflow);
  const smallBytes = small.reduce((sum, v) => sum + v.bytes, 0);
  const big = generatedArtifact(BIG_MIB * MIB, "bench-big");
  mlflow.createRegisteredModel("big-model");
  const bigRun = mlflow.createRun();
  mlflow.logArtifact(bigRun, "model/weights.bin", big);
  mlflow.createModelVersion("big-model", { source: mlflow.runArtifactUri(bigRun, "model"), run_id: bigRun, stage: "Production" });
  const bigFile = join(work, "big", "weights.bin");
  mkdirSync(join(work, "big"));
  await pipeline(big.open(), createWriteStream(bigFile));

  const importArgs = (glob) => ["import", "mlflow", "--from", mlflow.url, "--models", glob, "--concurrency", String(CONCURRENCY), "--part-size", PART_SIZE, "--json", "-q"];
  try {
    const imported = await withRegistry("import", async (env) => {
      const smallRun = mustSucceed(await runCli(importArgs("small-*"), env), "import of the small versions");
      const summary = JSON.parse(smallRun.stdout);
      if (summary.versions.created !== small.length) throw new Error(`imported ${summary.versions.created} of ${small.length} versions`);
      const again = mustSucceed(await runCli(importArgs("small-*"), env), "second import");
      const bigRunResult = mustSucceed(await runCli(importArgs("big-*"), env), "import of the big file");
      return { small: smallRun, again, againSummary: JSON.parse(again.stdout), big: bigRunResult };
    });
    const pushed = await withRegistry("push", async (env) => {
      const started = performance.now();
      await pool(
        small.map((v) => async () =>
          mustSucceed(await runCli(["push", v.name, ".", "--version", `0.0.0-mlflow.${v.version}`, "--no-git-commit", "--json", "-q"], env, { cwd: v.dir }), `push ${v.name}/${v.version}`),
        ),
        CONCURRENCY,
      );
      const smallSeconds = (performance.now() - started) / 1000;
      const bigRunResult = mustSucceed(
        await runCli(["push", "big-model", "weights.bin", "--version", "0.0.0-mlflow.1", "--no-git-commit", "--part-size", PART_SIZE, "--concurrency", String(CONCURRENCY), "--json", "-q"], env, {
          cwd: join(work, "big"),
        }),
        "push of the big file",
      );
      return { smallSeconds, big: bigRunResult };
    });

    const bigBytes = BIG_MIB * MIB;
    const row = (label, importValue, pushValue, unit) =>
      console.log(`  ${label.padEnd(26)} import ${importValue.toFixed(2).padStart(8)} ${unit}   push ${pushValue.toFixed(2).padStart(8)} ${unit}   import ÷ push ${(importValue / pushValue).toFixed(2)}×`);
    console.log(`edgereg import mlflow vs edgereg push, ${CONCURRENCY} in flight, parts of ${PART_SIZE}`);
    console.log(`${small.length} small versions (${MODELS} models × ${VERSIONS}, ${mib(smallBytes)} in ${small.reduce((n, v) => n + v.files, 0)} files; push: one process per version)`);
    console.log(`  wall time                  import ${imported.small.seconds.toFixed(1)} s   push ${pushed.smallSeconds.toFixed(1)} s`);
    row("versions/s", small.length / imported.small.seconds, small.length / pushed.smallSeconds, "/s");
    row("MiB/s", smallBytes / MIB / imported.small.seconds, smallBytes / MIB / pushed.smallSeconds, "MiB/s");
    console.log(`  second import (no change)  ${imported.again.seconds.toFixed(1)} s, ${imported.againSummary.versions.unchanged} versions unchanged, ${imported.againSummary.bytes} bytes sent`);
    console.log(`one ${mib(bigBytes)} artifact (import: download to a temporary file while hashing, then upload)`);
    console.log(`  wall time                  import ${imported.big.seconds.toFixed(1)} s   push ${pushed.big.seconds.toFixed(1)} s`);
    row("MiB/s", bigBytes / MIB / imported.big.seconds, bigBytes / MIB / pushed.big.seconds, "MiB/s");
    console.log(`  peak RSS                   import ${mib(imported.big.peakRss)}   push ${mib(pushed.big.peakRss)}`);
  } finally {
    await mlflow.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
