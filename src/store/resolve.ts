/**
 * Reference resolution in one D1 query. SQLite's JSON functions fold every part of the answer into one row: the
 * caller's token, the model, its refs, the ref's active rollout and the target versions with their tags and verified
 * artifacts. Each part is keyed by the model's name through a subquery, so none waits for another.
 *
 * Plain SQL rather than drizzle's builders: this is the hot path, and building and mapping seven builder queries
 * per request cost more CPU than D1 itself (bench/resolve.mjs). The text depends only on the selector's kind (and a
 * range's text), so it is built once per isolate and bound per request.
 */
import { basisPointsToPercent } from "../domain/canary";
import { badRequest, DomainError, modelNotFound, notFound } from "../domain/errors";
import { MAX_RANGE_ALTERNATIVES, rangeCost, rangePlan, type Bound, type Triple } from "../domain/ranges";
import { formatSelector, type ModelReference, type Selector } from "../domain/reference";
import { StalenessCache } from "../domain/staleness-cache";
import { chooseVersion, selectorRef, type ActiveRollout, type RefPointer, type Resolution } from "../domain/resolve";
import type { Database } from "./db";
import { tagsOf } from "./tags";
import type { ActiveTokenRow } from "./tokens";
import { versionView, type ArtifactRow, type ArtifactView, type VersionRollout, type VersionRow, type VersionView } from "./versions";

export { MAX_RANGE_ALTERNATIVES } from "../domain/ranges";

export type ResolvedVersionRow = VersionRow & {
  artifacts: ArtifactRow[];
  tags: Record<string, string>;
  rollouts: (Omit<VersionRollout, "weight"> & { weightBp: number })[];
};

export interface ResolutionRows {
  token: ActiveTokenRow | null;
  model: { id: string; name: string; createdAt: string } | null;
  refs: RefPointer[];
  rollout: (ActiveRollout & { stableVersionId: string }) | null;
  versions: ResolvedVersionRow[];
}

/**
 * `secretHash` is the caller's token hash, or null when the credentials need no lookup (the bootstrap admin); the
 * lookup then matches nothing.
 */
export async function readResolution(
  db: Database,
  reference: ModelReference,
  secretHash: string | null,
  now: string,
  at?: string,
): Promise<ResolutionRows> {
  const { sql, params } = resolutionQuery(reference, secretHash, now, at);
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
  const rollouts = row.rollouts.map(({ weightBp, ...r }) => ({ ...r, weight: basisPointsToPercent(weightBp) }));
  const view = versionView(rows.model.name, row, refNames, row.tags, row.artifacts, base, rollouts);
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

export interface ResolvedAt extends Resolved {
  /** The instant answered. */
  at: string;
  /** What the reference's ref pointed to then (the stable arm under a rollout); null for other selectors. */
  refVersion: number | null;
  /** The rollout running on the ref then, with its weight then. */
  rollout: { id: string; weight: number; salt: string; stable_version: number; candidate_version: number } | null;
}

/**
 * The answer at an instant (rows read with `at`): a model created later is a 404 that says so; anything else
 * missing then is the 404 a resolve would give, naming the instant.
 */
export function resolvedAt(rows: ResolutionRows, reference: ModelReference, at: string, routingKey: () => string, base: string): ResolvedAt {
  const model = rows.model;
  if (model && model.createdAt > at) {
    throw notFound(`model '${model.name}' did not exist at ${at}; it was created at ${model.createdAt}`, {
      model: model.name,
      at,
      created_at: model.createdAt,
      reason: "before_model",
    });
  }
  let resolved: Resolved;
  try {
    resolved = resolvedFrom(rows, reference, routingKey, base);
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== "NOT_FOUND") throw error;
    throw new DomainError("NOT_FOUND", `${error.message} at ${at}`, { ...(error.details as object), at });
  }
  const numberOf = (id: string) => rows.versions.find((v) => v.id === id)!.number;
  const refName = selectorRef(reference.selector);
  const pointer = refName === null ? undefined : rows.refs.find((r) => r.name === refName);
  const r = rows.rollout;
  return {
    ...resolved,
    at,
    refVersion: pointer ? numberOf(pointer.versionId) : null,
    rollout: r
      ? { id: r.id, weight: basisPointsToPercent(r.weightBp), salt: r.salt, stable_version: numberOf(r.stableVersionId), candidate_version: numberOf(r.candidateVersionId) }
      : null,
  };
}

