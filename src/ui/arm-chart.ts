/**
 * Geometry of a rollout's arm chart: each arm's mean of one metric per time bucket, the weight steps marked on the
 * time axis and the auto-rollback threshold as a horizontal line. Pure: the page draws what this places.
 */
import { domainOf, linear, timeTicks } from "./scale";

export type ArmName = "stable" | "candidate";

export interface BucketPoint {
  /** Start of the bucket, epoch milliseconds. */
  t: number;
  value: number;
  count: number;
}

export interface ArmSeries {
  arm: ArmName;
  points: BucketPoint[];
}

export interface WeightStep {
  t: number;
  /** Candidate weight in percent after the change. */
  weight: number;
  /** start, weight, promote, abort, rollback or auto_rollback. */
  action: string;
}

export interface Threshold {
  value: number;
  /** What the line is: "floor 0.8", "stable mean − max_drop 0.02"… */
  label: string;
}

export interface ArmChartInput {
  fromMs: number;
  toMs: number;
  series: ArmSeries[];
  steps: WeightStep[];
  thresholds: Threshold[];
}

export interface ArmChartSize {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
  timeLabels: number;
}

export const ARM_CHART_SIZE: ArmChartSize = { width: 720, height: 260, margin: { top: 28, right: 24, bottom: 36, left: 60 }, timeLabels: 4 };

export interface ArmChartLayout {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  series: { arm: ArmName; path: string; points: (BucketPoint & { x: number; y: number })[] }[];
  yTicks: { at: number; value: number }[];
  xTicks: { at: number; t: number }[];
  steps: (WeightStep & { x: number })[];
  thresholds: (Threshold & { y: number })[];
}

/** Places both arms on one time axis [fromMs, toMs] and one value axis that also covers the thresholds. */
export function layoutArmChart(input: ArmChartInput, size: ArmChartSize = ARM_CHART_SIZE): ArmChartLayout {
  const { width, height, margin } = size;
  const left = margin.left;
  const right = width - margin.right;
  const top = margin.top;
  const bottom = height - margin.bottom;
  const fromMs = Number.isFinite(input.fromMs) ? input.fromMs : 0;
  const toMs = Number.isFinite(input.toMs) && input.toMs > fromMs ? input.toMs : fromMs + 60_000;
  const series = input.series.map((s) => ({
    arm: s.arm,
    points: s.points.filter((p) => Number.isFinite(p.value) && Number.isFinite(p.t)).sort((a, b) => a.t - b.t),
  }));
  const thresholds = input.thresholds.filter((t) => Number.isFinite(t.value));
  const domain = domainOf([...series.flatMap((s) => s.points.map((p) => p.value)), ...thresholds.map((t) => t.value)]);
  const xOf = linear({ lo: fromMs, hi: toMs }, left, right);
  const yOf = linear(domain, bottom, top);
  return {
    width,
    height,
    left,
    right,
    top,
    bottom,
    series: series.map((s) => {
      const points = s.points.map((p) => ({ ...p, x: xOf(p.t), y: yOf(p.value) }));
      return { arm: s.arm, points, path: points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x} ${p.y}`).join(" ") };
    }),
    yTicks: domain.ticks.map((value) => ({ at: yOf(value), value })),
    xTicks: timeTicks(fromMs, toMs, size.timeLabels).map((t) => ({ at: xOf(t), t })),
    steps: input.steps.filter((s) => Number.isFinite(s.t) && s.t >= fromMs && s.t <= toMs).map((s) => ({ ...s, x: xOf(s.t) })),
    thresholds: thresholds.map((t) => ({ ...t, y: yOf(t.value) })),
  };
}

/** The bucket width for a span: whole minutes (the observation window), at most `maxBuckets` buckets. */
export function bucketWidthMs(fromMs: number, toMs: number, maxBuckets: number): number {
  const minute = 60_000;
  const span = Math.max(minute, toMs - fromMs);
  return Math.max(1, Math.ceil(span / Math.max(1, maxBuckets) / minute)) * minute;
}

