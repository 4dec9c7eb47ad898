/**
 * Artifact bytes in R2, content-addressed under `blobs/sha256/<hex>`: the only module that talks to R2.
 * Whether a blob counts as verified is D1's business (artifacts.verified_at); this module only moves bytes.
 */
import { badRequest, conflict, DomainError, unprocessable } from "../domain/errors";

const BLOB_PREFIX = "blobs/sha256/";

export const blobKey = (sha256: string) => `${BLOB_PREFIX}${sha256}`;

/** Marks objects assembled by a multipart upload, so a failed verification deletes only its own bytes. */
const UPLOAD_MARKER = "edgereg-upload";

export interface ByteRange {
  offset: number;
  length: number;
}

export interface UploadedPart {
  partNumber: number;
  etag: string;
}

/**
 * Streams `body` into the blob, accepted only when it is exactly `size` bytes with that SHA-256: R2 checks the
 * digest before it commits, so a refused body leaves nothing behind (and never replaces a stored blob).
 */
export async function putBlob(
  bucket: R2Bucket,
  sha256: string,
  size: number,
  body: ReadableStream<Uint8Array> | null,
  contentLength: number | null,
): Promise<void> {
  const expected = { sha256, size };
  await refuseBodies(() => bucket.put(blobKey(sha256), fixedLength(body, expected, contentLength), { sha256 }), expected);
}

export async function headBlob(bucket: R2Bucket, sha256: string): Promise<R2Object | null> {
  return bucket.head(blobKey(sha256));
}

export async function getBlob(bucket: R2Bucket, sha256: string, range?: ByteRange): Promise<R2ObjectBody | null> {
  return bucket.get(blobKey(sha256), range ? { range } : undefined);
}

/**
 * Where a multipart upload assembles when it may not write the blob's key: verified bytes with its sha256 are
 * stored already, under a version the uploader cannot read. The bytes are checked there, then the blob is used.
 */
export const stagingKey = (uploadId: string) => `uploads/${uploadId}`;

/** Starts an R2 multipart upload assembling into `key` (the blob's, or a staging key); returns R2's upload id. */
export async function createBlobUpload(bucket: R2Bucket, key: string, uploadId: string): Promise<string> {
  const upload = await bucket.createMultipartUpload(key, { customMetadata: { [UPLOAD_MARKER]: uploadId } });
  return upload.uploadId;
}

/** Streams one part; its size is checked here, its bytes only when the whole object is verified. */
export async function putBlobPart(
  bucket: R2Bucket,
  key: string,
  r2UploadId: string,
  partNumber: number,
  size: number,
  body: ReadableStream<Uint8Array> | null,
  contentLength: number | null,
): Promise<UploadedPart> {
  const upload = bucket.resumeMultipartUpload(key, r2UploadId);
  const expected = { size, partNumber };
  return refuseBodies(() => upload.uploadPart(partNumber, fixedLength(body, expected, contentLength)), expected);
}

/** Assembles the parts; null when R2 no longer knows the upload (already completed or aborted). */
export async function completeBlobUpload(bucket: R2Bucket, key: string, r2UploadId: string, parts: UploadedPart[]): Promise<R2Object | null> {
  try {
    return await bucket.resumeMultipartUpload(key, r2UploadId).complete(parts);
  } catch (error) {
    if (isNoSuchUpload(error)) return null;
    // A part sent again while completing: R2 holds a newer part than the one D1 listed.
    if (isInvalidPart(error)) {
      throw conflict("a part was sent again while this upload was completing; send complete again once every part has been answered", {
        reason: "parts_changed",
      });
    }
    throw error;
  }
}

export async function abortBlobUpload(bucket: R2Bucket, key: string, r2UploadId: string): Promise<void> {
  try {
    await bucket.resumeMultipartUpload(key, r2UploadId).abort();
  } catch (error) {
    if (!isNoSuchUpload(error)) throw error;
  }
}

/** SHA-256 and size of the object at `key`, streamed through the runtime's digest (no bytes held in memory). */
export async function digestObject(bucket: R2Bucket, key: string): Promise<{ sha256: string; size: number } | null> {
  const object = await bucket.get(key);
  if (!object) return null;
  const digest = new crypto.DigestStream("SHA-256");
  await object.body.pipeTo(digest);
  return { sha256: hex(await digest.digest), size: object.size };
}

/**
 * Deletes the blob only when it still holds the bytes that upload assembled: a correct single upload that
 * landed meanwhile stays. (R2 has no conditional delete; the window left is the head→delete round trip.)
 */
export async function deleteBlobAssembledBy(bucket: R2Bucket, key: string, uploadId: string): Promise<void> {
  if (await isAssembledBy(bucket, key, uploadId)) await bucket.delete(key);
}

/** True when the object at `key` is the one that upload assembled: R2 completed it, whatever D1 recorded since. */
export async function isAssembledBy(bucket: R2Bucket, key: string, uploadId: string): Promise<boolean> {
  const object = await bucket.head(key);
  return object?.customMetadata?.[UPLOAD_MARKER] === uploadId;
}

