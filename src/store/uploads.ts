/**
 * Multipart upload sessions: R2 multipart for the bytes, D1 for the session and its parts (R2's Worker API cannot
 * list parts, and D1 lets a crashed client resume from what was received).
 *
 * Parts assemble straight into `blobs/sha256/<hex>`. R2's Worker API has no server-side copy, so assembling under
 * a staging key would mean re-PUTting every byte to reach the blob key: twice the writes for every model. The cost
 * of assembling in place is that a bad upload occupies the key until its digest is checked; the invariant in
 * artifacts.ts makes that harmless. A session opens only when no verified blob has its sha256, at most one live
 * session per sha256 exists, and nothing with that sha256 gets verified while it is open; so `complete` can only
 * ever replace unverified bytes, and on a digest mismatch it deletes only the object it assembled itself.
 *
 * One exception keeps deduplication inside token scopes: when verified bytes with the sha256 exist only for
 * versions the uploader cannot read, the session assembles under `uploads/<id>` (a staging key), is verified
 * there, and is then dropped in favour of the stored blob. Such sessions never touch the blob's key, so they
 * neither block nor are blocked by others (multipartInProgress counts in-place sessions only).
 */
import { and, asc, eq, sql } from "drizzle-orm";
import { badRequest, conflict, modelNotFound, notFound, unprocessable } from "../domain/errors";
import type { VersionKey, VersionStatus } from "../domain/versions";
import {
  idleCutoff,
  missingVersion,
  modelRefColumns,
  multipartConflict,
  multipartInProgress,
  uploadableArtifact,
  verifyStatements,
  versionOfModel,
  versionRefColumns,
  type ArtifactRow,
  type ArtifactTarget,
  type ModelRef,
  type VersionRef,
} from "./artifacts";
import { auditInsert, auditInsertIfChanged, type Mutation } from "./audit";
import {
  abortBlobUpload,
  adoptStaged,
  blobKey,
  completeBlobUpload,
  createBlobUpload,
  deleteBlobAssembledBy,
  digestObject,
  isAssembledBy,
  putBlobPart,
  stagingKey,
} from "./blobs";
import type { Database } from "./db";
import { isReadableBlobStored, isVerifiedAnywhere, type ScopedMutation } from "./dedup";
import { artifacts, models, uploadParts, uploads, versions } from "./schema";

const MiB = 1024 * 1024;
/** R2's limits: parts of 5 MiB to 5 GiB (the last may be smaller), at most 10,000 per object. */
export const MIN_PART_BYTES = 5 * MiB;
export const MAX_PART_BYTES = 5 * 1024 * MiB;
export const MAX_PARTS = 10_000;
/** Under the 100 MB request-body cap of most Workers plans, and large enough to keep request counts low. */
export const DEFAULT_PART_BYTES = 64 * MiB;

export type UploadRow = typeof uploads.$inferSelect;
export type UploadStatus = "open" | "completed" | "aborted" | "failed" | "expired";

export interface PartView {
  number: number;
  size: number;
  etag: string;
}

export interface UploadSessionView {
  id: string;
  path: string;
  size: number;
  sha256: string;
  part_size: number;
  part_count: number;
  parts: PartView[];
  status: UploadStatus;
  version_status: VersionStatus;
  created_at: string;
  updated_at: string;
}

/** An upload session with the version and declared artifact it fills. */
export interface UploadContext {
  model: ModelRef;
  version: VersionRef;
  session: UploadRow;
  artifact: ArtifactRow;
}

export interface PartPlan {
  partSize: number;
  partCount: number;
}

/** Every part but the last has `partSize` bytes, so each part's exact size is known before it arrives. */
export function partPlan(size: number, requested?: number): PartPlan {
  if (size === 0) throw unprocessable("an empty artifact has no parts; upload it with a single PUT", { reason: "empty" });
  const partSize = requested ?? Math.max(DEFAULT_PART_BYTES, Math.ceil(size / MAX_PARTS / MiB) * MiB);
  const partCount = Math.ceil(size / partSize);
  if (partCount > MAX_PARTS) {
    throw unprocessable(`${size} bytes in parts of ${partSize} makes ${partCount} parts; R2 allows at most ${MAX_PARTS}`, {
      field: "part_size",
      min_part_size: Math.ceil(size / MAX_PARTS),
    });
  }
  return { partSize, partCount };
}

