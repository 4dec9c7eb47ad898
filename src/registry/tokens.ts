/**
 * API tokens: minting and revoking them is an unscoped admin's (a scoped admin could otherwise mint itself a wider
 * token). The secret is shown once, in the answer to create; the store keeps its SHA-256.
 */
import { authorize, type Role } from "../auth/principal";
import type { Page, Paged } from "../store/pagination";
import * as store from "../store/tokens";
import type { CommandContext } from "./context";

export type { TokenView } from "../store/tokens";

export interface CreateTokenInput {
  name: string;
  role: Role;
  model_glob?: string;
  expires_at?: string | null;
}

export async function createToken(ctx: CommandContext, input: CreateTokenInput): Promise<store.TokenView & { secret: string }> {
  authorize(ctx.principal, "admin", undefined, { unscoped: true });
  return store.createToken(ctx, input);
}

/** Stops the token at once; revoking twice audits once. */
export async function revokeToken(ctx: CommandContext, id: string): Promise<store.TokenView> {
  authorize(ctx.principal, "admin", undefined, { unscoped: true });
  return store.revokeToken(ctx, id);
}

export async function listTokens(
  ctx: Pick<CommandContext, "db" | "principal">,
  page: Page,
  includeRevoked: boolean,
): Promise<Paged<store.TokenView>> {
  authorize(ctx.principal, "admin", undefined, { unscoped: true });
  return store.listTokens(ctx.db, page, includeRevoked);
}
