import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { webhookReceiver } from "./test/webhook-receiver";

// Every test runs inside workerd against local D1 and R2, the same runtime `wrangler deploy` targets.
export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  return {
    plugins: [
      cloudflareTest({
        main: "./src/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: { TEST_MIGRATIONS: migrations, ADMIN_TOKEN: "test-admin-secret" },
          // Outbound fetches (webhook deliveries) reach an in-process receiver: a test worker cannot open a port.
          outboundService: webhookReceiver,
        },
      }),
    ],
    test: {
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      setupFiles: ["./test/setup.ts"],
    },
  };
});
