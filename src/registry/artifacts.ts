/**
 * Artifact bytes: the single upload and the multipart session's start, parts, completion and abort (publisher,
 * within the token's scope), each announcing `version.ready` when it verified a version's last artifact; and the
 * reads that serve verified bytes. R2 is passed in by the door, which holds the binding.
 */
import { authorize } from "../auth/principal";
import { artifactUrl, type VersionKey, type VersionStatus } from "../domain/versions";
import * as artifacts from "../store/artifacts";
import * as uploads from "../store/uploads";
import type { CommandContext } from "./context";
import { versionReadyEvents } from "./events";

export type { ArtifactRow, ArtifactTarget } from "../store/artifacts";
export type { PartView, UploadSessionView } from "../store/uploads";
export { MAX_PART_BYTES, MAX_PARTS, MIN_PART_BYTES } from "../store/uploads";
export { getBlob, type ByteRange } from "../store/blobs";
export { readBlob } from "../store/blob-cache";

/** Where an artifact lives: `/models/NAME/versions/V/artifacts/PATH`. */
export interface ArtifactAddress {
  model: string;
  version: VersionKey;
  path: string;
}

/** A multipart session of one version: `/models/NAME/versions/V/uploads/ID`. */
export interface UploadAddress {
  model: string;
  version: VersionKey;
  id: string;
}

export interface ArtifactUploaded {
  path: string;
  size: number;
  sha256: string;
  content_type: string;
  url: string;
  /** false when acknowledged without storing: the same bytes were already stored. */
  stored: boolean;
  version_status: VersionStatus;
}

type Body = ReadableStream<Uint8Array> | null;

/** Single-request upload of a declared artifact; the body must match its declared size and sha256. */
export async function uploadArtifact(
  ctx: CommandContext,
  bucket: R2Bucket,
  address: ArtifactAddress,
  body: Body,
  contentLength: number | null,
): Promise<ArtifactUploaded> {
  authorize(ctx.principal, "publisher", address.model);
  const target = await artifacts.findArtifactTarget(ctx.db, address.model, address.version, address.path);
  const outcome = await artifacts.uploadArtifact(ctx, bucket, target, body, contentLength);
  ctx.emit(...versionReadyEvents(target.model.name, target.version, outcome.versionStatus));
  const { artifact } = outcome;
  return {
    path: artifact.path,
    size: artifact.size,
    sha256: artifact.sha256,
    content_type: artifact.contentType,
    url: artifactUrl(ctx.baseUrl, target.model.name, target.version.number, artifact.path),
    stored: outcome.stored,
    version_status: outcome.versionStatus,
  };
}

/** Opens a multipart session, or answers the live one to resume (`created: false`), or a completed one when the bytes are stored. */
export async function startUpload(
  ctx: CommandContext,
  bucket: R2Bucket,
  address: ArtifactAddress,
  partSize: number | undefined,
): Promise<{ session: uploads.UploadSessionView; created: boolean }> {
  authorize(ctx.principal, "publisher", address.model);
  const target = await artifacts.findArtifactTarget(ctx.db, address.model, address.version, address.path);
  const started = await uploads.startUpload(ctx, bucket, target, partSize);
  // Bytes already stored complete the artifact at once, which may make the version READY.
  ctx.emit(...versionReadyEvents(target.model.name, target.version, started.session.version_status));
  return started;
}

export async function uploadPart(
  ctx: CommandContext,
  bucket: R2Bucket,
  address: UploadAddress,
  n: number,
  body: Body,
  contentLength: number | null,
): Promise<uploads.PartView> {
  const upload = await findUpload(ctx, address);
  return uploads.uploadPart(ctx, bucket, upload, n, body, contentLength);
}

/** Assembles and verifies the parts; the version becomes READY when this was its last artifact. */
export async function completeUpload(ctx: CommandContext, bucket: R2Bucket, address: UploadAddress): Promise<uploads.UploadSessionView> {
  const upload = await findUpload(ctx, address);
  const completed = await uploads.completeUpload(ctx, bucket, upload);
  ctx.emit(...versionReadyEvents(upload.model.name, upload.version, completed.version_status));
  return completed;
}

export async function abortUpload(ctx: CommandContext, bucket: R2Bucket, address: UploadAddress): Promise<uploads.UploadSessionView> {
  return uploads.abortUpload(ctx, bucket, await findUpload(ctx, address));
}

/** A session with the parts received so far: the uploader's (publisher's) read. */
export async function getUpload(ctx: CommandContext, address: UploadAddress): Promise<uploads.UploadSessionView> {
  return uploads.getUpload(ctx.db, await findUpload(ctx, address), ctx.now);
}

async function findUpload(ctx: CommandContext, address: UploadAddress): Promise<uploads.UploadContext> {
  authorize(ctx.principal, "publisher", address.model);
  return uploads.findUpload(ctx.db, address.model, address.version, address.id);
}

// ---- reads: downloads ----

/** The verified artifact an address names, for the caller to stream; 404 until its bytes are verified. */
export async function readServableArtifact(ctx: Pick<CommandContext, "db" | "principal">, address: ArtifactAddress): Promise<artifacts.ArtifactRow> {
  authorize(ctx.principal, "reader", address.model);
  return artifacts.servableArtifact(await artifacts.findArtifactTarget(ctx.db, address.model, address.version, address.path));
}

export { findArtifactTarget, servableArtifact } from "../store/artifacts";
