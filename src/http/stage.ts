import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../auth/middleware";
import { contextOf } from "../registry/context";
import { planNextVersion } from "../registry/semver";
import { transitionStage } from "../registry/stage";
import { requireModel } from "../registry/models";
import { errorsFor, json, jsonBody, ModelNameParam, Reason, router, VersionParam } from "./openapi";
import { Signature } from "./schemas";

export const stage = router();

const Check = z
  .object({
    name: z.string().openapi({ example: "floor:accuracy" }),
    passed: z.boolean(),
    value: z.number().nullable().optional(),
    threshold: z.number().nullable().optional(),
    detail: z.string(),
  })
  .openapi("GateCheck");

const StageBody = z
  .strictObject({
    stage: z.enum(["Staging", "Production", "Archived", "None"]),
    reason: Reason.optional(),
    force: z
      .boolean()
      .optional()
      .openapi({ description: "Override failed checks (admin only, with a reason; refused under forbid_force); the audit event keeps them" }),
  })
  .openapi("StageTransitionRequest", { example: { stage: "Production", reason: "beats v6 on May's holdout" } });

const StageAnswer = z
  .object({
    version: z.number(),
    stage: z.enum(["Staging", "Production", "Archived", "None"]),
    previous_stage: z.enum(["Staging", "Production", "Archived", "None"]),
    checks: z.array(Check),
    forced: z.boolean(),
    failed_checks: z.array(z.string()),
    refs: z.array(z.object({ ref: z.string(), version: z.number().nullable(), previous_version: z.number().nullable(), generation: z.number() })),
  })
  .openapi("StageTransition");

stage.openapi(
  createRoute({
    method: "post",
    path: "/v1/models/{name}/versions/{v}/stage",
    tags: ["pipeline"],
    summary: "Move a version to a stage through the gate",
    description:
      "Production needs the version to have been in Staging (unless the policy says otherwise), its metrics to meet the " +
      "floors, and it not to be worse than the current Production on the comparison metric. 422 lists every check with " +
      "its value and verdict; force (with a reason) overrides and is audited with the failed checks. Archived and None " +
      "take the version out of Staging (recorded in the ref's history) and set or clear its archived flag; a version that " +
      "serves Production is moved off by promoting another one first. A publisher may move a version into Staging " +
      "through the gate and archive a version that holds no stage ref; Production, taking a version out of Staging, and " +
      "force need an admin.",
    middleware: [requireRole("publisher")],
    request: { params: z.object({ name: ModelNameParam, v: VersionParam }), ...jsonBody(StageBody) },
    responses: {
      200: json(StageAnswer, "The transition and the checks it passed"),
      ...errorsFor(400, 401, 403, 404, 409, 422),
    },
  }),
  async (c) => {
    const { name, v } = c.req.valid("param");
    return c.json(await transitionStage(await contextOf(c), { model: name, version: v, ...c.req.valid("json") }), 200);
  },
);

const Change = z.object({
  kind: z.string().openapi({ example: "new_required_input" }),
  severity: z.enum(["major", "minor", "patch"]),
  input: z.string().optional(),
  output: z.string().optional(),
  detail: z.string(),
});

const VersionPlan = z
  .object({
    required_bump: z.enum(["major", "minor", "patch"]),
    suggested_version: z.string(),
    previous_version: z.string().nullable(),
    changes: z.array(Change),
  })
  .openapi("VersionPlan");

stage.openapi(
  createRoute({
    method: "post",
    path: "/v1/models/{name}/versions/plan",
    tags: ["pipeline"],
    summary: "The semver bump a signature needs after the highest existing version",
    description:
      "A removed, retyped or newly required input, or any output change, is MAJOR; a new optional input MINOR; else PATCH. " +
      "CI can create the version as suggested_version; creating one with a smaller bump is refused with 422.",
    middleware: [requireRole("reader")],
    request: {
      params: z.object({ name: ModelNameParam }),
      ...jsonBody(z.strictObject({ signature: Signature.nullable() }).openapi("VersionPlanRequest")),
    },
    responses: { 200: json(VersionPlan, "The plan"), ...errorsFor(400, 401, 403, 404) },
  }),
  async (c) => {
    const model = await requireModel(c.var.db, c.req.valid("param").name);
    return c.json(await planNextVersion(c.var.db, model, c.req.valid("json").signature), 200);
  },
);
