import type { MatrixRow } from "./types";

// {id} is a random UUID: an admin gets 404 (no such webhook) or 400 ({delivery} is left unfilled), never 401/403.
export const rows: Record<string, MatrixRow> = {
  "POST /v1/webhooks/{id}/deliveries/{delivery}/redeliver": { need: "unscoped-admin" },
  "POST /v1/webhooks/{id}/deliveries/replay": { need: "unscoped-admin", body: { since: "2026-01-01T00:00:00Z", until: "2026-01-02T00:00:00Z" } },
};
