/**
 * Registered models: the commands that create and change them, and the reads the doors present. Every command
 * authorizes its caller first; the store writes the change and its audit event in one batch.
 */
import { authorize, hasRole, type Principal } from "../auth/principal";
import * as store from "../store/models";
import type { TagPatch } from "../store/tags";
import type { Page, Paged } from "../store/pagination";
import type { CommandContext } from "./context";
import { renameModel } from "./deletion";

export type { ModelRow, ModelView, ModelFilter } from "../store/models";
export { deleteModel, removeFormerName, renameModel, restoreModel } from "./deletion";

export interface CreateModelInput {
  name: string;
  description?: string;
  tags?: Record<string, string>;
  /** MLflow 3's deployment job, kept and returned for its clients. */
  deployment_job_id?: string | null;
}

export async function createModel(ctx: CommandContext, input: CreateModelInput): Promise<store.ModelView> {
  authorize(ctx.principal, "publisher", input.name);
  return store.createModel(ctx, input);
}

export interface UpdateModelInput {
  description?: string;
  tags?: TagPatch;
  deployment_job_id?: string | null;
  /** A new name: a rename (admin), applied before the other changes. */
  name?: string;
  reason?: string;
}

export async function updateModel(ctx: CommandContext, name: string, patch: UpdateModelInput): Promise<store.ModelView> {
  const { name: newName, reason, ...rest } = patch;
  authorize(ctx.principal, newName !== undefined && newName !== name ? "admin" : "publisher", name);
  let current = name;
  if (newName !== undefined && newName !== name) {
    current = (await renameModel(ctx, { model: name, new_name: newName, reason })).name;
    if (Object.keys(rest).length === 0) return store.getModel(ctx.db, current);
  }
  return store.updateModel(ctx, current, rest);
}

const lookupFor = (principal: Principal) => store.lookupFor(hasRole(principal, "admin"));

export async function showModel(ctx: Pick<CommandContext, "db" | "principal">, name: string): Promise<store.ModelView> {
  authorize(ctx.principal, "reader", name);
  return store.getModel(ctx.db, name, lookupFor(ctx.principal));
}

export async function searchModels(ctx: Pick<CommandContext, "db" | "principal">, filter: store.ModelFilter, page: Page): Promise<Paged<store.ModelView>> {
  if (filter.deleted) authorize(ctx.principal, "admin");
  return store.listModels(ctx.db, { ...filter, glob: ctx.principal.modelGlob }, page);
}

// ---- reads: the caller's role and scope are checked by the door's route (requireRole) or here ----

/** A model the caller may read, or 403/404. */
export async function readModel(ctx: Pick<CommandContext, "db" | "principal">, name: string): Promise<store.ModelRow> {
  authorize(ctx.principal, "reader", name);
  return store.requireModel(ctx.db, name);
}

export { findModel, getModel, listModels, requireModel } from "../store/models";
