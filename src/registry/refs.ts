/**
 * Refs: the commands that move, remove and roll back a model's stage refs and aliases (admin), and the reads the
 * doors present. A forward move of Production or Staging passes the promotion gate; a rollback never does.
 */
import { authorize } from "../auth/principal";
import { badRequest, conflict } from "../domain/errors";
import { classifyRefName, type RefName } from "../domain/names";
import { DEFAULT_POLICY } from "../domain/policy";
import { parseVersionKey } from "../domain/versions";
import type { Database } from "../store/db";
import { requireModel, type ModelRow } from "../store/models";
import * as store from "../store/refs";
import { findVersion, requireVersion, type VersionRow } from "../store/versions";
import type { CommandContext } from "./context";
import { refChangedEvents } from "./events";
import { archivedTargetOverride, authorizeForce, policyOf, stageGate } from "./gates";

export type { RefMove, RefView, RefHistoryView } from "../store/refs";

/** Stage names in any case map to their canonical ref; anything that cannot name a stored ref is a 400. */
export function refNameOf(raw: string): RefName {
  const ref = classifyRefName(raw);
  if (!ref) {
    throw badRequest(
      `'${raw}' cannot name a ref: use Production, Staging, or an alias that starts with a letter (latest and v<N> are reserved)`,
      { field: "ref" },
    );
  }
  return ref;
}

/** expected_version may be a number or a semver; a semver that names no version can match nothing. */
async function expectedNumber(db: Database, model: ModelRow, expected: number | string | null | undefined) {
  if (expected === undefined || expected === null) return expected;
  const key = parseVersionKey(expected);
  if ("number" in key) return key.number;
  return (await findVersion(db, model, key))?.number ?? -1;
}

export interface MoveRefInput {
  model: string;
  /** Production, Staging (any case) or an alias */
  ref: string;
  /** a version number or an exact semver */
  version: number | string;
  reason?: string;
  /** compare-and-set: the version the caller believes the ref points to (null: unset); 412 when stale */
  expected_version?: number | string | null;
  /** override failed gate checks or target an archived version (admin, with a reason) */
  force?: boolean;
  /**
   * The registry this assignment was copied from (`edgereg import mlflow`): the move records a fact established
   * elsewhere, so it skips the gate and require_pipeline and is recorded as an import. Admin only.
   */
  imported_from?: string;
}

/**
 * Moves a ref to a READY version. Production and Staging pass the gate (422 listing the checks unless forced), and
 * are refused outright when the policy sets require_pipeline: then stage refs move only through /stage and rollouts.
 */
export async function moveRef(ctx: CommandContext, input: MoveRefInput): Promise<store.RefMove> {
  authorize(ctx.principal, "admin", input.model);
  authorizeForce(ctx.principal, input);
  const ref = refNameOf(input.ref);
  const reason = input.reason ?? "";
  const model = await requireModel(ctx.db, input.model);
  const target = await requireVersion(ctx.db, model, parseVersionKey(input.version));
  if (target.status !== "READY") {
    throw conflict(`version ${target.number} is ${target.status}; only READY versions can be targeted`, { field: "version", status: target.status });
  }
  if (input.imported_from !== undefined) return importRef(ctx, model, ref.name, target, input, reason);
  const gate = ref.kind === "stage" ? await stageGate(ctx.db, model, target, ref.name) : undefined;
  // An alias has no gate: its policy matters only for an archived target.
  const policy = gate?.policy ?? (target.archived ? await policyOf(ctx.db, model) : DEFAULT_POLICY);
  if (ref.kind === "stage" && policy.require_pipeline) {
    throw conflict(
      `the policy of model '${model.name}' sets require_pipeline: ${ref.name} moves only through ` +
        `POST /v1/models/${model.name}/versions/${target.number}/stage or a rollout`,
      { field: "ref", require_pipeline: true },
    );
  }
  const archived = archivedTargetOverride(policy, target, input);
  const expected = await expectedNumber(ctx.db, model, input.expected_version);
  const evidence = gate?.pass(input);
  const move = await store.moveRef(ctx, model, ref.name, target, { reason, expected, evidence: { ...evidence, ...archived } });
  ctx.emit(...refChangedEvents(model.name, "move", move, reason));
  return move;
}

