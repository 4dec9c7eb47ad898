/**
 * A per-token limit on mutations: every POST, PUT, PATCH and DELETE a token sends (API, MLflow facade and UI alike)
 * counts in a fixed one-minute window kept in D1; past `RATE_LIMIT_MUTATIONS_PER_MINUTE` the request is refused with
 * 429 and Retry-After before it does anything. Reads are never limited: resolving must keep answering.
 * The bootstrap admin (ADMIN_TOKEN) is exempt: it is the break-glass credential for rolling back during an incident.
 */
import type { Context, MiddlewareHandler } from "hono";
import { principalOfRequest } from "../auth/middleware";
import { BOOTSTRAP_ADMIN } from "../auth/principal";
import { DomainError } from "../domain/errors";
import { mutationsPerMinute, RATE_WINDOW_MS, retryAfterSeconds, windowStartAt } from "../domain/rate-limit";
import type { AppEnv } from "../env";
import { mlflowErrorOf } from "../mlflow/errors";
import { API as MLFLOW_API } from "../mlflow/registry";
import { countRequest } from "../registry/rate-limit";
import { errorBody } from "./errors";

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function mutationRateLimit(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const limit = mutationsPerMinute(c.env.RATE_LIMIT_MUTATIONS_PER_MINUTE);
    if (limit === 0 || !MUTATING.has(c.req.method)) return next();
    const principal = await principalOfRequest(c).catch((error) => {
      // Without a valid credential the route itself answers 401 (or the UI's sign-in page).
      if (error instanceof DomainError && error.code === "UNAUTHENTICATED") return null;
      throw error;
    });
    if (!principal || principal.id === BOOTSTRAP_ADMIN.id) return next();
    const now = c.var.clock.now();
    const count = await countRequest(c.var.db, `token:${principal.id}`, windowStartAt(now));
    if (count > limit) return refuse(c, limit, retryAfterSeconds(now));
    return next();
  };
}

function refuse(c: Context<AppEnv>, limit: number, retryAfter: number): Response {
  const error = new DomainError("RATE_LIMITED", `this token may make ${limit} changes a minute; retry in ${retryAfter} s`, {
    limit,
    window_seconds: RATE_WINDOW_MS / 1000,
    retry_after: retryAfter,
  });
  c.header("Retry-After", String(retryAfter));
  // MLflow's clients read their own error shape (and back off on 429 by themselves).
  if (c.req.path.startsWith(MLFLOW_API)) return c.json(mlflowErrorOf(error)!.body, 429);
  return c.json(errorBody(error.code, error.message, error.details), 429);
}
