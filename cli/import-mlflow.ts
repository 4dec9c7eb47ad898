/**
 * `edgereg import mlflow`: copies registered models from an MLflow server into edgereg — each version with its
 * MLflow number, description, tags, run metrics and params and files, then the stages and aliases — and is safe to
 * run again: every step first reads what edgereg already has, so a second run changes nothing and an interrupted
 * one picks up where it stopped (uploads resume through push's code, which asks the registry what it holds).
 *
 * Two phases. The plan reads MLflow and edgereg only (it is all `--dry-run` does); the copy then creates models,
 * downloads each new version's files to a temporary directory while hashing them, declares the version and uploads
 * the files, and moves refs once the versions they name are READY.
 */
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { EdgeregError, type EdgeregClient, type Model, type Version, type VersionCreate } from "../src/client";
import { classifyRefName, MODEL_NAME_PATTERN } from "../src/domain/names";
import { validateArtifactPath } from "../src/domain/reference";
import { contentTypeOf } from "./files";
import { limiter, settleAll } from "./limit";
import {
  MlflowError,
  parseRunsUri,
  resolveArtifactUri,
  type ArtifactRoot,
  type ListedFile,
  type MlflowClient,
  type MlflowModelVersion,
  type MlflowRegisteredModel,
  type MlflowRun,
  type MlflowTag,
} from "./mlflow";
import type { Progress, ProgressTask } from "./progress";
import { uploadFiles, type HashedFile, type TransferOptions } from "./push";
import { withRetry } from "./retry";
import type { UploadState } from "./state";
import { formatBytes } from "./units";

/** The version tag naming where a version came from: `<MLflow URL>#<model>/<version>`; a re-run recognises its own versions by it. */
export const IMPORTED_FROM_TAG = "mlflow.imported_from";
/** Set on a version whose files could not be copied, with the reason. */
export const NOT_COPIED_TAG = "mlflow.artifacts_not_copied";

// The registry's bounds (src/http/schemas.ts VersionCreate, ModelCreate, Tags, Metrics, Params): the import trims
// or leaves out what exceeds them, with a warning, instead of losing the whole version to a 400.
const KEY_PATTERN = /^[A-Za-z0-9_.\-/: ]{1,250}$/;
const MAX_TAGS = 100;
const MAX_TAG_VALUE = 5000;
const MAX_METRICS = 1000;
const MAX_PARAMS = 1000;
const MAX_PARAM_VALUE = 5000;
const MAX_DESCRIPTION = 10_000;
const MAX_SOURCE = 2000;
const MAX_RUN_ID = 256;
const MAX_ARTIFACTS = 1000;
const MAX_VERSION_NUMBER = 2_147_483_647;
/** Files at or above this size get their own bar; smaller ones only feed the totals. */
const OWN_BAR_BYTES = 16 * 1024 * 1024;

export interface ImportOptions {
  /** The MLflow server's URL, without a trailing "/". */
  source: string;
  /** `*` and `?` over model names; all models when absent. */
  glob?: string;
  transfer: TransferOptions;
}

export interface ImportContext {
  client: EdgeregClient;
  mlflow: MlflowClient;
  progress: Progress;
  state: UploadState;
  /** Where downloads wait for their upload; removed by the caller. */
  tempDir: string;
  /** A line per version done (logs); off under progress bars, which show the count, so a terminal keeps a short screen. */
  logVersions: boolean;
}

// ---- the plan ----

export type VersionAction = "create" | "resume" | "update" | "unchanged" | "conflict";

export interface VersionPlan {
  model: string;
  number: number;
  /** MLflow's current_stage. */
  stage: string;
  action: VersionAction;
  /** What the version is declared with (create) or should carry (update): tags include IMPORTED_FROM_TAG. */
  meta: Omit<VersionCreate, "artifacts"> & { number: number; tags: Record<string, string> };
  existing: Version | null;
  root: ArtifactRoot | null;
  /** create: every file below the root; resume: the declared files the registry does not hold yet. */
  files: ListedFile[];
  /** Why the files are not copied (the version is imported with its metadata only). */
  metadataOnly: string | null;
  bytes: number;
  /** conflict: why the version cannot be imported. */
  problem?: string;
}

export interface RefPlan {
  ref: string;
  version: number;
  action: "set" | "unchanged";
}

export interface ModelPlan {
  name: string;
  action: "create" | "update" | "unchanged" | "invalid";
  existing: Model | null;
  description: string;
  tags: Record<string, string>;
  versions: VersionPlan[];
  refs: RefPlan[];
  /** Versions MLflow has Archived that edgereg does not (yet). */
  archive: number[];
  problem?: string;
}

export interface ImportPlan {
  source: string;
  models: ModelPlan[];
  warnings: string[];
}

