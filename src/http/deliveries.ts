import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../auth/middleware";
import { contextOf } from "../registry/context";
import { redeliverDelivery, REPLAY_LIMIT, replayDeadLetters } from "../registry/deliveries";
import { errorsFor, json, jsonBody, router } from "./openapi";
import { Delivery, IdParams } from "./webhooks";

export const deliveries = router();

const unscopedAdmin = requireRole("admin", { unscoped: true });

const DeliveryParams = IdParams.extend({
  delivery: z.string().uuid().openapi({ param: { name: "delivery", in: "path" } }),
});

const Instant = z.iso.datetime({ offset: true, error: "an ISO-8601 time, e.g. 2026-05-01T12:00:00Z" });

const ReplayBody = z
  .strictObject({
    since: Instant.openapi({ description: "Dead letters recorded at or after this time" }),
    until: Instant.openapi({ description: "… and before this time" }),
  })
  .openapi("WebhookReplay", { example: { since: "2026-05-01T14:00:00Z", until: "2026-05-01T16:00:00Z" } });

const ReplayResult = z
  .object({
    replayed: z.number().int(),
    deliveries: z.array(z.string()),
    more: z.boolean().openapi({ description: `More than ${REPLAY_LIMIT} dead letters are in the range: call again` }),
  })
  .openapi("WebhookReplayResult");

deliveries.openapi(
  createRoute({
    method: "post",
    path: "/v1/webhooks/{id}/deliveries/{delivery}/redeliver",
    tags: ["webhooks"],
    summary: "Send a delivered or failed delivery again (same id, same signed body)",
    description:
      "The delivery goes back in flight with its retries and dead-lettering; its attempts so far stay in the log. " +
      "A receiver that dedups on X-Edgereg-Delivery ignores it if it had processed it. 409 while it is still in flight " +
      "or when the webhook is deleted.",
    middleware: [unscopedAdmin],
    request: { params: DeliveryParams },
    responses: { 200: json(Delivery, "The delivery, pending again"), ...errorsFor(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const { id, delivery } = c.req.valid("param");
    return c.json(await redeliverDelivery(await contextOf(c), id, delivery), 200);
  },
);

deliveries.openapi(
  createRoute({
    method: "post",
    path: "/v1/webhooks/{id}/deliveries/replay",
    tags: ["webhooks"],
    summary: "Send again every dead letter of a webhook whose event was recorded in [since, until)",
    description: `Oldest first, at most ${REPLAY_LIMIT} per call (more: true says there are others). Audited as one event.`,
    middleware: [unscopedAdmin],
    request: { params: IdParams, ...jsonBody(ReplayBody) },
    responses: { 200: json(ReplayResult, "What was put back in flight"), ...errorsFor(400, 401, 403, 404, 409) },
  }),
  async (c) => c.json(await replayDeadLetters(await contextOf(c), c.req.valid("param").id, c.req.valid("json")), 200),
);
