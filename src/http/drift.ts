import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../auth/middleware";
import { parseVersionKey } from "../domain/versions";
import { contextOf } from "../registry/context";
import { checkDrift, readDriftReport, readDriftReports, readReferenceData, storeReferenceData } from "../registry/drift";
import { errorsFor, json, jsonBody, ModelNameParam, paged, PageQuery, router, VersionParam } from "./openapi";
import { refNameOf } from "./refs";
import { VersionRef } from "./schemas";

export const drift = router();

/** Samples are bounded so a check stays within one request's CPU budget (and under the 1 MiB JSON body limit). */
export const MAX_FEATURES = 100;
export const MAX_VALUES_PER_FEATURE = 10_000;
const MAX_VALUES = 100_000;

const FeatureName = z.string().max(250).regex(/^[A-Za-z0-9_.\-/: ]{1,250}$/, "feature names use letters, digits, spaces and _ . - / : (1–250 characters)");
const Sample = z.union([
  z.array(z.number().finite()).min(1).max(MAX_VALUES_PER_FEATURE),
  z.array(z.string().max(500)).min(1).max(MAX_VALUES_PER_FEATURE),
]);
const FeatureSamples = z
  .record(FeatureName, Sample)
  .superRefine((f, ctx) => {
    const names = Object.keys(f);
    if (names.length === 0 || names.length > MAX_FEATURES) {
      ctx.addIssue({ code: "custom", message: `give 1 to ${MAX_FEATURES} features` });
    }
    const values = names.reduce((n, k) => n + f[k]!.length, 0);
    if (values > MAX_VALUES) ctx.addIssue({ code: "custom", message: `at most ${MAX_VALUES} values in all` });
  })
  .openapi({ minProperties: 1, maxProperties: MAX_FEATURES, description: "Per feature, numbers or strings (categories)", example: { distance_km: [812, 1204, 95.5], carrier: ["AA", "DL", "AA"] } });

const VersionParams = z.object({ name: ModelNameParam, v: VersionParam });

const ReferenceAnswer = z
  .object({ model: z.string(), version: z.number(), features: z.record(z.string(), z.object({ kind: z.enum(["numbers", "strings"]), rows: z.number() })), updated_at: z.string(), updated_by: z.string() })
  .openapi("ReferenceDataSummary");

drift.openapi(
  createRoute({
    method: "put",
    path: "/v1/models/{name}/versions/{v}/reference-data",
    tags: ["drift"],
    summary: "Store the reference sample drift checks compare against",
    description: `Typically a sample of the training or validation data. At most ${MAX_FEATURES} features and ${MAX_VALUES_PER_FEATURE} values per feature; replaces any earlier reference.`,
    middleware: [requireRole("publisher")],
    request: { params: VersionParams, ...jsonBody(z.strictObject({ features: FeatureSamples }).openapi("ReferenceData")) },
    responses: { 200: json(ReferenceAnswer, "What was stored"), ...errorsFor(400, 401, 403, 404, 413) },
  }),
  async (c) => {
    const { name, v } = c.req.valid("param");
    const { features } = c.req.valid("json");
    return c.json(await storeReferenceData(await contextOf(c), c.env.ARTIFACTS, name, parseVersionKey(v), features), 200);
  },
);

