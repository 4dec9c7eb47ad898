import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../auth/middleware";
import { parseVersionKey } from "../domain/versions";
import { contextOf } from "../registry/context";
import { createVersion, deleteVersion, getVersion, listVersions, restoreVersion, updateVersion } from "../registry/versions";
import { errorsFor, json, jsonBody, ModelNameParam, paged, PageQuery, ReasonQuery, router, VersionParam } from "./openapi";
import { Version, VersionCreate, VersionPatch, VersionStage, VersionStatus } from "./schemas";

export const versions = router();

const NameParams = z.object({ name: ModelNameParam });
const VersionParams = z.object({ name: ModelNameParam, v: VersionParam });

versions.openapi(
  createRoute({
    method: "post",
    path: "/v1/models/{name}/versions",
    tags: ["versions"],
    summary: "Create a version",
    description:
      "Numbers are assigned 1, 2, 3… per model. A version without declared artifacts is READY at once. The semver must " +
      "carry the signature's change since the highest version below it (422 naming the changes; see POST …/versions/plan).",
    middleware: [requireRole("publisher")],
    request: { params: NameParams, ...jsonBody(VersionCreate) },
    responses: {
      201: json(Version, "The new version"),
      ...errorsFor(400, 401, 403, 404, 409, 422),
    },
  }),
  async (c) => c.json(await createVersion(await contextOf(c), c.req.valid("param").name, c.req.valid("json")), 201),
);

versions.openapi(
  createRoute({
    method: "get",
    path: "/v1/models/{name}/versions",
    tags: ["versions"],
    summary: "List versions, newest first",
    middleware: [requireRole("reader")],
    request: {
      params: NameParams,
      query: z.object({
        ...PageQuery,
        status: VersionStatus.optional(),
        stage: VersionStage.optional(),
        archived: z.enum(["true", "false"]).optional(),
        deleted: z.enum(["true", "false"]).optional().openapi({ description: "Admin: true lists only deleted versions" }),
      }),
    },
    responses: { 200: json(paged(Version), "A page of versions"), ...errorsFor(400, 401, 403, 404) },
  }),
  async (c) => {
    const { limit, cursor, status, stage, archived, deleted } = c.req.valid("query");
    const filter = { status, stage, archived: archived === undefined ? undefined : archived === "true", deleted: deleted === "true" };
    return c.json(await listVersions(await contextOf(c), c.req.valid("param").name, filter, { limit, cursor }), 200);
  },
);

versions.openapi(
  createRoute({
    method: "get",
    path: "/v1/models/{name}/versions/{v}",
    tags: ["versions"],
    summary: "Get a version by number or semver",
    middleware: [requireRole("reader")],
    request: { params: VersionParams },
    responses: { 200: json(Version, "The version"), ...errorsFor(400, 401, 403, 404) },
  }),
  async (c) => {
    const { name, v } = c.req.valid("param");
    return c.json(await getVersion(await contextOf(c), name, parseVersionKey(v)), 200);
  },
);

versions.openapi(
  createRoute({
    method: "patch",
    path: "/v1/models/{name}/versions/{v}",
    tags: ["versions"],
    summary: "Update description, tags or archived; append metrics",
    description: "Everything else of a version is immutable. Archiving a version that serves a stage or a rollout is refused.",
    middleware: [requireRole("publisher")],
    request: { params: VersionParams, ...jsonBody(VersionPatch) },
    responses: { 200: json(Version, "The updated version"), ...errorsFor(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const { name, v } = c.req.valid("param");
    return c.json(await updateVersion(await contextOf(c), name, parseVersionKey(v), c.req.valid("json")), 200);
  },
);

versions.openapi(
  createRoute({
    method: "delete",
    path: "/v1/models/{name}/versions/{v}",
    tags: ["versions"],
    summary: "Delete a version (kept, archived and hidden; an admin can restore it)",
    description:
      "Takes the version out of its stage refs and aliases (recorded, so rollback still works; an admin's when it holds " +
      "any), archives it and hides it from every read but an admin's. Refused while it is an arm of an active rollout.",
    middleware: [requireRole("publisher")],
    request: { params: VersionParams, query: ReasonQuery },
    responses: {
      200: json(z.object({ version: z.number(), cleared_refs: z.array(z.string()) }), "The refs the version left"),
      ...errorsFor(401, 403, 404, 409),
    },
  }),
  async (c) => {
    const { name, v } = c.req.valid("param");
    return c.json(await deleteVersion(await contextOf(c), { model: name, version: v, reason: c.req.valid("query").reason }), 200);
  },
);

versions.openapi(
  createRoute({
    method: "post",
    path: "/v1/models/{name}/versions/{v}/restore",
    tags: ["versions"],
    summary: "Restore a deleted version (it stays archived)",
    middleware: [requireRole("admin")],
    request: { params: VersionParams, query: ReasonQuery },
    responses: { 200: json(Version, "The restored version"), ...errorsFor(401, 403, 404, 409) },
  }),
  async (c) => {
    const { name, v } = c.req.valid("param");
    const ctx = await contextOf(c);
    const number = await restoreVersion(ctx, { model: name, version: v, reason: c.req.valid("query").reason });
    return c.json(await getVersion(ctx, name, { number }), 200);
  },
);
