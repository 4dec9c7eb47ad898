import { and, desc, eq, inArray, isNotNull, isNull, lt, notInArray, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { basisPointsToPercent } from "../domain/canary";
import { conflict, notFound } from "../domain/errors";
import { STAGES } from "../domain/names";
import {
  aliasesOf,
  appendMetrics,
  artifactUrl,
  describeKey,
  parseSemver,
  stageOf,
  type DerivedStage,
  type VersionKey,
  type VersionStatus,
} from "../domain/versions";
import { auditInsert, auditInsertIfChanged, guardedAuditInsert, isGuardFailure, type Mutation } from "./audit";
import { inList, isUniqueViolation, type Database } from "./db";
import { readableCopy, type ScopedMutation } from "./dedup";
import { requireModel, type ModelLookup, type ModelRow } from "./models";
import { decodeCursor, pageOf, type Page, type Paged } from "./pagination";
import { artifacts, refs, rollouts, versionTags, versions } from "./schema";
import { patchedTags, tagRows, tagsOf, type TagPatch } from "./tags";

export type VersionRow = typeof versions.$inferSelect;
export type ArtifactRow = typeof artifacts.$inferSelect;

export interface Dataset {
  name: string;
  version?: string | null;
  digest?: string | null;
}
export interface SignatureField {
  name: string;
  type: string;
  optional?: boolean;
}
export interface Signature {
  inputs: SignatureField[];
  outputs: SignatureField[];
}
export type Params = Record<string, string | number | boolean>;

export interface DeclaredArtifact {
  path: string;
  size: number;
  sha256: string;
  content_type?: string;
  /** A CNCF ModelPack layer media type; without one the OCI door infers it from the path. */
  media_type?: string;
}

export interface NewVersion {
  semver: string;
  description?: string;
  run_id?: string | null;
  git_commit?: string | null;
  source?: string | null;
  dataset?: Dataset | null;
  metrics?: Record<string, number>;
  params?: Params;
  signature?: Signature | null;
  tags?: Record<string, string>;
  artifacts?: DeclaredArtifact[];
  /** Set only by the MLflow door: the LoggedModel an MLflow 3 client registered the version from. */
  mlflow_model_id?: string | null;
  /** An explicit number (admin, for imports keeping the source registry's numbers); else the next one. */
  number?: number;
}

export interface ArtifactView {
  path: string;
  size: number;
  sha256: string;
  content_type: string;
  /** Only when declared at creation. */
  media_type?: string;
  url: string;
}

export interface VersionView {
  model: string;
  number: number;
  semver: string;
  status: VersionStatus;
  stage: DerivedStage;
  aliases: string[];
  archived: boolean;
  description: string;
  run_id: string | null;
  git_commit: string | null;
  source: string | null;
  dataset: Dataset | null;
  metrics: Record<string, number>;
  params: Params;
  signature: Signature | null;
  tags: Record<string, string>;
  artifacts: ArtifactView[];
  /** Its part in the rollouts running on the model (at the resolved instant, for a point-in-time resolve). */
  rollouts: VersionRollout[];
  created_at: string;
  created_by: string;
  /** Only on a deleted version (admins' reads). */
  deleted_at?: string;
}

export interface VersionRollout {
  rollout_id: string;
  ref: string;
  arm: "stable" | "candidate";
  /** The candidate's share in percent (the stable arm answers the rest). */
  weight: number;
}

export const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/** The version a key names within a model, as a SQL condition. */
export function keyCondition(modelId: string, key: VersionKey): SQL {
  return and(
    eq(versions.modelId, modelId),
    "number" in key ? eq(versions.number, key.number) : eq(versions.semver, key.semver),
  )!;
}

/** Deleted versions are absent unless a read asks for them (an admin's): the same lookup as for models. */
export type VersionLookup = ModelLookup;

export async function findVersion(db: Database, model: ModelRow, key: VersionKey, lookup: VersionLookup = {}): Promise<VersionRow | null> {
  const row = (await db.select().from(versions).where(keyCondition(model.id, key)).get()) ?? null;
  return row && (row.deletedAt === null || lookup.includeDeleted) ? row : null;
}

export async function requireVersion(db: Database, model: ModelRow, key: VersionKey, lookup: VersionLookup = {}): Promise<VersionRow> {
  const row = await findVersion(db, model, key, { includeDeleted: true });
  if (!row) throw notFound(`${describeKey(key)} of model '${model.name}' does not exist`, { model: model.name, version: key });
  if (row.deletedAt !== null && !lookup.includeDeleted) {
    throw notFound(
      `version ${row.number} of model '${model.name}' was deleted; an admin restores it with POST /v1/models/${model.name}/versions/${row.number}/restore`,
      { model: model.name, version: row.number, reason: "deleted" },
    );
  }
  return row;
}

/**
 * Inserts a version with the next number, its declared artifacts and tags, and its audit event in one batch.
 * The number is computed inside the INSERT, so concurrent creations get consecutive numbers; a duplicate semver
 * violates a unique index and nothing of that request is written.
 */
export async function createVersion(m: ScopedMutation, model: ModelRow, input: NewVersion, base: string): Promise<VersionView> {
  const semver = { text: input.semver, ...parseSemver(input.semver) };
  await insertVersion(m, model, input, semver, `version ${input.semver} of model '${model.name}' already exists`);
  return getVersionView(m.db, model, { semver: input.semver }, base);
}

/**
 * A version whose semver is `0.0.0-PRERELEASE.N`, N being the number the same INSERT assigns it: both come from one
 * subquery of one statement, so concurrent creations each get their own number and semver and never conflict.
 */
export async function createVersionNumberedAs(
  m: ScopedMutation,
  model: ModelRow,
  prerelease: string,
  input: Omit<NewVersion, "semver">,
  base: string,
): Promise<VersionView> {
  const identifier = `${prerelease}.`;
  const semver = {
    text: sql`${`0.0.0-${identifier}`} || ${nextNumber(model)}`,
    major: 0,
    minor: 0,
    patch: 0,
    prerelease: sql`${identifier} || ${nextNumber(model)}`,
  };
  const id = await insertVersion(m, model, input, semver, `the semver 0.0.0-${identifier}N of its number N is taken in model '${model.name}'`);
  const row = await m.db.select().from(versions).where(eq(versions.id, id)).get();
  const [view] = await viewsOf(m.db, model, [row!], base);
  return view!;
}

const nextNumber = (model: ModelRow) => sql`(SELECT COALESCE(MAX(number), 0) + 1 FROM versions WHERE model_id = ${model.id})`;

interface SemverColumns {
  /** The semver, or SQL that derives it inside the INSERT. */
  text: string | SQL;
  major: number;
  minor: number;
  patch: number;
  prerelease: string | SQL;
}

/** The batch both creations share; returns the new version's id. */
async function insertVersion(
  m: ScopedMutation,
  model: ModelRow,
  input: Omit<NewVersion, "semver">,
  semver: SemverColumns,
  semverTaken: string,
): Promise<string> {
  const id = crypto.randomUUID();
  const declared = input.artifacts ?? [];
  const status: VersionStatus = declared.length === 0 ? "READY" : "PENDING";
  const tags = input.tags ?? {};
  const numberOfThis = sql`(SELECT number FROM versions WHERE id = ${id})`;
  const paths = declared.map((a) => a.path);
  const after =
    typeof semver.text === "string"
      ? { semver: semver.text, status, artifacts: paths }
      : sql`json_object('semver', (SELECT semver FROM versions WHERE id = ${id}), 'status', ${status}, 'artifacts', json(${JSON.stringify(paths)}))`;
  try {
    await m.db.batch([
      m.db.insert(versions).values({
        id,
        modelId: model.id,
        number: input.number ?? nextNumber(model),
        semver: semver.text,
        major: semver.major,
        minor: semver.minor,
        patch: semver.patch,
        prerelease: semver.prerelease,
        status,
        archived: false,
        description: input.description ?? "",
        runId: input.run_id ?? null,
        gitCommit: input.git_commit ?? null,
        source: input.source ?? null,
        dataset: input.dataset ?? null,
        metrics: input.metrics ?? {},
        params: input.params ?? {},
        signature: input.signature ?? null,
        mlflowModelId: input.mlflow_model_id ?? null,
        createdAt: m.now,
        createdBy: m.actor,
        updatedAt: m.now,
      }),
      ...declared.map((a) =>
        m.db.insert(artifacts).values({
          versionId: id,
          path: a.path,
          size: a.size,
          sha256: a.sha256,
          contentType: a.content_type ?? DEFAULT_CONTENT_TYPE,
          mediaType: a.media_type ?? null,
          // Bytes verified for a version the caller can read are stored once (content-addressed): nothing to
          // upload. A copy outside its scope counts for nothing: the version stays PENDING, as if it were absent.
          verifiedAt: sql`(SELECT ${m.now} WHERE ${readableCopy(a.sha256, a.size, m.principal.modelGlob)})`,
        }),
      ),
      ...tagRows(tags).map((t) => m.db.insert(versionTags).values({ versionId: id, ...t })),
      auditInsert(m, {
        action: "version.create",
        model: model.name,
        version: numberOfThis,
        after,
        reason: input.description ?? "",
      }),
      ...(declared.length > 0 ? markReadyIfVerified(m, model.name, id) : []),
    ]);
  } catch (error) {
    if (input.number !== undefined && isUniqueViolation(error, "versions", "number")) {
      throw conflict(`version ${input.number} of model '${model.name}' already exists`, { field: "number" });
    }
    if (isUniqueViolation(error, "versions")) throw conflict(semverTaken, { field: "semver" });
    if (isUniqueViolation(error, "artifacts")) {
      throw conflict("artifacts declares the same path twice", { field: "artifacts" });
    }
    throw error;
  }
  return id;
}

/**
 * Flips a PENDING version to READY when none of its artifacts awaits verification, auditing the flip only if it
 * happened. Batched after whatever verified the last artifact, so READY never precedes its bytes.
 */
export function markReadyIfVerified(m: Mutation, modelName: string, versionId: string) {
  return [
    m.db
      .update(versions)
      .set({ status: "READY", updatedAt: m.now })
      .where(
        and(
          eq(versions.id, versionId),
          eq(versions.status, "PENDING"),
          sql`NOT EXISTS (SELECT 1 FROM artifacts WHERE version_id = ${versionId} AND verified_at IS NULL)`,
        ),
      ),
    auditInsertIfChanged(m, {
      action: "version.ready",
      model: modelName,
      version: sql`(SELECT number FROM versions WHERE id = ${versionId})`,
      before: { status: "PENDING" },
      after: { status: "READY" },
    }),
  ] as const;
}

/** Numbers of a model's versions that are not deleted, ascending. */
export async function liveVersionNumbers(db: Database, model: ModelRow): Promise<number[]> {
  const rows = await db
    .select({ number: versions.number })
    .from(versions)
    .where(and(eq(versions.modelId, model.id), isNull(versions.deletedAt)))
    .orderBy(versions.number);
  return rows.map((r) => r.number);
}

/** Clears a version's deletion (it stays archived), audited in the same batch. */
export async function restoreVersion(m: Mutation, model: ModelRow, version: VersionRow, reason: string): Promise<void> {
  if (version.deletedAt === null) throw conflict(`version ${version.number} of model '${model.name}' is not deleted`, { field: "v" });
  await m.db.batch([
    m.db.update(versions).set({ deletedAt: null, updatedAt: m.now }).where(eq(versions.id, version.id)),
    auditInsert(m, { action: "version.restore", model: model.name, version: version.number, before: { deleted_at: version.deletedAt }, reason }),
  ]);
}

export async function getVersionView(db: Database, model: ModelRow, key: VersionKey, base: string, lookup: VersionLookup = {}): Promise<VersionView> {
  const row = await requireVersion(db, model, key, lookup);
  const [view] = await viewsOf(db, model, [row], base);
  return view!;
}

export interface VersionFilter {
  status?: VersionStatus;
  stage?: DerivedStage;
  archived?: boolean;
  /** true: only deleted versions (an admin's view); otherwise deleted ones are left out. */
  deleted?: boolean;
}

/** Newest number first; the cursor is the last number seen. */
export async function listVersions(
  db: Database,
  model: ModelRow,
  filter: VersionFilter,
  page: Page,
  base: string,
): Promise<Paged<VersionView>> {
  const after = decodeCursor(page.cursor, z.object({ number: z.number().int() }));
  const stageRefs = db
    .select({ id: refs.versionId })
    .from(refs)
    .where(and(eq(refs.modelId, model.id), inArray(refs.name, [...STAGES])));
  const stageCondition = (() => {
    switch (filter.stage) {
      case undefined:
        return undefined;
      case "Production":
        return sql`${versions.id} IN (SELECT version_id FROM refs WHERE model_id = ${model.id} AND name = 'Production')`;
      case "Staging":
        // As stageOf derives it: a version both refs name reads Production.
        return sql`${versions.id} IN (SELECT version_id FROM refs WHERE model_id = ${model.id} AND name = 'Staging')
          AND ${versions.id} NOT IN (SELECT version_id FROM refs WHERE model_id = ${model.id} AND name = 'Production')`;
      case "Archived":
        return and(eq(versions.archived, true), notInArray(versions.id, stageRefs));
      case "None":
        return and(eq(versions.archived, false), notInArray(versions.id, stageRefs));
    }
  })();
  const rows = await db
    .select()
    .from(versions)
    .where(
      and(
        eq(versions.modelId, model.id),
        filter.status ? eq(versions.status, filter.status) : undefined,
        filter.archived === undefined ? undefined : eq(versions.archived, filter.archived),
        filter.deleted ? isNotNull(versions.deletedAt) : isNull(versions.deletedAt),
        stageCondition,
        after ? lt(versions.number, after.number) : undefined,
      ),
    )
    .orderBy(desc(versions.number))
    .limit(page.limit + 1);
  const views = await viewsOf(db, model, rows.slice(0, page.limit), base);
  return pageOf(rows, page, (r) => views.find((v) => v.number === r.number)!, (r) => ({ number: r.number }));
}

export interface VersionPatch {
  description?: string;
  tags?: TagPatch;
  archived?: boolean;
  metrics?: Record<string, number>;
}

export async function updateVersion(
  m: Mutation,
  model: ModelRow,
  key: VersionKey,
  patch: VersionPatch,
  base: string,
): Promise<VersionView> {
  const row = await requireVersion(m.db, model, key);
  const [before] = await viewsOf(m.db, model, [row], base);
  if (patch.archived === true && !row.archived) await assertArchivable(m.db, model, row, before!);
  const metrics = patch.metrics ? appendMetrics(row.metrics as Record<string, number>, patch.metrics) : undefined;
  const after = {
    description: patch.description ?? before!.description,
    tags: patch.tags ? patchedTags(before!.tags, patch.tags) : before!.tags,
    archived: patch.archived ?? before!.archived,
    metrics: metrics ?? before!.metrics,
  };
  const archiving = patch.archived === true && !row.archived;
  const audit = {
    action: archiving ? "version.archive" : "version.update",
    model: model.name,
    version: row.number,
    before: pick(before!, patch),
    after: pick(after, patch),
  };
  const statements = [
    m.db
      .update(versions)
      .set({
        // Only the fields this patch names, so concurrent patches of other fields are not written back stale; new
        // metrics merge into the stored ones inside the statement (a recorded value wins), so concurrent appends all land.
        ...(patch.description === undefined ? {} : { description: after.description }),
        ...(patch.archived === undefined ? {} : { archived: after.archived }),
        ...(patch.metrics ? { metrics: sql`json_patch(${JSON.stringify(patch.metrics)}, ${versions.metrics})` } : {}),
        updatedAt: m.now,
      })
      .where(eq(versions.id, row.id)),
    ...Object.entries(patch.tags ?? {}).map(([k, value]) =>
      value === null
        ? m.db.delete(versionTags).where(and(eq(versionTags.versionId, row.id), eq(versionTags.key, k)))
        : m.db
            .insert(versionTags)
            .values({ versionId: row.id, key: k, value })
            .onConflictDoUpdate({ target: [versionTags.versionId, versionTags.key], set: { value } }),
    ),
    // Archiving re-checks at write time that nothing serves the version: a stage or rollout may have reached it since.
    archiving ? guardedAuditInsert(m, audit, notServing(row.id)) : auditInsert(m, audit),
  ] as const;
  try {
    await m.db.batch(statements);
  } catch (error) {
    if (isGuardFailure(error)) throw conflict(`version ${row.number} started serving a stage or rollout meanwhile; it stays unarchived`, { field: "archived" });
    throw error;
  }
  return getVersionView(m.db, model, { number: row.number }, base);
}

const notServing = (versionId: string) =>
  sql`NOT EXISTS (SELECT 1 FROM refs WHERE version_id = ${versionId} AND name IN ('Production', 'Staging'))
    AND NOT EXISTS (SELECT 1 FROM rollouts WHERE status = 'active' AND (candidate_version_id = ${versionId} OR stable_version_id = ${versionId}))`;

/** A version that serves a stage or a rollout is moved off first: archiving never changes what is served. */
async function assertArchivable(db: Database, model: ModelRow, row: VersionRow, view: VersionView) {
  if (view.stage === "Production" || view.stage === "Staging") {
    throw conflict(`version ${row.number} is in ${view.stage}; move ${view.stage} to another version before archiving it`, {
      field: "archived",
    });
  }
  const active = await db
    .select({ ref: rollouts.ref })
    .from(rollouts)
    .where(
      and(
        eq(rollouts.modelId, model.id),
        eq(rollouts.status, "active"),
        sql`(${rollouts.candidateVersionId} = ${row.id} OR ${rollouts.stableVersionId} = ${row.id})`,
      ),
    )
    .get();
  if (active) throw conflict(`version ${row.number} is part of the active rollout on ${active.ref}`, { field: "archived" });
}

function pick<T extends object>(source: T, fields: object): Partial<T> {
  return Object.fromEntries(Object.keys(fields).map((k) => [k, source[k as keyof T]])) as Partial<T>;
}

/** Builds views for versions of one model with one batch for refs, tags and artifacts. */
export async function viewsOf(db: Database, model: ModelRow, rows: VersionRow[], base: string): Promise<VersionView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [refRows, tagRows, artifactRows, rolloutRows] = await db.batch([
    db.select({ name: refs.name, versionId: refs.versionId }).from(refs).where(eq(refs.modelId, model.id)),
    db.select().from(versionTags).where(inList(versionTags.versionId, ids)),
    db.select().from(artifacts).where(inList(artifacts.versionId, ids)).orderBy(artifacts.path),
    db
      .select({ id: rollouts.id, ref: rollouts.ref, stable: rollouts.stableVersionId, candidate: rollouts.candidateVersionId, weightBp: rollouts.weightBp })
      .from(rollouts)
      .where(and(eq(rollouts.modelId, model.id), eq(rollouts.status, "active"))),
  ]);
  const rolloutsOf = (id: string): VersionRollout[] =>
    rolloutRows
      .filter((r) => r.stable === id || r.candidate === id)
      .map((r) => ({ rollout_id: r.id, ref: r.ref, arm: r.candidate === id ? "candidate" : "stable", weight: basisPointsToPercent(r.weightBp) }));
  return rows.map((row) =>
    versionView(
      model.name,
      row,
      refRows.filter((r) => r.versionId === row.id).map((r) => r.name),
      tagsOf(tagRows.filter((t) => t.versionId === row.id)),
      artifactRows.filter((a) => a.versionId === row.id),
      base,
      rolloutsOf(row.id),
    ),
  );
}

