// The embedded local registry: the bundle `wrangler deploy` would upload, served by Miniflare directly with
// persistent local D1 and R2. Shared by `npm start`, the benchmarks and the CLI's end-to-end tests.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Log, LogLevel, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const root = resolve(import.meta.dirname, "..");
const wranglerEnv = { ...process.env, WRANGLER_SEND_METRICS: "false" };

function wrangler(args, { quiet = false } = {}) {
  const result = spawnSync(process.execPath, [join(root, "node_modules/wrangler/bin/wrangler.js"), ...args], {
    cwd: root,
    env: wranglerEnv,
    input: "y\n",
    encoding: "utf8",
    stdio: ["pipe", quiet ? "pipe" : "inherit", quiet ? "pipe" : "inherit"],
  });
  if (result.status !== 0) {
    throw new Error(`wrangler ${args.join(" ")} failed (${result.status})\n${result.stdout ?? ""}${result.stderr ?? ""}`);
  }
  return result;
}

/** Returns the ADMIN_TOKEN from .dev.vars, creating one when missing. */
export function ensureAdminToken(path = join(root, ".dev.vars")) {
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  const found = /^ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?/m.exec(text);
  if (found) return { token: found[1], created: false };
  const token = `er_dev_${randomBytes(24).toString("base64url")}`;
  writeFileSync(path, `${text}${text && !text.endsWith("\n") ? "\n" : ""}ADMIN_TOKEN="${token}"\n`, { mode: 0o600 });
  return { token, created: true };
}

/** Applies pending migrations to the local D1 under `persistTo` (wrangler's own bookkeeping, so `wrangler dev` agrees). */
export function applyMigrations(persistTo, options = {}) {
  wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], options);
}

/** Builds exactly what `wrangler deploy` would upload. */
export function bundle(outdir, options = {}) {
  wrangler(["deploy", "--dry-run", "--outdir", outdir], options);
  return join(outdir, "index.js");
}

/** Whether a five-field cron expression (`*`, `*\/n`, `a`, `a-b`, lists) matches the minute `date` (UTC) is in. */
export function cronMatches(expression, date) {
  const now = [date.getUTCMinutes(), date.getUTCHours(), date.getUTCDate(), date.getUTCMonth() + 1, date.getUTCDay()];
  return expression
    .trim()
    .split(/\s+/)
    .every((field, i) =>
      field.split(",").some((part) => {
        const [range, step = "1"] = part.split("/");
        const [lo, hi] = range === "*" ? [0, 59] : range.split("-").map(Number);
        const value = now[i];
        return value >= lo && value <= (hi ?? (part.includes("/") ? 59 : lo)) && (value - lo) % Number(step) === 0;
      }),
    );
}

/** The `[triggers] crons` of wrangler.toml. */
function wranglerCrons() {
  const found = /^\s*crons\s*=\s*\[([^\]]*)\]/m.exec(readFileSync(join(root, "wrangler.toml"), "utf8"));
  return found ? [...found[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]) : [];
}

/**
 * Starts the registry on Miniflare with the bindings declared in wrangler.toml (D1, R2, and the webhook queue with
 * its dead-letter queue, whose consumer is this same Worker).
 * `persistTo` is a wrangler-style state directory (the default is wrangler's own `.wrangler/state`).
 * `crons`: Miniflare runs no cron triggers by itself. `true` runs the Worker's `scheduled` handler once at start and
 * then on wrangler.toml's schedule (what `npm start` does); a number runs it every that many milliseconds (tests).
 * A local queue keeps its messages in memory, so a stopped server loses them; the deliveries stay pending in D1 and
 * the first cron run after the restart re-enqueues them (WEBHOOK_REQUEUE_AFTER_S is 10 s locally unless `vars` says).
 * `webhookQueue: false` leaves the queue bindings out: webhooks are then delivered directly from the request.
 */
export async function startLocalRegistry({
  port = 8787,
  host = "127.0.0.1",
  persistTo = join(root, ".wrangler/state"),
  adminToken,
  vars = {},
  quiet = false,
  crons = false,
  webhookQueue = true,
} = {}) {
  mkdirSync(persistTo, { recursive: true });
  applyMigrations(persistTo, { quiet });
  // A directory per server: test projects may build bundles in parallel.
  const outdir = mkdtempSync(join(tmpdir(), "edgereg-bundle-"));
  const scriptPath = bundle(outdir, { quiet: true });
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(root, "wrangler.toml"));
  // Without the queue bindings the Worker delivers webhooks directly (what bench/webhooks.mjs compares against).
  if (!webhookQueue) {
    delete workerOptions.queueProducers;
    delete workerOptions.queueConsumers;
  }
  const v3 = join(persistTo, "v3");
  const mf = new Miniflare({
    ...workerOptions,
    name: "edgereg",
    modules: true,
    scriptPath,
    modulesRoot: outdir,
    bindings: {
      ...workerOptions.bindings,
      WEBHOOK_REQUEUE_AFTER_S: "10",
      ...(adminToken ? { ADMIN_TOKEN: adminToken } : {}),
      ...vars,
    },
    host,
    port,
    d1Persist: join(v3, "d1"),
    r2Persist: join(v3, "r2"),
    cachePersist: join(v3, "cache"),
    cf: false,
    log: new Log(quiet ? LogLevel.ERROR : LogLevel.INFO),
  });
  const url = await mf.ready;
  const log = new Log(quiet ? LogLevel.ERROR : LogLevel.INFO);
  /** One run of the cron trigger, as Cloudflare would start it. */
  const runCron = async (cron = "local") => {
    const worker = await mf.getWorker();
    await worker.scheduled({ cron, scheduledTime: new Date() });
  };
  let timer;
  let running = Promise.resolve();
  const tick = (cron) => {
    running = running.then(() => runCron(cron)).catch((error) => log.error(new Error(`cron trigger failed: ${error}`)));
  };
  if (crons !== false) {
    tick("startup");
    if (typeof crons === "number") timer = setInterval(() => tick("interval"), crons);
    else {
      const schedule = wranglerCrons();
      let lastMinute = -1;
      timer = setInterval(() => {
        const now = new Date();
        const minute = Math.floor(now.getTime() / 60_000);
        if (minute === lastMinute) return;
        lastMinute = minute;
        for (const cron of schedule) if (cronMatches(cron, now)) tick(cron);
      }, 1000);
    }
  }
  const dispose = async () => {
    clearInterval(timer);
    await running;
    await mf.dispose();
    rmSync(outdir, { recursive: true, force: true });
  };
  return { url: url.origin, mf, runCron, dispose };
}

/** A free TCP port on 127.0.0.1, for servers the benchmarks and tests start. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** Resolves once `url` answers 2xx; throws after `timeoutMs`. */
export async function waitFor(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
