/**
 * Reads behind the UI's charts and progress views: observations summed per time bucket for a rollout's two arms,
 * and what a PENDING version still lacks (unverified artifacts, their open upload sessions and received parts).
 */
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Aggregate } from "../domain/observations";
import type { Database } from "./db";
import type { ModelRow } from "./models";
import { artifacts, observations, rollouts, uploadParts, uploads, versions } from "./schema";

/** More rows than a chart of 2 arms × a few dozen metrics × the bucket cap could hold: a guard, not a page. */
const MAX_BUCKET_ROWS = 20_000;

export interface BucketAggregate extends Aggregate {
  version: number;
  metric: string;
  /** Start of the bucket, epoch milliseconds. */
  t: number;
}

/** Observations of the given versions in [fromMs, untilMs), summed per metric and bucket of `bucketMs` from fromMs. */
export async function bucketedObservations(
  db: Database,
  model: ModelRow,
  numbers: number[],
  range: { fromMs: number; untilMs: number; bucketMs: number },
): Promise<BucketAggregate[]> {
  const { fromMs, untilMs, bucketMs } = range;
  const bucket = sql<number>`(CAST(strftime('%s', ${observations.windowStart}) AS INTEGER) * 1000 - ${fromMs}) / ${bucketMs}`;
  const rows = await db
    .select({
      version: versions.number,
      metric: observations.metric,
      bucket: bucket.as("bucket"),
      count: sql<number>`SUM(${observations.count})`,
      sum: sql<number>`SUM(${observations.sum})`,
      sumSquares: sql<number>`SUM(${observations.sumSquares})`,
    })
    .from(observations)
    .innerJoin(versions, eq(versions.id, observations.versionId))
    .where(
      and(
        eq(versions.modelId, model.id),
        inArray(versions.number, numbers),
        sql`${observations.windowStart} >= ${new Date(fromMs).toISOString()}`,
        sql`${observations.windowStart} < ${new Date(untilMs).toISOString()}`,
      ),
    )
    .groupBy(versions.number, observations.metric, sql`bucket`)
    .orderBy(asc(observations.metric), asc(sql`bucket`))
    .limit(MAX_BUCKET_ROWS);
  return rows.map((r) => ({ version: r.version, metric: r.metric, t: fromMs + r.bucket * bucketMs, count: r.count, sum: r.sum, sumSquares: r.sumSquares }));
}

export interface MissingArtifact {
  path: string;
  size: number;
  sha256: string;
  /** The newest open upload session of this path, with the parts received so far; null when none was started. */
  session: { id: string; part_size: number; part_count: number; received: number[]; updated_at: string } | null;
}

/** The declared artifacts of a version whose bytes are not verified yet, with any open multipart session. */
export async function missingArtifacts(db: Database, versionId: string): Promise<MissingArtifact[]> {
  const [missing, open] = await db.batch([
    db
      .select({ path: artifacts.path, size: artifacts.size, sha256: artifacts.sha256 })
      .from(artifacts)
      .where(and(eq(artifacts.versionId, versionId), isNull(artifacts.verifiedAt)))
      .orderBy(asc(artifacts.path)),
    db
      .select({ id: uploads.id, path: uploads.path, partSize: uploads.partSize, updatedAt: uploads.updatedAt, part: uploadParts.number })
      .from(uploads)
      .leftJoin(uploadParts, eq(uploadParts.uploadId, uploads.id))
      .where(and(eq(uploads.versionId, versionId), eq(uploads.status, "open")))
      .orderBy(asc(uploads.updatedAt), asc(uploadParts.number)),
  ]);
  const sessions = new Map<string, NonNullable<MissingArtifact["session"]> & { path: string }>();
  for (const row of open) {
    const session = sessions.get(row.id) ?? { id: row.id, path: row.path, part_size: row.partSize, part_count: 0, received: [], updated_at: row.updatedAt };
    if (row.part !== null) session.received.push(row.part);
    sessions.set(row.id, session);
  }
  return missing.map((a) => {
    // The newest session of a path wins: an older one was abandoned.
    const mine = [...sessions.values()].filter((s) => s.path === a.path).pop();
    const session = mine ? { id: mine.id, part_size: mine.part_size, part_count: Math.ceil(a.size / mine.part_size), received: mine.received, updated_at: mine.updated_at } : null;
    return { path: a.path, size: a.size, sha256: a.sha256, session };
  });
}

/** The two arms of each rollout named, by rollout id; ids of no rollout are left out. */
export async function rolloutArms(db: Database, ids: string[]): Promise<Record<string, { stable: number; candidate: number }>> {
  if (ids.length === 0) return {};
  const rows = await db
    .select({
      id: rollouts.id,
      stable: sql<number>`(SELECT number FROM versions WHERE id = ${rollouts.stableVersionId})`,
      candidate: sql<number>`(SELECT number FROM versions WHERE id = ${rollouts.candidateVersionId})`,
    })
    .from(rollouts)
    .where(inArray(rollouts.id, ids));
  return Object.fromEntries(rows.map((r) => [r.id, { stable: r.stable, candidate: r.candidate }]));
}
