/**
 * MLflow's transition-stage over edgereg's stage commands (src/registry/stage.ts), the same commands as
 * POST /v1/…/versions/:v/stage: Staging and Production move the stage ref through the model's gate (an archived
 * version comes back un-archived); Archived and None clear the stage refs the version holds and set or clear the
 * archived flag. A stage holds one version, so the version that held it leaves it either way;
 * `archive_existing_versions` also archives that version, as MLflow does. Roles are the command's: a publisher may
 * stage a version, never touch Production, and never take a version out of a stage.
 */
import type { Context } from "hono";
import type { Check } from "../domain/policy";
import { DomainError } from "../domain/errors";
import type { AppEnv } from "../env";
import { contextOf } from "../registry/context";
import { transitionStage as transition, type StageTransition } from "../registry/stage";
import { invalidParameter } from "./errors";
import { isServingStage, MLFLOW_STAGES, type MlflowStage } from "./mapping";

export async function transitionStage(
  c: Context<AppEnv>,
  model: string,
  version: number,
  stage: MlflowStage,
  archiveExisting: boolean,
): Promise<StageTransition> {
  if (archiveExisting && !isServingStage(stage)) {
    throw invalidParameter(
      `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. ` +
        `Valid stages are ${MLFLOW_STAGES.filter(isServingStage).join(", ")}`,
    );
  }
  const ctx = await contextOf(c);
  const moved = await transition(ctx, { model, version, stage, reason: "" }).catch((error) => {
    throw refusal(error, version, stage);
  });
  const replaced = moved.refs.find((r) => r.ref === stage)?.previous_version;
  if (archiveExisting && replaced != null && replaced !== version) {
    await transition(ctx, { model, version: replaced, stage: "Archived", reason: `replaced in ${stage} by version ${version}` });
  }
  return moved;
}

/** A gate's refusal names every failed check, in MLflow's error shape (INVALID_PARAMETER_VALUE). */
function refusal(error: unknown, version: number, stage: MlflowStage): unknown {
  if (!(error instanceof DomainError) || error.code !== "UNPROCESSABLE") return error;
  const checks = (error.details as { checks?: Check[] } | undefined)?.checks;
  if (!checks) return error;
  const failed = checks.filter((check) => !check.passed).map((check) => `${check.name} (${check.detail})`);
  return invalidParameter(`Transition of version ${version} to ${stage} refused by the model's policy: ${failed.join("; ")}.`);
}