export const expectedPartSize = (size: number, plan: PartPlan, n: number) =>
  n < plan.partCount ? plan.partSize : size - (plan.partCount - 1) * plan.partSize;

/**
 * Opens a session, or answers one that needs no upload: `created` is false when the caller can read a version
 * whose verified bytes are these (status `completed`) or when this artifact already has a live session, which is
 * returned for resuming. Bytes verified only outside the caller's scope get an ordinary session, assembling under
 * a staging key (the blob's key holds verified bytes and must not be touched), checked at completion, then dropped.
 */
export async function startUpload(
  m: ScopedMutation,
  bucket: R2Bucket,
  target: ArtifactTarget,
  requestedPartSize: number | undefined,
): Promise<{ session: UploadSessionView; created: boolean }> {
  const artifact = uploadableArtifact(target);
  const plan = partPlan(artifact.size, requestedPartSize);
  for (let attempt = 0; ; attempt++) {
    if (artifact.verifiedAt || (await isReadableBlobStored(m.db, bucket, artifact, m.principal.modelGlob))) {
      return { session: await acknowledgeStored(m, target, artifact, plan), created: false };
    }
    const own = await liveSessionOf(m.db, artifact, m.now);
    if (own) return { session: await sessionView(m.db, own, artifact, target.version.status, m.now), created: false };
    // Both reads either way, so whether bytes exist outside the caller's scope doesn't show in the time taken.
    const [staged, live] = await Promise.all([isVerifiedAnywhere(m.db, artifact.sha256), liveSessionFor(m.db, artifact.sha256, m.now)]);
    if (!staged && live) throw multipartConflict(artifact);
    const id = crypto.randomUUID();
    const r2Key = staged ? stagingKey(id) : blobKey(artifact.sha256);
    const r2UploadId = await createBlobUpload(bucket, r2Key, id);
    const [opened] = await m.db.batch([
      (staged ? stageSession : claimSession)(m, { id, artifact, r2Key, r2UploadId, partSize: plan.partSize }),
      auditInsertIfChanged(m, {
        action: "upload.start",
        model: target.model.name,
        version: target.version.number,
        after: { upload_id: id, path: artifact.path, size: artifact.size, sha256: artifact.sha256, part_size: plan.partSize },
      }),
    ]);
    if (opened.meta.changes > 0) {
      const session = await requireSessionRow(m.db, artifact.versionId, id);
      return { session: await sessionView(m.db, session, artifact, target.version.status, m.now), created: true };
    }
    // Another request claimed these bytes between our read and our write: drop our R2 upload and look again.
    await abortBlobUpload(bucket, r2Key, r2UploadId);
    if (attempt >= 1) throw multipartConflict(artifact);
  }
}

interface NewSession {
  id: string;
  artifact: ArtifactRow;
  r2Key: string;
  r2UploadId: string;
  partSize: number;
}

/** The session row, inserted only while no live session and no verified artifact has these bytes. */
function claimSession(m: Mutation, s: NewSession) {
  const { artifact } = s;
  const value = (x: unknown, column: string) => sql`${x}`.as(column);
  // insert…select takes the columns in table order; its WHERE is the claim.
  return m.db.insert(uploads).select(
    m.db
      .select({
        id: value(s.id, "id"),
        versionId: value(artifact.versionId, "version_id"),
        path: value(artifact.path, "path"),
        r2Key: value(s.r2Key, "r2_key"),
        r2UploadId: value(s.r2UploadId, "r2_upload_id"),
        partSize: value(s.partSize, "part_size"),
        status: value("open", "status"),
        createdAt: value(m.now, "created_at"),
        createdBy: value(m.actor, "created_by"),
        updatedAt: value(m.now, "updated_at"),
      })
      .from(sql`(SELECT 1)`)
      .where(
        sql`NOT ${multipartInProgress(artifact.sha256, m.now)}
          AND NOT EXISTS (SELECT 1 FROM artifacts WHERE sha256 = ${artifact.sha256} AND verified_at IS NOT NULL)`,
      ),
  );
}

