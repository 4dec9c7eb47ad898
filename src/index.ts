import { createApp } from "./app";
import { systemClock } from "./domain/clock";
import type { Env } from "./env";
import { runScheduled } from "./jobs/scheduled";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env) {
    // Auto-rollback checks and webhook retries; periodic work of other modules belongs here too.
    await runScheduled(env, systemClock);
  },
} satisfies ExportedHandler<Env>;
