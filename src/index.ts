import { createApp } from "./app";
import { systemClock } from "./domain/clock";
import type { Env } from "./env";
import { runScheduled } from "./jobs/scheduled";
import { consumeWebhookBatch } from "./registry/delivery-queue";
import { newResolveCache } from "./store/resolve";

// One resolve cache per isolate, shared by requests and the cron trigger (which may roll a ref back).
const resolveCache = newResolveCache();
const app = createApp({ resolveCache });

export default {
  fetch: app.fetch,
  async scheduled(_controller, env) {
    // Auto-rollback checks and webhook retries; periodic work of other modules belongs here too.
    try {
      await runScheduled(env, systemClock);
    } finally {
      resolveCache.clear();
    }
  },
  // The webhook queue and its dead-letter queue (wrangler.toml): signed deliveries, retries, dead letters.
  async queue(batch, env) {
    await consumeWebhookBatch(batch, env, systemClock);
  },
} satisfies ExportedHandler<Env>;