/** A session assembling under its own staging key, inserted only while this artifact has no other live session. */
function stageSession(m: Mutation, s: NewSession) {
  const { artifact } = s;
  return m.db.insert(uploads).select(
    m.db
      .select({
        id: sql`${s.id}`.as("id"),
        versionId: sql`${artifact.versionId}`.as("version_id"),
        path: sql`${artifact.path}`.as("path"),
        r2Key: sql`${s.r2Key}`.as("r2_key"),
        r2UploadId: sql`${s.r2UploadId}`.as("r2_upload_id"),
        partSize: sql`${s.partSize}`.as("part_size"),
        status: sql`'open'`.as("status"),
        createdAt: sql`${m.now}`.as("created_at"),
        createdBy: sql`${m.actor}`.as("created_by"),
        updatedAt: sql`${m.now}`.as("updated_at"),
      })
      .from(sql`(SELECT 1)`)
      .where(
        sql`NOT EXISTS (SELECT 1 FROM uploads WHERE version_id = ${artifact.versionId} AND path = ${artifact.path}
          AND status = 'open' AND updated_at > ${idleCutoff(m.now)})`,
      ),
  );
}

/** A completed session for bytes that are already stored, so the client's create → parts → complete loop ends at once. */
async function acknowledgeStored(m: Mutation, target: ArtifactTarget, artifact: ArtifactRow, plan: PartPlan): Promise<UploadSessionView> {
  const row: UploadRow = {
    id: crypto.randomUUID(),
    versionId: artifact.versionId,
    path: artifact.path,
    r2Key: blobKey(artifact.sha256),
    r2UploadId: "",
    partSize: plan.partSize,
    status: "completed",
    createdAt: m.now,
    createdBy: m.actor,
    updatedAt: m.now,
  };
  const results = await m.db.batch([
    m.db.insert(uploads).values(row),
    auditInsert(m, {
      action: "upload.start",
      model: target.model.name,
      version: target.version.number,
      after: { upload_id: row.id, path: artifact.path, status: "completed", already_stored: true },
    }),
    ...verifyStatements(m, target, artifact, { deduplicated: true, uploadId: row.id }),
  ]);
  return sessionView(m.db, row, artifact, versionStatusOf(results), m.now);
}

/** Session, version, model and artifact in one round trip; 404 names what is missing. */
export async function findUpload(db: Database, modelName: string, key: VersionKey, id: string): Promise<UploadContext> {
  const row = await db
    .select({ model: modelRefColumns, version: versionRefColumns, session: uploads, artifact: artifacts })
    .from(models)
    .leftJoin(versions, versionOfModel(key))
    .leftJoin(uploads, and(eq(uploads.versionId, versions.id), eq(uploads.id, id)))
    .leftJoin(artifacts, and(eq(artifacts.versionId, uploads.versionId), eq(artifacts.path, uploads.path)))
    .where(eq(models.name, modelName))
    .get();
  if (!row) throw modelNotFound(modelName);
  if (!row.version) throw missingVersion(modelName, key);
  if (!row.session || !row.artifact) {
    throw notFound(`version ${row.version.number} of model '${modelName}' has no upload '${id}'`, { upload_id: id });
  }
  return { model: row.model, version: row.version, session: row.session, artifact: row.artifact };
}

export async function getUpload(db: Database, ctx: UploadContext, now: string): Promise<UploadSessionView> {
  return sessionView(db, ctx.session, ctx.artifact, ctx.version.status, now);
}

/** Streams part `n` into R2 and records it; sending a part again replaces it. */
export async function uploadPart(
  m: Mutation,
  bucket: R2Bucket,
  ctx: UploadContext,
  n: number,
  body: ReadableStream<Uint8Array> | null,
  contentLength: number | null,
): Promise<PartView> {
  const { session, artifact } = ctx;
  assertLive(session, m.now);
  const plan = { partSize: session.partSize, partCount: Math.ceil(artifact.size / session.partSize) };
  if (n > plan.partCount) {
    throw badRequest(`part numbers of this upload run from 1 to ${plan.partCount}`, { field: "n", part_count: plan.partCount });
  }
  const size = expectedPartSize(artifact.size, plan, n);
  const { etag } = await putBlobPart(bucket, session.r2Key, session.r2UploadId, n, size, body, contentLength);
  // Parts are the session's bookkeeping, not registry state: the session's start and end are what the audit records.
  await m.db.batch([
    m.db
      .insert(uploadParts)
      .values({ uploadId: session.id, number: n, size, etag, uploadedAt: m.now })
      .onConflictDoUpdate({ target: [uploadParts.uploadId, uploadParts.number], set: { size, etag, uploadedAt: m.now } }),
    m.db.update(uploads).set({ updatedAt: m.now }).where(and(eq(uploads.id, session.id), eq(uploads.status, "open"))),
  ]);
  return { number: n, size, etag };
}

