import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../auth/middleware";
import { PolicySchema } from "../domain/policy";
import { contextOf } from "../registry/context";
import { readPolicy, setPolicy } from "../registry/policy";
import { errorsFor, json, ModelNameParam, router } from "./openapi";

export const policy = router();

const NameParams = z.object({ name: ModelNameParam });

const example = {
  require_staging: true,
  require_pipeline: false,
  forbid_force: false,
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
  async (c) => c.json(await readPolicy(await contextOf(c), c.req.valid("param").name), 200),
);

policy.openapi(
  createRoute({
    method: "put",
    path: "/v1/models/{name}/policy",
    tags: ["pipeline"],
    summary: "Replace the model's policy",
    description:
      "Floors, the challenger-vs-champion comparison, whether Staging comes before Production (default yes), whether " +
      "stage refs move only through POST …/stage and rollouts (require_pipeline), whether nobody may force past the gate " +
      "(forbid_force), the auto-rollback rule and drift thresholds. Absent parts check nothing.",
    middleware: [requireRole("admin")],
    request: { params: NameParams, body: { content: { "application/json": { schema: PolicySchema, example } }, required: true } },
    responses: { 200: json(PolicySchema, "The stored policy"), ...errorsFor(400, 401, 403, 404) },
  }),
  async (c) => c.json(await setPolicy(await contextOf(c), { model: c.req.valid("param").name, policy: c.req.valid("json") }), 200),
);