/** `*` any run of characters, `?` one character; everything else literal. */
export function matchesGlob(name: string, glob: string | undefined): boolean {
  if (glob === undefined) return true;
  const pattern = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${pattern}$`, "s").test(name);
}

const clipped = (text: string, max: number) => (text.length > max ? text.slice(0, max) : text);

/** MLflow tags as edgereg tags: keys edgereg cannot hold are left out, long values cut, at most `room` kept. */
export function tagsFrom(tags: MlflowTag[] | undefined, room: number, warn: (message: string) => void, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  const skipped: string[] = [];
  const overflow: string[] = [];
  for (const { key, value = "" } of tags ?? []) {
    if (!KEY_PATTERN.test(key) || key.includes("=") || key === IMPORTED_FROM_TAG || key === NOT_COPIED_TAG) skipped.push(key);
    else if (Object.keys(out).length >= room) overflow.push(key);
    else {
      if (value.length > MAX_TAG_VALUE) warn(`${where}: tag '${key}' cut to ${MAX_TAG_VALUE} characters`);
      out[key] = clipped(value, MAX_TAG_VALUE);
    }
  }
  if (skipped.length) warn(`${where}: tag key(s) ${skipped.map((k) => `'${k}'`).join(", ")} left out (edgereg tag keys use letters, digits, spaces and _ . - / :, and the import keeps ${IMPORTED_FROM_TAG} for itself)`);
  if (overflow.length) warn(`${where}: more than ${room} tags; ${overflow.length} left out, from '${overflow[0]}' on`);
  return out;
}

/**
 * A run's metrics as one value per key: the latest by step, then timestamp (MLflow's own rule for a run's latest
 * metrics). Non-finite values ("NaN", "Infinity" in MLflow's JSON) and keys edgereg cannot hold are left out.
 */
export function latestMetrics(run: MlflowRun, warn: (message: string) => void, where: string): Record<string, number> {
  const latest = new Map<string, { value: number; step: number; timestamp: number }>();
  const dropped = new Set<string>();
  for (const metric of run.data?.metrics ?? []) {
    const step = Number(metric.step ?? 0);
    const timestamp = Number(metric.timestamp ?? 0);
    const seen = latest.get(metric.key);
    if (seen && (seen.step > step || (seen.step === step && seen.timestamp > timestamp))) continue;
    latest.set(metric.key, { value: Number(metric.value), step, timestamp });
  }
  const out: Record<string, number> = {};
  for (const [key, { value }] of latest) {
    if (!Number.isFinite(value) || !KEY_PATTERN.test(key)) {
      dropped.add(key);
      continue;
    }
    if (Object.keys(out).length >= MAX_METRICS) {
      warn(`${where}: more than ${MAX_METRICS} metrics; '${key}' and later ones are left out`);
      break;
    }
    out[key] = value;
  }
  if (dropped.size) warn(`${where}: metric(s) ${[...dropped].map((k) => `'${k}'`).join(", ")} left out (not a finite number, or a key edgereg cannot hold)`);
  return out;
}

export function paramsFrom(run: MlflowRun, warn: (message: string) => void, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  const dropped: string[] = [];
  for (const { key, value = "" } of run.data?.params ?? []) {
    if (!KEY_PATTERN.test(key)) {
      dropped.push(key);
      continue;
    }
    if (Object.keys(out).length >= MAX_PARAMS) {
      warn(`${where}: more than ${MAX_PARAMS} params; '${key}' and later ones are left out`);
      break;
    }
    if (value.length > MAX_PARAM_VALUE) warn(`${where}: param '${key}' cut to ${MAX_PARAM_VALUE} characters`);
    out[key] = clipped(value, MAX_PARAM_VALUE);
  }
  if (dropped.length) warn(`${where}: param key(s) ${dropped.map((k) => `'${k}'`).join(", ")} left out (a key edgereg cannot hold)`);
  return out;
}

/** Everything a version is declared with except its files and run data; tags carry where it came from. */
export function versionMetaFrom(source: string, mv: MlflowModelVersion, number: number, warn: (message: string) => void): VersionPlan["meta"] {
  const where = `${mv.name}/${number}`;
  const meta: VersionPlan["meta"] = {
    number,
    semver: `0.0.0-mlflow.${number}`,
    // One tag is kept for the import's own, one for the not-copied reason.
    tags: { ...tagsFrom(mv.tags, MAX_TAGS - 2, warn, where), [IMPORTED_FROM_TAG]: clipped(`${source}#${mv.name}/${number}`, MAX_TAG_VALUE) },
  };
  if (mv.description) {
    if (mv.description.length > MAX_DESCRIPTION) warn(`${where}: description cut to ${MAX_DESCRIPTION} characters`);
    meta.description = clipped(mv.description, MAX_DESCRIPTION);
  }
  if (mv.run_id) {
    if (mv.run_id.length > MAX_RUN_ID) warn(`${where}: run_id longer than ${MAX_RUN_ID} characters left out`);
    else meta.run_id = mv.run_id;
  }
  if (mv.source) {
    if (mv.source.length > MAX_SOURCE) warn(`${where}: source cut to ${MAX_SOURCE} characters`);
    meta.source = clipped(mv.source, MAX_SOURCE);
  }
  return meta;
}

