/**
 * MLflow's Model Registry REST API (mlflow/protos/model_registry.proto) under /api/2.0/mlflow, over edgereg's registry:
 * every write is the same command, with the same rules, audit events and webhook events, as the /v1 route that does it.
 * These routes are not in /openapi.json (they follow MLflow's contract, not edgereg's); test/mlflow*.test.ts checks
 * their roles. the README section "MLflow clients" explains the mapping and what is not supported.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { authorize } from "../auth/middleware";
import { DomainError } from "../domain/errors";
import type { AppEnv } from "../env";
import { ModelCreate, ModelPatch, Semver, Tags, VersionCreate, VersionPatch } from "../http/schemas";
import { contextOf } from "../registry/context";
import { createModel, deleteModel, renameModel, updateModel } from "../registry/models";
import { deleteRef, moveRef } from "../registry/refs";
import { createVersion, createVersionNumberedAs, deleteVersion, updateVersion } from "../registry/versions";
import { doesNotExist, invalidParameter, MlflowError } from "./errors";
import { MODEL_VERSION_SEARCH, parseFilter, parseOrderBy, REGISTERED_MODEL_SEARCH } from "./filter";
import {
  aliasNameOf,
  canonicalMlflowStage,
  encodePageToken,
  MLFLOW_PRERELEASE,
  MLFLOW_STAGES,
  pageOffsetOf,
  SEMVER_TAG,
  versionNumberOf,
} from "./mapping";
import {
  aliasTarget,
  downloadUriOf,
  hasModelTag,
  hasVersionTag,
  latestVersions,
  modelVersionMessage,
  modelVersionMessages,
  registeredModelMessage,
  registeredModelMessages,
  requireModelNamed,
  requireModelVersionRow,
  searchModelRows,
  searchVersionRows,
} from "./queries";
import { bool, caller, checked, int64, optional, readMessage, required, stringList, tags, tagValue } from "./request";
import { transitionStage } from "./stages";

export const API = "/api/2.0/mlflow";

/** MLflow's own limits: 100 models by default, at most 1000; versions default to 10000 in its client. */
const MODEL_PAGE = { default: 100, max: 1000 };
const VERSION_PAGE = { default: 10_000, max: 200_000 };
/** Pages edgereg answers hold at most this many items; clients follow next_page_token for the rest. */
const MAX_PAGE_ITEMS = 1000;

export const registry = new Hono<AppEnv>();

const ok = (c: Context<AppEnv>, body: object = {}) => c.json(body, 200);

const tagRecord = (list: { key: string; value: string }[] | undefined) => Object.fromEntries((list ?? []).map((t) => [t.key, t.value]));

function pageSize(raw: number | undefined, limits: { default: number; max: number }): number {
  const size = raw ?? limits.default;
  if (size < 1) throw invalidParameter(`Invalid value for max_results. It must be a positive integer, but got ${size}`);
  if (size > limits.max) {
    throw invalidParameter(`Invalid value for request parameter max_results. It must be at most ${limits.max}, but got value ${size}`);
  }
  return Math.min(size, MAX_PAGE_ITEMS);
}

const nextPageToken = (found: number, offset: number, size: number) => (found > size ? { next_page_token: encodePageToken(offset + size) } : {});

// ---- registered models ----

registry.post(`${API}/registered-models/create`, async (c) => {
  const principal = await caller(c, "publisher");
  const req = await readMessage(c, { name: required, tags, description: optional, deployment_job_id: optional });
  authorize(principal, "publisher", req.name);
  const input = checked(ModelCreate, { name: req.name, description: req.description ?? "", tags: tagRecord(req.tags) });
  try {
    // Re-creating a deleted model's name brings it back, as on MLflow's server (its old versions stay deleted).
    await createModel(await contextOf(c), { ...input, deployment_job_id: deploymentJobIdOf(req.deployment_job_id) });
  } catch (error) {
    if (error instanceof DomainError && error.code === "CONFLICT") {
      throw new MlflowError("RESOURCE_ALREADY_EXISTS", `Registered Model (name=${req.name}) already exists.`);
    }
    throw error;
  }
  return ok(c, { registered_model: await registeredModelMessage(c.var.db, await requireModelNamed(c.var.db, req.name)) });
});

