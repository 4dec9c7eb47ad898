/**
 * Registered models: the commands that create and change them, and the reads the doors present. Every command
 * authorizes its caller first; the store writes the change and its audit event in one batch.
 */
import { authorize } from "../auth/principal";
import * as store from "../store/models";
import type { TagPatch } from "../store/tags";
import type { CommandContext } from "./context";

export type { ModelRow, ModelView, ModelFilter } from "../store/models";

export interface CreateModelInput {
  name: string;
  description?: string;
  tags?: Record<string, string>;
}

export async function createModel(ctx: CommandContext, input: CreateModelInput): Promise<store.ModelView> {
  authorize(ctx.principal, "publisher", input.name);
  return store.createModel(ctx, input);
}

export interface UpdateModelInput {
  description?: string;
  tags?: TagPatch;
}

export async function updateModel(ctx: CommandContext, name: string, patch: UpdateModelInput): Promise<store.ModelView> {
  authorize(ctx.principal, "publisher", name);
  return store.updateModel(ctx, name, patch);
}

// ---- reads: the caller's role and scope are checked by the door's route (requireRole) or here ----

/** A model the caller may read, or 403/404. */
export async function readModel(ctx: Pick<CommandContext, "db" | "principal">, name: string): Promise<store.ModelRow> {
  authorize(ctx.principal, "reader", name);
  return store.requireModel(ctx.db, name);
}

export { findModel, getModel, listModels, requireModel } from "../store/models";
