import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../auth/middleware";
import { listAudit } from "../registry/audit";
import { contextOf } from "../registry/context";
import { errorsFor, json, paged, PageQuery, router } from "./openapi";
import { AuditEvent, ModelName } from "./schemas";

export const audit = router();

audit.openapi(
  createRoute({
    method: "get",
    path: "/v1/audit",
    tags: ["audit"],
    summary: "Who did what, when and why — newest first",
    middleware: [requireRole("admin")],
    request: {
      query: z.object({
        ...PageQuery,
        model: ModelName.optional(),
        actor: z.string().max(128).optional(),
        action: z.string().max(64).optional().openapi({ description: "Exact action, or a family such as ref.*" }),
        since: z.iso.datetime().optional(),
        until: z.iso.datetime().optional(),
      }),
    },
    responses: { 200: json(paged(AuditEvent), "A page of audit events"), ...errorsFor(400, 401, 403) },
  }),
  async (c) => {
    const { limit, cursor, ...filter } = c.req.valid("query");
    return c.json(await listAudit(await contextOf(c), filter, { limit, cursor }), 200);
  },
);
