#!/usr/bin/env node
// Point-in-time resolve (issue 16) against today's resolve, side by side in one run, on the same local D1 (Miniflare,
// in-process) holding the bench data set: BENCH_MODELS models × 10 versions (default 10,000 → 100,000 versions), and
// a bench model with a long history (moves and rollouts with weight changes, one a minute over weeks).
//
// Each round runs every form of both queries for BENCH_SLICE seconds, alternating now / at, so load from anything
// else on the machine hits both sides of each ratio alike; figures are medians over the rounds. The time is one D1
// round trip from Node to workerd: `SELECT 1` is printed as the floor that round trip costs by itself.
//
//   node bench/resolve-at.mjs      env: BENCH_MODELS=10000, BENCH_ROUNDS=5, BENCH_SLICE=1 (seconds), BENCH_HISTORY=2000
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const MODELS = Number(process.env.BENCH_MODELS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SLICE = Number(process.env.BENCH_SLICE ?? 1);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 2000);
const VERSIONS_PER_MODEL = 10;
const BENCH_MODEL = "bench";
const work = mkdtempSync(join(tmpdir(), "edgereg-bench-at-"));

const START_MS = Date.parse("2026-10-01T00:00:00.000Z");
const STEP_MS = 60_000;
const iso = (ms) => new Date(ms).toISOString();

