import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../auth/middleware";
import { contextOf } from "../registry/context";
import { readObservations, reportObservations } from "../registry/observations";
import { errorsFor, json, jsonBody, ModelNameParam, paged, PageQuery, router } from "./openapi";
import { refNameOf } from "./refs";
import { ObservedMetrics, VersionRef } from "./schemas";

export const observations = router();

/** A batch stays small enough to aggregate in one request; busy clients send several. */
export const MAX_REPORTS = 1000;
const MAX_METRICS_PER_REPORT = 32;
const MAX_COUNT = 1_000_000;

const ObservationReport = z
  .strictObject({
    version: VersionRef.optional(),
    ref: z.string().min(1).max(64).optional().openapi({ description: "Production, Staging or an alias; give arm when a rollout is active" }),
    arm: z.enum(["stable", "candidate"]).optional().openapi({ description: "Which arm of the ref's rollout answered (X-Rollout-Arm)" }),
    metrics: ObservedMetrics.refine((m) => {
      const n = Object.keys(m).length;
      return n >= 1 && n <= MAX_METRICS_PER_REPORT;
    }, `a report carries 1 to ${MAX_METRICS_PER_REPORT} metrics`).openapi({ minProperties: 1, maxProperties: MAX_METRICS_PER_REPORT }),
    count: z.number().int().min(1).max(MAX_COUNT).optional().openapi({
      description: "How many identical observations the values stand for (default 1), e.g. 37 requests that were all correct",
    }),
  })
  .superRefine((r, ctx) => {
    if ((r.version === undefined) === (r.ref === undefined)) {
      ctx.addIssue({ code: "custom", path: ["version"], message: "give version or ref, not both" });
    }
    if (r.arm !== undefined && r.ref === undefined) ctx.addIssue({ code: "custom", path: ["arm"], message: "arm needs ref" });
  });

const RuleOutcome = z
  .object({
    ref: z.string(),
    rollout_id: z.string().nullable(),
    version: z.number(),
    baseline_version: z.number().nullable(),
    tripped: z.boolean(),
    reason: z.string(),
    evidence: z.record(z.string(), z.unknown()),
  })
  .openapi("AutoRollbackOutcome");

const BatchAnswer = z
  .object({
    accepted: z.number(),
    window_start: z.string(),
    versions: z.array(z.number()),
    auto_rollback: z.array(RuleOutcome).openapi({ description: "What each auto-rollback rule saw after this batch; tripped ones rolled back" }),
  })
  .openapi("ObservationBatchResult");

observations.openapi(
  createRoute({
    method: "post",
    path: "/v1/models/{name}/observations",
    tags: ["pipeline"],
    summary: "Report live metrics from serving (aggregated per version, metric and minute)",
    description:
      `Up to ${MAX_REPORTS} reports per batch. Each names the version that answered, or the ref and the arm of its rollout. ` +
      "The batch lands in the current one-minute window; afterwards the model's auto-rollback rules are judged, and a " +
      "rule that trips is rolled back at once by the system actor edgereg:auto-rollback. Needs the reporter role (the serving client's token).",
    middleware: [requireRole("reporter")],
    request: {
      params: z.object({ name: ModelNameParam }),
      ...jsonBody(
        z
          .strictObject({ observations: z.array(ObservationReport).min(1).max(MAX_REPORTS) })
          .openapi("ObservationBatch", {
            example: {
              observations: [
                { ref: "Production", arm: "candidate", metrics: { correct: 1 }, count: 37 },
                { ref: "Production", arm: "candidate", metrics: { correct: 0 }, count: 3 },
                { version: 7, metrics: { latency_ms: 41.5 } },
              ],
            },
          }),
      ),
    },
    responses: {
      200: json(BatchAnswer, "Recorded"),
      ...errorsFor(400, 401, 403, 404, 409, 413),
    },
  }),
  async (c) => {
    const reports = c.req.valid("json").observations.map((r) => ({ ...r, ref: r.ref === undefined ? undefined : refNameOf(r.ref).name }));
    return c.json(await reportObservations(await contextOf(c), c.req.valid("param").name, reports), 200);
  },
);

