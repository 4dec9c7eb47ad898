import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import { enforceGate } from "./gates";

const pass = { name: "floor:accuracy", passed: true, value: 0.9, threshold: 0.8, detail: "accuracy 0.9 ≥ floor 0.8" };
const fail = { name: "staged_first", passed: false, detail: "version 2 must be in Staging before Production" };

describe("enforceGate", () => {
  it("lets passing checks through unforced", () => {
    expect(enforceGate({ passed: true, checks: [pass] }, "Production", 2, {})).toEqual({ checks: [pass], forced: false, failed_checks: [] });
  });

  it("refuses failing checks with 422 listing every check", () => {
    try {
      enforceGate({ passed: false, checks: [fail, pass] }, "Production", 2, { reason: "why not" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: "UNPROCESSABLE", details: { stage: "Production", checks: [fail, pass] } });
      expect((error as Error).message).toBe("version 2 does not pass the gate to Production: version 2 must be in Staging before Production");
    }
  });

  it("overrides failing checks only when forced with a reason, naming them", () => {
    expect(() => enforceGate({ passed: false, checks: [fail] }, "Production", 2, { force: true, reason: "  " })).toThrow(/reason/);
    expect(enforceGate({ passed: false, checks: [fail, pass] }, "Production", 2, { force: true, reason: "hotfix" })).toEqual({
      checks: [fail, pass],
      forced: true,
      failed_checks: ["staged_first"],
    });
  });
});

describe("enforceGate under forbid_force", () => {
  it("refuses the override with 422 listing every check, whatever the reason", () => {
    try {
      enforceGate({ passed: false, checks: [fail, pass] }, "Production", 2, { force: true, reason: "hotfix" }, { forbidForce: true });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "UNPROCESSABLE", details: { stage: "Production", checks: [fail, pass], forbid_force: true } });
      expect((error as Error).message).toContain("forbids force");
    }
  });

  it("changes nothing for a gate that passes or a caller that does not force", () => {
    expect(enforceGate({ passed: true, checks: [pass] }, "Staging", 2, { force: true, reason: "x" }, { forbidForce: true })).toEqual({
      checks: [pass],
      forced: false,
      failed_checks: [],
    });
    expect(() => enforceGate({ passed: false, checks: [fail] }, "Production", 2, {}, { forbidForce: true })).toThrow(/does not pass the gate/);
  });
});

describe("enforceGate, for any checks and any override", () => {
  const check = fc.record({ name: fc.string({ minLength: 1, maxLength: 12 }), passed: fc.boolean(), detail: fc.string({ maxLength: 20 }) });
  const override = fc.record({ force: fc.option(fc.boolean(), { nil: undefined }), reason: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }) });

  it("lets a move through only when every check passes or an allowed force with a reason overrides the failed ones", () => {
    fc.assert(
      fc.property(fc.array(check, { maxLength: 6 }), override, fc.boolean(), (checks, request, forbidForce) => {
        const failed = checks.filter((c) => !c.passed).map((c) => c.name);
        const overrides = request.force === true && !!request.reason?.trim() && !forbidForce;
        let outcome: unknown;
        try {
          outcome = enforceGate({ passed: failed.length === 0, checks }, "Production", 3, request, { forbidForce });
        } catch (error) {
          expect(failed.length).toBeGreaterThan(0);
          expect(overrides).toBe(false);
          const code = (error as DomainError).code;
          // A forced request without a reason is malformed (400); every other refusal lists all the checks (422).
          if (code === "BAD_REQUEST") expect(request.force && !forbidForce && !request.reason?.trim()).toBe(true);
          else expect(error).toMatchObject({ code: "UNPROCESSABLE", details: { checks } });
          return;
        }
        expect(failed.length === 0 || overrides).toBe(true);
        expect(outcome).toEqual({ checks, forced: failed.length > 0, failed_checks: failed });
      }),
    );
  });
});
