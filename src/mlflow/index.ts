/**
 * The MLflow-compatible facade (README, "MLflow clients"): MLflow's registry and artifact-proxy REST APIs over edgereg's
 * store, answering in MLflow's shapes, errors included (`{error_code, message}` with MLflow's statuses).
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../env";
import { artifactProxy, ARTIFACTS_API } from "./artifacts";
import { invalidParameter, MlflowError, mlflowErrorOf } from "./errors";
import { loggedModels } from "./logged-models";
import { API, registry } from "./registry";

/** Request messages are small JSON; the limit matches edgereg's own JSON routes. */
const MAX_BODY_BYTES = 1024 * 1024;

export const mlflow = new Hono<AppEnv>();

for (const prefix of [API, ARTIFACTS_API]) {
  mlflow.use(
    `${prefix}/*`,
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw invalidParameter(`Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
      },
    }),
  );
}
mlflow.route("/", registry);
mlflow.route("/", loggedModels);
mlflow.route("/", artifactProxy);

// MLflow's client falls back between an RPC's endpoints on ENDPOINT_NOT_FOUND, and reports it clearly otherwise.
for (const prefix of [API, ARTIFACTS_API]) {
  mlflow.all(`${prefix}/*`, (c) => {
    throw new MlflowError("ENDPOINT_NOT_FOUND", `edgereg does not serve ${c.req.method} ${c.req.path}; see the README section "MLflow clients" for the supported MLflow endpoints.`);
  });
}

mlflow.onError((error: Error, c: Context<AppEnv>) => {
  const known = mlflowErrorOf(error) ?? (error instanceof HTTPException && error.status < 500 ? mlflowErrorOf(invalidParameter(error.message)) : null);
  if (!known) {
    console.error(JSON.stringify({ level: "error", request_id: c.get("requestId"), error: String(error), stack: error.stack }));
    return c.json({ error_code: "INTERNAL_ERROR", message: `internal error; request id ${c.get("requestId")} identifies it in the logs` }, 500);
  }
  const response = c.json(known.body, known.status as ContentfulStatusCode);
  if (known.body.error_code === "UNAUTHENTICATED") response.headers.set("WWW-Authenticate", 'Bearer realm="edgereg"');
  return response;
});
