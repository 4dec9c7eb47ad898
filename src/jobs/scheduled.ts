/**
 * The cron trigger's work: judge every auto-rollback rule, retry webhook deliveries that are due (or, with the
 * webhook queue, re-enqueue those whose message went missing), then collect orphaned uploads and blobs past their
 * grace period and drop finished rate-limit windows and UI sessions.
 */
import { isoAt, type Clock } from "../domain/clock";
import { RATE_WINDOW_MS, windowStartAt } from "../domain/rate-limit";
import type { Env } from "../env";
import { AUTO_ROLLBACK_ACTOR, autoRollbackAll } from "../registry/auto-rollback";
import { systemContext } from "../registry/context";
import { requeueOverdueDeliveries } from "../registry/delivery-queue";
import { deliveryPolicyOf, retryDueDeliveries } from "../registry/events";
import { database } from "../store/db";
import { collectOrphans, orphanGraceMs } from "../store/orphans";
import { pruneRateWindows } from "../store/rate-limits";
import { pruneUiSessions } from "../store/sessions";

export const MAINTENANCE_ACTOR = "edgereg:maintenance";

export async function runScheduled(env: Env, clock: Clock): Promise<void> {
  // The checks decide rollbacks: they read at the primary, like everything an admin reads before changing it.
  const db = database(env.DB.withSession("first-primary"));
  const run = `cron:${isoAt(clock.now())}`;
  // The run waits for its announcements, so their first attempts happen before the retries below.
  const announcing: Promise<unknown>[] = [];
  const waitUntil = (promise: Promise<unknown>) => void announcing.push(promise);
  const policy = deliveryPolicyOf(env);
  await autoRollbackAll(() => systemContext({ db, clock, actor: AUTO_ROLLBACK_ACTOR, requestId: run, waitUntil, queue: env.WEBHOOK_QUEUE, policy }));
  await Promise.all(announcing);
  if (env.WEBHOOK_QUEUE) await requeueOverdueDeliveries(env, clock);
  else await retryDueDeliveries(db, clock, undefined, policy);
  const now = clock.now();
  await collectOrphans({ db, actor: MAINTENANCE_ACTOR, requestId: run, now: isoAt(now) }, env.ARTIFACTS, orphanGraceMs(env.ORPHAN_GRACE_HOURS));
  await pruneRateWindows(db, windowStartAt(now) - RATE_WINDOW_MS);
  await pruneUiSessions(db, isoAt(now));
}
