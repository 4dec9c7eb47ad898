import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evidenceBar, histogram, layoutHistogram } from "./drift-chart";

const anyDouble = fc.double({ noNaN: true, noDefaultInfinity: true });

describe("drift chart geometry", () => {
  it("fills a p-value test's bar past its threshold exactly when p is below it", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-5, max: 1, noNaN: true }), (p) => {
        const bar = evidenceBar({ p_value: p, statistic: 0 }, 0.05);
        expect(bar.scale).toBe("log-p");
        expect(bar.fill > bar.mark).toBe(p < 0.05);
      }),
    );
    expect(evidenceBar({ p_value: 0, statistic: 9 }, 0.05).fill).toBe(1);
  });

  it("fills a distance test's bar to its threshold exactly when the distance reaches it", () => {
    const under = evidenceBar({ p_value: null, statistic: 0.05 }, 0.1);
    expect(under).toEqual({ fill: 0.25, mark: 0.5, scale: "distance" });
    const over = evidenceBar({ p_value: null, statistic: 0.4 }, 0.1);
    expect(over.fill).toBe(1);
    expect(over.mark).toBe(0.25);
  });

  it("stays within [0, 1] for any statistic and threshold", () => {
    fc.assert(
      fc.property(fc.option(anyDouble), anyDouble, anyDouble, (p, statistic, threshold) => {
        const bar = evidenceBar({ p_value: p, statistic }, threshold);
        for (const x of [bar.fill, bar.mark]) expect(x >= 0 && x <= 1).toBe(true);
      }),
    );
  });

  it("counts every finite value into exactly one bin, for any values", () => {
    fc.assert(
      fc.property(fc.array(anyDouble, { maxLength: 60 }), fc.integer({ min: 1, max: 30 }), (values, bins) => {
        const h = histogram(values, bins);
        expect(h.reduce((s, b) => s + b.count, 0)).toBe(values.length);
        if (values.length > 0) expect(h.reduce((s, b) => s + b.share, 0)).toBeCloseTo(1, 9);
        const layout = layoutHistogram(h);
        for (const bar of layout.bars) {
          expect(bar.y >= layout.top && bar.y + bar.h <= layout.bottom + 0.11).toBe(true);
          expect(bar.x >= layout.left && bar.x + bar.w <= layout.right + 0.11).toBe(true);
        }
      }),
    );
  });

  it("puts one value in one bin and names categories by frequency, the rest as other", () => {
    expect(histogram([4, 4, 4])).toEqual([{ label: "4", from: 4, to: 4, count: 3, share: 1 }]);
    expect(histogram([])).toEqual([]);
    const categories = histogram(["b", "a", "b", "c", "d"], 20, 2);
    expect(categories.map((c) => [c.label, c.count])).toEqual([["b", 2], ["a", 1], ["other", 2]]);
  });
});
