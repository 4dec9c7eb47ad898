/**
 * Content deduplication within the caller's scope. Blobs are content-addressed and stored once, but a digest is
 * reused without its bytes only when the caller can already read a version holding it; a copy under a model
 * outside the caller's token scope changes nothing in any answer (status, READY vs PENDING, what must be sent).
 */
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { unprocessable } from "../domain/errors";
import type { Mutation } from "./audit";
import { headBlob } from "./blobs";
import type { Database } from "./db";
import { artifacts, models, versions } from "./schema";
import type { ArtifactRow } from "./versions";

/**
 * Who is uploading or declaring bytes, as far as deduplication cares: the model glob of the token. A digest is
 * reused without its bytes only when the caller can already read a version holding it (DESIGN §8: a scoped token
 * never learns whether a blob exists outside its scope). CommandContext satisfies this.
 */
export type ScopedMutation = Mutation & { principal: { modelGlob: string } };

/**
 * SQL: a verified artifact with these bytes under a model the glob covers (SQLite's GLOB is the scope check's
 * semantics, see globMatches). Only such a copy lets a caller skip sending bytes.
 */
export function readableCopy(sha256: string, size: number | null, modelGlob: string) {
  return sql`EXISTS (SELECT 1 FROM artifacts a JOIN versions v ON v.id = a.version_id JOIN models mo ON mo.id = v.model_id
    WHERE a.sha256 = ${sha256} ${size === null ? sql`` : sql`AND a.size = ${size}`} AND a.verified_at IS NOT NULL AND mo.name GLOB ${modelGlob})`;
}

/**
 * True when the caller may reuse these bytes without sending them: they are stored and verified under a version it
 * can read. R2 is asked too, so a blob removed behind the registry's back is stored again rather than trusted.
 * 422 when that readable copy has another size: the declaration is wrong and can never verify. Copies the caller
 * cannot read change nothing in the answer: the bytes must be sent and are checked like any others.
 */
export async function isReadableBlobStored(db: Database, bucket: R2Bucket, artifact: ArtifactRow, modelGlob: string): Promise<boolean> {
  const verified = await db
    .select({ size: artifacts.size })
    .from(artifacts)
    .innerJoin(versions, eq(versions.id, artifacts.versionId))
    .innerJoin(models, eq(models.id, versions.modelId))
    .where(and(eq(artifacts.sha256, artifact.sha256), isNotNull(artifacts.verifiedAt), sql`${models.name} GLOB ${modelGlob}`))
    .get();
  if (!verified) return false;
  if (verified.size !== artifact.size) {
    throw unprocessable(`sha256 ${artifact.sha256} is stored with ${verified.size} bytes, but this artifact declares ${artifact.size}`, {
      reason: "size_mismatch",
      expected_size: artifact.size,
      stored_size: verified.size,
    });
  }
  return (await headBlob(bucket, artifact.sha256))?.size === artifact.size;
}

/** True when verified bytes with this sha256 are stored for any version, readable by the caller or not. */
export async function isVerifiedAnywhere(db: Database, sha256: string): Promise<boolean> {
  return Boolean(await db.select({ one: sql`1` }).from(artifacts).where(and(eq(artifacts.sha256, sha256), isNotNull(artifacts.verifiedAt))).get());
}
