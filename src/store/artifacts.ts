/**
 * Declared artifacts on the D1 side: which artifact a URL names, whether it may be uploaded or served, and the
 * verification that flips a version READY. Single-request uploads live here too; multipart sessions in uploads.ts.
 *
 * One invariant keeps a failed multipart upload from ever overwriting verified bytes (see uploads.ts): while a
 * live multipart session is open for a sha256, no artifact with that sha256 is verified, and no session opens
 * for a sha256 that is already verified. Both halves are conditions inside the writing statements, so D1's
 * serialised writes enforce them without a read-then-write race.
 */
import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { conflict, modelNotFound, notFound, unprocessable } from "../domain/errors";
import { describeKey, type VersionKey, type VersionStatus } from "../domain/versions";
import { auditInsertIfChanged, type Mutation } from "./audit";
import { blobKey, putBlob } from "./blobs";
import type { Database } from "./db";
import { isReadableBlobStored, type ScopedMutation } from "./dedup";
import type { ModelRow } from "./models";
import { artifacts, models, versions } from "./schema";
import { markReadyIfVerified, type ArtifactRow, type VersionRow } from "./versions";

export type { ArtifactRow };

/** A multipart session with no part or call for this long stops blocking others and can no longer complete. */
export const UPLOAD_IDLE_EXPIRY_MS = 24 * 60 * 60 * 1000;

export const idleCutoff = (now: string) => new Date(Date.parse(now) - UPLOAD_IDLE_EXPIRY_MS).toISOString();

/** The few columns of a model and version that artifact routes need (not a version's metrics or signature). */
export type ModelRef = Pick<ModelRow, "id" | "name">;
export type VersionRef = Pick<VersionRow, "id" | "number" | "status">;

export const modelRefColumns = { id: models.id, name: models.name };
export const versionRefColumns = { id: versions.id, number: versions.number, status: versions.status };

/** SQL: the version a key names, joined to its model. */
export const versionOfModel = (key: VersionKey) =>
  and(eq(versions.modelId, models.id), "number" in key ? eq(versions.number, key.number) : eq(versions.semver, key.semver));

/** What a `/models/:name/versions/:v/artifacts/*path` URL names; `artifact` is null when the path is not declared. */
export interface ArtifactTarget {
  model: ModelRef;
  version: VersionRef;
  path: string;
  artifact: ArtifactRow | null;
}

/** Model, version and declared artifact in one round trip; 404 names whichever of model or version is missing. */
export async function findArtifactTarget(db: Database, modelName: string, key: VersionKey, path: string): Promise<ArtifactTarget> {
  const row = await db
    .select({ model: modelRefColumns, version: versionRefColumns, artifact: artifacts })
    .from(models)
    .leftJoin(versions, versionOfModel(key))
    .leftJoin(artifacts, and(eq(artifacts.versionId, versions.id), eq(artifacts.path, path)))
    .where(eq(models.name, modelName))
    .get();
  if (!row) throw modelNotFound(modelName);
  if (!row.version) throw missingVersion(modelName, key);
  return { model: row.model, version: row.version, path, artifact: row.artifact };
}

export const missingVersion = (modelName: string, key: VersionKey) =>
  notFound(`${describeKey(key)} of model '${modelName}' does not exist`, { model: modelName, version: key });

/** For routes that resolved a version themselves (e.g. the one-hop `/v1/r/…` download). */
export async function findArtifactOfVersion(db: Database, versionId: string, path: string): Promise<ArtifactRow | null> {
  return (
    (await db
      .select()
      .from(artifacts)
      .where(and(eq(artifacts.versionId, versionId), eq(artifacts.path, path)))
      .get()) ?? null
  );
}

/** Only verified bytes are ever served. */
export function servableArtifact(target: ArtifactTarget): ArtifactRow {
  const { artifact } = target;
  if (!artifact) throw notFound(`${where(target)} has no artifact '${target.path}'`, { path: target.path });
  if (!artifact.verifiedAt) {
    throw notFound(`artifact '${target.path}' of ${where(target)} has not been uploaded yet`, { path: target.path, verified: false });
  }
  return artifact;
}

/** Uploads fill declared artifacts of a PENDING version; a READY version's artifacts are immutable. */
export function uploadableArtifact(target: ArtifactTarget): ArtifactRow {
  const { version, artifact } = target;
  if (version.status !== "PENDING") {
    throw conflict(
      `${where(target)} is ${version.status}: its artifacts are immutable; create a new version to publish different bytes`,
      { status: version.status, path: target.path },
    );
  }
  if (!artifact) {
    throw notFound(`${where(target)} declares no artifact '${target.path}'; artifacts are declared when the version is created`, {
      path: target.path,
    });
  }
  return artifact;
}

