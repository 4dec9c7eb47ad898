import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../auth/middleware";
import { ALL_EVENTS, WEBHOOK_EVENTS } from "../domain/webhooks";
import { contextOf } from "../registry/context";
import { createWebhook, deleteWebhook, getWebhook, listDeliveries, listWebhooks } from "../registry/webhooks";
import { errorsFor, json, jsonBody, paged, PageQuery, router } from "./openapi";

export const webhooks = router();

// Webhooks see events of any model their glob matches, so like tokens they are an unscoped admin's to manage.
const unscopedAdmin = requireRole("admin", { unscoped: true });

const EventName = z.enum([ALL_EVENTS, ...WEBHOOK_EVENTS]);

const WebhookCreate = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: "url must be an http(s) URL" })
      .max(2000)
      .openapi({ description: "Where deliveries are POSTed (https in production)" }),
    events: z.array(EventName).min(1).max(WEBHOOK_EVENTS.length + 1).openapi({ description: `Event types, or "*" for all` }),
    model: z
      .string()
      .min(1)
      .max(256)
      .regex(/^[A-Za-z0-9._*?-]+$/, "model is a model name or a glob using * and ?")
      .optional()
      .openapi({ description: "A model name or glob (default *: every model)" }),
    description: z.string().max(2000).optional(),
    ordered: z.boolean().optional().openapi({
      description: "Deliveries of one model go one at a time, in the order the events were recorded (docs/webhooks.md)",
    }),
  })
  .openapi("WebhookCreate", { example: { url: "https://hooks.example.com/edgereg", events: ["stage.changed", "auto_rollback"], model: "fraud-*" } });

const Webhook = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    model: z.string(),
    description: z.string(),
    ordered: z.boolean(),
    created_at: z.string(),
    created_by: z.string(),
    deleted_at: z.string().nullable(),
  })
  .openapi("Webhook");

const WebhookWithSecret = Webhook.extend({
  secret: z.string().openapi({
    description: "Shown once. Deliveries carry X-Edgereg-Signature: sha256=HEX(HMAC-SHA256(secret, raw body)); recompute it to trust one",
  }),
}).openapi("WebhookWithSecret");

export const Delivery = z
  .object({
    id: z.string(),
    webhook_id: z.string(),
    event_id: z.string(),
    event: z.string(),
    model: z.string().nullable(),
    status: z.enum(["pending", "delivered", "failed"]),
    sequence: z.number().int().openapi({ description: "1, 2, 3… per model: the X-Edgereg-Sequence header" }),
    attempts: z.array(z.object({ at: z.string(), status: z.number().nullable(), error: z.string().nullable() })),
    next_attempt_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("WebhookDelivery");

export const IdParams = z.object({ id: z.string().uuid().openapi({ param: { name: "id", in: "path" } }) });

webhooks.openapi(
  createRoute({
    method: "post",
    path: "/v1/webhooks",
    tags: ["webhooks"],
    summary: "Subscribe a URL to registry events (the signing secret is shown once)",
    description: `Events: ${WEBHOOK_EVENTS.join(", ")}. Deliveries are retried with backoff (1 min, 5 min, 30 min, 2 h) until a 2xx answer, then dead-lettered (docs/webhooks.md).`,
    middleware: [unscopedAdmin],
    request: jsonBody(WebhookCreate),
    responses: { 201: json(WebhookWithSecret, "The webhook and its signing secret"), ...errorsFor(400, 401, 403) },
  }),
  async (c) => c.json(await createWebhook(await contextOf(c), c.req.valid("json")), 201),
);

webhooks.openapi(
  createRoute({
    method: "get",
    path: "/v1/webhooks",
    tags: ["webhooks"],
    summary: "List webhooks (never their secrets)",
    middleware: [unscopedAdmin],
    request: { query: z.object({ ...PageQuery, include_deleted: z.enum(["true", "false"]).optional() }) },
    responses: { 200: json(paged(Webhook), "A page of webhooks, newest first"), ...errorsFor(400, 401, 403) },
  }),
  async (c) => {
    const { limit, cursor, include_deleted } = c.req.valid("query");
    return c.json(await listWebhooks(await contextOf(c), { limit, cursor }, include_deleted === "true"), 200);
  },
);

webhooks.openapi(
  createRoute({
    method: "get",
    path: "/v1/webhooks/{id}",
    tags: ["webhooks"],
    summary: "One webhook",
    middleware: [unscopedAdmin],
    request: { params: IdParams },
    responses: { 200: json(Webhook, "The webhook"), ...errorsFor(400, 401, 403, 404) },
  }),
  async (c) => c.json(await getWebhook(await contextOf(c), c.req.valid("param").id), 200),
);

webhooks.openapi(
  createRoute({
    method: "delete",
    path: "/v1/webhooks/{id}",
    tags: ["webhooks"],
    summary: "Delete a webhook: deliveries stop at once, its log stays readable",
    middleware: [unscopedAdmin],
    request: { params: IdParams },
    responses: { 200: json(Webhook, "The deleted webhook"), ...errorsFor(400, 401, 403, 404) },
  }),
  async (c) => c.json(await deleteWebhook(await contextOf(c), c.req.valid("param").id), 200),
);

webhooks.openapi(
  createRoute({
    method: "get",
    path: "/v1/webhooks/{id}/deliveries",
    tags: ["webhooks"],
    summary: "The delivery log: every event sent to this webhook and each attempt",
    middleware: [unscopedAdmin],
    request: { params: IdParams, query: z.object(PageQuery) },
    responses: { 200: json(paged(Delivery), "A page of deliveries, newest first"), ...errorsFor(400, 401, 403, 404) },
  }),
  async (c) => c.json(await listDeliveries(await contextOf(c), c.req.valid("param").id, c.req.valid("query")), 200),
);
