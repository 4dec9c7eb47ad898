/**
 * Storage no record needs any more: multipart sessions that expired idle (R2 still keeps their parts) and blobs
 * that no verified artifact names (left by a request that died between R2 and D1, or by an assembly that failed
 * its digest and could not delete its bytes). Admins list them; the cron trigger collects them after a grace period.
 *
 * Safety rests on two facts: an expired session can no longer take parts or complete (uploads.ts), and a blob is
 * collected only when it has been stored for longer than the grace period and no verified artifact names it at
 * that moment, so an upload in flight (R2 written, D1 verification pending) is never collected from under it.
 */
import { and, eq, inArray, isNotNull, lte, sql } from "drizzle-orm";
import { isoAt } from "../domain/clock";
import { idleCutoff, UPLOAD_IDLE_EXPIRY_MS } from "./artifacts";
import { auditInsert, auditInsertIfChanged, type Mutation } from "./audit";
import { abortBlobUpload, deleteBlobIfUnchanged, listBlobs, type StoredBlob } from "./blobs";
import type { Database } from "./db";
import { artifacts, models, uploads, versions } from "./schema";

const HOUR_MS = 3_600_000;
export const DEFAULT_ORPHAN_GRACE_MS = 24 * HOUR_MS;

/** Bounds one cron run stays within (Workers cap the subrequests of one invocation). */
const UPLOADS_PER_RUN = 50;
const BLOBS_SCANNED_PER_RUN = 1000;
const BLOBS_DELETED_PER_RUN = 100;
/** D1 binds at most 100 parameters per statement. */
const SHAS_PER_QUERY = 90;

/** `ORPHAN_GRACE_HOURS` (a number ≥ 0, fractions allowed) in milliseconds; anything else is the 24 h default. */
export function orphanGraceMs(raw: string | undefined): number {
  const hours = raw === undefined || raw.trim() === "" ? NaN : Number(raw);
  return Number.isFinite(hours) && hours >= 0 ? hours * HOUR_MS : DEFAULT_ORPHAN_GRACE_MS;
}

/** A session is collected once it has been idle for the grace period, and never while it could still resume. */
const uploadGraceMs = (graceMs: number) => Math.max(graceMs, UPLOAD_IDLE_EXPIRY_MS);

export interface OrphanedUpload {
  id: string;
  model: string;
  version: number;
  path: string;
  sha256: string;
  size: number;
  parts: number;
  created_at: string;
  updated_at: string;
  /** When the cron trigger may abort it. */
  collect_after: string;
}

export interface OrphanedBlob {
  sha256: string;
  size: number;
  uploaded_at: string;
  collect_after: string;
}

/** Open sessions idle past the upload expiry, oldest first: they can no longer complete. */
export async function listOrphanedUploads(db: Database, nowMs: number, graceMs: number, limit: number): Promise<OrphanedUpload[]> {
  const rows = await expiredSessions(db, idleCutoff(isoAt(nowMs)), limit);
  return rows.map((row) => ({
    id: row.id,
    model: row.model,
    version: row.version,
    path: row.path,
    sha256: row.sha256,
    size: row.size,
    parts: row.parts,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    collect_after: isoAt(Date.parse(row.updatedAt) + uploadGraceMs(graceMs)),
  }));
}

function expiredSessions(db: Database, idleBefore: string, limit: number) {
  return db
    .select({
      id: uploads.id,
      model: models.name,
      version: versions.number,
      path: uploads.path,
      sha256: artifacts.sha256,
      size: artifacts.size,
      r2Key: uploads.r2Key,
      r2UploadId: uploads.r2UploadId,
      parts: sql<number>`(SELECT COUNT(*) FROM upload_parts p WHERE p.upload_id = ${uploads.id})`,
      createdAt: uploads.createdAt,
      updatedAt: uploads.updatedAt,
    })
    .from(uploads)
    .innerJoin(versions, eq(versions.id, uploads.versionId))
    .innerJoin(models, eq(models.id, versions.modelId))
    .innerJoin(artifacts, and(eq(artifacts.versionId, uploads.versionId), eq(artifacts.path, uploads.path)))
    .where(and(eq(uploads.status, "open"), lte(uploads.updatedAt, idleBefore)))
    .orderBy(uploads.updatedAt)
    .limit(limit);
}

/** One page of the bucket's blobs (in sha256 order) and the unreferenced ones among them. */
export async function scanOrphanedBlobs(
  db: Database,
  bucket: R2Bucket,
  graceMs: number,
  page: { cursor?: string; limit: number },
): Promise<{ blobs: OrphanedBlob[]; scanned: number; next_cursor: string | null }> {
  const { blobs, cursor } = await listBlobs(bucket, { cursor: page.cursor }, page.limit);
  const orphans = await unreferenced(db, blobs);
  return { blobs: orphans.map((b) => orphanedBlob(b, graceMs)), scanned: blobs.length, next_cursor: cursor };
}

const orphanedBlob = (b: StoredBlob, graceMs: number): OrphanedBlob => ({
  sha256: b.sha256,
  size: b.size,
  uploaded_at: b.uploaded.toISOString(),
  collect_after: isoAt(b.uploaded.getTime() + graceMs),
});