const ObservationWindow = z
  .object({
    version: z.number(),
    metric: z.string(),
    window_start: z.string(),
    count: z.number(),
    sum: z.number(),
    sum_squares: z.number(),
    mean: z.number(),
  })
  .openapi("ObservationWindow");

observations.openapi(
  createRoute({
    method: "get",
    path: "/v1/models/{name}/observations",
    tags: ["pipeline"],
    summary: "The observed series: one row per version, metric and minute, oldest first",
    middleware: [requireRole("reader")],
    request: {
      params: z.object({ name: ModelNameParam }),
      query: z.object({
        ...PageQuery,
        version: z.coerce.number().int().positive().optional(),
        metric: z.string().min(1).max(250).optional(),
        since: z.iso.datetime().optional(),
        until: z.iso.datetime().optional(),
      }),
    },
    responses: { 200: json(paged(ObservationWindow), "A page of windows"), ...errorsFor(400, 401, 403, 404) },
  }),
  async (c) => {
    const { limit, cursor, ...filter } = c.req.valid("query");
    const iso = (s?: string) => (s === undefined ? undefined : new Date(s).toISOString());
    const series = { ...filter, since: iso(filter.since), until: iso(filter.until) };
    return c.json(await readObservations(await contextOf(c), c.req.valid("param").name, series, { limit, cursor }), 200);
  },
);

const ArmStats = z.object({ version: z.number(), count: z.number(), mean: z.number().nullable(), variance: z.number().nullable() });

/** The A/B part of a rollout's answer (GET …/rollouts/:ref), computed from observations. */
export const ABComparison = z
  .object({
    metric: z.string(),
    direction: z.enum(["higher", "lower"]),
    since: z.string(),
    until: z.string().nullable(),
    stable: ArmStats,
    candidate: ArmStats,
    welch: z
      .object({ difference: z.number(), ci_low: z.number(), ci_high: z.number(), p_value: z.number(), t: z.number().nullable(), df: z.number() })
      .nullable()
      .openapi({ description: "Welch's t-test of candidate minus stable (95% interval); null until each arm has two observations" }),
  })
  .openapi("ABComparison", {
    description: "Per arm count, mean and variance of the rollout's watched metric (its auto-rollback rule's, else the policy's compare metric)",
  });

const Welch = z
  .object({ difference: z.number(), ci_low: z.number(), ci_high: z.number(), p_value: z.number(), t: z.number().nullable(), df: z.number() })
  .nullable();

/** Every metric's difference between a rollout's arms (GET …/rollouts/:ref and the rollout list). */
export const ArmDifferences = z
  .object({
    since: z.string(),
    until: z.string().nullable(),
    metrics: z.array(
      z.object({
        metric: z.string(),
        direction: z.enum(["higher", "lower"]),
        direction_source: z.enum(["policy", "judged", "name"]).openapi({
          description: "policy: the policy's metric_directions; judged: the judged metric's rule; name: the name rule (docs/history.md)",
        }),
        judged: z.boolean(),
        stable: ArmStats,
        candidate: ArmStats,
        welch: Welch.openapi({ description: "candidate minus stable with its 95% interval; null until each arm has two observations" }),
        significantly_worse: z.boolean().openapi({ description: "the whole interval lies on the metric's bad side of zero" }),
      }),
    ),
    warnings: z.array(
      z.object({
        metric: z.string(),
        direction: z.enum(["higher", "lower"]),
        difference: z.number(),
        ci_low: z.number(),
        ci_high: z.number(),
        p_value: z.number(),
        message: z.string(),
      }),
    ),
  })
  .openapi("ArmDifferences", { description: "Every observed metric's difference between the arms over the rollout's life; warnings name non-judged metrics that got significantly worse" });
