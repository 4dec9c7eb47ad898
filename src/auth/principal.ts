/** Who is calling and what they may do; pure, so the role × scope rules are unit-tested without a runtime. */

export const ROLES = ["reader", "publisher", "admin"] as const;
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

const RANK: Record<Role, number> = { reader: 0, publisher: 1, admin: 2 };

export const hasRole = (principal: Principal, needed: Role) => RANK[principal.role] >= RANK[needed];

export const isUnscoped = (principal: Principal) => principal.modelGlob === "*";

/** Glob match with the same semantics as SQLite's GLOB for `*` and `?`, so list filters agree with checks. */
export function globMatches(glob: string, name: string): boolean {
  const pattern = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${pattern}$`, "s").test(name);
}

export const canTouchModel = (principal: Principal, model: string) => globMatches(principal.modelGlob, model);

export const BOOTSTRAP_ADMIN: Principal = { id: "bootstrap", name: "admin", role: "admin", modelGlob: "*" };
