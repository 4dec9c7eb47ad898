/**
 * The reads the OCI door needs beyond resolution: models by repository name, tag sources, blobs by digest. Deleted
 * models and versions do not exist here, as for every read but an admin's on /v1.
 */
import { and, asc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Database } from "./db";
import type { ModelRow } from "./models";
import { artifacts, models, ociDocuments, refs, versions } from "./schema";
import type { ArtifactRow } from "./versions";

/** Models whose name equals `repository` ignoring case (SQLite's lower() folds ASCII, all a model name may hold). */
export async function modelsNamedIgnoringCase(db: Database, repository: string): Promise<ModelRow[]> {
  return db
    .select()
    .from(models)
    .where(and(sql`lower(${models.name}) = ${repository.toLowerCase()}`, isNull(models.deletedAt)))
    .orderBy(asc(models.name))
    .all();
}

/** Names of the models a glob covers, in name order. */
export async function modelNamesIn(db: Database, glob: string): Promise<string[]> {
  const rows = await db
    .select({ name: models.name })
    .from(models)
    .where(and(sql`${models.name} GLOB ${glob}`, isNull(models.deletedAt)))
    .orderBy(asc(models.name))
    .all();
  return rows.map((r) => r.name);
}

/** The model's ref names and its READY versions (number, semver, archived), in one round trip. */
export async function tagSources(db: Database, modelId: string) {
  const [refRows, versionRows] = await db.batch([
    db.select({ name: refs.name }).from(refs).where(eq(refs.modelId, modelId)),
    db
      .select({ number: versions.number, semver: versions.semver, archived: versions.archived })
      .from(versions)
      .where(and(eq(versions.modelId, modelId), eq(versions.status, "READY"), isNull(versions.deletedAt))),
  ]);
  return { refs: refRows.map((r) => r.name), versions: versionRows };
}

/** A verified artifact with these bytes in a READY version of the model, or null. */
export async function verifiedArtifactOfModel(db: Database, modelId: string, sha256: string): Promise<ArtifactRow | null> {
  const row = await db
    .select({ artifact: artifacts })
    .from(artifacts)
    .innerJoin(versions, eq(versions.id, artifacts.versionId))
    .where(
      and(
        eq(artifacts.sha256, sha256),
        isNotNull(artifacts.verifiedAt),
        eq(versions.modelId, modelId),
        eq(versions.status, "READY"),
        isNull(versions.deletedAt),
      ),
    )
    .limit(1)
    .get();
  return row?.artifact ?? null;
}

export interface StoredDocument {
  digest: string;
  mediaType: string;
  body: string;
  number: number;
  semver: string;
}

/** A manifest or config served before for a version of this model, by digest. */
export async function findDocument(db: Database, modelId: string, digest: string): Promise<StoredDocument | null> {
  const row = await db
    .select({ digest: ociDocuments.digest, mediaType: ociDocuments.mediaType, body: ociDocuments.body, number: versions.number, semver: versions.semver })
    .from(ociDocuments)
    .innerJoin(versions, eq(versions.id, ociDocuments.versionId))
    .where(and(eq(ociDocuments.digest, digest), eq(versions.modelId, modelId), isNull(versions.deletedAt)))
    .get();
  return row ?? null;
}

/** Records documents by digest; a digest already recorded keeps its row (its bytes are the same by definition). */
export async function recordDocuments(db: Database, versionId: string, documents: { digest: string; mediaType: string; body: string }[], now: string) {
  const [first, ...rest] = documents.map((d) => db.insert(ociDocuments).values({ ...d, versionId, createdAt: now }).onConflictDoNothing());
  if (first) await db.batch([first, ...rest]);
}
