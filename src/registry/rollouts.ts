/**
 * Canary rollouts on a ref: the commands that start, widen, promote and abort one, and the reads the doors present.
 * Every command is the admin's; it authorizes the caller for the model, runs the gate on the way in, lets the store
 * write the change with its audit event in one batch, and emits the webhook event once that batch committed.
 * Weights are percent with at most two decimals, as every door speaks them.
 */
import { authorize } from "../auth/principal";
import { percentToBasisPoints } from "../domain/canary";
import type { AutoRollbackRule } from "../domain/policy";
import { outcomeOf, startingPlan, type RolloutOutcome, type RolloutStatus } from "../domain/rollout";
import type { VersionKey } from "../domain/versions";
import { requireModel } from "../store/models";
import type { Page, Paged } from "../store/pagination";
import * as store from "../store/rollouts";
import { analyseRollouts, type ABComparison, type ArmDifferences } from "./ab";
import type { CommandContext } from "./context";
import { rolloutEvent } from "./events";
import { gateRolloutStart } from "./gates";

export type { RolloutEventView, RolloutView } from "../store/rollouts";
export type { ABComparison, ArmDifferences } from "./ab";
/** Reads by model row, for doors that already hold the model (the UI's model page). */
export { getRollout, listRollouts } from "../store/rollouts";
export { abComparison } from "./ab";

export interface StartRolloutInput {
  candidate: VersionKey;
  /** Starting weight in percent; give this or steps. */
  weight?: number;
  /** Planned weights in percent, rising; the rollout starts at the first. */
  steps?: number[];
  reason?: string;
  /** Start despite a failing promotion gate (needs a reason; audited with the checks it overrode). */
  force?: boolean;
  /** The rollout's own auto-rollback rule; without one the model policy's applies. */
  policy?: AutoRollbackRule;
}

/** Starts a canary of `candidate` on a canonical ref; its current version becomes the stable arm. */
export async function startRollout(ctx: CommandContext, modelName: string, ref: string, input: StartRolloutInput): Promise<store.RolloutView> {
  authorize(ctx.principal, "admin", modelName);
  const weightBp = input.weight === undefined ? undefined : percentToBasisPoints(input.weight);
  const stepsBp = input.steps?.map(percentToBasisPoints);
  startingPlan(weightBp, stepsBp); // malformed input answers 400 before the gate's 422
  const model = await requireModel(ctx.db, modelName);
  await store.requireCandidate(ctx.db, model, input.candidate); // a PENDING candidate is a 409, not a failed gate
  const gate = await gateRolloutStart(ctx.db, model, ref, input.candidate, { force: input.force, reason: input.reason });
  const started = await store.startRollout(ctx, model, ref, {
    candidate: input.candidate,
    weightBp,
    stepsBp,
    reason: input.reason ?? "",
    policy: input.policy,
    evidence: gate,
  });
  ctx.emit(rolloutEvent("rollout.started", model.name, started));
  return started;
}

/** A weight in percent, or the first planned step above the current weight. */
export type WeightChange = { weight: number } | { step: "next" };

export interface ChangeWeightResult {
  rollout: store.RolloutView;
  /** false when the rollout already had that weight: nothing was written, audited or announced */
  changed: boolean;
}

/** Widens or narrows the candidate's share; `rollout.changed` is announced only when the weight really changed. */
export async function changeRolloutWeight(
  ctx: CommandContext,
  modelName: string,
  ref: string,
  change: WeightChange,
  reason = "",
): Promise<ChangeWeightResult> {
  authorize(ctx.principal, "admin", modelName);
  const weightChange: store.WeightChange = "weight" in change ? { weightBp: percentToBasisPoints(change.weight) } : change;
  const model = await requireModel(ctx.db, modelName);
  const result = await store.changeWeight(ctx, model, ref, weightChange, reason);
  if (result.changed) ctx.emit(rolloutEvent("rollout.changed", model.name, result.rollout));
  return result;
}

/** Moves the ref to the candidate and closes the rollout; a later rollback of the ref returns it to the stable version. */
export async function promoteRollout(ctx: CommandContext, modelName: string, ref: string, reason = ""): Promise<store.RolloutView> {
  authorize(ctx.principal, "admin", modelName);
  const model = await requireModel(ctx.db, modelName);
  const promoted = await store.promoteRollout(ctx, model, ref, reason);
  ctx.emit(rolloutEvent("rollout.promoted", model.name, promoted));
  return promoted;
}

/** Closes the rollout; the ref keeps its stable version. Moving back is never gated. */
export async function abortRollout(ctx: CommandContext, modelName: string, ref: string, reason = ""): Promise<store.RolloutView> {
  authorize(ctx.principal, "admin", modelName);
  const model = await requireModel(ctx.db, modelName);
  const aborted = await store.abortRollout(ctx, model, ref, reason);
  ctx.emit(rolloutEvent("rollout.aborted", model.name, aborted));
  return aborted;
}

// ---- reads: a reader of the model may see its rollouts ----

type Reader = Pick<CommandContext, "db" | "principal">;

export type RolloutDetail = store.RolloutView & {
  history: store.RolloutEventView[];
  ab: ABComparison | null;
  /** every observed metric's difference between the arms, with warnings for non-judged metrics that got worse */
  differences: ArmDifferences | null;
};

/** The ref's active rollout, else its latest, with every change and the A/B comparison of its arms. */
export async function readRollout(ctx: Reader, modelName: string, ref: string): Promise<RolloutDetail> {
  authorize(ctx.principal, "reader", modelName);
  const model = await requireModel(ctx.db, modelName);
  const rollout = await store.getRollout(ctx.db, model, ref);
  const analysis = (await analyseRollouts(ctx.db, model, [rollout.id])).get(rollout.id);
  return { ...rollout, ab: analysis?.ab ?? null, differences: analysis?.differences ?? null };
}

/** A rollout's whole life: every weight change, how it ended (with the closing event's evidence), and its A/B result. */
export type RolloutRecord = RolloutDetail & {
  outcome: RolloutOutcome | null;
  /** The event that closed it (promote, abort, rollback, auto_rollback); null while active */
  ending: store.RolloutEventView | null;
};

/** A model's rollouts, past and active, newest first, each with its whole life. */
export async function readRollouts(
  ctx: Reader,
  modelName: string,
  filter: { ref?: string; status?: RolloutStatus },
  page: Page,
): Promise<Paged<RolloutRecord>> {
  authorize(ctx.principal, "reader", modelName);
  const model = await requireModel(ctx.db, modelName);
  const listed = await store.listRollouts(ctx.db, model, filter, page);
  const ids = listed.items.map((r) => r.id);
  const [events, analyses] = await Promise.all([store.eventsOf(ctx.db, ids), analyseRollouts(ctx.db, model, ids)]);
  const items = listed.items.map((rollout): RolloutRecord => {
    const history = events.get(rollout.id)!;
    const last = history.at(-1);
    const outcome = outcomeOf(rollout.status, last?.action);
    const analysis = analyses.get(rollout.id);
    return { ...rollout, history, ab: analysis?.ab ?? null, differences: analysis?.differences ?? null, outcome, ending: outcome === null ? null : (last ?? null) };
  });
  return { ...listed, items };
}
