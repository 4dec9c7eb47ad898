import type { MatrixRow } from "./types";

export const rows: Record<string, MatrixRow> = {
  // Orphans span every model: a token scoped to some models may not see them.
  "GET /v1/maintenance/orphans": { need: "unscoped-admin" },
};
