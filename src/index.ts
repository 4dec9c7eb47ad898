import { createApp } from "./app";
import type { Env } from "./env";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, _env, _ctx) {
    // Policy checks (auto-rollback, upload clean-up) hang off this trigger.
  },
} satisfies ExportedHandler<Env>;
