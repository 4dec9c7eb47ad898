/**
 * Geometry of the metric chart (a metric across version numbers), drawn as inline SVG with presentation attributes
 * only, so it needs neither scripts nor inline styles under the UI's Content-Security-Policy. Pure and unit-tested.
 */

export interface ChartPoint {
  version: number;
  value: number;
}

export interface PlacedPoint extends ChartPoint {
  x: number;
  y: number;
}

export interface Tick {
  /** Pixel position along the axis. */
  at: number;
  value: number;
}

/** Space around a chart's plot area, for axis labels. */
export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** A chart's size, and its plot area inside the margins: what every chart layout starts with. */
export interface PlotArea {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface ChartLayout extends PlotArea {
  points: PlacedPoint[];
  /** The line through the points in version order, as an SVG path. */
  path: string;
  yTicks: Tick[];
  xTicks: Tick[];
}

export interface ChartSize {
  width: number;
  height: number;
  margin: Margins;
  /** At most about this many version labels along the x axis. */
  xLabels: number;
}

export const DEFAULT_SIZE: ChartSize = { width: 720, height: 240, margin: { top: 16, right: 24, bottom: 32, left: 56 }, xLabels: 12 };
/** Drawn for phones, where the wide chart's labels would shrink to nothing. */
export const NARROW_SIZE: ChartSize = { width: 360, height: 220, margin: { top: 14, right: 16, bottom: 30, left: 48 }, xLabels: 6 };

/** The most ticks `niceTicks` returns for a given `count`: the loop below never runs longer than this. */
export const maxTicks = (count: number) => 2 * wantedTicks(count) + 3;
const wantedTicks = (count: number) => (Number.isFinite(count) ? Math.max(1, Math.min(Math.round(count), 20)) : 4);

/** Below this magnitude every series is drawn on the unit axis (near-subnormal arithmetic is inexact). */
const TINY = 1e-290;

/** Relative span below which two values are drawn as one flat series (12 significant digits are shown). */
const FLAT_SPAN = 1e-9;

/**
 * Round tick values (1, 2 or 5 × 10^k apart) covering [min, max], about `count` of them. Bounded for every pair of
 * finite doubles: spans of a few ULPs are widened like a flat series (a step that small would never advance the
 * loop), and spans near ±MAX_VALUE are computed in halves so they never overflow to Infinity.
 */
export function niceTicks(min: number, max: number, count = 4): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min > max) [min, max] = [max, min];
  const wanted = wantedTicks(count);
  const magnitude = Math.max(Math.abs(min), Math.abs(max));
  if (magnitude < TINY || max / 2 - min / 2 <= (magnitude / 2) * FLAT_SPAN) {
    // Tiny magnitudes (subnormals included) get the unit axis: steps that small lose precision and may not cover.
    const pad = magnitude >= TINY ? magnitude * 0.1 : 1;
    const centre = min / 2 + max / 2;
    min = Math.max(centre - pad, -Number.MAX_VALUE);
    max = Math.min(centre + pad, Number.MAX_VALUE);
  }
  const raw = max / wanted - min / wanted;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const first = Math.floor(min / step) * step;
  // Ticks are rounded to 12 significant digits: a tick within that of a value covers it, whatever the step.
  const eps = Math.max(Math.abs(min), Math.abs(max)) * 1e-12;
  const ticks: number[] = [];
  for (let i = 0; i < maxTicks(count); i++) {
    const v = Number((first + i * step).toPrecision(12));
    if (!Number.isFinite(v)) break;
    if (ticks.length === 0 || v > ticks[ticks.length - 1]!) ticks.push(v);
    if (v >= max - eps) break;
  }
  const last = ticks[ticks.length - 1];
  // At the ends of the double range a round tick beyond the values overflows: the values' own bounds stand in.
  if (ticks.length < 2 || last === undefined || last < max - eps || ticks[0]! > min + eps) return [min, max];
  return ticks;
}

/** Places points (any order; drawn in version order) on a linear scale whose y range is the nice ticks' span. */
export function layoutChart(input: readonly ChartPoint[], size: ChartSize = DEFAULT_SIZE): ChartLayout {
  const { width, height, margin } = size;
  const left = margin.left;
  const right = width - margin.right;
  const top = margin.top;
  const bottom = height - margin.bottom;
  const points = [...input].filter((p) => Number.isFinite(p.value)).sort((a, b) => a.version - b.version);
  const values = points.map((p) => p.value);
  const ticks = niceTicks(values.reduce((a, b) => Math.min(a, b), Infinity), values.reduce((a, b) => Math.max(a, b), -Infinity));
  const lo = ticks[0] ?? 0;
  const hi = ticks[ticks.length - 1] ?? 1;
  // Halved so a span across ±1e308 does not overflow to Infinity.
  const yOf = (v: number) => (hi === lo ? (top + bottom) / 2 : bottom - ((v / 2 - lo / 2) / (hi / 2 - lo / 2)) * (bottom - top));
  // Versions are spread evenly by rank: numbers skipped by the metric (or by paging) leave no gaps.
  const xOf = (i: number) => (points.length === 1 ? (left + right) / 2 : left + (i / (points.length - 1)) * (right - left));
  const placed = points.map((p, i) => ({ ...p, x: round(xOf(i)), y: round(yOf(p.value)) }));
  const path = placed.map((p, i) => `${i === 0 ? "M" : "L"}${p.x} ${p.y}`).join(" ");
  const labelEvery = Math.max(1, Math.ceil(placed.length / size.xLabels));
  return {
    width,
    height,
    left,
    right,
    top,
    bottom,
    points: placed,
    path,
    yTicks: ticks.map((value) => ({ at: round(yOf(value)), value })),
    xTicks: placed
      // Every k-th version is labelled, and always the newest; a label crowding the newest one is dropped.
      .filter((_, i) => i === placed.length - 1 || (i % labelEvery === 0 && placed.length - 1 - i >= labelEvery / 2))
      .map((p) => ({ at: p.x, value: p.version })),
  };
}

const round = (n: number) => Math.round(n * 10) / 10;
