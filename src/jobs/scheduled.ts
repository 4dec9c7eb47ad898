/** The cron trigger's work: judge every auto-rollback rule, then retry webhook deliveries that are due. */
import { isoAt, type Clock } from "../domain/clock";
import type { Env } from "../env";
import { AUTO_ROLLBACK_ACTOR, autoRollbackEvents, checkAllModels } from "../pipeline/auto-rollback";
import { emit, retryDueDeliveries } from "../pipeline/notify";
import { database } from "../store/db";

export async function runScheduled(env: Env, clock: Clock): Promise<void> {
  const db = database(env.DB);
  const run = `cron:${isoAt(clock.now())}`;
  const results = await checkAllModels(db, () => ({ db, actor: AUTO_ROLLBACK_ACTOR, requestId: run, now: isoAt(clock.now()) }), "cron");
  await emit(db, clock, results.flatMap((r) => autoRollbackEvents(r.model, r.outcomes)));
  await retryDueDeliveries(db, clock);
}
