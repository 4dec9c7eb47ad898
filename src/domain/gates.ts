/** What a failed gate means at a door: refuse with every check, or let an admin's forced override through. */
import { badRequest, unprocessable } from "./errors";
import type { Check, GateResult } from "./policy";

/** Facts a gated change records in its audit event and answers with. */
export type GateEvidence = {
  checks: Check[];
  forced: boolean;
  /** names of the checks an admin overrode; empty when none failed */
  failed_checks: string[];
};

export interface Override {
  force?: boolean;
  reason?: string;
}

/**
 * Passing checks go through; failing ones answer 422 listing every check with its value and verdict, unless the
 * caller forces with a reason, in which case the failed checks are kept as evidence. A model whose policy sets
 * forbid_force refuses the override too, with the same list.
 */
export function enforceGate(
  result: GateResult,
  door: string,
  version: number,
  override: Override,
  options: { forbidForce?: boolean } = {},
): GateEvidence {
  const failed = result.checks.filter((c) => !c.passed);
  if (failed.length === 0) return { checks: result.checks, forced: false, failed_checks: [] };
  if (override.force && options.forbidForce) {
    throw unprocessable(
      `version ${version} does not pass the gate to ${door}, and the model's policy forbids force (forbid_force): ` +
        failed.map((c) => c.detail).join("; "),
      { stage: door, checks: result.checks, forbid_force: true },
    );
  }
  if (override.force) {
    if (!override.reason?.trim()) throw badRequest("force overrides the gate only with a reason", { field: "reason" });
    return { checks: result.checks, forced: true, failed_checks: failed.map((c) => c.name) };
  }
  throw unprocessable(`version ${version} does not pass the gate to ${door}: ${failed.map((c) => c.detail).join("; ")}`, {
    stage: door,
    checks: result.checks,
  });
}