registry.get(`${API}/registered-models/get`, async (c) => {
  const principal = await caller(c, "reader");
  const req = await readMessage(c, { name: required });
  authorize(principal, "reader", req.name);
  return ok(c, { registered_model: await registeredModelMessage(c.var.db, await requireModelNamed(c.var.db, req.name)) });
});

registry.patch(`${API}/registered-models/update`, async (c) => {
  const principal = await caller(c, "publisher");
  const req = await readMessage(c, { name: required, description: optional, deployment_job_id: optional });
  authorize(principal, "publisher", req.name);
  await requireModelNamed(c.var.db, req.name);
  // As in MLflow, an update without a description clears it; a deployment job is changed only when sent.
  const deployment = req.deployment_job_id === undefined ? {} : { deployment_job_id: deploymentJobIdOf(req.deployment_job_id) };
  await updateModel(await contextOf(c), req.name, { ...checked(ModelPatch, { description: req.description ?? "" }), ...deployment });
  return ok(c, { registered_model: await registeredModelMessage(c.var.db, await requireModelNamed(c.var.db, req.name)) });
});

/** The same command as PATCH /v1/models/NAME {"name"}: an admin's; the old name then redirects serving only. */
registry.post(`${API}/registered-models/rename`, async (c) => {
  const principal = await caller(c, "admin");
  const req = await readMessage(c, { name: required, new_name: required });
  authorize(principal, "admin", req.name);
  authorize(principal, "admin", req.new_name);
  await requireModelNamed(c.var.db, req.name);
  const newName = checked(ModelPatch, { name: req.new_name }).name!;
  try {
    await renameModel(await contextOf(c), { model: req.name, new_name: newName, reason: "renamed through MLflow" });
  } catch (error) {
    if (error instanceof DomainError && error.code === "CONFLICT") throw new MlflowError("RESOURCE_ALREADY_EXISTS", error.message);
    throw error;
  }
  return ok(c, { registered_model: await registeredModelMessage(c.var.db, await requireModelNamed(c.var.db, newName)) });
});

/**
 * The same command as DELETE /v1/models/NAME: every version leaves its refs and is archived and marked deleted,
 * then the model; MLflow reads no longer find them, admins still do on /v1. Refused while Production is set.
 */
registry.delete(`${API}/registered-models/delete`, async (c) => {
  const principal = await caller(c, "publisher");
  const req = await readMessage(c, { name: required });
  authorize(principal, "publisher", req.name);
  await requireModelNamed(c.var.db, req.name);
  await deleteModel(await contextOf(c), { model: req.name, reason: "deleted through MLflow" });
  return ok(c);
});

registry.get(`${API}/registered-models/search`, async (c) => {
  const principal = await caller(c, "reader");
  const req = await readMessage(c, { filter: optional, max_results: int64, order_by: stringList, page_token: optional }, ["order_by"]);
  const size = pageSize(req.max_results, MODEL_PAGE);
  const offset = pageOffsetOf(req.page_token);
  const rows = await searchModelRows(c.var.db, {
    filter: parseFilter(req.filter, REGISTERED_MODEL_SEARCH),
    orderBy: parseOrderBy(req.order_by, REGISTERED_MODEL_SEARCH),
    offset,
    limit: size,
    glob: principal.modelGlob,
  });
  const found = await registeredModelMessages(c.var.db, rows.slice(0, size));
  return ok(c, { ...(found.length > 0 ? { registered_models: found } : {}), ...nextPageToken(rows.length, offset, size) });
});

