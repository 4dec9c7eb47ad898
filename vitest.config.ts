import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { webhookReceiver } from "./test/webhook-receiver";

// Two projects: the registry's tests run inside workerd against local D1 and R2, the same runtime `wrangler deploy`
// targets; the CLI's tests run in Node, where they can spawn the command and a local registry.
export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              main: "./src/index.ts",
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                // The webhook queue retries after 1 s instead of minutes, so its tests see the whole backoff.
                bindings: { TEST_MIGRATIONS: migrations, ADMIN_TOKEN: "test-admin-secret", WEBHOOK_RETRY_DELAYS_S: "1,1,1,1" },
                // Outbound fetches (webhook deliveries) reach an in-process receiver: a test worker cannot open a port.
                outboundService: webhookReceiver,
                // A second local database that the replica-lag test double (test/lagging-d1.ts) serves stale reads from.
                d1Databases: { LAGGING_REPLICA: "edgereg-lagging-replica" },
              },
            }),
          ],
          test: {
            name: "workers",
            include: ["src/**/*.test.ts", "test/**/*.test.ts"],
            setupFiles: ["./test/setup.ts"],
          },
        },
        {
          test: {
            name: "cli",
            environment: "node",
            include: ["cli/**/*.test.ts"],
            // End-to-end tests start a registry and drive the built command as a subprocess.
            testTimeout: 120_000,
            hookTimeout: 120_000,
          },
        },
        {
          test: {
            name: "docs",
            environment: "node",
            // Runs every runnable shell block of README.md and docs/*.md against a local registry on a fresh database.
            include: ["docs/**/*.test.ts"],
            testTimeout: 600_000,
            hookTimeout: 180_000,
          },
        },
        {
          test: {
            name: "ui",
            environment: "node",
            include: ["e2e/**/*.test.ts"],
            // Drives the admin UI in headless Chromium against a local registry started once per file.
            testTimeout: 60_000,
            hookTimeout: 180_000,
          },
        },
      ],
    },
  };
});
