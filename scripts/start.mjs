#!/usr/bin/env node
// `npm start`: a local registry on the embedded default (local D1 and R2 under .wrangler/state),
// migrations applied first, and a development admin token created in .dev.vars when missing.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const port = process.env.PORT ?? "8787";
const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };
const wrangler = (args, options = {}) => spawnSync("npx", ["wrangler", ...args], { stdio: "inherit", env, ...options });

function ensureAdminToken() {
  const path = ".dev.vars";
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  const found = /^ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?/m.exec(text);
  if (found) return found[1];
  const token = `er_dev_${randomBytes(24).toString("base64url")}`;
  writeFileSync(path, `${text}${text && !text.endsWith("\n") ? "\n" : ""}ADMIN_TOKEN="${token}"\n`);
  return token;
}

const token = ensureAdminToken();
const migrated = wrangler(["d1", "migrations", "apply", "DB", "--local"], { input: "y\n", stdio: ["pipe", "inherit", "inherit"] });
if (migrated.status !== 0) process.exit(migrated.status ?? 1);

console.log(`\n  edgereg on http://127.0.0.1:${port}\n  development admin token: ${token}\n  try: curl -H "Authorization: Bearer ${token}" http://127.0.0.1:${port}/v1/models\n`);
const server = spawn("npx", ["wrangler", "dev", "--ip", "127.0.0.1", "--port", port], { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
