import { and, asc, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { EMPTY_AGGREGATE, type Aggregate } from "../domain/observations";
import type { Database } from "./db";
import type { ModelRow } from "./models";
import { decodeCursor, pageOf, type Page, type Paged } from "./pagination";
import { observations, versions } from "./schema";

export interface WindowedAggregate extends Aggregate {
  versionId: string;
  metric: string;
}

/** D1 binds at most 100 parameters per statement; an observation row takes 6. */
const ROWS_PER_STATEMENT = 16;

/** Adds each aggregate to its window's running totals: concurrent batches add up, none overwrites another. */
export async function addObservations(db: Database, windowStart: string, rows: WindowedAggregate[]): Promise<void> {
  const statements = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const values = rows.slice(i, i + ROWS_PER_STATEMENT).map((r) => ({
      versionId: r.versionId,
      metric: r.metric,
      windowStart,
      count: r.count,
      sum: r.sum,
      sumSquares: r.sumSquares,
    }));
    statements.push(
      db
        .insert(observations)
        .values(values)
        .onConflictDoUpdate({
          target: [observations.versionId, observations.metric, observations.windowStart],
          set: {
            count: sql`${observations.count} + excluded.count`,
            sum: sql`${observations.sum} + excluded.sum`,
            sumSquares: sql`${observations.sumSquares} + excluded.sum_squares`,
          },
        }),
    );
  }
  if (statements.length > 0) await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
}

/** One version's totals for a metric over windows starting in [from, until). */
export function totalsQuery(db: Database, versionId: string, metric: string, from: string, until?: string) {
  return db
    .select({
      count: sql<number>`COALESCE(SUM(${observations.count}), 0)`,
      sum: sql<number>`COALESCE(SUM(${observations.sum}), 0)`,
      sumSquares: sql<number>`COALESCE(SUM(${observations.sumSquares}), 0)`,
    })
    .from(observations)
    .where(
      and(
        eq(observations.versionId, versionId),
        eq(observations.metric, metric),
        gte(observations.windowStart, from),
        until ? lt(observations.windowStart, until) : undefined,
      ),
    );
}

export const totalsOf = (rows: Aggregate[]): Aggregate => rows[0] ?? EMPTY_AGGREGATE;

/** Every metric's totals for each of the given versions over [from, until), in one query. */
export function totalsByMetric(db: Database, versionIds: string[], from: string, until?: string) {
  return db
    .select({
      versionId: observations.versionId,
      metric: observations.metric,
      count: sql<number>`SUM(${observations.count})`,
      sum: sql<number>`SUM(${observations.sum})`,
      sumSquares: sql<number>`SUM(${observations.sumSquares})`,
    })
    .from(observations)
    .where(and(inArray(observations.versionId, versionIds), gte(observations.windowStart, from), until ? lt(observations.windowStart, until) : undefined))
    .groupBy(observations.versionId, observations.metric)
    .orderBy(observations.metric);
}

export interface ObservationWindow {
  version: number;
  metric: string;
  window_start: string;
  count: number;
  sum: number;
  sum_squares: number;
  mean: number;
}

export interface SeriesFilter {
  version?: number;
  metric?: string;
  since?: string;
  until?: string;
}

/** Oldest window first (a series reads forwards); the cursor is the last (window, version, metric) seen. */
export async function listObservations(db: Database, model: ModelRow, filter: SeriesFilter, page: Page): Promise<Paged<ObservationWindow>> {
  const after = decodeCursor(page.cursor, z.object({ w: z.string(), v: z.number().int(), m: z.string() }));
  const key: SQL | undefined = after
    ? sql`(${observations.windowStart}, ${versions.number}, ${observations.metric}) > (${after.w}, ${after.v}, ${after.m})`
    : undefined;
  const rows = await db
    .select({
      version: versions.number,
      metric: observations.metric,
      windowStart: observations.windowStart,
      count: observations.count,
      sum: observations.sum,
      sumSquares: observations.sumSquares,
    })
    .from(observations)
    .innerJoin(versions, eq(versions.id, observations.versionId))
    .where(
      and(
        eq(versions.modelId, model.id),
        filter.version !== undefined ? eq(versions.number, filter.version) : undefined,
        filter.metric ? eq(observations.metric, filter.metric) : undefined,
        filter.since ? gte(observations.windowStart, filter.since) : undefined,
        filter.until ? lt(observations.windowStart, filter.until) : undefined,
        key,
      ),
    )
    .orderBy(asc(observations.windowStart), asc(versions.number), asc(observations.metric))
    .limit(page.limit + 1);
  return pageOf(
    rows,
    page,
    (r) => ({
      version: r.version,
      metric: r.metric,
      window_start: r.windowStart,
      count: r.count,
      sum: r.sum,
      sum_squares: r.sumSquares,
      mean: r.sum / r.count,
    }),
    (r) => ({ w: r.windowStart, v: r.version, m: r.metric }),
  );
}
