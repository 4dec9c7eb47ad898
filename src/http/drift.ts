import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../auth/middleware";
import { detectDrift } from "../domain/drift";
import { conflict, notFound } from "../domain/errors";
import { parseVersionKey } from "../domain/versions";
import { notify } from "../registry/events";
import { auditInsert } from "../store/audit";
import { getReference, getReport, insertReport, listReports, putReference, type Features } from "../store/drift";
import type { Database } from "../store/db";
import { requireModel, type ModelRow } from "../store/models";
import { getPolicy } from "../store/policies";
import { readRef } from "../store/refs";
import { requireVersion } from "../store/versions";
import { errorsFor, json, jsonBody, ModelNameParam, mutationOf, paged, PageQuery, router, VersionParam } from "./openapi";
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

function summaryOf(model: string, version: number, features: Features, at: string, by: string) {
  const kinds = Object.fromEntries(
    Object.entries(features).map(([k, v]) => [k, { kind: typeof v[0] === "string" ? ("strings" as const) : ("numbers" as const), rows: v.length }]),
  );
  return { model, version, features: kinds, updated_at: at, updated_by: by };
}

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
    const m = await mutationOf(c);
    const model = await requireModel(m.db, name);
    const version = await requireVersion(m.db, model, parseVersionKey(v));
    // The bytes land first: an audit event never describes a reference that is not there.
    await putReference(c.env.ARTIFACTS, version.id, { features, updated_at: m.now, updated_by: m.actor });
    const summary = summaryOf(model.name, version.number, features, m.now, m.actor);
    await auditInsert(m, { action: "version.reference_data", model: model.name, version: version.number, after: { features: summary.features } }).run();
    return c.json(summary, 200);
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
    const model = await requireModel(c.var.db, name);
    const version = await requireVersion(c.var.db, model, parseVersionKey(v));
    const reference = await getReference(c.env.ARTIFACTS, version.id);
    if (!reference) throw notFound(`version ${version.number} of model '${model.name}' has no reference data`, { version: version.number });
    return c.json(reference, 200);
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
    const m = await mutationOf(c);
    const model = await requireModel(m.db, c.req.valid("param").name);
    const version = body.version !== undefined ? await requireVersion(m.db, model, parseVersionKey(body.version)) : null;
    const target = version ? { id: version.id, number: version.number } : await refTarget(c.var.db, model, refNameOf(body.ref!).name);
    const [reference, policy] = await Promise.all([getReference(c.env.ARTIFACTS, target.id), getPolicy(m.db, model)]);
    if (!reference) throw conflict(`version ${target.number} of model '${model.name}' has no reference data; PUT it first`, { version: target.number });
    const report = detectDrift(reference.features, body.features, policy.drift);
    const rows = Math.max(...Object.values(body.features).map((v) => v.length));
    const stored = await insertReport(m.db, model, target, report, { at: m.now, actor: m.actor, currentRows: rows });
    if (report.dataset_drift) {
      const drifted = Object.entries(report.features).filter(([, f]) => f.drift).map(([k]) => k);
      notify(c, { type: "drift.detected", model: model.name, data: { report_id: stored.id, version: target.number, drift_share: report.drift_share, drifted_features: drifted } });
    }
    return c.json(stored, 201);
  },
);

/** A ref names the version it points to now (the stable arm while a rollout runs). */
async function refTarget(db: Database, model: ModelRow, ref: string) {
  const state = await readRef(db, model, ref);
  if (!state.current) throw notFound(`ref '${ref}' of model '${model.name}' is not set`, { ref });
  return { id: state.current.versionId, number: state.current.number };
}

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
    const model = await requireModel(c.var.db, c.req.valid("param").name);
    const filter = { version, drifted: drifted === undefined ? undefined : drifted === "true" };
    return c.json(await listReports(c.var.db, model, filter, { limit, cursor }), 200);
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
    const model = await requireModel(c.var.db, name);
    return c.json(await getReport(c.var.db, model, id), 200);
  },
);