// ---- the query -------------------------------------------------------------------------------------------------
// Parameters: ?1 token hash, ?2 now, ?3 model name, ?4 ref name ('' without one), ?5 version number or semver.

/**
 * The model the reference names: by its name, else through a former name's redirect (a renamed model keeps
 * serving under its old name until an admin removes the redirect). A deleted model resolves nothing.
 */
const MODEL_ID = `(SELECT id FROM models WHERE deleted_at IS NULL
  AND id = COALESCE((SELECT id FROM models WHERE name = ?3), (SELECT model_id FROM model_redirects WHERE old_name = ?3)))`;

/**
 * What "now" and "at ?6" differ in. Now reads the refs and active rollouts as they are; at an instant, the ref's
 * target is its newest history entry by then, a rollout ran if it started by then and had not ended, and a version
 * existed if created by then and was READY if its last artifact was verified by then (the flip to READY is batched
 * with that verification). Archiving is not recorded with a time, so the archived flag is today's.
 */
interface When {
  /** versions (unqualified columns) a floating selector may pick */
  live: string;
  /** extra condition on versions (unqualified) a pinned selector may name */
  existed: string;
  /** the version id the selector's ref ?4 pointed to */
  refTarget: string;
  /** a FROM source `r`: the rollout running on the selector's ref ?4 (at most one row) */
  rolloutOnRef: string;
  /** a FROM source `r`: the rollouts running on the model with version `v.id` as an arm */
  rolloutsOf: string;
  /** rollouts `r`'s weight in basis points */
  weight: string;
}

const readyAt = (v: string) => `COALESCE((SELECT MAX(a.verified_at) FROM artifacts a WHERE a.version_id = ${v}.id), ${v}.created_at)`;

const NOW: When = {
  live: `model_id = ${MODEL_ID} AND status = 'READY' AND archived = 0`,
  // Deleted versions are archived too, so only pinned selectors need to leave them out.
  existed: "deleted_at IS NULL",
  refTarget: `SELECT version_id FROM refs WHERE model_id = ${MODEL_ID} AND name = ?4`,
  rolloutOnRef: `(SELECT * FROM rollouts WHERE model_id = ${MODEL_ID} AND ref = ?4 AND status = 'active') r`,
  rolloutsOf: "(SELECT * FROM rollouts WHERE model_id = v.model_id AND status = 'active' AND (candidate_version_id = v.id OR stable_version_id = v.id)) r",
  weight: "r.weight_bp",
};

const AT: When = {
  live: `model_id = ${MODEL_ID} AND status = 'READY' AND archived = 0 AND created_at <= ?6 AND ${readyAt("versions")} <= ?6`,
  existed: "created_at <= ?6 AND deleted_at IS NULL",
  refTarget: `SELECT to_version_id FROM (SELECT to_version_id FROM ref_history WHERE model_id = ${MODEL_ID} AND ref = ?4 AND at <= ?6
    ORDER BY at DESC, generation DESC LIMIT 1)`,
  // Rollouts on one ref never overlap, so only the newest one started by then can have been running.
  rolloutOnRef: `(SELECT * FROM (SELECT * FROM rollouts WHERE model_id = ${MODEL_ID} AND ref = ?4 AND created_at <= ?6
    ORDER BY created_at DESC LIMIT 1) WHERE ended_at IS NULL OR ended_at > ?6) r`,
  rolloutsOf: `(SELECT * FROM rollouts WHERE (candidate_version_id = v.id OR stable_version_id = v.id)
    AND created_at <= ?6 AND (ended_at IS NULL OR ended_at > ?6)) r`,
  weight: "(SELECT e.weight_bp_after FROM rollout_events e WHERE e.rollout_id = r.id AND e.at <= ?6 ORDER BY e.seq DESC LIMIT 1)",
};

