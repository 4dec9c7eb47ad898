/**
 * Geometry of a rollout's arm chart: each arm's mean of one metric per time bucket, the weight steps marked on the
 * time axis and the auto-rollback threshold as a horizontal line. Pure: the page draws what this places.
 */
import type { Margins, PlotArea } from "./chart";
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
  margin: Margins;
  timeLabels: number;
}

export const ARM_CHART_SIZE: ArmChartSize = { width: 720, height: 260, margin: { top: 28, right: 24, bottom: 36, left: 60 }, timeLabels: 4 };

export interface ArmChartLayout extends PlotArea {
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

/** The lines a rule draws on its metric's chart: its floor, and the stable arm's mean moved by max_drop. */
export function thresholdsOf(
  rule: { direction: "higher" | "lower"; floor?: number; max_drop?: number },
  stableMean: number | null,
): Threshold[] {
  const lines: Threshold[] = [];
  if (rule.floor !== undefined) lines.push({ value: rule.floor, label: `floor ${rule.floor}` });
  if (rule.max_drop !== undefined && stableMean !== null && Number.isFinite(stableMean)) {
    const worse = rule.direction === "higher" ? stableMean - rule.max_drop : stableMean + rule.max_drop;
    lines.push({ value: worse, label: `stable mean ${rule.direction === "higher" ? "−" : "+"} max_drop ${rule.max_drop}` });
  }
  return lines;
}

export interface MetricSeries {
  metric: string;
  stable: BucketPoint[];
  candidate: BucketPoint[];
  /** Each arm's totals over the whole span. */
  totals: Record<ArmName, { count: number; mean: number | null }>;
}

/** Per metric, each arm's mean per bucket; `first` (the judged metric) leads, the rest by name. */
export function seriesByMetric(
  buckets: readonly { version: number; metric: string; t: number; count: number; sum: number }[],
  arms: { stable: number; candidate: number },
  first?: string | null,
): MetricSeries[] {
  const byMetric = new Map<string, MetricSeries>();
  const empty = () => ({ count: 0, mean: null as number | null, sum: 0 });
  const sums = new Map<string, Record<ArmName, { count: number; sum: number; mean: number | null }>>();
  for (const b of buckets) {
    const arm: ArmName | null = b.version === arms.candidate ? "candidate" : b.version === arms.stable ? "stable" : null;
    if (!arm || b.count <= 0) continue;
    const series = byMetric.get(b.metric) ?? { metric: b.metric, stable: [], candidate: [], totals: { stable: { count: 0, mean: null }, candidate: { count: 0, mean: null } } };
    series[arm].push({ t: b.t, value: b.sum / b.count, count: b.count });
    byMetric.set(b.metric, series);
    const total = sums.get(b.metric) ?? { stable: empty(), candidate: empty() };
    total[arm].count += b.count;
    total[arm].sum += b.sum;
    sums.set(b.metric, total);
  }
  if (first && !byMetric.has(first)) byMetric.set(first, { metric: first, stable: [], candidate: [], totals: { stable: { count: 0, mean: null }, candidate: { count: 0, mean: null } } });
  for (const [metric, series] of byMetric) {
    const total = sums.get(metric);
    for (const arm of ["stable", "candidate"] as const) {
      series[arm].sort((a, b) => a.t - b.t);
      const t = total?.[arm];
      series.totals[arm] = t && t.count > 0 ? { count: t.count, mean: t.sum / t.count } : { count: 0, mean: null };
    }
  }
  return [...byMetric.values()].sort((a, b) => Number(b.metric === first) - Number(a.metric === first) || a.metric.localeCompare(b.metric));
}
