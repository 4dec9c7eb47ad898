/**
 * The reads the MLflow facade builds its messages from (src/store/mlflow-queries.ts), and the rows it passes back
 * into commands. Its writes are the registry's commands (models, versions, refs, stages).
 */
export {
  aliasTarget,
  findModelVersion,
  hasDeclaredArtifacts,
  hasModelTag,
  hasVersionTag,
  latestVersionRows,
  loggedModelIds,
  modelFacts,
  searchModelRows,
  searchVersionRows,
  unarchivedVersions,
  verifiedArtifactsOf,
  versionFacts,
  versionsOfLoggedModel,
  type Search,
  type StagedVersion,
  type Tag,
  type VersionFacts,
} from "../store/mlflow-queries";
export { findModel } from "../store/models";
export type { ModelRow } from "../store/models";
export type { VersionRow } from "../store/versions";