/** The ids of the versions a selector may name (a small superset for ranges). */
function targetIds(selector: Selector, when: When): string {
  switch (selector.kind) {
    case "stage":
    case "alias":
      // The ref's version is the stable arm; a running rollout adds its candidate.
      return `${when.refTarget}
        UNION ALL SELECT r.candidate_version_id FROM ${when.rolloutOnRef}`;
    case "number":
      return `SELECT id FROM versions WHERE model_id = ${MODEL_ID} AND number = ?5 AND ${when.existed}`;
    case "semver":
      return `SELECT id FROM versions WHERE model_id = ${MODEL_ID} AND semver = ?5 AND ${when.existed}`;
    case "latest":
      return `SELECT id FROM (SELECT id FROM versions WHERE ${when.live} ORDER BY number DESC LIMIT 1)`;
    case "range":
      return rangeIds(selector.range, when.live);
  }
}

/**
 * Per comparator set, the highest live release inside its window (an index range scan, newest first, one row);
 * plus the live prereleases at the few triples the range names with a prerelease. `semver` picks among them.
 */
function rangeIds(range: string, live: string): string {
  const plan = rangePlan(range);
  // parseSelector refuses these first; kept so no caller can build an unbounded query.
  if (rangeCost(plan) > MAX_RANGE_ALTERNATIVES) {
    throw badRequest(`range '${range}' has more than ${MAX_RANGE_ALTERNATIVES} alternatives`, { field: "ref", reason: "bad_selector" });
  }
  const parts = plan.releases.map((w) => {
    const bounds = [w.lower && tripleCompare(w.lower.inclusive ? ">=" : ">", w.lower), w.upper && tripleCompare(w.upper.inclusive ? "<=" : "<", w.upper)];
    const window = bounds.filter((b) => b !== null).map((b) => ` AND ${b}`).join("");
    return `SELECT id FROM (SELECT id FROM versions WHERE ${live} AND prerelease = ''${window} ORDER BY major DESC, minor DESC, patch DESC LIMIT 1)`;
  });
  if (plan.prereleaseTriples.length > 0) {
    const atTriples = plan.prereleaseTriples.map((t) => `(major, minor, patch) = ${tripleLiteral(t)}`).join(" OR ");
    parts.push(`SELECT id FROM versions WHERE ${live} AND prerelease != '' AND (${atTriples})`);
  }
  return parts.length === 0 ? "SELECT id FROM versions WHERE 0" : parts.join(" UNION ALL ");
}

const tripleCompare = (op: string, bound: Bound) => `(major, minor, patch) ${op} ${tripleLiteral(bound.triple)}`;

/** Semver parts are safe integers (semver refuses larger), so they can be written into the SQL. */
function tripleLiteral(t: Triple): string {
  if (!t.every(Number.isSafeInteger)) throw badRequest("semver parts must be safe integers", { field: "ref" });
  return `(${t.join(", ")})`;
}

/**
 * Every ref of the model then: its newest history entry by ?6, unless that entry removed it. One pass over the
 * model's history: SQLite takes a bare column (to_version_id) from the row that holds the group's MAX.
 */
const REFS_AT = `SELECT json_group_array(json_object('name', ref, 'versionId', to_version_id)) FROM (
     SELECT ref, to_version_id, MAX(at || printf('#%012d', generation)) FROM ref_history WHERE model_id = ${MODEL_ID} AND at <= ?6 GROUP BY ref)
     WHERE to_version_id IS NOT NULL`;

