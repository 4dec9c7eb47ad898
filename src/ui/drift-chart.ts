/**
 * Geometry of a drift report's pictures: each feature's deciding statistic against its threshold, and a feature's
 * reference distribution as a histogram (numbers) or category shares (strings). Pure: the page draws what this places.
 */
import type { Margins, PlotArea } from "./chart";
import { domainOf, linear } from "./scale";

/** How far along its bar a feature's evidence of drift goes, in [0, 1], with the threshold's place on the same bar. */
export interface EvidenceBar {
  /** Share of the bar filled: more drift evidence, longer bar. */
  fill: number;
  /** Where the threshold sits on the bar. */
  mark: number;
  /** p-value tests draw −log10 p; distance tests the distance itself. */
  scale: "log-p" | "distance";
}

/** −log10 p is drawn up to this (p = 10⁻⁶); anything smaller fills the bar. */
const MAX_LOG_P = 6;

/**
 * A p-value test drifts when p < threshold: the bar shows −log10 p against −log10 threshold. A distance test
 * drifts when the distance ≥ threshold: the bar runs to twice the threshold (or the distance, when larger).
 */
export function evidenceBar(test: { p_value: number | null; statistic: number }, threshold: number): EvidenceBar {
  const safeThreshold = Number.isFinite(threshold) && threshold > 0 ? threshold : 0.05;
  if (test.p_value !== null) {
    const logP = (p: number) => (p > 0 ? Math.min(MAX_LOG_P, -Math.log10(p)) : MAX_LOG_P);
    const p = Number.isFinite(test.p_value) ? Math.min(1, Math.max(0, test.p_value)) : 1;
    return { fill: clamp01(logP(p) / MAX_LOG_P), mark: clamp01(logP(Math.min(1, safeThreshold)) / MAX_LOG_P), scale: "log-p" };
  }
  const distance = Number.isFinite(test.statistic) ? Math.max(0, test.statistic) : 0;
  const end = Math.max(2 * safeThreshold, distance);
  return { fill: clamp01(distance / end), mark: clamp01(safeThreshold / end), scale: "distance" };
}

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

export interface HistogramBin {
  /** A numeric bin's lower edge, or a category. */
  label: string;
  from?: number;
  to?: number;
  count: number;
  share: number;
}

/**
 * Counts a sample into equal-width bins between its finite min and max (one bin when they are equal), or into its
 * categories (the most common `maxCategories`, the rest as "other").
 */
export function histogram(sample: readonly (number | string)[], bins = 20, maxCategories = 12): HistogramBin[] {
  if (sample.length === 0) return [];
  if (typeof sample[0] === "string") return categoryBins(sample.map(String), maxCategories);
  const values = (sample as number[]).filter(Number.isFinite);
  if (values.length === 0) return [];
  let min = values[0]!;
  let max = values[0]!;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const n = min === max ? 1 : Math.max(1, Math.floor(bins));
  // Halves keep the width finite across the whole double range.
  const half = (max / 2 - min / 2) / n;
  const counts = new Array<number>(n).fill(0);
  for (const v of values) {
    const i = half > 0 ? Math.floor((v / 2 - min / 2) / half) : 0;
    counts[Math.min(n - 1, Math.max(0, i))]! += 1;
  }
  return counts.map((count, i) => {
    const from = min + 2 * half * i;
    return { label: String(from), from, to: i === n - 1 ? max : min + 2 * half * (i + 1), count, share: count / values.length };
  });
}

function categoryBins(values: string[], maxCategories: number): HistogramBin[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const kept = sorted.slice(0, maxCategories);
  const rest = sorted.slice(maxCategories).reduce((sum, [, c]) => sum + c, 0);
  if (rest > 0) kept.push(["other", rest]);
  return kept.map(([label, count]) => ({ label, count, share: count / values.length }));
}

export interface HistogramSize {
  width: number;
  height: number;
  margin: Margins;
}

export const HISTOGRAM_SIZE: HistogramSize = { width: 360, height: 170, margin: { top: 10, right: 10, bottom: 34, left: 44 } };

export interface HistogramLayout extends PlotArea {
  bars: (HistogramBin & { x: number; y: number; w: number; h: number })[];
  yTicks: { at: number; value: number }[];
}

/** Bars of each bin's share, side by side across the plot, on a share axis from 0. */
export function layoutHistogram(bins: readonly HistogramBin[], size: HistogramSize = HISTOGRAM_SIZE): HistogramLayout {
  const { width, height, margin } = size;
  const left = margin.left;
  const right = width - margin.right;
  const top = margin.top;
  const bottom = height - margin.bottom;
  const domain = domainOf([0, ...bins.map((b) => b.share)]);
  const yOf = linear(domain, bottom, top);
  const slot = bins.length > 0 ? (right - left) / bins.length : 0;
  const gap = Math.min(2, slot * 0.15);
  const bars = bins.map((b, i) => {
    const y = yOf(b.share);
    return { ...b, x: round1(left + i * slot + gap / 2), y, w: round1(Math.max(0, slot - gap)), h: round1(Math.max(0, bottom - y)) };
  });
  return { width, height, left, right, top, bottom, bars, yTicks: domain.ticks.filter((t) => t >= 0).map((value) => ({ at: yOf(value), value })) };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
