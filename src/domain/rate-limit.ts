/** Fixed-window rate limiting, pure: which window a moment falls in, when to retry, and the configured limit. */

export const RATE_WINDOW_MS = 60_000;

/** Mutations a token may make per window unless `RATE_LIMIT_MUTATIONS_PER_MINUTE` says otherwise. */
export const DEFAULT_MUTATIONS_PER_MINUTE = 600;

/** Epoch milliseconds at which the window holding `nowMs` opened. */
export const windowStartAt = (nowMs: number) => Math.floor(nowMs / RATE_WINDOW_MS) * RATE_WINDOW_MS;

/** Whole seconds until the window holding `nowMs` ends (at least 1): the Retry-After of a refused request. */
export const retryAfterSeconds = (nowMs: number) => Math.max(1, Math.ceil((windowStartAt(nowMs) + RATE_WINDOW_MS - nowMs) / 1000));

/** The configured limit: a whole number of mutations per minute, 0 turning the limit off; anything else is the default. */
export function mutationsPerMinute(raw: string | undefined): number {
  const value = raw === undefined || raw.trim() === "" ? NaN : Number(raw);
  return Number.isInteger(value) && value >= 0 ? value : DEFAULT_MUTATIONS_PER_MINUTE;
}
