/** Time buckets for charts of observations: whole observation windows, so a bucket never splits a window. */
import { OBSERVATION_WINDOW_MS } from "./observations";

/** The bucket width for a span: whole windows, at most `maxBuckets` buckets from `fromMs` to `toMs`. */
export function bucketWidthMs(fromMs: number, toMs: number, maxBuckets: number): number {
  const span = Math.max(OBSERVATION_WINDOW_MS, toMs - fromMs);
  return Math.max(1, Math.ceil(span / Math.max(1, maxBuckets) / OBSERVATION_WINDOW_MS)) * OBSERVATION_WINDOW_MS;
}
