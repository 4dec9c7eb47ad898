import { and, asc, eq, gt, isNotNull, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { conflict, modelNotFound, notFound } from "../domain/errors";
import { auditInsert, guardedAuditInsert, isGuardFailure, type Mutation } from "./audit";
import { inList, isUniqueViolation, type Database } from "./db";
import { decodeCursor, pageOf, type Page, type Paged } from "./pagination";
import { auditEvents, modelRedirects, modelTags, models, refs, versions, webhookDeliveries } from "./schema";
import { tagRows, tagsOf, type TagPatch } from "./tags";

export type ModelRow = typeof models.$inferSelect;

export interface ModelView {
  name: string;
  description: string;
  tags: Record<string, string>;
  created_at: string;
  created_by: string;
  updated_at: string;
  /** Where each ref points now, as version numbers. */
  refs: Record<string, number>;
  /** Highest READY, non-archived version number: what `models:/NAME/latest` resolves to. */
  latest_version: number | null;
  /** Names before renames that still redirect serving here; only when there are some. */
  former_names?: string[];
  /** Only on a deleted model (admins' reads). */
  deleted_at?: string;
}

/** Deleted models and versions are absent unless a read asks for them (an admin's). */
export interface ModelLookup {
  includeDeleted?: boolean;
}

/** Who sees deleted models and versions: admins; everyone else gets the 404 of something that does not exist. */
export const lookupFor = (isAdmin: boolean): ModelLookup => ({ includeDeleted: isAdmin });

export async function findModel(db: Database, name: string, lookup: ModelLookup = {}): Promise<ModelRow | null> {
  const row = (await db.select().from(models).where(eq(models.name, name)).get()) ?? null;
  return row && (row.deletedAt === null || lookup.includeDeleted) ? row : null;
}

export async function requireModel(db: Database, name: string, lookup: ModelLookup = {}): Promise<ModelRow> {
  const model = await findModel(db, name, { includeDeleted: true });
  if (!model) {
    // Only on the way to a 404: a former name says where the model went.
    const renamed = await redirectHolder(db, name);
    if (renamed && renamed.deletedAt === null) {
      throw notFound(`model '${name}' was renamed to '${renamed.name}'; only serving references (/v1/resolve, /v1/r/…) still follow the old name`, {
        model: name,
        reason: "renamed",
        renamed_to: renamed.name,
      });
    }
    throw modelNotFound(name);
  }
  if (model.deletedAt !== null && !lookup.includeDeleted) throw deletedModel(name);
  return model;
}

export const deletedModel = (name: string) =>
  notFound(
    `model '${name}' was deleted; an admin sees it with GET /v1/models?deleted=true and restores it with POST /v1/models/${name}/restore`,
    { model: name, reason: "deleted" },
  );

/** The model a former name still redirects to (deleted or not), or null. */
async function redirectHolder(db: Database, oldName: string): Promise<ModelRow | null> {
  const row = await db
    .select({ model: models })
    .from(modelRedirects)
    .innerJoin(models, eq(models.id, modelRedirects.modelId))
    .where(eq(modelRedirects.oldName, oldName))
    .get();
  return row?.model ?? null;
}

const notRedirected = (name: string) => sql`NOT EXISTS (SELECT 1 FROM model_redirects WHERE old_name = ${name})`;

async function assertNotRedirected(db: Database, name: string, allowed?: ModelRow): Promise<void> {
  const holder = await redirectHolder(db, name);
  if (holder && holder.id !== allowed?.id) throw redirectConflict(name, holder.name);
}

const redirectConflict = (name: string, current: string) =>
  conflict(
    `'${name}' is a former name of model '${current}' and still redirects serving there; ` +
      `an admin removes the redirect with DELETE /v1/models/${current}/former-names/${name} before the name can be used again`,
    { field: "name", redirects_to: current },
  );

/**
 * Creates a model, or brings back a deleted one of that name (MLflow's re-create): its versions stay deleted and
 * numbering continues after them. A name that still redirects to a renamed model is refused.
 */
export async function createModel(
  m: Mutation,
  input: { name: string; description?: string; tags?: Record<string, string>; deployment_job_id?: string | null },
): Promise<ModelView> {
  const existing = await findModel(m.db, input.name, { includeDeleted: true });
  if (existing?.deletedAt) return recreateModel(m, existing, input);
  const id = crypto.randomUUID();
  const row: ModelRow = {
    id,
    name: input.name,
    description: input.description ?? "",
    createdAt: m.now,
    createdBy: m.actor,
    updatedAt: m.now,
    deploymentJobId: input.deployment_job_id ?? null,
    deletedAt: null,
  };
  const tags = input.tags ?? {};
  const view = toView(row, tags, [], null);
  try {
    await m.db.batch([
      m.db.insert(models).values(row),
      ...tagRows(tags).map((t) => m.db.insert(modelTags).values({ modelId: id, ...t })),
      // The guard closes the gap to a concurrent rename that makes this name a redirect.
      guardedAuditInsert(m, { action: "model.create", model: row.name, after: { description: row.description, tags } }, notRedirected(row.name)),
    ]);
  } catch (error) {
    if (isUniqueViolation(error, "models")) throw conflict(`model '${input.name}' already exists`, { field: "name" });
    if (isGuardFailure(error)) await assertNotRedirected(m.db, input.name);
    throw error;
  }
  return view;
}

async function recreateModel(
  m: Mutation,
  row: ModelRow,
  input: { description?: string; tags?: Record<string, string>; deployment_job_id?: string | null },
): Promise<ModelView> {
  const tags = input.tags ?? {};
  await m.db.batch([
    // First: it checks the model is still deleted, before the update below clears that (a concurrent re-create wins once).
    guardedAuditInsert(
      m,
      { action: "model.create", model: row.name, before: { deleted_at: row.deletedAt }, after: { description: input.description ?? "", tags, recreated: true } },
      sql`(SELECT deleted_at FROM models WHERE id = ${row.id}) IS NOT NULL`,
    ),
    m.db
      .update(models)
      .set({ deletedAt: null, description: input.description ?? "", deploymentJobId: input.deployment_job_id ?? null, updatedAt: m.now })
      .where(eq(models.id, row.id)),
    m.db.delete(modelTags).where(eq(modelTags.modelId, row.id)),
    ...tagRows(tags).map((t) => m.db.insert(modelTags).values({ modelId: row.id, ...t })),
  ]).catch((error) => {
    if (isGuardFailure(error)) throw conflict(`model '${row.name}' already exists`, { field: "name" });
    throw error;
  });
  return getModel(m.db, row.name);
}

export async function getModel(db: Database, name: string, lookup: ModelLookup = {}): Promise<ModelView> {
  const model = await requireModel(db, name, lookup);
  const [view] = await viewsOf(db, [model]);
  return view!;
}

/**
 * Deletes a model that no ref points into any more (the versions holding refs left them first, each through its
 * command): every remaining version and the model in one batch of four statements, whatever the number of versions,
 * with one `version.delete` audit event per version and the `model.delete` event.
 */
export async function markModelDeleted(m: Mutation, model: ModelRow, reason: string): Promise<void> {
  const live = and(eq(versions.modelId, model.id), isNull(versions.deletedAt));
  await m.db.batch([
    guardedAuditInsert(
      m,
      { action: "model.delete", model: model.name, after: { deleted_at: m.now }, reason },
      // No ref may point into the model any more: deleting never stops serving, and every ref change is recorded.
      sql`NOT EXISTS (SELECT 1 FROM refs WHERE model_id = ${model.id})`,
    ),
    m.db.insert(auditEvents).select(
      m.db
        .select({
          id: sql<number>`NULL`.as("id"),
          at: sql`${m.now}`.as("at"),
          actor: sql`${m.actor}`.as("actor"),
          action: sql`'version.delete'`.as("action"),
          model: sql`${model.name}`.as("model"),
          version: sql`${versions.number}`.as("version"),
          ref: sql`NULL`.as("ref"),
          before: sql`json_object('archived', json(CASE WHEN ${versions.archived} THEN 'true' ELSE 'false' END))`.as("before"),
          after: sql`json_object('stage', 'Archived', 'archived', json('true'), 'cleared_refs', json('[]'), 'deleted', json('true'))`.as("after"),
          reason: sql`${reason}`.as("reason"),
          requestId: sql`${m.requestId}`.as("request_id"),
        })
        .from(versions)
        .where(live),
    ),
    m.db.update(versions).set({ archived: true, deletedAt: m.now, updatedAt: m.now }).where(live),
    m.db.update(models).set({ deletedAt: m.now, updatedAt: m.now }).where(and(eq(models.id, model.id), isNull(models.deletedAt))),
  ]).catch((error) => {
    if (isGuardFailure(error)) throw conflict(`a ref of model '${model.name}' moved meanwhile; send the delete again`, { field: "name" });
    throw error;
  });
}

/** Clears a model's deletion and that of the versions deleted with it (they stay archived). */
export async function restoreModel(m: Mutation, model: ModelRow, reason: string): Promise<void> {
  if (model.deletedAt === null) throw conflict(`model '${model.name}' is not deleted`, { field: "name" });
  await m.db.batch([
    m.db.update(models).set({ deletedAt: null, updatedAt: m.now }).where(eq(models.id, model.id)),
    m.db
      .update(versions)
      .set({ deletedAt: null, updatedAt: m.now })
      .where(and(eq(versions.modelId, model.id), eq(versions.deletedAt, model.deletedAt))),
    auditInsert(m, { action: "model.restore", model: model.name, before: { deleted_at: model.deletedAt }, reason }),
  ]);
}

/**
 * Renames a model: refs, versions and history follow its id; audit entries and webhook streams keyed by name move
 * with it. The old name becomes a redirect for serving; renaming back to a former name drops that redirect.
 */
export async function renameModel(m: Mutation, model: ModelRow, newName: string, reason: string): Promise<void> {
  if (newName === model.name) return;
  const taken = await findModel(m.db, newName, { includeDeleted: true });
  if (taken) throw conflict(`model '${newName}' already exists${taken.deletedAt ? " (deleted; an admin can restore it)" : ""}`, { field: "name" });
  // Renaming back to one of its own former names is allowed (that redirect is dropped below).
  await assertNotRedirected(m.db, newName, model);
  try {
    await m.db.batch([
      m.db.update(models).set({ name: newName, updatedAt: m.now }).where(and(eq(models.id, model.id), eq(models.name, model.name))),
      m.db.delete(modelRedirects).where(and(eq(modelRedirects.oldName, newName), eq(modelRedirects.modelId, model.id))),
      m.db.insert(modelRedirects).values({ oldName: model.name, modelId: model.id, createdAt: m.now, createdBy: m.actor }),
      m.db.update(auditEvents).set({ model: newName }).where(eq(auditEvents.model, model.name)),
      m.db.update(webhookDeliveries).set({ model: newName }).where(eq(webhookDeliveries.model, model.name)),
      guardedAuditInsert(
        m,
        { action: "model.rename", model: newName, before: { name: model.name }, after: { name: newName }, reason },
        sql`(SELECT name FROM models WHERE id = ${model.id}) = ${newName} AND ${notRedirected(newName)}`,
      ),
    ]);
  } catch (error) {
    if (isUniqueViolation(error, "models")) throw conflict(`model '${newName}' already exists`, { field: "name" });
    if (isUniqueViolation(error, "model_redirects")) throw conflict(`'${model.name}' is already a redirect`, { field: "name" });
    if (isGuardFailure(error)) throw conflict(`model '${model.name}' was renamed or '${newName}' taken meanwhile; read it again`, { field: "name" });
    throw error;
  }
}

/** Ends a redirect: serving references that still use the former name get 404 from then on. */
export async function removeRedirect(m: Mutation, model: ModelRow, oldName: string, reason: string): Promise<void> {
  if ((await redirectHolder(m.db, oldName))?.id !== model.id) throw notFound(`'${oldName}' is not a former name of model '${model.name}' that still redirects`, { field: "former_name" });
  await m.db.batch([
    m.db.delete(modelRedirects).where(and(eq(modelRedirects.oldName, oldName), eq(modelRedirects.modelId, model.id))),
    auditInsert(m, { action: "model.redirect_remove", model: model.name, before: { former_name: oldName }, reason }),
  ]);
}

export interface ModelFilter {
  /** Case-insensitive substring of the name. */
  q?: string;
  /** Every pair must be present. */
  tags?: Record<string, string>;
  /** Restricts a scoped token to its models (SQLite GLOB). */
  glob?: string;
  /** true: only deleted models (an admin's view); otherwise deleted ones are left out. */
  deleted?: boolean;
}

/** Ordered by name; the cursor is the last name seen. */
export async function listModels(db: Database, filter: ModelFilter, page: Page): Promise<Paged<ModelView>> {
  const after = decodeCursor(page.cursor, z.object({ name: z.string() }));
  const tagPairs = Object.entries(filter.tags ?? {});
  const where = and(
    // instr, not LIKE: D1 refuses LIKE patterns over 50 bytes, and a search may be 128 characters.
    filter.q ? sql`instr(lower(${models.name}), lower(${filter.q})) > 0` : undefined,
    filter.glob && filter.glob !== "*" ? sql`${models.name} GLOB ${filter.glob}` : undefined,
    // Every pair binds as one JSON parameter: D1 allows 100 bound parameters per statement.
    tagPairs.length > 0
      ? sql`(SELECT COUNT(*) FROM model_tags t JOIN json_each(${JSON.stringify(tagPairs)}) p
              ON t.key = p.value ->> 0 AND t.value = p.value ->> 1 WHERE t.model_id = ${models.id}) = ${tagPairs.length}`
      : undefined,
    filter.deleted ? isNotNull(models.deletedAt) : isNull(models.deletedAt),
    after ? gt(models.name, after.name) : undefined,
  );
  const rows = await db.select().from(models).where(where).orderBy(asc(models.name)).limit(page.limit + 1);
  const views = await viewsOf(db, rows.slice(0, page.limit));
  const byName = new Map(views.map((v) => [v.name, v]));
  return pageOf(rows, page, (r) => byName.get(r.name)!, (r) => ({ name: r.name }));
}

export async function updateModel(
  m: Mutation,
  name: string,
  patch: { description?: string; tags?: TagPatch; deployment_job_id?: string | null },
): Promise<ModelView> {
  const model = await requireModel(m.db, name);
  const [before] = await viewsOf(m.db, [model]);
  const tagChanges = Object.entries(patch.tags ?? {});
  await m.db.batch([
    m.db
      .update(models)
      .set({
        description: patch.description ?? model.description,
        deploymentJobId: patch.deployment_job_id === undefined ? model.deploymentJobId : patch.deployment_job_id,
        updatedAt: m.now,
      })
      .where(eq(models.id, model.id)),
    ...tagChanges.map(([key, value]) =>
      value === null
        ? m.db.delete(modelTags).where(and(eq(modelTags.modelId, model.id), eq(modelTags.key, key)))
        : m.db
            .insert(modelTags)
            .values({ modelId: model.id, key, value })
            .onConflictDoUpdate({ target: [modelTags.modelId, modelTags.key], set: { value } }),
    ),
    auditInsert(m, {
      action: "model.update",
      model: name,
      before: { description: before!.description, tags: before!.tags },
      after: patch,
    }),
  ]);
  return getModel(m.db, name);
}

/** Builds views for a page of models with one batch for tags, refs and latest versions. */
async function viewsOf(db: Database, rows: ModelRow[]): Promise<ModelView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [tags, refRows, latest, redirects] = await db.batch([
    db.select().from(modelTags).where(inList(modelTags.modelId, ids)),
    db
      .select({ modelId: refs.modelId, name: refs.name, number: versions.number })
      .from(refs)
      .innerJoin(versions, eq(versions.id, refs.versionId))
      .where(inList(refs.modelId, ids)),
    db
      .select({ modelId: versions.modelId, number: sql<number>`MAX(${versions.number})` })
      .from(versions)
      .where(and(inList(versions.modelId, ids), eq(versions.status, "READY"), eq(versions.archived, false)))
      .groupBy(versions.modelId),
    db.select().from(modelRedirects).where(inList(modelRedirects.modelId, ids)).orderBy(asc(modelRedirects.oldName)),
  ]);
  return rows.map((row) =>
    toView(
      row,
      tagsOf(tags.filter((t) => t.modelId === row.id)),
      refRows.filter((r) => r.modelId === row.id),
      latest.find((l) => l.modelId === row.id)?.number ?? null,
      redirects.filter((r) => r.modelId === row.id).map((r) => r.oldName),
    ),
  );
}

function toView(
  row: ModelRow,
  tags: Record<string, string>,
  refRows: { name: string; number: number }[],
  latest: number | null,
  formerNames: string[] = [],
): ModelView {
  return {
    name: row.name,
    description: row.description,
    tags,
    created_at: row.createdAt,
    created_by: row.createdBy,
    updated_at: row.updatedAt,
    refs: Object.fromEntries(refRows.map((r) => [r.name, r.number])),
    latest_version: latest,
    ...(formerNames.length > 0 ? { former_names: formerNames } : {}),
    ...(row.deletedAt ? { deleted_at: row.deletedAt } : {}),
  };
}

/** Names within `slack` characters of `length`, at most `limit`: the candidates a "did you mean" compares. */
export async function modelNamesNear(db: Database, length: number, slack: number, limit: number): Promise<string[]> {
  const rows = await db
    .select({ name: models.name })
    .from(models)
    .where(and(sql`length(${models.name}) BETWEEN ${length - slack} AND ${length + slack}`, isNull(models.deletedAt)))
    .orderBy(asc(models.name))
    .limit(limit);
  return rows.map((r) => r.name);
}
