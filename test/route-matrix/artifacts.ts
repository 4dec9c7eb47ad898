import type { MatrixRow } from "./types";

// Version 1 of the matrix model is READY without artifacts, so allowed roles get 404/409, never 401/403.
export const rows: Record<string, MatrixRow> = {
  "PUT /v1/models/{name}/versions/{v}/artifacts/{path}": { need: "publisher", body: "bytes" },
  "GET /v1/models/{name}/versions/{v}/artifacts/{path}": { need: "reader" },
  "HEAD /v1/models/{name}/versions/{v}/artifacts/{path}": { need: "reader" },
  "POST /v1/models/{name}/versions/{v}/uploads": { need: "publisher", body: { path: "model.bin" } },
  "GET /v1/models/{name}/versions/{v}/uploads/{id}": { need: "publisher" },
  "DELETE /v1/models/{name}/versions/{v}/uploads/{id}": { need: "publisher" },
  "PUT /v1/models/{name}/versions/{v}/uploads/{id}/parts/{n}": { need: "publisher", body: "bytes" },
  "POST /v1/models/{name}/versions/{v}/uploads/{id}/complete": { need: "publisher" },
};
