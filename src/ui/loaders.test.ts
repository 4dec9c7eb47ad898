import { describe, expect, it } from "vitest";
import type { RefChangeSummary } from "../registry/overview";
import { rollbackTarget } from "./loaders";

const change = (generation: number, action: RefChangeSummary["action"], from: number | null, to: number | null): RefChangeSummary => ({
  ref: "Production",
  generation,
  action,
  from_version: from,
  to_version: to,
  actor: "admin",
  reason: "",
  rollout: null,
  at: "2026-05-01T00:00:00.000Z",
});

describe("the rollback a ref card offers", () => {
  it("goes back past the newest move not yet undone, as the store does", () => {
    const history = [change(3, "move", 2, 3), change(2, "move", 1, 2), change(1, "move", null, 1)];
    expect(rollbackTarget(history, false)).toBe(2);
    expect(rollbackTarget([change(4, "rollback", 3, 2), ...history], false)).toBe(1);
  });

  it("ignores a rollout's start, which does not move the ref", () => {
    expect(rollbackTarget([change(3, "rollout_start", 2, 2), change(2, "move", 1, 2), change(1, "move", null, 1)], false)).toBe(1);
  });

  it("offers nothing when the ref had no version before, unless the history was cut short", () => {
    const first = [change(1, "move", null, 1)];
    expect(rollbackTarget(first, false)).toBeNull();
    expect(rollbackTarget(first, true)).toBeUndefined();
  });
});
