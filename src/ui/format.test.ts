import { describe, expect, it } from "vitest";
import { formatBytes, formatDelta, formatMetric, formatPercent, formatPValue, formatTime, relativeTime } from "./format";

describe("UI formatting", () => {
  it("writes sizes in binary units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(52 * 1024 * 1024)).toBe("52 MiB");
    expect(formatBytes(3 * 1024 ** 3)).toBe("3.0 GiB");
  });

  it("writes metrics with four significant digits", () => {
    expect(formatMetric(0.912345)).toBe("0.9123");
    expect(formatMetric(7.9)).toBe("7.9");
    expect(formatMetric(12345.6)).toBe("12350");
    expect(formatMetric(0)).toBe("0");
    expect(formatMetric(0.00001234)).toBe("1.23e-5");
  });

  it("writes differences with two significant digits", () => {
    expect(formatDelta(0.0400002, true)).toBe("+0.04");
    expect(formatDelta(0.006386)).toBe("0.0064");
    expect(formatDelta(-1.234)).toBe("-1.2");
    expect(formatDelta(0, true)).toBe("0");
  });

  it("writes weights with at most two decimals", () => {
    expect(formatPercent(5)).toBe("5%");
    expect(formatPercent(12.5)).toBe("12.5%");
    expect(formatPercent(0.01)).toBe("0.01%");
  });

  it("writes times in UTC, absolute and relative", () => {
    expect(formatTime("2026-05-01T14:03:59.123Z")).toBe("2026-05-01 14:03 UTC");
    const now = Date.parse("2026-05-01T12:00:00Z");
    expect(relativeTime("2026-05-01T11:59:50Z", now)).toBe("just now");
    expect(relativeTime("2026-05-01T11:55:00Z", now)).toBe("5 min ago");
    expect(relativeTime("2026-05-01T09:00:00Z", now)).toBe("3 h ago");
    expect(relativeTime("2026-04-30T12:00:00Z", now)).toBe("1 day ago");
    expect(relativeTime("2026-01-01T12:00:00Z", now)).toBe("2026-01-01");
  });

  it("writes p-values as people read them", () => {
    expect(formatPValue(0.0000003)).toBe("< 0.001");
    expect(formatPValue(0.04321)).toBe("0.043");
  });
});