/**
 * Assembles the parts in R2, then streams the whole object through SHA-256 before the artifact counts.
 * On a mismatch the assembled object is deleted and the session failed; the version stays PENDING.
 */
export async function completeUpload(m: Mutation, bucket: R2Bucket, ctx: UploadContext): Promise<UploadSessionView> {
  const { session, artifact, version } = ctx;
  if (session.status === "completed") return sessionView(m.db, session, artifact, version.status, m.now);
  assertLive(session, m.now);
  const parts = await partsOf(m.db, session.id);
  const partCount = Math.ceil(artifact.size / session.partSize);
  const received = new Set(parts.map((p) => p.number));
  const missing = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !received.has(n));
  if (missing.length > 0) {
    throw conflict(`parts ${summarize(missing)} of ${partCount} have not been received`, { reason: "missing_parts", missing });
  }

  const assembled = await completeBlobUpload(
    bucket,
    session.r2Key,
    session.r2UploadId,
    parts.map((p) => ({ partNumber: p.number, etag: p.etag })),
  );
  // R2 no longer knowing the upload but holding its object means an earlier complete assembled it and then failed
  // before D1 recorded the outcome (a crash, a failed batch): verify now, as that request would have.
  if (!assembled && !(await isAssembledBy(bucket, session.r2Key, session.id))) {
    // A concurrent complete (a client retry) got there first; answer with whatever it decided.
    const again = await requireSessionRow(m.db, session.versionId, session.id);
    if (again.status === "open") throw conflict("this upload is being completed by another request; GET it to see the outcome", { reason: "completing" });
    return sessionView(m.db, again, artifact, version.status, m.now);
  }

  const actual = await digestObject(bucket, session.r2Key);
  if (actual?.sha256 === artifact.sha256 && actual.size === artifact.size) {
    // Staged bytes proved to be the blob's: keep one copy (the blob), before the artifact counts as verified.
    if (session.r2Key !== blobKey(artifact.sha256)) await adoptStaged(bucket, session.r2Key, artifact.sha256, artifact.size);
    const target: ArtifactTarget = { model: ctx.model, version, path: artifact.path, artifact };
    const results = await m.db.batch([
      m.db.update(uploads).set({ status: "completed", updatedAt: m.now }).where(and(eq(uploads.id, session.id), eq(uploads.status, "open"))),
      ...verifyStatements(m, target, artifact, { deduplicated: false, uploadId: session.id }),
    ]);
    return sessionView(m.db, { ...session, status: "completed", updatedAt: m.now }, artifact, versionStatusOf(results), m.now);
  }

  await deleteBlobAssembledBy(bucket, session.r2Key, session.id);
  const evidence = { expected_sha256: artifact.sha256, actual_sha256: actual?.sha256 ?? null, expected_size: artifact.size, actual_size: actual?.size ?? null };
  await m.db.batch([
    m.db.update(uploads).set({ status: "failed", updatedAt: m.now }).where(and(eq(uploads.id, session.id), eq(uploads.status, "open"))),
    auditInsertIfChanged(m, {
      action: "upload.fail",
      model: ctx.model.name,
      version: version.number,
      after: { upload_id: session.id, path: artifact.path, ...evidence },
    }),
  ]);
  throw unprocessable(
    `the assembled bytes have sha256 ${evidence.actual_sha256 ?? "(none: nothing was assembled)"}, not the declared ${artifact.sha256}; they were discarded. Start a new upload and send the parts again`,
    { reason: "sha256_mismatch", upload_id: session.id, ...evidence },
  );
}

