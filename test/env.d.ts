// Types for `cloudflare:workers` inside tests: the worker's bindings and its default export.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import("../src/index");
  }
  interface Env {
    DB: D1Database;
    /** Only for test/lagging-d1.ts: the copy of DB its simulated replica reads from. */
    LAGGING_REPLICA: D1Database;
    ARTIFACTS: R2Bucket;
    ADMIN_TOKEN?: string;
    RESOLVE_MAX_STALENESS_MS?: string;
    WEBHOOK_QUEUE?: Queue<import("../src/store/deliveries").DeliveryTicket>;
    WEBHOOK_RETRY_DELAYS_S?: string;
    WEBHOOK_REQUEUE_AFTER_S?: string;
    WEBHOOK_ALLOW_PRIVATE_TARGETS?: string;
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
  }
}
