import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../auth/middleware";
import { AutoRollbackRuleSchema } from "../domain/policy";
import { MAX_STEPS } from "../domain/rollout";
import { parseVersionKey } from "../domain/versions";
import { contextOf } from "../registry/context";
import { abortRollout, changeRolloutWeight, promoteRollout, readRollout, readRollouts, startRollout } from "../registry/rollouts";
import { errorsFor, json, jsonBody, ModelNameParam, paged, PageQuery, Reason, router } from "./openapi";
import { ABComparison, ArmDifferences } from "./observations";
import { refNameOf } from "./refs";
import { VersionRef } from "./schemas";

export const rollouts = router();

const RefParam = z
  .string()
  .min(1)
  .max(64)
  .openapi({ param: { name: "ref", in: "path" }, description: "Production, Staging (any case) or an alias", example: "Production" });
const RefParams = z.object({ name: ModelNameParam, ref: RefParam });

const Percent = z
  .number()
  .min(0, "weight is a percent from 0 to 100")
  .max(100, "weight is a percent from 0 to 100")
  .openapi({ description: "Percent of routing keys the candidate answers, at most two decimals (0.01% steps)", example: 5 });

const RolloutStatus = z.enum(["active", "promoted", "aborted", "rolled_back"]);

export const Rollout = z
  .object({
    id: z.string(),
    ref: z.string(),
    stable_version: z.number(),
    candidate_version: z.number(),
    weight: z.number().openapi({ description: "Percent, two decimals at most" }),
    salt: z.string().openapi({ description: "Public: bucket = murmur3_x86_32(salt + ':' + key) mod 10000; candidate when bucket < weight × 100" }),
    status: RolloutStatus,
    steps: z.array(z.number()).openapi({ description: "Planned weights in percent" }),
    policy: z.unknown().nullable(),
    reason: z.string(),
    created_at: z.string(),
    created_by: z.string(),
    updated_at: z.string(),
    ended_at: z.string().nullable(),
  })
  .openapi("Rollout");

const RolloutEvent = z
  .object({
    seq: z.number(),
    action: z.enum(["start", "weight", "promote", "abort", "rollback", "auto_rollback"]),
    weight_before: z.number().nullable(),
    weight_after: z.number().nullable(),
    actor: z.string(),
    reason: z.string(),
    evidence: z.unknown().nullable(),
    at: z.string(),
  })
  .openapi("RolloutEvent");

const RolloutRecord = Rollout.extend({
  history: z.array(RolloutEvent),
  ab: ABComparison.nullable(),
  differences: ArmDifferences.nullable(),
  outcome: z.enum(["promoted", "aborted", "rolled_back", "auto_rolled_back"]).nullable().openapi({ description: "How it ended; null while active" }),
  ending: RolloutEvent.nullable().openapi({ description: "The closing event with its evidence; null while active" }),
}).openapi("RolloutRecord");

const RolloutStartBody = z
  .strictObject({
    candidate_version: VersionRef,
    weight: Percent.optional().openapi({ description: "Starting weight; give this or steps" }),
    steps: z
      .array(Percent)
      .min(1)
      .max(MAX_STEPS)
      .optional()
      .openapi({ description: "Planned weights, rising, e.g. [5, 50, 100]; the rollout starts at the first", example: [5, 50, 100] }),
    reason: Reason.optional(),
    force: z.boolean().optional().openapi({ description: "On Production: start despite a failing promotion gate (needs a reason; audited)" }),
    policy: AutoRollbackRuleSchema.optional().openapi({
      description: "The rollout's auto-rollback rule {metric, direction, max_drop | floor, min_samples, window_s}, checked on observations",
    }),
  })
  .openapi("RolloutStart", { example: { candidate_version: 8, steps: [5, 50, 100], reason: "new features from the May data" } });

const RolloutPatchBody = z
  .strictObject({
    weight: Percent.optional(),
    step: z.literal("next").optional().openapi({ description: "Move to the first planned step above the current weight" }),
    reason: Reason.optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.weight === undefined) === (body.step === undefined)) {
      ctx.addIssue({ code: "custom", path: ["weight"], message: 'give weight (percent) or step: "next", not both' });
    }
  })
  .openapi("RolloutPatch", { example: { weight: 50, reason: "error rate flat at 5%" } });

const ReasonBody = z.strictObject({ reason: Reason.optional() }).openapi("RolloutClose");
const optionalBody = { body: { content: { "application/json": { schema: ReasonBody } }, required: false } };

