/**
 * What the cron trigger's clean-up will collect, for an unscoped admin to see before it happens: multipart sessions
 * idle past the upload expiry and blobs no verified artifact names.
 */
import { authorize } from "../auth/principal";
import { isoAt } from "../domain/clock";
import * as store from "../store/orphans";
import type { CommandContext } from "./context";

export type { OrphanedBlob, OrphanedUpload } from "../store/orphans";

export interface Orphans {
  now: string;
  grace_hours: number;
  uploads: store.OrphanedUpload[];
  blobs: store.OrphanedBlob[];
  scanned: number;
  next_cursor: string | null;
}

export async function listOrphans(
  ctx: Pick<CommandContext, "db" | "principal" | "clock">,
  bucket: R2Bucket,
  /** `ORPHAN_GRACE_HOURS` as configured. */
  graceHours: string | undefined,
  options: { uploads: number; blobs: { cursor?: string; limit: number } },
): Promise<Orphans> {
  authorize(ctx.principal, "admin", undefined, { unscoped: true });
  const nowMs = ctx.clock.now();
  const graceMs = store.orphanGraceMs(graceHours);
  const [uploads, blobs] = await Promise.all([
    store.listOrphanedUploads(ctx.db, nowMs, graceMs, options.uploads),
    store.scanOrphanedBlobs(ctx.db, bucket, graceMs, options.blobs),
  ]);
  return { now: isoAt(nowMs), grace_hours: graceMs / 3_600_000, uploads, ...blobs };
}
