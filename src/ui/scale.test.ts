import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { domainOf, linear, timeTicks } from "./scale";

const anyDouble = fc.double({ noNaN: true, noDefaultInfinity: true });

describe("chart scales", () => {
  it("cover any finite values, with finite ticks inside the domain", () => {
    fc.assert(
      fc.property(fc.array(anyDouble, { maxLength: 30 }), (values) => {
        const d = domainOf(values);
        expect(Number.isFinite(d.lo) && Number.isFinite(d.hi)).toBe(true);
        expect(d.lo).toBeLessThanOrEqual(d.hi);
        for (const v of values) expect(v >= d.lo && v <= d.hi).toBe(true);
        expect(d.ticks.length).toBeGreaterThan(0);
        expect(d.ticks.length).toBeLessThan(20);
        for (const t of d.ticks) expect(Number.isFinite(t)).toBe(true);
      }),
    );
  });

  it("picks round ticks for ordinary values, and a default axis for none", () => {
    expect(domainOf([0.81, 0.93]).ticks).toEqual([0.8, 0.85, 0.9, 0.95]);
    expect(domainOf([])).toEqual({ lo: 0, hi: 1, ticks: [0, 0.5, 1] });
    expect(domainOf([Number.NaN, Number.POSITIVE_INFINITY])).toEqual({ lo: 0, hi: 1, ticks: [0, 0.5, 1] });
    const flat = domainOf([7]);
    expect(flat.lo).toBeLessThan(7);
    expect(flat.hi).toBeGreaterThan(7);
  });

  it("maps into the pixel range, including across the whole double range", () => {
    fc.assert(
      fc.property(fc.array(anyDouble, { minLength: 1, maxLength: 10 }), (values) => {
        const d = domainOf(values);
        const y = linear(d, 200, 10);
        for (const v of values) {
          const at = y(v);
          expect(at).toBeGreaterThanOrEqual(10);
          expect(at).toBeLessThanOrEqual(200);
        }
      }),
    );
    const x = linear({ lo: -Number.MAX_VALUE, hi: Number.MAX_VALUE }, 0, 100);
    expect(x(0)).toBe(50);
    expect(linear({ lo: 3, hi: 3 }, 0, 100)(3)).toBe(50);
  });

  it("spaces time labels evenly from start to end", () => {
    expect(timeTicks(0, 100, 4)).toEqual([0, 25, 50, 75, 100]);
    expect(timeTicks(5, 5, 4)).toEqual([5]);
  });
});
