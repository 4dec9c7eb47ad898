/**
 * Geometry of a model's timeline: one lane per stage, a bar for each stretch a version held it (from the ref's
 * history), and rollouts as bands across their lane from start to end. Pure: the page draws what this places.
 */
import type { Margins } from "./chart";
import { linear, timeTicks } from "./scale";

export interface RefChange {
  ref: string;
  at: string;
  /** The version the ref pointed to after the change; null when it was removed. */
  to_version: number | null;
}

export interface Holding {
  ref: string;
  version: number;
  fromMs: number;
  /** Null while the version still holds the ref. */
  untilMs: number | null;
}

/** The stretches each version held each ref, oldest first, from that ref's changes in any order. */
export function holdingsOf(changes: readonly RefChange[]): Holding[] {
  const byRef = new Map<string, { ms: number; version: number | null; i: number }[]>();
  changes.forEach((c, i) => {
    const ms = Date.parse(c.at);
    if (!Number.isFinite(ms)) return;
    byRef.set(c.ref, [...(byRef.get(c.ref) ?? []), { ms, version: c.to_version, i }]);
  });
  const holdings: Holding[] = [];
  for (const [ref, list] of byRef) {
    // Changes at the same instant keep their given order (the history's generation order).
    list.sort((a, b) => a.ms - b.ms || a.i - b.i);
    list.forEach((c, k) => {
      if (c.version === null) return;
      const next = list[k + 1];
      // A change that keeps the same version (a rollout's start) continues the stretch.
      const previous = holdings[holdings.length - 1];
      if (previous && previous.ref === ref && previous.version === c.version && previous.untilMs === c.ms) {
        previous.untilMs = next ? next.ms : null;
        return;
      }
      holdings.push({ ref, version: c.version, fromMs: c.ms, untilMs: next ? next.ms : null });
    });
  }
  return holdings;
}

export interface RolloutSpan {
  id: string;
  ref: string;
  stable: number;
  candidate: number;
  status: string;
  fromMs: number;
  untilMs: number | null;
}

export interface TimelineSize {
  width: number;
  laneHeight: number;
  margin: Margins;
  timeLabels: number;
}

export const TIMELINE_SIZE: TimelineSize = { width: 900, laneHeight: 54, margin: { top: 12, right: 20, bottom: 30, left: 96 }, timeLabels: 5 };

export interface TimelineLayout {
  width: number;
  height: number;
  left: number;
  right: number;
  lanes: { ref: string; y: number; h: number }[];
  bars: (Holding & { x: number; w: number; y: number; h: number })[];
  bands: (RolloutSpan & { x: number; w: number; y: number; h: number })[];
  xTicks: { at: number; t: number }[];
}

/** Lanes in the given order; stretches still open run to `nowMs`. Nothing outside [fromMs, nowMs] is drawn. */
export function layoutTimeline(
  input: { refs: string[]; holdings: Holding[]; rollouts: RolloutSpan[]; fromMs: number; nowMs: number },
  size: TimelineSize = TIMELINE_SIZE,
): TimelineLayout {
  const { width, laneHeight, margin } = size;
  const left = margin.left;
  const right = width - margin.right;
  const fromMs = Number.isFinite(input.fromMs) ? input.fromMs : 0;
  const nowMs = Number.isFinite(input.nowMs) && input.nowMs > fromMs ? input.nowMs : fromMs + 60_000;
  const xOf = linear({ lo: fromMs, hi: nowMs }, left, right);
  const lanes = input.refs.map((ref, i) => ({ ref, y: margin.top + i * laneHeight, h: laneHeight }));
  const laneOf = (ref: string) => lanes.find((l) => l.ref === ref);
  const span = (fromMsOf: number, untilMs: number | null) => {
    const x = xOf(fromMsOf);
    return { x, w: Math.max(1, xOf(untilMs ?? nowMs) - x) };
  };
  const visible = (from: number, until: number | null) => (until ?? nowMs) >= fromMs && from <= nowMs;
  return {
    width,
    height: margin.top + lanes.length * laneHeight + margin.bottom,
    left,
    right,
    lanes,
    bars: input.holdings.flatMap((h) => {
      const lane = laneOf(h.ref);
      if (!lane || !visible(h.fromMs, h.untilMs)) return [];
      return [{ ...h, ...span(h.fromMs, h.untilMs), y: lane.y + 18, h: lane.h - 26 }];
    }),
    bands: input.rollouts.flatMap((r) => {
      const lane = laneOf(r.ref);
      if (!lane || !visible(r.fromMs, r.untilMs)) return [];
      return [{ ...r, ...span(r.fromMs, r.untilMs), y: lane.y + 2, h: lane.h - 4 }];
    }),
    xTicks: timeTicks(fromMs, nowMs, size.timeLabels).map((t) => ({ at: xOf(t), t })),
  };
}
