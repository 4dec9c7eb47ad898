import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketWidthMs } from "./buckets";
import { OBSERVATION_WINDOW_MS } from "./observations";

describe("chart buckets", () => {
  it("are whole observation windows, never more of them than asked", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 2 ** 36 }), fc.integer({ min: 1, max: 500 }), (from, span, max) => {
        const width = bucketWidthMs(from, from + span, max);
        expect(width % OBSERVATION_WINDOW_MS).toBe(0);
        expect(width).toBeGreaterThan(0);
        expect(Math.ceil(Math.max(OBSERVATION_WINDOW_MS, span) / width)).toBeLessThanOrEqual(max);
      }),
    );
  });

  it("use one window per bucket for a short rollout", () => {
    expect(bucketWidthMs(0, 30 * 60_000, 60)).toBe(60_000);
    expect(bucketWidthMs(0, 7 * 24 * 3_600_000, 84)).toBe(2 * 3_600_000);
  });
});
