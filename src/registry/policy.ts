/**
 * A model's promotion and monitoring policy: the command that replaces it (admin) and the read the doors present.
 */
import { authorize } from "../auth/principal";
import type { Policy } from "../domain/policy";
import type { Database } from "../store/db";
import type { ModelRow } from "../store/models";
import { requireModel } from "../store/models";
import * as store from "../store/policies";
import type { CommandContext } from "./context";

export type { Policy } from "../domain/policy";

/** Replaces the whole policy of a model (absent parts check nothing), audited with the policy before and after. */
export async function setPolicy(ctx: CommandContext, input: { model: string; policy: Policy }): Promise<Policy> {
  authorize(ctx.principal, "admin", input.model);
  const model = await requireModel(ctx.db, input.model);
  return store.putPolicy(ctx, model, input.policy);
}

/** The stored policy, or the default for a model that never set one. */
export const getPolicy = (db: Database, model: ModelRow): Promise<Policy> => store.getPolicy(db, model);

/** The policy of a model named by the caller, who must be allowed to read it. */
export async function readPolicy(ctx: Pick<CommandContext, "db" | "principal">, name: string): Promise<Policy> {
  authorize(ctx.principal, "reader", name);
  return store.getPolicy(ctx.db, await requireModel(ctx.db, name));
}
