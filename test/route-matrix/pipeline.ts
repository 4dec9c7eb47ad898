import type { MatrixRow } from "./types";

export const rows: Record<string, MatrixRow> = {
  "GET /v1/models/{name}/policy": { need: "reader" },
  "PUT /v1/models/{name}/policy": { need: "admin", body: {} },
  // A publisher may archive or un-archive a version that holds no stage ref (the matrix's version 1 holds none).
  "POST /v1/models/{name}/versions/{v}/stage": { need: "publisher", body: { stage: "None" } },
  "POST /v1/models/{name}/versions/plan": { need: "reader", body: { signature: null } },
  "POST /v1/models/{name}/observations": { need: "reporter", body: { observations: [{ version: 1, metrics: { accuracy: 1 } }] } },
  "GET /v1/models/{name}/observations": { need: "reader" },
  "PUT /v1/models/{name}/versions/{v}/reference-data": { need: "publisher", body: { features: { x: [1, 2, 3] } } },
  "GET /v1/models/{name}/versions/{v}/reference-data": { need: "reader" },
  "POST /v1/models/{name}/drift": { need: "reader", body: { version: 1, features: { x: [1, 2, 3] } } },
  "GET /v1/models/{name}/drift": { need: "reader" },
  "GET /v1/models/{name}/drift/{id}": { need: "reader" },
  // A glob no model matches, so the matrix's webhook never sends anything.
  "POST /v1/webhooks": { need: "unscoped-admin", body: { url: "https://hooks.example.invalid/edgereg", events: ["*"], model: "no-model-matches-this" } },
  "GET /v1/webhooks": { need: "unscoped-admin" },
  "GET /v1/webhooks/{id}": { need: "unscoped-admin" },
  "DELETE /v1/webhooks/{id}": { need: "unscoped-admin" },
  "GET /v1/webhooks/{id}/deliveries": { need: "unscoped-admin" },
};