/** The blobs no verified artifact names, asked of D1 in one batch. */
async function unreferenced(db: Database, blobs: StoredBlob[]): Promise<StoredBlob[]> {
  if (blobs.length === 0) return [];
  const chunks: string[][] = [];
  for (let i = 0; i < blobs.length; i += SHAS_PER_QUERY) chunks.push(blobs.slice(i, i + SHAS_PER_QUERY).map((b) => b.sha256));
  const queries = chunks.map((shas) =>
    db
      .selectDistinct({ sha256: artifacts.sha256 })
      .from(artifacts)
      .where(and(inArray(artifacts.sha256, shas), isNotNull(artifacts.verifiedAt))),
  );
  const results = await db.batch(queries as [(typeof queries)[number], ...(typeof queries)[number][]]);
  const referenced = new Set(results.flat().map((r) => r.sha256));
  return blobs.filter((b) => !referenced.has(b.sha256));
}

export interface Collected {
  uploads: number;
  blobs: number;
}

/** The cron trigger's clean-up: aborts sessions idle past the grace period, deletes unreferenced blobs past it. */
export async function collectOrphans(m: Mutation, bucket: R2Bucket, graceMs: number): Promise<Collected> {
  const nowMs = Date.parse(m.now);
  return {
    uploads: await collectUploads(m, bucket, isoAt(nowMs - uploadGraceMs(graceMs))),
    blobs: await collectBlobs(m, bucket, nowMs - graceMs),
  };
}

async function collectUploads(m: Mutation, bucket: R2Bucket, idleBefore: string): Promise<number> {
  let collected = 0;
  for (const session of await expiredSessions(m.db, idleBefore, UPLOADS_PER_RUN)) {
    await abortBlobUpload(bucket, session.r2Key, session.r2UploadId);
    const [aborted] = await m.db.batch([
      m.db
        .update(uploads)
        .set({ status: "aborted", updatedAt: m.now })
        .where(and(eq(uploads.id, session.id), eq(uploads.status, "open"), eq(uploads.updatedAt, session.updatedAt))),
      auditInsertIfChanged(m, {
        action: "upload.expire",
        model: session.model,
        version: session.version,
        before: { upload_id: session.id, status: "open", idle_since: session.updatedAt, parts: session.parts },
        after: { upload_id: session.id, path: session.path, status: "aborted" },
        reason: "idle past the grace period: its parts were discarded",
      }),
    ]);
    collected += aborted.meta.changes;
  }
  return collected;
}

/**
 * Scans a bounded stretch of the bucket from a random sha256 onwards, wrapping around to the start, so that
 * successive runs cover any number of blobs without keeping a cursor.
 */
async function collectBlobs(m: Mutation, bucket: R2Bucket, storedBefore: number): Promise<number> {
  const start = randomSha256Prefix();
  const aged: StoredBlob[] = [];
  let scanned = 0;
  const take = async (blobs: StoredBlob[]) => {
    scanned += blobs.length;
    aged.push(...(await unreferenced(m.db, blobs)).filter((b) => b.uploaded.getTime() <= storedBefore));
  };
  for (const from of [{ after: start }, {}] as { after?: string }[]) {
    if (scanned >= BLOBS_SCANNED_PER_RUN || aged.length >= BLOBS_DELETED_PER_RUN) break;
    let cursor: string | undefined;
    do {
      const page = await listBlobs(bucket, cursor ? { cursor } : from, Math.min(1000, BLOBS_SCANNED_PER_RUN - scanned));
      // The wrap-around stops where the first stretch began.
      await take(from.after ? page.blobs : page.blobs.filter((b) => b.sha256 <= start));
      cursor = page.cursor ?? undefined;
      if (!from.after && page.blobs.some((b) => b.sha256 > start)) cursor = undefined;
    } while (cursor && scanned < BLOBS_SCANNED_PER_RUN && aged.length < BLOBS_DELETED_PER_RUN);
  }

  // Asked again right before deleting: an upload may have verified one of them while the bucket was listed.
  const due = await unreferenced(m.db, aged.slice(0, BLOBS_DELETED_PER_RUN));
  const deleted: StoredBlob[] = [];
  for (const blob of due) if (await deleteBlobIfUnchanged(bucket, blob)) deleted.push(blob);
  if (deleted.length === 0) return 0;
  await m.db.batch(
    deleted.map((b) =>
      auditInsert(m, {
        action: "blob.delete",
        before: { sha256: b.sha256, size: b.size, uploaded_at: b.uploaded.toISOString() },
        after: null,
        reason: "no verified artifact names these bytes, stored for longer than the grace period",
      }),
    ) as [ReturnType<typeof auditInsert>, ...ReturnType<typeof auditInsert>[]],
  );
  return deleted.length;
}

function randomSha256Prefix(): string {
  return [...crypto.getRandomValues(new Uint8Array(4))].map((b) => b.toString(16).padStart(2, "0")).join("");
}
