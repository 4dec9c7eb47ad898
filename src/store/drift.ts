/** Drift reference samples live in R2 beside the artifacts (one JSON object per version); reports live in D1. */
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { DriftReport, FeatureSample } from "../domain/drift";
import { notFound } from "../domain/errors";
import { auditInsert, type Mutation } from "./audit";
import type { Database } from "./db";
import type { ModelRow } from "./models";
import { decodeCursor, pageOf, type Page, type Paged } from "./pagination";
import { driftReports, versions } from "./schema";

export type Features = Record<string, FeatureSample>;

export interface ReferenceData {
  features: Features;
  updated_at: string;
  updated_by: string;
}

const referenceKey = (versionId: string) => `reference/${versionId}.json`;

export async function putReference(bucket: R2Bucket, versionId: string, data: ReferenceData): Promise<void> {
  await bucket.put(referenceKey(versionId), JSON.stringify(data), { httpMetadata: { contentType: "application/json" } });
}

export async function getReference(bucket: R2Bucket, versionId: string): Promise<ReferenceData | null> {
  const object = await bucket.get(referenceKey(versionId));
  return object ? ((await object.json()) as ReferenceData) : null;
}

export interface DriftReportView extends DriftReport {
  id: string;
  model: string;
  version: number;
  at: string;
  created_by: string;
  current_rows: number;
}

/** Stores a check's report with its audit event (the verdict, not the samples) in one batch. */
export async function insertReport(
  m: Mutation,
  model: ModelRow,
  version: { id: string; number: number },
  report: DriftReport,
  currentRows: number,
): Promise<DriftReportView> {
  const id = crypto.randomUUID();
  await m.db.batch([
    m.db.insert(driftReports).values({
      id,
      modelId: model.id,
      versionId: version.id,
      at: m.now,
      actor: m.actor,
      datasetDrift: report.dataset_drift,
      driftShare: report.drift_share,
      currentRows,
      features: report.features,
    }),
    auditInsert(m, {
      action: "drift.check",
      model: model.name,
      version: version.number,
      after: { report_id: id, current_rows: currentRows, drift_share: report.drift_share, dataset_drift: report.dataset_drift },
    }),
  ]);
  return {
    id,
    model: model.name,
    version: version.number,
    at: m.now,
    created_by: m.actor,
    current_rows: currentRows,
    ...report,
  };
}

const reportColumns = {
  id: driftReports.id,
  version: versions.number,
  at: driftReports.at,
  actor: driftReports.actor,
  datasetDrift: driftReports.datasetDrift,
  driftShare: driftReports.driftShare,
  currentRows: driftReports.currentRows,
  features: driftReports.features,
};

type ReportRow = { [K in keyof typeof reportColumns]: (typeof reportColumns)[K]["_"]["data"] };

/** Newest first; the cursor is the last (at, id) seen. */
export async function listReports(
  db: Database,
  model: ModelRow,
  filter: { version?: number; drifted?: boolean },
  page: Page,
): Promise<Paged<DriftReportView>> {
  const after = decodeCursor(page.cursor, z.object({ at: z.string(), id: z.string() }));
  const rows = await db
    .select(reportColumns)
    .from(driftReports)
    .innerJoin(versions, eq(versions.id, driftReports.versionId))
    .where(
      and(
        eq(driftReports.modelId, model.id),
        filter.version !== undefined ? eq(versions.number, filter.version) : undefined,
        filter.drifted !== undefined ? eq(driftReports.datasetDrift, filter.drifted) : undefined,
        after ? sql`(${driftReports.at}, ${driftReports.id}) < (${after.at}, ${after.id})` : undefined,
      ),
    )
    .orderBy(desc(driftReports.at), desc(driftReports.id))
    .limit(page.limit + 1);
  return pageOf(rows, page, (r) => reportView(model, r), (r) => ({ at: r.at, id: r.id }));
}

export async function getReport(db: Database, model: ModelRow, id: string): Promise<DriftReportView> {
  const row = await db
    .select(reportColumns)
    .from(driftReports)
    .innerJoin(versions, eq(versions.id, driftReports.versionId))
    .where(and(eq(driftReports.modelId, model.id), eq(driftReports.id, id)))
    .get();
  if (!row) throw notFound(`drift report ${id} of model '${model.name}' does not exist`, { id });
  return reportView(model, row);
}

function reportView(model: ModelRow, r: ReportRow): DriftReportView {
  return {
    id: r.id,
    model: model.name,
    version: r.version,
    at: r.at,
    created_by: r.actor,
    current_rows: r.currentRows,
    features: r.features as DriftReport["features"],
    drift_share: r.driftShare,
    dataset_drift: r.datasetDrift,
  };
}