/** Reads MLflow (and what edgereg already has) and decides every step; changes nothing. */
export async function planImport(ctx: ImportContext, options: ImportOptions): Promise<ImportPlan> {
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    ctx.progress.note(`warning: ${message}`);
  };
  const selected: MlflowRegisteredModel[] = [];
  for await (const model of ctx.mlflow.registeredModels()) if (matchesGlob(model.name, options.glob)) selected.push(model);
  ctx.progress.note(`${selected.length} registered model${selected.length === 1 ? "" : "s"} in MLflow${options.glob ? ` match '${options.glob}'` : ""}`);
  // One budget for every read, so a thousand versions are listed a few at a time; one model's failure is its own.
  const reads = limiter(options.transfer.concurrency, { stopOnFailure: false });
  const models = await Promise.all(selected.map((m) => planModel(ctx, options, m, reads, warn)));
  return { source: options.source, models, warnings };
}

type Reads = ReturnType<typeof limiter>;

async function planModel(ctx: ImportContext, options: ImportOptions, registered: MlflowRegisteredModel, reads: Reads, warn: (m: string) => void): Promise<ModelPlan> {
  const plan: ModelPlan = { name: registered.name, action: "invalid", existing: null, description: "", tags: {}, versions: [], refs: [], archive: [] };
  if (!MODEL_NAME_PATTERN.test(registered.name)) {
    plan.problem = "not a valid edgereg model name (letters, digits, '.', '_' and '-', starting with a letter or digit, at most 128)";
    return plan;
  }
  plan.tags = tagsFrom(registered.tags, MAX_TAGS, warn, registered.name);
  if ((registered.description ?? "").length > MAX_DESCRIPTION) warn(`${registered.name}: description cut to ${MAX_DESCRIPTION} characters`);
  plan.description = clipped(registered.description ?? "", MAX_DESCRIPTION);
  try {
    plan.existing = await reads(() => getModel(ctx.client, registered.name));
    const [mlflowVersions, existing] = await Promise.all([
      reads(() => ctx.mlflow.modelVersions(registered.name)),
      plan.existing ? reads(() => listVersions(ctx.client, registered.name)) : Promise.resolve(new Map<number, Version>()),
    ]);
    plan.action = !plan.existing ? "create" : modelChanges(plan.existing, plan).length > 0 ? "update" : "unchanged";
    plan.versions = await Promise.all(
      mlflowVersions.map((mv) => planVersion(ctx, options, mv, existing, reads, warn)),
    );
  } catch (error) {
    plan.action = "invalid";
    plan.problem = `could not be read: ${errorText(error)}`;
    return plan;
  }
  planRefs(plan, registered, warn);
  plan.archive = plan.versions.filter((v) => v.stage.toLowerCase() === "archived" && v.action !== "conflict" && !v.existing?.archived).map((v) => v.number);
  return plan;
}

async function getModel(client: EdgeregClient, name: string): Promise<Model | null> {
  try {
    return await withRetry(() => client.GET("/v1/models/{name}", { params: { path: { name } } }));
  } catch (error) {
    if (error instanceof EdgeregError && error.status === 404) return null;
    throw error;
  }
}

