import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { json, router } from "./openapi";

/** Liveness without storage (`ping`) and with one trivial D1 query (`health`): the baselines benchmarks compare to. */
export const health = router();

health.openapi(
  createRoute({
    method: "get",
    path: "/v1/ping",
    tags: ["health"],
    summary: "Answers without touching storage",
    responses: { 200: json(z.object({ ok: z.literal(true) }), "Alive") },
  }),
  (c) => c.json({ ok: true as const }, 200),
);

health.openapi(
  createRoute({
    method: "get",
    path: "/v1/health",
    tags: ["health"],
    summary: "Checks D1 with one trivial query",
    responses: {
      200: json(z.object({ ok: z.literal(true), d1: z.literal("ok") }), "D1 answers"),
      503: json(z.object({ ok: z.literal(false), d1: z.string() }), "D1 does not answer"),
    },
  }),
  async (c) => {
    try {
      await c.var.db.run(sql`SELECT 1`);
      return c.json({ ok: true as const, d1: "ok" as const }, 200);
    } catch (error) {
      return c.json({ ok: false as const, d1: error instanceof Error ? error.message : "unavailable" }, 503);
    }
  },
);
