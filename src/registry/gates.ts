/**
 * The promotion gate (DESIGN §7), guarding every forward move of a stage ref: POST …/stage, a direct PUT of
 * Production or Staging, MLflow's transition-stage, and starting a rollout on a stage ref. Moving a ref back
 * (rollback, abort, automatic rollback) is never gated. Only the registry's commands call these.
 */
import type { Principal } from "../auth/principal";
import { hasRole } from "../auth/principal";
import { conflict, DomainError } from "../domain/errors";
import { enforceGate, type GateEvidence, type Override } from "../domain/gates";
import { canonicalStage, type Stage } from "../domain/names";
import { evaluatePromotion, type Policy } from "../domain/policy";
import type { VersionKey } from "../domain/versions";
import type { Database } from "../store/db";
import type { ModelRow } from "../store/models";
import { getPolicy, promotionFacts } from "../store/policies";
import { requireVersion, type VersionRow } from "../store/versions";

export type { GateEvidence, Override } from "../domain/gates";

/** The gate for one candidate and stage, its facts read in one batch: the policy, and the verdict to enforce. */
export interface StageGate {
  policy: Policy;
  /** The evidence to audit, or 422 listing every check unless the caller forced (and the policy allows force). */
  pass(override: Override): GateEvidence;
}

/**
 * Reads what the gate for moving `candidate` into `stage` needs: Staging checks the floors; Production also checks
 * that the candidate was in Staging and is not worse than the version serving now.
 */
export async function stageGate(db: Database, model: ModelRow, candidate: VersionRow, stage: Stage): Promise<StageGate> {
  const facts = await promotionFacts(db, model, candidate, stage);
  const result = evaluatePromotion({
    target: stage,
    policy: facts.policy,
    candidate: { number: candidate.number, metrics: candidate.metrics as Record<string, number>, wasInStaging: facts.wasInStaging },
    champion: facts.champion,
  });
  return {
    policy: facts.policy,
    pass: (override) => enforceGate(result, stage, candidate.number, override, { forbidForce: facts.policy.forbid_force }),
  };
}

/** Runs the gate for moving `candidate` into `stage` and enforces it. */
export async function passStageGate(db: Database, model: ModelRow, candidate: VersionRow, stage: Stage, override: Override): Promise<GateEvidence> {
  return (await stageGate(db, model, candidate, stage)).pass(override);
}

/**
 * A rollout on a stage ref is a way into that stage: its candidate passes the same gate as POST …/stage
 * (Production's checks on Production, the floors on Staging). A rollout on an alias is ungated (undefined).
 */
export async function gateRolloutStart(db: Database, model: ModelRow, ref: string, candidate: VersionKey, override: Override): Promise<GateEvidence | undefined> {
  const stage = canonicalStage(ref);
  if (stage !== ref) return undefined;
  const version = await requireVersion(db, model, candidate);
  return passStageGate(db, model, version, stage, override);
}

/** Only an admin may force: a lower role that asks for it is refused before anything is read or checked. */
export function authorizeForce(principal: Principal, override: Override): void {
  if (!override.force || hasRole(principal, "admin")) return;
  throw new DomainError("FORBIDDEN", `only an admin may force; the token has the ${principal.role} role`, {
    field: "force",
    required: "admin",
    role: principal.role,
  });
}

/**
 * An archived version is a target only when the caller forces with a reason, and the model's policy allows force.
 * Answers the evidence the move's audit event records.
 */
export function archivedTargetOverride(policy: Policy, target: VersionRow, override: Override): { forced: true; archived_target: true } | undefined {
  if (!target.archived) return undefined;
  if (!(override.force && override.reason?.trim())) {
    throw conflict(`version ${target.number} is archived; pass force: true with a reason to target it`, { field: "force" });
  }
  if (policy.forbid_force) {
    throw conflict(`version ${target.number} is archived, and the model's policy forbids force (forbid_force)`, { field: "force", forbid_force: true });
  }
  return { forced: true, archived_target: true };
}

/** The model's policy, for a check that needs it before its gate runs. */
export const policyOf = (db: Database, model: ModelRow) => getPolicy(db, model);
