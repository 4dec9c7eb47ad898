import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../auth/middleware";
import { notFound } from "../domain/errors";
import { contextOf } from "../registry/context";
import { deleteRef, listRefHistory, listRefs, moveRef, refNameOf, rollBackRef } from "../registry/refs";
import { errorsFor, json, jsonBody, ModelNameParam, paged, PageQuery, router } from "./openapi";
import { RefChange, RefHistoryEntry, RefMoveBody, RefState, RollbackBody } from "./schemas";

// Other doors name refs the same way; the rule lives with the ref commands.
export { refNameOf } from "../registry/refs";

export const refs = router();

const RefParam = z
  .string()
  .min(1)
  .max(64)
  .openapi({ param: { name: "ref", in: "path" }, description: "Production, Staging (any case) or an alias", example: "champion" });
const RefParams = z.object({ name: ModelNameParam, ref: RefParam });

refs.openapi(
  createRoute({
    method: "put",
    path: "/v1/models/{name}/refs/{ref}",
    tags: ["refs"],
    summary: "Move a stage ref or an alias to a version",
    description:
      "The admin's manual lever. Only READY versions can be targeted; an archived one only with force and a reason. " +
      "A forward move of Production or Staging passes the promotion gate (422 listing every check; force with a reason " +
      "overrides unless the policy sets forbid_force, and the audit event keeps the checks it overrode). When the policy " +
      "sets require_pipeline, stage refs move only through POST …/versions/{v}/stage and rollouts (409 here). " +
      "With expected_version, the move is a compare-and-set: 412 when the ref no longer points there.",
    middleware: [requireRole("admin")],
    request: { params: RefParams, ...jsonBody(RefMoveBody) },
    responses: {
      200: json(RefChange, "Where the ref points now and where it pointed before"),
      ...errorsFor(400, 401, 403, 404, 409, 412, 422),
    },
  }),
  async (c) => {
    const { name, ref } = c.req.valid("param");
    return c.json(await moveRef(await contextOf(c), { model: name, ref, ...c.req.valid("json") }), 200);
  },
);

refs.openapi(
  createRoute({
    method: "get",
    path: "/v1/models/{name}/refs",
    tags: ["refs"],
    summary: "List a model's refs",
    middleware: [requireRole("reader")],
    request: { params: z.object({ name: ModelNameParam }) },
    responses: { 200: json(z.object({ items: z.array(RefState) }), "Every stage ref and alias"), ...errorsFor(401, 403, 404) },
  }),
  async (c) => c.json({ items: await listRefs(await contextOf(c), c.req.valid("param").name) }, 200),
);

refs.openapi(
  createRoute({
    method: "get",
    path: "/v1/models/{name}/refs/{ref}",
    tags: ["refs"],
    summary: "Where a ref points now",
    middleware: [requireRole("reader")],
    request: { params: RefParams },
    responses: { 200: json(RefState, "The ref"), ...errorsFor(400, 401, 403, 404) },
  }),
  async (c) => {
    const params = c.req.valid("param");
    const ref = refNameOf(params.ref);
    const found = (await listRefs(await contextOf(c), params.name)).find((r) => r.ref === ref.name);
    if (!found) throw notFound(`ref '${ref.name}' of model '${params.name}' is not set`, { ref: ref.name });
    return c.json(found, 200);
  },
);

refs.openapi(
  createRoute({
    method: "delete",
    path: "/v1/models/{name}/refs/{ref}",
    tags: ["refs"],
    summary: "Remove an alias (or empty a stage)",
    description: "Emptying Production needs force=true. The removal is recorded in the ref's history and can be rolled back.",
    middleware: [requireRole("admin")],
    request: {
      params: RefParams,
      query: z.object({
        reason: z.string().max(2000).optional(),
        force: z.enum(["true", "false"]).optional(),
        expected_version: z.string().max(256).optional(),
      }),
    },
    responses: { 200: json(RefChange, "The removed ref"), ...errorsFor(400, 401, 403, 404, 409, 412) },
  }),
  async (c) => {
    const { name, ref } = c.req.valid("param");
    const { reason, force, expected_version } = c.req.valid("query");
    return c.json(await deleteRef(await contextOf(c), { model: name, ref, reason, expected_version, force: force === "true" }), 200);
  },
);

refs.openapi(
  createRoute({
    method: "post",
    path: "/v1/models/{name}/refs/{ref}/rollback",
    tags: ["refs"],
    summary: "Instant rollback: move the ref back to where it was before its last move",
    description:
      "Repeated rollbacks walk back through history. Never gated. With an active rollout on the ref, the rollout ends " +
      "(status rolled_back) and the ref keeps its stable version.",
    middleware: [requireRole("admin")],
    request: { params: RefParams, ...jsonBody(RollbackBody) },
    responses: { 200: json(RefChange, "Where the ref points now"), ...errorsFor(400, 401, 403, 404, 409, 412) },
  }),
  async (c) => {
    const { name, ref } = c.req.valid("param");
    return c.json(await rollBackRef(await contextOf(c), { model: name, ref, ...c.req.valid("json") }), 200);
  },
);

refs.openapi(
  createRoute({
    method: "get",
    path: "/v1/models/{name}/refs/{ref}/history",
    tags: ["refs"],
    summary: "Every move of a ref, newest first",
    middleware: [requireRole("reader")],
    request: { params: RefParams, query: z.object(PageQuery) },
    responses: { 200: json(paged(RefHistoryEntry), "A page of history"), ...errorsFor(400, 401, 403, 404) },
  }),
  async (c) => {
    const { name, ref } = c.req.valid("param");
    return c.json(await listRefHistory(await contextOf(c), name, ref, c.req.valid("query")), 200);
  },
);