/**
 * After staged bytes verified: the blob already holds them, so the staged copy goes. Should the blob have gone
 * meanwhile (collected as unreferenced), the staged bytes become the blob, checked by R2 against the sha256 again.
 */
export async function adoptStaged(bucket: R2Bucket, key: string, sha256: string, size: number): Promise<void> {
  if ((await headBlob(bucket, sha256))?.size !== size) {
    const staged = await bucket.get(key);
    if (staged) await bucket.put(blobKey(sha256), staged.body.pipeThrough(new FixedLengthStream(size)), { sha256 });
  }
  await bucket.delete(key);
}

export interface StoredBlob {
  sha256: string;
  size: number;
  uploaded: Date;
}

/** One page of stored blobs in key (sha256) order, from a cursor or after a sha256; null cursor on the last page. */
export async function listBlobs(
  bucket: R2Bucket,
  from: { cursor?: string; after?: string },
  limit: number,
): Promise<{ blobs: StoredBlob[]; cursor: string | null }> {
  const page = await bucket
    .list({ prefix: BLOB_PREFIX, limit, ...(from.cursor ? { cursor: from.cursor } : from.after ? { startAfter: blobKey(from.after) } : {}) })
    .catch((error) => {
      if (from.cursor) throw badRequest("cursor is not one this listing gave", { field: "cursor" });
      throw error;
    });
  return {
    blobs: page.objects.map((o) => ({ sha256: o.key.slice(BLOB_PREFIX.length), size: o.size, uploaded: o.uploaded })),
    cursor: page.truncated ? page.cursor : null,
  };
}

/**
 * Deletes a blob only while it is the object that was judged unreferenced (same upload time): bytes stored again
 * meanwhile stay. (R2 has no conditional delete; the window left is the head→delete round trip.)
 */
export async function deleteBlobIfUnchanged(bucket: R2Bucket, blob: StoredBlob): Promise<boolean> {
  const object = await bucket.head(blobKey(blob.sha256));
  if (!object || object.uploaded.getTime() !== blob.uploaded.getTime()) return false;
  await bucket.delete(blobKey(blob.sha256));
  return true;
}

/** R2 needs a known length; FixedLengthStream gives one and fails the write when the body is shorter or longer. */
function fixedLength(body: ReadableStream<Uint8Array> | null, expected: Expected, contentLength: number | null): ReadableStream {
  if (contentLength !== null && contentLength !== expected.size) throw sizeMismatch(expected, contentLength);
  const source = body ?? new ReadableStream({ start: (controller) => controller.close() });
  return watched(source, expected).pipeThrough(new FixedLengthStream(expected.size));
}

interface Expected {
  size: number;
  sha256?: string;
  partNumber?: number;
  /** Set when reading the request body failed (the client went away), so the write's failure is the client's. */
  bodyFailed?: boolean;
}

/** Passes the body through, noting in `expected` when reading it fails. */
function watched(source: ReadableStream<Uint8Array>, expected: Expected): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        expected.bodyFailed = true;
        controller.error(error);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** Turns R2's and the runtime's refusals of a body into 4xx; anything else stays an internal error. */
async function refuseBodies<T>(write: () => Promise<T>, expected: Expected): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    if (expected.bodyFailed) throw badRequest("the request body ended before all its bytes arrived", { reason: "body_incomplete" });
    const message = error instanceof Error ? error.message : String(error);
    if (/\(10037\)|SHA-256 checksum/i.test(message)) {
      // R2's refusal names the digest it computed ("Actual SHA-256 was: …"); without it, the received one is unknown.
      const received = /Actual SHA-256 was:\s*([0-9a-f]{64})/i.exec(message)?.[1]?.toLowerCase() ?? null;
      throw unprocessable(`the body's SHA-256 is ${received ?? "different"}, not the declared ${expected.sha256}`, {
        reason: "sha256_mismatch",
        expected_sha256: expected.sha256,
        actual_sha256: received,
      });
    }
    if (/FixedLengthStream|expected bytes|too many bytes/i.test(message)) throw sizeMismatch(expected, null);
    if (isNoSuchUpload(error)) throw conflict("R2 no longer knows this multipart upload: it was completed or aborted", { reason: "upload_closed" });
    if (/client disconnected|request stream/i.test(message)) throw badRequest("the request body ended before all its bytes arrived", { reason: "body_incomplete" });
    throw error;
  }
}

function sizeMismatch({ size, partNumber }: Expected, received: number | null) {
  const what = partNumber === undefined ? "the body" : `part ${partNumber}`;
  const got = received === null ? "a different number of bytes" : `${received} bytes`;
  return unprocessable(`${what} must be ${size} bytes; got ${got}`, {
    reason: "size_mismatch",
    expected_size: size,
    ...(received === null ? {} : { received_size: received }),
    ...(partNumber === undefined ? {} : { part: partNumber }),
  });
}

const isInvalidPart = (error: unknown) => /\(10025\)|parts could not be found/i.test(String((error as Error)?.message ?? error));

const isNoSuchUpload = (error: unknown) => /\(10024\)|multipart upload does not exist/i.test(String((error as Error)?.message ?? error));

const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