drift.openapi(
  createRoute({
    method: "get",
    path: "/v1/models/{name}/versions/{v}/reference-data",
    tags: ["drift"],
    summary: "The version's reference sample",
    middleware: [requireRole("reader")],
    request: { params: VersionParams },
    responses: {
      200: json(z.object({ features: z.record(z.string(), z.array(z.union([z.number(), z.string()]))), updated_at: z.string(), updated_by: z.string() }), "The sample"),
      ...errorsFor(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { name, v } = c.req.valid("param");
    return c.json(await readReferenceData(await contextOf(c), c.env.ARTIFACTS, name, parseVersionKey(v)), 200);
  },
);

const FeatureDrift = z
  .object({
    kind: z.enum(["numerical", "categorical"]),
    test: z.enum(["ks", "wasserstein", "chisquare", "z"]),
    statistic: z.number().nullable().openapi({ description: "null when infinite (a category the reference never saw)" }),
    p_value: z.number().nullable(),
    ks_statistic: z.number().nullable(),
    ks_p_value: z.number().nullable(),
    wasserstein: z.number().nullable(),
    wasserstein_norm: z.number().nullable(),
    psi: z.number().nullable(),
    drift: z.boolean(),
  })
  .openapi("FeatureDrift");

const DriftReport = z
  .object({
    id: z.string(),
    model: z.string(),
    version: z.number(),
    at: z.string(),
    created_by: z.string(),
    current_rows: z.number(),
    features: z.record(z.string(), FeatureDrift),
    drift_share: z.number(),
    dataset_drift: z.boolean(),
  })
  .openapi("DriftReport");

const DriftRequest = z
  .strictObject({
    version: VersionRef.optional(),
    ref: z.string().min(1).max(64).optional().openapi({ description: "Production, Staging or an alias: the version it points to now" }),
    features: FeatureSamples,
  })
  .superRefine((r, ctx) => {
    if ((r.version === undefined) === (r.ref === undefined)) ctx.addIssue({ code: "custom", path: ["version"], message: "give version or ref, not both" });
  })
  .openapi("DriftCheck");

drift.openapi(
  createRoute({
    method: "post",
    path: "/v1/models/{name}/drift",
    tags: ["drift"],
    summary: "Check a current sample against the version's reference; the report is stored",
    description:
      "Evidently's default rules: KS (exact p for small samples) up to 1000 reference rows, normalised Wasserstein above; " +
      "chi-square or a two-proportion z-test for categories; every numeric feature also reports KS, Wasserstein and PSI. " +
      "The policy's drift part may override the threshold and the drifted share; a drifted data set fires drift.detected.",
    middleware: [requireRole("reader")],
    request: { params: z.object({ name: ModelNameParam }), ...jsonBody(DriftRequest) },
    responses: { 201: json(DriftReport, "The stored report"), ...errorsFor(400, 401, 403, 404, 409, 413) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const target = body.version !== undefined ? { version: parseVersionKey(body.version) } : { ref: refNameOf(body.ref!).name };
    return c.json(await checkDrift(await contextOf(c), c.env.ARTIFACTS, c.req.valid("param").name, target, body.features), 201);
  },
);

drift.openapi(
  createRoute({
    method: "get",
    path: "/v1/models/{name}/drift",
    tags: ["drift"],
    summary: "Stored drift reports, newest first",
    middleware: [requireRole("reader")],
    request: {
      params: z.object({ name: ModelNameParam }),
      query: z.object({ ...PageQuery, version: z.coerce.number().int().positive().optional(), drifted: z.enum(["true", "false"]).optional() }),
    },
    responses: { 200: json(paged(DriftReport), "A page of reports"), ...errorsFor(400, 401, 403, 404) },
  }),
  async (c) => {
    const { limit, cursor, version, drifted } = c.req.valid("query");
    const filter = { version, drifted: drifted === undefined ? undefined : drifted === "true" };
    return c.json(await readDriftReports(await contextOf(c), c.req.valid("param").name, filter, { limit, cursor }), 200);
  },
);

drift.openapi(
  createRoute({
    method: "get",
    path: "/v1/models/{name}/drift/{id}",
    tags: ["drift"],
    summary: "One drift report",
    middleware: [requireRole("reader")],
    request: { params: z.object({ name: ModelNameParam, id: z.string().uuid().openapi({ param: { name: "id", in: "path" } }) }) },
    responses: { 200: json(DriftReport, "The report"), ...errorsFor(400, 401, 403, 404) },
  }),
  async (c) => {
    const { name, id } = c.req.valid("param");
    return c.json(await readDriftReport(await contextOf(c), name, id), 200);
  },
);
