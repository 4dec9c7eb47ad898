/**
 * Stage transitions (POST …/versions/:v/stage, MLflow's transition-stage and deletes), with MLflow's meaning of
 * Archived as a stage: Staging and Production move the stage ref through the gate, and a version that was archived
 * comes back un-archived in the same change. Archived and None take the version out of whichever stage refs it holds
 * and set (Archived) or clear (None) its archived flag; taking the Production version out empties Production, so
 * that and emptying Staging are an admin's decisions. A publisher may move a version into Staging through the gate
 * and archive a version that holds no stage ref; Production and any force need an admin.
 */
import { and, eq, or } from "drizzle-orm";
import { authorize, hasRole, type Principal } from "../auth/principal";
import { conflict, DomainError } from "../domain/errors";
import type { GateEvidence, Override } from "../domain/gates";
import { STAGES, type Stage } from "../domain/names";
import { parseVersionKey, stageOf, type DerivedStage } from "../domain/versions";
import { auditInsert, type Mutation } from "../store/audit";
import { isUniqueViolation } from "../store/db";
import { requireModel, type ModelRow } from "../store/models";
import { moveRef, readRef, refChangeStatements, type RefMove } from "../store/refs";
import { refs, rollouts, versions } from "../store/schema";
import { requireVersion, type VersionRow } from "../store/versions";
import type { CommandContext } from "./context";
import { authorizeForce, stageGate } from "./gates";

export type StageTarget = Stage | "Archived" | "None";

export interface StageTransition extends GateEvidence {
  version: number;
  stage: StageTarget;
  previous_stage: DerivedStage;
  /** the stage refs this transition moved or cleared */
  refs: RefMove[];
}

const RETRIES = 5;

export interface TransitionStageInput {
  model: string;
  /** a version number or an exact semver */
  version: number | string;
  stage: StageTarget;
  reason?: string;
  /** override failed gate checks (admin, with a reason) */
  force?: boolean;
}

/** Moves a version to a stage; announces stage.changed when its stage changed. */
export async function transitionStage(ctx: CommandContext, input: TransitionStageInput): Promise<StageTransition> {
  authorize(ctx.principal, "publisher", input.model);
  if (input.stage === "Production") onlyAdmin(ctx.principal, "moving a version into Production");
  authorizeForce(ctx.principal, input);
  const model = await requireModel(ctx.db, input.model);
  const version = await requireVersion(ctx.db, model, parseVersionKey(input.version));
  return transition(ctx, model, version, input);
}

async function transition(ctx: CommandContext, model: ModelRow, version: VersionRow, input: TransitionStageInput): Promise<StageTransition> {
  const reason = input.reason ?? "";
  const previous = await currentStage(ctx, model, version);
  const request = { reason, force: input.force };
  const result =
    input.stage === "Production" || input.stage === "Staging"
      ? await promote(ctx, model, version, input.stage, previous, request)
      : await retire(ctx, ctx.principal, model, version, input.stage, previous, reason);
  if (result.stage !== result.previous_stage) ctx.emit({ type: "stage.changed", model: model.name, data: { ...result, reason } });
  return result;
}

/** The changes a publisher may not make; the caller's scope was checked already. */
export function onlyAdmin(principal: Principal, what: string): void {
  if (hasRole(principal, "admin")) return;
  throw new DomainError("FORBIDDEN", `${what} needs the admin role; the token has ${principal.role}`, { required: "admin", role: principal.role });
}

async function refNamesOf(m: Mutation, model: ModelRow, version: VersionRow): Promise<string[]> {
  const rows = await m.db
    .select({ name: refs.name })
    .from(refs)
    .where(and(eq(refs.modelId, model.id), eq(refs.versionId, version.id)));
  return rows.map((r) => r.name);
}

export async function currentStage(m: Mutation, model: ModelRow, version: VersionRow): Promise<DerivedStage> {
  const names = await m.db
    .select({ name: refs.name })
    .from(refs)
    .where(and(eq(refs.modelId, model.id), eq(refs.versionId, version.id)));
  return stageOf(
    names.map((r) => r.name),
    version.archived,
  );
}

