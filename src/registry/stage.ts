/**
 * Stage transitions (POST …/versions/:v/stage): Staging and Production move the stage ref through the gate;
 * Archived and None take the version out of Staging and set its archived flag. Neither ever changes what
 * Production serves: a version in Production is moved off by promoting another one (or a rollback) first.
 */
import { and, eq, or } from "drizzle-orm";
import { conflict } from "../domain/errors";
import { enforceGate, type GateEvidence, type Override } from "../domain/gates";
import type { Stage } from "../domain/names";
import { stageOf, type DerivedStage } from "../domain/versions";
import { auditInsert, type Mutation } from "../store/audit";
import { isUniqueViolation } from "../store/db";
import type { ModelRow } from "../store/models";
import { moveRef, readRef, refChangeStatements, type RefMove } from "../store/refs";
import { refs, rollouts, versions } from "../store/schema";
import type { VersionRow } from "../store/versions";
import { gatePromotion } from "./gates";

export type StageTarget = Stage | "Archived" | "None";

export interface StageTransition extends GateEvidence {
  version: number;
  stage: StageTarget;
  previous_stage: DerivedStage;
  /** the stage refs this transition moved or cleared */
  refs: RefMove[];
}

const RETRIES = 5;

export async function transitionStage(
  m: Mutation,
  model: ModelRow,
  version: VersionRow,
  stage: StageTarget,
  request: Override & { reason: string },
): Promise<StageTransition> {
  const previous = await currentStage(m, model, version);
  if (stage === "Production" || stage === "Staging") return promote(m, model, version, stage, previous, request);
  return retire(m, model, version, stage, previous, request.reason);
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
  if (version.archived && !(request.force && request.reason.trim())) {
    throw conflict(`version ${version.number} is archived; pass force: true with a reason to stage it`, { field: "force" });
  }
  const evidence = enforceGate(await gatePromotion(m.db, model, version, stage), stage, version.number, request);
  const move = await moveRef(m, model, stage, version, {
    reason: request.reason,
    auditAction: "version.stage",
    evidence: { stage, previous_stage: previous, ...evidence, ...(version.archived ? { archived_target: true } : {}) },
  });
  return { version: version.number, stage, previous_stage: previous, ...evidence, refs: [move] };
}

/**
 * Archived or None: clears Staging if the version holds it (recorded in the ref's history, so it can be rolled
 * back) and sets the archived flag, in one batch with the audit events.
 */
async function retire(
  m: Mutation,
  model: ModelRow,
  version: VersionRow,
  stage: "Archived" | "None",
  previous: DerivedStage,
  reason: string,
): Promise<StageTransition> {
  if (previous === "Production") {
    throw conflict(`version ${version.number} serves Production; promote another version (or roll back) before moving it to ${stage}`, {
      field: "stage",
    });
  }
  const archived = stage === "Archived";
  if (archived) await assertNotInRollout(m, model, version);
  for (let attempt = 0; ; attempt++) {
    const staging = await readRef(m.db, model, "Staging");
    const inStaging = staging.current?.versionId === version.id;
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
