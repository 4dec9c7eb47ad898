/**
 * MLflow's artifact proxy (mlflow/protos/mlflow_artifacts.proto) under /api/2.0/mlflow-artifacts, read-only: it
 * serves the verified artifacts edgereg keeps in R2 under `models/NAME/versions/N/…`, the URI get-download-uri
 * hands out, so `mlflow.artifacts.download_artifacts("models:/NAME@alias")` downloads from edgereg. Uploads go
 * through edgereg's own API, where each artifact is declared with its sha256 first.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { authorize } from "../auth/middleware";
import type { AppEnv } from "../env";
import { decodeArtifactPath, IMMUTABLE_CACHE_CONTROL, serveArtifact } from "../http/artifacts";
import { readServableArtifact } from "../registry/artifacts";
import { contextOf } from "../registry/context";
import { doesNotExist, invalidParameter, MlflowError } from "./errors";
import { artifactLocationOf, listDirectory } from "./mapping";
import { requireModelVersionRow, verifiedArtifactsOf } from "./queries";
import { caller, optional, readMessage } from "./request";

export const ARTIFACTS_API = "/api/2.0/mlflow-artifacts";
const DOWNLOAD_PREFIX = `${ARTIFACTS_API}/artifacts/`;

export const artifactProxy = new Hono<AppEnv>();

/** List: the entries directly under `path`; a path that is a file, or holds nothing, lists nothing. */
artifactProxy.get(`${ARTIFACTS_API}/artifacts`, async (c) => {
  const principal = await caller(c, "reader");
  const req = await readMessage(c, { path: optional });
  const path = req.path ?? "";
  if (path.split("/").some((segment) => segment === ".." || segment === ".")) throw invalidParameter(`Invalid path: '${path}'`);
  const location = artifactLocationOf(path);
  if (!location) return c.json({}, 200);
  authorize(principal, "reader", location.model);
  const { version } = await requireModelVersionRow(c.var.db, location.model, location.number);
  const files = listDirectory(await verifiedArtifactsOf(c.var.db, version), location.path);
  return c.json(files.length > 0 ? { files } : {}, 200);
});

/** Download: the bytes, as edgereg's own by-version artifact route streams them (ETag, Range). */
artifactProxy.get(`${DOWNLOAD_PREFIX}*`, async (c) => {
  const principal = await caller(c, "reader");
  const segments = new URL(c.req.url).pathname.slice(DOWNLOAD_PREFIX.length).split("/");
  const location = artifactLocationOf(decodeArtifactPath(segments));
  if (!location || location.path === "") throw doesNotExist(`No artifact at '${segments.join("/")}': artifacts live under models/NAME/versions/N/PATH`);
  authorize(principal, "reader", location.model);
  const address = { model: location.model, version: { number: location.number }, path: location.path };
  const response = await serveArtifact(c, await readServableArtifact(await contextOf(c), address), { cacheControl: IMMUTABLE_CACHE_CONTROL });
  // As MLflow's server does, so a browser never renders an artifact on edgereg's origin.
  response.headers.set("Content-Disposition", `attachment; filename="${location.path.split("/").pop()!.replace(/["\\]/g, "_")}"`);
  return response;
});

const readOnly = async (c: Context<AppEnv>) => {
  await caller(c, "publisher");
  throw new MlflowError(
    "NOT_IMPLEMENTED",
    "edgereg's mlflow-artifacts proxy is read-only: artifacts are declared with their sha256 when a version is created and uploaded " +
      "with PUT /v1/models/NAME/versions/N/artifacts/PATH (or the edgereg CLI), which verifies them.",
  );
};
artifactProxy.put(`${DOWNLOAD_PREFIX}*`, readOnly);
artifactProxy.delete(`${DOWNLOAD_PREFIX}*`, readOnly);
artifactProxy.post(`${ARTIFACTS_API}/mpu/*`, readOnly);
