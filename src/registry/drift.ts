/**
 * Data drift: storing a version's reference sample (publisher) and checking a current sample against it (reader).
 * Reference samples live in R2 beside the artifacts, so these commands take the bucket; reports and audit events
 * live in D1. A drifted data set is announced as drift.detected once its report is stored.
 */
import { authorize } from "../auth/principal";
import { detectDrift } from "../domain/drift";
import { conflict, notFound } from "../domain/errors";
import type { VersionKey } from "../domain/versions";
import { auditInsert } from "../store/audit";
import type { Database } from "../store/db";
import { getReference, getReport, insertReport, listReports, putReference, type DriftReportView, type Features, type ReferenceData } from "../store/drift";
import { requireModel, type ModelRow } from "../store/models";
import type { Page, Paged } from "../store/pagination";
import { getPolicy } from "../store/policies";
import { readRef } from "../store/refs";
import { requireVersion } from "../store/versions";
import type { CommandContext } from "./context";

export type { DriftReportView, Features, ReferenceData } from "../store/drift";
/** Reads by model row, for doors that already hold the model (the UI's version page). */
export { listReports } from "../store/drift";

type Reader = Pick<CommandContext, "db" | "principal">;

export interface ReferenceSummary {
  model: string;
  version: number;
  features: Record<string, { kind: "numbers" | "strings"; rows: number }>;
  updated_at: string;
  updated_by: string;
}

/** Replaces the version's reference sample; the answer and the audit event describe it without its values. */
export async function storeReferenceData(
  ctx: CommandContext,
  bucket: R2Bucket,
  modelName: string,
  versionKey: VersionKey,
  features: Features,
): Promise<ReferenceSummary> {
  authorize(ctx.principal, "publisher", modelName);
  const model = await requireModel(ctx.db, modelName);
  const version = await requireVersion(ctx.db, model, versionKey);
  // The bytes land first: an audit event never describes a reference that is not there.
  await putReference(bucket, version.id, { features, updated_at: ctx.now, updated_by: ctx.actor });
  const summary: ReferenceSummary = { model: model.name, version: version.number, features: kindsOf(features), updated_at: ctx.now, updated_by: ctx.actor };
  await auditInsert(ctx, { action: "version.reference_data", model: model.name, version: version.number, after: { features: summary.features } }).run();
  return summary;
}

function kindsOf(features: Features): ReferenceSummary["features"] {
  return Object.fromEntries(
    Object.entries(features).map(([k, v]) => [k, { kind: typeof v[0] === "string" ? ("strings" as const) : ("numbers" as const), rows: v.length }]),
  );
}

/** The version's reference sample, or 404. */
export async function readReferenceData(ctx: Reader, bucket: R2Bucket, modelName: string, versionKey: VersionKey): Promise<ReferenceData> {
  authorize(ctx.principal, "reader", modelName);
  const model = await requireModel(ctx.db, modelName);
  const version = await requireVersion(ctx.db, model, versionKey);
  const reference = await getReference(bucket, version.id);
  if (!reference) throw notFound(`version ${version.number} of model '${model.name}' has no reference data`, { version: version.number });
  return reference;
}

/** What a check compares: a version, or the version a canonical ref points to now (the stable arm under a rollout). */
export type DriftTarget = { version: VersionKey } | { ref: string };

/** Checks a current sample against the target's reference with the model's drift rules; the report is stored. */
export async function checkDrift(
  ctx: CommandContext,
  bucket: R2Bucket,
  modelName: string,
  target: DriftTarget,
  features: Features,
): Promise<DriftReportView> {
  authorize(ctx.principal, "reader", modelName);
  const model = await requireModel(ctx.db, modelName);
  const version = "version" in target ? await requireVersion(ctx.db, model, target.version) : await refTarget(ctx.db, model, target.ref);
  const [reference, policy] = await Promise.all([getReference(bucket, version.id), getPolicy(ctx.db, model)]);
  if (!reference) throw conflict(`version ${version.number} of model '${model.name}' has no reference data; PUT it first`, { version: version.number });
  const report = detectDrift(reference.features, features, policy.drift);
  const rows = Math.max(...Object.values(features).map((v) => v.length));
  const stored = await insertReport(ctx, model, version, report, rows);
  if (report.dataset_drift) {
    const drifted = Object.entries(report.features).filter(([, f]) => f.drift).map(([k]) => k);
    ctx.emit({ type: "drift.detected", model: model.name, data: { report_id: stored.id, version: version.number, drift_share: report.drift_share, drifted_features: drifted } });
  }
  return stored;
}

async function refTarget(db: Database, model: ModelRow, ref: string): Promise<{ id: string; number: number }> {
  const state = await readRef(db, model, ref);
  if (!state.current) throw notFound(`ref '${ref}' of model '${model.name}' is not set`, { ref });
  return { id: state.current.versionId, number: state.current.number };
}

/** Stored reports of a model the caller may read, newest first. */
export async function readDriftReports(
  ctx: Reader,
  modelName: string,
  filter: { version?: number; drifted?: boolean },
  page: Page,
): Promise<Paged<DriftReportView>> {
  authorize(ctx.principal, "reader", modelName);
  return listReports(ctx.db, await requireModel(ctx.db, modelName), filter, page);
}

/** One stored report, or 404. */
export async function readDriftReport(ctx: Reader, modelName: string, id: string): Promise<DriftReportView> {
  authorize(ctx.principal, "reader", modelName);
  return getReport(ctx.db, await requireModel(ctx.db, modelName), id);
}
