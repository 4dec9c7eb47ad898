import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../auth/middleware";
import { badRequest, conflict, notFound } from "../domain/errors";
import { classifyRefName, type RefName } from "../domain/names";
import { parseVersionKey } from "../domain/versions";
import { gateRefMove } from "../registry/gates";
import { notify, refChangedEvents } from "../registry/events";
import type { Database } from "../store/db";
import { requireModel, type ModelRow } from "../store/models";
import { deleteRef, listRefHistory, listRefs, moveRef, rollbackRef } from "../store/refs";
import { findVersion, requireVersion } from "../store/versions";
import { errorsFor, json, jsonBody, ModelNameParam, mutationOf, paged, PageQuery, router } from "./openapi";
import { RefChange, RefHistoryEntry, RefMoveBody, RefState, RollbackBody } from "./schemas";

export const refs = router();

const RefParam = z
  .string()
  .min(1)
  .max(64)
  .openapi({ param: { name: "ref", in: "path" }, description: "Production, Staging (any case) or an alias", example: "champion" });
const RefParams = z.object({ name: ModelNameParam, ref: RefParam });

/** Stage names in any case map to their canonical ref; anything that cannot name a stored ref is a 400. */
export function refNameOf(raw: string): RefName {
  const ref = classifyRefName(raw);
  if (!ref) {
    throw badRequest(
      `'${raw}' cannot name a ref: use Production, Staging, or an alias that starts with a letter (latest and v<N> are reserved)`,
      { field: "ref" },
    );
  }
  return ref;
}

/** expected_version may be a number or a semver; a semver that names no version can match nothing. */
async function expectedNumber(db: Database, model: ModelRow, expected: number | string | null | undefined) {
  if (expected === undefined || expected === null) return expected;
  const key = parseVersionKey(expected);
  if ("number" in key) return key.number;
  return (await findVersion(db, model, key))?.number ?? -1;
}

refs.openapi(
  createRoute({
    method: "put",
    path: "/v1/models/{name}/refs/{ref}",
    tags: ["refs"],
    summary: "Move a stage ref or an alias to a version",
    description:
      "The admin's manual lever. Only READY versions can be targeted; an archived one only with force and a reason. " +
      "When the model's policy sets require_pipeline, a stage ref moves only through the promotion gate (422 listing the " +
      "checks; force with a reason overrides, audited). " +
      "With expected_version, the move is a compare-and-set: 412 when the ref no longer points there.",
    middleware: [requireRole("admin")],
    request: { params: RefParams, ...jsonBody(RefMoveBody) },
    responses: {
      200: json(RefChange, "Where the ref points now and where it pointed before"),
      ...errorsFor(400, 401, 403, 404, 409, 412, 422),
    },
  }),
  async (c) => {
    const params = c.req.valid("param");
    const body = c.req.valid("json");
    const ref = refNameOf(params.ref);
    const m = await mutationOf(c);
    const model = await requireModel(m.db, params.name);
    const target = await requireVersion(m.db, model, parseVersionKey(body.version));
    if (target.status !== "READY") {
      throw conflict(`version ${target.number} is ${target.status}; only READY versions can be targeted`, { field: "version", status: target.status });
    }
    if (target.archived && !(body.force && body.reason)) {
      throw conflict(`version ${target.number} is archived; pass force: true with a reason to target it`, { field: "force" });
    }
    const expected = await expectedNumber(m.db, model, body.expected_version);
    const gate = await gateRefMove(m.db, model, ref.name, target, body);
    const move = await moveRef(m, model, ref.name, target, {
      reason: body.reason ?? "",
      expected,
      evidence: { ...gate, ...(target.archived ? { forced: true, archived_target: true } : {}) },
    });
    notify(c, ...refChangedEvents(model.name, "move", move, body.reason ?? ""));
    return c.json(move, 200);
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
  async (c) => {
    const model = await requireModel(c.var.db, c.req.valid("param").name);
    return c.json({ items: await listRefs(c.var.db, model) }, 200);
  },
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
    const model = await requireModel(c.var.db, params.name);
    const found = (await listRefs(c.var.db, model)).find((r) => r.ref === ref.name);
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
    const params = c.req.valid("param");
    const query = c.req.valid("query");
    const ref = refNameOf(params.ref);
    if (ref.name === "Production" && query.force !== "true") {
      throw conflict("emptying Production stops serving the model; pass force=true to do it", { field: "force" });
    }
    const m = await mutationOf(c);
    const model = await requireModel(m.db, params.name);
    const expected = await expectedNumber(m.db, model, query.expected_version);
    const removed = await deleteRef(m, model, ref.name, { reason: query.reason ?? "", expected });
    notify(c, ...refChangedEvents(model.name, "delete", removed, query.reason ?? ""));
    return c.json(removed, 200);
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
    const params = c.req.valid("param");
    const body = c.req.valid("json");
    const ref = refNameOf(params.ref);
    const m = await mutationOf(c);
    const model = await requireModel(m.db, params.name);
    const expected = await expectedNumber(m.db, model, body.expected_version);
    const rolledBack = await rollbackRef(m, model, ref.name, { reason: body.reason ?? "", expected });
    notify(c, ...refChangedEvents(model.name, "rollback", rolledBack, body.reason ?? ""));
    return c.json(rolledBack, 200);
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
    const params = c.req.valid("param");
    const ref = refNameOf(params.ref);
    const model = await requireModel(c.var.db, params.name);
    return c.json(await listRefHistory(c.var.db, model, ref.name, c.req.valid("query")), 200);
  },
);
