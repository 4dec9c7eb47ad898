import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareSections, semverVerdict, type Comparable } from "./compare";

const version = (number: number, semverText: string, patch: Partial<Comparable> = {}): Comparable => ({
  number,
  semver: semverText,
  metrics: {},
  params: {},
  dataset: null,
  signature: null,
  run_id: null,
  git_commit: null,
  ...patch,
});

describe("version comparison", () => {
  it("flags the metric that differs, with its difference from the first version, and not the one that agrees", () => {
    const [metrics] = compareSections([
      version(1, "1.0.0", { metrics: { accuracy: 0.9, latency_ms: 40 } }),
      version(2, "1.1.0", { metrics: { accuracy: 0.9, latency_ms: 76 } }),
    ]);
    const latency = metrics!.rows.find((r) => r.label === "latency_ms")!;
    expect(latency).toMatchObject({ differs: true, cells: ["40", "76"], deltas: [0, 36] });
    expect(metrics!.rows.find((r) => r.label === "accuracy")!.differs).toBe(false);
  });

  it("gives a field one version lacks its row, empty for that version", () => {
    const sections = compareSections([version(1, "1.0.0", { params: { depth: 8 } }), version(2, "1.0.1")]);
    expect(sections[1]!.rows).toEqual([{ label: "depth", cells: ["8", null], differs: true }]);
  });

  it("never flags versions identical in everything", () => {
    const record = fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.double({ noNaN: true }), { maxKeys: 5 });
    fc.assert(
      fc.property(record, fc.integer({ min: 1, max: 5 }), (metrics, n) => {
        const versions = Array.from({ length: n }, (_, i) => version(i + 1, `1.0.${i}`, { metrics }));
        for (const section of compareSections(versions)) for (const row of section.rows) expect(row.differs).toBe(false);
      }),
    );
  });

  it("judges the semver rule between two versions in either order", () => {
    const before = { inputs: [{ name: "x", type: "double" }], outputs: [{ name: "y", type: "double" }] };
    const removed = { inputs: [], outputs: [{ name: "y", type: "double" }] };
    const bad = semverVerdict(version(3, "1.1.0", { signature: removed }), version(1, "1.0.0", { signature: before }))!;
    expect(bad.from.number).toBe(1);
    expect(bad.required).toBe("major");
    expect(bad.problem).toContain("requires a major bump");
    const good = semverVerdict(version(1, "1.0.0", { signature: before }), version(4, "2.0.0", { signature: removed }))!;
    expect(good.problem).toBeNull();
    expect(semverVerdict(version(1, "1.0.0"), version(1, "1.0.0"))).toBeNull();
  });
});
