/**
 * Blob bytes through the Workers Cache API: blobs are immutable and content-addressed, so a data center may keep
 * a copy keyed by digest and serve repeated downloads without a round trip to R2. The cache is the Worker's own
 * (`caches.default` under a synthetic URL no client can request), and is only read after the route has
 * authorized the caller and found a verified artifact: what it holds never decides who may read it.
 */
import { getBlob, type ByteRange } from "./blobs";

/** Cache API entries are limited to 512 MB; larger blobs always stream from R2. */
export const BLOB_CACHE_MAX_BYTES = 500 * 1024 * 1024;

/** Not a host anyone can reach (.invalid, RFC 2606): the key only names an entry of this Worker's cache. */
const cacheUrl = (sha256: string) => `https://blob-cache.edgereg.invalid/sha256/${sha256}`;
/** A tiny entry saying a blob was missed once here: only a blob asked for again is copied into the cache. */
const seenUrl = (sha256: string) => `https://blob-cache.edgereg.invalid/seen/${sha256}`;

export interface BlobReadOptions {
  /** The cache to use; null reads R2 only (e.g. the client asked `Cache-Control: no-cache`). */
  cache: Cache | null;
  /** Filling the cache on a miss runs after the response. */
  waitUntil(promise: Promise<unknown>): void;
}

export interface BlobRead {
  body: ReadableStream;
  /** Where the bytes came from, for the `X-Blob-Cache` header and the benchmark. */
  source: "cache" | "r2";
}

/**
 * The bytes of a verified blob of `size` bytes (or one range of them): from the cache when it holds the blob,
 * else from R2, filling the cache afterwards. Null when R2 has no such blob.
 */
export async function readBlob(bucket: R2Bucket, sha256: string, size: number, range: ByteRange | undefined, options: BlobReadOptions): Promise<BlobRead | null> {
  const cache = size <= BLOB_CACHE_MAX_BYTES ? options.cache : null;
  if (cache) {
    const headers = range ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` } : undefined;
    const hit = await cache.match(new Request(cacheUrl(sha256), { headers }));
    if (hit?.body && hit.status === (range ? 206 : 200)) return { body: hit.body, source: "cache" };
    await hit?.body?.cancel();
  }
  const object = await getBlob(bucket, sha256, range);
  if (!object) return null;
  if (cache) options.waitUntil(admit(cache, bucket, sha256).catch(() => undefined));
  return { body: object.body, source: "r2" };
}

/**
 * Filling the cache costs a second read of the whole blob from R2, so a blob downloaded once (most large files) is
 * only marked as seen; its next miss fills the cache. A one-off download then costs what it did without the cache.
 */
async function admit(cache: Cache, bucket: R2Bucket, sha256: string): Promise<void> {
  const seen = await cache.match(new Request(seenUrl(sha256)));
  if (!seen) {
    await cache.put(new Request(seenUrl(sha256)), new Response("", { headers: { "Cache-Control": "public, max-age=86400" } }));
    return;
  }
  await seen.body?.cancel();
  await fill(cache, bucket, sha256);
}

/** Copies the whole blob from R2 into the cache (a read of its own, so a slow client never holds it in memory). */
async function fill(cache: Cache, bucket: R2Bucket, sha256: string): Promise<void> {
  const object = await getBlob(bucket, sha256);
  if (!object) return;
  const headers = {
    "Content-Type": "application/octet-stream",
    "Content-Length": String(object.size),
    ETag: `"${sha256}"`,
    // Public only inside this Worker's cache, whose key no client can request; clients are answered `private`.
    "Cache-Control": "public, max-age=31536000, immutable",
  };
  await cache.put(new Request(cacheUrl(sha256)), new Response(object.body, { headers }));
}
