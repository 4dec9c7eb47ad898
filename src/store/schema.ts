/**
 * D1 schema (drizzle). `npm run db:generate` turns changes here into the next flat SQL file in migrations/.
 * Times are ISO-8601 UTC strings; JSON columns hold the shapes named in DESIGN §2.
 */
import { sql } from "drizzle-orm";
import type { RefAction } from "../domain/refs";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const models = sqliteTable("models", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  createdAt: text("created_at").notNull(),
  createdBy: text("created_by").notNull(),
  updatedAt: text("updated_at").notNull(),
  /** MLflow 3's deployment job for the model, as its client sends it; edgereg only keeps and returns it. */
  deploymentJobId: text("deployment_job_id"),
  /** Set by a delete (MLflow's): hidden from every read but an admin's, kept with its versions, restorable. */
  deletedAt: text("deleted_at"),
});

/**
 * Names a model had before a rename: serving references that still use one resolve to the model (and say its
 * current name) until an admin removes the redirect. A name here is taken: no new model may use it meanwhile.
 */
export const modelRedirects = sqliteTable("model_redirects", {
  oldName: text("old_name").primaryKey(),
  modelId: text("model_id")
    .notNull()
    .references(() => models.id),
  createdAt: text("created_at").notNull(),
  createdBy: text("created_by").notNull(),
});

export const modelTags = sqliteTable(
  "model_tags",
  {
    modelId: text("model_id").notNull().references(() => models.id),
    key: text("key").notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.key] }), index("model_tags_by_key_value").on(t.key, t.value)],
);

export const versions = sqliteTable(
  "versions",
  {
    id: text("id").primaryKey(),
    modelId: text("model_id").notNull().references(() => models.id),
    /** 1, 2, 3… per model, assigned inside the INSERT so concurrent creations never share or skip one. */
    number: integer("number").notNull(),
    semver: text("semver").notNull(),
    /** Numeric semver parts let range references narrow candidates with an index before `semver` decides. */
    major: integer("major").notNull(),
    minor: integer("minor").notNull(),
    patch: integer("patch").notNull(),
    prerelease: text("prerelease").notNull().default(""),
    status: text("status", { enum: ["PENDING", "READY", "FAILED"] }).notNull(),
    archived: integer("archived", { mode: "boolean" }).notNull().default(false),
    description: text("description").notNull().default(""),
    runId: text("run_id"),
    gitCommit: text("git_commit"),
    source: text("source"),
    dataset: text("dataset", { mode: "json" }),
    metrics: text("metrics", { mode: "json" }).notNull().default(sql`'{}'`),
    params: text("params", { mode: "json" }).notNull().default(sql`'{}'`),
    signature: text("signature", { mode: "json" }),
    /** The MLflow 3 LoggedModel (`m-…`) an MLflow client registered this version from; null otherwise. */
    mlflowModelId: text("mlflow_model_id"),
    /** Set by a delete: archived, out of every ref and hidden from every read but an admin's; restorable. */
    deletedAt: text("deleted_at"),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("versions_model_number").on(t.modelId, t.number),
    index("versions_by_mlflow_model_id").on(t.mlflowModelId),
    uniqueIndex("versions_model_semver").on(t.modelId, t.semver),
    index("versions_model_semver_parts").on(t.modelId, t.major, t.minor, t.patch),
  ],
);

export const versionTags = sqliteTable(
  "version_tags",
  {
    versionId: text("version_id").notNull().references(() => versions.id),
    key: text("key").notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.key] })],
);

export const artifacts = sqliteTable(
  "artifacts",
  {
    versionId: text("version_id").notNull().references(() => versions.id),
    path: text("path").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    contentType: text("content_type").notNull(),
    /** The CNCF ModelPack layer type declared at creation (weight, weight config, doc, code, dataset); null: inferred from the path. */
    mediaType: text("media_type"),
    /** Null until the bytes under blobs/sha256/<sha256> were verified for this version. */
    verifiedAt: text("verified_at"),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.path] }), index("artifacts_by_sha256").on(t.sha256)],
);

/** Named pointers: the stage refs `Production`/`Staging` and free aliases. */
export const refs = sqliteTable(
  "refs",
  {
    modelId: text("model_id").notNull().references(() => models.id),
    name: text("name").notNull(),
    versionId: text("version_id").notNull().references(() => versions.id),
    /** Bumped on every move; equals the newest ref_history generation for this ref. */
    generation: integer("generation").notNull(),
    updatedAt: text("updated_at").notNull(),
    updatedBy: text("updated_by").notNull(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.name] }), index("refs_by_version").on(t.versionId)],
);

