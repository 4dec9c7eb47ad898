import { describe, expect, it } from "vitest";
import { DEFAULT_MUTATIONS_PER_MINUTE, mutationsPerMinute, retryAfterSeconds, windowStartAt } from "./rate-limit";

describe("fixed rate windows", () => {
  const minute = Date.UTC(2026, 4, 1, 12, 30);

  it("puts every moment of a minute in the window that opened at its start", () => {
    expect(windowStartAt(minute)).toBe(minute);
    expect(windowStartAt(minute + 59_999)).toBe(minute);
    expect(windowStartAt(minute + 60_000)).toBe(minute + 60_000);
  });

  it("asks a refused client to wait until the window ends, rounded up, at least a second", () => {
    expect(retryAfterSeconds(minute)).toBe(60);
    expect(retryAfterSeconds(minute + 500)).toBe(60);
    expect(retryAfterSeconds(minute + 45_000)).toBe(15);
    expect(retryAfterSeconds(minute + 59_999)).toBe(1);
  });

  it("reads the configured limit, 0 turning it off, and falls back on anything that is not a whole number", () => {
    expect(mutationsPerMinute("120")).toBe(120);
    expect(mutationsPerMinute("0")).toBe(0);
    for (const raw of [undefined, "", " ", "-1", "1.5", "lots"]) expect(mutationsPerMinute(raw)).toBe(DEFAULT_MUTATIONS_PER_MINUTE);
  });
});
