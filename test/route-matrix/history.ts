import type { MatrixRow } from "./types";

export const rows: Record<string, MatrixRow> = {
  "GET /v1/models/{name}/versions/{v}/history": { need: "reader" },
};
