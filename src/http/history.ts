/** A version's part in the model's history: `GET /v1/models/{name}/versions/{v}/history`. */
import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../auth/middleware";
import { parseVersionKey } from "../domain/versions";
import { contextOf } from "../registry/context";
import { readVersionHistory } from "../registry/history";
import { errorsFor, json, ModelNameParam, paged, PageQuery, router, VersionParam } from "./openapi";

export const history = router();

const Arms = z.object({ id: z.string(), stable_version: z.number(), candidate_version: z.number() });

const VersionHistoryEntry = z
  .object({
    ref: z.string(),
    generation: z.number(),
    action: z.string().openapi({ description: "The ref history action: move, promote, delete, rollback, auto_rollback, rollout_start, rollout_abort, …" }),
    change: z.enum(["entered", "left", "rollout_started", "rollout_ended"]).openapi({
      description: "entered or left the ref (move, promote, rollback, automatic rollback), or a rollout it was an arm of started or ended without moving the ref",
    }),
    arm: z.enum(["stable", "candidate"]).nullable().openapi({ description: "Its arm in the entry's rollout; null for plain moves" }),
    from_version: z.number().nullable(),
    to_version: z.number().nullable(),
    rollout: Arms.nullable(),
    actor: z.string(),
    reason: z.string(),
    at: z.string(),
  })
  .openapi("VersionHistoryEntry");

history.openapi(
  createRoute({
    method: "get",
    path: "/v1/models/{name}/versions/{v}/history",
    tags: ["versions"],
    summary: "Every time a version entered or left a ref, or was an arm of a rollout, newest first",
    middleware: [requireRole("reader")],
    request: { params: z.object({ name: ModelNameParam, v: VersionParam }), query: z.object(PageQuery) },
    responses: { 200: json(paged(VersionHistoryEntry), "A page of the version's history"), ...errorsFor(400, 401, 403, 404) },
  }),
  async (c) => {
    const { name, v } = c.req.valid("param");
    return c.json(await readVersionHistory(await contextOf(c), name, parseVersionKey(v), c.req.valid("query")), 200);
  },
);
