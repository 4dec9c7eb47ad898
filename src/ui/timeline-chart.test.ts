import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { holdingsOf, layoutTimeline } from "./timeline-chart";

const at = (minute: number) => new Date(Date.UTC(2026, 10, 30, 12, minute)).toISOString();
const ms = (minute: number) => Date.parse(at(minute));

describe("timeline geometry", () => {
  it("turns a ref's changes into the stretches each version held it, a same-version change continuing one", () => {
    const holdings = holdingsOf([
      { ref: "Production", at: at(0), to_version: 1 },
      { ref: "Staging", at: at(1), to_version: 2 },
      { ref: "Production", at: at(5), to_version: 2 },
      { ref: "Production", at: at(7), to_version: 2 },
      { ref: "Production", at: at(9), to_version: null },
    ]);
    expect(holdings).toEqual([
      { ref: "Production", version: 1, fromMs: ms(0), untilMs: ms(5) },
      { ref: "Production", version: 2, fromMs: ms(5), untilMs: ms(9) },
      { ref: "Staging", version: 2, fromMs: ms(1), untilMs: null },
    ]);
  });

  it("never overlaps two stretches of one ref, whatever order the changes come in", () => {
    const change = fc.record({ ref: fc.constantFrom("Production", "Staging"), minute: fc.integer({ min: 0, max: 59 }), to: fc.option(fc.integer({ min: 1, max: 4 })) });
    fc.assert(
      fc.property(fc.array(change, { maxLength: 30 }), (changes) => {
        const holdings = holdingsOf(changes.map((c) => ({ ref: c.ref, at: at(c.minute), to_version: c.to })));
        for (const ref of ["Production", "Staging"]) {
          const mine = holdings.filter((h) => h.ref === ref);
          for (let i = 1; i < mine.length; i++) expect(mine[i]!.fromMs).toBeGreaterThanOrEqual(mine[i - 1]!.untilMs!);
        }
        const layout = layoutTimeline({ refs: ["Production", "Staging"], holdings, rollouts: [], fromMs: ms(0), nowMs: ms(60) });
        for (const bar of layout.bars) {
          expect(bar.x).toBeGreaterThanOrEqual(layout.left);
          expect(bar.x + bar.w).toBeLessThanOrEqual(layout.right + 1);
        }
      }),
    );
  });

  it("draws a rollout as a band over its lane from start to end, and open stretches up to now", () => {
    const layout = layoutTimeline({
      refs: ["Production", "Staging"],
      holdings: [{ ref: "Production", version: 1, fromMs: ms(0), untilMs: null }],
      rollouts: [{ id: "r", ref: "Production", stable: 1, candidate: 2, status: "aborted", fromMs: ms(30), untilMs: ms(45) }],
      fromMs: ms(0),
      nowMs: ms(60),
    });
    expect(layout.bars[0]!.x + layout.bars[0]!.w).toBe(layout.right);
    const band = layout.bands[0]!;
    expect(band.x).toBe((layout.left + layout.right) / 2);
    expect(band.y).toBeLessThan(layout.bars[0]!.y);
    expect(layout.lanes.map((l) => l.ref)).toEqual(["Production", "Staging"]);
    const empty = layoutTimeline({ refs: [], holdings: [], rollouts: [], fromMs: 0, nowMs: 0 });
    expect(empty.bars).toEqual([]);
  });
});
