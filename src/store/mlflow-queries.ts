/**
 * The reads MLflow's facade needs, over edgereg's own tables: searches with MLflow's filters, orderings and offset
 * pages, and the facts (refs, tags, artifacts, latest version per stage) its RegisteredModel and ModelVersion
 * messages are built from. The facade shapes the messages; every write goes through the registry's commands.
 * Deleted models and versions do not exist here, as after a delete on MLflow's own server.
 */
import { and, asc, desc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import { STAGES } from "../domain/names";
import { likeToGlob, PROMPT_TAG, promptScope, type FilterClause, type OrderBy } from "../domain/search";
import type { DerivedStage } from "../domain/versions";
import type { Database } from "./db";
import type { ModelRow } from "./models";
import { artifacts, modelTags, models, refs, versionTags, versions } from "./schema";
import type { VersionRow } from "./versions";

export interface Tag {
  key: string;
  value: string;
}

/** What a ModelVersion message shows of a version: its refs, its tags and whether it declares artifacts. */
export interface VersionFacts {
  modelName: string;
  row: VersionRow;
  refNames: string[];
  tags: Tag[];
  hasArtifacts: boolean;
}

/** D1 binds at most 100 parameters per statement, so lists are split into chunks of at most this many values. */
const MAX_BOUND = 90;

/** Runs one statement per chunk of `items` (each item binding `width` values) in a single batch; concatenates rows. */
async function perChunk<I, T>(db: Database, items: readonly I[], statement: (chunk: I[]) => { all(): Promise<T[]> }, width = 1): Promise<T[]> {
  const size = Math.floor(MAX_BOUND / width);
  const parts = Array.from({ length: Math.ceil(items.length / size) }, (_, i) => statement(items.slice(i * size, (i + 1) * size)));
  if (parts.length === 0) return [];
  const results = (await db.batch(parts as never)) as T[][];
  return results.flat();
}

/** Model and version in one round trip; null when either is missing. */
export async function findModelVersion(db: Database, name: string, number: number): Promise<{ model: ModelRow; version: VersionRow } | null> {
  const row = await db
    .select()
    .from(models)
    .innerJoin(versions, and(eq(versions.modelId, models.id), eq(versions.number, number)))
    .where(and(eq(models.name, name), isNull(models.deletedAt), isNull(versions.deletedAt)))
    .get();
  return row ? { model: row.models, version: row.versions } : null;
}

/** Facts for versions of any models, with one batch each for refs, tags and artifact counts. */
export async function versionFacts(db: Database, items: readonly { modelName: string; row: VersionRow }[]): Promise<VersionFacts[]> {
  const ids = items.map((i) => i.row.id);
  if (ids.length === 0) return [];
  const [refRows, tagRows, counts] = await Promise.all([
    perChunk(db, ids, (c) => db.select({ name: refs.name, versionId: refs.versionId }).from(refs).where(inArray(refs.versionId, c))),
    perChunk(db, ids, (c) => db.select().from(versionTags).where(inArray(versionTags.versionId, c))),
    perChunk(db, ids, (c) =>
      db
        .select({ versionId: artifacts.versionId, count: sql<number>`COUNT(*)` })
        .from(artifacts)
        .where(inArray(artifacts.versionId, c))
        .groupBy(artifacts.versionId),
    ),
  ]);
  return items.map(({ modelName, row }) => ({
    modelName,
    row,
    refNames: refRows.filter((r) => r.versionId === row.id).map((r) => r.name),
    tags: tagRows.filter((t) => t.versionId === row.id).map((t) => ({ key: t.key, value: t.value })),
    hasArtifacts: (counts.find((c) => c.versionId === row.id)?.count ?? 0) > 0,
  }));
}

export async function hasDeclaredArtifacts(db: Database, version: VersionRow): Promise<boolean> {
  return Boolean(await db.select({ path: artifacts.path }).from(artifacts).where(eq(artifacts.versionId, version.id)).limit(1).get());
}

/** Verified artifacts of a version: what the mlflow-artifacts listing shows. */
export async function verifiedArtifactsOf(db: Database, version: VersionRow): Promise<{ path: string; size: number }[]> {
  return db
    .select({ path: artifacts.path, size: artifacts.size })
    .from(artifacts)
    .where(and(eq(artifacts.versionId, version.id), isNotNull(artifacts.verifiedAt)));
}

export interface StagedVersion {
  modelId: string;
  stage: DerivedStage;
  row: VersionRow;
}

/**
 * The newest READY version in each stage, by derived stage: the stage refs' targets for Production and Staging; for
 * None and Archived the highest number among versions no stage ref points to.
 */
export async function latestVersionRows(db: Database, modelIds: readonly string[]): Promise<StagedVersion[]> {
  const notInStage = sql`NOT EXISTS (SELECT 1 FROM refs r WHERE r.version_id = ${versions.id} AND r.name IN ('Production', 'Staging'))`;
  const [staged, maxima] = await Promise.all([
    perChunk(db, modelIds, (c) =>
      db
        .select({ name: refs.name, version: versions })
        .from(refs)
        .innerJoin(versions, eq(versions.id, refs.versionId))
        .where(and(inArray(refs.modelId, c), inArray(refs.name, [...STAGES]))),
    ),
    perChunk(db, modelIds, (c) =>
      db
        .select({ modelId: versions.modelId, archived: versions.archived, number: sql<number>`MAX(${versions.number})` })
        .from(versions)
        .where(and(inArray(versions.modelId, c), eq(versions.status, "READY"), isNull(versions.deletedAt), notInStage))
        .groupBy(versions.modelId, versions.archived),
    ),
  ]);
  const unstaged = await perChunk(
    db,
    maxima,
    (c) => db.select().from(versions).where(or(...c.map((m) => and(eq(versions.modelId, m.modelId), eq(versions.number, m.number))))),
    2,
  );
  // A version both refs point to is in Production (its derived stage), so Staging has no version of its own then.
  const inProduction = new Set(staged.filter((s) => s.name === "Production").map((s) => s.version.id));
  return [
    ...staged
      .filter((s) => s.name === "Production" || !inProduction.has(s.version.id))
      .map((s) => ({ modelId: s.version.modelId, stage: s.name as DerivedStage, row: s.version })),
    ...unstaged.map((row) => ({ modelId: row.modelId, stage: (row.archived ? "Archived" : "None") as DerivedStage, row })),
  ];
}

/** What RegisteredModel messages show of models besides their rows: tags, aliases and the latest version per stage. */
export async function modelFacts(
  db: Database,
  rows: readonly ModelRow[],
): Promise<{ tags: (Tag & { modelId: string })[]; aliases: { modelId: string; alias: string; number: number }[]; latest: StagedVersion[] }> {
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return { tags: [], aliases: [], latest: [] };
  const [tags, aliases, latest] = await Promise.all([
    perChunk(db, ids, (c) => db.select().from(modelTags).where(inArray(modelTags.modelId, c))),
    perChunk(db, ids, (c) =>
      db
        .select({ modelId: refs.modelId, alias: refs.name, number: versions.number })
        .from(refs)
        .innerJoin(versions, eq(versions.id, refs.versionId))
        .where(and(inArray(refs.modelId, c), sql`${refs.name} NOT IN ('Production', 'Staging')`)),
    ),
    latestVersionRows(db, ids),
  ]);
  return { tags, aliases, latest };
}

/** One clause of a filter as SQL over `column`. */
function compare(column: SQL, clause: FilterClause): SQL {
  switch (clause.comparator) {
    case "=":
      return sql`${column} = ${clause.value}`;
    case "!=":
      return sql`${column} <> ${clause.value}`;
    case "LIKE":
      return sql`${column} GLOB ${likeToGlob(clause.value)}`;
    case "ILIKE":
      return sql`${column} LIKE ${clause.value}`;
    case "IN":
      // One JSON parameter for the whole list: D1 binds at most 100 per statement.
      return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(clause.value)}))`;
    case "<":
      return sql`${column} < ${clause.value}`;
    case "<=":
      return sql`${column} <= ${clause.value}`;
    case ">":
      return sql`${column} > ${clause.value}`;
    case ">=":
      return sql`${column} >= ${clause.value}`;
  }
}

const globCondition = (glob: string) => (glob === "*" ? undefined : sql`${models.name} GLOB ${glob}`);

export interface Search {
  filter: FilterClause[];
  orderBy: OrderBy[];
  offset: number;
  limit: number;
  /** The caller's model scope (SQLite GLOB), so a scoped token finds only its models. */
  glob: string;
}

/** search-registered-models: `limit + 1` rows, so the caller knows whether another page follows. */
export async function searchModelRows(db: Database, search: Search): Promise<ModelRow[]> {
  const { filter, excludePrompts } = promptScope(search.filter);
  // A tag clause matches only what carries the tag, as in MLflow's server (an inner join on the tag's key).
  const conditions = filter.map((clause) =>
    clause.kind === "tag"
      ? sql`EXISTS (SELECT 1 FROM model_tags t WHERE t.model_id = ${models.id} AND t.key = ${clause.key} AND ${compare(sql`t.value`, clause)})`
      : compare(sql`${models.name}`, clause),
  );
  if (excludePrompts) {
    conditions.push(sql`NOT EXISTS (SELECT 1 FROM model_tags p WHERE p.model_id = ${models.id} AND p.key = ${PROMPT_TAG} AND p.value = 'true')`);
  }
  const column = { name: models.name, creation_timestamp: models.createdAt, last_updated_timestamp: models.updatedAt } as const;
  const ordering = search.orderBy.map((o) => (o.ascending ? asc : desc)(column[o.key as keyof typeof column]));
  if (!search.orderBy.some((o) => o.key === "name")) ordering.push(asc(models.name));
  return db
    .select()
    .from(models)
    .where(and(...conditions, isNull(models.deletedAt), globCondition(search.glob)))
    .orderBy(...ordering)
    .limit(search.limit + 1)
    .offset(search.offset);
}

/** search-model-versions across models; MLflow's default order is newest change first. */
export async function searchVersionRows(db: Database, search: Search): Promise<{ modelName: string; row: VersionRow }[]> {
  const attribute = { name: sql`${models.name}`, run_id: sql`${versions.runId}`, source_path: sql`${versions.source}`, version_number: sql`${versions.number}` } as const;
  const { filter, excludePrompts } = promptScope(search.filter);
  const conditions = filter.map((clause) =>
    clause.kind === "tag"
      ? sql`EXISTS (SELECT 1 FROM version_tags t WHERE t.version_id = ${versions.id} AND t.key = ${clause.key} AND ${compare(sql`t.value`, clause)})`
      : compare(attribute[clause.key as keyof typeof attribute], clause),
  );
  // MLflow leaves out every version of a model one of whose versions is tagged as a prompt (an anti-join on the name).
  if (excludePrompts) {
    conditions.push(
      sql`NOT EXISTS (SELECT 1 FROM version_tags p JOIN versions pv ON pv.id = p.version_id WHERE pv.model_id = ${versions.modelId} AND p.key = ${PROMPT_TAG} AND p.value = 'true')`,
    );
  }
  const column = {
    name: models.name,
    version_number: versions.number,
    creation_timestamp: versions.createdAt,
    last_updated_timestamp: versions.updatedAt,
  } as const;
  const orderBy = search.orderBy.length > 0 ? search.orderBy : [{ key: "last_updated_timestamp", ascending: false }];
  const ordering = orderBy.map((o) => (o.ascending ? asc : desc)(column[o.key as keyof typeof column]));
  if (!orderBy.some((o) => o.key === "name")) ordering.push(asc(models.name));
  if (!orderBy.some((o) => o.key === "version_number")) ordering.push(desc(versions.number));
  const rows = await db
    .select({ modelName: models.name, row: versions })
    .from(versions)
    .innerJoin(models, eq(models.id, versions.modelId))
    .where(and(...conditions, isNull(models.deletedAt), isNull(versions.deletedAt), globCondition(search.glob)))
    .orderBy(...ordering)
    .limit(search.limit + 1)
    .offset(search.offset);
  return rows;
}

/** MLflow deletes a missing tag silently; edgereg then writes nothing, not even an audit event. */
export async function hasModelTag(db: Database, model: ModelRow, key: string): Promise<boolean> {
  return Boolean(await db.select({ key: modelTags.key }).from(modelTags).where(and(eq(modelTags.modelId, model.id), eq(modelTags.key, key))).get());
}

export async function hasVersionTag(db: Database, version: VersionRow, key: string): Promise<boolean> {
  return Boolean(
    await db.select({ key: versionTags.key }).from(versionTags).where(and(eq(versionTags.versionId, version.id), eq(versionTags.key, key))).get(),
  );
}

export async function unarchivedVersions(db: Database, model: ModelRow): Promise<VersionRow[]> {
  return db
    .select()
    .from(versions)
    .where(and(eq(versions.modelId, model.id), eq(versions.archived, false), isNull(versions.deletedAt)))
    .orderBy(asc(versions.number));
}

/** The version an alias points to, or null when the alias is not set. */
export async function aliasTarget(db: Database, model: ModelRow, alias: string): Promise<VersionRow | null> {
  const row = await db
    .select({ version: versions })
    .from(refs)
    .innerJoin(versions, eq(versions.id, refs.versionId))
    .where(and(eq(refs.modelId, model.id), eq(refs.name, alias)))
    .get();
  return row?.version ?? null;
}

/** Versions registered from an MLflow 3 LoggedModel (`model_id`), within the caller's scope, oldest first. */
export async function versionsOfLoggedModel(db: Database, loggedModelId: string, glob: string): Promise<{ modelName: string; row: VersionRow }[]> {
  return db
    .select({ modelName: models.name, row: versions })
    .from(versions)
    .innerJoin(models, eq(models.id, versions.modelId))
    .where(and(eq(versions.mlflowModelId, loggedModelId), isNull(models.deletedAt), isNull(versions.deletedAt), globCondition(glob)))
    .orderBy(asc(versions.createdAt), asc(models.name), asc(versions.number));
}

/** The LoggedModel ids edgereg knows of (from versions' `model_id`), within scope: `limit + 1`, by id. */
export async function loggedModelIds(db: Database, search: { offset: number; limit: number; glob: string }): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: versions.mlflowModelId })
    .from(versions)
    .innerJoin(models, eq(models.id, versions.modelId))
    .where(and(isNotNull(versions.mlflowModelId), isNull(models.deletedAt), isNull(versions.deletedAt), globCondition(search.glob)))
    .orderBy(asc(versions.mlflowModelId))
    .limit(search.limit + 1)
    .offset(search.offset);
  return rows.map((r) => r.id!);
}