const latestVersionsRoute = async (c: Context<AppEnv>) => {
  const principal = await caller(c, "reader");
  const req = await readMessage(c, { name: required, stages: stringList }, ["stages"]);
  authorize(principal, "reader", req.name);
  const stages = req.stages && req.stages.length > 0 ? [...new Set(req.stages.map(canonicalMlflowStage))] : [...MLFLOW_STAGES];
  const model = await requireModelNamed(c.var.db, req.name);
  const found = await latestVersions(c.var.db, model, stages);
  return ok(c, found.length > 0 ? { model_versions: found } : {});
};
// MLflow's client tries POST first and falls back to GET.
registry.post(`${API}/registered-models/get-latest-versions`, latestVersionsRoute);
registry.get(`${API}/registered-models/get-latest-versions`, latestVersionsRoute);

registry.post(`${API}/registered-models/set-tag`, async (c) => {
  const principal = await caller(c, "publisher");
  const req = await readMessage(c, { name: required, key: required, value: tagValue });
  authorize(principal, "publisher", req.name);
  await requireModelNamed(c.var.db, req.name);
  await updateModel(await contextOf(c), req.name, { tags: checked(Tags, { [req.key]: req.value }) });
  return ok(c);
});

registry.delete(`${API}/registered-models/delete-tag`, async (c) => {
  const principal = await caller(c, "publisher");
  const req = await readMessage(c, { name: required, key: required });
  authorize(principal, "publisher", req.name);
  const model = await requireModelNamed(c.var.db, req.name);
  if (await hasModelTag(c.var.db, model, req.key)) await updateModel(await contextOf(c), req.name, { tags: { [req.key]: null } });
  return ok(c);
});

// ---- aliases: edgereg's refs other than the stages; moving one is the admin's lever, as on /v1 ----

registry.post(`${API}/registered-models/alias`, async (c) => {
  const principal = await caller(c, "admin");
  const req = await readMessage(c, { name: required, alias: required, version: required });
  authorize(principal, "admin", req.name);
  const alias = aliasNameOf(req.alias);
  const { version } = await requireModelVersionRow(c.var.db, req.name, versionNumberOf(req.version));
  await moveRef(await contextOf(c), { model: req.name, ref: alias, version: version.number }).catch((error) => {
    throw aliasRefusal(error, req.name, version.number);
  });
  return ok(c);
});

/** The command's refusals of an alias target, in the words MLflow clients match on (INVALID_PARAMETER_VALUE). */
function aliasRefusal(error: unknown, name: string, number: number): unknown {
  if (!(error instanceof DomainError) || error.code !== "CONFLICT") return error;
  const field = (error.details as { field?: string } | undefined)?.field;
  if (field === "version") return invalidParameter(`Model Version (name=${name}, version=${number}) is not READY; only READY versions can carry an alias.`);
  if (field === "force") {
    return invalidParameter(`Model Version (name=${name}, version=${number}) is archived; point an alias at it through edgereg's API with force and a reason.`);
  }
  return error;
}

registry.delete(`${API}/registered-models/alias`, async (c) => {
  const principal = await caller(c, "admin");
  const req = await readMessage(c, { name: required, alias: required });
  authorize(principal, "admin", req.name);
  const alias = aliasNameOf(req.alias);
  const model = await requireModelNamed(c.var.db, req.name);
  // MLflow deletes an alias that is not set without complaint.
  if (await aliasTarget(c.var.db, model, alias)) await deleteRef(await contextOf(c), { model: req.name, ref: alias });
  return ok(c);
});

registry.get(`${API}/registered-models/alias`, async (c) => {
  const principal = await caller(c, "reader");
  const req = await readMessage(c, { name: required, alias: required });
  authorize(principal, "reader", req.name);
  const alias = aliasNameOf(req.alias);
  const model = await requireModelNamed(c.var.db, req.name);
  const version = await aliasTarget(c.var.db, model, alias);
  // MLflow answers an unset alias with INVALID_PARAMETER_VALUE, and clients match on it.
  if (!version) throw invalidParameter(`Registered model alias ${alias} not found.`);
  return ok(c, { model_version: await modelVersionMessage(c.var.db, model, version) });
});

