/** Every time a version entered or left a ref, or took part in a rollout on it, from the refs' recorded history. */
import { aliasedTable, and, desc, eq, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { versionChangeOf, type RefAction, type VersionChange } from "../domain/refs";
import type { Database } from "./db";
import type { ModelRow } from "./models";
import { decodeCursor, pageOf, type Page, type Paged } from "./pagination";
import { historyRolloutColumns, historyRolloutOf, joinHistoryRollout, type HistoryRollout } from "./refs";
import { refHistory, rollouts, versions } from "./schema";
import type { VersionRow } from "./versions";

export interface VersionHistoryEntry {
  ref: string;
  generation: number;
  action: RefAction;
  change: VersionChange;
  /** The version's arm in the entry's rollout; null for plain moves. */
  arm: "stable" | "candidate" | null;
  from_version: number | null;
  to_version: number | null;
  rollout: HistoryRollout | null;
  actor: string;
  reason: string;
  at: string;
}

/** Newest first; the cursor is the last history row id seen. */
export async function versionHistory(db: Database, model: ModelRow, version: VersionRow, page: Page): Promise<Paged<VersionHistoryEntry>> {
  const after = decodeCursor(page.cursor, z.object({ id: z.number().int() }));
  const fromVersion = aliasedTable(versions, "from_version");
  const toVersion = aliasedTable(versions, "to_version");
  const query = db
    .select({
      id: refHistory.id,
      ref: refHistory.ref,
      generation: refHistory.generation,
      action: refHistory.action,
      fromVersionId: refHistory.fromVersionId,
      toVersionId: refHistory.toVersionId,
      from: sql<number | null>`${fromVersion.number}`.as("from_number"),
      to: sql<number | null>`${toVersion.number}`.as("to_number"),
      actor: refHistory.actor,
      reason: refHistory.reason,
      at: refHistory.at,
      candidateId: rollouts.candidateVersionId,
      ...historyRolloutColumns,
    })
    .from(refHistory)
    .leftJoin(fromVersion, eq(fromVersion.id, refHistory.fromVersionId))
    .leftJoin(toVersion, eq(toVersion.id, refHistory.toVersionId));
  const rows = await joinHistoryRollout(query)
    .where(
      and(
        eq(refHistory.modelId, model.id),
        or(eq(refHistory.fromVersionId, version.id), eq(refHistory.toVersionId, version.id), eq(rollouts.candidateVersionId, version.id)),
        after ? lt(refHistory.id, after.id) : undefined,
      ),
    )
    .orderBy(desc(refHistory.id))
    .limit(page.limit + 1);
  return pageOf(
    rows,
    page,
    (r): VersionHistoryEntry => ({
      ref: r.ref,
      generation: r.generation,
      action: r.action,
      change: versionChangeOf(r, version.id) ?? "entered",
      arm: r.rolloutId === null ? null : r.candidateId === version.id ? "candidate" : "stable",
      from_version: r.from,
      to_version: r.to,
      rollout: historyRolloutOf(r),
      actor: r.actor,
      reason: r.reason,
      at: r.at,
    }),
    (r) => ({ id: r.id }),
  );
}
