/**
 * The reads behind the OCI door (src/oci): which model a repository name addresses, the tags and catalog a caller
 * may see, and manifests, configs and blobs by digest. Each read authorizes its caller (reader, model scope) first,
 * so a scoped token learns nothing about models outside its scope. Tags resolve through /v1/resolve's code.
 */
import { authorize, canTouchModel, type Principal } from "../auth/principal";
import { notFound } from "../domain/errors";
import { modelPackage, type ModelPackage } from "../domain/modelpack";
import { lexically, repositoryOf, tagsOf } from "../domain/oci";
import type { Database } from "../store/db";
import { findModel, type ModelRow } from "../store/models";
import { modelNamesIn, modelsNamedIgnoringCase, tagSources, verifiedArtifactOfModel } from "../store/oci";
import type { Resolved } from "../store/resolve";
import { getVersionView, listVersions, type ArtifactRow, type VersionView } from "../store/versions";

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

/** Which version of which model a generated document's digest was last seen for, so a digest pull reads one version. */
const MAX_REMEMBERED_DIGESTS = 4096;
const seenDigests = new Map<string, { model: string; number: number }>();

/** The package of a version, remembering its digests for later digest pulls in this isolate. */
export async function packageOf(view: VersionView): Promise<ModelPackage> {
  const pkg = await modelPackage(view);
  if (seenDigests.size >= MAX_REMEMBERED_DIGESTS) seenDigests.clear();
  for (const digest of [pkg.manifest.digest, pkg.config.digest]) seenDigests.set(digest, { model: view.model, number: view.number });
  return pkg;
}

const PAGE = 100;

/**
 * The READY version whose generated manifest or config has this digest, with its package, or null. Nothing is
 * stored: a digest this isolate handed out is checked against its one version; otherwise the model's READY versions
 * are generated newest first (digest pulls name recent versions), a page at a time.
 */
export async function versionByDigest(ctx: Reader, model: ModelRow, digest: string, base: string): Promise<{ view: VersionView; pkg: ModelPackage } | null> {
  authorize(ctx.principal, "reader", model.name);
  const isMatch = (pkg: ModelPackage) => pkg.manifest.digest === digest || pkg.config.digest === digest;
  const seen = seenDigests.get(digest);
  if (seen?.model === model.name) {
    const view = await getVersionView(ctx.db, model, { number: seen.number }, base).catch(() => null);
    if (view?.status === "READY") {
      const pkg = await packageOf(view);
      if (isMatch(pkg)) return { view, pkg };
    }
  }
  let cursor: string | null = null;
  do {
    const page = await listVersions(ctx.db, model, { status: "READY" }, { limit: PAGE, cursor }, base);
    for (const view of page.items) {
      const pkg = await packageOf(view);
      if (isMatch(pkg)) return { view, pkg };
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