/** An imported assignment: no gate (it was decided in the source registry), but archived targets and CAS still hold. */
async function importRef(ctx: CommandContext, model: ModelRow, ref: string, target: VersionRow, input: MoveRefInput, reason: string) {
  if (target.archived) throw conflict(`version ${target.number} is archived; import its refs before archiving it`, { field: "version" });
  const expected = await expectedNumber(ctx.db, model, input.expected_version);
  const move = await store.moveRef(ctx, model, ref, target, {
    reason: reason || `imported from ${input.imported_from}`,
    expected,
    action: "import",
    auditAction: "ref.import",
    evidence: { imported_from: input.imported_from },
  });
  ctx.emit(...refChangedEvents(model.name, "move", move, reason));
  return move;
}

export interface DeleteRefInput {
  model: string;
  ref: string;
  reason?: string;
  expected_version?: number | string | null;
  /** emptying Production stops serving the model: the caller confirms it with force */
  force?: boolean;
}

/** Removes an alias, or empties a stage (Production only when confirmed with force). Recorded, so it can be rolled back. */
export async function deleteRef(ctx: CommandContext, input: DeleteRefInput): Promise<store.RefMove> {
  authorize(ctx.principal, "admin", input.model);
  const ref = refNameOf(input.ref);
  if (ref.name === "Production" && !input.force) {
    throw conflict("emptying Production stops serving the model; pass force=true to do it", { field: "force" });
  }
  const reason = input.reason ?? "";
  const model = await requireModel(ctx.db, input.model);
  const expected = await expectedNumber(ctx.db, model, input.expected_version);
  const removed = await store.deleteRef(ctx, model, ref.name, { reason, expected });
  ctx.emit(...refChangedEvents(model.name, "delete", removed, reason));
  return removed;
}

export interface RollBackRefInput {
  model: string;
  ref: string;
  reason?: string;
  expected_version?: number | string | null;
}

/**
 * Instant rollback: the ref goes back to where it pointed before its newest move not yet undone. Never gated; with
 * an active rollout on the ref, the rollout ends (rolled_back) and the ref keeps its stable version.
 */
export async function rollBackRef(ctx: CommandContext, input: RollBackRefInput): Promise<store.RefMove & { rollout_id?: string }> {
  authorize(ctx.principal, "admin", input.model);
  const ref = refNameOf(input.ref);
  const reason = input.reason ?? "";
  const model = await requireModel(ctx.db, input.model);
  const expected = await expectedNumber(ctx.db, model, input.expected_version);
  const rolledBack = await store.rollbackRef(ctx, model, ref.name, { reason, expected });
  ctx.emit(...refChangedEvents(model.name, "rollback", rolledBack, reason));
  return rolledBack;
}

// ---- reads: the door's route checks the caller's role (requireRole); these check the model scope too ----

/** Every stage ref and alias of a model. */
export async function listRefs(ctx: Pick<CommandContext, "db" | "principal">, name: string): Promise<store.RefView[]> {
  authorize(ctx.principal, "reader", name);
  return store.listRefs(ctx.db, await requireModel(ctx.db, name));
}

/** Every move of a ref, newest first. */
export async function listRefHistory(
  ctx: Pick<CommandContext, "db" | "principal">,
  name: string,
  rawRef: string,
  page: Parameters<typeof store.listRefHistory>[3],
) {
  const ref = refNameOf(rawRef);
  authorize(ctx.principal, "reader", name);
  return store.listRefHistory(ctx.db, await requireModel(ctx.db, name), ref.name, page);
}