// ---- model versions ----

registry.post(`${API}/model-versions/create`, async (c) => {
  const principal = await caller(c, "publisher");
  const req = await readMessage(c, {
    name: required,
    source: required,
    run_id: optional,
    tags,
    run_link: optional,
    description: optional,
    model_id: optional,
  });
  authorize(principal, "publisher", req.name);
  const model = await requireModelNamed(c.var.db, req.name);
  const { [SEMVER_TAG]: chosen, ...otherTags } = tagRecord(req.tags);
  const fields = { description: req.description ?? "", run_id: req.run_id || null, source: req.source, tags: otherTags };
  const mlflow_model_id = loggedModelIdOf(req.model_id, req.source);
  const ctx = await contextOf(c);
  // The same command as POST /v1/…/versions; without a chosen semver, the number names it (0.0.0-mlflow.N).
  const created =
    chosen === undefined
      ? await createVersionNumberedAs(ctx, req.name, MLFLOW_PRERELEASE, { ...checked(MlflowVersionFields, fields), mlflow_model_id })
      : await createVersion(ctx, req.name, { ...checked(VersionCreate, { semver: checked(Semver, chosen), ...fields }), mlflow_model_id }).catch((error) => {
          if (!isSemverConflict(error)) throw error;
          throw new MlflowError("RESOURCE_ALREADY_EXISTS", `Model version with ${SEMVER_TAG} ${chosen} already exists for ${req.name}.`);
        });
  const { version } = await requireModelVersionRow(c.var.db, req.name, created.number);
  return ok(c, { model_version: await modelVersionMessage(c.var.db, model, version) });
});

/** What an MLflow create may set of a version, checked as POST /v1/…/versions checks it. */
const MlflowVersionFields = z.strictObject({
  description: VersionCreate.shape.description,
  run_id: VersionCreate.shape.run_id,
  source: VersionCreate.shape.source,
  tags: VersionCreate.shape.tags,
});

/** MLflow 3 LoggedModel ids are `m-` and a hex uuid; a 3.x client sends it as `model_id` and in the `models:/m-…` source. */
const LoggedModelId = z.string().regex(/^m-[A-Za-z0-9_-]{1,128}$/, "model_id is a LoggedModel id such as m-0a1b2c…");

function loggedModelIdOf(modelId: string | undefined, source: string): string | null {
  if (modelId) return checked(LoggedModelId, modelId);
  const fromSource = /^models:\/(m-[A-Za-z0-9_-]{1,128})\/?$/.exec(source)?.[1];
  return fromSource ?? null;
}

/** MLflow 3 deployment jobs are opaque ids (Databricks job ids); kept as sent, bounded. */
const DeploymentJobId = z.string().max(256, "deployment_job_id is at most 256 characters");
const deploymentJobIdOf = (raw: string | undefined) => (raw ? checked(DeploymentJobId, raw) : null);

const isSemverConflict = (error: unknown) =>
  error instanceof DomainError && error.code === "CONFLICT" && (error.details as { field?: string } | undefined)?.field === "semver";

registry.get(`${API}/model-versions/get`, async (c) => {
  const principal = await caller(c, "reader");
  const req = await readMessage(c, { name: required, version: required });
  authorize(principal, "reader", req.name);
  const { model, version } = await requireModelVersionRow(c.var.db, req.name, versionNumberOf(req.version));
  return ok(c, { model_version: await modelVersionMessage(c.var.db, model, version) });
});

registry.patch(`${API}/model-versions/update`, async (c) => {
  const principal = await caller(c, "publisher");
  const req = await readMessage(c, { name: required, version: required, description: optional });
  authorize(principal, "publisher", req.name);
  const number = versionNumberOf(req.version);
  const { model } = await requireModelVersionRow(c.var.db, req.name, number);
  await updateVersion(await contextOf(c), req.name, { number }, checked(VersionPatch, { description: req.description ?? "" }));
  const { version } = await requireModelVersionRow(c.var.db, req.name, number);
  return ok(c, { model_version: await modelVersionMessage(c.var.db, model, version) });
});

