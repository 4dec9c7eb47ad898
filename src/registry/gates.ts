/**
 * The promotion gate at each door of the pipeline (DESIGN §7): POST …/stage, starting a rollout on Production, and,
 * when the policy sets require_pipeline, the admin's direct PUT of a stage ref. A rollback is never gated.
 */
import { enforceGate, type GateEvidence, type Override } from "../domain/gates";
import { canonicalStage, type Stage } from "../domain/names";
import { evaluatePromotion, type GateResult, type Policy } from "../domain/policy";
import type { VersionKey } from "../domain/versions";
import type { Database } from "../store/db";
import type { ModelRow } from "../store/models";
import { promotionFacts } from "../store/policies";
import { requireVersion, type VersionRow } from "../store/versions";

/** Runs the gate for moving `candidate` into a stage, with the model's policy. */
export async function gatePromotion(db: Database, model: ModelRow, candidate: VersionRow, target: Stage): Promise<GateResult & { policy: Policy }> {
  const facts = await promotionFacts(db, model, candidate, "Production");
  const result = evaluatePromotion({
    target,
    policy: facts.policy,
    candidate: { number: candidate.number, metrics: candidate.metrics as Record<string, number>, wasInStaging: facts.wasInStaging },
    champion: facts.champion,
  });
  return { ...result, policy: facts.policy };
}

/** The manual lever: ungated (undefined) unless the ref is a stage and the policy sets require_pipeline. */
export async function gateRefMove(db: Database, model: ModelRow, ref: string, target: VersionRow, override: Override): Promise<GateEvidence | undefined> {
  const stage = canonicalStage(ref);
  if (stage !== ref) return undefined;
  const result = await gatePromotion(db, model, target, stage);
  if (!result.policy.require_pipeline) return undefined;
  return enforceGate(result, stage, target.number, override);
}

/** A rollout on Production is a way into Production: its candidate passes the same gate as POST …/stage. */
export async function gateRolloutStart(db: Database, model: ModelRow, ref: string, candidate: VersionKey, override: Override): Promise<GateEvidence | undefined> {
  if (ref !== "Production") return undefined;
  const version = await requireVersion(db, model, candidate);
  return enforceGate(await gatePromotion(db, model, version, "Production"), "Production", version.number, override);
}
