/**
 * MLflow 3's LoggedModel reads (service.proto GetLoggedModel, SearchLoggedModels) for the logged models edgereg knows
 * of: those a 3.x client registered versions from (`model_id`). A 3.x client loading `models:/m-…` asks the registry's
 * host for it; edgereg answers with the files it holds, and RESOURCE_DOES_NOT_EXIST for a LoggedModel it never saw
 * (the tracking server owns those).
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { loggedModelIds, versionFacts, versionsOfLoggedModel, type VersionFacts } from "../registry/mlflow";
import { doesNotExist, invalidParameter } from "./errors";
import { encodePageToken, epochMillis, pageOffsetOf, versionArtifactUrl } from "./mapping";
import { API } from "./registry";
import { caller, int64, optional, readMessage, stringList } from "./request";

const PAGE = { default: 100, max: 1000 };

const STATUS = { READY: "LOGGED_MODEL_READY", PENDING: "LOGGED_MODEL_PENDING", FAILED: "LOGGED_MODEL_UPLOAD_FAILED" } as const;

export const loggedModels = new Hono<AppEnv>();

loggedModels.get(`${API}/logged-models/:model_id`, async (c) => {
  const principal = await caller(c, "reader");
  const id = c.req.param("model_id");
  const [found] = await loggedModelMessages(c, [id], principal.modelGlob);
  if (!found) throw doesNotExist(`Logged model with ID '${id}' not found.`);
  return c.json({ model: found }, 200);
});

loggedModels.post(`${API}/logged-models/search`, async (c) => {
  const principal = await caller(c, "reader");
  const req = await readMessage(c, { experiment_ids: stringList, filter: optional, max_results: int64, page_token: optional });
  // edgereg knows no experiments and does not evaluate LoggedModel filters: saying so beats a wrong answer.
  if (req.filter && req.filter.trim() !== "") {
    throw invalidParameter("edgereg does not evaluate LoggedModel filters; search without `filter` (it lists the logged models registered here).");
  }
  const size = req.max_results ?? PAGE.default;
  if (size < 1 || size > PAGE.max) throw invalidParameter(`Invalid value for max_results: it must be between 1 and ${PAGE.max}, got ${size}`);
  const offset = pageOffsetOf(req.page_token);
  const ids = await loggedModelIds(c.var.db, { offset, limit: size, glob: principal.modelGlob });
  const models = await loggedModelMessages(c, ids.slice(0, size), principal.modelGlob);
  return c.json({ models, ...(ids.length > size ? { next_page_token: encodePageToken(offset + size) } : {}) }, 200);
});

/** A LoggedModel message per id that has versions in scope, in the order of `ids`. */
async function loggedModelMessages(c: Context<AppEnv>, ids: readonly string[], glob: string) {
  const origin = new URL(c.req.url).origin;
  const messages = [];
  for (const id of ids) {
    const registered = await versionsOfLoggedModel(c.var.db, id, glob);
    if (registered.length === 0) continue;
    messages.push(loggedModelOf(id, await versionFacts(c.var.db, registered), origin));
  }
  return messages;
}

/** What edgereg knows of a LoggedModel: its registrations, and the first one's run, files, params and metrics. */
function loggedModelOf(id: string, registered: VersionFacts[], origin: string) {
  const first = registered[0]!;
  const withFiles = registered.find((v) => v.hasArtifacts);
  const updated = Math.max(...registered.map((v) => epochMillis(v.row.updatedAt)));
  const status = registered.some((v) => v.row.status === "READY") ? "READY" : first.row.status;
  const created = epochMillis(first.row.createdAt);
  return {
    info: {
      model_id: id,
      name: first.modelName,
      creation_timestamp_ms: created,
      last_updated_timestamp_ms: updated,
      ...(withFiles ? { artifact_uri: versionArtifactUrl(origin, withFiles.modelName, withFiles.row.number) } : {}),
      status: STATUS[status],
      ...(first.row.runId ? { source_run_id: first.row.runId } : {}),
      registrations: registered.map((v) => ({ name: v.modelName, version: String(v.row.number) })),
    },
    data: {
      params: Object.entries(first.row.params as Record<string, unknown>).map(([key, value]) => ({ key, value: String(value) })),
      metrics: Object.entries(first.row.metrics as Record<string, number>).map(([key, value]) => ({ key, value, timestamp: created, step: 0 })),
    },
  };
}
