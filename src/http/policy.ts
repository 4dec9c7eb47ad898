import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../auth/middleware";
import { PolicySchema } from "../domain/policy";
import { requireModel } from "../store/models";
import { getPolicy, putPolicy } from "../store/policies";
import { errorsFor, json, ModelNameParam, mutationOf, router } from "./openapi";

export const policy = router();

const NameParams = z.object({ name: ModelNameParam });

const example = {
  require_staging: true,
  require_pipeline: false,
  floors: { accuracy: 0.8 },
  compare: { metric: "accuracy", direction: "higher", tolerance: 0.005 },
  auto_rollback: { metric: "accuracy", direction: "higher", max_drop: 0.02, floor: 0.75, min_samples: 500, window_s: 900 },
  drift: { drift_share: 0.5 },
};

policy.openapi(
  createRoute({
    method: "get",
    path: "/v1/models/{name}/policy",
    tags: ["pipeline"],
    summary: "The model's promotion and monitoring policy (the default when never set)",
    middleware: [requireRole("reader")],
    request: { params: NameParams },
    responses: { 200: json(PolicySchema, "The policy"), ...errorsFor(400, 401, 403, 404) },
  }),
  async (c) => {
    const model = await requireModel(c.var.db, c.req.valid("param").name);
    return c.json(await getPolicy(c.var.db, model), 200);
  },
);

policy.openapi(
  createRoute({
    method: "put",
    path: "/v1/models/{name}/policy",
    tags: ["pipeline"],
    summary: "Replace the model's policy",
    description:
      "Floors, the challenger-vs-champion comparison, whether Staging comes before Production (default yes), whether " +
      "even a direct PUT of a stage ref must pass the gate (require_pipeline), the auto-rollback rule and drift thresholds. " +
      "Absent parts check nothing.",
    middleware: [requireRole("admin")],
    request: { params: NameParams, body: { content: { "application/json": { schema: PolicySchema, example } }, required: true } },
    responses: { 200: json(PolicySchema, "The stored policy"), ...errorsFor(400, 401, 403, 404) },
  }),
  async (c) => {
    const m = await mutationOf(c);
    const model = await requireModel(m.db, c.req.valid("param").name);
    return c.json(await putPolicy(m, model, c.req.valid("json")), 200);
  },
);
