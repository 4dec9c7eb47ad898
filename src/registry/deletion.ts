/**
 * Deletes, restores and renames. Nothing is ever hard-deleted: a delete (MLflow's) archives the version, takes it
 * out of every stage ref and alias through the same recorded ref changes a /v1 delete makes (so rollback and audit
 * still work), and marks it deleted: hidden from every read but an admin's, restorable by an admin. A rename keeps
 * the model's identity (its id); the old name redirects serving references until an admin removes the redirect.
 */
import { authorize, hasRole } from "../auth/principal";
import { conflict } from "../domain/errors";
import { parseVersionKey } from "../domain/versions";
import * as models from "../store/models";
import { listRefs, readRef } from "../store/refs";
import { liveVersionNumbers, requireVersion, restoreVersion as restoreVersionRow, type VersionRow } from "../store/versions";
import type { CommandContext } from "./context";
import { refChangedEvents } from "./events";
import { currentStage, onlyAdmin, retire } from "./stage";

export interface DeleteVersionInput {
  model: string;
  version: number | string;
  reason?: string;
}

/**
 * A publisher deletes a version that holds no ref; taking it out of a stage or an alias is an admin's, as on /v1.
 * Refused while it is an arm of an active rollout.
 */
export async function deleteVersion(ctx: CommandContext, input: DeleteVersionInput): Promise<{ version: number; cleared_refs: string[] }> {
  authorize(ctx.principal, "publisher", input.model);
  const model = await models.requireModel(ctx.db, input.model);
  const version = await requireVersion(ctx.db, model, parseVersionKey(input.version));
  return removeVersion(ctx, model, version, input.reason ?? "");
}

async function removeVersion(ctx: CommandContext, model: models.ModelRow, version: VersionRow, reason: string) {
  const previous = await currentStage(ctx, model, version);
  const result = await retire(ctx, ctx.principal, model, version, "Deleted", previous, reason);
  for (const move of result.refs) ctx.emit(...refChangedEvents(model.name, "delete", move, reason));
  const cleared = result.refs.map((r) => r.ref);
  ctx.emit({ type: "version.deleted", model: model.name, data: { version: version.number, cleared_refs: cleared, reason } });
  return { version: version.number, cleared_refs: cleared };
}

/**
 * Deletes every version, then the model. Refused while Production serves a version (deleting never stops
 * serving); emptying Staging or an alias on the way needs an admin, checked before anything changes. A crash
 * midway leaves some versions deleted and the model not: running the delete again finishes it. The statements do
 * not grow with the number of versions (only with the few that hold refs), so a model of any size can be deleted.
 */
export async function deleteModel(ctx: CommandContext, input: { model: string; reason?: string }): Promise<{ versions: number[] }> {
  authorize(ctx.principal, "publisher", input.model);
  const reason = input.reason ?? "";
  const model = await models.requireModel(ctx.db, input.model);
  const production = await readRef(ctx.db, model, "Production");
  if (production.current) {
    throw conflict(
      `model '${model.name}' still serves version ${production.current.number} in Production; deleting it would stop serving. ` +
        `An admin retires it first: transition version ${production.current.number} to Archived (MLflow) or ` +
        `DELETE /v1/models/${model.name}/refs/Production with force=true, then delete the model.`,
      { field: "name", production: production.current.number },
    );
  }
  const held = await listRefs(ctx.db, model);
  if (held.length > 0 && !hasRole(ctx.principal, "admin")) {
    onlyAdmin(ctx.principal, `deleting the model removes ${held.map((r) => r.ref).join(", ")}, which`);
  }
  // Versions holding a ref leave it through their own command (recorded in the ref's history); the rest, however
  // many, are deleted with the model in one batch.
  const holders = [...new Set(held.map((r) => r.version))].sort((a, b) => a - b);
  for (const number of holders) await removeVersion(ctx, model, await requireVersion(ctx.db, model, { number }), reason);
  const live = await liveVersionNumbers(ctx.db, model);
  await models.markModelDeleted(ctx, model, reason);
  ctx.emit({ type: "model.deleted", model: model.name, data: { versions: live, reason } });
  return { versions: [...new Set([...holders, ...live])].sort((a, b) => a - b) };
}

/** An admin brings a deleted model back with the versions deleted along with it (they stay archived). */
export async function restoreModel(ctx: CommandContext, input: { model: string; reason?: string }): Promise<models.ModelView> {
  authorize(ctx.principal, "admin", input.model);
  const model = await models.requireModel(ctx.db, input.model, { includeDeleted: true });
  await models.restoreModel(ctx, model, input.reason ?? "");
  ctx.emit({ type: "model.restored", model: model.name, data: { reason: input.reason ?? "" } });
  return models.getModel(ctx.db, model.name);
}

/** An admin brings a deleted version back, archived; un-archiving it is a separate, gated step. */
export async function restoreVersion(ctx: CommandContext, input: { model: string; version: number | string; reason?: string }): Promise<number> {
  authorize(ctx.principal, "admin", input.model);
  const model = await models.requireModel(ctx.db, input.model);
  const version = await requireVersion(ctx.db, model, parseVersionKey(input.version), { includeDeleted: true });
  await restoreVersionRow(ctx, model, version, input.reason ?? "");
  ctx.emit({ type: "version.restored", model: model.name, data: { version: version.number, reason: input.reason ?? "" } });
  return version.number;
}

/** An admin renames a model; the token must reach both names. The old name keeps redirecting serving. */
export async function renameModel(ctx: CommandContext, input: { model: string; new_name: string; reason?: string }): Promise<models.ModelView> {
  authorize(ctx.principal, "admin", input.model);
  authorize(ctx.principal, "admin", input.new_name);
  const model = await models.requireModel(ctx.db, input.model);
  await models.renameModel(ctx, model, input.new_name, input.reason ?? "");
  if (input.new_name !== model.name) {
    ctx.emit({ type: "model.renamed", model: input.new_name, data: { previous_name: model.name, name: input.new_name, reason: input.reason ?? "" } });
  }
  return models.getModel(ctx.db, input.new_name);
}

/** An admin ends a former name's redirect: references that still use it get 404 from then on. */
export async function removeFormerName(ctx: CommandContext, input: { model: string; former_name: string; reason?: string }): Promise<void> {
  authorize(ctx.principal, "admin", input.model);
  const model = await models.requireModel(ctx.db, input.model);
  await models.removeRedirect(ctx, model, input.former_name, input.reason ?? "");
}
