import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../auth/middleware";
import { contextOf } from "../registry/context";
import { createToken, listTokens, revokeToken } from "../registry/tokens";
import { errorsFor, json, jsonBody, paged, PageQuery, router } from "./openapi";
import { Token, TokenCreate, TokenWithSecret } from "./schemas";

export const tokens = router();

// Token management needs an unscoped admin: a scoped one could otherwise mint itself a wider token.
const unscopedAdmin = requireRole("admin", { unscoped: true });

tokens.openapi(
  createRoute({
    method: "post",
    path: "/v1/tokens",
    tags: ["tokens"],
    summary: "Create a token (the secret is shown once)",
    middleware: [unscopedAdmin],
    request: jsonBody(TokenCreate),
    responses: { 201: json(TokenWithSecret, "The token and its secret"), ...errorsFor(400, 401, 403) },
  }),
  async (c) => c.json(await createToken(await contextOf(c), c.req.valid("json")), 201),
);

tokens.openapi(
  createRoute({
    method: "get",
    path: "/v1/tokens",
    tags: ["tokens"],
    summary: "List tokens (never their secrets)",
    middleware: [unscopedAdmin],
    request: { query: z.object({ ...PageQuery, include_revoked: z.enum(["true", "false"]).optional() }) },
    responses: { 200: json(paged(Token), "A page of tokens, newest first"), ...errorsFor(400, 401, 403) },
  }),
  async (c) => {
    const { limit, cursor, include_revoked } = c.req.valid("query");
    return c.json(await listTokens(await contextOf(c), { limit, cursor }, include_revoked === "true"), 200);
  },
);

tokens.openapi(
  createRoute({
    method: "delete",
    path: "/v1/tokens/{id}",
    tags: ["tokens"],
    summary: "Revoke a token; it stops working at once",
    middleware: [unscopedAdmin],
    request: { params: z.object({ id: z.string().uuid().openapi({ param: { name: "id", in: "path" } }) }) },
    responses: { 200: json(Token, "The revoked token"), ...errorsFor(400, 401, 403, 404) },
  }),
  async (c) => c.json(await revokeToken(await contextOf(c), c.req.valid("param").id), 200),
);
