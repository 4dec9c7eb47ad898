/** Admin UI sessions in D1: opened at sign-in, looked up on every UI request, ended by sign-out. */
import { and, eq, gt, isNull, lt, or } from "drizzle-orm";
import { auditInsert, auditInsertIfChanged, type Mutation } from "./audit";
import type { Database } from "./db";
import { tokens, uiSessions } from "./schema";
import type { ActiveTokenRow } from "./tokens";

export interface NewUiSession {
  idHash: string;
  /** null for the bootstrap admin, whose sessions carry `adminSecretHash` instead. */
  tokenId: string | null;
  adminSecretHash: string | null;
  expiresAt: string;
}

export async function insertUiSession(m: Mutation, session: NewUiSession): Promise<void> {
  await m.db.batch([
    m.db.insert(uiSessions).values({ ...session, createdAt: m.now, endedAt: null }),
    auditInsert(m, { action: "session.open", after: { token_id: session.tokenId ?? "bootstrap", expires_at: session.expiresAt } }),
  ]);
}

/** What a live session signs in as: an active token's row, or the bootstrap admin's secret hash to compare. */
export type LiveUiSession = { kind: "token"; token: ActiveTokenRow } | { kind: "bootstrap"; adminSecretHash: string };

/**
 * The session with this id hash, when it has not ended or expired and (for a token's session) the token is neither
 * revoked nor expired: one read joining the token, so revoking a token ends its sessions at once.
 */
export async function findLiveUiSession(db: Database, idHash: string, now: string): Promise<LiveUiSession | null> {
  const row = await db
    .select({
      tokenId: uiSessions.tokenId,
      adminSecretHash: uiSessions.adminSecretHash,
      token: { id: tokens.id, name: tokens.name, role: tokens.role, modelGlob: tokens.modelGlob, lastUsedAt: tokens.lastUsedAt },
    })
    .from(uiSessions)
    .leftJoin(tokens, and(eq(tokens.id, uiSessions.tokenId), isNull(tokens.revokedAt), or(isNull(tokens.expiresAt), gt(tokens.expiresAt, now))))
    .where(and(eq(uiSessions.idHash, idHash), isNull(uiSessions.endedAt), gt(uiSessions.expiresAt, now)))
    .get();
  if (!row) return null;
  if (row.tokenId === null) return row.adminSecretHash ? { kind: "bootstrap", adminSecretHash: row.adminSecretHash } : null;
  return row.token?.id ? { kind: "token", token: row.token as ActiveTokenRow } : null;
}

/** Ends the session (sign-out); audited only when it was still open. */
export async function endUiSession(m: Mutation, idHash: string, tokenId: string): Promise<void> {
  await m.db.batch([
    m.db
      .update(uiSessions)
      .set({ endedAt: m.now })
      .where(and(eq(uiSessions.idHash, idHash), isNull(uiSessions.endedAt))),
    auditInsertIfChanged(m, { action: "session.end", after: { token_id: tokenId } }),
  ]);
}

/** Drops sessions that expired or ended before `before` (cron): they can never sign anyone in again. */
export async function pruneUiSessions(db: Database, before: string): Promise<void> {
  await db.delete(uiSessions).where(or(lt(uiSessions.expiresAt, before), lt(uiSessions.endedAt, before)));
}
