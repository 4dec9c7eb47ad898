/**
 * Reference resolution in one D1 query. SQLite's JSON functions fold every part of the answer into one row: the
 * caller's token, the model, its refs, the ref's active rollout and the target versions with their tags and verified
 * artifacts. Each part is keyed by the model's name through a subquery, so none waits for another.
 *
 * Plain SQL rather than drizzle's builders: this is the hot path, and building and mapping seven builder queries
 * per request cost more CPU than D1 itself (bench/resolve.mjs). The text depends only on the selector's kind (and a
 * range's text), so it is built once per isolate and bound per request.
 */
import { badRequest, modelNotFound, notFound } from "../domain/errors";
import { MAX_RANGE_ALTERNATIVES, rangeCost, rangePlan, type Bound, type Triple } from "../domain/ranges";
import { formatSelector, type ModelReference, type Selector } from "../domain/reference";
import { StalenessCache } from "../domain/staleness-cache";
import { chooseVersion, selectorRef, type ActiveRollout, type RefPointer, type Resolution } from "../domain/resolve";
import type { Database } from "./db";
import { tagsOf } from "./tags";
import type { ActiveTokenRow } from "./tokens";
import { versionView, type ArtifactRow, type ArtifactView, type VersionRow, type VersionView } from "./versions";

export { MAX_RANGE_ALTERNATIVES } from "../domain/ranges";

export type ResolvedVersionRow = VersionRow & { artifacts: ArtifactRow[]; tags: Record<string, string> };

export interface ResolutionRows {
  token: ActiveTokenRow | null;
  model: { id: string; name: string } | null;
  refs: RefPointer[];
  rollout: ActiveRollout | null;
  versions: ResolvedVersionRow[];
}

/**
 * `secretHash` is the caller's token hash, or null when the credentials need no lookup (the bootstrap admin); the
 * lookup then matches nothing.
 */
export async function readResolution(db: Database, reference: ModelReference, secretHash: string | null, now: string): Promise<ResolutionRows> {
  const { sql, params } = resolutionQuery(reference, secretHash, now);
  const row = (await db.$client.prepare(sql).bind(...params).first<Record<keyof ResolutionRows, string | null>>())!;
  // The JSON is built by the query above from typed columns; parsing restores the shapes the views expect.
  const parse = <T>(text: string | null, empty: T): T => (text === null ? empty : (JSON.parse(text) as T));
  const versions = parse<ResolvedVersionRow[]>(row.versions, []);
  for (const v of versions) v.artifacts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    token: parse(row.token, null),
    model: parse(row.model, null),
    refs: parse(row.refs, []),
    rollout: parse(row.rollout, null),
    versions,
  };
}

/** Per-isolate memory of resolution rows, keyed by caller and reference (DESIGN §6). */
export type ResolveCache = StalenessCache<string, ResolutionRows>;

export const newResolveCache = (): ResolveCache => new StalenessCache<string, ResolutionRows>();

/**
 * The token is part of the key: a cached answer carries its caller's token check, so a revoked token stops
 * working within the same bound as a ref move.
 */
export const resolveCacheKey = (reference: ModelReference, secretHash: string | null) =>
  `${secretHash ?? "bootstrap"}\n${reference.model}\n${formatSelector(reference.selector)}`;

export interface Resolved extends Resolution {
  view: VersionView;
  /** The artifact the reference's trailing path names, if it has one (verified: only those are read). */
  artifact: { view: ArtifactView; row: ArtifactRow } | null;
}

/** Turns the rows into the answer; throws notFound saying what is missing. */
export function resolvedFrom(rows: ResolutionRows, reference: ModelReference, routingKey: () => string, base: string): Resolved {
  if (!rows.model) throw modelNotFound(reference.model);
  const resolution = chooseVersion({ reference, refs: rows.refs, rollout: rows.rollout, versions: rows.versions, routingKey });
  const row = rows.versions.find((v) => v.id === resolution.versionId)!;
  const refNames = rows.refs.filter((r) => r.versionId === row.id).map((r) => r.name);
  const view = versionView(rows.model.name, row, refNames, row.tags, row.artifacts, base);
  let artifact: Resolved["artifact"] = null;
  if (reference.path !== null) {
    const artifactRow = row.artifacts.find((a) => a.path === reference.path);
    if (!artifactRow) {
      throw notFound(`version ${view.number} of model '${view.model}' has no artifact '${reference.path}'`, {
        model: view.model,
        version: view.number,
        path: reference.path,
        reason: "no_artifact",
      });
    }
    artifact = { row: artifactRow, view: view.artifacts.find((a) => a.path === artifactRow.path)! };
  }
  return { ...resolution, view, artifact };
}

// ---- the query -------------------------------------------------------------------------------------------------
// Parameters: ?1 token hash, ?2 now, ?3 model name, ?4 ref name ('' without one), ?5 version number or semver.

const MODEL_ID = "(SELECT id FROM models WHERE name = ?3)";
const LIVE = `model_id = ${MODEL_ID} AND status = 'READY' AND archived = 0`;

/** The ids of the versions a selector may name (a small superset for ranges). */
function targetIds(selector: Selector): string {
  switch (selector.kind) {
    case "stage":
    case "alias":
      // The ref's version is the stable arm; an active rollout adds its candidate.
      return `SELECT version_id FROM refs WHERE model_id = ${MODEL_ID} AND name = ?4
        UNION ALL SELECT candidate_version_id FROM rollouts WHERE model_id = ${MODEL_ID} AND ref = ?4 AND status = 'active'`;
    case "number":
      return `SELECT id FROM versions WHERE model_id = ${MODEL_ID} AND number = ?5`;
    case "semver":
      return `SELECT id FROM versions WHERE model_id = ${MODEL_ID} AND semver = ?5`;
    case "latest":
      return `SELECT id FROM (SELECT id FROM versions WHERE ${LIVE} ORDER BY number DESC LIMIT 1)`;
    case "range":
      return rangeIds(selector.range);
  }
}