/** The same command as DELETE /v1/models/NAME/versions/N: out of its refs, archived, hidden from MLflow; restorable. */
registry.delete(`${API}/model-versions/delete`, async (c) => {
  const principal = await caller(c, "publisher");
  const req = await readMessage(c, { name: required, version: required });
  authorize(principal, "publisher", req.name);
  const { version } = await requireModelVersionRow(c.var.db, req.name, versionNumberOf(req.version));
  await deleteVersion(await contextOf(c), { model: req.name, version: version.number, reason: "deleted through MLflow" });
  return ok(c);
});

registry.get(`${API}/model-versions/search`, async (c) => {
  const principal = await caller(c, "reader");
  const req = await readMessage(c, { filter: optional, max_results: int64, order_by: stringList, page_token: optional }, ["order_by"]);
  const size = pageSize(req.max_results, VERSION_PAGE);
  const offset = pageOffsetOf(req.page_token);
  const rows = await searchVersionRows(c.var.db, {
    filter: parseFilter(req.filter, MODEL_VERSION_SEARCH),
    orderBy: parseOrderBy(req.order_by, MODEL_VERSION_SEARCH),
    offset,
    limit: size,
    glob: principal.modelGlob,
  });
  const found = await modelVersionMessages(c.var.db, rows.slice(0, size));
  return ok(c, { ...(found.length > 0 ? { model_versions: found } : {}), ...nextPageToken(rows.length, offset, size) });
});

// A publisher may stage a version through the gate; the command decides what needs an admin (Production, force, …).
registry.post(`${API}/model-versions/transition-stage`, async (c) => {
  const principal = await caller(c, "publisher");
  const req = await readMessage(c, { name: required, version: required, stage: required, archive_existing_versions: bool });
  authorize(principal, "publisher", req.name);
  const stage = canonicalMlflowStage(req.stage);
  const { model, version } = await requireModelVersionRow(c.var.db, req.name, versionNumberOf(req.version));
  await transitionStage(c, req.name, version.number, stage, req.archive_existing_versions ?? false);
  const { version: after } = await requireModelVersionRow(c.var.db, req.name, version.number);
  return ok(c, { model_version: await modelVersionMessage(c.var.db, model, after) });
});

registry.get(`${API}/model-versions/get-download-uri`, async (c) => {
  const principal = await caller(c, "reader");
  const req = await readMessage(c, { name: required, version: required });
  authorize(principal, "reader", req.name);
  const { model, version } = await requireModelVersionRow(c.var.db, req.name, versionNumberOf(req.version));
  const uri = await downloadUriOf(c.var.db, new URL(c.req.url).origin, model, version);
  if (!uri) throw doesNotExist(`Model Version (name=${req.name}, version=${version.number}) has no artifacts in edgereg and no source URI.`);
  return ok(c, { artifact_uri: uri });
});

registry.post(`${API}/model-versions/set-tag`, async (c) => {
  const principal = await caller(c, "publisher");
  const req = await readMessage(c, { name: required, version: required, key: required, value: tagValue });
  authorize(principal, "publisher", req.name);
  const number = versionNumberOf(req.version);
  await requireModelVersionRow(c.var.db, req.name, number);
  await updateVersion(await contextOf(c), req.name, { number }, { tags: checked(Tags, { [req.key]: req.value }) });
  return ok(c);
});

registry.delete(`${API}/model-versions/delete-tag`, async (c) => {
  const principal = await caller(c, "publisher");
  const req = await readMessage(c, { name: required, version: required, key: required });
  authorize(principal, "publisher", req.name);
  const number = versionNumberOf(req.version);
  const { version } = await requireModelVersionRow(c.var.db, req.name, number);
  if (await hasVersionTag(c.var.db, version, req.key)) await updateVersion(await contextOf(c), req.name, { number }, { tags: { [req.key]: null } });
  return ok(c);
});
