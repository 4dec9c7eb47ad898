/**
 * Stage transitions (POST …/versions/:v/stage, MLflow's transition-stage and deletes): Staging and Production move
 * the stage ref through the gate; Archived and None take the version out of Staging and set its archived flag.
 * Neither ever changes what Production serves: a version in Production is moved off by promoting another one (or a
 * rollback) first. A publisher may move a version into Staging through the gate and archive a version that holds no
 * stage ref; Production, taking a version out of Staging, and any force need an admin.
 */
import { and, asc, eq, or } from "drizzle-orm";
import { authorize, hasRole, type Principal } from "../auth/principal";
import { conflict, DomainError } from "../domain/errors";
import type { GateEvidence, Override } from "../domain/gates";
import type { Stage } from "../domain/names";
import { parseVersionKey, stageOf, type DerivedStage } from "../domain/versions";
import { auditInsert, type Mutation } from "../store/audit";
import { isUniqueViolation } from "../store/db";
import { requireModel, type ModelRow } from "../store/models";
import { moveRef, readRef, refChangeStatements, type RefMove } from "../store/refs";
import { refs, rollouts, versions } from "../store/schema";
import { requireVersion, type VersionRow } from "../store/versions";
import type { CommandContext } from "./context";
import { archivedTargetOverride, authorizeForce, stageGate } from "./gates";

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
  /** override failed gate checks or stage an archived version (admin, with a reason) */
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

/**
 * Archives every version of a model (MLflow's delete of a registered model: edgereg never deletes). Refused while
 * Production serves a version; emptying Staging on the way needs an admin, checked before anything changes.
 */
export async function archiveModel(ctx: CommandContext, input: { model: string; reason: string }): Promise<StageTransition[]> {
  authorize(ctx.principal, "publisher", input.model);
  const model = await requireModel(ctx.db, input.model);
  const [production, staging] = await Promise.all([readRef(ctx.db, model, "Production"), readRef(ctx.db, model, "Staging")]);
  if (production.current) {
    throw conflict(
      `model '${model.name}' still serves version ${production.current.number} in Production; archiving every version would stop serving it`,
      { field: "name", production: production.current.number },
    );
  }
  if (staging.current) onlyAdmin(ctx.principal, `archiving every version empties Staging (version ${staging.current.number}), which`);
  const results: StageTransition[] = [];
  const unarchived = await ctx.db
    .select()
    .from(versions)
    .where(and(eq(versions.modelId, model.id), eq(versions.archived, false)))
    .orderBy(asc(versions.number));
  for (const version of unarchived) {
    results.push(await transition(ctx, model, version, { model: model.name, version: version.number, stage: "Archived", reason: input.reason }));
  }
  return results;
}

/** The changes a publisher may not make; the caller's scope was checked already. */
function onlyAdmin(principal: Principal, what: string): void {
  if (hasRole(principal, "admin")) return;
  throw new DomainError("FORBIDDEN", `${what} needs the admin role; the token has ${principal.role}`, { required: "admin", role: principal.role });
}

async function currentStage(m: Mutation, model: ModelRow, version: VersionRow): Promise<DerivedStage> {
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
  const archived = archivedTargetOverride(gate.policy, version, request);
  const evidence = gate.pass(request);
  const move = await moveRef(m, model, stage, version, {
    reason: request.reason,
    auditAction: "version.stage",
    evidence: { stage, previous_stage: previous, ...evidence, ...(archived ? { archived_target: true } : {}) },
  });
  return { version: version.number, stage, previous_stage: previous, ...evidence, refs: [move] };
}

/**
 * Archived or None: clears Staging if the version holds it (recorded in the ref's history, so it can be rolled
 * back) and sets the archived flag, in one batch with the audit events.
 */
async function retire(
  m: Mutation,
  principal: Principal,
  model: ModelRow,
  version: VersionRow,
  stage: "Archived" | "None",
  previous: DerivedStage,
  reason: string,
): Promise<StageTransition> {
  if (previous === "Production") {
    onlyAdmin(principal, `moving version ${version.number} out of Production`);
    throw conflict(`version ${version.number} serves Production; promote another version (or roll back) before moving it to ${stage}`, {
      field: "stage",
    });
  }
  const archived = stage === "Archived";
  if (archived) await assertNotInRollout(m, model, version);
  for (let attempt = 0; ; attempt++) {
    const staging = await readRef(m.db, model, "Staging");
    const inStaging = staging.current?.versionId === version.id;
    // Emptying Staging is an admin's decision, even when a publisher archives the version that holds it.
    if (inStaging) onlyAdmin(principal, `taking version ${version.number} out of Staging`);
    if (inStaging && staging.activeRolloutId) {
      throw conflict("a rollout is active on Staging; promote or abort it first", { ref: "Staging", rollout_id: staging.activeRolloutId });
    }
    if (!inStaging && version.archived === archived) {
      return { version: version.number, stage, previous_stage: previous, checks: [], forced: false, failed_checks: [], refs: [] };
    }
    const clear = inStaging
      ? refChangeStatements(m, model, "Staging", staging, { action: "delete", to: null, reason, auditAction: "ref.delete" })
      : null;
    try {
      await m.db.batch([
        ...(clear?.statements ?? []),
        m.db.update(versions).set({ archived, updatedAt: m.now }).where(eq(versions.id, version.id)),
        auditInsert(m, {
          action: "version.stage",
          model: model.name,
          version: version.number,
          before: { stage: previous, archived: version.archived },
          after: { stage, archived, cleared_refs: inStaging ? ["Staging"] : [] },
          reason,
        }),
      ]);
    } catch (error) {
      if (!isUniqueViolation(error, "ref_history")) throw error;
      if (attempt >= RETRIES) throw conflict("Staging is moving under heavy contention; retry", {});
      continue;
    }
    const moves: RefMove[] = clear ? [{ ref: "Staging", version: null, previous_version: version.number, generation: clear.generation }] : [];
    return { version: version.number, stage, previous_stage: previous, checks: [], forced: false, failed_checks: [], refs: moves };
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