export function versionView(
  modelName: string,
  row: VersionRow,
  refNames: string[],
  tags: Record<string, string>,
  artifactRows: ArtifactRow[],
  base: string,
  rollouts: VersionRollout[] = [],
): VersionView {
  return {
    model: modelName,
    number: row.number,
    semver: row.semver,
    status: row.status,
    stage: stageOf(refNames, row.archived),
    aliases: aliasesOf(refNames),
    archived: row.archived,
    description: row.description,
    run_id: row.runId,
    git_commit: row.gitCommit,
    source: row.source,
    dataset: (row.dataset as Dataset | null) ?? null,
    metrics: row.metrics as Record<string, number>,
    params: row.params as Params,
    signature: (row.signature as Signature | null) ?? null,
    tags,
    artifacts: artifactRows.map((a) => ({
      path: a.path,
      size: a.size,
      sha256: a.sha256,
      content_type: a.contentType,
      ...(a.mediaType ? { media_type: a.mediaType } : {}),
      url: artifactUrl(base, modelName, row.number, a.path),
    })),
    rollouts,
    created_at: row.createdAt,
    created_by: row.createdBy,
    // Resolution rows carry no deletedAt: resolve never answers a deleted version.
    ...(row.deletedAt ? { deleted_at: row.deletedAt } : {}),
  };
}

/** Versions of a model with their model row, for routes that address `/models/:name/versions/:v`. */
export async function requireModelVersion(db: Database, name: string, key: VersionKey) {
  const model = await requireModel(db, name);
  const version = await requireVersion(db, model, key);
  return { model, version };
}

/** The highest number a version of the model has (0 when none). */
export async function highestVersionNumber(db: Database, model: ModelRow): Promise<number> {
  const row = await db
    .select({ number: sql<number | null>`MAX(${versions.number})` })
    .from(versions)
    .where(eq(versions.modelId, model.id))
    .get();
  return row?.number ?? 0;
}
