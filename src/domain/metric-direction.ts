/**
 * Which way a metric improves when nobody said so, and when a difference between arms counts as significantly worse.
 *
 * The rule, in order: the policy's `metric_directions[name]`; else the judged metric's own rule; else the name: a
 * metric is lower-is-better when one of its words (split on anything but letters and digits, and at lower-to-upper
 * case changes) is in LOWER_IS_BETTER_WORDS or starts with latency, error or loss; every other metric is
 * higher-is-better (accuracy, auc, f1, precision, recall, ctr, conversion, …).
 */
import type { Direction } from "./policy";
import type { WelchResult } from "./stats";

export const LOWER_IS_BETTER_WORDS: ReadonlySet<string> = new Set([
  "latency",
  "error",
  "errors",
  "err",
  "loss",
  "duration",
  "time",
  "delay",
  "wait",
  "cost",
  "mae",
  "mse",
  "rmse",
  "mape",
  "fail",
  "failed",
  "failure",
  "failures",
  "timeout",
  "timeouts",
  "ms",
  "p50",
  "p90",
  "p95",
  "p99",
  "bytes",
  "memory",
  "cpu",
  "perplexity",
]);

const LOWER_IS_BETTER_PREFIXES = ["latency", "error", "loss"];

export type DirectionSource = "policy" | "judged" | "name";

export function wordsOf(metric: string): string[] {
  return metric
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** The direction the name suggests (see the module comment). */
export function directionByName(metric: string): Direction {
  const lower = wordsOf(metric).some((w) => LOWER_IS_BETTER_WORDS.has(w) || LOWER_IS_BETTER_PREFIXES.some((p) => w.startsWith(p)));
  return lower ? "lower" : "higher";
}

export function directionOf(
  metric: string,
  overrides: Readonly<Record<string, Direction>> | undefined,
  judged: { metric: string; direction: Direction } | null,
): { direction: Direction; source: DirectionSource } {
  const override = overrides?.[metric];
  if (override) return { direction: override, source: "policy" };
  if (judged && judged.metric === metric) return { direction: judged.direction, source: "judged" };
  return { direction: directionByName(metric), source: "name" };
}

/**
 * Candidate minus stable is significantly worse when its whole confidence interval lies on the bad side of zero: above
 * zero for a lower-is-better metric, below zero for a higher-is-better one.
 */
export function significantlyWorse(direction: Direction, welch: Pick<WelchResult, "ci_low" | "ci_high"> | null): boolean {
  if (!welch) return false;
  return direction === "lower" ? welch.ci_low > 0 : welch.ci_high < 0;
}
