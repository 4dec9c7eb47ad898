/** The audit log's reads: an admin's, limited to the models its token may touch. */
import { authorize, hasRole } from "../auth/principal";
import * as store from "../store/audit";
import * as overview from "../store/overview";
import type { Page, Paged } from "../store/pagination";
import type { CommandContext } from "./context";

export type { AuditEvent, AuditFilter } from "../store/audit";

type Reader = Pick<CommandContext, "db" | "principal">;

/** Newest first; a scoped admin sees only events of models its glob matches. */
export async function listAudit(ctx: Reader, filter: Omit<store.AuditFilter, "modelGlob">, page: Page): Promise<Paged<store.AuditEvent>> {
  authorize(ctx.principal, "admin");
  return store.listAudit(ctx.db, { ...filter, modelGlob: ctx.principal.modelGlob }, page);
}

/** The newest events of one version, or null for a caller who may not read the audit log. */
export async function versionAudit(ctx: Reader, model: string, number: number, limit: number): Promise<store.AuditEvent[] | null> {
  authorize(ctx.principal, "reader", model);
  return hasRole(ctx.principal, "admin") ? overview.versionAudit(ctx.db, model, number, limit) : null;
}