export const refHistory = sqliteTable(
  "ref_history",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    modelId: text("model_id").notNull().references(() => models.id),
    ref: text("ref").notNull(),
    /** Unique per ref: two writers that read the same generation cannot both commit (compare-and-set). */
    generation: integer("generation").notNull(),
    action: text("action").$type<RefAction>().notNull(),
    fromVersionId: text("from_version_id"),
    toVersionId: text("to_version_id"),
    actor: text("actor").notNull(),
    reason: text("reason").notNull().default(""),
    at: text("at").notNull(),
    /** The rollout an entry belongs to (its start, promote, abort or rollback); null for plain moves. */
    rolloutId: text("rollout_id"),
  },
  (t) => [
    uniqueIndex("ref_history_generation").on(t.modelId, t.ref, t.generation),
    // Point-in-time resolve seeks a ref's newest entry at or before an instant.
    index("ref_history_by_time").on(t.modelId, t.ref, t.at),
  ],
);

export const rollouts = sqliteTable(
  "rollouts",
  {
    id: text("id").primaryKey(),
    modelId: text("model_id").notNull().references(() => models.id),
    ref: text("ref").notNull(),
    stableVersionId: text("stable_version_id").notNull().references(() => versions.id),
    candidateVersionId: text("candidate_version_id").notNull().references(() => versions.id),
    weightBp: integer("weight_bp").notNull(),
    salt: text("salt").notNull(),
    steps: text("steps", { mode: "json" }).notNull().default(sql`'[]'`),
    policy: text("policy", { mode: "json" }),
    status: text("status", { enum: ["active", "promoted", "aborted", "rolled_back"] }).notNull(),
    reason: text("reason").notNull().default(""),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    updatedAt: text("updated_at").notNull(),
    endedAt: text("ended_at"),
  },
  (t) => [
    // One active rollout per ref, enforced by the database rather than by a read-then-write.
    uniqueIndex("rollouts_one_active_per_ref").on(t.modelId, t.ref).where(sql`status = 'active'`),
    index("rollouts_by_model").on(t.modelId, t.createdAt),
    // Point-in-time resolve: the newest rollout on a ref started by an instant, and the rollouts a version was an arm of.
    index("rollouts_by_ref").on(t.modelId, t.ref, t.createdAt),
    index("rollouts_by_candidate").on(t.candidateVersionId),
    index("rollouts_by_stable").on(t.stableVersionId),
  ],
);

/** Multipart upload sessions; parts are tracked here because R2's Worker API cannot list them. */
export const uploads = sqliteTable(
  "uploads",
  {
    id: text("id").primaryKey(),
    versionId: text("version_id").notNull().references(() => versions.id),
    path: text("path").notNull(),
    r2Key: text("r2_key").notNull(),
    r2UploadId: text("r2_upload_id").notNull(),
    partSize: integer("part_size").notNull(),
    status: text("status", { enum: ["open", "completed", "aborted", "failed"] }).notNull(),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("uploads_by_version").on(t.versionId, t.path), index("uploads_by_status").on(t.status, t.updatedAt)],
);

