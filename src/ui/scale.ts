/**
 * Linear scales for the UI's SVG charts. Axis values go through niceTicks (src/ui/chart.ts) only when the span is
 * one floating point can step through; a span too large, too small or degenerate gets its two ends as ticks, so any
 * finite input draws. Pure and unit-tested.
 */
import { niceTicks } from "./chart";

export interface Domain {
  lo: number;
  hi: number;
  /** Round values inside [lo, hi] worth a grid line and a label. */
  ticks: number[];
}

/** Relative spans below this are noise at double precision: the tick loop could not advance. */
const MIN_RELATIVE_SPAN = 1e-9;
/** Beyond this magnitude, padding or rounding a domain could overflow to Infinity. */
const MAX_MAGNITUDE = 1e300;
const MIN_MAGNITUDE = 1e-290;

/** A domain covering every finite value given (NaN and ±Infinity are skipped); [0, 1] when there is none. */
export function domainOf(values: readonly number[]): Domain {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { lo: 0, hi: 1, ticks: [0, 0.5, 1] };
  let min = finite[0]!;
  let max = finite[0]!;
  for (const v of finite) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const magnitude = Math.max(Math.abs(min), Math.abs(max));
  if (magnitude === 0) return fromTicks(niceTicks(0, 0), 0, 0);
  // Near the ends of the double range, padding could overflow and a step could underflow: draw the ends as they are.
  if (magnitude > MAX_MAGNITUDE || magnitude < MIN_MAGNITUDE) return { lo: min, hi: max, ticks: min === max ? [min] : [min, max] };
  if (min !== max && max - min <= magnitude * MIN_RELATIVE_SPAN) return { lo: min, hi: max, ticks: [min, max] };
  return fromTicks(niceTicks(min, max), min, max);
}

function fromTicks(ticks: number[], min: number, max: number): Domain {
  if (ticks.length < 2 || !ticks.every(Number.isFinite)) return { lo: min, hi: max, ticks: min === max ? [min] : [min, max] };
  return { lo: Math.min(ticks[0]!, min), hi: Math.max(ticks[ticks.length - 1]!, max), ticks };
}

/** Maps [domain.lo, domain.hi] onto [from, to] (to may be smaller, as the y axis runs upwards); the middle when flat. */
export function linear(domain: { lo: number; hi: number }, from: number, to: number): (value: number) => number {
  const { lo, hi } = domain;
  // Halves keep the span finite across the whole double range (-MAX_VALUE to MAX_VALUE).
  const half = hi / 2 - lo / 2;
  if (!(half > 0)) return () => round((from + to) / 2);
  return (value) => round(from + ((Math.min(hi, Math.max(lo, value)) / 2 - lo / 2) / half) * (to - from));
}

/** Pixel positions to one decimal: short SVG, no visible difference. */
export const round = (n: number) => Math.round(n * 10) / 10;

/** `count` evenly spaced instants from `fromMs` to `toMs` inclusive, for a time axis's labels. */
export function timeTicks(fromMs: number, toMs: number, count: number): number[] {
  if (!(toMs > fromMs)) return [fromMs];
  const n = Math.max(1, Math.floor(count));
  return Array.from({ length: n + 1 }, (_, i) => Math.round(fromMs + ((toMs - fromMs) * i) / n));
}