async function main() {
  const mf = new Miniflare({ modules: true, script: TIMER, d1Databases: ["DB"], compatibilityDate: "2025-01-01" });
  try {
    const db = await mf.getD1Database("DB");
    const t = Date.now();
    await migrate(db);
    const seeded = await seed(db);
    console.log(`seeded ${seeded.versions.toLocaleString()} versions / ${seeded.models.toLocaleString()} models, ${seeded.history} ref history entries on '${BENCH_MODEL}', in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const { resolutionQuery, parseReference } = await importTs();
    const now = iso(START_MS + (HISTORY + 10) * STEP_MS);
    // Mid-history, 90 s into a rollout (one starts every 5 minutes from minute 1).
    const at = iso(START_MS + (1 + 5 * Math.floor(HISTORY / 10)) * STEP_MS + 90_000);
    const forms = ["Production", "Staging", "^1.2", "latest", "7"];
    worker = mf;
    const query = (form, when) => resolutionQuery(parseReference(`models:/${BENCH_MODEL}/${form}`), null, now, when);
    const statement = (form, when) => {
      const { sql, params } = query(form, when);
      return db.prepare(sql).bind(...params);
    };
    for (const form of forms) {
      const [a, b] = [await statement(form).first(), await statement(form, at).first()];
      const versionsOf = (row) => JSON.parse(row.versions).map((v) => v.number);
      console.log(`  ${form.padEnd(10)} now → versions ${JSON.stringify(versionsOf(a))}; at ${at} → ${JSON.stringify(versionsOf(b))}`);
    }

    const samples = {};
    const record = (label, ms) => (samples[label] ??= []).push(ms);
    console.log(`\nmeasuring: ${ROUNDS} rounds × ${forms.length} forms × (now, at) × ${SLICE} s`);
    for (let round = 0; round < ROUNDS; round++) {
      record("SELECT 1", await timeSlice({ sql: "SELECT 1", params: [] }));
      for (const form of forms) {
        record(`${form} now`, await timeSlice(query(form)));
        record(`${form} at`, await timeSlice(query(form, at)));
      }
    }
    const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    console.log(`\n== Point-in-time resolve vs today's resolve, ${seeded.versions.toLocaleString()} versions (medians over ${ROUNDS} rounds)`);
    console.log(`a D1 call of SELECT 1 from the worker: ${median(samples["SELECT 1"]).toFixed(3)} ms (the floor of every figure below)`);
    console.log("form        now ms    at ms   at÷now (per round, median)");
    for (const form of forms) {
      const now = samples[`${form} now`];
      const then = samples[`${form} at`];
      const ratio = median(then.map((x, i) => x / now[i]));
      console.log(`${form.padEnd(10)} ${median(now).toFixed(3).padStart(7)} ${median(then).toFixed(3).padStart(8)} ${ratio.toFixed(2).padStart(8)}`);
    }
    console.log("\n== Query plan of the point-in-time query (Production)");
    const { sql, params } = resolutionQuery(parseReference(`models:/${BENCH_MODEL}/Production`), null, now, at);
    const plan = await db.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all();
    for (const row of plan.results) console.log(`   ${row.detail}`);
    const scans = plan.results.filter((r) => /^SCAN /.test(r.detail) && !/USING (COVERING )?INDEX/.test(r.detail));
    if (scans.length > 0) console.log(`   !! scans without an index: ${scans.map((r) => r.detail).join("; ")}`);
  } finally {
    await mf.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Runs one statement back to back inside the worker for a slice and answers the mean milliseconds per call, so the
 * figure is the D1 call as a Worker sees it (the clock advances on I/O), without Node's hop to workerd.
 */
const TIMER = `export default {
  async fetch(request, env) {
    const { sql, params, ms } = await request.json();
    const statement = env.DB.prepare(sql).bind(...params);
    const start = Date.now();
    let calls = 0;
    while (Date.now() - start < ms) {
      await statement.first();
      calls++;
    }
    return Response.json({ perCall: (Date.now() - start) / calls, calls });
  },
};`;

let worker;
async function timeSlice(query) {
  const res = await worker.dispatchFetch("http://bench/", { method: "POST", body: JSON.stringify({ ...query, ms: SLICE * 1000 }) });
  return (await res.json()).perCall;
}

async function migrate(db) {
  const files = readdirSync(join(ROOT, "migrations")).filter((f) => f.endsWith(".sql")).sort();
  for (const file of files) {
    const statements = readFileSync(join(ROOT, "migrations", file), "utf8").split("--> statement-breakpoint").map((s) => s.trim()).filter(Boolean);
    await db.batch(statements.map((s) => db.prepare(s)));
  }
}

/** The data set of bench/resolve.mjs, plus a long scripted history on the bench model. */
async function seed(db) {
  const created = iso(START_MS - 86_400_000);
  const rows = { models: [], versions: [], artifacts: [], refs: [], ref_history: [], rollouts: [], rollout_events: [] };
  const q = (s) => `'${s}'`;
  const addModel = (index, name) => {
    const modelId = `m-${index}`;
    rows.models.push(`(${q(modelId)}, ${q(name)}, '', ${q(created)}, 'bench', ${q(created)})`);
    for (let n = 1; n <= VERSIONS_PER_MODEL; n++) {
      const id = `v-${index}-${n}`;
      rows.versions.push(`(${q(id)}, ${q(modelId)}, ${n}, '1.${n - 1}.0', 1, ${n - 1}, 0, 'READY', ${q(created)}, 'bench', ${q(created)})`);
      const sha = (index * 100 + n).toString(16).padStart(64, "0");
      rows.artifacts.push(`(${q(id)}, 'model.onnx', 1048576, ${q(sha)}, 'application/octet-stream', ${q(created)})`);
    }
    if (index === 0) return;
    for (const [ref, n] of [
      ["Production", VERSIONS_PER_MODEL - 1],
      ["Staging", VERSIONS_PER_MODEL - 2],
    ]) {
      rows.refs.push(`(${q(modelId)}, ${q(ref)}, ${q(`v-${index}-${n}`)}, 1, ${q(created)}, 'bench')`);
      rows.ref_history.push(`(${q(modelId)}, ${q(ref)}, 1, 'move', NULL, ${q(`v-${index}-${n}`)}, 'bench', ${q(created)}, NULL)`);
    }
  };
  addModel(0, BENCH_MODEL);
  for (let i = 1; i < MODELS; i++) addModel(i, `model-${String(i).padStart(5, "0")}`);

  // The bench model: Production and Staging move, and every few minutes a rollout on Production starts, widens
  // twice and ends (promote or abort), one event a minute.
  const v = (n) => q(`v-0-${n}`);
  const current = { Production: 1, Staging: 2 };
  const generation = { Production: 0, Staging: 0 };
  const history = (ref, action, from, to, ms, rollout = "NULL") => {
    generation[ref]++;
    rows.ref_history.push(`('m-0', ${q(ref)}, ${generation[ref]}, ${q(action)}, ${from ? v(from) : "NULL"}, ${v(to)}, 'bench', ${q(iso(ms))}, ${rollout})`);
  };
  history("Production", "move", null, 1, START_MS);
  history("Staging", "move", null, 2, START_MS);
  let step = 1;
  let k = 0;
  while (step < HISTORY) {
    const ms = START_MS + step * STEP_MS;
    const stable = current.Production;
    const candidate = (stable % VERSIONS_PER_MODEL) + 1;
    const id = `r-${k++}`;
    const promote = k % 2 === 0;
    const salt = randomBytes(8).toString("hex");
    const end = ms + 3 * STEP_MS;
    rows.rollouts.push(
      `(${q(id)}, 'm-0', 'Production', ${v(stable)}, ${v(candidate)}, 5000, ${q(salt)}, '[500,2000,5000]', NULL, ${q(promote ? "promoted" : "aborted")}, '', ${q(iso(ms))}, 'bench', ${q(iso(end))}, ${q(iso(end))})`,
    );
    [
      ["start", null, 500],
      ["weight", 500, 2000],
      ["weight", 2000, 5000],
      [promote ? "promote" : "abort", 5000, 5000],
    ].forEach(([action, before, after], seq) => {
      rows.rollout_events.push(`(${q(id)}, ${seq + 1}, ${q(action)}, ${before ?? "NULL"}, ${after}, 'bench', '', NULL, ${q(iso(ms + seq * STEP_MS))})`);
    });
    history("Production", "rollout_start", stable, stable, ms, q(id));
    if (promote) {
      history("Production", "promote", stable, candidate, end, q(id));
      current.Production = candidate;
    } else history("Production", "rollout_abort", stable, stable, end, q(id));
    const staging = (current.Staging % VERSIONS_PER_MODEL) + 1;
    history("Staging", "move", current.Staging, staging, end + STEP_MS);
    current.Staging = staging;
    step += 5;
  }
  for (const ref of ["Production", "Staging"]) {
    rows.refs.push(`('m-0', ${q(ref)}, ${v(current[ref])}, ${generation[ref]}, ${q(created)}, 'bench')`);
  }
  const columns = {
    models: "id, name, description, created_at, created_by, updated_at",
    versions: "id, model_id, number, semver, major, minor, patch, status, created_at, created_by, updated_at",
    artifacts: "version_id, path, size, sha256, content_type, verified_at",
    refs: "model_id, name, version_id, generation, updated_at, updated_by",
    ref_history: "model_id, ref, generation, action, from_version_id, to_version_id, actor, at, rollout_id",
    rollouts: "id, model_id, ref, stable_version_id, candidate_version_id, weight_bp, salt, steps, policy, status, reason, created_at, created_by, updated_at, ended_at",
    rollout_events: "rollout_id, seq, action, weight_bp_before, weight_bp_after, actor, reason, evidence, at",
  };
  const statements = [];
  for (const [table, values] of Object.entries(rows)) {
    for (let i = 0; i < values.length; i += 200) statements.push(`INSERT INTO ${table} (${columns[table]}) VALUES\n${values.slice(i, i + 200).join(",\n")};`);
  }
  for (let i = 0; i < statements.length; i += 50) await db.batch(statements.slice(i, i + 50).map((s) => db.prepare(s)));
  return { models: MODELS, versions: rows.versions.length, history: generation.Production + generation.Staging };
}

async function importTs() {
  const entry = join(work, "entry.ts");
  writeFileSync(
    entry,
    `export { resolutionQuery } from ${JSON.stringify(join(ROOT, "src/store/resolve.ts"))};
export { parseReference } from ${JSON.stringify(join(ROOT, "src/domain/reference.ts"))};`,
  );
  const outfile = join(work, "resolve.mjs");
  await build({ entryPoints: [entry], bundle: true, format: "esm", platform: "node", outfile, logLevel: "error", nodePaths: [join(ROOT, "node_modules")] });
  return import(pathToFileURL(outfile).href);
}

await main();
