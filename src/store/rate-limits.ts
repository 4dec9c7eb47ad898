/** Mutation counters per token and window (src/http/rate-limit.ts); rows are pruned by the cron trigger. */
import { lt, sql } from "drizzle-orm";
import type { Database } from "./db";
import { rateLimits } from "./schema";

/** Counts one request in the window and answers the window's count so far, in one atomic upsert-and-read. */
export async function countRequest(db: Database, key: string, windowStart: number): Promise<number> {
  const row = await db
    .insert(rateLimits)
    .values({ key, windowStart, count: 1 })
    .onConflictDoUpdate({ target: [rateLimits.key, rateLimits.windowStart], set: { count: sql`${rateLimits.count} + 1` } })
    .returning({ count: rateLimits.count })
    .get();
  return row!.count;
}

/** Drops the counters of windows that opened before `before` (epoch ms). */
export async function pruneRateWindows(db: Database, before: number): Promise<void> {
  await db.delete(rateLimits).where(lt(rateLimits.windowStart, before));
}