function resolutionSql(selector: Selector, when: When): string {
  const pointInTime = when === AT;
  const status = pointInTime ? `CASE WHEN v.status = 'READY' AND ${readyAt("v")} > ?6 THEN 'PENDING' ELSE v.status END` : "v.status";
  return `SELECT
  (SELECT json_object('id', id, 'name', name, 'role', role, 'modelGlob', model_glob, 'lastUsedAt', last_used_at)
     FROM tokens WHERE secret_hash = ?1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?2)) AS token,
  (SELECT json_object('id', id, 'name', name, 'createdAt', created_at) FROM models WHERE id = ${MODEL_ID}) AS model,
  (${pointInTime ? REFS_AT : `SELECT json_group_array(json_object('name', name, 'versionId', version_id)) FROM refs WHERE model_id = ${MODEL_ID}`}) AS refs,
  (SELECT json_object('id', r.id, 'salt', r.salt, 'weightBp', ${when.weight}, 'candidateVersionId', r.candidate_version_id,
      'stableVersionId', r.stable_version_id)
     FROM ${when.rolloutOnRef}) AS rollout,
  (SELECT json_group_array(json_object(
      'id', v.id, 'modelId', v.model_id, 'number', v.number, 'semver', v.semver,
      'major', v.major, 'minor', v.minor, 'patch', v.patch, 'prerelease', v.prerelease,
      'status', ${status}, 'archived', json(CASE WHEN v.archived THEN 'true' ELSE 'false' END),
      'description', v.description, 'runId', v.run_id, 'gitCommit', v.git_commit, 'source', v.source,
      'dataset', json(v.dataset), 'metrics', json(v.metrics), 'params', json(v.params), 'signature', json(v.signature),
      'createdAt', v.created_at, 'createdBy', v.created_by, 'updatedAt', v.updated_at,
      'artifacts', (SELECT json_group_array(json_object('versionId', a.version_id, 'path', a.path, 'size', a.size,
          'sha256', a.sha256, 'contentType', a.content_type, 'mediaType', a.media_type, 'verifiedAt', a.verified_at))
        FROM artifacts a WHERE a.version_id = v.id AND a.verified_at IS NOT NULL),
      'tags', (SELECT json_group_object(t.key, t.value) FROM version_tags t WHERE t.version_id = v.id),
      'rollouts', (SELECT json_group_array(json_object('rollout_id', r.id, 'ref', r.ref,
          'arm', CASE WHEN r.candidate_version_id = v.id THEN 'candidate' ELSE 'stable' END, 'weightBp', ${when.weight}))
        FROM ${when.rolloutsOf})))
     FROM versions v WHERE v.id IN (${targetIds(selector, when)})) AS versions`;
}

/** Distinct SQL texts per isolate: one per selector kind, plus one per range seen (bounded, as ranges are input). */
const MAX_CACHED_QUERIES = 256;
const queries = new Map<string, string>();

function cachedSql(selector: Selector, when: When): string {
  const kind = selector.kind === "range" ? `range:${selector.range}` : selector.kind === "alias" ? "stage" : selector.kind;
  const key = when === AT ? `at:${kind}` : kind;
  let sql = queries.get(key);
  if (sql === undefined) {
    sql = resolutionSql(selector, when);
    if (queries.size >= MAX_CACHED_QUERIES) queries.clear();
    queries.set(key, sql);
  }
  return sql;
}

/**
 * The query and its parameters; exported so the benchmark can show its plan. With `at`, the answer is the
 * reference's at that instant, from the recorded history (ref_history, rollouts, rollout_events).
 */
export function resolutionQuery(
  reference: ModelReference,
  secretHash: string | null,
  now: string,
  at?: string,
): { sql: string; params: (string | number | null)[] } {
  const { selector } = reference;
  const params: (string | number | null)[] = [secretHash ?? "", now, reference.model, selectorRef(selector) ?? ""];
  if (selector.kind === "number") params.push(selector.number);
  else if (selector.kind === "semver") params.push(selector.semver);
  // ?6 fixes the count of parameters at six, so ?5 is bound (null) even when the selector does not use it.
  else if (at !== undefined) params.push(null);
  if (at !== undefined) params.push(at);
  return { sql: cachedSql(selector, at === undefined ? NOW : AT), params };
}
