import type { MatrixRow } from "./types";

export const rows: Record<string, MatrixRow> = {
  "PUT /v1/models/{name}/rollouts/{ref}": { need: "admin", body: { candidate_version: 1, weight: 5 } },
  "PATCH /v1/models/{name}/rollouts/{ref}": { need: "admin", body: { weight: 10 } },
  "POST /v1/models/{name}/rollouts/{ref}/promote": { need: "admin", body: {} },
  "POST /v1/models/{name}/rollouts/{ref}/abort": { need: "admin", body: {} },
  "GET /v1/models/{name}/rollouts/{ref}": { need: "reader" },
  "GET /v1/models/{name}/rollouts": { need: "reader" },
};