async function promote(
  m: Mutation,
  model: ModelRow,
  version: VersionRow,
  stage: Stage,
  previous: DerivedStage,
  request: Override & { reason: string },
): Promise<StageTransition> {
  if (version.status !== "READY") {
    throw conflict(`version ${version.number} is ${version.status}; only READY versions enter a stage`, { field: "v", status: version.status });
  }
  const gate = await stageGate(m.db, model, version, stage);
  const evidence = gate.pass(request);
  // Archived is a stage (MLflow's meaning): leaving it through the gate un-archives the version in the same batch.
  const unarchive = version.archived ? [m.db.update(versions).set({ archived: false, updatedAt: m.now }).where(eq(versions.id, version.id))] : [];
  const move = await moveRef(m, model, stage, version, {
    reason: request.reason,
    auditAction: "version.stage",
    evidence: { stage, previous_stage: previous, ...evidence, ...(version.archived ? { unarchived: true } : {}) },
    alongside: unarchive,
  });
  return { version: version.number, stage, previous_stage: previous, ...evidence, refs: [move] };
}

/**
 * Archived or None: clears the stage refs the version holds (recorded in each ref's history, so it can be rolled
 * back) and sets or clears the archived flag, in one batch with the audit events. Emptying a stage is an admin's.
 */
export async function retire(
  m: Mutation,
  principal: Principal,
  model: ModelRow,
  version: VersionRow,
  stage: "Archived" | "None" | "Deleted",
  previous: DerivedStage,
  reason: string,
): Promise<StageTransition> {
  // A delete is an archive that also takes the version out of its aliases and hides it (src/registry/deletion.ts).
  const deleting = stage === "Deleted";
  const archived = stage !== "None";
  if (archived) await assertNotInRollout(m, model, version);
  for (let attempt = 0; ; attempt++) {
    const names = deleting ? await refNamesOf(m, model, version) : STAGES;
    const states = await Promise.all(names.map(async (name) => ({ name, state: await readRef(m.db, model, name) })));
    const held = states.filter(({ state }) => state.current?.versionId === version.id);
    for (const { name, state } of held) {
      const what = (STAGES as readonly string[]).includes(name) ? name : `alias '${name}'`;
      onlyAdmin(principal, `taking version ${version.number} out of ${what}${name === "Production" ? " (which empties Production)" : ""}`);
      if (state.activeRolloutId) {
        throw conflict(`a rollout is active on ${name}; promote or abort it first`, { ref: name, rollout_id: state.activeRolloutId });
      }
    }
    if (!deleting && held.length === 0 && version.archived === archived) {
      return { version: version.number, stage: stage as StageTarget, previous_stage: previous, checks: [], forced: false, failed_checks: [], refs: [] };
    }
    const clears = held.map(({ name, state }) => ({
      name,
      ...refChangeStatements(m, model, name, state, { action: "delete", to: null, reason, auditAction: "ref.delete" }),
    }));
    try {
      await m.db.batch([
        ...clears.flatMap((c) => c.statements),
        m.db
          .update(versions)
          .set({ archived, updatedAt: m.now, ...(deleting ? { deletedAt: m.now } : {}) })
          .where(eq(versions.id, version.id)),
        auditInsert(m, {
          action: deleting ? "version.delete" : "version.stage",
          model: model.name,
          version: version.number,
          before: { stage: previous, archived: version.archived },
          after: { stage: deleting ? "Archived" : stage, archived, cleared_refs: clears.map((c) => c.name), ...(deleting ? { deleted: true } : {}) },
          reason,
        }),
      ] as never); // a batch typed as non-empty; the update and the audit insert make it so
    } catch (error) {
      if (!isUniqueViolation(error, "ref_history")) throw error;
      if (attempt >= RETRIES) throw conflict("the stage refs are moving under heavy contention; retry", {});
      continue;
    }
    const moves: RefMove[] = clears.map((c) => ({ ref: c.name, version: null, previous_version: version.number, generation: c.generation }));
    return { version: version.number, stage: deleting ? "Archived" : stage, previous_stage: previous, checks: [], forced: false, failed_checks: [], refs: moves };
  }
}

async function assertNotInRollout(m: Mutation, model: ModelRow, version: VersionRow) {
  const active = await m.db
    .select({ ref: rollouts.ref })
    .from(rollouts)
    .where(
      and(
        eq(rollouts.modelId, model.id),
        eq(rollouts.status, "active"),
        or(eq(rollouts.candidateVersionId, version.id), eq(rollouts.stableVersionId, version.id)),
      ),
    )
    .get();
  if (active) throw conflict(`version ${version.number} is part of the active rollout on ${active.ref}`, { field: "stage" });
}