/** Aborting is idempotent; a completed or failed session is history and stays as it is. */
export async function abortUpload(m: Mutation, bucket: R2Bucket, ctx: UploadContext): Promise<UploadSessionView> {
  const { session, artifact, version } = ctx;
  if (session.status === "completed" || session.status === "failed") {
    throw conflict(`this upload is ${session.status} and can no longer be aborted`, { status: session.status });
  }
  if (session.status === "open") {
    await abortBlobUpload(bucket, session.r2Key, session.r2UploadId);
    await m.db.batch([
      m.db.update(uploads).set({ status: "aborted", updatedAt: m.now }).where(and(eq(uploads.id, session.id), eq(uploads.status, "open"))),
      auditInsertIfChanged(m, {
        action: "upload.abort",
        model: ctx.model.name,
        version: version.number,
        after: { upload_id: session.id, path: artifact.path },
      }),
    ]);
  }
  return sessionView(m.db, { ...session, status: "aborted", updatedAt: m.now }, artifact, version.status, m.now);
}

/** The version status read back by the last statement of verifyStatements. */
const versionStatusOf = (results: unknown[]) => (results.at(-1) as { status: VersionStatus }[])[0]!.status;

function assertLive(session: UploadRow, now: string) {
  const status = statusOf(session, now);
  if (status !== "open") {
    throw conflict(`this upload is ${status}; start a new one with POST …/uploads`, { reason: "upload_closed", status });
  }
}

const statusOf = (session: UploadRow, now: string): UploadStatus =>
  session.status === "open" && session.updatedAt <= idleCutoff(now) ? "expired" : session.status;

/** A live session assembling these bytes in the blob's own key, whichever artifact it fills. */
async function liveSessionFor(db: Database, sha256: string, now: string): Promise<UploadRow | null> {
  return (
    (await db
      .select({ upload: uploads })
      .from(uploads)
      .innerJoin(artifacts, and(eq(artifacts.versionId, uploads.versionId), eq(artifacts.path, uploads.path)))
      .where(
        and(
          eq(artifacts.sha256, sha256),
          eq(uploads.r2Key, blobKey(sha256)),
          eq(uploads.status, "open"),
          sql`${uploads.updatedAt} > ${idleCutoff(now)}`,
        ),
      )
      .get())?.upload ?? null
  );
}

/** This artifact's own live session, to resume. */
async function liveSessionOf(db: Database, artifact: ArtifactRow, now: string): Promise<UploadRow | null> {
  return (
    (await db
      .select()
      .from(uploads)
      .where(
        and(
          eq(uploads.versionId, artifact.versionId),
          eq(uploads.path, artifact.path),
          eq(uploads.status, "open"),
          sql`${uploads.updatedAt} > ${idleCutoff(now)}`,
        ),
      )
      .get()) ?? null
  );
}

async function requireSessionRow(db: Database, versionId: string, id: string): Promise<UploadRow> {
  const row = await db.select().from(uploads).where(and(eq(uploads.id, id), eq(uploads.versionId, versionId))).get();
  if (!row) throw notFound(`no upload '${id}'`, { upload_id: id });
  return row;
}

const partsOf = (db: Database, id: string) =>
  db.select().from(uploadParts).where(eq(uploadParts.uploadId, id)).orderBy(asc(uploadParts.number));

async function sessionView(
  db: Database,
  session: UploadRow,
  artifact: ArtifactRow,
  versionStatus: VersionStatus,
  now: string,
): Promise<UploadSessionView> {
  const parts = session.r2UploadId === "" ? [] : await partsOf(db, session.id);
  return {
    id: session.id,
    path: session.path,
    size: artifact.size,
    sha256: artifact.sha256,
    part_size: session.partSize,
    part_count: Math.ceil(artifact.size / session.partSize),
    parts: parts.map((p) => ({ number: p.number, size: p.size, etag: p.etag })),
    status: statusOf(session, now),
    version_status: versionStatus,
    created_at: session.createdAt,
    updated_at: session.updatedAt,
  };
}

/** "3, 4, 7–9": long lists of missing parts stay readable. */
function summarize(numbers: number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    runs.push(i === j ? `${numbers[i]}` : `${numbers[i]}–${numbers[j]}`);
    i = j + 1;
  }
  return runs.length > 20 ? `${runs.slice(0, 20).join(", ")}, …` : runs.join(", ");
}