/**
 * Per comparator set, the highest live release inside its window (an index range scan, newest first, one row);
 * plus the live prereleases at the few triples the range names with a prerelease. `semver` picks among them.
 */
function rangeIds(range: string): string {
  const plan = rangePlan(range);
  // parseSelector refuses these first; kept so no caller can build an unbounded query.
  if (rangeCost(plan) > MAX_RANGE_ALTERNATIVES) {
    throw badRequest(`range '${range}' has more than ${MAX_RANGE_ALTERNATIVES} alternatives`, { field: "ref", reason: "bad_selector" });
  }
  const parts = plan.releases.map((w) => {
    const bounds = [w.lower && tripleCompare(w.lower.inclusive ? ">=" : ">", w.lower), w.upper && tripleCompare(w.upper.inclusive ? "<=" : "<", w.upper)];
    const window = bounds.filter((b) => b !== null).map((b) => ` AND ${b}`).join("");
    return `SELECT id FROM (SELECT id FROM versions WHERE ${LIVE} AND prerelease = ''${window} ORDER BY major DESC, minor DESC, patch DESC LIMIT 1)`;
  });
  if (plan.prereleaseTriples.length > 0) {
    const atTriples = plan.prereleaseTriples.map((t) => `(major, minor, patch) = ${tripleLiteral(t)}`).join(" OR ");
    parts.push(`SELECT id FROM versions WHERE ${LIVE} AND prerelease != '' AND (${atTriples})`);
  }
  return parts.length === 0 ? "SELECT id FROM versions WHERE 0" : parts.join(" UNION ALL ");
}

const tripleCompare = (op: string, bound: Bound) => `(major, minor, patch) ${op} ${tripleLiteral(bound.triple)}`;

/** Semver parts are safe integers (semver refuses larger), so they can be written into the SQL. */
function tripleLiteral(t: Triple): string {
  if (!t.every(Number.isSafeInteger)) throw badRequest("semver parts must be safe integers", { field: "ref" });
  return `(${t.join(", ")})`;
}

function resolutionSql(selector: Selector): string {
  return `SELECT
  (SELECT json_object('id', id, 'name', name, 'role', role, 'modelGlob', model_glob, 'lastUsedAt', last_used_at)
     FROM tokens WHERE secret_hash = ?1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?2)) AS token,
  (SELECT json_object('id', id, 'name', name) FROM models WHERE name = ?3) AS model,
  (SELECT json_group_array(json_object('name', name, 'versionId', version_id)) FROM refs WHERE model_id = ${MODEL_ID}) AS refs,
  (SELECT json_object('id', id, 'salt', salt, 'weightBp', weight_bp, 'candidateVersionId', candidate_version_id)
     FROM rollouts WHERE model_id = ${MODEL_ID} AND ref = ?4 AND status = 'active') AS rollout,
  (SELECT json_group_array(json_object(
      'id', v.id, 'modelId', v.model_id, 'number', v.number, 'semver', v.semver,
      'major', v.major, 'minor', v.minor, 'patch', v.patch, 'prerelease', v.prerelease,
      'status', v.status, 'archived', json(CASE WHEN v.archived THEN 'true' ELSE 'false' END),
      'description', v.description, 'runId', v.run_id, 'gitCommit', v.git_commit, 'source', v.source,
      'dataset', json(v.dataset), 'metrics', json(v.metrics), 'params', json(v.params), 'signature', json(v.signature),
      'createdAt', v.created_at, 'createdBy', v.created_by, 'updatedAt', v.updated_at,
      'artifacts', (SELECT json_group_array(json_object('versionId', a.version_id, 'path', a.path, 'size', a.size,
          'sha256', a.sha256, 'contentType', a.content_type, 'mediaType', a.media_type, 'verifiedAt', a.verified_at))
        FROM artifacts a WHERE a.version_id = v.id AND a.verified_at IS NOT NULL),
      'tags', (SELECT json_group_object(t.key, t.value) FROM version_tags t WHERE t.version_id = v.id)))
     FROM versions v WHERE v.id IN (${targetIds(selector)})) AS versions`;
}

/** Distinct SQL texts per isolate: one per selector kind, plus one per range seen (bounded, as ranges are input). */
const MAX_CACHED_QUERIES = 256;
const queries = new Map<string, string>();

function cachedSql(selector: Selector): string {
  const key = selector.kind === "range" ? `range:${selector.range}` : selector.kind === "alias" ? "stage" : selector.kind;
  let sql = queries.get(key);
  if (sql === undefined) {
    sql = resolutionSql(selector);
    if (queries.size >= MAX_CACHED_QUERIES) queries.clear();
    queries.set(key, sql);
  }
  return sql;
}

/** The query and its parameters; exported so the benchmark can show its plan. */
export function resolutionQuery(reference: ModelReference, secretHash: string | null, now: string): { sql: string; params: (string | number)[] } {
  const { selector } = reference;
  const params: (string | number)[] = [secretHash ?? "", now, reference.model, selectorRef(selector) ?? ""];
  if (selector.kind === "number") params.push(selector.number);
  if (selector.kind === "semver") params.push(selector.semver);
  return { sql: cachedSql(selector), params };
}