const where = (t: ArtifactTarget) => `version ${t.version.number} of model '${t.model.name}'`;

/**
 * SQL: a live multipart session is assembling these bytes in the blob's own key (the half of the invariant that
 * blocks verification). Sessions assembling under a staging key never touch the blob, so they block nothing.
 */
export function multipartInProgress(sha256: string, now: string) {
  return sql`EXISTS (SELECT 1 FROM uploads u JOIN artifacts a ON a.version_id = u.version_id AND a.path = u.path
    WHERE a.sha256 = ${sha256} AND u.status = 'open' AND u.r2_key = ${blobKey(sha256)} AND u.updated_at > ${idleCutoff(now)})`;
}

export interface Verification {
  deduplicated: boolean;
  uploadId?: string;
}

/**
 * Statements that mark the artifact verified, audit it, flip the version READY when it was the last one, and
 * read the version's status back. The mark is refused while a multipart upload of the same bytes is in progress.
 */
export function verifyStatements(m: Mutation, target: ArtifactTarget, artifact: ArtifactRow, facts: Verification) {
  return [
    m.db
      .update(artifacts)
      .set({ verifiedAt: m.now })
      .where(
        and(
          eq(artifacts.versionId, artifact.versionId),
          eq(artifacts.path, artifact.path),
          isNull(artifacts.verifiedAt),
          sql`NOT ${multipartInProgress(artifact.sha256, m.now)}`,
        ),
      ),
    auditInsertIfChanged(m, {
      action: "artifact.upload",
      model: target.model.name,
      version: target.version.number,
      after: {
        path: artifact.path,
        sha256: artifact.sha256,
        size: artifact.size,
        deduplicated: facts.deduplicated,
        ...(facts.uploadId ? { upload_id: facts.uploadId } : {}),
      },
    }),
    ...markReadyIfVerified(m, target.model.name, target.version.id),
    m.db.select({ status: versions.status }).from(versions).where(eq(versions.id, target.version.id)),
  ] as const;
}

export interface UploadOutcome {
  artifact: ArtifactRow;
  /** False when the request was acknowledged without storing: the bytes were already there. */
  stored: boolean;
  versionStatus: VersionStatus;
}

/**
 * Single-request upload: acknowledged without reading the body when the caller can read a version whose verified
 * bytes are these; otherwise streamed into R2, which checks size and SHA-256 before committing (so a blob stored
 * for a model the caller cannot read is replaced only by identical bytes, and the answer is the same as if it
 * had not been there).
 */
export async function uploadArtifact(
  m: ScopedMutation,
  bucket: R2Bucket,
  target: ArtifactTarget,
  body: ReadableStream<Uint8Array> | null,
  contentLength: number | null,
): Promise<UploadOutcome> {
  const artifact = uploadableArtifact(target);
  if (artifact.verifiedAt) return { artifact, stored: false, versionStatus: target.version.status };
  if (await isReadableBlobStored(m.db, bucket, artifact, m.principal.modelGlob)) return recordVerified(m, target, artifact, { deduplicated: true });
  if (await isMultipartInProgress(m.db, artifact.sha256, m.now)) throw multipartConflict(artifact);
  await putBlob(bucket, artifact.sha256, artifact.size, body, contentLength);
  return recordVerified(m, target, artifact, { deduplicated: false });
}

async function recordVerified(m: Mutation, target: ArtifactTarget, artifact: ArtifactRow, facts: Verification): Promise<UploadOutcome> {
  const [marked, , , , [version]] = await m.db.batch(verifyStatements(m, target, artifact, facts));
  const outcome = { stored: !facts.deduplicated, versionStatus: version!.status };
  if (marked.meta.changes > 0) return { ...outcome, artifact: { ...artifact, verifiedAt: m.now } };
  // Either a concurrent request verified it first (fine) or a multipart upload of these bytes began meanwhile.
  const current = await findArtifactOfVersion(m.db, artifact.versionId, artifact.path);
  if (!current?.verifiedAt) throw multipartConflict(artifact);
  return { ...outcome, artifact: current };
}

async function isMultipartInProgress(db: Database, sha256: string, now: string): Promise<boolean> {
  const row = await db.get<{ busy: number }>(sql`SELECT ${multipartInProgress(sha256, now)} AS busy`);
  return Boolean(row?.busy);
}

export const multipartConflict = (artifact: ArtifactRow) =>
  conflict("a multipart upload of the same bytes is in progress; retry when it completes (the bytes are then deduplicated) or abort it", {
    reason: "upload_in_progress",
    sha256: artifact.sha256,
  });
