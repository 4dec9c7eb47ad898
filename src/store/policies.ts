import { and, desc, eq, notInArray, sql } from "drizzle-orm";
import { DEFAULT_POLICY, PolicySchema, storedPolicy, type Policy } from "../domain/policy";
import { ROLLOUT_MARKS } from "../domain/refs";
import { auditInsert, type Mutation } from "./audit";
import type { Database } from "./db";
import type { ModelRow } from "./models";
import { models, policies, refHistory, refs, versions } from "./schema";
import type { VersionRow } from "./versions";

/** The stored policy, or the default for a model that never set one. */
export async function getPolicy(db: Database, model: ModelRow): Promise<Policy> {
  const row = await db.select({ policy: policies.policy }).from(policies).where(eq(policies.modelId, model.id)).get();
  return row ? storedPolicy(row.policy) : DEFAULT_POLICY;
}

/** Replaces the whole policy (absent parts check nothing), audited with the policy before and after. */
export async function putPolicy(m: Mutation, model: ModelRow, policy: Policy): Promise<Policy> {
  const before = await getPolicy(m.db, model);
  await m.db.batch([
    m.db
      .insert(policies)
      .values({ modelId: model.id, policy, updatedAt: m.now, updatedBy: m.actor })
      .onConflictDoUpdate({ target: policies.modelId, set: { policy, updatedAt: m.now, updatedBy: m.actor } }),
    auditInsert(m, { action: "policy.update", model: model.name, before, after: policy }),
  ]);
  return policy;
}

export interface PromotionFacts {
  policy: Policy;
  /** the candidate appears as a target of the Staging ref's history */
  wasInStaging: boolean;
  /** the version the target ref points to now */
  champion: { number: number; metrics: Record<string, number> } | null;
}

/** What a promotion gate needs to know, read in one batch. */
export async function promotionFacts(db: Database, model: ModelRow, candidate: VersionRow, target: string): Promise<PromotionFacts> {
  const [policyRows, staged, champion] = await db.batch([
    db.select({ policy: policies.policy }).from(policies).where(eq(policies.modelId, model.id)),
    db
      .select({ one: sql<number>`1` })
      .from(refHistory)
      .where(and(eq(refHistory.modelId, model.id), eq(refHistory.ref, "Staging"), eq(refHistory.toVersionId, candidate.id)))
      .limit(1),
    db
      .select({ number: versions.number, metrics: versions.metrics })
      .from(refs)
      .innerJoin(versions, eq(versions.id, refs.versionId))
      .where(and(eq(refs.modelId, model.id), eq(refs.name, target))),
  ]);
  const row = champion[0];
  return {
    policy: policyRows[0] ? storedPolicy(policyRows[0].policy) : DEFAULT_POLICY,
    wasInStaging: staged.length > 0,
    champion: row ? { number: row.number, metrics: row.metrics as Record<string, number> } : null,
  };
}

export interface LastMove {
  generation: number;
  action: string;
  fromVersionId: string | null;
  toVersionId: string | null;
  at: string;
}

/** The newest change of a ref that moved it (a rollout's start, abort and rollback only claim a generation). */
export async function lastMove(db: Database, model: ModelRow, ref: string): Promise<LastMove | null> {
  const row = await db
    .select({
      generation: refHistory.generation,
      action: refHistory.action,
      fromVersionId: refHistory.fromVersionId,
      toVersionId: refHistory.toVersionId,
      at: refHistory.at,
    })
    .from(refHistory)
    .where(and(eq(refHistory.modelId, model.id), eq(refHistory.ref, ref), notInArray(refHistory.action, [...ROLLOUT_MARKS])))
    .orderBy(desc(refHistory.generation))
    .limit(1)
    .get();
  return row ?? null;
}

/** Models an auto-rollback sweep must look at: an active rollout, or a policy with an auto-rollback rule. */
export async function modelsToWatch(db: Database): Promise<ModelRow[]> {
  return db
    .select()
    .from(models)
    .where(
      sql`${models.id} IN (SELECT model_id FROM rollouts WHERE status = 'active'
        UNION SELECT model_id FROM policies WHERE json_extract(policy, '$.auto_rollback') IS NOT NULL)`,
    )
    .orderBy(models.name);
}
