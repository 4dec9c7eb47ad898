/**
 * MLflow's transition-stage over edgereg's gated stage transition (src/pipeline/stage.ts), the same door as
 * POST /v1/…/versions/:v/stage: Staging and Production move the stage ref through the model's gate; Archived and
 * None set the archived flag (and clear Staging). A stage holds one version, so the version that held it leaves it
 * either way; `archive_existing_versions` also archives that version, as MLflow does.
 */
import type { Context } from "hono";
import type { Check } from "../domain/policy";
import { DomainError } from "../domain/errors";
import type { AppEnv } from "../env";
import { mutationOf } from "../http/openapi";
import type { ModelRow } from "../store/models";
import type { VersionRow } from "../store/versions";
import { notify } from "../registry/events";
import { transitionStage as gatedTransition, type StageTarget, type StageTransition } from "../registry/stage";
import { invalidParameter } from "./errors";
import { isServingStage, MLFLOW_STAGES, type MlflowStage } from "./mapping";
import { requireModelVersionRow } from "./queries";

export async function transitionStage(
  c: Context<AppEnv>,
  model: ModelRow,
  version: VersionRow,
  stage: MlflowStage,
  archiveExisting: boolean,
): Promise<StageTransition> {
  if (archiveExisting && !isServingStage(stage)) {
    throw invalidParameter(
      `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. ` +
        `Valid stages are ${MLFLOW_STAGES.filter(isServingStage).join(", ")}`,
    );
  }
  const transition = await move(c, model, version, stage, "").catch((error) => {
    throw refusal(error, version, stage);
  });
  const replaced = transition.refs.find((r) => r.ref === stage)?.previous_version;
  if (archiveExisting && replaced != null && replaced !== version.number) {
    const { version: previous } = await requireModelVersionRow(c.var.db, model.name, replaced);
    await move(c, model, previous, "Archived", `replaced in ${stage} by version ${version.number}`);
  }
  return transition;
}

/** MLflow's delete of a version: edgereg archives it instead, as a transition to Archived would. */
export async function archiveVersion(c: Context<AppEnv>, model: ModelRow, version: VersionRow, why: string): Promise<void> {
  await move(c, model, version, "Archived", why);
}

/** One gated transition, announced to webhooks as POST …/stage announces it. */
async function move(c: Context<AppEnv>, model: ModelRow, version: VersionRow, stage: StageTarget, reason: string) {
  const result = await gatedTransition(await mutationOf(c), model, version, stage, { reason });
  if (result.stage !== result.previous_stage) notify(c, { type: "stage.changed", model: model.name, data: { ...result, reason } });
  return result;
}

/** A gate's refusal names every failed check, in MLflow's error shape (INVALID_PARAMETER_VALUE). */
function refusal(error: unknown, version: VersionRow, stage: MlflowStage): unknown {
  if (!(error instanceof DomainError) || error.code !== "UNPROCESSABLE") return error;
  const checks = (error.details as { checks?: Check[] } | undefined)?.checks;
  if (!checks) return error;
  const failed = checks.filter((check) => !check.passed).map((check) => `${check.name} (${check.detail})`);
  return invalidParameter(`Transition of version ${version.number} to ${stage} refused by the model's policy: ${failed.join("; ")}.`);
}
