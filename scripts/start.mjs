#!/usr/bin/env node
// `npm start`: a local registry on the embedded default (local D1 and R2 under .wrangler/state), migrations
// applied first, a development admin token created in .dev.vars when missing. Served by Miniflare directly,
// which skips wrangler dev's Node proxy; `npm run dev` (--wrangler) keeps wrangler dev for live reload.
import { spawn } from "node:child_process";
import { applyMigrations, ensureAdminToken, startLocalRegistry } from "./local.mjs";

const port = Number(process.env.PORT ?? 8787);
const useWrangler = process.argv.includes("--wrangler");
const { token, created } = ensureAdminToken();

const banner = (url) =>
  console.log(
    `\n  edgereg is serving on ${url}\n` +
      `  development admin token${created ? " (new, saved in .dev.vars)" : " (from .dev.vars)"}: ${token}\n\n` +
      `  curl -H "Authorization: Bearer ${token}" ${url}/v1/models\n`,
  );

if (useWrangler) {
  applyMigrations(".wrangler/state");
  banner(`http://127.0.0.1:${port}`);
  const server = spawn("npx", ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(port)], {
    stdio: "inherit",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
  server.on("exit", (code) => process.exit(code ?? 0));
} else {
  // With the cron trigger on its wrangler.toml schedule: webhook sweeps, auto-rollback checks, clean-up.
  const registry = await startLocalRegistry({ port, adminToken: token, crons: true });
  banner(registry.url);
  const stop = async () => {
    await registry.dispose();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
