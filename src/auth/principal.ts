/** Who is calling and what they may do; pure, so the role × scope rules are unit-tested without a runtime. */
import { DomainError } from "../domain/errors";

/**
 * Roles, weakest first: a reader resolves, reads and downloads; a reporter also reports observations (the serving
 * client's token); a publisher (CI) also creates models and versions, uploads, and moves a version into Staging
 * through the gate; an admin does everything else (Production, force, rollback, rollouts, tokens, webhooks).
 */
export const ROLES = ["reader", "reporter", "publisher", "admin"] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** Token id, or "bootstrap" for the ADMIN_TOKEN secret. */
  id: string;
  /** Name recorded as the actor in audit events. */
  name: string;
  role: Role;
  /** Model names this principal may touch, as a glob (`*` any run of characters, `?` one). */
  modelGlob: string;
}

const RANK: Record<Role, number> = { reader: 0, reporter: 1, publisher: 2, admin: 3 };

export const hasRole = (principal: Principal, needed: Role) => RANK[principal.role] >= RANK[needed];

export const isUnscoped = (principal: Principal) => principal.modelGlob === "*";

/** Glob match with the same semantics as SQLite's GLOB for `*` and `?`, so list filters agree with checks. */
export function globMatches(glob: string, name: string): boolean {
  const pattern = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${pattern}$`, "s").test(name);
}

export const canTouchModel = (principal: Principal, model: string) => globMatches(principal.modelGlob, model);

export const BOOTSTRAP_ADMIN: Principal = { id: "bootstrap", name: "admin", role: "admin", modelGlob: "*" };

/** Throws unless the principal holds `role` and, for a model, may touch it: the check every command starts with. */
export function authorize(principal: Principal, role: Role, model?: string, options: { unscoped?: boolean } = {}): void {
  if (!hasRole(principal, role)) {
    throw new DomainError("FORBIDDEN", `this needs the ${role} role; the token has ${principal.role}`, { required: role, role: principal.role });
  }
  if (options.unscoped && !isUnscoped(principal)) {
    throw new DomainError("FORBIDDEN", "this needs a token that is not scoped to models", { model_glob: principal.modelGlob });
  }
  if (model !== undefined && !canTouchModel(principal, model)) {
    throw new DomainError("FORBIDDEN", `the token is scoped to '${principal.modelGlob}' and may not touch model '${model}'`, {
      model,
      model_glob: principal.modelGlob,
    });
  }
}
