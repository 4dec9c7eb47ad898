/**
 * The reads MLflow's messages need, over edgereg's own tables: searches with MLflow's filters, orderings and offset
 * page tokens, and the batches that assemble RegisteredModel and ModelVersion messages. Every write goes through
 * src/store (same audit, same rules); only reading is shaped for MLflow here.
 */
import { and, asc, desc, eq, inArray, isNotNull, or, sql, type SQL } from "drizzle-orm";
import { STAGES } from "../domain/names";
import { stageOf } from "../domain/versions";
import type { Database } from "../store/db";
import type { ModelRow } from "../store/models";
import { artifacts, modelTags, models, refs, versionTags, versions } from "../store/schema";
import type { VersionRow } from "../store/versions";
import { doesNotExist } from "./errors";
import { likeToGlob, type FilterClause, type OrderBy } from "./filter";
import { epochMillis, mlflowStatus, versionArtifactUri, type MlflowStage } from "./mapping";

export interface Tag {
  key: string;
  value: string;
}

export interface ModelVersionMessage {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id: string;
  current_stage: MlflowStage;
  description: string;
  source?: string;
  run_id?: string;
  status: ReturnType<typeof mlflowStatus>;
  status_message?: string;
  tags?: Tag[];
  aliases?: string[];
}

export interface RegisteredModelMessage {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id: string;
  description: string;
  latest_versions?: ModelVersionMessage[];
  tags?: Tag[];
  aliases?: { alias: string; version: string }[];
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

/** Repeated proto fields are left out when empty, as MLflow's JSON encoding does. */
const nonEmpty = <K extends string, T>(key: K, items: T[]) => (items.length > 0 ? ({ [key]: items } as Record<K, T[]>) : {});

export async function requireModelNamed(db: Database, name: string): Promise<ModelRow> {
  const model = await db.select().from(models).where(eq(models.name, name)).get();
  if (!model) throw doesNotExist(`Registered Model with name=${name} not found`);
  return model;
}

/** Model and version in one round trip; MLflow names the missing version either way. */
export async function requireModelVersionRow(db: Database, name: string, number: number): Promise<{ model: ModelRow; version: VersionRow }> {
  const row = await db
    .select()
    .from(models)
    .innerJoin(versions, and(eq(versions.modelId, models.id), eq(versions.number, number)))
    .where(eq(models.name, name))
    .get();
  if (!row) throw doesNotExist(`Model Version (name=${name}, version=${number}) not found`);
  return { model: row.models, version: row.versions };
}

export async function highestVersionNumber(db: Database, model: ModelRow): Promise<number> {
  const row = await db
    .select({ number: sql<number | null>`MAX(${versions.number})` })
    .from(versions)
    .where(eq(versions.modelId, model.id))
    .get();
  return row?.number ?? 0;
}

/** ModelVersion messages for versions of any models, with one batch for refs, tags and artifact counts. */
export async function modelVersionMessages(db: Database, items: readonly { modelName: string; row: VersionRow }[]): Promise<ModelVersionMessage[]> {
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
  return items.map(({ modelName, row }) =>
    versionMessageOf(
      modelName,
      row,
      refRows.filter((r) => r.versionId === row.id).map((r) => r.name),
      tagRows.filter((t) => t.versionId === row.id),
      (counts.find((c) => c.versionId === row.id)?.count ?? 0) > 0,
    ),
  );
}

export async function modelVersionMessage(db: Database, model: ModelRow, version: VersionRow): Promise<ModelVersionMessage> {
  const [message] = await modelVersionMessages(db, [{ modelName: model.name, row: version }]);
  return message!;
}

function versionMessageOf(modelName: string, row: VersionRow, refNames: string[], tags: Tag[], hasArtifacts: boolean): ModelVersionMessage {
  const source = row.source ?? (hasArtifacts ? versionArtifactUri(modelName, row.number) : null);
  return {
    name: modelName,
    version: String(row.number),
    creation_timestamp: epochMillis(row.createdAt),
    last_updated_timestamp: epochMillis(row.updatedAt),
    user_id: row.createdBy,
    current_stage: stageOf(refNames, row.archived),
    description: row.description,
    ...(source === null ? {} : { source }),
    ...(row.runId ? { run_id: row.runId } : {}),
    status: mlflowStatus(row.status),
    ...(row.status === "PENDING" ? { status_message: "Waiting for the declared artifacts to be uploaded and verified" } : {}),
    ...nonEmpty("tags", sortedTags(tags)),
    ...nonEmpty("aliases", refNames.filter((n) => !(STAGES as readonly string[]).includes(n)).sort()),
  };
}

/**
 * Where MLflow clients download a version from: edgereg's own artifacts through the mlflow-artifacts proxy when the
 * version declares any, else the source it was registered with, unchanged.
 */
export async function downloadUriOf(db: Database, model: ModelRow, version: VersionRow): Promise<string | null> {
  const declared = await db.select({ path: artifacts.path }).from(artifacts).where(eq(artifacts.versionId, version.id)).limit(1).get();
  return declared ? versionArtifactUri(model.name, version.number) : version.source;
}

/** Verified artifacts of a version: what the mlflow-artifacts listing shows. */
export async function verifiedArtifactsOf(db: Database, version: VersionRow): Promise<{ path: string; size: number }[]> {
  return db
    .select({ path: artifacts.path, size: artifacts.size })
    .from(artifacts)
    .where(and(eq(artifacts.versionId, version.id), isNotNull(artifacts.verifiedAt)));
}

const sortedTags = (rows: readonly Tag[]) => rows.map((t) => ({ key: t.key, value: t.value })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/**
 * The newest READY version in each stage, by derived stage: the stage refs' targets for Production and Staging; for
 * None and Archived the highest number among versions no stage ref points to.
 */
async function latestVersionRows(db: Database, modelIds: readonly string[]): Promise<{ modelId: string; stage: MlflowStage; row: VersionRow }[]> {
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
        .where(and(inArray(versions.modelId, c), eq(versions.status, "READY"), notInStage))
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
      .map((s) => ({ modelId: s.version.modelId, stage: s.name as MlflowStage, row: s.version })),
    ...unstaged.map((row) => ({ modelId: row.modelId, stage: (row.archived ? "Archived" : "None") as MlflowStage, row })),
  ];
}

/** get-latest-versions: one version per asked stage that has one, in the order the stages were asked. */
export async function latestVersions(db: Database, model: ModelRow, stages: readonly MlflowStage[]): Promise<ModelVersionMessage[]> {
  const latest = await latestVersionRows(db, [model.id]);
  const picked = stages.flatMap((stage) => latest.filter((l) => l.stage === stage));
  return modelVersionMessages(db, picked.map((p) => ({ modelName: model.name, row: p.row })));
}

/** RegisteredModel messages, each with its tags, aliases and latest version per stage. */
export async function registeredModelMessages(db: Database, rows: readonly ModelRow[]): Promise<RegisteredModelMessage[]> {
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return [];
  const [tagRows, aliasRows, latest] = await Promise.all([
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
  const nameOf = new Map(rows.map((r) => [r.id, r.name]));
  const order = (stage: MlflowStage) => ["None", "Staging", "Production", "Archived"].indexOf(stage);
  latest.sort((a, b) => order(a.stage) - order(b.stage));
  const latestMessages = await modelVersionMessages(db, latest.map((l) => ({ modelName: nameOf.get(l.modelId)!, row: l.row })));
  return rows.map((row) => ({
    name: row.name,
    creation_timestamp: epochMillis(row.createdAt),
    last_updated_timestamp: epochMillis(row.updatedAt),
    user_id: row.createdBy,
    description: row.description,
    ...nonEmpty("latest_versions", latestMessages.filter((_, i) => latest[i]!.modelId === row.id)),
    ...nonEmpty("tags", sortedTags(tagRows.filter((t) => t.modelId === row.id))),
    ...nonEmpty(
      "aliases",
      aliasRows
        .filter((a) => a.modelId === row.id)
        .map((a) => ({ alias: a.alias, version: String(a.number) }))
        .sort((a, b) => (a.alias < b.alias ? -1 : 1)),
    ),
  }));
}

export async function registeredModelMessage(db: Database, model: ModelRow): Promise<RegisteredModelMessage> {
  const [message] = await registeredModelMessages(db, [model]);
  return message!;
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
  const conditions = search.filter.map((clause) =>
    clause.kind === "tag"
      ? sql`EXISTS (SELECT 1 FROM model_tags t WHERE t.model_id = ${models.id} AND t.key = ${clause.key} AND ${compare(sql`t.value`, clause)})`
      : compare(sql`${models.name}`, clause),
  );
  const column = { name: models.name, creation_timestamp: models.createdAt, last_updated_timestamp: models.updatedAt } as const;
  const ordering = search.orderBy.map((o) => (o.ascending ? asc : desc)(column[o.key as keyof typeof column]));
  if (!search.orderBy.some((o) => o.key === "name")) ordering.push(asc(models.name));
  return db
    .select()
    .from(models)
    .where(and(...conditions, globCondition(search.glob)))
    .orderBy(...ordering)
    .limit(search.limit + 1)
    .offset(search.offset);
}

/** search-model-versions across models; MLflow's default order is newest change first. */
export async function searchVersionRows(db: Database, search: Search): Promise<{ modelName: string; row: VersionRow }[]> {
  const attribute = { name: sql`${models.name}`, run_id: sql`${versions.runId}`, source_path: sql`${versions.source}`, version_number: sql`${versions.number}` } as const;
  const conditions = search.filter.map((clause) =>
    clause.kind === "tag"
      ? sql`EXISTS (SELECT 1 FROM version_tags t WHERE t.version_id = ${versions.id} AND t.key = ${clause.key} AND ${compare(sql`t.value`, clause)})`
      : compare(attribute[clause.key as keyof typeof attribute], clause),
  );
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
    .where(and(...conditions, globCondition(search.glob)))
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
    .where(and(eq(versions.modelId, model.id), eq(versions.archived, false)))
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
