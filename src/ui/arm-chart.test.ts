import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ARM_CHART_SIZE, layoutArmChart, seriesByMetric, thresholdsOf, type ArmSeries } from "./arm-chart";

const anyDouble = fc.double({ noNaN: true, noDefaultInfinity: true });
const point = fc.record({ t: fc.integer({ min: 0, max: 3_600_000 }), value: anyDouble, count: fc.integer({ min: 1, max: 1000 }) });

describe("arm chart geometry", () => {
  it("keeps every point, step and threshold inside the plot for any finite values", () => {
    fc.assert(
      fc.property(
        fc.array(point, { maxLength: 40 }),
        fc.array(point, { maxLength: 40 }),
        fc.array(anyDouble, { maxLength: 2 }),
        (stable, candidate, limits) => {
          const series: ArmSeries[] = [
            { arm: "stable", points: stable },
            { arm: "candidate", points: candidate },
          ];
          const steps = [{ t: 0, weight: 5, action: "start" }, { t: 1_800_000, weight: 50, action: "weight" }];
          const layout = layoutArmChart({ fromMs: 0, toMs: 3_600_000, series, steps, thresholds: limits.map((value) => ({ value, label: "floor" })) });
          for (const s of layout.series) {
            for (const p of s.points) {
              expect(p.x).toBeGreaterThanOrEqual(layout.left);
              expect(p.x).toBeLessThanOrEqual(layout.right);
              expect(p.y).toBeGreaterThanOrEqual(layout.top);
              expect(p.y).toBeLessThanOrEqual(layout.bottom);
            }
            expect(s.path.includes("NaN")).toBe(false);
          }
          expect(layout.series[0]!.points).toHaveLength(stable.length);
          for (const t of layout.thresholds) expect(t.y >= layout.top && t.y <= layout.bottom).toBe(true);
          expect(layout.steps.map((s) => s.x)).toEqual([layout.left, (layout.left + layout.right) / 2]);
        },
      ),
    );
  });

  it("draws empty series and a single point without a path error", () => {
    const empty = layoutArmChart({ fromMs: 0, toMs: 0, series: [{ arm: "stable", points: [] }], steps: [], thresholds: [] });
    expect(empty.series[0]!.path).toBe("");
    expect(empty.yTicks.length).toBeGreaterThan(0);
    const one = layoutArmChart({ fromMs: 0, toMs: 60_000, series: [{ arm: "candidate", points: [{ t: 0, value: 0.9, count: 3 }] }], steps: [], thresholds: [] });
    expect(one.series[0]!.path).toBe(`M${ARM_CHART_SIZE.margin.left} ${one.series[0]!.points[0]!.y}`);
  });

  it("puts a higher mean higher up and the threshold where its value falls", () => {
    const layout = layoutArmChart({
      fromMs: 0,
      toMs: 120_000,
      series: [
        { arm: "stable", points: [{ t: 0, value: 0.9, count: 10 }] },
        { arm: "candidate", points: [{ t: 0, value: 0.8, count: 10 }] },
      ],
      steps: [],
      thresholds: [{ value: 0.85, label: "floor 0.85" }],
    });
    const [stable, candidate] = layout.series;
    expect(stable!.points[0]!.y).toBeLessThan(candidate!.points[0]!.y);
    const line = layout.thresholds[0]!.y;
    expect(line).toBeGreaterThan(stable!.points[0]!.y);
    expect(line).toBeLessThan(candidate!.points[0]!.y);
  });

  it("draws a rule's floor and the stable mean moved by max_drop in the metric's bad direction", () => {
    expect(thresholdsOf({ direction: "higher", floor: 0.8, max_drop: 0.05 }, 0.9).map((t) => t.value)).toEqual([0.8, 0.9 - 0.05]);
    expect(thresholdsOf({ direction: "lower", max_drop: 10 }, 40)).toEqual([{ value: 50, label: "stable mean + max_drop 10" }]);
    expect(thresholdsOf({ direction: "lower", max_drop: 10 }, null)).toEqual([]);
  });
});

describe("arm series", () => {
  it("splits buckets by arm into means per metric, the judged metric first, even before it is observed", () => {
    const series = seriesByMetric(
      [
        { version: 2, metric: "latency_ms", t: 60_000, count: 2, sum: 80 },
        { version: 3, metric: "latency_ms", t: 0, count: 1, sum: 50 },
        { version: 2, metric: "latency_ms", t: 0, count: 2, sum: 60 },
        { version: 9, metric: "latency_ms", t: 0, count: 2, sum: 60 },
      ],
      { stable: 2, candidate: 3 },
      "accuracy",
    );
    expect(series.map((s) => s.metric)).toEqual(["accuracy", "latency_ms"]);
    expect(series[1]!.stable.map((p) => [p.t, p.value])).toEqual([[0, 30], [60_000, 40]]);
    expect(series[1]!.candidate.map((p) => p.value)).toEqual([50]);
    expect(series[1]!.totals).toEqual({ stable: { count: 4, mean: 35 }, candidate: { count: 1, mean: 50 } });
    expect(series[0]!.totals.stable).toEqual({ count: 0, mean: null });
  });
});
