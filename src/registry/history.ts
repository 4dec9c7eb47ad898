/** Reads of a version's history on the model's refs: every time it entered or left one, or was an arm of a rollout. */
import { authorize } from "../auth/principal";
import type { VersionKey } from "../domain/versions";
import { versionHistory, type VersionHistoryEntry } from "../store/history";
import { requireModelVersion } from "../store/versions";
import type { Page, Paged } from "../store/pagination";
import type { CommandContext } from "./context";

export type { VersionHistoryEntry } from "../store/history";

/** Newest first: moves, rollbacks and automatic rollbacks, and rollouts it took part in (start, promote, abort, rollback). */
export async function readVersionHistory(
  ctx: Pick<CommandContext, "db" | "principal">,
  modelName: string,
  key: VersionKey,
  page: Page,
): Promise<Paged<VersionHistoryEntry>> {
  authorize(ctx.principal, "reader", modelName);
  const { model, version } = await requireModelVersion(ctx.db, modelName, key);
  return versionHistory(ctx.db, model, version, page);
}
