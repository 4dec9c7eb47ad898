import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, parseBytes } from "./units";

describe("sizes and durations", () => {
  it("reads sizes as people write them", () => {
    expect(parseBytes("5MiB")).toBe(5 * 1024 * 1024);
    expect(parseBytes("64 mib")).toBe(64 * 1024 * 1024);
    expect(parseBytes("100MB")).toBe(100_000_000);
    expect(parseBytes("1.5GiB")).toBe(1.5 * 1024 ** 3);
    expect(parseBytes("1048576")).toBe(1048576);
    for (const bad of ["", "MiB", "5 parsecs", "-1MiB"]) expect(parseBytes(bad)).toBeNull();
  });

  it("prints sizes and durations briefly", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(17.4)).toBe("17 B");
    expect(formatBytes(5 * 1024 * 1024)).toBe("5.00 MiB");
    expect(formatBytes(1024 ** 3)).toBe("1.00 GiB");
    expect(formatDuration(59.4)).toBe("59s");
    expect(formatDuration(125)).toBe("2m05s");
    expect(formatDuration(3 * 3600 + 60)).toBe("3h01m");
    expect(formatDuration(Infinity)).toBe("?");
  });
});
