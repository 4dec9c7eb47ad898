/**
 * A rollout's plan: the weight it starts at, its planned steps, and where `{step: "next"}` takes it. Weights are
 * basis points (0..10000) here; the API speaks percent with two decimals (canary.percentToBasisPoints).
 */
import { BUCKETS } from "./canary";
import { badRequest, conflict } from "./errors";

export type RolloutStatus = "active" | "promoted" | "aborted" | "rolled_back";

export const MAX_STEPS = 20;

/** `weight` or `steps` (not both): a rollout starts at the weight, or at the first planned step. */
export function startingPlan(weightBp: number | undefined, stepsBp: readonly number[] | undefined) {
  if (weightBp !== undefined && stepsBp !== undefined) {
    throw badRequest("give weight or steps, not both: a planned rollout starts at its first step", { field: "steps" });
  }
  if (stepsBp !== undefined) {
    checkSteps(stepsBp);
    return { weightBp: stepsBp[0]!, stepsBp: [...stepsBp] };
  }
  if (weightBp === undefined) throw badRequest("give the starting weight (percent) or the planned steps", { field: "weight" });
  return { weightBp, stepsBp: [] as number[] };
}

/** Steps rise strictly, each above 0% and at most 100%, so "next" always widens. */
export function checkSteps(stepsBp: readonly number[]): void {
  if (stepsBp.length === 0 || stepsBp.length > MAX_STEPS) {
    throw badRequest(`steps lists 1 to ${MAX_STEPS} weights`, { field: "steps" });
  }
  stepsBp.forEach((bp, i) => {
    if (bp <= 0 || bp > BUCKETS) throw badRequest(`steps[${i}] must be above 0 and at most 100`, { field: `steps.${i}` });
    if (i > 0 && bp <= stepsBp[i - 1]!) throw badRequest("steps must rise strictly, e.g. [5, 25, 50, 100]", { field: `steps.${i}` });
  });
}

/** The first planned step above the current weight; a weight set by hand between steps resumes from there. */
export function nextStep(stepsBp: readonly number[], currentBp: number): number {
  if (stepsBp.length === 0) throw conflict("this rollout has no planned steps; PATCH a weight instead", { field: "step" });
  const next = stepsBp.find((bp) => bp > currentBp);
  if (next === undefined) {
    throw conflict("the rollout is at or past its last planned step; promote it, or PATCH a weight", { field: "step" });
  }
  return next;
}

/** How a rollout ended, telling a manual rollback from an automatic one (both leave status rolled_back). */
export type RolloutOutcome = "promoted" | "aborted" | "rolled_back" | "auto_rolled_back";

export function outcomeOf(status: RolloutStatus, closingAction: string | undefined): RolloutOutcome | null {
  if (status === "active") return null;
  if (status === "rolled_back" && closingAction === "auto_rollback") return "auto_rolled_back";
  return status;
}
