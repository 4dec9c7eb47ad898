import { describe, expect, it } from "vitest";
import { DEFAULT_SIZE, layoutChart, niceTicks } from "./chart";

describe("metric chart geometry", () => {
  it("picks round ticks that cover the values", () => {
    expect(niceTicks(0.81, 0.93)).toEqual([0.8, 0.85, 0.9, 0.95]);
    expect(niceTicks(3, 97)).toEqual([0, 50, 100]);
    expect(niceTicks(-3, 4)).toEqual([-4, -2, 0, 2, 4]);
  });

  it("widens a flat series so its single value sits inside the axis", () => {
    const ticks = niceTicks(7, 7);
    expect(ticks[0]).toBeLessThan(7);
    expect(ticks[ticks.length - 1]).toBeGreaterThan(7);
  });

  it("places points in version order, higher values higher up, inside the plot area", () => {
    const layout = layoutChart([
      { version: 3, value: 0.9 },
      { version: 1, value: 0.8 },
      { version: 2, value: 0.85 },
    ]);
    expect(layout.points.map((p) => p.version)).toEqual([1, 2, 3]);
    const [a, b, c] = layout.points;
    expect(a!.x).toBe(DEFAULT_SIZE.margin.left);
    expect(c!.x).toBe(DEFAULT_SIZE.width - DEFAULT_SIZE.margin.right);
    expect(a!.y).toBeGreaterThan(b!.y);
    expect(b!.y).toBeGreaterThan(c!.y);
    for (const p of layout.points) {
      expect(p.y).toBeGreaterThanOrEqual(layout.top);
      expect(p.y).toBeLessThanOrEqual(layout.bottom);
    }
    expect(layout.path).toBe(`M${a!.x} ${a!.y} L${b!.x} ${b!.y} L${c!.x} ${c!.y}`);
  });

  it("centres a single version and labels at most about a dozen versions", () => {
    const one = layoutChart([{ version: 4, value: 1 }]);
    expect(one.points[0]!.x).toBe((one.left + one.right) / 2);
    const many = layoutChart(Array.from({ length: 50 }, (_, i) => ({ version: i + 1, value: i })));
    expect(many.xTicks.length).toBeLessThanOrEqual(13);
    expect(many.xTicks[many.xTicks.length - 1]!.value).toBe(50);
  });

  it("skips values that are not finite", () => {
    expect(layoutChart([{ version: 1, value: Number.NaN }, { version: 2, value: 1 }]).points).toHaveLength(1);
  });
});
