/**
 * The reads behind the OCI door (src/oci): which model a repository name addresses, the tags and catalog a caller
 * may see, and manifests, configs and blobs by digest. Each read authorizes its caller (reader, model scope) first,
 * so a scoped token learns nothing about models outside its scope. Tags resolve through /v1/resolve's code.
 */
import { authorize, canTouchModel, type Principal } from "../auth/principal";
import { notFound } from "../domain/errors";
import { modelPackage, type Document, type ModelPackage } from "../domain/modelpack";
import { lexically, repositoryOf, tagsOf } from "../domain/oci";
import type { Database } from "../store/db";
import { findModel, type ModelRow } from "../store/models";
import { findDocument, modelNamesIn, modelsNamedIgnoringCase, recordDocuments, tagSources, verifiedArtifactOfModel } from "../store/oci";
import type { Resolved } from "../store/resolve";
import { findVersion, listVersions, type ArtifactRow, type VersionView } from "../store/versions";

export type { Resolved, VersionView, ModelRow };

type Reader = { db: Database; principal: Principal };

/**
 * The model a repository name addresses: the model of that exact name, else the one model the caller may read whose
 * name matches ignoring case (repository names are lowercase; `Flight.Delay` is pulled as `flight.delay`). Outside
 * the caller's scope the answer is 403 whether or not such a model exists.
 */
export async function repositoryModel(ctx: Reader, repository: string): Promise<ModelRow> {
  authorize(ctx.principal, "reader");
  const exact = canTouchModel(ctx.principal, repository) ? await findModel(ctx.db, repository) : null;
  if (exact) return exact;
  const visible = (await modelsNamedIgnoringCase(ctx.db, repository)).filter((m) => canTouchModel(ctx.principal, m.name));
  if (visible.length === 1) return visible[0]!;
  authorize(ctx.principal, "reader", repository);
  if (visible.length > 1) {
    throw notFound(`repository '${repository}' matches several models ignoring case (${visible.map((m) => m.name).join(", ")}); rename one to pull it`, {
      model: repository,
      reason: "ambiguous_name",
    });
  }
  throw notFound(`model '${repository}' does not exist`, { model: repository, reason: "no_model" });
}

/** The model name to retry a resolution with, when `repository` is not that model's exact name; null when none. */
export async function caseInsensitiveMatch(ctx: Reader, repository: string): Promise<string | null> {
  const visible = (await modelsNamedIgnoringCase(ctx.db, repository)).filter((m) => canTouchModel(ctx.principal, m.name));
  return visible.length === 1 && visible[0]!.name !== repository ? visible[0]!.name : null;
}

/** Repository names of the models the caller may read, lexically; models whose name is no repository name are left out. */
export async function catalog(ctx: Reader): Promise<string[]> {
  authorize(ctx.principal, "reader");
  const names = await modelNamesIn(ctx.db, ctx.principal.modelGlob);
  return lexically(names.map(repositoryOf).filter((r): r is string => r !== null));
}

/** Every tag the model answers to, lexically. */
export async function modelTags(ctx: Reader, model: ModelRow): Promise<string[]> {
  authorize(ctx.principal, "reader", model.name);
  const sources = await tagSources(ctx.db, model.id);
  return tagsOf({ refs: sources.refs, hasLatest: sources.versions.some((v) => !v.archived), versions: sources.versions });
}

/** The package (manifest and config) of a version. */
export const packageOf = (view: VersionView): Promise<ModelPackage> => modelPackage(view);

/** Digests this isolate knows are recorded in D1, so each is written once per isolate at most. */
const MAX_REMEMBERED_DIGESTS = 4096;
const recorded = new Set<string>();

/**
 * Records a served package by digest, so its digests keep naming these bytes after the version's manifest changes.
 * Null when this isolate recorded them already; a failed write is forgotten, to be tried at the next pull.
 */
export function recordPackage(db: Database, versionId: string, pkg: ModelPackage, now: string): Promise<void> | null {
  const fresh = [pkg.manifest, pkg.config].filter((d) => !recorded.has(d.digest));
  if (fresh.length === 0) return null;
  if (recorded.size >= MAX_REMEMBERED_DIGESTS) recorded.clear();
  for (const d of fresh) recorded.add(d.digest);
  const rows = fresh.map((d) => ({ digest: d.digest, mediaType: d.mediaType, body: utf8.decode(d.bytes) }));
  return recordDocuments(db, versionId, rows, now).catch((error) => {
    for (const d of fresh) recorded.delete(d.digest);
    console.error(JSON.stringify({ level: "warn", message: "could not record OCI documents", error: String(error) }));
  });
}

const utf8 = new TextDecoder();
const PAGE = 100;

export interface DocumentOfVersion {
  document: Document;
  number: number;
  semver: string;
}

/**
 * The manifest or config with this digest, of a READY version of the model, or null. A digest the door served
 * before is one indexed read; any other is searched for by generating the model's READY versions, newest first
 * (digest pulls name recent versions), a page at a time, and recorded when found.
 */
export async function documentByDigest(ctx: Reader & { now: string }, model: ModelRow, digest: string, base: string): Promise<DocumentOfVersion | null> {
  authorize(ctx.principal, "reader", model.name);
  const stored = await findDocument(ctx.db, model.id, digest);
  if (stored) {
    return { document: { digest: stored.digest, mediaType: stored.mediaType, bytes: new TextEncoder().encode(stored.body) }, number: stored.number, semver: stored.semver };
  }
  let cursor: string | null = null;
  do {
    const page = await listVersions(ctx.db, model, { status: "READY" }, { limit: PAGE, cursor }, base);
    for (const view of page.items) {
      const pkg = await packageOf(view);
      const document = [pkg.manifest, pkg.config].find((d) => d.digest === digest);
      if (!document) continue;
      const row = await findVersion(ctx.db, model, { number: view.number });
      if (row) await recordPackage(ctx.db, row.id, pkg, ctx.now);
      return { document, number: view.number, semver: view.semver };
    }
    cursor = page.next_cursor;
  } while (cursor);
  return null;
}

/** A verified artifact of a READY version of the model with these bytes: a layer blob. */
export async function layerBlob(ctx: Reader, model: ModelRow, sha256: string): Promise<ArtifactRow | null> {
  authorize(ctx.principal, "reader", model.name);
  return verifiedArtifactOfModel(ctx.db, model.id, sha256);
}
