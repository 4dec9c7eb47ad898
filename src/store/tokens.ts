import { and, desc, eq, isNull, lt, or, gt, sql } from "drizzle-orm";
import { z } from "zod";
import type { Principal, Role } from "../auth/principal";
import { newSecret, sha256Hex } from "../auth/secrets";
import { notFound } from "../domain/errors";
import { auditInsert, auditInsertIfChanged, type Mutation } from "./audit";
import type { Database } from "./db";
import { decodeCursor, pageOf, type Page, type Paged } from "./pagination";
import { tokens } from "./schema";

export type TokenRow = typeof tokens.$inferSelect;

export interface TokenView {
  id: string;
  name: string;
  role: Role;
  model_glob: string;
  created_at: string;
  created_by: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

/** The lookup a request's bearer token costs; exported so hot routes can batch it with their own reads. */
export function activeTokenQuery(db: Database, secretHash: string, now: string) {
  return db
    .select({ id: tokens.id, name: tokens.name, role: tokens.role, modelGlob: tokens.modelGlob, lastUsedAt: tokens.lastUsedAt })
    .from(tokens)
    .where(and(eq(tokens.secretHash, secretHash), isNull(tokens.revokedAt), or(isNull(tokens.expiresAt), gt(tokens.expiresAt, now))));
}

export type ActiveTokenRow = Awaited<ReturnType<typeof activeTokenQuery>>[number];

export const principalOf = (row: ActiveTokenRow): Principal => ({ id: row.id, name: row.name, role: row.role, modelGlob: row.modelGlob });

export async function findActiveToken(db: Database, secretHash: string, now: string): Promise<ActiveTokenRow | null> {
  return (await activeTokenQuery(db, secretHash, now).limit(1))[0] ?? null;
}

/** last_used_at is advisory: written at most once an hour per token so reads stay reads. */
export function touchTokenIfStale(db: Database, id: string, lastUsedAt: string | null, now: string) {
  const hourAgo = new Date(Date.parse(now) - 3_600_000).toISOString();
  if (lastUsedAt && lastUsedAt > hourAgo) return null;
  return db
    .update(tokens)
    .set({ lastUsedAt: now })
    .where(and(eq(tokens.id, id), or(isNull(tokens.lastUsedAt), lt(tokens.lastUsedAt, hourAgo))));
}

export async function createToken(
  m: Mutation,
  input: { name: string; role: Role; model_glob?: string; expires_at?: string | null },
): Promise<TokenView & { secret: string }> {
  const secret = newSecret();
  const row: TokenRow = {
    id: crypto.randomUUID(),
    name: input.name,
    secretHash: await sha256Hex(secret),
    role: input.role,
    modelGlob: input.model_glob ?? "*",
    createdAt: m.now,
    createdBy: m.actor,
    lastUsedAt: null,
    expiresAt: input.expires_at ?? null,
    revokedAt: null,
  };
  const view = tokenView(row);
  await m.db.batch([
    m.db.insert(tokens).values(row),
    auditInsert(m, { action: "token.create", after: { id: row.id, name: row.name, role: row.role, model_glob: row.modelGlob } }),
  ]);
  return { ...view, secret };
}

export async function listTokens(db: Database, page: Page, includeRevoked: boolean): Promise<Paged<TokenView>> {
  const after = decodeCursor(page.cursor, z.object({ created_at: z.string(), id: z.string() }));
  const rows = await db
    .select()
    .from(tokens)
    .where(
      and(
        includeRevoked ? undefined : isNull(tokens.revokedAt),
        after ? sql`(${tokens.createdAt}, ${tokens.id}) < (${after.created_at}, ${after.id})` : undefined,
      ),
    )
    .orderBy(desc(tokens.createdAt), desc(tokens.id))
    .limit(page.limit + 1);
  return pageOf(rows, page, tokenView, (r) => ({ created_at: r.createdAt, id: r.id }));
}

/** Revocation is a conditional write: revoking twice audits once and answers the same. */
export async function revokeToken(m: Mutation, id: string): Promise<TokenView> {
  const row = await m.db.select().from(tokens).where(eq(tokens.id, id)).get();
  if (!row) throw notFound(`token '${id}' does not exist`, { id });
  if (row.revokedAt) return tokenView(row);
  await m.db.batch([
    m.db.update(tokens).set({ revokedAt: m.now }).where(and(eq(tokens.id, id), isNull(tokens.revokedAt))),
    auditInsertIfChanged(m, { action: "token.revoke", before: { id, name: row.name, role: row.role }, after: { revoked_at: m.now } }),
  ]);
  return tokenView({ ...row, revokedAt: m.now });
}

function tokenView(row: TokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    model_glob: row.modelGlob,
    created_at: row.createdAt,
    created_by: row.createdBy,
    last_used_at: row.lastUsedAt,
    expires_at: row.expiresAt,
    revoked_at: row.revokedAt,
  };
}
