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

export interface ChartLayout {
  width: number;
  height: number;
  /** Plot area inside the margins. */
  left: number;
  right: number;
  top: number;
  bottom: number;
  points: PlacedPoint[];
  /** The line through the points in version order, as an SVG path. */
  path: string;
  yTicks: Tick[];
  xTicks: Tick[];
}

export interface ChartSize {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
  /** At most about this many version labels along the x axis. */
  xLabels: number;
}

export const DEFAULT_SIZE: ChartSize = { width: 720, height: 240, margin: { top: 16, right: 24, bottom: 32, left: 56 }, xLabels: 12 };
/** Drawn for phones, where the wide chart's labels would shrink to nothing. */
export const NARROW_SIZE: ChartSize = { width: 360, height: 220, margin: { top: 14, right: 16, bottom: 30, left: 48 }, xLabels: 6 };

/** Round tick values (1, 2 or 5 × 10^k apart) covering [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 4): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return niceTicks(min - pad, max + pad, count);
  }
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let v = first; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
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
  const ticks = niceTicks(Math.min(...values), Math.max(...values));
  const lo = ticks[0] ?? 0;
  const hi = ticks[ticks.length - 1] ?? 1;
  const yOf = (v: number) => (hi === lo ? (top + bottom) / 2 : bottom - ((v - lo) / (hi - lo)) * (bottom - top));
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
