import type { MatrixRow } from "./types";

export const rows: Record<string, MatrixRow> = {
  "GET /v1/resolve": { need: "reader", query: "ref=models:/no-such-model/latest" },
  "GET /v1/r/{name}/{ref}/{path}": { need: "reader" },
  "HEAD /v1/r/{name}/{ref}/{path}": { need: "reader" },
};
