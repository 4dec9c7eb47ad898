import { createRoute, z } from "@hono/zod-openapi";
import { principalOfRequest, requireRole } from "../auth/middleware";
import { badRequest } from "../domain/errors";
import { contextOf } from "../registry/context";
import { createModel, deleteModel, removeFormerName, restoreModel, searchModels, showModel, updateModel } from "../registry/models";
import { errorsFor, json, jsonBody, ModelNameParam, paged, PageQuery, ReasonQuery, router } from "./openapi";
import { Model, ModelCreate, ModelPatch } from "./schemas";

export const models = router();

const NameParams = z.object({ name: ModelNameParam });

/** A tag key (at most 250 characters), "=", and a value (at most 5000). */
const TagFilter = z.string().max(5251);

models.openapi(
  createRoute({
    method: "post",
    path: "/v1/models",
    tags: ["models"],
    summary: "Register a model",
    description: "Registering the name of a deleted model brings it back: its versions stay deleted and numbering continues after them.",
    middleware: [requireRole("publisher")],
    request: jsonBody(ModelCreate),
    responses: { 201: json(Model, "The registered model"), ...errorsFor(400, 401, 403, 409) },
  }),
  async (c) => {
    return c.json(await createModel(await contextOf(c), c.req.valid("json")), 201);
  },
);

models.openapi(
  createRoute({
    method: "get",
    path: "/v1/models",
    tags: ["models"],
    summary: "List models",
    middleware: [requireRole("reader")],
    request: {
      query: z.object({
        ...PageQuery,
        q: z.string().max(128).optional().openapi({ description: "Case-insensitive substring of the name" }),
        tag: z
          .union([TagFilter, z.array(TagFilter).max(100)])
          .optional()
          .openapi({ description: "key=value; repeat to require several (at most 100, as a model has at most 100 tags)" }),
        deleted: z.enum(["true", "false"]).optional().openapi({ description: "Admin: true lists only deleted models" }),
      }),
    },
    responses: { 200: json(paged(Model), "A page of models, by name"), ...errorsFor(400, 401, 403) },
  }),
  async (c) => {
    const { limit, cursor, q, tag, deleted } = c.req.valid("query");
    const principal = await principalOfRequest(c);
    const tags = Object.fromEntries(
      [tag ?? []].flat().map((t) => {
        const at = t.indexOf("=");
        if (at < 1) throw badRequest(`tag filter '${t}' must be key=value`, { field: "tag" });
        return [t.slice(0, at), t.slice(at + 1)];
      }),
    );
    return c.json(await searchModels({ db: c.var.db, principal }, { q, tags, deleted: deleted === "true" }, { limit, cursor }), 200);
  },
);

models.openapi(
  createRoute({
    method: "get",
    path: "/v1/models/{name}",
    tags: ["models"],
    summary: "Get a model with its refs and latest version",
    description: "A deleted model is a 404 except for an admin, who sees it with deleted_at.",
    middleware: [requireRole("reader")],
    request: { params: NameParams },
    responses: { 200: json(Model, "The model"), ...errorsFor(401, 403, 404) },
  }),
  async (c) => c.json(await showModel({ db: c.var.db, principal: await principalOfRequest(c) }, c.req.valid("param").name), 200),
);

models.openapi(
  createRoute({
    method: "patch",
    path: "/v1/models/{name}",
    tags: ["models"],
    summary: "Update a model's description or tags, or rename it",
    description:
      "A new name (admin, and the token must reach both names) renames the model with its versions, refs, history and " +
      "audit. The old name keeps resolving for serving (/v1/resolve, /v1/r/…, with X-Model-Renamed-To) until an admin " +
      "removes the redirect; everything else answers 404 for it.",
    middleware: [requireRole("publisher")],
    request: { params: NameParams, ...jsonBody(ModelPatch) },
    responses: { 200: json(Model, "The updated model"), ...errorsFor(400, 401, 403, 404, 409) },
  }),
  async (c) => c.json(await updateModel(await contextOf(c), c.req.valid("param").name, c.req.valid("json")), 200),
);

models.openapi(
  createRoute({
    method: "delete",
    path: "/v1/models/{name}",
    tags: ["models"],
    summary: "Delete a model (kept, archived and hidden; an admin can restore it)",
    description:
      "Deletes every version (each leaves its stage refs and aliases, recorded so rollback still works) and hides the " +
      "model from every read but an admin's. Refused while Production is set. Emptying Staging or an alias on the way needs an admin.",
    middleware: [requireRole("publisher")],
    request: { params: NameParams, query: ReasonQuery },
    responses: { 200: json(z.object({ versions: z.array(z.number()) }), "The versions deleted"), ...errorsFor(401, 403, 404, 409) },
  }),
  async (c) => c.json(await deleteModel(await contextOf(c), { model: c.req.valid("param").name, reason: c.req.valid("query").reason }), 200),
);

models.openapi(
  createRoute({
    method: "post",
    path: "/v1/models/{name}/restore",
    tags: ["models"],
    summary: "Restore a deleted model with the versions deleted along with it (they stay archived)",
    middleware: [requireRole("admin")],
    request: { params: NameParams, query: ReasonQuery },
    responses: { 200: json(Model, "The restored model"), ...errorsFor(401, 403, 404, 409) },
  }),
  async (c) => c.json(await restoreModel(await contextOf(c), { model: c.req.valid("param").name, reason: c.req.valid("query").reason }), 200),
);

models.openapi(
  createRoute({
    method: "delete",
    path: "/v1/models/{name}/former-names/{former}",
    tags: ["models"],
    summary: "Remove a former name's redirect",
    description: "References that still use the former name get 404 from then on, and the name can be used again.",
    middleware: [requireRole("admin")],
    request: {
      params: NameParams.extend({ former: ModelNameParam.openapi({ param: { name: "former", in: "path" } }) }),
      query: ReasonQuery,
    },
    responses: { 204: { description: "Removed" }, ...errorsFor(401, 403, 404) },
  }),
  async (c) => {
    const { name, former } = c.req.valid("param");
    await removeFormerName(await contextOf(c), { model: name, former_name: former, reason: c.req.valid("query").reason });
    return c.body(null, 204);
  },
);
