/**
 * The cron trigger's work: judge every auto-rollback rule, retry webhook deliveries that are due (or, with the
 * webhook queue, re-enqueue those whose message went missing), then collect
 * orphaned uploads and blobs past their grace period and drop finished rate-limit windows.
 */
import { isoAt, type Clock } from "../domain/clock";
import { RATE_WINDOW_MS, windowStartAt } from "../domain/rate-limit";
import type { Env } from "../env";
import { AUTO_ROLLBACK_ACTOR, autoRollbackAll } from "../registry/auto-rollback";
import { systemContext } from "../registry/context";
import { requeueOverdueDeliveries } from "../registry/delivery-queue";
import { retryDueDeliveries } from "../registry/events";
import { database } from "../store/db";
import { collectOrphans, orphanGraceMs } from "../store/orphans";
import { pruneRateWindows } from "../store/rate-limits";

export const MAINTENANCE_ACTOR = "edgereg:maintenance";

export async function runScheduled(env: Env, clock: Clock): Promise<void> {
  const db = database(env.DB);
  const run = `cron:${isoAt(clock.now())}`;
  // The run waits for its announcements, so their first attempts happen before the retries below.
  const announcing: Promise<unknown>[] = [];
  const waitUntil = (promise: Promise<unknown>) => void announcing.push(promise);
  await autoRollbackAll(() => systemContext({ db, clock, actor: AUTO_ROLLBACK_ACTOR, requestId: run, waitUntil, queue: env.WEBHOOK_QUEUE }));
  await Promise.all(announcing);
  if (env.WEBHOOK_QUEUE) await requeueOverdueDeliveries(env, clock);
  else await retryDueDeliveries(db, clock);
  const now = clock.now();
  await collectOrphans({ db, actor: MAINTENANCE_ACTOR, requestId: run, now: isoAt(now) }, env.ARTIFACTS, orphanGraceMs(env.ORPHAN_GRACE_HOURS));
  await pruneRateWindows(db, windowStartAt(now) - RATE_WINDOW_MS);
}