export const uploadParts = sqliteTable(
  "upload_parts",
  {
    uploadId: text("upload_id").notNull().references(() => uploads.id),
    number: integer("number").notNull(),
    size: integer("size").notNull(),
    etag: text("etag").notNull(),
    uploadedAt: text("uploaded_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.uploadId, t.number] })],
);

export const tokens = sqliteTable(
  "tokens",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** SHA-256 of the secret; the secret itself is shown once and never stored. */
    secretHash: text("secret_hash").notNull().unique(),
    role: text("role", { enum: ["reader", "reporter", "publisher", "admin"] }).notNull(),
    modelGlob: text("model_glob").notNull().default("*"),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    lastUsedAt: text("last_used_at"),
    expiresAt: text("expires_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("tokens_by_created").on(t.createdAt)],
);

/**
 * Admin UI sign-ins. The browser's cookie holds a random session id; only its SHA-256 is stored. A session lives
 * until it expires or is ended (sign-out), and only while the token it was opened with is active.
 */
export const uiSessions = sqliteTable(
  "ui_sessions",
  {
    idHash: text("id_hash").primaryKey(),
    /** The token signed in with; null for the bootstrap admin (ADMIN_TOKEN). */
    tokenId: text("token_id").references(() => tokens.id),
    /** Bootstrap admin only: SHA-256 of ADMIN_TOKEN at sign-in, so rotating the secret ends its sessions. */
    adminSecretHash: text("admin_secret_hash"),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    endedAt: text("ended_at"),
  },
  (t) => [index("ui_sessions_by_token").on(t.tokenId)],
);

/** Append-only: no route updates or deletes a row. */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: text("at").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    model: text("model"),
    version: integer("version"),
    ref: text("ref"),
    before: text("before", { mode: "json" }),
    after: text("after", { mode: "json" }),
    reason: text("reason").notNull().default(""),
    requestId: text("request_id").notNull(),
  },
  (t) => [
    index("audit_by_model").on(t.model, t.id),
    index("audit_by_actor").on(t.actor, t.id),
    index("audit_by_action").on(t.action, t.id),
    index("audit_by_at").on(t.at),
  ],
);

/**
 * Every change of a rollout, in order. The unique (rollout, seq) is the rollout's compare-and-set: two admins
 * widening and aborting at once cannot both commit against the same state.
 */
export const rolloutEvents = sqliteTable(
  "rollout_events",
  {
    rolloutId: text("rollout_id").notNull().references(() => rollouts.id),
    seq: integer("seq").notNull(),
    action: text("action", { enum: ["start", "weight", "promote", "abort", "rollback", "auto_rollback"] }).notNull(),
    weightBpBefore: integer("weight_bp_before"),
    weightBpAfter: integer("weight_bp_after"),
    actor: text("actor").notNull(),
    reason: text("reason").notNull().default(""),
    evidence: text("evidence", { mode: "json" }),
    at: text("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.rolloutId, t.seq] })],
);

/** A model's promotion and monitoring policy (DESIGN §4 "policy"); absent row = the default policy. */
export const policies = sqliteTable("policies", {
  modelId: text("model_id").primaryKey().references(() => models.id),
  policy: text("policy", { mode: "json" }).notNull(),
  updatedAt: text("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});

/**
 * Live metrics per version, metric and one-minute window, kept as aggregates (raw events are not kept). Batches add
 * to a window with an upsert, so concurrent reporters never lose a count.
 */
export const observations = sqliteTable(
  "observations",
  {
    versionId: text("version_id").notNull().references(() => versions.id),
    metric: text("metric").notNull(),
    windowStart: text("window_start").notNull(),
    count: integer("count").notNull(),
    sum: real("sum").notNull(),
    sumSquares: real("sum_squares").notNull(),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.metric, t.windowStart] })],
);

export const driftReports = sqliteTable(
  "drift_reports",
  {
    id: text("id").primaryKey(),
    modelId: text("model_id").notNull().references(() => models.id),
    versionId: text("version_id").notNull().references(() => versions.id),
    at: text("at").notNull(),
    actor: text("actor").notNull(),
    datasetDrift: integer("dataset_drift", { mode: "boolean" }).notNull(),
    driftShare: real("drift_share").notNull(),
    currentRows: integer("current_rows").notNull(),
    features: text("features", { mode: "json" }).notNull(),
  },
  (t) => [index("drift_reports_by_model").on(t.modelId, t.at, t.id)],
);

export const webhooks = sqliteTable(
  "webhooks",
  {
    id: text("id").primaryKey(),
    url: text("url").notNull(),
    events: text("events", { mode: "json" }).$type<string[]>().notNull(),
    modelGlob: text("model_glob").notNull().default("*"),
    /** The HMAC key for deliveries: shown once, kept because every delivery is signed with it. */
    secret: text("secret").notNull(),
    description: text("description").notNull().default(""),
    /** Deliveries of one model go one at a time, in event order (the receiver asked for order). */
    ordered: integer("ordered", { mode: "boolean" }).notNull().default(false),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    deletedAt: text("deleted_at"),
  },
  (t) => [index("webhooks_by_created").on(t.createdAt)],
);

/** One event sent to one webhook: the exact signed body, its retry state and every attempt. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    webhookId: text("webhook_id").notNull().references(() => webhooks.id),
    eventId: text("event_id").notNull(),
    event: text("event").notNull(),
    model: text("model"),
    body: text("body").notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed"] }).notNull(),
    attempts: text("attempts", { mode: "json" }).notNull().default(sql`'[]'`),
    /** When the next attempt is due; a sender claims a delivery by pushing this forward. Null once settled. */
    nextAttemptAt: text("next_attempt_at"),
    /** 1, 2, 3… per (webhook, model) in the order the events were recorded: the order an ordered webhook keeps. */
    sequence: integer("sequence").notNull().default(0),
    /** Bumped each time the delivery is (re-)enqueued; a queue message of an older generation is stale. */
    generation: integer("generation").notNull().default(0),
    /** A queue consumer sending it holds it until then, so a duplicate message never sends it twice at once. */
    leaseUntil: text("lease_until"),
    /** Parked behind an earlier unsettled delivery of the same model; the earlier one's settlement enqueues it. */
    waiting: integer("waiting", { mode: "boolean" }).notNull().default(false),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("webhook_deliveries_by_webhook").on(t.webhookId, t.createdAt, t.id),
    index("webhook_deliveries_due").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_by_stream").on(t.webhookId, t.model, t.sequence),
  ],
);

/**
 * Mutations per token and fixed one-minute window (src/http/rate-limit.ts). One upsert counts and reads in a single
 * statement, so concurrent requests never both see the last free slot; the cron trigger prunes old windows.
 */
export const rateLimits = sqliteTable(
  "rate_limits",
  {
    key: text("key").notNull(),
    /** Epoch milliseconds at which the window opened. */
    windowStart: integer("window_start").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] }), index("rate_limits_by_window").on(t.windowStart)],
);

/**
 * Every manifest and config the OCI door has served, by digest: a digest once handed out keeps naming the same bytes
 * even after the version's manifest changes (an appended metric, a renamed model). Written once per digest.
 */
export const ociDocuments = sqliteTable("oci_documents", {
  digest: text("digest").primaryKey(),
  versionId: text("version_id").notNull().references(() => versions.id),
  mediaType: text("media_type").notNull(),
  body: text("body").notNull(),
  createdAt: text("created_at").notNull(),
});
