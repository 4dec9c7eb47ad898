import type { MatrixRow } from "./types";

export const rows: Record<string, MatrixRow> = {
  "GET /v1/ping": { need: "public" },
  "GET /v1/health": { need: "public" },
  "POST /v1/models": { need: "publisher", body: { name: "__MODEL__-new" } },
  "GET /v1/models": { need: "reader" },
  "GET /v1/models/{name}": { need: "reader" },
  "PATCH /v1/models/{name}": { need: "publisher", body: { description: "d" } },
  "POST /v1/models/{name}/versions": { need: "publisher", body: { semver: "9.9.9" } },
  "GET /v1/models/{name}/versions": { need: "reader" },
  "GET /v1/models/{name}/versions/{v}": { need: "reader" },
  "PATCH /v1/models/{name}/versions/{v}": { need: "publisher", body: { description: "d" } },
  "PUT /v1/models/{name}/refs/{ref}": { need: "admin", body: { version: 1 } },
  "GET /v1/models/{name}/refs": { need: "reader" },
  "GET /v1/models/{name}/refs/{ref}": { need: "reader" },
  "DELETE /v1/models/{name}/refs/{ref}": { need: "admin" },
  "POST /v1/models/{name}/refs/{ref}/rollback": { need: "admin", body: {} },
  "GET /v1/models/{name}/refs/{ref}/history": { need: "reader" },
  "POST /v1/tokens": { need: "unscoped-admin", body: { name: "t", role: "reader" } },
  "GET /v1/tokens": { need: "unscoped-admin" },
  "DELETE /v1/tokens/{id}": { need: "unscoped-admin" },
  "GET /v1/audit": { need: "admin" },
};