async function listVersions(client: EdgeregClient, name: string): Promise<Map<number, Version>> {
  const found = new Map<number, Version>();
  let cursor: string | undefined;
  do {
    const page = await withRetry(() => client.GET("/v1/models/{name}/versions", { params: { path: { name }, query: { limit: 200, cursor } } }));
    for (const v of page.items) found.set(v.number, v);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return found;
}

/** The model fields that differ: MLflow's description when it has one, and MLflow's tags (edgereg's own stay). */
function modelChanges(existing: Model, plan: Pick<ModelPlan, "description" | "tags">): string[] {
  const changes = Object.entries(plan.tags).filter(([k, v]) => existing.tags[k] !== v).map(([k]) => `tag ${k}`);
  if (plan.description && existing.description !== plan.description) changes.push("description");
  return changes;
}

/** What to do with a version edgereg already has under the MLflow version's number. */
function judgeExisting(existing: Version, meta: VersionPlan["meta"]): { action: VersionAction; problem?: string } {
  const importedFrom = existing.tags[IMPORTED_FROM_TAG];
  if (importedFrom !== meta.tags[IMPORTED_FROM_TAG]) {
    const problem = importedFrom
      ? `edgereg's version ${existing.number} was imported from ${importedFrom}, not from this server`
      : `edgereg already has a version ${existing.number} of ${existing.model} that was not imported from MLflow`;
    return { action: "conflict", problem };
  }
  if (existing.status === "FAILED") return { action: "conflict", problem: `edgereg's version ${existing.number} is FAILED` };
  if (existing.status === "PENDING") return { action: "resume" };
  return { action: versionChanges(existing, meta) ? "update" : "unchanged" };
}

/** The version fields a re-run brings up to date: MLflow's tags and description. */
function versionChanges(existing: Version, meta: VersionPlan["meta"]): { tags: Record<string, string>; description?: string } | null {
  const tags = Object.fromEntries(Object.entries(meta.tags).filter(([k, v]) => existing.tags[k] !== v));
  const description = meta.description && meta.description !== existing.description ? meta.description : undefined;
  if (Object.keys(tags).length === 0 && description === undefined) return null;
  return { tags, ...(description === undefined ? {} : { description }) };
}

async function planVersion(
  ctx: ImportContext,
  options: ImportOptions,
  mv: MlflowModelVersion,
  existingVersions: Map<number, Version>,
  reads: Reads,
  warn: (m: string) => void,
): Promise<VersionPlan> {
  const number = Number(mv.version);
  const base = { model: mv.name, stage: mv.current_stage ?? "None", root: null, files: [], metadataOnly: null, bytes: 0 };
  if (!Number.isInteger(number) || number < 1 || number > MAX_VERSION_NUMBER) {
    return { ...base, number: 0, action: "conflict", existing: null, meta: { number: 0, semver: "0.0.0", tags: {} }, problem: `MLflow version '${mv.version}' is not a number edgereg can keep` };
  }
  const meta = versionMetaFrom(options.source, mv, number, warn);
  const existing = existingVersions.get(number) ?? null;
  const plan: VersionPlan = { ...base, number, action: "create", meta, existing };
  if (existing) {
    const judged = judgeExisting(existing, meta);
    plan.action = judged.action;
    plan.problem = judged.problem;
    if (existing.tags[NOT_COPIED_TAG]) plan.metadataOnly = existing.tags[NOT_COPIED_TAG]!;
    if (plan.action !== "resume") return plan;
  }
  await reads(() => locateFiles(ctx, plan, warn));
  if (plan.action === "resume") {
    // Only the declared files the registry does not hold yet travel again.
    if (plan.metadataOnly) {
      plan.action = "conflict";
      plan.problem = `its upload cannot be completed: ${plan.metadataOnly}`;
      return plan;
    }
    const listed = new Set(plan.files.map((f) => f.path));
    const missing: ListedFile[] = [];
    try {
      for (const artifact of existing!.artifacts) {
        if (await reads(() => withRetry(() => ctx.client.hasArtifact(mv.name, number, artifact.path)))) continue;
        if (!listed.has(artifact.path)) throw new Error(`its declared file ${artifact.path} is no longer in MLflow`);
        missing.push({ path: artifact.path, size: artifact.size });
      }
    } catch (error) {
      plan.action = "conflict";
      plan.problem = errorText(error);
      return plan;
    }
    plan.files = missing;
  } else if (!plan.metadataOnly) {
    await reads(() => readRun(ctx, plan, mv, warn));
  }
  plan.bytes = plan.files.reduce((sum, f) => sum + (f.size ?? 0), 0);
  return plan;
}

/** Run metrics and params for a version about to be created; an unreadable run costs only those. */
async function readRun(ctx: ImportContext, plan: VersionPlan, mv: MlflowModelVersion, warn: (m: string) => void) {
  if (!mv.run_id) return;
  const where = `${plan.model}/${plan.number}`;
  try {
    const run = await ctx.mlflow.run(mv.run_id);
    const metrics = latestMetrics(run, warn, where);
    const params = paramsFrom(run, warn, where);
    if (Object.keys(metrics).length) plan.meta.metrics = metrics;
    if (Object.keys(params).length) plan.meta.params = params;
  } catch (error) {
    warn(`${where}: run ${mv.run_id} is not readable (${errorText(error)}); its metrics and params are not copied`);
  }
}

/** A reason the files of a version are not copied, already worded for the summary. */
class NotCopied extends Error {}

/** Where the version's files are and what they are, or why they will not be copied (never throws). */
async function locateFiles(ctx: ImportContext, plan: VersionPlan, warn: (m: string) => void): Promise<void> {
  try {
    let uri = await ctx.mlflow.downloadUri(plan.model, String(plan.number));
    if (!uri) uri = plan.meta.source ?? "";
    if (!uri) {
      plan.metadataOnly = "MLflow names no artifact location for it";
      return;
    }
    // A `runs:/` source that the server did not resolve (MlflowClient.create_model_version keeps it as given).
    const runs = parseRunsUri(uri);
    if (runs) {
      const run = await ctx.mlflow.run(runs.runId).catch((error: unknown) => {
        throw new NotCopied(`its source ${uri} names a run that is not readable (${errorText(error)})`);
      });
      const root = run.info?.artifact_uri;
      if (!root) {
        plan.metadataOnly = `its source ${uri} names a run without an artifact location`;
        return;
      }
      uri = runs.path ? `${root.replace(/\/+$/, "")}/${runs.path}` : root;
    }
    const resolved = resolveArtifactUri(uri, ctx.mlflow.url);
    if ("reason" in resolved) {
      plan.metadataOnly = resolved.reason;
      return;
    }
    const files = await ctx.mlflow.listFiles(resolved.root);
    if (files.length === 0) {
      plan.metadataOnly = `no files at ${uri}`;
      return;
    }
    if (files.length > MAX_ARTIFACTS) {
      plan.metadataOnly = `${files.length} files at ${uri}, more than the ${MAX_ARTIFACTS} a version may declare`;
      return;
    }
    const bad = files.map((f) => [f.path, validateArtifactPath(f.path)] as const).find(([, problem]) => problem);
    if (bad) {
      plan.metadataOnly = `the file '${bad[0]}' cannot be an edgereg artifact: ${bad[1]}`;
      return;
    }
    plan.root = resolved.root;
    plan.files = files;
  } catch (error) {
    plan.metadataOnly = error instanceof NotCopied ? error.message : `reading its files failed: ${errorText(error)}`;
    warn(`${plan.model}/${plan.number}: ${plan.metadataOnly}`);
  }
}

/**
 * Stages and aliases. MLflow may keep several versions in one stage; edgereg's stage ref names one: the newest, as
 * MLflow's own `models:/NAME/Production` (get-latest-versions) resolves it.
 */
function planRefs(plan: ModelPlan, registered: MlflowRegisteredModel, warn: (m: string) => void) {
  const importable = new Map(plan.versions.filter((v) => v.action !== "conflict").map((v) => [v.number, v]));
  const wanted: { ref: string; version: number }[] = [];
  for (const stage of ["Production", "Staging"]) {
    const holders = plan.versions.filter((v) => v.stage.toLowerCase() === stage.toLowerCase()).map((v) => v.number);
    if (holders.length === 0) continue;
    const newest = Math.max(...holders);
    if (holders.length > 1) warn(`${plan.name}: versions ${holders.join(", ")} are all in ${stage} in MLflow; edgereg's ${stage} ref takes the newest, ${newest}`);
    wanted.push({ ref: stage, version: newest });
  }
  for (const { alias, version } of registered.aliases ?? []) {
    const kind = classifyRefName(alias);
    if (kind?.kind !== "alias") {
      warn(`${plan.name}: alias '${alias}' is not copied (edgereg aliases start with a letter, use letters, digits, _ and -, and are not stage names, latest or v<N>)`);
      continue;
    }
    wanted.push({ ref: alias, version: Number(version) });
  }
  for (const { ref, version } of wanted) {
    if (!importable.has(version)) {
      warn(`${plan.name}: ${ref} → version ${version} is not copied (the version is not imported)`);
      continue;
    }
    plan.refs.push({ ref, version, action: plan.existing?.refs[ref] === version ? "unchanged" : "set" });
  }
}

// ---- the copy ----

export interface ImportSummary {
  source: string;
  models: { created: number; updated: number; unchanged: number; failed: number };
  versions: { created: number; resumed: number; updated: number; unchanged: number; failed: number };
  refs: { set: number; unchanged: number };
  archived: number;
  /** Files uploaded to edgereg by this run, and their bytes. */
  files: number;
  bytes: number;
  /** Bytes read from MLflow by this run (files the registry already held are not read again). */
  bytes_downloaded: number;
  metadata_only: { model: string; version: number; reason: string }[];
  failed: { model: string; version?: number; reason: string }[];
  warnings: string[];
  seconds: number;
}

export async function runImport(ctx: ImportContext, options: ImportOptions, plan: ImportPlan): Promise<ImportSummary> {
  const started = Date.now();
  const summary: ImportSummary = {
    source: plan.source,
    models: { created: 0, updated: 0, unchanged: 0, failed: 0 },
    versions: { created: 0, resumed: 0, updated: 0, unchanged: 0, failed: 0 },
    refs: { set: 0, unchanged: 0 },
    archived: 0,
    files: 0,
    bytes: 0,
    bytes_downloaded: 0,
    metadata_only: [],
    failed: [],
    warnings: plan.warnings,
    seconds: 0,
  };
  const warn = (message: string) => {
    summary.warnings.push(message);
    ctx.progress.note(`warning: ${message}`);
  };
  const allVersions = plan.models.flatMap((m) => m.versions);
  const totalBytes = allVersions.reduce((sum, v) => sum + (v.metadataOnly ? 0 : v.bytes), 0);
  const versionsBar = ctx.progress.counter("versions", allVersions.length);
  const bytesBar = totalBytes > 0 ? ctx.progress.task("copied", totalBytes) : null;
  // Versions of every model share one budget; each job records its own failure, so one never stops the others.
  const versionSlots = limiter(options.transfer.concurrency, { stopOnFailure: false });
  const shared: RunState = { refusal: null, uploads: new SharedUploads() };
  await Promise.all(
    plan.models.map(async (model) => {
      if (model.action === "invalid") {
        summary.models.failed++;
        summary.failed.push({ model: model.name, reason: model.problem ?? "cannot be imported" });
        versionsBar.advance(model.versions.length);
        return;
      }
      try {
        await ensureModel(ctx, model, summary);
      } catch (error) {
        summary.models.failed++;
        summary.failed.push({ model: model.name, reason: errorText(error) });
        versionsBar.advance(model.versions.length);
        return;
      }
      const ready = new Set<number>();
      await Promise.all(
        model.versions.map((version) =>
          versionSlots(async () => {
            if (shared.refusal) {
              summary.versions.failed++;
              summary.failed.push({ model: model.name, version: version.number, reason: `not attempted: ${shared.refusal}` });
            } else if (await importVersion(ctx, options, version, summary, bytesBar, shared)) ready.add(version.number);
            versionsBar.advance(1);
          }),
        ),
      );
      await applyRefs(ctx, options, model, ready, summary, warn);
    }),
  );
  bytesBar?.done(`${formatBytes(summary.bytes)} uploaded`);
  versionsBar.done();
  summary.seconds = Math.round((Date.now() - started) / 100) / 10;
  return summary;
}

async function ensureModel(ctx: ImportContext, model: ModelPlan, summary: ImportSummary) {
  const { client } = ctx;
  if (!model.existing) {
    try {
      await withRetry(() => client.POST("/v1/models", { body: { name: model.name, ...(model.description ? { description: model.description } : {}), tags: model.tags } }));
      summary.models.created++;
      if (ctx.logVersions) ctx.progress.note(`${model.name}: registered`);
      return;
    } catch (error) {
      // Created since the plan read it (another import, or a retried request that had landed): compare instead.
      if (!(error instanceof EdgeregError && error.code === "CONFLICT")) throw error;
      model.existing = await getModel(client, model.name);
      if (!model.existing) throw error;
    }
  }
  const current = model.existing!;
  const changes = modelChanges(current, model);
  if (changes.length === 0) {
    summary.models.unchanged++;
    return;
  }
  const tags = Object.fromEntries(Object.entries(model.tags).filter(([k, v]) => current.tags[k] !== v));
  const description = model.description && current.description !== model.description ? model.description : undefined;
  await withRetry(() =>
    client.PATCH("/v1/models/{name}", { params: { path: { name: model.name } }, body: { ...(Object.keys(tags).length ? { tags } : {}), ...(description === undefined ? {} : { description }) } }),
  );
  summary.models.updated++;
  if (ctx.logVersions) ctx.progress.note(`${model.name}: updated ${changes.join(", ")}`);
}

/** One version to READY (or as far as it gets); answers whether it is READY. Never throws. */
async function importVersion(
  ctx: ImportContext,
  options: ImportOptions,
  plan: VersionPlan,
  summary: ImportSummary,
  bytesBar: ProgressTask | null,
  shared: RunState,
): Promise<boolean> {
  const where = `${plan.model}/${plan.number}`;
  const done = (outcome: "created" | "resumed" | "updated" | "unchanged") => {
    summary.versions[outcome]++;
    if (plan.metadataOnly) summary.metadata_only.push({ model: plan.model, version: plan.number, reason: plan.metadataOnly });
    return true;
  };
  if (plan.action === "conflict") {
    summary.versions.failed++;
    summary.failed.push({ model: plan.model, version: plan.number, reason: plan.problem ?? "conflict" });
    ctx.progress.note(`${where}: not imported: ${plan.problem}`);
    return false;
  }
  if (plan.action === "unchanged") return done("unchanged");
  const dir = join(ctx.tempDir, `${plan.model}-${plan.number}`);
  try {
    if (plan.action === "update") {
      const changes = versionChanges(plan.existing!, plan.meta)!;
      await withRetry(() =>
        ctx.client.PATCH("/v1/models/{name}/versions/{v}", {
          params: { path: { name: plan.model, v: String(plan.number) } },
          body: { ...(Object.keys(changes.tags).length ? { tags: changes.tags } : {}), ...(changes.description === undefined ? {} : { description: changes.description }) },
        }),
      );
      if (ctx.logVersions) ctx.progress.note(`${where}: updated ${[...Object.keys(changes.tags).map((k) => `tag ${k}`), ...(changes.description ? ["description"] : [])].join(", ")}`);
      return done("updated");
    }
    await mkdir(dir, { recursive: true });
    let files: HashedFile[] = [];
    if (!plan.metadataOnly) {
      try {
        files = await downloadAll(ctx, options, plan, dir, summary);
      } catch (error) {
        // Before the version is declared a failed download still leaves its metadata to import; after, the files are owed.
        if (plan.action === "resume") throw error;
        plan.metadataOnly = `downloading its files failed: ${errorText(error)}`;
        ctx.progress.note(`warning: ${where}: ${plan.metadataOnly}`);
        bytesBar?.advance(plan.bytes);
      }
    }
    let version = plan.existing;
    // Only a version this run declared is known to hold none of its files yet.
    let declaredHere = false;
    if (plan.action === "create") {
      version = await declare(ctx, plan, files);
      declaredHere = version !== null;
      if (!version) {
        // The number was taken since the plan: a retried create that had landed, or an import running beside this one.
        const existing = await withRetry(() => ctx.client.GET("/v1/models/{name}/versions/{v}", { params: { path: { name: plan.model, v: String(plan.number) } } }));
        const judged = judgeExisting(existing, plan.meta);
        if (judged.action === "conflict") throw new Error(judged.problem);
        if (existing.status === "READY") return done("unchanged");
        assertDeclared(existing, files);
        version = existing;
      }
    }
    let sent = 0;
    if (version!.status === "PENDING") {
      const progress = versionProgress(ctx.progress, where, bytesBar);
      const target = { model: plan.model, number: plan.number, semver: version!.semver, declaredNow: declaredHere };
      const push = { client: ctx.client, progress, state: ctx.state };
      const uploads = await shared.uploads.run(
        files.map((f) => f.sha256),
        () => untilNotBusy(ctx, where, () => uploadFiles(push, target, files, options.transfer)),
      );
      sent = uploads.reduce((sum, u) => sum + u.bytes_sent, 0);
      summary.bytes += sent;
      summary.files += uploads.filter((u) => u.bytes_sent > 0).length;
      version = await withRetry(() => ctx.client.GET("/v1/models/{name}/versions/{v}", { params: { path: { name: plan.model, v: String(plan.number) } } }));
    }
    if (version!.status !== "READY") throw new Error(`it is ${version!.status} after its uploads`);
    const what = plan.metadataOnly ? "metadata only" : `${files.length} file${files.length === 1 ? "" : "s"}, ${formatBytes(sent)} sent`;
    if (ctx.logVersions) ctx.progress.note(`${where}: ${plan.action === "resume" ? "resumed" : "created"} (${what})`);
    return done(plan.action === "resume" ? "resumed" : "created");
  } catch (error) {
    summary.versions.failed++;
    summary.failed.push({ model: plan.model, version: plan.number, reason: errorText(error) });
    ctx.progress.note(`${where}: failed: ${errorText(error)}`);
    if (error instanceof EdgeregError && (error.status === 401 || error.status === 403)) shared.refusal ??= `${errorText(error)} (the import needs an admin token)`;
    return false;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface RunState {
  /** Set once edgereg refuses the token for a version (not an admin, or no longer valid): the rest is not attempted. */
  refusal: string | null;
  uploads: SharedUploads;
}

/**
 * Versions registered from one run share files, and edgereg refuses a second upload of bytes while a multipart
 * upload of them is open (409 upload_in_progress). Within this run the second version waits for the first, whose
 * bytes it then shares without sending them again.
 */
export class SharedUploads {
  private readonly running = new Map<string, Promise<unknown>>();

  async run<T>(digests: string[], job: () => Promise<T>): Promise<T> {
    for (;;) {
      const busy = digests.map((d) => this.running.get(d)).filter((p) => p !== undefined);
      if (busy.length === 0) break;
      await Promise.allSettled(busy);
    }
    const running = job();
    for (const d of digests) this.running.set(d, running);
    try {
      return await running;
    } finally {
      for (const d of digests) if (this.running.get(d) === running) this.running.delete(d);
    }
  }
}

/** Waits out an upload of the same bytes by another client (another import, a push), up to a few minutes. */
async function untilNotBusy<T>(ctx: ImportContext, where: string, job: () => Promise<T>): Promise<T> {
  // 1 + 2 + 4 + 8 + 15 × 10 s: about three minutes, longer than one big file takes to go up at a few MiB/s.
  for (let attempt = 1, waitMs = 1000; ; attempt++, waitMs = Math.min(waitMs * 2, 15_000)) {
    try {
      return await job();
    } catch (error) {
      const busy = error instanceof EdgeregError && (error.details as { reason?: string } | undefined)?.reason === "upload_in_progress";
      if (!busy || attempt > 14) throw error;
      ctx.progress.note(`${where}: the same bytes are being uploaded elsewhere; trying again in ${waitMs / 1000}s`);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

/** Creates the version with its number; null when that number is taken (the caller reads what holds it). */
async function declare(ctx: ImportContext, plan: VersionPlan, files: HashedFile[]): Promise<Version | null> {
  const tags = plan.metadataOnly ? { ...plan.meta.tags, [NOT_COPIED_TAG]: clipped(plan.metadataOnly, MAX_TAG_VALUE) } : plan.meta.tags;
  const body: VersionCreate = {
    ...plan.meta,
    tags,
    artifacts: files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, ...(contentTypeOf(f.path) ? { content_type: contentTypeOf(f.path) } : {}) })),
  };
  try {
    return await withRetry(() => ctx.client.POST("/v1/models/{name}/versions", { params: { path: { name: plan.model } }, body }));
  } catch (error) {
    if (error instanceof EdgeregError && error.code === "CONFLICT" && (error.details as { field?: string } | undefined)?.field === "number") return null;
    throw error;
  }
}

/** A PENDING version found in place of the one about to be declared must declare exactly the downloaded files. */
function assertDeclared(existing: Version, files: HashedFile[]) {
  const declared = new Map(existing.artifacts.map((a) => [a.path, a.sha256]));
  const same = declared.size === files.length && files.every((f) => declared.get(f.path) === f.sha256);
  if (!same) throw new Error(`edgereg's version ${existing.number} declares other files than MLflow holds now`);
}

/** Streams each file from MLflow to the temporary directory while hashing it. */
async function downloadAll(ctx: ImportContext, options: ImportOptions, plan: VersionPlan, dir: string, summary: ImportSummary): Promise<HashedFile[]> {
  const declared = new Map((plan.existing?.artifacts ?? []).map((a) => [a.path, a]));
  const run = limiter(options.transfer.concurrency);
  return settleAll(
    plan.files.map((file, i) =>
      run(async () => {
        const source = join(dir, String(i));
        const big = (file.size ?? 0) >= OWN_BAR_BYTES;
        const task = big ? ctx.progress.task(`${plan.model}/${plan.number} ↓ ${file.path}`, file.size ?? 0) : null;
        const got = await ctx.mlflow.download(plan.root!, file.path, source, (n) => {
          summary.bytes_downloaded += n;
          task?.advance(n);
        });
        task?.done();
        if (file.size !== null && got.size !== file.size) throw new Error(`${file.path}: MLflow listed ${file.size} bytes but sent ${got.size}`);
        // A resumed version declared these bytes already: MLflow must still have exactly them.
        const expected = declared.get(file.path);
        if (expected && expected.sha256 !== got.sha256) {
          throw new Error(`${file.path}: MLflow's file has changed since the version was declared (sha256 ${got.sha256}, declared ${expected.sha256})`);
        }
        return { source, path: file.path, size: got.size, sha256: got.sha256 };
      }),
    ),
  );
}

/** Push's per-file bars, but only for big files; every file feeds the run's byte total, prefixed with its version. */
function versionProgress(base: Progress, where: string, bytesBar: ProgressTask | null): Progress {
  return {
    task(label, total, already = 0) {
      const own = total >= OWN_BAR_BYTES ? base.task(`${where} ↑ ${label}`, total, already) : null;
      let moved = 0;
      return {
        advance(bytes) {
          moved += bytes;
          own?.advance(bytes);
          bytesBar?.advance(bytes);
        },
        // Bytes an earlier run sent (or the registry already held) count as copied once the file is done.
        done(summaryText) {
          bytesBar?.advance(total - moved);
          own?.done(summaryText);
        },
        fail(reason) {
          bytesBar?.advance(-moved);
          own?.fail(reason);
        },
      };
    },
    counter: (label, total) => base.counter(label, total),
    note: (text) => base.note(`${where}: ${text}`),
    stop() {},
  };
}

/** Stage refs, aliases, then archiving: only for versions that are READY, and only what differs. */
async function applyRefs(ctx: ImportContext, options: ImportOptions, model: ModelPlan, ready: Set<number>, summary: ImportSummary, warn: (m: string) => void) {
  for (const ref of model.refs) {
    if (!ready.has(ref.version)) {
      warn(`${model.name}: ${ref.ref} is not moved to version ${ref.version}, which did not import`);
      continue;
    }
    if (ref.action === "unchanged") {
      summary.refs.unchanged++;
      continue;
    }
    const stage = ref.ref === "Production" || ref.ref === "Staging";
    try {
      await withRetry(() =>
        ctx.client.PUT("/v1/models/{name}/refs/{ref}", {
          params: { path: { name: model.name, ref: ref.ref } },
          body: { version: ref.version, imported_from: options.source, ...(stage ? { reason: "imported from MLflow" } : {}) },
        }),
      );
      summary.refs.set++;
      if (ctx.logVersions) ctx.progress.note(`${model.name}: ${ref.ref} → version ${ref.version}`);
    } catch (error) {
      summary.failed.push({ model: model.name, version: ref.version, reason: `${ref.ref} not moved: ${errorText(error)}` });
    }
  }
  for (const number of model.archive) {
    if (!ready.has(number)) continue;
    try {
      await withRetry(() => ctx.client.PATCH("/v1/models/{name}/versions/{v}", { params: { path: { name: model.name, v: String(number) } }, body: { archived: true } }));
      summary.archived++;
      if (ctx.logVersions) ctx.progress.note(`${model.name}/${number}: archived`);
    } catch (error) {
      summary.failed.push({ model: model.name, version: number, reason: `not archived: ${errorText(error)}` });
    }
  }
}

const errorText = (error: unknown) => {
  if (error instanceof EdgeregError || error instanceof MlflowError) return `${error.message} [${error.code}]`;
  return error instanceof Error ? error.message : String(error);
};
