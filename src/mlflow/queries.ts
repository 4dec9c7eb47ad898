/**
 * MLflow's RegisteredModel and ModelVersion messages, built from the registry's reads (src/registry/mlflow.ts):
 * the facade only shapes what the store found, as MLflow's JSON encoding expects it.
 */
import { STAGES } from "../domain/names";
import { stageOf } from "../domain/versions";
import type { CommandContext } from "../registry/context";
import {
  findModel,
  findModelVersion,
  hasDeclaredArtifacts,
  latestVersionRows,
  modelFacts,
  versionFacts,
  type ModelRow,
  type Tag,
  type VersionFacts,
  type VersionRow,
} from "../registry/mlflow";
import { doesNotExist } from "./errors";
import { epochMillis, mlflowStatus, versionArtifactUri, versionArtifactUrl, type MlflowStage } from "./mapping";

export {
  aliasTarget,
  hasModelTag,
  hasVersionTag,
  searchModelRows,
  searchVersionRows,
  unarchivedVersions,
  verifiedArtifactsOf,
  type Search,
  type Tag,
} from "../registry/mlflow";

type Database = CommandContext["db"];

export interface ModelVersionMessage {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id: string;
  current_stage: MlflowStage;
  description: string;
  source?: string;
  run_id?: string;
  /** MLflow 3: the LoggedModel the version was registered from. */
  model_id?: string;
  status: ReturnType<typeof mlflowStatus>;
  status_message?: string;
  tags?: Tag[];
  aliases?: string[];
}

export interface RegisteredModelMessage {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id: string;
  description: string;
  /** MLflow 3: the model's deployment job, as its client set it. */
  deployment_job_id?: string;
  latest_versions?: ModelVersionMessage[];
  tags?: Tag[];
  aliases?: { alias: string; version: string }[];
}

/** Repeated proto fields are left out when empty, as MLflow's JSON encoding does. */
const nonEmpty = <K extends string, T>(key: K, items: T[]) => (items.length > 0 ? ({ [key]: items } as Record<K, T[]>) : {});

export async function requireModelNamed(db: Database, name: string): Promise<ModelRow> {
  const model = await findModel(db, name);
  if (!model) throw doesNotExist(`Registered Model with name=${name} not found`);
  return model;
}

/** Model and version in one round trip; MLflow names the missing version either way. */
export async function requireModelVersionRow(db: Database, name: string, number: number): Promise<{ model: ModelRow; version: VersionRow }> {
  const found = await findModelVersion(db, name, number);
  if (!found) throw doesNotExist(`Model Version (name=${name}, version=${number}) not found`);
  return found;
}

/** ModelVersion messages for versions of any models. */
export async function modelVersionMessages(db: Database, items: readonly { modelName: string; row: VersionRow }[]): Promise<ModelVersionMessage[]> {
  return (await versionFacts(db, items)).map(versionMessageOf);
}

export async function modelVersionMessage(db: Database, model: ModelRow, version: VersionRow): Promise<ModelVersionMessage> {
  const [message] = await modelVersionMessages(db, [{ modelName: model.name, row: version }]);
  return message!;
}

function versionMessageOf({ modelName, row, refNames, tags, hasArtifacts }: VersionFacts): ModelVersionMessage {
  const source = row.source ?? (hasArtifacts ? versionArtifactUri(modelName, row.number) : null);
  return {
    name: modelName,
    version: String(row.number),
    creation_timestamp: epochMillis(row.createdAt),
    last_updated_timestamp: epochMillis(row.updatedAt),
    user_id: row.createdBy,
    current_stage: stageOf(refNames, row.archived),
    description: row.description,
    ...(source === null ? {} : { source }),
    ...(row.runId ? { run_id: row.runId } : {}),
    ...(row.mlflowModelId ? { model_id: row.mlflowModelId } : {}),
    status: mlflowStatus(row.status),
    ...(row.status === "PENDING" ? { status_message: "Waiting for the declared artifacts to be uploaded and verified" } : {}),
    ...nonEmpty("tags", sortedTags(tags)),
    ...nonEmpty("aliases", refNames.filter((n) => !(STAGES as readonly string[]).includes(n)).sort()),
  };
}

/**
 * Where MLflow clients download a version from: edgereg's own artifacts through the mlflow-artifacts proxy, named by
 * edgereg's origin, when the version declares any; else the source it was registered with, unchanged.
 */
export async function downloadUriOf(db: Database, origin: string, model: ModelRow, version: VersionRow): Promise<string | null> {
  return (await hasDeclaredArtifacts(db, version)) ? versionArtifactUrl(origin, model.name, version.number) : version.source;
}

const sortedTags = (rows: readonly Tag[]) => rows.map((t) => ({ key: t.key, value: t.value })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/** get-latest-versions: one version per asked stage that has one, in the order the stages were asked. */
export async function latestVersions(db: Database, model: ModelRow, stages: readonly MlflowStage[]): Promise<ModelVersionMessage[]> {
  const latest = await latestVersionRows(db, [model.id]);
  const picked = stages.flatMap((stage) => latest.filter((l) => l.stage === stage));
  return modelVersionMessages(db, picked.map((p) => ({ modelName: model.name, row: p.row })));
}

/** RegisteredModel messages, each with its tags, aliases and latest version per stage. */
export async function registeredModelMessages(db: Database, rows: readonly ModelRow[]): Promise<RegisteredModelMessage[]> {
  if (rows.length === 0) return [];
  const { tags, aliases, latest } = await modelFacts(db, rows);
  const nameOf = new Map(rows.map((r) => [r.id, r.name]));
  const order = (stage: MlflowStage) => ["None", "Staging", "Production", "Archived"].indexOf(stage);
  latest.sort((a, b) => order(a.stage) - order(b.stage));
  const latestMessages = await modelVersionMessages(db, latest.map((l) => ({ modelName: nameOf.get(l.modelId)!, row: l.row })));
  return rows.map((row) => ({
    name: row.name,
    creation_timestamp: epochMillis(row.createdAt),
    last_updated_timestamp: epochMillis(row.updatedAt),
    user_id: row.createdBy,
    description: row.description,
    ...(row.deploymentJobId ? { deployment_job_id: row.deploymentJobId } : {}),
    ...nonEmpty("latest_versions", latestMessages.filter((_, i) => latest[i]!.modelId === row.id)),
    ...nonEmpty("tags", sortedTags(tags.filter((t) => t.modelId === row.id))),
    ...nonEmpty(
      "aliases",
      aliases
        .filter((a) => a.modelId === row.id)
        .map((a) => ({ alias: a.alias, version: String(a.number) }))
        .sort((a, b) => (a.alias < b.alias ? -1 : 1)),
    ),
  }));
}

export async function registeredModelMessage(db: Database, model: ModelRow): Promise<RegisteredModelMessage> {
  const [message] = await registeredModelMessages(db, [model]);
  return message!;
}
