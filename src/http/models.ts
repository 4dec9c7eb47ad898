import { createRoute, z } from "@hono/zod-openapi";
import { principalOfRequest, requireRole } from "../auth/middleware";
import { badRequest } from "../domain/errors";
import { contextOf } from "../registry/context";
import { createModel, getModel, listModels, updateModel } from "../registry/models";
import { errorsFor, json, jsonBody, ModelNameParam, paged, PageQuery, router } from "./openapi";
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
      }),
    },
    responses: { 200: json(paged(Model), "A page of models, by name"), ...errorsFor(400, 401) },
  }),
  async (c) => {
    const { limit, cursor, q, tag } = c.req.valid("query");
    const principal = await principalOfRequest(c);
    const tags = Object.fromEntries(
      [tag ?? []].flat().map((t) => {
        const at = t.indexOf("=");
        if (at < 1) throw badRequest(`tag filter '${t}' must be key=value`, { field: "tag" });
        return [t.slice(0, at), t.slice(at + 1)];
      }),
    );
    return c.json(await listModels(c.var.db, { q, tags, glob: principal.modelGlob }, { limit, cursor }), 200);
  },
);

models.openapi(
  createRoute({
    method: "get",
    path: "/v1/models/{name}",
    tags: ["models"],
    summary: "Get a model with its refs and latest version",
    middleware: [requireRole("reader")],
    request: { params: NameParams },
    responses: { 200: json(Model, "The model"), ...errorsFor(401, 403, 404) },
  }),
  async (c) => c.json(await getModel(c.var.db, c.req.valid("param").name), 200),
);

models.openapi(
  createRoute({
    method: "patch",
    path: "/v1/models/{name}",
    tags: ["models"],
    summary: "Update a model's description or tags",
    middleware: [requireRole("publisher")],
    request: { params: NameParams, ...jsonBody(ModelPatch) },
    responses: { 200: json(Model, "The updated model"), ...errorsFor(400, 401, 403, 404) },
  }),
  async (c) => c.json(await updateModel(await contextOf(c), c.req.valid("param").name, c.req.valid("json")), 200),
);
