/**
 * Live observations as the registry keeps them: per version, metric and one-minute window, the count, sum and sum
 * of squares (DESIGN §2). Pure arithmetic on those aggregates and on the windows a rule judges.
 */
import { badRequest } from "./errors";
import type { MetricStats } from "./policy";

/** Observations land in one-minute windows; a rule's `window_s` covers whole windows. */
export const OBSERVATION_WINDOW_MS = 60_000;

/**
 * The largest magnitude an observed value may have: its square times the largest count (1e6) stays near 1e206, so
 * no window's sum of squares can overflow to Infinity (which D1 would store as NULL) however many batches add up.
 */
export const MAX_OBSERVED_MAGNITUDE = 1e100;

export type Aggregate = { count: number; sum: number; sumSquares: number };

export const EMPTY_AGGREGATE: Aggregate = { count: 0, sum: 0, sumSquares: 0 };

/** The start of the window holding the instant `ms`. */
export const windowStartOf = (ms: number) => Math.floor(ms / OBSERVATION_WINDOW_MS) * OBSERVATION_WINDOW_MS;

/**
 * Where a rule's look-back starts: `windowS` seconds before now, rounded down to a whole window, and never before
 * `sinceMs` (when the ref last moved, or the rollout started), so a version is judged only on what it did since.
 */
export function lookBackStart(nowMs: number, windowS: number, sinceMs?: number | null): number {
  // Never before the epoch: a window of any length stays a valid Date.
  const start = windowStartOf(Math.max(0, nowMs - windowS * 1000));
  return sinceMs === undefined || sinceMs === null ? start : Math.max(start, windowStartOf(sinceMs));
}

export interface Report {
  /** which version answered; resolved from a ref and arm before it reaches here */
  versionId: string;
  metrics: Record<string, number>;
  /** how many identical observations the values stand for, e.g. 37 requests that were all correct */
  count: number;
}

/** Sums a batch of reports per version and metric: each value counts `count` times. */
export function aggregateReports(reports: readonly Report[]): Map<string, Aggregate & { versionId: string; metric: string }> {
  const out = new Map<string, Aggregate & { versionId: string; metric: string }>();
  for (const r of reports) {
    if (!Number.isInteger(r.count) || r.count < 1) throw badRequest("count must be a positive integer", { count: r.count });
    for (const [metric, value] of Object.entries(r.metrics)) {
      if (!Number.isFinite(value) || Math.abs(value) > MAX_OBSERVED_MAGNITUDE) {
        throw badRequest(`metric ${metric} must be a finite number of magnitude at most ${MAX_OBSERVED_MAGNITUDE}`, {
          field: `observations.metrics.${metric}`,
          metric,
        });
      }
      const key = `${r.versionId}\u0000${metric}`;
      const a = out.get(key) ?? { versionId: r.versionId, metric, ...EMPTY_AGGREGATE };
      a.count += r.count;
      a.sum += value * r.count;
      a.sumSquares += value * value * r.count;
      out.set(key, a);
    }
  }
  return out;
}

/** Count and mean, as the auto-rollback rule judges them; null when nothing was observed. */
export function statsOf(a: Aggregate): MetricStats | null {
  return a.count > 0 ? { count: a.count, mean: a.sum / a.count } : null;
}