rollouts.openapi(
  createRoute({
    method: "put",
    path: "/v1/models/{name}/rollouts/{ref}",
    tags: ["rollouts"],
    summary: "Start a canary rollout on a ref",
    description:
      "The ref's current version is the stable arm; the candidate (READY, not archived) answers the share of routing keys " +
      "given by weight. One active rollout per ref (409 otherwise); the ref cannot be moved by hand while it runs. " +
      "On Production the candidate passes the promotion gate first (422 listing the checks; force with a reason overrides).",
    middleware: [requireRole("admin")],
    request: { params: RefParams, ...jsonBody(RolloutStartBody) },
    responses: {
      201: json(Rollout, "The new rollout"),
      ...errorsFor(400, 401, 403, 404, 409, 422),
    },
  }),
  async (c) => {
    const params = c.req.valid("param");
    const { candidate_version, ...body } = c.req.valid("json");
    const ref = refNameOf(params.ref).name;
    const started = await startRollout(await contextOf(c), params.name, ref, { ...body, candidate: parseVersionKey(candidate_version) });
    return c.json(started, 201);
  },
);

rollouts.openapi(
  createRoute({
    method: "patch",
    path: "/v1/models/{name}/rollouts/{ref}",
    tags: ["rollouts"],
    summary: "Change the candidate's weight, or advance to the next planned step",
    description: "Raising the weight only adds routing keys to the candidate (the salt stays). Concurrent changes each commit once, in some order.",
    middleware: [requireRole("admin")],
    request: { params: RefParams, ...jsonBody(RolloutPatchBody) },
    responses: { 200: json(Rollout, "The rollout"), ...errorsFor(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const params = c.req.valid("param");
    const body = c.req.valid("json");
    const change = body.weight === undefined ? { step: "next" as const } : { weight: body.weight };
    const { rollout } = await changeRolloutWeight(await contextOf(c), params.name, refNameOf(params.ref).name, change, body.reason);
    return c.json(rollout, 200);
  },
);

rollouts.openapi(
  createRoute({
    method: "post",
    path: "/v1/models/{name}/rollouts/{ref}/promote",
    tags: ["rollouts"],
    summary: "Promote: move the ref to the candidate and close the rollout",
    description: "Recorded in the ref's history as a promote, so a later rollback of the ref returns it to the stable version.",
    middleware: [requireRole("admin")],
    request: { params: RefParams, ...optionalBody },
    responses: { 200: json(Rollout, "The closed rollout"), ...errorsFor(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const params = c.req.valid("param");
    const promoted = await promoteRollout(await contextOf(c), params.name, refNameOf(params.ref).name, c.req.valid("json").reason);
    return c.json(promoted, 200);
  },
);

rollouts.openapi(
  createRoute({
    method: "post",
    path: "/v1/models/{name}/rollouts/{ref}/abort",
    tags: ["rollouts"],
    summary: "Abort: close the rollout; the ref keeps its stable version",
    middleware: [requireRole("admin")],
    request: { params: RefParams, ...optionalBody },
    responses: { 200: json(Rollout, "The closed rollout"), ...errorsFor(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const params = c.req.valid("param");
    const aborted = await abortRollout(await contextOf(c), params.name, refNameOf(params.ref).name, c.req.valid("json").reason);
    return c.json(aborted, 200);
  },
);

rollouts.openapi(
  createRoute({
    method: "get",
    path: "/v1/models/{name}/rollouts/{ref}",
    tags: ["rollouts"],
    summary: "The ref's active rollout, else its latest, with its history",
    middleware: [requireRole("reader")],
    request: { params: RefParams },
    responses: {
      200: json(
        Rollout.extend({ history: z.array(RolloutEvent), ab: ABComparison.nullable(), differences: ArmDifferences.nullable() }).openapi("RolloutWithHistory"),
        "The rollout, every change (oldest first) and the A/B comparison of its arms",
      ),
      ...errorsFor(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const params = c.req.valid("param");
    return c.json(await readRollout(await contextOf(c), params.name, refNameOf(params.ref).name), 200);
  },
);

rollouts.openapi(
  createRoute({
    method: "get",
    path: "/v1/models/{name}/rollouts",
    tags: ["rollouts"],
    summary: "A model's rollouts, past and active, newest first, each with its whole life",
    description:
      "Each rollout with every change (history, oldest first: start, weight changes with actor, time and reason, and the " +
      "closing event), its A/B comparison over its whole life, and how it ended: outcome promoted, aborted, rolled_back " +
      "or auto_rolled_back, with the closing event (and an automatic rollback's evidence) in ending.",
    middleware: [requireRole("reader")],
    request: {
      params: z.object({ name: ModelNameParam }),
      query: z.object({ ...PageQuery, ref: z.string().max(64).optional(), status: RolloutStatus.optional() }),
    },
    responses: { 200: json(paged(RolloutRecord), "A page of rollouts"), ...errorsFor(400, 401, 403, 404) },
  }),
  async (c) => {
    const { limit, cursor, ref, status } = c.req.valid("query");
    const filter = { ref: ref === undefined ? undefined : refNameOf(ref).name, status };
    return c.json(await readRollouts(await contextOf(c), c.req.valid("param").name, filter, { limit, cursor }), 200);
  },
);
