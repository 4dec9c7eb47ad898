import { and, asc, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import { conflict, modelNotFound } from "../domain/errors";
import { auditInsert, type Mutation } from "./audit";
import { inList, isUniqueViolation, type Database } from "./db";
import { decodeCursor, pageOf, type Page, type Paged } from "./pagination";
import { modelTags, models, refs, versions } from "./schema";
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
}

export async function findModel(db: Database, name: string): Promise<ModelRow | null> {
  return (await db.select().from(models).where(eq(models.name, name)).get()) ?? null;
}

export async function requireModel(db: Database, name: string): Promise<ModelRow> {
  const model = await findModel(db, name);
  if (!model) throw modelNotFound(name);
  return model;
}

export async function createModel(
  m: Mutation,
  input: { name: string; description?: string; tags?: Record<string, string> },
): Promise<ModelView> {
  const id = crypto.randomUUID();
  const row: ModelRow = {
    id,
    name: input.name,
    description: input.description ?? "",
    createdAt: m.now,
    createdBy: m.actor,
    updatedAt: m.now,
  };
  const tags = input.tags ?? {};
  const view = toView(row, tags, [], null);
  try {
    await m.db.batch([
      m.db.insert(models).values(row),
      ...tagRows(tags).map((t) => m.db.insert(modelTags).values({ modelId: id, ...t })),
      auditInsert(m, { action: "model.create", model: row.name, after: { description: row.description, tags } }),
    ]);
  } catch (error) {
    if (isUniqueViolation(error, "models")) throw conflict(`model '${input.name}' already exists`, { field: "name" });
    throw error;
  }
  return view;
}

export async function getModel(db: Database, name: string): Promise<ModelView> {
  const model = await requireModel(db, name);
  const [view] = await viewsOf(db, [model]);
  return view!;
}

export interface ModelFilter {
  /** Case-insensitive substring of the name. */
  q?: string;
  /** Every pair must be present. */
  tags?: Record<string, string>;
  /** Restricts a scoped token to its models (SQLite GLOB). */
  glob?: string;
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
  patch: { description?: string; tags?: TagPatch },
): Promise<ModelView> {
  const model = await requireModel(m.db, name);
  const [before] = await viewsOf(m.db, [model]);
  const tagChanges = Object.entries(patch.tags ?? {});
  await m.db.batch([
    m.db
      .update(models)
      .set({ description: patch.description ?? model.description, updatedAt: m.now })
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
  const [tags, refRows, latest] = await db.batch([
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
  ]);
  return rows.map((row) =>
    toView(
      row,
      tagsOf(tags.filter((t) => t.modelId === row.id)),
      refRows.filter((r) => r.modelId === row.id),
      latest.find((l) => l.modelId === row.id)?.number ?? null,
    ),
  );
}

function toView(
  row: ModelRow,
  tags: Record<string, string>,
  refRows: { name: string; number: number }[],
  latest: number | null,
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
  };
}

/** Names within `slack` characters of `length`, at most `limit`: the candidates a "did you mean" compares. */
export async function modelNamesNear(db: Database, length: number, slack: number, limit: number): Promise<string[]> {
  const rows = await db
    .select({ name: models.name })
    .from(models)
    .where(sql`length(${models.name}) BETWEEN ${length - slack} AND ${length + slack}`)
    .orderBy(asc(models.name))
    .limit(limit);
  return rows.map((r) => r.name);
}
