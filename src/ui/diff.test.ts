import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffRows, flatten } from "./diff";

describe("audit details as a diff", () => {
  it("names each changed field by path and leaves equal ones out", () => {
    const rows = diffRows(
      { rollout_id: "r1", status: "active", weight: 50 },
      { rollout_id: "r1", status: "aborted", evidence: { current: { mean: 0.8, count: 120 } } },
    );
    expect(rows).toEqual([
      { path: "status", kind: "changed", before: "active", after: "aborted" },
      { path: "weight", kind: "before", before: "50" },
      { path: "evidence.current.mean", kind: "after", after: "0.8" },
      { path: "evidence.current.count", kind: "after", after: "120" },
    ]);
  });

  it("shows a created thing's fields as after-only, and plain values at the empty path", () => {
    expect(diffRows(null, { name: "ci", role: "publisher" }).map((r) => [r.path, r.kind, r.after])).toEqual([
      ["name", "after", "ci"],
      ["role", "after", "publisher"],
    ]);
    expect(diffRows(3, 4)).toEqual([{ path: "", kind: "changed", before: "3", after: "4" }]);
    expect(diffRows(null, null)).toEqual([]);
  });

  it("finds no difference between a value and itself, whatever JSON it is", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(diffRows(value, structuredClone(value))).toEqual([]);
        for (const text of flatten(value).values()) expect(text.length).toBeLessThanOrEqual(160);
      }),
    );
  });
});
