import { describe, expect, it } from "vitest";
import { aggregateReports, lookBackStart, statsOf, windowStartOf } from "./observations";

const T = Date.parse("2030-05-01T12:34:56.789Z");

describe("observation windows", () => {
  it("puts an instant into its minute", () => {
    expect(new Date(windowStartOf(T)).toISOString()).toBe("2030-05-01T12:34:00.000Z");
  });

  it("looks back whole windows, never before the given start", () => {
    expect(new Date(lookBackStart(T, 600)).toISOString()).toBe("2030-05-01T12:24:00.000Z");
    expect(new Date(lookBackStart(T, 600, Date.parse("2030-05-01T12:30:10Z"))).toISOString()).toBe("2030-05-01T12:30:00.000Z");
    expect(new Date(lookBackStart(T, 600, Date.parse("2030-05-01T11:00:00Z"))).toISOString()).toBe("2030-05-01T12:24:00.000Z");
  });
});

describe("aggregateReports", () => {
  it("sums per version and metric, each value counted `count` times", () => {
    const out = [
      ...aggregateReports([
        { versionId: "a", metrics: { correct: 1, latency: 40 }, count: 3 },
        { versionId: "a", metrics: { correct: 0 }, count: 1 },
        { versionId: "b", metrics: { correct: 1 }, count: 2 },
      ]).values(),
    ];
    expect(out).toEqual([
      { versionId: "a", metric: "correct", count: 4, sum: 3, sumSquares: 3 },
      { versionId: "a", metric: "latency", count: 3, sum: 120, sumSquares: 4800 },
      { versionId: "b", metric: "correct", count: 2, sum: 2, sumSquares: 2 },
    ]);
  });

  it("refuses counts that are not positive integers and values that are not finite", () => {
    expect(() => aggregateReports([{ versionId: "a", metrics: { x: 1 }, count: 0 }])).toThrow(/count/);
    expect(() => aggregateReports([{ versionId: "a", metrics: { x: Infinity }, count: 1 }])).toThrow(/finite/);
  });

  it("gives no stats for an empty window", () => {
    expect(statsOf({ count: 0, sum: 0, sumSquares: 0 })).toBeNull();
    expect(statsOf({ count: 4, sum: 3, sumSquares: 3 })).toEqual({ count: 4, mean: 0.75 });
  });
});
